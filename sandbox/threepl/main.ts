/**
 * Runs the 3PL simulator on its own:
 *   npx tsx sandbox/threepl/main.ts --port 8080 --token dev-token [--oauth-client id:secret]
 *     [--basic user:password] [--api-key X-Api-Key:value] [--no-idempotency]
 * Prints one line `3PL simulator listening on <url>` once it accepts requests; drive it with the
 * /_control/* endpoints (see control.ts). Stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { FerryError } from '../../engine/errors.js';
import { startThreePlSimulator, type ThreePlSimulatorOptions } from './simulator.js';

function pair(value: string, flag: string, separator = ':'): [string, string] {
  const at = value.indexOf(separator);
  if (at <= 0)
    throw new FerryError(
      'FERRY_USAGE',
      `${flag} expects <name>${separator}<value>, got ${JSON.stringify(value)}`,
    );
  return [value.slice(0, at), value.slice(at + 1)];
}

function optionsFrom(argv: string[]): ThreePlSimulatorOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      token: { type: 'string' },
      'oauth-client': { type: 'string', multiple: true },
      basic: { type: 'string' },
      'api-key': { type: 'string' },
      'token-ttl': { type: 'string' },
      'no-idempotency': { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new FerryError('FERRY_USAGE', `--port must be 0–65535`);
  const options: ThreePlSimulatorOptions = { port, idempotency: !values['no-idempotency'] };
  if (values.token) options.token = values.token;
  if (values['oauth-client']) {
    options.oauthClients = Object.fromEntries(values['oauth-client'].map((v) => pair(v, '--oauth-client')));
  }
  if (values.basic) {
    const [username, password] = pair(values.basic, '--basic');
    options.basic = { username, password };
  }
  if (values['api-key']) {
    const [header, value] = pair(values['api-key'], '--api-key');
    options.apiKey = { header, value };
  }
  if (values['token-ttl']) options.tokenTtlSeconds = Number(values['token-ttl']);
  return options;
}

async function main(): Promise<void> {
  const simulator = await startThreePlSimulator(optionsFrom(process.argv.slice(2)));
  process.stdout.write(`3PL simulator listening on ${simulator.url}\n`);
  const stop = () => {
    void simulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
