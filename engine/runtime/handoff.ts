/**
 * Turns a page of source records into durable jobs: one idempotency key and one correlation ID per
 * record, persisted together with the source cursor in one transaction.
 */
import type { FlowConfig } from '../config/compiled.js';
import type { NewJob, Store } from '../store/port.js';
import { newCorrelationId } from '../log/correlation.js';
import { log } from '../log/logger.js';
import { idempotencyKeyFor } from './keys.js';
import type { Handoff, SourceRecord } from './ports.js';

export interface HandoffStats {
  added: number;
  skipped: number;
}

export function jobsFor(flow: FlowConfig, records: SourceRecord[]): Promise<NewJob[]> {
  return Promise.all(
    records.map(async (r) => ({
      flow: flow.name,
      model: flow.source.model,
      recordId: r.id,
      recordName: r.name,
      idempotencyKey: await idempotencyKeyFor(flow, r),
      correlationId: newCorrelationId(),
      source: JSON.stringify(r.record),
    })),
  );
}

export function handoffFor(
  store: Store,
  flow: () => FlowConfig,
  stats: HandoffStats,
  onAdded: () => void,
): Handoff {
  return async (records, cursor) => {
    const current = flow();
    const jobs = await jobsFor(current, records);
    const result = await store.enqueueAndSetCursor(current.name, jobs, cursor);
    stats.added += result.added;
    stats.skipped += result.skipped;
    if (result.added > 0) {
      log().debug({ flow: current.name, added: result.added, skipped: result.skipped }, 'records queued');
      onAdded();
    }
  };
}
