/**
 * What the runtime needs from the systems on either side. The runtime knows these interfaces only;
 * connectors implement them (connectors/odoo for sources, connectors/http for targets) and register
 * in a ConnectorRegistry (connectors/registry.ts).
 */
import type { FlowConfig, ConnectionConfig } from '../config/compiled.js';
import type { SecretResolver } from '../secrets/resolver.js';
import type { HttpTarget } from '../../connectors/http/types.js';

/** One source record as read: Odoo's shape (many2one [id, name], false for empty), relations expanded. */
export interface SourceRecord {
  id: number;
  /** Business name for operators and `ferry trace` (the flow's record_name field). */
  name?: string;
  record: Record<string, unknown>;
}

/**
 * Hands a page of records to the runtime, which persists them as jobs and stores `cursor` in the same
 * transaction. The source advances only after the returned promise resolves.
 */
export type Handoff = (records: SourceRecord[], cursor: string) => Promise<void>;

export interface FlowSource {
  /** Reads everything written since `cursor` (undefined: from the beginning), page by page, through `handoff`. */
  pollOnce(
    cursor: string | undefined,
    handoff: Handoff,
  ): Promise<{ records: number; cursor: string | undefined }>;
  /** Reads the given records now (webhook hints, re-render on requeue). Missing ids are left out. */
  readRecords(ids: readonly number[]): Promise<SourceRecord[]>;
}

export interface WriteBackItem {
  recordId: number;
  values: Record<string, unknown>;
}

export interface DeadLetterNotice {
  flow: string;
  version?: string;
  recordId: number;
  recordName?: string;
  correlationId: string;
  errorCode: string;
  errorMessage: string;
  attempts: number;
  deadLetterId: number;
}

/** Effects on the source system's records: outcomes written back, failures surfaced. */
export interface RecordSink {
  /** Writes many records' values in as few calls as possible; returns the ids that could not be written. */
  writeBack(
    model: string,
    items: WriteBackItem[],
  ): Promise<{ failed: { recordId: number; error: string }[] }>;
  /** Posts a dead letter on the record (chatter note, optionally an activity). */
  surfaceDeadLetter(
    model: string,
    notice: DeadLetterNotice,
    options: { activity: boolean; activityUser?: string },
  ): Promise<void>;
}

/** A connected source system (one per Odoo connection). */
export interface SourceConnection {
  flowSource(flow: FlowConfig): FlowSource;
  sink: RecordSink;
  close(): Promise<void>;
}

export type SourceFactory = (connection: ConnectionConfig, secrets: SecretResolver) => SourceConnection;
export type TargetFactory = (connection: ConnectionConfig, secrets: SecretResolver) => HttpTarget;
