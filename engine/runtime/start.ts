/**
 * Everything `ferry run` and `ferry sandbox` share: open the store, build the secret resolver and the
 * connector registry, and create the engine for a loaded config.
 */
import type { CompiledConfig } from '../config/compiled.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/port.js';
import { SecretResolver, defaultSecretProviders } from '../secrets/resolver.js';
import { defaultRegistry } from '../../connectors/defaults.js';
import { Engine } from './engine.js';

export interface StartedEngine {
  engine: Engine;
  store: Store;
  secrets: SecretResolver;
  close(): Promise<void>;
}

export async function startEngine(
  config: CompiledConfig,
  options: { storeUrl: string; env: NodeJS.ProcessEnv; concurrency?: number },
): Promise<StartedEngine> {
  const store = await openStore(options.storeUrl);
  const secrets = new SecretResolver(defaultSecretProviders(config.root, options.env));
  const engine = new Engine(config, {
    store,
    registry: defaultRegistry(),
    secrets,
    concurrency: options.concurrency,
  });
  return {
    engine,
    store,
    secrets,
    close: async () => {
      await engine.stop();
      await store.close();
    },
  };
}
