/**
 * Resolves secret references to handles. Values are fetched on first use, cached in memory for a TTL,
 * refreshed on demand (rotation, a 401) and registered for redaction by value. Nothing is written to disk.
 */
import { FerryError } from '../errors.js';
import { registerSecretValue } from '../log/redact.js';
import type { SecretProviderRegistry } from './provider.js';
import { parseSecretReference, type SecretReference } from './reference.js';
import type { SecretHandle } from './types.js';
import { envSecretProvider } from './providers/env.js';
import { fileSecretProvider } from './providers/file.js';
import { SecretProviderRegistry as Registry } from './provider.js';

export interface SecretResolverOptions {
  /** How long a fetched value is trusted, in ms. @default 300000 (5 minutes) */
  ttlMs?: number;
  now?: () => number;
}

export class SecretResolver {
  private readonly handles = new Map<string, SecretHandle>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    readonly providers: SecretProviderRegistry,
    options: SecretResolverOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 300_000;
    this.now = options.now ?? Date.now;
  }

  /** A handle for `${secret:…}` text; one handle per distinct reference, shared by every user. */
  handle(text: string): SecretHandle {
    const existing = this.handles.get(text);
    if (existing) return existing;
    const ref = parseSecretReference(text);
    if (!ref) throw new FerryError('FERRY_REFERENCE', `"${text}" is not a secret reference`);
    const provider = this.providers.get(ref.provider);
    if (!provider) {
      throw new FerryError('FERRY_UNKNOWN_PROVIDER', `secret provider "${ref.provider}" is not available`, {
        context: { reference: ref.raw },
      });
    }
    const handle = this.cachedHandle(ref, () => provider.fetch(ref));
    this.handles.set(text, handle);
    return handle;
  }

  private cachedHandle(ref: SecretReference, fetch: () => Promise<string>): SecretHandle {
    let value: string | undefined;
    let fetchedAt = 0;
    let pending: Promise<string> | undefined;
    const load = (): Promise<string> => {
      // Concurrent callers share one fetch.
      pending ??= fetch()
        .then((fresh) => {
          registerSecretValue(fresh);
          value = fresh;
          fetchedAt = this.now();
          return fresh;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    };
    return {
      ref: ref.raw,
      get: () =>
        value !== undefined && this.now() - fetchedAt < this.ttlMs ? Promise.resolve(value) : load(),
      refresh: load,
    };
  }
}

/** The providers available in this build: env and file. Vault, AWS and Doppler plug in the same way. */
export function defaultSecretProviders(baseDir: string, env: NodeJS.ProcessEnv = process.env): Registry {
  return new Registry().register(envSecretProvider(env)).register(fileSecretProvider(baseDir));
}
