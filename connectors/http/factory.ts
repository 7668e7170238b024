/**
 * The HTTP connector's entry in the connector registry: a compiled `type: http` connection becomes a
 * target whose secret fields are handles from the resolver (values fetched at send time, never here).
 */
import type { ConnectionConfig, HttpAuthConfig } from '../../engine/config/compiled.js';
import { FerryError } from '../../engine/errors.js';
import type { TargetFactory } from '../../engine/runtime/ports.js';
import type { SecretResolver } from '../../engine/secrets/resolver.js';
import { createHttpTarget } from './target.js';
import type { HttpAuth } from './types.js';

function authFrom(auth: HttpAuthConfig | undefined, secrets: SecretResolver): HttpAuth | undefined {
  switch (auth?.kind) {
    case undefined:
      return undefined;
    case 'bearer':
      return { kind: 'bearer', token: secrets.handle(auth.token) };
    case 'basic':
      return { kind: 'basic', username: auth.username, password: secrets.handle(auth.password) };
    case 'header':
      return { kind: 'header', header: auth.header, value: secrets.handle(auth.value) };
    case 'oauth2':
      return {
        kind: 'oauth2',
        tokenUrl: auth.tokenUrl,
        clientId: auth.clientId,
        clientSecret: secrets.handle(auth.clientSecret),
        scope: auth.scope,
      };
  }
}

export const httpTargetFactory: TargetFactory = (connection: ConnectionConfig, secrets: SecretResolver) => {
  if (connection.kind !== 'http') {
    throw new FerryError(
      'FERRY_CONNECTION_TYPE',
      `Connection "${connection.name}" is of type ${connection.kind}; a flow target needs type http`,
      { context: { file: connection.file, connection: connection.name } },
    );
  }
  return createHttpTarget({
    name: connection.name,
    baseUrl: connection.baseUrl,
    auth: authFrom(connection.auth, secrets),
    timeoutMs: connection.timeoutMs,
    connectTimeoutMs: connection.connectTimeoutMs,
    concurrency: connection.concurrency,
    ratePerSecond: connection.ratePerSecond,
    burst: connection.burst,
    idempotencyHeader: connection.idempotencyHeader,
    headers: { ...connection.headers },
  });
};
