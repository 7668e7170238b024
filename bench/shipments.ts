/**
 * Picking records shaped like flows/fixtures/shipment-to-3pl.fixture.yaml (as Odoo returns them:
 * many2one as [id, name], expanded move lines), with ids, names and line counts varied so no two
 * records render to the same payload.
 */
import type { SourceRecord } from '../engine/runtime/ports.js';

const CUSTOMERS = ['Azure Interior', 'Deco Addict', 'Gemini Furniture', 'Lumber Inc', 'Ready Mat'];
const PRODUCTS = [
  { code: 'FURN_7800', name: 'Desk Combination' },
  { code: 'FURN_0269', name: 'Office Chair Black' },
  { code: 'E-COM11', name: 'Cabinet with Doors' },
  { code: 'FURN_8888', name: 'Office Lamp' },
  { code: 'FURN_6666', name: 'Acoustic Bloc Screens' },
];

export function pickingRecord(id: number): SourceRecord {
  const name = `WH/OUT/${String(id).padStart(5, '0')}`;
  const sale = `S${String(10_000 + id).padStart(5, '0')}`;
  const lineCount = 1 + (id % 4);
  const record = {
    id,
    name,
    partner_id: [10 + (id % 5), CUSTOMERS[id % 5]],
    sale_id: [id, sale],
    origin: sale,
    scheduled_date: `2026-12-04 ${String(id % 24).padStart(2, '0')}:30:00`,
    move_ids: Array.from({ length: lineCount }, (_, i) => {
      const product = PRODUCTS[(id + i) % PRODUCTS.length]!;
      return {
        id: id * 10 + i,
        product_id: { id: 5 + ((id + i) % PRODUCTS.length), default_code: product.code, name: product.name },
        quantity: 1 + ((id + i) % 3) * 0.5,
      };
    }),
  };
  return { id, name, record };
}

export function pickingRecords(count: number, firstId = 1): SourceRecord[] {
  return Array.from({ length: count }, (_, i) => pickingRecord(firstId + i));
}

/** "12,345/s", right-aligned for tables. */
export function perSecond(count: number, seconds: number): string {
  return `${Math.round(count / seconds).toLocaleString('en-US')}/s`.padStart(10);
}

export function secondsSince(startedAt: bigint): number {
  return Number(process.hrtime.bigint() - startedAt) / 1e9;
}
