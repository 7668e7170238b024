/**
 * Odoo connector costs (figures only, no assertions): `npx tsx bench/odoo.ts [records]`.
 *
 * Against the Odoo simulator over real HTTP, as the service account:
 * 1. Read path: polling pickings in pages of 200 with two moves each, expanding moves, their
 *    products and the partner. Calls per 1,000 records and records/s.
 * 2. Write-back: a correlation ID and a shipment id per record (different values) plus one shared
 *    flag, through the batched sink; then the per-record way on a slice, for comparison.
 * On a real Odoo every call costs ~10 ms, so calls per 1,000 records is the figure that carries over;
 * records/s here measures the connector and the simulator, not Odoo.
 */
import { createOdooClient } from '../connectors/odoo/client/client.js';
import { createOdooRecordSink } from '../connectors/odoo/connection.js';
import { createOdooFlowSource } from '../connectors/odoo/source.js';
import type { FlowConfig } from '../engine/config/compiled.js';
import { fixedSecret } from '../engine/secrets/types.js';
import { startOdooSimulator } from '../sandbox/odoo/simulator.js';

const RECORDS = Number(process.argv[2] ?? 2000);
const PER_RECORD_SLICE = 200;
const ORIGIN = 'bench';

const flow = {
  name: 'bench',
  file: 'bench',
  source: {
    connection: 'odoo',
    model: 'stock.picking',
    mode: 'sync',
    trigger: { kind: 'poll', everyMs: 30_000, pageSize: 200, overlapMs: 5_000 },
    domain: [['origin', '=', ORIGIN]],
    fields: ['name', 'state', 'partner_id', 'move_ids'],
    expand: {
      move_ids: { fields: ['product_id', 'quantity'] },
      'move_ids.product_id': { fields: ['default_code'] },
      partner_id: { fields: ['name'] },
    },
    recordName: 'name',
  },
} as unknown as FlowConfig;

function line(label: string, records: number, calls: number, startedAt: bigint): void {
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  const perThousand = ((calls / records) * 1000).toFixed(1).padStart(8);
  const rate = Math.round(records / seconds)
    .toLocaleString('en-US')
    .padStart(8);
  console.log(`${label.padEnd(34)} ${perThousand} calls/1,000 records ${rate} records/s`);
}

const sim = await startOdooSimulator();
const client = createOdooClient({
  url: sim.url,
  database: sim.database,
  login: sim.service.login,
  apiKey: fixedSecret(sim.service.apiKey),
  protocol: 'jsonrpc',
});
const products = [6, 12, 17, 26, 33];
const ids = sim.db.createMany(
  'stock.picking',
  Array.from({ length: RECORDS }, (_, i) => ({
    picking_type_id: 2,
    location_id: 8,
    location_dest_id: 5,
    partner_id: 9,
    origin: ORIGIN,
    move_ids: [0, 1].map((line) => [
      0,
      0,
      {
        product_id: products[(i + line) % products.length],
        product_uom_qty: 1,
        location_id: 8,
        location_dest_id: 5,
        product_uom: 1,
      },
    ]),
  })),
);
await client.authenticate();
console.log(`Odoo connector, ${RECORDS} pickings against the simulator (Odoo ${sim.version})`);

sim.resetCalls();
let started = process.hrtime.bigint();
let read = 0;
await createOdooFlowSource(client, flow).pollOnce(undefined, (records) => {
  read += records.length;
  return Promise.resolve();
});
line('read: poll + expand (3 relations)', read, sim.calls.total, started);

const sink = createOdooRecordSink(client);
const outcome = (id: number, run: string) => ({
  recordId: id,
  values: {
    x_integration_correlation_id: `${run}-${id}`,
    x_3pl_shipment_id: `SHP-${run}-${id}`,
    printed: true,
  },
});
sim.resetCalls();
started = process.hrtime.bigint();
await sink.writeBack(
  'stock.picking',
  ids.map((id) => outcome(id, 'a')),
);
line('write-back: write + load batches', ids.length, sim.calls.total, started);

const slice = ids.slice(0, PER_RECORD_SLICE);
sim.resetCalls();
started = process.hrtime.bigint();
for (const id of slice) await client.write('stock.picking', [id], outcome(id, 'b').values);
line('write-back: one write per record', slice.length, sim.calls.total, started);

await client.close();
await sim.close();
