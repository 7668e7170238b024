/**
 * The HTTP target: one undici Pool per connection origin (keep-alive), a FIFO concurrency limit and a
 * token bucket in front of it, credentials from secret handles, and every failure classified by the
 * one classifier. It retries nothing except the single resend a 401 earns after renewing credentials;
 * all other retrying belongs to the engine, which reads the error's decision.
 */
import { Pool } from 'undici';
import { FerryError, type ErrorContext } from '../../engine/errors.js';
import { log } from '../../engine/log/logger.js';
import { classifyNetworkError, classifyResponse } from '../../engine/reliability/classify.js';
import { createAuthenticator } from './auth.js';
import { flattenHeaders, parseJsonBody, readBodyText } from './body.js';
import { ConcurrencyLimit } from './concurrency.js';
import { resolveTargetOptions } from './options.js';
import { TokenBucket } from './rate-limit.js';
import type { HttpRequest, HttpResponse, HttpTarget, HttpTargetOptions } from './types.js';

interface Exchange {
  status: number;
  headers: Record<string, string>;
  text: string;
  durationMs: number;
}

const lowerCaseKeys = (headers: Record<string, string> = {}) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

export function createHttpTarget(options: HttpTargetOptions): HttpTarget {
  const resolved = resolveTargetOptions(options);
  const { base, timeoutMs, connectTimeoutMs, concurrency } = resolved;
  const basePath = base.pathname.replace(/\/+$/, '');
  const targetContext: ErrorContext = { target: options.name };

  const pool = new Pool(base.origin, {
    connections: concurrency,
    connectTimeout: connectTimeoutMs,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const limit = new ConcurrencyLimit(concurrency);
  const bucket =
    resolved.rate && new TokenBucket(resolved.rate.perSecond, resolved.rate.burst, options.clock);
  const auth = createAuthenticator(options.auth, targetContext, { timeoutMs, connectTimeoutMs });
  const fixedHeaders = {
    accept: 'application/json',
    'content-type': 'application/json',
    ...lowerCaseKeys(options.headers),
  };

  async function exchange(request: HttpRequest, authHeaders: Record<string, string>, context: ErrorContext) {
    await bucket?.take();
    const headers: Record<string, string> = {
      ...fixedHeaders,
      ...lowerCaseKeys(request.headers),
      ...authHeaders,
      'x-correlation-id': request.correlationId,
      traceparent: request.traceparent,
    };
    if (request.idempotencyKey !== undefined) headers[resolved.idempotencyHeader] = request.idempotencyKey;
    const started = performance.now();
    try {
      const res = await pool.request({
        method: request.method,
        path: basePath + (request.path.startsWith('/') ? request.path : `/${request.path}`),
        headers,
        body: request.body === '' ? undefined : request.body,
      });
      const text = await readBodyText(res.body, context);
      const durationMs = performance.now() - started;
      return {
        status: res.statusCode,
        headers: flattenHeaders(res.headers),
        text,
        durationMs,
      } satisfies Exchange;
    } catch (err) {
      throw classifyNetworkError(err, context);
    }
  }

  async function sendWithinLimit(request: HttpRequest): Promise<HttpResponse> {
    const context: ErrorContext = {
      ...targetContext,
      method: request.method,
      path: request.path,
      correlationId: request.correlationId,
    };
    let credentials = await auth.credentials();
    let answer = await exchange(request, credentials.headers, context);
    if (answer.status === 401 && auth.renewable) {
      log().info({ ...context, statusCode: 401 }, 'credentials refused; renewing them and sending once more');
      await auth.renew(credentials.generation);
      credentials = await auth.credentials();
      answer = await exchange(request, credentials.headers, context);
      if (answer.status === 401) throw stillUnauthorized(answer, context, auth.secretRef);
    }
    log().debug(
      { ...context, statusCode: answer.status, durationMs: Math.round(answer.durationMs) },
      'http answer',
    );

    // The flow's max_retry_after bounds the wait (1h by default), not the classifier's generic cap.
    const refused = classifyResponse(answer.status, answer.headers, answer.text, {
      context,
      maxRetryAfterMs: Number.POSITIVE_INFINITY,
    });
    if (refused) throw refused;
    const body = parseJsonBody(answer.text, answer.headers, { ...context, statusCode: answer.status });
    return {
      status: answer.status,
      headers: answer.headers,
      body,
      text: answer.text,
      durationMs: answer.durationMs,
    };
  }

  let closing: Promise<void> | undefined;
  return {
    name: options.name,
    send: (request) => limit.run(() => sendWithinLimit(request)),
    close() {
      bucket?.close();
      closing ??= Promise.all([pool.close(), auth.close()]).then(() => undefined);
      return closing;
    },
  };
}

function stillUnauthorized(
  answer: Exchange,
  context: ErrorContext,
  secretRef: string | undefined,
): FerryError {
  const refused = classifyResponse(answer.status, answer.headers, answer.text, { context })!;
  return new FerryError(
    'FERRY_HTTP_UNAUTHORIZED',
    `${refused.message}, also after renewing the credentials`,
    {
      context: refused.context,
      hint: secretRef ? `Check the secret ${secretRef} and the account it belongs to.` : undefined,
    },
  );
}
