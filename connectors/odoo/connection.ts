/**
 * One Odoo connection as the runtime sees it: a flow source per flow and the record sink, sharing
 * one client (one connection pool, one authentication) and one fields_get cache.
 */
import type { FlowConfig } from '../../engine/config/compiled.js';
import type { RecordSink, SourceConnection } from '../../engine/runtime/ports.js';
import { surfaceDeadLetter } from './chatter.js';
import type { OdooClient } from './client/client.js';
import { FieldCatalog } from './fields.js';
import { createOdooFlowSource } from './source.js';
import { writeBack } from './write-back.js';

export function createOdooRecordSink(client: OdooClient, catalog?: FieldCatalog): RecordSink {
  return {
    writeBack: (model, items) => writeBack(client, model, items, catalog),
    surfaceDeadLetter: (model, notice, options) => surfaceDeadLetter(client, model, notice, options),
  };
}

export interface OdooSourceConnection extends SourceConnection {
  readonly client: OdooClient;
  /** The fields_get cache the preflight can share. */
  readonly catalog: FieldCatalog;
}

export function createOdooSourceConnection(client: OdooClient): OdooSourceConnection {
  const catalog = new FieldCatalog(client);
  return {
    client,
    catalog,
    flowSource: (flow: FlowConfig) => createOdooFlowSource(client, flow, catalog),
    sink: createOdooRecordSink(client, catalog),
    close: () => client.close(),
  };
}
