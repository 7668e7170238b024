/**
 * Checks before anything runs: every Odoo connection authenticates as a non-admin service account with
 * the rights and fields its flows need, and every secret an HTTP connection names resolves. Shared by
 * `ferry doctor` (prints everything) and `ferry run` (refuses to start on a problem).
 */
import type { CompiledConfig } from '../config/compiled.js';
import { FerryError, isFerryError } from '../errors.js';
import type { SecretResolver } from '../secrets/resolver.js';
import { openOdooConnection, preflight, type PreflightReport } from '../../connectors/odoo/index.js';

export interface SecretCheck {
  connection: string;
  reference: string;
  ok: boolean;
  error?: FerryError;
}

export interface ConfigPreflight {
  odoo: PreflightReport[];
  secrets: SecretCheck[];
  problems: FerryError[];
}

export async function preflightConfig(
  config: CompiledConfig,
  secrets: SecretResolver,
): Promise<ConfigPreflight> {
  const flows = [...config.flows.values()];
  const used = new Set(flows.flatMap((f) => [f.source.connection, f.target.connection]));
  const result: ConfigPreflight = { odoo: [], secrets: [], problems: [] };
  for (const connection of config.connections.values()) {
    if (!used.has(connection.name)) continue;
    if (connection.kind === 'odoo') {
      const odoo = openOdooConnection(connection, secrets);
      try {
        const report = await preflight(odoo.client, connection, flows, odoo.catalog);
        result.odoo.push(report);
        result.problems.push(...report.problems);
      } finally {
        await odoo.close();
      }
    } else {
      const auth = connection.auth;
      const refs = !auth
        ? []
        : auth.kind === 'bearer'
          ? [auth.token]
          : auth.kind === 'basic'
            ? [auth.password]
            : auth.kind === 'header'
              ? [auth.value]
              : [auth.clientSecret];
      for (const reference of refs) {
        try {
          await secrets.handle(reference).get();
          result.secrets.push({ connection: connection.name, reference, ok: true });
        } catch (err) {
          const error = isFerryError(err)
            ? err
            : new FerryError('FERRY_SECRET_UNRESOLVED', (err as Error).message);
          result.secrets.push({ connection: connection.name, reference, ok: false, error });
          result.problems.push(error);
        }
      }
    }
  }
  return result;
}
