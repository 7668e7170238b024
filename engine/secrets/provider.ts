/**
 * A secret provider fetches the current value of a reference. Providers are registered into a
 * registry object (not a global), so tests and the sandbox build exactly the set they need.
 */
import type { SecretReference } from './reference.js';

export interface SecretProvider {
  /** The name used in references: `${secret:<name>:…}`. */
  readonly name: string;
  /** The current value. Throws FerryError FERRY_SECRET_UNRESOLVED when it cannot be had. */
  fetch(ref: SecretReference): Promise<string>;
}

export class SecretProviderRegistry {
  private readonly providers = new Map<string, SecretProvider>();

  register(provider: SecretProvider): this {
    this.providers.set(provider.name, provider);
    return this;
  }

  get(name: string): SecretProvider | undefined {
    return this.providers.get(name);
  }

  names(): string[] {
    return [...this.providers.keys()];
  }
}
