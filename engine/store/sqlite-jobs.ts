/**
 * Jobs and the idempotency ledger in SQLite: the durable queue with leases. Synchronous; the adapter runs
 * each call inside its group commit, so every method here is one atomic step.
 */
import type Database from 'better-sqlite3';
import { FerryError } from '../errors.js';
import {
  effectiveKey,
  JOB_STATUSES,
  type DeadLetterInput,
  type DeliveryOutcome,
  type EnqueueResult,
  type FrozenPayload,
  type Job,
  type LedgerEntry,
  type NewJob,
  type RetryLater,
  type StatusCounts,
  type SyncState,
  type ErrorRecord,
} from './port.js';
import type { SqliteEventLog } from './sqlite-events.js';
import { cleanText, errorJson, toJob, toLedgerEntry, type JobRow, type LedgerRow } from './sqlite-rows.js';

const ACTIVE = `status IN ('queued', 'leased')`;
const CLEAR_LEASE = 'lease_owner = NULL, lease_until = NULL';
const IN_FLOWS = '(@flows IS NULL OR flow IN (SELECT value FROM json_each(@flows)))';

export class SqliteJobs {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly events: SqliteEventLog,
  ) {
    this.s = {
      get: db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE id = ?'),
      insert: db.prepare(
        `INSERT INTO jobs (flow, model, record_id, record_name, idempotency_key, correlation_id, status,
           not_before, source, sync, created_at, updated_at)
         VALUES (@flow, @model, @recordId, @recordName, @idempotencyKey, @correlationId, 'queued',
           @notBefore, @source, @sync, @now, @now)
         ON CONFLICT (idempotency_key) DO NOTHING`,
      ),
      keyHolder: db.prepare<[string], { flow: string; model: string; record_id: number }>(
        'SELECT flow, model, record_id FROM jobs WHERE idempotency_key = ?',
      ),
      supersede: db.prepare<[Record<string, unknown>], JobRow>(
        `UPDATE jobs SET status = 'cancelled', ${CLEAR_LEASE}, updated_at = @now
         WHERE flow = @flow AND record_id = @recordId AND sync = 1 AND status = 'queued'
         RETURNING *`,
      ),
      newerState: db.prepare<[number], { id: number }>(
        `SELECT n.id FROM jobs j JOIN jobs n ON n.flow = j.flow AND n.record_id = j.record_id AND n.id > j.id
         WHERE j.id = ? AND j.sync = 1 AND n.sync = 1 AND n.status <> 'cancelled' LIMIT 1`,
      ),
      syncStates: db.prepare<
        [string, string],
        { record_id: number; idempotency_key: string; fields: string }
      >(
        `SELECT record_id, idempotency_key, fields FROM sync_state
         WHERE flow = ? AND record_id IN (SELECT value FROM json_each(?))`,
      ),
      saveSyncState: db.prepare(
        `INSERT INTO sync_state (flow, record_id, idempotency_key, fields) VALUES (?, ?, ?, ?)
         ON CONFLICT (flow, record_id) DO UPDATE SET idempotency_key = excluded.idempotency_key,
           fields = excluded.fields`,
      ),
      // Each side walks its own index and stops at the limit, so a large backlog is never sorted.
      leasable: db.prepare<[Record<string, unknown>], JobRow>(
        `SELECT * FROM jobs WHERE id IN (
           SELECT id FROM (
             SELECT * FROM (
               SELECT id, not_before FROM jobs
               WHERE status = 'queued' AND not_before <= @now AND ${IN_FLOWS}
               ORDER BY not_before, id LIMIT @limit)
             UNION ALL
             SELECT * FROM (
               SELECT id, not_before FROM jobs
               WHERE status = 'leased' AND lease_until <= @now AND ${IN_FLOWS}
               ORDER BY lease_until LIMIT @limit))
           ORDER BY not_before, id LIMIT @limit)`,
      ),
      // Read, then marked by id in the same transaction: UPDATE … RETURNING * costs three times as much.
      markLeased: db.prepare(
        `UPDATE jobs SET status = 'leased', lease_owner = @owner, lease_until = @until, updated_at = @now
         WHERE id IN (SELECT value FROM json_each(@ids))`,
      ),
      // One row write for both: SET expressions read the row as it was, so the first payload wins.
      beginAttempt: db.prepare<[Record<string, unknown>], { version: string | null; payload: string | null }>(
        `UPDATE jobs SET
           attempts = CASE WHEN ${ACTIVE} THEN @attempts ELSE attempts END,
           version = CASE WHEN payload IS NULL AND @payload IS NOT NULL THEN @version ELSE version END,
           payload = coalesce(payload, @payload),
           updated_at = @now
         WHERE id = @id
         RETURNING version, payload`,
      ),
      retry: db.prepare(
        `UPDATE jobs SET status = 'queued', ${CLEAR_LEASE}, not_before = ?, attempts = ?, last_error = ?,
           updated_at = ?
         WHERE id = ? AND ${ACTIVE}`,
      ),
      setStatus: db.prepare(`UPDATE jobs SET status = ?, ${CLEAR_LEASE}, updated_at = ? WHERE id = ?`),
      markDead: db.prepare(
        `UPDATE jobs SET status = 'dead', ${CLEAR_LEASE}, attempts = ?, last_error = ?, updated_at = ?
         WHERE id = ?`,
      ),
      cancel: db.prepare<[number, string], JobRow>(
        `UPDATE jobs SET status = 'cancelled', ${CLEAR_LEASE}, updated_at = ?
         WHERE id IN (SELECT value FROM json_each(?)) AND ${ACTIVE}
         RETURNING *`,
      ),
      release: db.prepare(
        `UPDATE jobs SET status = 'queued', ${CLEAR_LEASE}, updated_at = ?
         WHERE status = 'leased' AND lease_owner = ?`,
      ),
      countAll: db.prepare<[], { status: string; n: number }>(
        'SELECT status, count(*) AS n FROM jobs GROUP BY status',
      ),
      countFlow: db.prepare<[string], { status: string; n: number }>(
        'SELECT status, count(*) AS n FROM jobs WHERE flow = ? GROUP BY status',
      ),
      ledgerInsert: db.prepare(
        `INSERT INTO ledger (idempotency_key, sent_key, correlation_id, flow, model, record_id, record_name,
           version, response_status, response_excerpt, external_id, completed_at)
         VALUES (@idempotencyKey, @sentKey, @correlationId, @flow, @model, @recordId, @recordName,
           @version, @responseStatus, @responseExcerpt, @externalId, @completedAt)
         ON CONFLICT (idempotency_key) DO NOTHING`,
      ),
      ledgerGet: db.prepare<[string], LedgerRow>('SELECT * FROM ledger WHERE idempotency_key = ?'),
      ledgerHas: db.prepare<[string], { k: string }>(
        'SELECT idempotency_key AS k FROM ledger WHERE idempotency_key IN (SELECT value FROM json_each(?))',
      ),
      openDeadLetter: db.prepare<[number], { id: number }>(
        'SELECT id FROM dead_letters WHERE job_id = ? AND requeued_at IS NULL ORDER BY id DESC LIMIT 1',
      ),
      insertDeadLetter: db.prepare(
        `INSERT INTO dead_letters (job_id, flow, model, record_id, record_name, correlation_id,
           idempotency_key, version, payload, error_code, error_message, error, attempts, response_status,
           response_body, created_at)
         VALUES (@jobId, @flow, @model, @recordId, @recordName, @correlationId, @idempotencyKey, @version,
           @payload, @errorCode, @errorMessage, @error, @attempts, @responseStatus, @responseBody, @createdAt)`,
      ),
    };
  }

  enqueue(jobs: NewJob[], now: number): EnqueueResult {
    let added = 0;
    for (const job of jobs) {
      const holder = this.keyHolder(job.idempotencyKey);
      if (holder && holder.flow === job.flow && holder.recordId === job.recordId) continue; // done or under way
      let inserted: number | undefined;
      if (holder) {
        // Another record already holds this key: keep the newcomer visible instead of dropping it.
        inserted = this.insertDead(
          { ...job, idempotencyKey: `${job.idempotencyKey}#collision:${job.model}/${job.recordId}` },
          {
            code: 'FERRY_KEY_COLLISION',
            message: `idempotency key "${job.idempotencyKey}" is already used by ${holder.model}/${holder.recordId}`,
          },
          now,
        );
      } else if (job.failure) {
        inserted = this.insertDead(job, job.failure, now);
      } else {
        if (job.sync) this.supersedeOlder(job, now);
        inserted = this.insert(job, now);
        if (inserted !== undefined && job.sync) {
          this.s.saveSyncState.run(
            job.flow,
            job.recordId,
            job.idempotencyKey,
            JSON.stringify(job.sync.fields),
          );
        }
      }
      if (inserted !== undefined) added++;
    }
    return { added, skipped: jobs.length - added };
  }

  syncStates(flow: string, recordIds: number[]): Map<number, SyncState> {
    const rows = this.s.syncStates.all(flow, JSON.stringify(recordIds));
    return new Map(
      rows.map((r) => [
        r.record_id,
        { idempotencyKey: r.idempotency_key, fields: JSON.parse(r.fields) as Record<string, string> },
      ]),
    );
  }

  /** Who holds a key: a job, or (should jobs ever be pruned) the ledger. */
  private keyHolder(key: string): { flow: string; model: string; recordId: number } | undefined {
    const job = this.s.keyHolder.get(key);
    if (job) return { flow: job.flow, model: job.model, recordId: job.record_id };
    const done = this.s.ledgerGet.get(key);
    return done ? { flow: done.flow, model: done.model, recordId: done.record_id } : undefined;
  }

  private insert(job: NewJob, now: number): number | undefined {
    const result = this.s.insert.run({
      flow: job.flow,
      model: job.model,
      recordId: job.recordId,
      recordName: job.recordName ?? null,
      idempotencyKey: job.idempotencyKey,
      correlationId: job.correlationId,
      source: job.source,
      notBefore: job.notBefore ?? now,
      sync: job.sync ? 1 : 0,
      now,
    });
    if (result.changes === 0) return undefined;
    this.events.appendFor(job, { kind: 'queued', at: now });
    return Number(result.lastInsertRowid);
  }

  /** A job that is a dead letter from the start, with what stopped it. */
  private insertDead(job: NewJob, error: ErrorRecord, now: number): number | undefined {
    const id = this.insert(job, now);
    if (id !== undefined) this.deadLetter(id, { error, attempts: 0 }, now);
    return id;
  }

  /** A newer state of a record makes its older queued states moot: they are cancelled, never sent. */
  private supersedeOlder(job: NewJob, now: number): void {
    for (const row of this.s.supersede.all({ flow: job.flow, recordId: job.recordId, now })) {
      this.events.appendFor(toJob(row), {
        kind: 'cancelled',
        message: 'superseded by a newer state of the record',
        at: now,
      });
    }
  }

  lease(owner: string, limit: number, leaseMs: number, now: number, flows: string[] | undefined): Job[] {
    if (limit <= 0 || flows?.length === 0) return [];
    const rows = this.s.leasable.all({ now, limit, flows: flows ? JSON.stringify(flows) : null });
    if (rows.length === 0) return [];
    const until = now + leaseMs;
    this.s.markLeased.run({ owner, until, now, ids: JSON.stringify(rows.map((row) => row.id)) });
    return rows
      .map((row) =>
        toJob({ ...row, status: 'leased', lease_owner: owner, lease_until: until, updated_at: now }),
      )
      .sort((a, b) => a.notBefore - b.notBefore || a.id - b.id);
  }

  beginAttempt(
    jobId: number,
    attempts: number,
    frozen: FrozenPayload | undefined,
    now: number,
  ): FrozenPayload | undefined {
    const row = this.s.beginAttempt.get({
      id: jobId,
      attempts,
      version: frozen?.version ?? null,
      payload: frozen?.payload ?? null,
      now,
    });
    if (!row) throw notFound(jobId);
    return row.payload === null ? undefined : { version: row.version ?? '', payload: row.payload };
  }

  retryLater(jobId: number, retry: RetryLater, now: number): void {
    if (this.s.newerState.get(jobId)) {
      // A newer state of this record is queued or sent: retrying this older one would overwrite it.
      const cancelled = this.s.cancel.all(now, JSON.stringify([jobId]));
      for (const row of cancelled) {
        this.events.appendFor(toJob(row), {
          kind: 'cancelled',
          message: 'superseded by a newer state of the record',
          at: now,
        });
      }
      return;
    }
    const error = errorJson(retry.error);
    const changed = this.s.retry.run(retry.notBefore, retry.attempts, error, now, jobId).changes;
    const job = this.require(jobId);
    if (changed === 0) return;
    this.events.appendFor(job, {
      kind: 'retry_scheduled',
      attempt: retry.attempts,
      status: retry.error.statusCode,
      errorCode: retry.error.code,
      message: retry.error.message,
      version: job.version,
      at: now,
    });
  }

  complete(jobId: number, outcome: DeliveryOutcome, now: number): void {
    const job = this.require(jobId);
    if (job.status === 'delivered') return;
    const at = outcome.at ?? now;
    this.s.ledgerInsert.run({
      idempotencyKey: job.idempotencyKey,
      sentKey: effectiveKey(job),
      correlationId: job.correlationId,
      flow: job.flow,
      model: job.model,
      recordId: job.recordId,
      recordName: job.recordName ?? null,
      version: job.version ?? null,
      responseStatus: outcome.status,
      responseExcerpt: cleanText(outcome.response),
      externalId: outcome.externalId ?? null,
      completedAt: at,
    });
    this.s.setStatus.run('delivered', at, jobId);
    this.events.appendFor(job, {
      kind: 'delivered',
      attempt: job.attempts,
      status: outcome.status,
      durationMs: outcome.durationMs,
      version: job.version,
      at,
    });
  }

  deadLetter(jobId: number, input: DeadLetterInput, now: number): number | undefined {
    const job = this.require(jobId);
    if (job.status === 'delivered' || job.status === 'cancelled') return undefined;
    const open = this.s.openDeadLetter.get(jobId);
    if (job.status === 'dead' && open) return open.id;

    const at = input.at ?? now;
    const error = errorJson(input.error);
    this.s.markDead.run(input.attempts, error, at, jobId);
    const inserted = this.s.insertDeadLetter.run({
      jobId,
      flow: job.flow,
      model: job.model,
      recordId: job.recordId,
      recordName: job.recordName ?? null,
      correlationId: job.correlationId,
      idempotencyKey: job.idempotencyKey,
      version: job.version ?? input.version ?? null,
      payload: cleanText(job.payload ?? input.payload, Number.MAX_SAFE_INTEGER),
      errorCode: input.error.code,
      errorMessage: cleanText(input.error.message) ?? '',
      error,
      attempts: input.attempts,
      responseStatus: input.responseStatus ?? null,
      responseBody: cleanText(input.responseBody),
      createdAt: at,
    });
    this.events.appendFor(job, {
      kind: 'dead_lettered',
      attempt: input.attempts,
      status: input.responseStatus,
      errorCode: input.error.code,
      message: input.error.message,
      version: job.version ?? input.version,
      at,
    });
    return Number(inserted.lastInsertRowid);
  }

  cancel(jobIds: number[], now: number): number {
    const rows = this.s.cancel.all(now, JSON.stringify(jobIds));
    for (const row of rows) this.events.appendFor(toJob(row), { kind: 'cancelled', at: now });
    return rows.length;
  }

  releaseLeases(owner: string, now: number): number {
    return this.s.release.run(now, owner).changes;
  }

  counts(flow: string | undefined): StatusCounts {
    const counts = Object.fromEntries(JOB_STATUSES.map((status) => [status, 0])) as StatusCounts;
    const rows = flow === undefined ? this.s.countAll.all() : this.s.countFlow.all(flow);
    for (const row of rows) counts[row.status as keyof StatusCounts] = row.n;
    return counts;
  }

  get(jobId: number): Job | undefined {
    const row = this.s.get.get(jobId);
    return row && toJob(row);
  }

  ledgerGet(key: string): LedgerEntry | undefined {
    const row = this.s.ledgerGet.get(key);
    return row && toLedgerEntry(row);
  }

  ledgerHas(keys: string[]): Set<string> {
    if (keys.length === 0) return new Set();
    return new Set(this.s.ledgerHas.all(JSON.stringify(keys)).map((row) => row.k));
  }

  private require(jobId: number): Job {
    const job = this.get(jobId);
    if (!job) throw notFound(jobId);
    return job;
  }
}

function notFound(jobId: number): FerryError {
  return new FerryError('FERRY_NOT_FOUND', `Job ${jobId} does not exist`, { context: { jobId } });
}
