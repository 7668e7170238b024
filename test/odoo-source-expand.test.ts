import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OdooClient } from '../connectors/odoo/client/client.js';
import { createOdooFlowSource } from '../connectors/odoo/source.js';
import type { SourceRecord } from '../engine/runtime/ports.js';
import { startOdooSimulator, type OdooSimulator } from '../sandbox/odoo/simulator.js';
import { clientAs, flowConfig } from './odoo-source-fixtures.js';

const ORIGIN = 'expand-test';
const PRODUCTS = [6, 12, 17, 26, 33];

let sim: OdooSimulator;
let client: OdooClient;

beforeEach(async () => {
  sim = await startOdooSimulator({ now: '2026-12-04 10:00:00' });
  client = clientAs(sim);
});

afterEach(async () => {
  await client.close();
  await sim.close();
});

/** Pickings with two moves each, of different products. */
function createPickings(count: number): number[] {
  return sim.db.createMany(
    'stock.picking',
    Array.from({ length: count }, (_, i) => ({
      picking_type_id: 2,
      location_id: 8,
      location_dest_id: 5,
      partner_id: i % 2 === 0 ? 9 : false,
      origin: ORIGIN,
      move_ids: [0, 1].map((line) => [
        0,
        0,
        {
          product_id: PRODUCTS[(i + line) % PRODUCTS.length],
          product_uom_qty: line + 1,
          location_id: 8,
          location_dest_id: 5,
          product_uom: 1,
        },
      ]),
    })),
  );
}

const expandingFlow = flowConfig({
  domain: [['origin', '=', ORIGIN]],
  fields: ['name', 'partner_id', 'move_ids'],
  pageSize: 100,
  expand: {
    move_ids: { fields: ['product_id', 'product_uom_qty'] },
    'move_ids.product_id': { fields: ['default_code'] },
    partner_id: { fields: ['name'] },
  },
});

describe('Odoo source expansion', () => {
  it('puts related objects in place of ids, nested paths inside their parents', async () => {
    const [even, odd] = createPickings(2);
    const records = await createOdooFlowSource(client, expandingFlow).readRecords([
      even as number,
      odd as number,
    ]);
    const byId = new Map(records.map((r) => [r.id, r.record]));
    const first = byId.get(even as number) as Record<string, unknown>;
    expect(first.partner_id).toEqual({ id: 9, name: expect.any(String) });
    expect(first.move_ids).toEqual([
      { id: expect.any(Number), product_id: { id: 6, default_code: 'FURN_8888' }, product_uom_qty: 1 },
      { id: expect.any(Number), product_id: { id: 12, default_code: 'FURN_7800' }, product_uom_qty: 2 },
    ]);
    // An empty many2one stays false, as Odoo answers it.
    expect(byId.get(odd as number)?.partner_id).toBe(false);
  });

  it('makes one read per relation per page, whatever the number of records', async () => {
    createPickings(250);
    const source = createOdooFlowSource(client, expandingFlow);
    sim.resetCalls();
    const pages: SourceRecord[][] = [];
    await source.pollOnce(undefined, (records) => {
      pages.push(records);
      return Promise.resolve();
    });
    expect(pages.map((page) => page.length)).toEqual([100, 100, 50]);
    expect(sim.calls.of('stock.picking', 'search_read')).toBe(3);
    expect(sim.calls.of('stock.move', 'read')).toBe(3);
    expect(sim.calls.of('product.product', 'read')).toBe(3);
    expect(sim.calls.of('res.partner', 'read')).toBe(3);
    // Relation metadata is asked once per model for the connection's life.
    expect(sim.calls.of('stock.picking', 'fields_get')).toBe(1);
    expect(sim.calls.of('stock.move', 'fields_get')).toBe(1);
    const moves = pages
      .flat()
      .flatMap((record) => record.record.move_ids as { product_id: { default_code: string } }[]);
    expect(moves).toHaveLength(500);
    expect(moves.every((move) => typeof move.product_id.default_code === 'string')).toBe(true);
  });
});
