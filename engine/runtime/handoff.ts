/**
 * Turns a page of source records into durable jobs: one idempotency key and one correlation ID per
 * record, persisted together with the source cursor in one transaction.
 */
import type { FlowConfig } from '../config/compiled.js';
import type { NewJob, Store } from '../store/port.js';
import { newCorrelationId } from '../log/correlation.js';
import { log } from '../log/logger.js';
import {
  contentHash,
  fieldHashes,
  idempotencyKeyFor,
  keysByContent,
  sameOnCommonFields,
  syncKey,
} from './keys.js';
import { isFerryError } from '../errors.js';
import { redact } from '../log/redact.js';
import type { Handoff, SourceRecord } from './ports.js';

export interface HandoffStats {
  added: number;
  skipped: number;
}

/**
 * The jobs for a page of records. Sync flows skip records whose data has not changed since the state
 * last handed over; a record whose key cannot be computed becomes a dead letter instead of blocking
 * the page (and with it every later record of the flow).
 */
export async function jobsFor(store: Store, flow: FlowConfig, records: SourceRecord[]): Promise<NewJob[]> {
  const byContent = keysByContent(flow);
  const states = byContent
    ? await store.syncStates(
        flow.name,
        records.map((r) => r.id),
      )
    : undefined;
  const jobs: NewJob[] = [];
  for (const r of records) {
    const job = {
      flow: flow.name,
      model: flow.source.model,
      recordId: r.id,
      recordName: r.name,
      correlationId: newCorrelationId(),
      source: JSON.stringify(r.record),
    };
    try {
      if (byContent) {
        const fields = fieldHashes(flow, r.record);
        const previous = states!.get(r.id);
        if (previous && sameOnCommonFields(previous.fields, fields)) continue;
        jobs.push({
          ...job,
          idempotencyKey: syncKey(flow, r.id, fields, previous?.idempotencyKey),
          sync: { fields },
        });
      } else {
        jobs.push({ ...job, idempotencyKey: await idempotencyKeyFor(flow, r) });
      }
    } catch (err) {
      jobs.push({
        ...job,
        idempotencyKey: `${flow.name}:${flow.source.model}:${r.id}:unkeyed:${contentHash(r.record)}`,
        failure: {
          code: isFerryError(err) ? err.code : 'FERRY_TRANSFORM',
          message: redact((err as Error).message),
        },
      });
    }
  }
  return jobs;
}

export function handoffFor(
  store: Store,
  flow: () => FlowConfig,
  stats: HandoffStats,
  onAdded: () => void,
): Handoff {
  return async (records, cursor) => {
    const current = flow();
    const jobs = await jobsFor(store, current, records);
    const result = await store.enqueueAndSetCursor(current.name, jobs, cursor);
    stats.added += result.added;
    stats.skipped += result.skipped;
    if (result.added > 0) {
      log().debug({ flow: current.name, added: result.added, skipped: result.skipped }, 'records queued');
      onAdded();
    }
  };
}
