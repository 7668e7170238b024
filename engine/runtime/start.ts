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
import { preflightConfig } from './preflight.js';
import { FerryErrors } from '../errors.js';
import { log } from '../log/logger.js';

export interface StartedEngine {
  engine: Engine;
  store: Store;
  secrets: SecretResolver;
  close(): Promise<void>;
}

export async function startEngine(
  config: CompiledConfig,
  options: { storeUrl: string; env: NodeJS.ProcessEnv; concurrency?: number; preflight?: boolean },
): Promise<StartedEngine> {
  const secrets = new SecretResolver(defaultSecretProviders(config.root, options.env));
  if (options.preflight !== false) {
    // Least privilege is checked, not hoped for: no flow starts on an admin login or missing rights.
    const checks = await preflightConfig(config, secrets);
    for (const report of checks.odoo) {
      for (const row of report.rows.filter((r) => r.status === 'warning')) {
        log().warn(
          { connection: report.connection, check: row.check, subject: row.subject },
          row.detail ?? 'preflight warning',
        );
      }
    }
    if (checks.problems.length > 0) throw new FerryErrors(checks.problems);
  }
  const store = await openStore(options.storeUrl);
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
