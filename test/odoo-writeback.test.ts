import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OdooClient } from '../connectors/odoo/client/client.js';
import { createOdooRecordSink, createOdooSourceConnection } from '../connectors/odoo/connection.js';
import type { DeadLetterNotice, RecordSink } from '../engine/runtime/ports.js';
import { clientAs } from './odoo-source-fixtures.js';
import { startOdooSimulator, type OdooSimulator } from '../sandbox/odoo/simulator.js';

let sim: OdooSimulator;
let client: OdooClient;
let sink: RecordSink;

beforeEach(async () => {
  sim = await startOdooSimulator({ now: '2026-12-04 10:00:00' });
  client = clientAs(sim);
  sink = createOdooRecordSink(client);
});

afterEach(async () => {
  await client.close();
  await sim.close();
});

function createPickings(count: number): number[] {
  return sim.db.createMany(
    'stock.picking',
    Array.from({ length: count }, () => ({ picking_type_id: 2, location_id: 8, location_dest_id: 5 })),
  );
}

const outcome = (id: number) => ({
  recordId: id,
  values: { x_integration_correlation_id: `corr-${id}`, x_3pl_shipment_id: `SHP-${id}`, printed: true },
});

describe('Odoo write-back', () => {
  it('writes 1,000 records with a bounded number of calls: shared values in write, the rest in load', async () => {
    const ids = createPickings(1000);
    sim.resetCalls();
    const { failed } = await sink.writeBack('stock.picking', ids.map(outcome));
    expect(failed).toEqual([]);
    const writes = sim.calls.of('stock.picking', 'write');
    const loads = sim.calls.of('stock.picking', 'load');
    expect(writes).toBe(2);
    expect(loads).toBe(2);
    const rows = sim.db.read('stock.picking', ids, [
      'x_integration_correlation_id',
      'x_3pl_shipment_id',
      'printed',
    ]);
    expect(
      rows.filter((row, i) => row.x_3pl_shipment_id === `SHP-${ids[i]}` && row.printed === true),
    ).toHaveLength(1000);
    expect(rows[999]?.x_integration_correlation_id).toBe(`corr-${ids[999]}`);
  });

  it('writes a many2one that differs per record by database id, not by name', async () => {
    const ids = createPickings(3);
    const partners = sim.db.search('res.partner', [], { limit: 3 });
    const withCatalog = createOdooSourceConnection(client).sink;
    sim.resetCalls();
    const { failed } = await withCatalog.writeBack(
      'stock.picking',
      ids.map((id, i) => ({ recordId: id, values: { partner_id: partners[i]! } })),
    );
    expect(failed).toEqual([]);
    // One load took them all: no fallback to a write per record.
    expect(sim.calls.of('stock.picking', 'load')).toBe(1);
    expect(sim.calls.of('stock.picking', 'write')).toBe(0);
    const rows = sim.db.read('stock.picking', ids, ['partner_id']);
    expect(rows.map((r) => (Array.isArray(r.partner_id) ? r.partner_id[0] : r.partner_id))).toEqual(partners);
  });

  it('still writes the other rows of a batch with one bad row, and reports the bad one', async () => {
    const ids = createPickings(20);
    const missing = 999_999;
    const items = [...ids.slice(0, 10), missing, ...ids.slice(10)].map(outcome);
    const { failed } = await sink.writeBack('stock.picking', items);
    expect(failed.map((failure) => failure.recordId)).toEqual([missing]);
    expect(failed[0]?.error).toMatch(/FERRY_ODOO_MISSING_RECORD/);
    const rows = sim.db.read('stock.picking', ids, ['x_3pl_shipment_id']);
    expect(rows.map((row) => row.x_3pl_shipment_id)).toEqual(ids.map((id) => `SHP-${id}`));
  });

  it('falls back record by record when load refuses one row, so the other rows land', async () => {
    const ids = createPickings(10);
    const bad = ids[4] as number;
    const items = ids.map((id) => ({
      recordId: id,
      values: { x_3pl_shipment_id: `SHP-${id}`, scheduled_date: id === bad ? 'soon' : '2026-12-05 08:00:00' },
    }));
    sim.resetCalls();
    const { failed } = await sink.writeBack('stock.picking', items);
    expect(sim.calls.of('stock.picking', 'load')).toBe(1);
    expect(failed.map((failure) => failure.recordId)).toEqual([bad]);
    const rows = sim.db.read('stock.picking', ids, ['x_3pl_shipment_id', 'scheduled_date']);
    expect(rows.filter((row) => row.x_3pl_shipment_id === `SHP-${row.id}`).map((row) => row.id)).toEqual(
      ids.filter((id) => id !== bad),
    );
    expect(rows.find((row) => row.id === ids[0])?.scheduled_date).toBe('2026-12-05 08:00:00');
  });

  it('writes a missing value as empty, in write and in load alike', async () => {
    const ids = createPickings(3);
    sim.db.write('stock.picking', ids, { x_3pl_shipment_id: 'OLD', x_integration_correlation_id: 'OLD' });
    const { failed } = await sink.writeBack('stock.picking', [
      {
        recordId: ids[0] as number,
        values: { x_3pl_shipment_id: null, x_integration_correlation_id: undefined },
      },
      {
        recordId: ids[1] as number,
        values: { x_3pl_shipment_id: 'SHP-2', x_integration_correlation_id: undefined },
      },
      {
        recordId: ids[2] as number,
        values: { x_3pl_shipment_id: undefined, x_integration_correlation_id: undefined },
      },
    ]);
    expect(failed).toEqual([]);
    const rows = sim.db.read('stock.picking', ids, ['x_3pl_shipment_id', 'x_integration_correlation_id']);
    expect(rows.map((row) => [row.x_3pl_shipment_id, row.x_integration_correlation_id])).toEqual([
      [false, false],
      ['SHP-2', false],
      [false, false],
    ]);
  });

  it('uses one write and no load when every record gets the same values', async () => {
    const ids = createPickings(50);
    sim.resetCalls();
    await sink.writeBack(
      'stock.picking',
      ids.map((id) => ({ recordId: id, values: { x_3pl_shipment_id: 'BATCH-1' } })),
    );
    expect(sim.calls.of('stock.picking', 'write')).toBe(1);
    expect(sim.calls.of('stock.picking', 'load')).toBe(0);
    expect(
      sim.db.read('stock.picking', ids.at(-1) as number, ['x_3pl_shipment_id'])[0]?.x_3pl_shipment_id,
    ).toBe('BATCH-1');
  });
});

