/**
 * SQLite rows (snake_case, NULL) to the port's types (camelCase, absent), and text clean-up on the way in.
 */
import { redact } from '../log/redact.js';
import type { DeadLetter, ErrorRecord, Job, JobStatus, LedgerEntry, StoredEvent } from './port.js';

export interface JobRow {
  id: number;
  flow: string;
  model: string;
  record_id: number;
  record_name: string | null;
  idempotency_key: string;
  key_revision: number;
  correlation_id: string;
  status: JobStatus;
  attempts: number;
  not_before: number;
  lease_owner: string | null;
  lease_until: number | null;
  source: string;
  version: string | null;
  payload: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface LedgerRow {
  idempotency_key: string;
  sent_key: string;
  correlation_id: string;
  flow: string;
  model: string;
  record_id: number;
  record_name: string | null;
  version: string | null;
  response_status: number;
  response_excerpt: string | null;
  external_id: string | null;
  completed_at: number;
}

export interface DeadLetterRow {
  id: number;
  job_id: number;
  flow: string;
  model: string;
  record_id: number;
  record_name: string | null;
  correlation_id: string;
  idempotency_key: string;
  version: string | null;
  payload: string | null;
  error_code: string;
  error_message: string;
  error: string;
  attempts: number;
  response_status: number | null;
  response_body: string | null;
  created_at: number;
  surfaced_at: number | null;
  requeued_at: number | null;
}

export interface EventRow {
  id: number;
  correlation_id: string;
  flow: string;
  record: string | null;
  record_name: string | null;
  kind: string;
  attempt: number | null;
  status: number | null;
  duration_ms: number | null;
  error_code: string | null;
  message: string | null;
  version: string | null;
  at: number;
}

/** Response bodies are stored as excerpts: enough to diagnose, never a whole document. */
export const EXCERPT_LIMIT = 4096;

/** Masks registered secret values and caps the length of text persisted for humans. */
export function cleanText(text: string | undefined, limit = EXCERPT_LIMIT): string | null {
  if (text === undefined) return null;
  const masked = redact(text);
  return masked.length > limit ? `${masked.slice(0, limit)}…` : masked;
}

export function errorJson(error: ErrorRecord): string {
  return redact(JSON.stringify(error));
}

function opt<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    flow: row.flow,
    model: row.model,
    recordId: row.record_id,
    recordName: opt(row.record_name),
    idempotencyKey: row.idempotency_key,
    keyRevision: row.key_revision,
    correlationId: row.correlation_id,
    status: row.status,
    attempts: row.attempts,
    notBefore: row.not_before,
    leaseOwner: opt(row.lease_owner),
    leaseUntil: opt(row.lease_until),
    source: row.source,
    version: opt(row.version),
    payload: opt(row.payload),
    lastError: row.last_error === null ? undefined : (JSON.parse(row.last_error) as ErrorRecord),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toLedgerEntry(row: LedgerRow): LedgerEntry {
  return {
    idempotencyKey: row.idempotency_key,
    sentKey: row.sent_key,
    correlationId: row.correlation_id,
    flow: row.flow,
    model: row.model,
    recordId: row.record_id,
    recordName: opt(row.record_name),
    version: opt(row.version),
    responseStatus: row.response_status,
    responseExcerpt: opt(row.response_excerpt),
    externalId: opt(row.external_id),
    completedAt: row.completed_at,
  };
}

export function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    jobId: row.job_id,
    flow: row.flow,
    model: row.model,
    recordId: row.record_id,
    recordName: opt(row.record_name),
    correlationId: row.correlation_id,
    idempotencyKey: row.idempotency_key,
    version: opt(row.version),
    payload: opt(row.payload),
    errorCode: row.error_code,
    errorMessage: row.error_message,
    error: JSON.parse(row.error) as ErrorRecord,
    attempts: row.attempts,
    responseStatus: opt(row.response_status),
    responseBody: opt(row.response_body),
    createdAt: row.created_at,
    surfacedAt: opt(row.surfaced_at),
    requeuedAt: opt(row.requeued_at),
  };
}

export function toEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    correlationId: row.correlation_id,
    flow: row.flow,
    record: opt(row.record),
    recordName: opt(row.record_name),
    kind: row.kind,
    attempt: opt(row.attempt),
    status: opt(row.status),
    durationMs: opt(row.duration_ms),
    errorCode: opt(row.error_code),
    message: opt(row.message),
    version: opt(row.version),
    at: row.at,
  };
}
