/**
 * Idempotency keys: one per business operation, stable across retries, restarts, cursor replays and
 * cutovers (the payload version is not part of it). Create-style flows key by record id alone; sync-style
 * flows add a hash of the data the flow reads (less what it writes back itself), so a record goes again
 * only when that data changed.
 */
import { createHash } from 'node:crypto';
import type { FlowConfig } from '../config/compiled.js';
import { FerryError } from '../errors.js';
import { evaluateExpression } from './expression-shortcuts.js';
import type { SourceRecord } from './ports.js';

/** The key of a create flow (the record id) or of a flow's own key expression. */
export async function idempotencyKeyFor(flow: FlowConfig, source: SourceRecord): Promise<string> {
  if (flow.delivery.idempotencyKey) {
    const key = await evaluateExpression(
      flow.delivery.idempotencyKey,
      source.record,
      { flow: flow.name },
      'idempotency_key',
    );
    if (typeof key !== 'string' && typeof key !== 'number') {
      throw new FerryError(
        'FERRY_TRANSFORM',
        `idempotency_key gave ${JSON.stringify(key) ?? 'nothing'}, not a string`,
        { context: { flow: flow.name, record: source.id } },
      );
    }
    return `${flow.name}:${String(key)}`;
  }
  return `${flow.name}:${flow.source.model}:${source.id}`;
}

/** Whether a sync flow keys by content (it does unless the flow names its own key expression). */
export function keysByContent(flow: FlowConfig): boolean {
  return flow.source.mode === 'sync' && !flow.delivery.idempotencyKey;
}

/**
 * A hash per field the flow reads, less the fields it writes back: Ferry's own write-back must never
 * look like a change, or a flow that also reads such a field would deliver the record after every delivery.
 */
export function fieldHashes(flow: FlowConfig, record: Record<string, unknown>): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const [field, value] of Object.entries(record)) {
    if (flow.writeBack.has(field) || IGNORED.has(field)) continue;
    hashes[field] = contentHash(value ?? null).slice(0, 16);
  }
  return hashes;
}

/**
 * Unchanged when every field both states read is equal: a field added to (or dropped from) the flow
 * is not a change of the record.
 */
export function sameOnCommonFields(before: Record<string, string>, after: Record<string, string>): boolean {
  const common = Object.keys(after).filter((field) => field in before);
  return common.length > 0 && common.every((field) => before[field] === after[field]);
}

/**
 * The key of one state of a record, chained to the state before it: the same state read again gets
 * the same key, and a record that changes back to an earlier state gets a new one (A → B → A is sent
 * three times).
 */
export function syncKey(
  flow: FlowConfig,
  recordId: number,
  fields: Record<string, string>,
  previousKey?: string,
): string {
  return `${flow.name}:${flow.source.model}:${recordId}:${contentHash([previousKey ?? '', fields])}`;
}

const IGNORED = new Set(['write_date', '__last_update']);

/** sha256 of the record's data with keys sorted, so field order never changes the key. */
export function contentHash(record: unknown): string {
  return createHash('sha256').update(canonicalJson(record)).digest('hex').slice(0, 32);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([k]) => k !== 'write_date' && k !== '__last_update')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
