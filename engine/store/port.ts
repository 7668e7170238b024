/**
 * The store port: where Ferry's durability lives. The runtime talks to this interface only; SQLite (one
 * process, the default) and PostgreSQL (several processes) implement it. Everything is async so that a
 * networked adapter fits, and nothing here assumes SQLite semantics.
 *
 * Ordering and visibility: a promise resolves once its effect is committed, so an operation issued after
 * another one resolved sees its effect. Operations issued concurrently (not awaited in between) have no
 * order an adapter must keep; await when order matters. Reads return committed data only.
 *
 * Outcomes write their own events: the store appends `queued`, `retry_scheduled`, `delivered`,
 * `dead_lettered`, `requeued`, `cancelled` and `surfaced` in the same transaction as the change itself, so
 * a trace is complete even across a crash (leases are bookkeeping, not events). Callers append
 * observations only (`attempt` with status and duration, `written_back`, anything else worth tracing).
 *
 * Secrets: the store persists what it is given. Callers pass error messages and response bodies already
 * redacted; adapters additionally mask registered secret values in every error, event and dead-letter text
 * (never in the frozen payload, whose bytes must not change between attempts).
 */

export type JobStatus = 'queued' | 'leased' | 'delivered' | 'dead' | 'cancelled';

export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'leased', 'delivered', 'dead', 'cancelled'];

/** An error as stored with a job, dead letter or event: JSON, never a secret. */
export interface ErrorRecord {
  /** A `FERRY_*` code. */
  code: string;
  message: string;
  statusCode?: number;
  [key: string]: unknown;
}

/** One source record to deliver by one flow, as handed over by the source connector. */
export interface NewJob {
  flow: string;
  model: string;
  recordId: number;
  /** The record's business name (e.g. `WH/OUT/00042`), for `ferry trace <name>`. */
  recordName?: string;
  /**
   * Stable per business operation; a key already queued, delivered or dead is never enqueued again.
   * A key already held by another record is a collision: the newcomer becomes a dead letter.
   */
  idempotencyKey: string;
  /** Time-ordered ID of this delivery (UUIDv7). */
  correlationId: string;
  /** JSON of the record as read from the source. */
  source: string;
  /** Epoch ms before which the job is not leased. Default: now. */
  notBefore?: number;
  /**
   * Sync flows: the hash of each field read. Stored as the record's latest state; the job supersedes
   * older queued jobs of the same record, so an older state is never sent after a newer one.
   */
  sync?: { fields: Record<string, string> };
  /** The record could not be made a job (e.g. its key expression failed): kept as a dead letter. */
  failure?: ErrorRecord;
}

/** The latest state of a record handed over by a sync flow. */
export interface SyncState {
  idempotencyKey: string;
  fields: Record<string, string>;
}

/** One delivery of one source record by one flow. */
export interface Job {
  id: number;
  flow: string;
  model: string;
  recordId: number;
  recordName?: string;
  idempotencyKey: string;
  /** Incremented by a requeue with rerender; see `effectiveKey`. */
  keyRevision: number;
  correlationId: string;
  status: JobStatus;
  /** Attempts made so far (recorded when an attempt starts, so a crash mid-attempt still counts). */
  attempts: number;
  /** Epoch ms. */
  notBefore: number;
  leaseOwner?: string;
  leaseUntil?: number;
  source: string;
  /** Payload version the frozen payload was rendered with. */
  version?: string;
  /** The request body, frozen at the first attempt so retries send the same bytes. */
  payload?: string;
  lastError?: ErrorRecord;
  createdAt: number;
  updatedAt: number;
}

export interface EnqueueResult {
  added: number;
  skipped: number;
}

export interface FrozenPayload {
  version: string;
  payload: string;
}

export interface RetryLater {
  /** Epoch ms of the next attempt: a long Retry-After becomes a scheduled attempt, never a sleeping worker. */
  notBefore: number;
  error: ErrorRecord;
  attempts: number;
  at?: number;
}

export interface DeliveryOutcome {
  /** HTTP status the endpoint answered. */
  status: number;
  /** An excerpt of the response body. */
  response?: string;
  /** The receiver's ID of what was created (e.g. a shipment ID). */
  externalId?: string;
  durationMs?: number;
  at?: number;
}

export interface DeadLetterInput {
  error: ErrorRecord;
  attempts: number;
  responseStatus?: number;
  /** An excerpt of the response body, redacted by the caller. */
  responseBody?: string;
  /** The rendered body when none was frozen (e.g. a payload that broke its contract and was never sent). */
  payload?: string;
  version?: string;
  at?: number;
}

/** Proof that an idempotency key was delivered: Ferry never sends it again. */
export interface LedgerEntry {
  idempotencyKey: string;
  /** The key actually sent (differs after a requeue with rerender). */
  sentKey: string;
  correlationId: string;
  flow: string;
  model: string;
  recordId: number;
  recordName?: string;
  version?: string;
  responseStatus: number;
  responseExcerpt?: string;
  externalId?: string;
  completedAt: number;
}

export interface DeadLetter {
  id: number;
  jobId: number;
  flow: string;
  model: string;
  recordId: number;
  recordName?: string;
  correlationId: string;
  idempotencyKey: string;
  version?: string;
  payload?: string;
  errorCode: string;
  errorMessage: string;
  error: ErrorRecord;
  attempts: number;
  responseStatus?: number;
  responseBody?: string;
  createdAt: number;
  /** When the failure was posted on the Odoo record. */
  surfacedAt?: number;
  /** When an operator requeued it; requeued dead letters are history, not listed by default. */
  requeuedAt?: number;
}

export interface DeadLetterQuery {
  flow?: string;
  /** Default 100. */
  limit?: number;
  /** Also list dead letters already requeued. Default false. */
  includeRequeued?: boolean;
  /** Only those already posted on the Odoo record (true) or not yet (false). Default: both. */
  surfaced?: boolean;
}

