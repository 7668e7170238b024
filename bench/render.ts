/**
 * Render + contract throughput (figures only): `npx tsx bench/render.ts [records]`.
 *
 * The example flow shipment-to-3pl, version v2, rendered by the engine (JSONata transform, JSON
 * normalisation, ajv contract) next to a hand-written function producing the same payload and checked by
 * the same compiled contract. The ratio is the price of declaring the mapping in a flow file.
 */
import { isDeepStrictEqual } from 'node:util';
import { loadConfig } from '../engine/config/load.js';
import { render } from '../engine/transform/render.js';
import { m2oName } from '../engine/transform/odoo-helpers.js';
import { perSecond, pickingRecords, secondsSince } from './shipments.js';

const RECORDS = Number(process.argv[2] ?? 20_000);
/** Each variant stops early past this, so the whole bench stays bounded on slow machines. */
const MAX_SECONDS = 8;

const flow = loadConfig('flows').flows.get('shipment-to-3pl')!;
const v2 = flow.payload.versions.get('v2')!;
const records = pickingRecords(RECORDS).map((r) => r.record);

interface Line {
  product_id: { default_code: string };
  quantity: number;
}

/** What the v2 transform says, written by hand. */
function handWritten(record: Record<string, unknown>): unknown {
  const payload: Record<string, unknown> = { schema_version: 'v2' };
  const orderRef = m2oName(record.sale_id as [number, string] | false);
  if (orderRef !== undefined) payload.order_ref = orderRef;
  payload.picking = record.name;
  const customer = m2oName(record.partner_id as [number, string] | false);
  if (customer !== undefined) payload.customer = customer;
  payload.lines = (record.move_ids as Line[]).map((l) => ({
    sku: l.product_id.default_code,
    qty: l.quantity,
  }));
  return payload;
}

/** Runs `one` over the records (or until MAX_SECONDS); returns records done and seconds taken. */
async function measure(one: (record: Record<string, unknown>) => unknown) {
  const startedAt = process.hrtime.bigint();
  let done = 0;
  for (const record of records) {
    await one(record);
    done++;
    if (done % 1000 === 0 && secondsSince(startedAt) > MAX_SECONDS) break;
  }
  return { done, seconds: secondsSince(startedAt) };
}

async function main(): Promise<void> {
  const sample = records[0]!;
  const rendered = await render(v2, sample, { flow: flow.name });
  // The comparison means something only if both sides produce the same valid payload.
  if (!isDeepStrictEqual(rendered.payload, handWritten(sample)) || rendered.violations.length > 0)
    throw new Error('the hand-written mapping no longer matches the v2 transform; update the bench');

  // Warm-up so both sides run optimised code.
  for (const record of records.slice(0, 2000)) {
    await render(v2, record, { flow: flow.name });
    v2.contract(handWritten(record));
  }

  const engine = await measure((record) => render(v2, record, { flow: flow.name, correlationId: 'c' }));
  const jsonataOnly = await measure((record) => v2.transform.evaluate(record, { flow: flow.name }));
  const byHand = await measure((record) => v2.contract(handWritten(record)));
  const engineRate = engine.done / engine.seconds;
  const handRate = byHand.done / byHand.seconds;

  console.log(`render: shipment-to-3pl v2, ${records.length.toLocaleString('en-US')} records`);
  console.log(`  flow render + contract   ${perSecond(engine.done, engine.seconds)}`);
  console.log(`    of which JSONata alone ${perSecond(jsonataOnly.done, jsonataOnly.seconds)}`);
  console.log(`  hand-written + contract  ${perSecond(byHand.done, byHand.seconds)}`);
  console.log(`  ratio flow / hand-written ${((engineRate / handRate) * 100).toFixed(1).padStart(8)} %`);
  console.log(
    `  µs per record: flow ${(1e6 / engineRate).toFixed(1)}, hand-written ${(1e6 / handRate).toFixed(1)}`,
  );
}

await main();