describe('Odoo dead-letter surfacing', () => {
  const notice = (recordId: number): DeadLetterNotice => ({
    flow: 'shipment-to-3pl',
    version: 'v2',
    recordId,
    recordName: 'WH/OUT/00001',
    correlationId: '01936f5e-7b7a-7c3e-9f1a-2b3c4d5e6f70',
    errorCode: 'FERRY_CONTRACT',
    errorMessage: 'payload.lines[0].sku must be a string <script>alert(1)</script>',
    attempts: 3,
    deadLetterId: 42,
  });

  it('posts an escaped internal note on the record with what failed and how to requeue', async () => {
    await sink.surfaceDeadLetter('stock.picking', notice(1), { activity: false });
    const [messageId] = sim.db.search(
      'mail.message',
      [
        ['model', '=', 'stock.picking'],
        ['res_id', '=', 1],
      ],
      { order: 'id desc', limit: 1 },
    );
    const [message] = sim.db.read('mail.message', messageId as number, [
      'body',
      'subtype_id',
      'message_type',
    ]);
    const body = String(message?.body);
    expect(body).toContain('<li><strong>Flow:</strong> shipment-to-3pl</li>');
    expect(body).toContain('FERRY_CONTRACT');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).not.toContain('<script>');
    expect(body).toContain('01936f5e-7b7a-7c3e-9f1a-2b3c4d5e6f70');
    expect(body).toContain('<code>ferry dlq requeue 42</code>');
    expect(message?.subtype_id).toEqual([expect.any(Number), 'Note']);
    expect(sim.db.search('mail.activity', [['res_id', '=', 1]])).toEqual([]);
  });

  it('schedules a To Do activity for the user named by login', async () => {
    await sink.surfaceDeadLetter('stock.picking', notice(2), { activity: true, activityUser: 'admin' });
    const activities = sim.db.search('mail.activity', [
      ['res_model', '=', 'stock.picking'],
      ['res_id', '=', 2],
    ]);
    expect(activities).toHaveLength(1);
    const [activity] = sim.db.read('mail.activity', activities, ['user_id', 'activity_type_id', 'summary']);
    expect(activity?.user_id).toEqual([sim.admin.uid, expect.any(String)]);
    expect(activity?.activity_type_id).toEqual([expect.any(Number), 'To-Do']);
    expect(String(activity?.summary)).toContain('shipment-to-3pl');
  });
});
