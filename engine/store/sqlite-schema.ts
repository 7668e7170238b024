/**
 * The SQLite schema and its migrations. Each migration runs once, in its own immediate transaction, and
 * bumps `schema_version`; a file written by a newer Ferry is refused rather than guessed at.
 */
import type Database from 'better-sqlite3';
import { FerryError } from '../errors.js';

const MIGRATIONS: readonly string[] = [
  // 1: jobs, ledger, cursors, dead letters, events.
  `
  CREATE TABLE jobs (
    id              INTEGER PRIMARY KEY,
    flow            TEXT NOT NULL,
    model           TEXT NOT NULL,
    record_id       INTEGER NOT NULL,
    record_name     TEXT,
    idempotency_key TEXT NOT NULL UNIQUE,
    key_revision    INTEGER NOT NULL DEFAULT 0,
    correlation_id  TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'leased', 'delivered', 'dead', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    not_before      INTEGER NOT NULL,
    lease_owner     TEXT,
    lease_until     INTEGER,
    source          TEXT NOT NULL,
    version         TEXT,
    payload         TEXT,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
  );
  CREATE INDEX jobs_due ON jobs (not_before, id) WHERE status = 'queued';
  CREATE INDEX jobs_lease_expiry ON jobs (lease_until) WHERE status = 'leased';
  CREATE INDEX jobs_flow_status ON jobs (flow, status);
  CREATE INDEX jobs_record_name ON jobs (record_name) WHERE record_name IS NOT NULL;

  -- Keys are hashes, and any index on random keys pays for it (bench/store.ts: ~7x slower than
  -- time-ordered keys in batches of 500). A rowid primary key keeps the rows themselves append-only so
  -- only the narrow unique index takes random inserts; ~30k inserts/s leaves the store far ahead of
  -- what an endpoint accepts.
  CREATE TABLE ledger (
    id               INTEGER PRIMARY KEY,
    idempotency_key  TEXT NOT NULL UNIQUE,
    sent_key         TEXT NOT NULL,
    correlation_id   TEXT NOT NULL,
    flow             TEXT NOT NULL,
    model            TEXT NOT NULL,
    record_id        INTEGER NOT NULL,
    record_name      TEXT,
    version          TEXT,
    response_status  INTEGER NOT NULL,
    response_excerpt TEXT,
    external_id      TEXT,
    completed_at     INTEGER NOT NULL
  );

  CREATE TABLE cursors (
    flow       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );

  CREATE TABLE dead_letters (
    id              INTEGER PRIMARY KEY,
    job_id          INTEGER NOT NULL REFERENCES jobs (id),
    flow            TEXT NOT NULL,
    model           TEXT NOT NULL,
    record_id       INTEGER NOT NULL,
    record_name     TEXT,
    correlation_id  TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    version         TEXT,
    payload         TEXT,
    error_code      TEXT NOT NULL,
    error_message   TEXT NOT NULL,
    error           TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    response_status INTEGER,
    response_body   TEXT,
    created_at      INTEGER NOT NULL,
    surfaced_at     INTEGER,
    requeued_at     INTEGER
  );
  CREATE INDEX dead_letters_open ON dead_letters (flow, id) WHERE requeued_at IS NULL;
  CREATE INDEX dead_letters_job ON dead_letters (job_id);

  CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    correlation_id TEXT NOT NULL,
    flow           TEXT NOT NULL,
    record         TEXT,
    record_name    TEXT,
    kind           TEXT NOT NULL,
    attempt        INTEGER,
    status         INTEGER,
    duration_ms    INTEGER,
    error_code     TEXT,
    message        TEXT,
    version        TEXT,
    at             INTEGER NOT NULL
  );
  CREATE INDEX events_correlation ON events (correlation_id, at);
  CREATE INDEX events_record_name ON events (record_name) WHERE record_name IS NOT NULL;
  `,
  // 2: sync flows. The latest state handed over per record (field hashes and its key), so a record
  // goes again only when a field both the old and the new flow read has changed; jobs know whether a
  // newer state of their record supersedes them.
  `
  ALTER TABLE jobs ADD COLUMN sync INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX jobs_record ON jobs (flow, record_id);
  CREATE TABLE sync_state (
    flow            TEXT NOT NULL,
    record_id       INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    fields          TEXT NOT NULL,
    PRIMARY KEY (flow, record_id)
  );
  `,
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Creates or upgrades the schema; safe when several processes open the same file at once. */
export function migrate(db: Database.Database, file: string): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const current = db.prepare<[], { v: number | null }>('SELECT max(version) AS v FROM schema_version');
  const record = db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)');
  const step = db.transaction((target: number) => {
    // Re-read inside the write lock: another process may have migrated meanwhile.
    if ((current.get()?.v ?? 0) >= target) return;
    db.exec(MIGRATIONS[target - 1] as string);
    record.run(target, Date.now());
  });

  const found = current.get()?.v ?? 0;
  if (found > SCHEMA_VERSION) {
    throw new FerryError(
      'FERRY_STORE',
      `The state store is at schema version ${found}, newer than this Ferry understands (${SCHEMA_VERSION})`,
      { context: { file }, retryable: false, hint: 'Upgrade Ferry, or point it at another state file.' },
    );
  }
  for (let target = found + 1; target <= SCHEMA_VERSION; target++) step.immediate(target);
}
