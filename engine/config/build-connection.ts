/** Turns a validated Connection document into its compiled form (durations in ms, auth normalised). */
import type { HttpConnection, OdooConnection } from './flow-types.generated.js';
import type { ConnectionConfig, HttpAuthConfig } from './compiled.js';
import { parseDuration } from './durations.js';

const ms = (text: string | undefined, fallback: number) =>
  text ? (parseDuration(text) ?? fallback) : fallback;

export function buildConnection(doc: OdooConnection | HttpConnection, file: string): ConnectionConfig {
  if (doc.type === 'odoo') {
    return {
      kind: 'odoo',
      name: doc.name,
      file,
      url: doc.url.replace(/\/+$/, ''),
      database: doc.database,
      login: doc.login,
      apiKey: doc.api_key,
      protocol: doc.protocol ?? 'auto',
      allowAdmin: doc.allow_admin ?? false,
      timeoutMs: ms(doc.timeout, 30_000),
    };
  }
  return {
    kind: 'http',
    name: doc.name,
    file,
    baseUrl: doc.base_url.replace(/\/+$/, ''),
    auth: buildAuth(doc.auth),
    timeoutMs: ms(doc.timeout, 10_000),
    connectTimeoutMs: ms(doc.connect_timeout, 5_000),
    concurrency: doc.concurrency ?? 16,
    ratePerSecond: doc.rate_limit?.per_second,
    burst: doc.rate_limit?.burst,
    idempotencyHeader: doc.idempotency_header ?? 'Idempotency-Key',
    headers: doc.headers ?? {},
  };
}

function buildAuth(auth: HttpConnection['auth']): HttpAuthConfig | undefined {
  if (!auth) return undefined;
  if (auth.bearer) return { kind: 'bearer', token: auth.bearer };
  if (auth.basic) return { kind: 'basic', username: auth.basic.username, password: auth.basic.password };
  if (auth.api_key) return { kind: 'header', header: auth.api_key.header, value: auth.api_key.value };
  if (auth.oauth2) {
    const { token_url, client_id, client_secret, scope } = auth.oauth2;
    return { kind: 'oauth2', tokenUrl: token_url, clientId: client_id, clientSecret: client_secret, scope };
  }
  return undefined;
}
