import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { main } from '../engine/cli/main.js';
import { startOdooSimulator, type OdooSimulator } from '../sandbox/odoo/simulator.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const SERVICE_KEY = 'svc-3pl-diff-key-0001';

let odoo: OdooSimulator;
beforeAll(async () => {
  odoo = await startOdooSimulator({ seed: { serviceApiKey: SERVICE_KEY } });
});
afterAll(() => odoo.close());

async function ferryDiff(args: string[], odooUrl = odoo.url) {
  const out: string[] = [];
  const err: string[] = [];
  const env = { ODOO_URL: odooUrl, ODOO_API_KEY: SERVICE_KEY, THREEPL_TOKEN: 'unused' };
  const code = await main(['diff', ...args], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env,
    cwd: root,
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** The output block of one record: from its label line to the next blank line. */
function block(stdout: string, name: string): string {
  const start = stdout.indexOf(`\n${name}  (`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = stdout.indexOf('\n\n', start + 1);
  return stdout.slice(start, end < 0 ? undefined : end);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('ferry diff', () => {
  it('shows the example shipment flow v2/v3 differences and the v3 contract failure of the second fixture', async () => {
    const { code, stdout } = await ferryDiff(['shipment-to-3pl', 'v2', 'v3']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^shipment-to-3pl: v2 → v3, 2 records$/m);

    const first = block(stdout, 'WH/OUT/00007');
    expect(first).toContain('picking with two lines');
    expect(first).toContain('  /order_ref\n    v2: "S00003"\n    v3: (missing)');
    expect(first).toContain('  /lines/0/description\n    v2: (missing)\n    v3: "Desk Combination"');
    expect(first).not.toContain('breaks its contract');

    const second = block(stdout, 'WH/OUT/00008');
    expect(second).toContain(
      'v3 breaks its contract: /reference: missing required property "order"; /scheduled_at: must be string',
    );
    expect(second).toContain('v2 breaks its contract: /: missing required property "order_ref"');

    expect(stdout).toMatch(/^2 records, 2 with differences; contract failures: v2 1, v3 1$/m);
  });

  it('a version compared with itself has no differences', async () => {
    const { code, stdout } = await ferryDiff(['shipment-to-3pl', 'v3', 'v3']);
    expect(code).toBe(0);
    expect(block(stdout, 'WH/OUT/00007')).toContain('same payload');
    expect(stdout).toMatch(/^2 records, 0 with differences; contract failures: v3 1$/m);
  });

  it('refuses an unknown version with a suggestion', async () => {
    const { code, stderr } = await ferryDiff(['shipment-to-3pl', 'v2', 'v4']);
    expect(code).toBe(1);
    expect(stderr).toContain('FERRY_UNKNOWN_VERSION  flow shipment-to-3pl has no version "v4"');
    expect(stderr).toMatch(/did you mean "v[23]"\?/);
  });

  it('--live renders records read from Odoo through the source connector, as many as --records', async () => {
    const one = await ferryDiff(['shipment-to-3pl', 'v2', 'v3', '--live', '--records', '1']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^shipment-to-3pl: v2 → v3, 1 records$/m);
    expect(one.stdout).toMatch(/^WH\/OUT\/\d+ {2}\(stock\.picking\/\d+, live\)$/m);
    expect(one.stdout).not.toContain('fixture.yaml');

    const both = await ferryDiff(['shipment-to-3pl', 'v2', 'v3', '--live', '--fixtures', '--records', '1']);
    expect(both.stdout).toMatch(/^shipment-to-3pl: v2 → v3, 3 records$/m);
    expect(both.stdout).toContain('fixture.yaml: picking with two lines');
    expect(both.stdout).toContain(', live)');
  });

  it('when Odoo cannot be reached, says so, still shows the fixtures, and exits 1', async () => {
    const { code, stdout, stderr } = await ferryDiff(
      ['shipment-to-3pl', 'v2', 'v3', '--live', '--fixtures'],
      `http://127.0.0.1:${await closedPort()}`,
    );
    expect(code).toBe(1);
    expect(stderr).toContain('FERRY_ODOO_NETWORK');
    expect(stderr).toContain('live records could not be read; showing the others only');
    expect(stdout).toMatch(/^2 records, 2 with differences; contract failures: v2 1, v3 1$/m);
  });
});
