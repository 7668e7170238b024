/** `ferry render <flow> --record model/id` reads the record live through the flow's source. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOdooSimulator, type OdooSimulator } from '../sandbox/odoo/simulator.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
let odoo: OdooSimulator;

beforeAll(async () => {
  odoo = await startOdooSimulator({ port: 0 });
});
afterAll(async () => {
  await odoo?.close();
});

describe('ferry render --record model/id', () => {
  it('renders a live picking with its expanded move lines', async () => {
    const [id] = odoo.db.search('stock.picking', [
      ['state', '=', 'done'],
      ['picking_type_code', '=', 'outgoing'],
      ['sale_id', '!=', false],
    ]);
    const [picking] = odoo.db.read('stock.picking', [id!], ['name']);
    const { stdout } = await run(
      process.execPath,
      [join(root, 'bin', 'ferry.js'), 'render', 'shipment-to-3pl', '--record', `stock.picking/${id}`],
      { cwd: root, env: { PATH: process.env.PATH, ODOO_URL: odoo.url, ODOO_API_KEY: odoo.service.apiKey } },
    );
    const payload = JSON.parse(stdout) as { picking: string; lines: { sku: string; qty: number }[] };
    expect(payload.picking).toBe(picking!.name);
    expect(payload.lines.length).toBeGreaterThan(0);
    expect(payload.lines.every((l) => typeof l.sku === 'string' && l.qty > 0)).toBe(true);
  });
});
