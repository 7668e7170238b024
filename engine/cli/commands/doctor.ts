import type { Command } from '../command.js';
import { loadConfig } from '../../config/load.js';
import { SecretResolver, defaultSecretProviders } from '../../secrets/resolver.js';
import { formatPreflightTable } from '../../../connectors/odoo/index.js';
import { preflightConfig } from '../../runtime/preflight.js';
import { configDir } from '../paths.js';

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Check connections, logins, rights, fields and secrets before running.',
  usage: 'ferry doctor [dir]',
  async run({ positionals }, io) {
    const config = loadConfig(configDir(positionals[0], io.cwd), { env: io.env });
    const secrets = new SecretResolver(defaultSecretProviders(config.root, io.env));
    const result = await preflightConfig(config, secrets);
    for (const report of result.odoo) io.out(`${formatPreflightTable(report)}\n`);
    for (const check of result.secrets) {
      // The reference is printed, never the value.
      io.out(
        `secret ${check.reference} (connection ${check.connection}): ${check.ok ? 'ok' : `MISSING  ${check.error?.message ?? ''}`}`,
      );
    }
    io.out(
      result.problems.length === 0
        ? 'doctor: all checks passed'
        : `doctor: ${result.problems.length} problem(s)`,
    );
    return result.problems.length === 0 ? 0 : 1;
  },
};
