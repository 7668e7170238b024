/**
 * Dead letters in SQLite: listing, surfacing and requeueing by an operator. Synchronous; the adapter runs
 * each call inside its group commit.
 */
import type Database from 'better-sqlite3';
import { FerryError } from '../errors.js';
import type { DeadLetter, DeadLetterQuery, RequeueOptions, RequeueSelector } from './port.js';
import type { SqliteEventLog } from './sqlite-events.js';
import { toDeadLetter, toJob, type DeadLetterRow, type JobRow } from './sqlite-rows.js';

const DEFAULT_LIST_LIMIT = 100;

export class SqliteDeadLetters {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly events: SqliteEventLog,
  ) {
    this.s = {
      list: db.prepare<[Record<string, unknown>], DeadLetterRow>(
        `SELECT * FROM dead_letters
         WHERE (@flow IS NULL OR flow = @flow) AND (@includeRequeued OR requeued_at IS NULL)
           AND (@surfaced IS NULL OR (surfaced_at IS NOT NULL) = @surfaced)
         ORDER BY id DESC LIMIT @limit`,
      ),
      get: db.prepare<[number], DeadLetterRow>('SELECT * FROM dead_letters WHERE id = ?'),
      surface: db.prepare('UPDATE dead_letters SET surfaced_at = ? WHERE id = ? AND surfaced_at IS NULL'),
      selectOpen: db.prepare<[Record<string, unknown>], DeadLetterRow>(
        `SELECT * FROM dead_letters
         WHERE requeued_at IS NULL
           AND (@ids IS NULL OR id IN (SELECT value FROM json_each(@ids)))
           AND (@flow IS NULL OR flow = @flow)
         ORDER BY id`,
      ),
      close: db.prepare('UPDATE dead_letters SET requeued_at = ? WHERE job_id = ? AND requeued_at IS NULL'),
      job: db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE id = ?'),
      requeueSame: db.prepare(
        `UPDATE jobs SET status = 'queued', attempts = 0, not_before = ?, last_error = NULL, updated_at = ?
         WHERE id = ?`,
      ),
      requeueRerender: db.prepare(
        `UPDATE jobs SET status = 'queued', attempts = 0, not_before = ?, last_error = NULL, updated_at = ?,
           payload = NULL, version = NULL, key_revision = key_revision + 1
         WHERE id = ?`,
      ),
    };
  }

  list(query: DeadLetterQuery): DeadLetter[] {
    return this.s.list
      .all({
        flow: query.flow ?? null,
        includeRequeued: query.includeRequeued ? 1 : 0,
        surfaced: query.surfaced === undefined ? null : Number(query.surfaced),
        limit: query.limit ?? DEFAULT_LIST_LIMIT,
      })
      .map(toDeadLetter);
  }

  get(id: number): DeadLetter | undefined {
    const row = this.s.get.get(id);
    return row && toDeadLetter(row);
  }

  markSurfaced(id: number, at: number): void {
    const letter = this.get(id);
    if (!letter) throw notFound(id);
    if (this.s.surface.run(at, id).changes === 0) return;
    this.events.appendFor(letter, { kind: 'surfaced', version: letter.version, at });
  }

  /**
   * Requeues the jobs of the selected open dead letters. A dead letter whose job is no longer dead
   * (delivered meanwhile) is closed without requeueing; the count is of jobs requeued.
   */
  requeue(selector: RequeueSelector, options: RequeueOptions, now: number): number {
    const hasIds = selector.ids !== undefined && selector.ids.length > 0;
    if (!hasIds && selector.flow === undefined && !selector.all) {
      throw new FerryError('FERRY_USAGE', 'Requeue needs dead-letter IDs, a flow, or all', {
        hint: 'ferry dlq requeue <id…> | --flow <name> | --all',
      });
    }
    const at = options.at ?? now;
    const letters = this.s.selectOpen.all({
      ids: hasIds ? JSON.stringify(selector.ids) : null,
      flow: selector.flow ?? null,
    });
    let requeued = 0;
    for (const letter of letters) {
      const row = this.s.job.get(letter.job_id);
      this.s.close.run(at, letter.job_id);
      if (row?.status !== 'dead') continue;
      (options.rerender ? this.s.requeueRerender : this.s.requeueSame).run(at, at, row.id);
      requeued++;
      const job = toJob(row);
      this.events.appendFor(job, {
        kind: 'requeued',
        message: options.rerender
          ? `re-rendered, key revision ${job.keyRevision + 1}`
          : 'same payload and key',
        at,
      });
    }
    return requeued;
  }
}

function notFound(id: number): FerryError {
  return new FerryError('FERRY_NOT_FOUND', `Dead letter ${id} does not exist`, {
    context: { deadLetterId: id },
  });
}
