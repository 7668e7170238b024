/**
 * Group commit for a synchronous database. A commit per record would block the event loop once per
 * delivery; instead every operation issued in the same tick (or within `windowMs`) is queued and applied
 * in one transaction, and all their promises settle after that single commit.
 *
 * Semantics:
 * - Operations apply in the order they were issued; reads are queued like writes, so a read sees every
 *   operation issued before it and its promise resolves only once those are committed.
 * - An operation that throws is rolled back alone and its promise rejects, while the others in the
 *   batch still commit and resolve. A batch first runs without savepoints (they cost as much as the
 *   writes themselves); only when an operation throws is it rolled back and run again with one
 *   savepoint per operation. Operations are synchronous and read only the database, so the second run
 *   does exactly what the first would have.
 * - When the commit itself fails (disk full, lock timeout) nothing of the batch is applied and every
 *   promise of the batch rejects with a retryable FERRY_STORE error.
 */
import type Database from 'better-sqlite3';
import { FerryError, isFerryError } from '../errors.js';

interface PendingOperation {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** A large batch holds the write lock long enough to stall other processes; split it beyond this. */
const MAX_BATCH = 1000;

export class CommitQueue {
  private pending: PendingOperation[] = [];
  /** Cancels the scheduled flush, when one is scheduled. */
  private cancelScheduled: (() => void) | undefined;
  private closed = false;
  private readonly inSavepoint: (run: () => unknown) => unknown;
  private readonly applyBatch: Database.Transaction<(batch: PendingOperation[]) => Outcome[]>;
  private readonly applyWhole: Database.Transaction<(batch: PendingOperation[]) => Outcome[]>;

  constructor(
    private readonly db: Database.Database,
    private readonly windowMs = 0,
  ) {
    // better-sqlite3 turns a transaction function called inside a transaction into a savepoint.
    this.inSavepoint = db.transaction((run: () => unknown) => run());
    this.applyBatch = db.transaction((batch: PendingOperation[]) => batch.map((op) => this.applyOne(op)));
    this.applyWhole = db.transaction((batch: PendingOperation[]) =>
      batch.map((op): Outcome => {
        try {
          return { ok: true, value: op.run() };
        } catch {
          throw new OperationFailed();
        }
      }),
    );
  }

  /** Queues `run` for the next group commit; resolves with its result once committed. */
  run<T>(run: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new FerryError('FERRY_STORE', 'The state store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Commits everything pending now, then refuses new work. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private schedule(): void {
    if (this.cancelScheduled) return;
    if (this.windowMs > 0) {
      const timer = setTimeout(this.flush, this.windowMs);
      this.cancelScheduled = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(this.flush);
      this.cancelScheduled = () => clearImmediate(immediate);
    }
  }

  private readonly flush = (): void => {
    this.cancelScheduled?.();
    this.cancelScheduled = undefined;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      let outcomes: Outcome[];
      try {
        outcomes = this.applyAll(batch);
      } catch (error) {
        const failure = commitFailure(error);
        for (const op of batch) op.reject(failure);
        continue;
      }
      outcomes.forEach((outcome, i) => {
        const op = batch[i] as PendingOperation;
        if (outcome.ok) op.resolve(outcome.value);
        else op.reject(outcome.error);
      });
    }
  };

  /** The whole batch in one transaction; again with a savepoint per operation when one of them throws. */
  private applyAll(batch: PendingOperation[]): Outcome[] {
    try {
      return this.applyWhole.immediate(batch);
    } catch (error) {
      if (!(error instanceof OperationFailed)) throw error;
      return this.applyBatch.immediate(batch);
    }
  }

  private applyOne(op: PendingOperation): Outcome {
    try {
      return { ok: true, value: this.inSavepoint(op.run) };
    } catch (error) {
      // Some failures (disk full, I/O) make SQLite roll back the whole transaction: stop the batch
      // rather than let later operations run outside it.
      if (!this.db.inTransaction) throw error;
      return { ok: false, error: operationFailure(error) };
    }
  }
}

/** Rolls back a batch run without savepoints because one of its operations threw. */
class OperationFailed extends Error {}

function operationFailure(error: unknown): unknown {
  if (isFerryError(error)) return error;
  return new FerryError('FERRY_STORE', `A state store operation failed: ${messageOf(error)}`, {
    cause: error,
    retryable: false,
  });
}

function commitFailure(error: unknown): FerryError {
  return new FerryError('FERRY_STORE', `The state store could not commit: ${messageOf(error)}`, {
    cause: error,
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
