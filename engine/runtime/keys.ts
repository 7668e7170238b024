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
        {
          context: { flow: flow.name, record: source.id },
        },
      );
    }
    return `${flow.name}:${String(key)}`;
  }
  const base = `${flow.name}:${flow.source.model}:${source.id}`;
  return flow.source.mode === 'create' ? base : `${base}:${contentHash(readData(flow, source.record))}`;
}

/**
 * The record without the fields the flow writes back: Ferry's own write-back must never look like a
 * change, or a flow that also reads such a field would deliver the record again after every delivery.
 */
function readData(flow: FlowConfig, record: Record<string, unknown>): Record<string, unknown> {
  if (!Object.keys(record).some((field) => flow.writeBack.has(field))) return record;
  return Object.fromEntries(Object.entries(record).filter(([field]) => !flow.writeBack.has(field)));
}

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
