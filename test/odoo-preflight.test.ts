import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OdooClient } from '../connectors/odoo/client/client.js';
import { assertPreflight, preflight } from '../connectors/odoo/preflight.js';
import { formatPreflightTable } from '../connectors/odoo/preflight-table.js';
import { isFerryError } from '../engine/errors.js';
import { startOdooSimulator, type Account, type OdooSimulator } from '../sandbox/odoo/simulator.js';
import { clientAs, flowConfig, odooConnection } from './odoo-source-fixtures.js';

let sim: OdooSimulator;
const clients: OdooClient[] = [];

beforeEach(async () => {
  sim = await startOdooSimulator();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await sim.close();
});

function clientFor(account: Account): OdooClient {
  const client = clientAs(sim, account);
  clients.push(client);
  return client;
}

const shipmentFlow = flowConfig({
  fields: ['name', 'partner_id', 'move_ids'],
  domain: [
    ['state', '=', 'done'],
    ['picking_type_code', '=', 'outgoing'],
  ],
  expand: {
    move_ids: { fields: ['product_id', 'quantity'] },
    'move_ids.product_id': { fields: ['default_code'] },
  },
  writeBack: ['x_integration_correlation_id', 'x_3pl_shipment_id'],
  chatter: true,
  activity: true,
});

describe('Odoo preflight', () => {
  it('passes for the service account with exactly the rights the flow needs', async () => {
    const report = await preflight(clientFor(sim.service), odooConnection(sim.url), [shipmentFlow]);
    expect(report.problems.map((p) => p.format())).toEqual([]);
    expect(report.uid).toBe(sim.service.uid);
    const rights = report.rows.filter((row) => row.check === 'rights').map((row) => row.subject);
    expect(rights).toEqual(
      expect.arrayContaining([
        'read stock.picking',
        'write stock.picking',
        'read stock.move',
        'read product.product',
        'create mail.message',
        'create mail.activity',
      ]),
    );
    expect(() => assertPreflight(report)).not.toThrow();
    expect(formatPreflightTable(report)).toContain('all checks passed');
  });

  it('refuses an administrator unless the connection allows it, then warns', async () => {
    const refused = await preflight(clientFor(sim.admin), odooConnection(sim.url, { login: 'admin' }), [
      shipmentFlow,
    ]);
    expect(refused.problems.map((p) => p.code)).toEqual(['FERRY_ODOO_ADMIN_REFUSED']);
    expect(() => assertPreflight(refused)).toThrow(/administrator/);

    const allowed = await preflight(
      clientFor(sim.admin),
      odooConnection(sim.url, { login: 'admin', allowAdmin: true }),
      [shipmentFlow],
    );
    expect(allowed.problems).toEqual([]);
    expect(allowed.rows.find((row) => row.check === 'admin')?.status).toBe('warning');
  });

  it('lists every right a flow needs and the account lacks, as table rows', async () => {
    const salesOnly = sim.addUser({ login: 'sales_only', groups: ['sales_team.group_sale_salesman'] });
    const report = await preflight(clientFor(salesOnly), odooConnection(sim.url, { login: 'sales_only' }), [
      shipmentFlow,
    ]);
    const missing = report.rows.filter((row) => row.status === 'missing').map((row) => row.subject);
    expect(missing).toEqual(['write stock.picking']);
    expect(report.problems.map((p) => p.code)).toEqual(['FERRY_ODOO_RIGHTS_MISSING']);
    const table = formatPreflightTable(report);
    expect(table).toMatch(/shipment-to-3pl\s+rights\s+write stock\.picking\s+MISSING\s+write-back/);
    expect(table).toContain('1 problem: FERRY_ODOO_RIGHTS_MISSING');
    try {
      assertPreflight(report);
      expect.unreachable();
    } catch (err) {
      expect(isFerryError(err, 'FERRY_ODOO_RIGHTS_MISSING')).toBe(true);
    }
  });

  it('names unknown fields in fields, expand, domain and write-back, with renamed ones suggested', async () => {
    const oldNames = flowConfig({
      fields: ['name', 'move_lines'],
      domain: [['statee', '=', 'done']],
      expand: { move_ids: { fields: ['quantity_done'] } },
      writeBack: ['x_3pl_shipment'],
    });
    const report = await preflight(clientFor(sim.service), odooConnection(sim.url), [oldNames]);
    const unknown = report.problems.filter((p) => p.code === 'FERRY_ODOO_UNKNOWN_FIELD');
    expect(unknown.map((p) => [p.context.model, p.context.field, p.hint])).toEqual([
      ['stock.picking', 'move_lines', 'did you mean "move_ids"?'],
      ['stock.picking', 'statee', 'did you mean "state"?'],
      ['stock.picking', 'x_3pl_shipment', 'did you mean "x_3pl_shipment_id"?'],
      ['stock.move', 'quantity_done', 'did you mean "quantity"?'],
    ]);
    expect(formatPreflightTable(report)).toMatch(
      /stock\.move\.quantity_done\s+MISSING\s+did you mean "quantity"\?/,
    );
  });

  it('reports a refused login as a problem instead of checking on', async () => {
    const wrongKey = { ...sim.service, apiKey: 'not-the-key' };
    const report = await preflight(clientFor(wrongKey), odooConnection(sim.url), [shipmentFlow]);
    expect(report.problems.map((p) => p.code)).toEqual(['FERRY_ODOO_ACCESS_DENIED']);
    expect(report.rows).toHaveLength(1);
  });
});
