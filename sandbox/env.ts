/**
 * The environment that points the example connections (flows/connections.yaml) at the simulators:
 * addresses, database, the seeded service account and its key, the 3PL's token.
 */
import type { OdooSimulator } from './odoo/simulator.js';

export function simulatorEnv(
  odoo: OdooSimulator,
  threepl: { url: string },
  threeplToken: string,
): Record<string, string> {
  return {
    ODOO_URL: odoo.url,
    ODOO_DB: odoo.database,
    ODOO_LOGIN: odoo.service.login,
    ODOO_API_KEY: odoo.service.apiKey,
    THREEPL_URL: threepl.url,
    THREEPL_TOKEN: threeplToken,
  };
}
