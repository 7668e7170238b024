/**
 * The event log in SQLite: what happened to each transaction, for `ferry trace`. Synchronous; the adapter
 * runs these inside its group commit.
 */
import type Database from 'better-sqlite3';
import { recordRef, type Job, type NewEvent, type StoredEvent } from './port.js';
import { cleanText, toEvent, type EventRow } from './sqlite-rows.js';

export type JobEvent = Omit<NewEvent, 'correlationId' | 'flow' | 'record' | 'recordName'>;

export class SqliteEventLog {
  private readonly insert: Database.Statement;
  private readonly byCorrelationOrName: Database.Statement<[string, string, string], EventRow>;

  constructor(db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO events (correlation_id, flow, record, record_name, kind, attempt, status, duration_ms,
         error_code, message, version, at)
       VALUES (@correlationId, @flow, @record, @recordName, @kind, @attempt, @status, @durationMs,
         @errorCode, @message, @version, @at)`,
    );
    this.byCorrelationOrName = db.prepare(
      `SELECT * FROM events
       WHERE correlation_id = ?
          OR correlation_id IN (SELECT correlation_id FROM jobs WHERE record_name = ?
                                UNION SELECT correlation_id FROM events WHERE record_name = ?)
       ORDER BY at, id`,
    );
  }

  append(events: NewEvent[]): void {
    for (const event of events) {
      this.insert.run({
        correlationId: event.correlationId,
        flow: event.flow,
        record: event.record ?? null,
        recordName: event.recordName ?? null,
        kind: event.kind,
        attempt: event.attempt ?? null,
        status: event.status ?? null,
        durationMs: event.durationMs ?? null,
        errorCode: event.errorCode ?? null,
        message: cleanText(event.message),
        version: event.version ?? null,
        at: event.at ?? Date.now(),
      });
    }
  }

  /** Appends an event about `job`, filling in its identity. */
  appendFor(
    job: Pick<Job, 'correlationId' | 'flow' | 'model' | 'recordId' | 'recordName'>,
    event: JobEvent,
  ): void {
    this.append([
      {
        ...event,
        correlationId: job.correlationId,
        flow: job.flow,
        record: recordRef(job),
        recordName: job.recordName,
      },
    ]);
  }

  trace(correlationIdOrRecordName: string): StoredEvent[] {
    const q = correlationIdOrRecordName;
    return this.byCorrelationOrName.all(q, q, q).map(toEvent);
  }
}
