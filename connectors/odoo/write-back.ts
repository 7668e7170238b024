/**
 * Writes delivery outcomes back to Odoo records in as few calls as a real Odoo makes cheap: the
 * values every record of a batch shares in one `write` on all ids, the values that differ in one
 * `load` keyed by the database id column `.id` (~390 records/s against ~57/s for one `write` per
 * record). `load` rolls back its whole call when one row fails; that batch is then written record
 * by record so the good rows land and the bad ones are reported.
 */
import { FerryError, isFerryError } from '../../engine/errors.js';
import { log } from '../../engine/log/logger.js';
import type { WriteBackItem } from '../../engine/runtime/ports.js';
import type { OdooClient } from './client/client.js';
import type { FieldCatalog } from './fields.js';

/** Rows per `write`/`load` call: large enough to amortise a call, small enough for one request. */
export const WRITE_BACK_BATCH = 500;

export interface WriteBackFailure {
  recordId: number;
  error: string;
}

export async function writeBack(
  client: OdooClient,
  model: string,
  items: readonly WriteBackItem[],
  catalog?: FieldCatalog,
): Promise<{ failed: WriteBackFailure[] }> {
  const merged = mergeByRecord(items);
  const failed: WriteBackFailure[] = [];
  for (let start = 0; start < merged.length; start += WRITE_BACK_BATCH) {
    const batch = merged.slice(start, start + WRITE_BACK_BATCH);
    try {
      await writeBatch(client, model, batch, catalog);
    } catch (err) {
      // Odoo down: the runtime retries the whole write-back later (writing the same values is harmless).
      if (!isFerryError(err) || err.retryable) throw err;
      log().warn(
        { model, records: batch.length, err: describe(err) },
        'Odoo refused a write-back batch; writing its records one by one',
      );
      failed.push(...(await writeOneByOne(client, model, batch)));
    }
  }
  return { failed };
}

/**
 * One item per record (later values win), so a record appears once in `load`. A value that is
 * undefined or null becomes false, Odoo's empty, the same whether it lands in `write` or `load`.
 */
function mergeByRecord(items: readonly WriteBackItem[]): WriteBackItem[] {
  const byRecord = new Map<number, Record<string, unknown>>();
  for (const { recordId, values } of items) {
    const merged = { ...byRecord.get(recordId) };
    for (const [field, value] of Object.entries(values)) merged[field] = value ?? false;
    byRecord.set(recordId, merged);
  }
  return [...byRecord].map(([recordId, values]) => ({ recordId, values }));
}

async function writeBatch(
  client: OdooClient,
  model: string,
  batch: readonly WriteBackItem[],
  catalog?: FieldCatalog,
): Promise<void> {
  const { shared, differing } = splitShared(batch);
  if (Object.keys(shared).length > 0) {
    await client.write(
      model,
      batch.map((item) => item.recordId),
      shared,
    );
  }
  if (differing.length === 0) return;
  const rows = batch.map((item) => [
    String(item.recordId),
    ...differing.map((f) => loadCell(item.values[f])),
  ]);
  const result = await client.load(model, ['.id', ...(await loadColumns(model, differing, catalog))], rows);
  const errors = result.messages.filter((message) => message.type === 'error');
  if (result.ids.length === 0 || errors.length > 0) {
    const reasons = errors.map((message) => message.message).join('; ') || 'it wrote nothing';
    throw new FerryError('FERRY_ODOO_USER_ERROR', `Odoo ${model}.load refused the batch: ${reasons}`, {
      context: { model, method: 'load', records: batch.length },
    });
  }
}

/**
 * `load` reads a plain many2one column as a record's display name; a database id goes in the
 * `<field>/.id` column.
 */
async function loadColumns(model: string, fields: string[], catalog?: FieldCatalog): Promise<string[]> {
  const known = catalog ? await catalog.fields(model) : undefined;
  return fields.map((field) => (known?.get(field)?.type === 'many2one' ? `${field}/.id` : field));
}

/** Fields whose value is the same on every item go in one `write`; the others differ per record. */
function splitShared(batch: readonly WriteBackItem[]): {
  shared: Record<string, unknown>;
  differing: string[];
} {
  const fields = new Set(batch.flatMap((item) => Object.keys(item.values)));
  const shared: Record<string, unknown> = {};
  const differing: string[] = [];
  for (const field of fields) {
    const first = JSON.stringify(batch[0]?.values[field]);
    const same = batch.every((item) => field in item.values && JSON.stringify(item.values[field]) === first);
    if (same) shared[field] = batch[0]?.values[field];
    else differing.push(field);
  }
  return { shared, differing };
}

/** `load` takes import text, as a CSV cell would hold it: empty for false, the number or text itself. */
function loadCell(value: unknown): string {
  if (value === false) return '';
  if (value === true) return 'true';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

async function writeOneByOne(
  client: OdooClient,
  model: string,
  batch: readonly WriteBackItem[],
): Promise<WriteBackFailure[]> {
  const failed: WriteBackFailure[] = [];
  for (const { recordId, values } of batch) {
    try {
      await client.write(model, [recordId], values);
    } catch (err) {
      if (!isFerryError(err) || err.retryable) throw err;
      failed.push({ recordId, error: `${err.code}: ${err.message}` });
    }
  }
  return failed;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