/** Which open dead letters to requeue: by dead-letter ID, all of a flow, or all. */
export interface RequeueSelector {
  ids?: number[];
  flow?: string;
  all?: boolean;
}

export interface RequeueOptions {
  /**
   * false: send the same frozen bytes with the same key again.
   * true: clear the frozen payload so it is rendered anew, and bump the key revision (a receiver answers
   * 422 to a reused key with a different body).
   */
  rerender: boolean;
  at?: number;
}

export interface NewEvent {
  correlationId: string;
  flow: string;
  /** `model/id` of the source record. */
  record?: string;
  recordName?: string;
  /** queued, attempt, retry_scheduled, delivered, dead_lettered, requeued, cancelled, written_back, surfaced… */
  kind: string;
  attempt?: number;
  /** HTTP status of an attempt. */
  status?: number;
  durationMs?: number;
  errorCode?: string;
  message?: string;
  version?: string;
  /** Epoch ms. Default: now. */
  at?: number;
}

export interface StoredEvent extends NewEvent {
  id: number;
  at: number;
}

export type StatusCounts = Record<JobStatus, number>;

export interface Store {
  // Jobs: a durable queue with leases.
  /** Idempotent on the key: skips keys already queued, leased, delivered (the ledger), dead or cancelled. */
  enqueue(jobs: NewJob[], now?: number): Promise<EnqueueResult>;
  /**
   * Leases up to `limit` jobs, due ones first: queued jobs whose notBefore ≤ now, and leased jobs whose
   * lease expired (a crashed process). Attempts are not incremented here.
   */
  lease(owner: string, limit: number, leaseMs: number, now?: number, flows?: string[]): Promise<Job[]>;
  /**
   * Starts attempt number `attempts`, in one step: records it before the request leaves (a crash
   * mid-attempt still counts; ignored once the job is no longer queued or leased) and, given `frozen`,
   * freezes the body at the first attempt (later calls keep the first one). Returns what is frozen, if
   * anything.
   */
  beginAttempt(jobId: number, attempts: number, frozen?: FrozenPayload): Promise<FrozenPayload | undefined>;
  /** Back to queued until `notBefore`. Ignored when the job is no longer queued or leased. */
  retryLater(jobId: number, retry: RetryLater): Promise<void>;
  /**
   * Marks delivered and writes the ledger entry in the same transaction, after appending `events` (the
   * caller's observations of the attempt, so a trace never shows a delivery without its attempt).
   * Idempotent: completing a delivered job again only appends the events.
   */
  complete(jobId: number, outcome: DeliveryOutcome, events?: NewEvent[]): Promise<void>;
  /** `complete` for many jobs in one transaction (all or none). */
  completeMany(items: { jobId: number; outcome: DeliveryOutcome }[]): Promise<void>;
  /**
   * Marks dead and creates a dead-letter row; returns its ID (the open one when already dead), or
   * undefined when the job was delivered or cancelled meanwhile.
   */
  deadLetter(jobId: number, input: DeadLetterInput): Promise<number | undefined>;
  /** Cancels queued or leased jobs (an operator dropping work); returns how many. */
  cancel(jobIds: number[], now?: number): Promise<number>;
  /** Shutdown: this owner's leased jobs go back to queued, attempts unchanged. Returns how many. */
  releaseLeases(owner: string, now?: number): Promise<number>;
  counts(flow?: string): Promise<StatusCounts>;
  getJob(id: number): Promise<Job | undefined>;

  // Ledger.
  ledgerGet(idempotencyKey: string): Promise<LedgerEntry | undefined>;
  /** The subset of `keys` already delivered, in one lookup. */
  ledgerHas(keys: string[]): Promise<Set<string>>;

  // Source cursors: opaque JSON owned by the source connector.
  getCursor(flow: string): Promise<string | undefined>;
  setCursor(flow: string, value: string): Promise<void>;
  /** Enqueues and advances the cursor in one transaction: the cursor moves only once the records are safe. */
  enqueueAndSetCursor(flow: string, jobs: NewJob[], cursor: string, now?: number): Promise<EnqueueResult>;
  /** The latest states sync flows handed over for these records. */
  syncStates(flow: string, recordIds: number[]): Promise<Map<number, SyncState>>;

  // Dead letters.
  /** Open dead letters, newest first. */
  listDeadLetters(query?: DeadLetterQuery): Promise<DeadLetter[]>;
  getDeadLetter(id: number): Promise<DeadLetter | undefined>;
  /** Marks a dead letter as posted on the Odoo record. */
  markSurfaced(deadLetterId: number, at?: number): Promise<void>;
  /** Jobs of the selected open dead letters go back to queued with attempts reset; returns how many. */
  requeue(selector: RequeueSelector, options: RequeueOptions): Promise<number>;

  // Event log.
  appendEvents(events: NewEvent[]): Promise<void>;
  /** Every event of a correlation ID, or of every correlation ID of the record with that name, by time. */
  trace(correlationIdOrRecordName: string): Promise<StoredEvent[]>;

  /** Commits what is pending and closes. Later calls reject. */
  close(): Promise<void>;
}

/** The key sent in `Idempotency-Key`: the job's key, with `#r<revision>` once re-rendered by a requeue. */
export function effectiveKey(job: Pick<Job, 'idempotencyKey' | 'keyRevision'>): string {
  return job.keyRevision === 0 ? job.idempotencyKey : `${job.idempotencyKey}#r${job.keyRevision}`;
}

/** `model/id`, the record reference used in events. */
export function recordRef(job: Pick<Job, 'model' | 'recordId'>): string {
  return `${job.model}/${job.recordId}`;
}
