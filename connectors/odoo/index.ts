/**
 * The Odoo source connector: polling with a write_date cursor, relation expansion, the webhook
 * source, write-back, chatter surfacing and the rights preflight. The runtime reaches it through
 * `registerOdoo(registry)`; `ferry doctor` through `preflight` and `formatPreflightTable`.
 */
import type { ConnectionConfig } from '../../engine/config/compiled.js';
import { FerryError } from '../../engine/errors.js';
import type { SourceFactory } from '../../engine/runtime/ports.js';
import type { SecretResolver } from '../../engine/secrets/resolver.js';
import type { ConnectorRegistry } from '../registry.js';
import { createOdooClient } from './client/client.js';
import { createOdooSourceConnection, type OdooSourceConnection } from './connection.js';

export const odooSourceFactory: SourceFactory = (connection, secrets) =>
  openOdooConnection(connection, secrets);

/** Like the factory, with the Odoo-specific parts (client, fields cache) visible to `ferry doctor`. */
export function openOdooConnection(
  connection: ConnectionConfig,
  secrets: SecretResolver,
): OdooSourceConnection {
  if (connection.kind !== 'odoo') {
    throw new FerryError(
      'FERRY_CONNECTION_TYPE',
      `Connection "${connection.name}" is of type ${connection.kind}; a flow source needs type odoo`,
      { context: { file: connection.file, connection: connection.name } },
    );
  }
  const client = createOdooClient({
    url: connection.url,
    database: connection.database,
    login: connection.login,
    apiKey: secrets.handle(connection.apiKey),
    protocol: connection.protocol,
    timeoutMs: connection.timeoutMs,
  });
  return createOdooSourceConnection(client);
}

export function registerOdoo(registry: ConnectorRegistry): ConnectorRegistry {
  return registry.registerSource('odoo', odooSourceFactory);
}

export { createOdooSourceConnection, createOdooRecordSink, type OdooSourceConnection } from './connection.js';
export { createOdooFlowSource } from './source.js';
export { createWebhookHandler, parseWebhookHint, type WebhookRoute } from './webhook.js';
export { preflight, assertPreflight, type PreflightReport, type PreflightRow } from './preflight.js';
export { formatPreflightTable } from './preflight-table.js';
export { surfaceDeadLetter, deadLetterNoteHtml } from './chatter.js';
export { writeBack, WRITE_BACK_BATCH } from './write-back.js';
