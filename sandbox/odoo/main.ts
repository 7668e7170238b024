/**
 * Runs the Odoo simulator on its own:
 *   npx tsx sandbox/odoo/main.ts --port 8069 [--version 16|17|18|19] [--database ferry] [--host 127.0.0.1]
 * Prints the URL, the database, the service account's login and a freshly generated API key (the
 * point of running it by hand), then serves until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { FerryError, isFerryError } from '../../engine/errors.js';
import { startOdooSimulator } from './simulator.js';
import { isOdooVersion } from './versions.js';

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8069' },
      host: { type: 'string', default: '127.0.0.1' },
      version: { type: 'string', default: '18' },
      database: { type: 'string', default: 'ferry' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new FerryError('FERRY_USAGE', '--port must be 0–65535');
  const version = Number(values.version);
  if (!isOdooVersion(version)) throw new FerryError('FERRY_USAGE', '--version must be 16, 17, 18 or 19');

  const sim = await startOdooSimulator({ port, host: values.host, version, database: values.database });
  const lines = [
    `Odoo ${version}.0 simulator listening on ${sim.url}`,
    `database          ${sim.database}`,
    `service account   ${sim.service.login} (uid ${sim.service.uid})`,
    `API key           ${sim.service.apiKey}`,
    `admin             ${sim.admin.login} / ${sim.admin.password} (uid ${sim.admin.uid})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${isFerryError(err) ? err.format() : String(err)}\n`);
  process.exitCode = 1;
});
