import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OdooClient } from '../connectors/odoo/client/client.js';
import { createOdooFlowSource } from '../connectors/odoo/source.js';
import type { Handoff, SourceRecord } from '../engine/runtime/ports.js';
import { startOdooSimulator, type OdooSimulator } from '../sandbox/odoo/simulator.js';
import { clientAs, flowConfig } from './odoo-source-fixtures.js';

const T0 = '2026-12-04 10:00:00.250000';
/** Restricts the flows to the pickings a test makes, not the simulator's demo data. */
const ORIGIN = 'poll-test';

let sim: OdooSimulator;
let client: OdooClient;

beforeEach(async () => {
  sim = await startOdooSimulator({ now: T0 });
  client = clientAs(sim);
});

afterEach(async () => {
  await client.close();
  await sim.close();
});

function createPickings(count: number, extra: Record<string, unknown> = {}): number[] {
  return sim.db.createMany(
    'stock.picking',
    Array.from({ length: count }, () => ({
      picking_type_id: 2,
      location_id: 8,
      location_dest_id: 5,
      partner_id: 9,
      origin: ORIGIN,
      ...extra,
    })),
  );
}

/** A handoff that records every page and its cursor, and can act between pages. */
function collector(between?: (page: number) => void): {
  handoff: Handoff;
  pages: SourceRecord[][];
  ids: () => number[];
} {
  const pages: SourceRecord[][] = [];
  return {
    pages,
    ids: () => pages.flat().map((record) => record.id),
    handoff: (records) => {
      pages.push(records);
      between?.(pages.length);
      return Promise.resolve();
    },
  };
}

const flow = (pageSize = 200) =>
  flowConfig({ domain: [['origin', '=', ORIGIN]], fields: ['name', 'state', 'partner_id'], pageSize });

describe('Odoo poll source', () => {
  it('reads a tie of 450 records sharing one write_date whole, with pages of 200, each once', async () => {
    const created = createPickings(450);
    const source = createOdooFlowSource(client, flow(200));
    const first = collector();
    const result = await source.pollOnce(undefined, first.handoff);
    expect(first.pages.map((page) => page.length)).toEqual([200, 200, 50]);
    expect(result.records).toBe(450);
    expect(first.ids().sort((a, b) => a - b)).toEqual(created);

    sim.resetCalls();
    const again = collector();
    const second = await source.pollOnce(result.cursor, again.handoff);
    expect(again.ids()).toEqual([]);
    expect(second.records).toBe(0);
    // The overlap re-reads nothing already taken: one empty page.
    expect(sim.calls.of('stock.picking', 'search_read')).toBe(1);
  });

  it('keeps Odoo shapes, the business name, and leaves write_date out unless the flow reads it', async () => {
    const [id] = createPickings(1);
    const source = createOdooFlowSource(client, flow());
    const run = collector();
    await source.pollOnce(undefined, run.handoff);
    const [record] = run.pages.flat();
    expect(record?.id).toBe(id);
    expect(record?.name).toMatch(/^WH\/OUT\/\d{5}$/);
    expect(record?.record.partner_id).toEqual([9, expect.any(String)]);
    expect(record?.record).not.toHaveProperty('write_date');

    const withDate = createOdooFlowSource(
      client,
      flowConfig({ domain: [['origin', '=', ORIGIN]], fields: ['write_date'] }),
    );
    const dated = collector();
    await withDate.pollOnce(undefined, dated.handoff);
    expect(dated.pages.flat()[0]?.record.write_date).toBe('2026-12-04 10:00:00');
  });

  it('loses no record written while pages are read, in the same second or later', async () => {
    createPickings(450);
    const written: number[] = [];
    const source = createOdooFlowSource(client, flow(200));
    const run = collector((page) => {
      if (page === 1) {
        // Same second as the tie: new records, and a change to a record not read yet.
        written.push(...createPickings(3));
        const unread = sim.db.search('stock.picking', [['origin', '=', ORIGIN]], {
          order: 'id desc',
          limit: 1,
        });
        sim.db.write('stock.picking', unread, { printed: true });
      }
      if (page === 2) {
        // A second later: a change to a record already handed over must come again.
        sim.db.advanceClock(1_000);
        const [firstTaken] = run.pages[0] ?? [];
        if (firstTaken) sim.db.write('stock.picking', firstTaken.id, { printed: true });
      }
    });
    let cursor: string | undefined;
    for (let poll = 0; poll < 3; poll++) cursor = (await source.pollOnce(cursor, run.handoff)).cursor;
    const handed = run.ids();
    const all = sim.db.search('stock.picking', [['origin', '=', ORIGIN]]);
    expect(new Set(handed)).toEqual(new Set(all));
    for (const id of written) expect(handed).toContain(id);
    const firstId = run.pages[0]?.[0]?.id;
    expect(handed.filter((id) => id === firstId)).toHaveLength(2);
    // Nothing but the re-written record is handed twice.
    expect(handed.length).toBe(all.length + 1);
  });

  it("picks up a record written later in the cursor's second, and a late commit inside the overlap", async () => {
    const early = createPickings(2);
    const source = createOdooFlowSource(client, flow());
    const run = collector();
    let { cursor } = await source.pollOnce(undefined, run.handoff);
    expect(run.ids().sort((a, b) => a - b)).toEqual(early);

    // Same second as the cursor (the clock is frozen at T0): `write_date = S` would miss it.
    const sameSecond = createPickings(1);
    ({ cursor } = await source.pollOnce(cursor, run.handoff));

    // Time moves on; then a transaction that started 3 s before the newest record commits.
    sim.db.freezeClock('2026-12-04 10:00:10.100000');
    const newer = createPickings(1);
    ({ cursor } = await source.pollOnce(cursor, run.handoff));
    sim.db.freezeClock('2026-12-04 10:00:07.900000');
    const late = createPickings(1);
    await source.pollOnce(cursor, run.handoff);

    expect(run.ids()).toEqual([...early, ...sameSecond, ...newer, ...late]);
  });

  it('refuses a cursor it did not write instead of reading from the beginning', async () => {
    const source = createOdooFlowSource(client, flow());
    const run = collector();
    await expect(source.pollOnce('{"since": 5}', run.handoff)).rejects.toMatchObject({
      code: 'FERRY_STORE',
      retryable: false,
    });
    expect(run.pages).toEqual([]);
  });

  it('re-reads hinted records with expansion, leaving out those gone or outside the domain', async () => {
    const [kept, other] = createPickings(2);
    const [elsewhere] = sim.db.createMany('stock.picking', [
      { picking_type_id: 2, location_id: 8, location_dest_id: 5, origin: 'not-this-flow' },
    ]);
    sim.db.unlink('stock.picking', other as number);
    const source = createOdooFlowSource(
      client,
      flowConfig({
        domain: [['origin', '=', ORIGIN]],
        fields: ['name'],
        expand: { partner_id: { fields: ['name'] } },
      }),
    );
    const records = await source.readRecords([kept as number, other as number, elsewhere as number]);
    expect(records.map((record) => record.id)).toEqual([kept]);
    expect(records[0]?.record.partner_id).toEqual({ id: 9, name: expect.any(String) });
  });
});
