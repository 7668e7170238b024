import { afterEach, describe, expect, it } from 'vitest';
import type { OdooClient } from '../connectors/odoo/client/client.js';
import { createOdooRecordSink } from '../connectors/odoo/connection.js';
import { preflight } from '../connectors/odoo/preflight.js';
import { createOdooFlowSource } from '../connectors/odoo/source.js';
import type { SourceRecord } from '../engine/runtime/ports.js';
import { startOdooSimulator, type OdooSimulator, type OdooVersion } from '../sandbox/odoo/simulator.js';
import { clientAs, flowConfig, odooConnection } from './odoo-source-fixtures.js';

let sim: OdooSimulator | undefined;
let client: OdooClient | undefined;

afterEach(async () => {
  await client?.close();
  await sim?.close();
});

const cases: [OdooVersion, 'jsonrpc' | 'xmlrpc' | 'json2', string][] = [
  [18, 'xmlrpc', 'move_ids'],
  [19, 'json2', 'move_ids'],
  [16, 'jsonrpc', 'move_lines'],
];

describe.each(cases)('Odoo %i over %s', (version, protocol, movesField) => {
  it('polls a tie larger than a page once each, expands, and writes back', async () => {
    sim = await startOdooSimulator({ version, now: '2026-12-04 10:00:00.5' });
    client = clientAs(sim, sim.service, protocol);
    const ids = sim.db.createMany(
      'stock.picking',
      Array.from({ length: 120 }, () => ({
        picking_type_id: 2,
        location_id: 8,
        location_dest_id: 5,
        origin: 'protocols',
        [movesField]: [
          [0, 0, { product_id: 6, product_uom_qty: 2, location_id: 8, location_dest_id: 5, product_uom: 1 }],
        ],
      })),
    );
    const flow = flowConfig({
      domain: [['origin', '=', 'protocols']],
      fields: ['name', movesField],
      expand: {
        [movesField]: { fields: ['product_id'] },
        [`${movesField}.product_id`]: { fields: ['default_code'] },
      },
      pageSize: 50,
    });
    const pages: SourceRecord[][] = [];
    const { cursor } = await createOdooFlowSource(client, flow).pollOnce(undefined, (records) => {
      pages.push(records);
      return Promise.resolve();
    });
    expect(pages.map((page) => page.length)).toEqual([50, 50, 20]);
    expect(new Set(pages.flat().map((r) => r.id))).toEqual(new Set(ids));
    const moves = pages[0]?.[0]?.record[movesField] as { product_id: { default_code: string } }[];
    expect(moves[0]?.product_id.default_code).toBe('FURN_8888');

    const again: SourceRecord[] = [];
    await createOdooFlowSource(client, flow).pollOnce(cursor, (records) => {
      again.push(...records);
      return Promise.resolve();
    });
    expect(again).toEqual([]);

    const { failed } = await createOdooRecordSink(client).writeBack(
      'stock.picking',
      ids.map((id) => ({ recordId: id, values: { x_3pl_shipment_id: `SHP-${id}` } })),
    );
    expect(failed).toEqual([]);
    expect(
      sim.db.read('stock.picking', ids.at(-1) as number, ['x_3pl_shipment_id'])[0]?.x_3pl_shipment_id,
    ).toBe(`SHP-${ids.at(-1)}`);
  });

  it('posts the dead-letter note as HTML, with an activity', async () => {
    sim = await startOdooSimulator({ version });
    client = clientAs(sim, sim.service, protocol);
    await createOdooRecordSink(client).surfaceDeadLetter(
      'stock.picking',
      {
        flow: 'shipment-to-3pl',
        recordId: 1,
        correlationId: 'c-1',
        errorCode: 'FERRY_HTTP_REJECTED',
        errorMessage: 'SKU <unknown>',
        attempts: 1,
        deadLetterId: 7,
      },
      { activity: true },
    );
    const [messageId] = sim.db.search(
      'mail.message',
      [
        ['model', '=', 'stock.picking'],
        ['res_id', '=', 1],
      ],
      {
        order: 'id desc',
        limit: 1,
      },
    );
    const body = String(sim.db.read('mail.message', messageId as number, ['body'])[0]?.body);
    expect(body).toContain('<code>ferry dlq requeue 7</code>');
    expect(body).toContain('SKU &lt;unknown&gt;');
    expect(sim.db.search('mail.activity', [['res_id', '=', 1]])).toHaveLength(1);
  });

  it('passes the preflight as the service account', async () => {
    sim = await startOdooSimulator({ version });
    client = clientAs(sim, sim.service, protocol);
    const flow = flowConfig({
      fields: ['name', movesField],
      expand: { [movesField]: { fields: ['product_id'] } },
      writeBack: ['x_3pl_shipment_id'],
      chatter: true,
    });
    const report = await preflight(client, { ...odooConnection(sim.url), protocol }, [flow]);
    expect(report.problems.map((problem) => problem.format())).toEqual([]);
    expect(report.rows.filter((row) => row.check === 'rights').length).toBeGreaterThan(0);
  });
});
