/**
 * The SQLite store: the embedded default, one process per file. WAL with synchronous=NORMAL: a kill -9
 * loses nothing committed; a power cut may lose the last commits, which is safe because the job, its
 * ledger entry and the source cursor always move together in one transaction (the record is re-sent
 * with the same key, or re-read and skipped).
 *
 * Every call goes through the group commit (see commit-queue.ts): calls issued together share one
 * transaction and their promises settle after it commits.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { FerryError } from '../errors.js';
import { CommitQueue } from './commit-queue.js';
import type {
  DeadLetter,
  DeadLetterInput,
  DeadLetterQuery,
  DeliveryOutcome,
  EnqueueResult,
  FrozenPayload,
  Job,
  LedgerEntry,
  NewEvent,
  NewJob,
  RequeueOptions,
  RequeueSelector,
  RetryLater,
  StatusCounts,
  Store,
  StoredEvent,
  SyncState,
} from './port.js';
import { SqliteDeadLetters } from './sqlite-dead-letters.js';
import { SqliteEventLog } from './sqlite-events.js';
import { SqliteJobs } from './sqlite-jobs.js';
import { migrate } from './sqlite-schema.js';

export const DEFAULT_SQLITE_PATH = '.ferry/state.db';

export interface SqliteStoreOptions {
  /** How long writes wait to share a commit. 0 (default): those issued in the same tick. */
  commitWindowMs?: number;
  /** How long to wait for another process holding the write lock (e.g. the CLI). Default 5000. */
  busyTimeoutMs?: number;
}

/** Opens (creating directories, schema and migrations as needed) the SQLite store at `file`. */
export function openSqliteStore(file = DEFAULT_SQLITE_PATH, options: SqliteStoreOptions = {}): SqliteStore {
  let db: Database.Database | undefined;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('foreign_keys = ON');
    migrate(db, file);
    return new SqliteStore(db, options.commitWindowMs ?? 0);
  } catch (error) {
    db?.close();
    if (error instanceof FerryError) throw error;
    throw new FerryError('FERRY_STORE', `Cannot open the state store ${file}: ${(error as Error).message}`, {
      context: { file },
      cause: error,
      retryable: false,
    });
  }
}

export class SqliteStore implements Store {
  private readonly queue: CommitQueue;
  private readonly jobs: SqliteJobs;
  private readonly deadLetters: SqliteDeadLetters;
  private readonly events: SqliteEventLog;
  private readonly cursorGet: Database.Statement<[string], { value: string }>;
  private readonly cursorSet: Database.Statement<[string, string, number]>;

  constructor(
    private readonly db: Database.Database,
    commitWindowMs: number,
  ) {
    this.queue = new CommitQueue(db, commitWindowMs);
    this.events = new SqliteEventLog(db);
    this.jobs = new SqliteJobs(db, this.events);
    this.deadLetters = new SqliteDeadLetters(db, this.events);
    this.cursorGet = db.prepare('SELECT value FROM cursors WHERE flow = ?');
    this.cursorSet = db.prepare(
      `INSERT INTO cursors (flow, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (flow) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
  }

  enqueue(jobs: NewJob[], now = Date.now()): Promise<EnqueueResult> {
    return this.queue.run(() => this.jobs.enqueue(jobs, now));
  }

  lease(owner: string, limit: number, leaseMs: number, now = Date.now(), flows?: string[]): Promise<Job[]> {
    return this.queue.run(() => this.jobs.lease(owner, limit, leaseMs, now, flows));
  }

  beginAttempt(jobId: number, attempts: number, frozen?: FrozenPayload): Promise<FrozenPayload | undefined> {
    return this.queue.run(() => this.jobs.beginAttempt(jobId, attempts, frozen, Date.now()));
  }

  retryLater(jobId: number, retry: RetryLater): Promise<void> {
    return this.queue.run(() => this.jobs.retryLater(jobId, retry, retry.at ?? Date.now()));
  }

  complete(jobId: number, outcome: DeliveryOutcome, events: NewEvent[] = []): Promise<void> {
    const now = Date.now();
    const stamped = stampEvents(events, now);
    return this.queue.run(() => {
      this.events.append(stamped);
      this.jobs.complete(jobId, outcome, now);
    });
  }

  completeMany(items: { jobId: number; outcome: DeliveryOutcome }[]): Promise<void> {
    const now = Date.now();
    return this.queue.run(() => {
      for (const { jobId, outcome } of items) this.jobs.complete(jobId, outcome, now);
    });
  }

  deadLetter(jobId: number, input: DeadLetterInput): Promise<number | undefined> {
    return this.queue.run(() => this.jobs.deadLetter(jobId, input, Date.now()));
  }

  cancel(jobIds: number[], now = Date.now()): Promise<number> {
    return this.queue.run(() => this.jobs.cancel(jobIds, now));
  }

  releaseLeases(owner: string, now = Date.now()): Promise<number> {
    return this.queue.run(() => this.jobs.releaseLeases(owner, now));
  }

  counts(flow?: string): Promise<StatusCounts> {
    return this.queue.run(() => this.jobs.counts(flow));
  }

  getJob(id: number): Promise<Job | undefined> {
    return this.queue.run(() => this.jobs.get(id));
  }

  ledgerGet(idempotencyKey: string): Promise<LedgerEntry | undefined> {
    return this.queue.run(() => this.jobs.ledgerGet(idempotencyKey));
  }

  ledgerHas(keys: string[]): Promise<Set<string>> {
    return this.queue.run(() => this.jobs.ledgerHas(keys));
  }

  syncStates(flow: string, recordIds: number[]): Promise<Map<number, SyncState>> {
    return this.queue.run(() => this.jobs.syncStates(flow, recordIds));
  }

  getCursor(flow: string): Promise<string | undefined> {
    return this.queue.run(() => this.cursorGet.get(flow)?.value);
  }

  setCursor(flow: string, value: string): Promise<void> {
    return this.queue.run(() => {
      this.cursorSet.run(flow, value, Date.now());
    });
  }

  enqueueAndSetCursor(
    flow: string,
    jobs: NewJob[],
    cursor: string,
    now = Date.now(),
  ): Promise<EnqueueResult> {
    return this.queue.run(() => {
      const result = this.jobs.enqueue(jobs, now);
      this.cursorSet.run(flow, cursor, now);
      return result;
    });
  }

  listDeadLetters(query: DeadLetterQuery = {}): Promise<DeadLetter[]> {
    return this.queue.run(() => this.deadLetters.list(query));
  }

  getDeadLetter(id: number): Promise<DeadLetter | undefined> {
    return this.queue.run(() => this.deadLetters.get(id));
  }

  markSurfaced(deadLetterId: number, at = Date.now()): Promise<void> {
    return this.queue.run(() => this.deadLetters.markSurfaced(deadLetterId, at));
  }

  requeue(selector: RequeueSelector, options: RequeueOptions): Promise<number> {
    return this.queue.run(() => this.deadLetters.requeue(selector, options, Date.now()));
  }

  appendEvents(events: NewEvent[]): Promise<void> {
    const stamped = stampEvents(events, Date.now());
    return this.queue.run(() => this.events.append(stamped));
  }

  trace(correlationIdOrRecordName: string): Promise<StoredEvent[]> {
    return this.queue.run(() => this.events.trace(correlationIdOrRecordName));
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.queue.close();
    this.db.close();
  }
}

/** Stamps events at call time, not at commit time, so the trace keeps the order things happened in. */
function stampEvents(events: NewEvent[], now: number): NewEvent[] {
  return events.map((event) => (event.at === undefined ? { ...event, at: now } : event));
}
