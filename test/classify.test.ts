import { describe, expect, it } from 'vitest';
import {
  BODY_EXCERPT_BYTES,
  bodyExcerpt,
  classifyNetworkError,
  classifyResponse,
  parseRetryAfter,
} from '../engine/reliability/classify.js';
import { FerryError } from '../engine/errors.js';
import { clearSecretValues, registerSecretValue } from '../engine/log/redact.js';

const classify = (status: number, headers: Record<string, string> = {}, body = '') =>
  classifyResponse(status, headers, body, { now: Date.parse('Sun, 06 Nov 1994 08:49:37 GMT') });

describe('classifyResponse', () => {
  it('lets every 2xx through', () => {
    for (const status of [200, 201, 202, 204, 299]) expect(classify(status)).toBeNull();
  });

  it.each([
    [400, 'FERRY_HTTP_REJECTED'],
    [403, 'FERRY_HTTP_REJECTED'],
    [404, 'FERRY_HTTP_REJECTED'],
    [410, 'FERRY_HTTP_REJECTED'],
    [422, 'FERRY_HTTP_REJECTED'],
    [418, 'FERRY_HTTP_REJECTED'],
    [401, 'FERRY_HTTP_UNAUTHORIZED'],
    [501, 'FERRY_HTTP_REJECTED'],
    [301, 'FERRY_HTTP_REJECTED'],
  ] as const)('never retries %i (%s)', (status, code) => {
    const error = classify(status)!;
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(false);
    expect(error.context.statusCode).toBe(status);
  });

  it.each([
    [408, 'FERRY_HTTP_SERVER'],
    [425, 'FERRY_HTTP_SERVER'],
    [429, 'FERRY_HTTP_RATE_LIMITED'],
    [409, 'FERRY_HTTP_IN_PROGRESS'],
    [500, 'FERRY_HTTP_SERVER'],
    [502, 'FERRY_HTTP_SERVER'],
    [503, 'FERRY_HTTP_SERVER'],
    [504, 'FERRY_HTTP_SERVER'],
    [599, 'FERRY_HTTP_SERVER'],
  ] as const)('retries %i (%s)', (status, code) => {
    const error = classify(status)!;
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('keeps a body excerpt and the caller context', () => {
    const error = classifyResponse(422, {}, '{"error":"sku unknown"}', { context: { target: 'threepl' } })!;
    expect(error.context).toMatchObject({
      target: 'threepl',
      statusCode: 422,
      body: '{"error":"sku unknown"}',
    });
    expect(error.message).toContain('422');
  });

  it('puts Retry-After in seconds on the error, any header case', () => {
    expect(classify(429, { 'Retry-After': '7' })!.retryAfterMs).toBe(7000);
    expect(classify(503, { 'retry-after': '0' })!.retryAfterMs).toBe(0);
    expect(classify(409, { 'retry-after': '2' })!.retryAfterMs).toBe(2000);
  });

  it('puts a Retry-After HTTP-date on the error relative to now', () => {
    expect(classify(429, { 'retry-after': 'Sun, 06 Nov 1994 08:50:07 GMT' })!.retryAfterMs).toBe(30_000);
  });

  it('ignores Retry-After on a permanent failure', () => {
    expect(classify(400, { 'retry-after': '5' })!.retryAfterMs).toBeUndefined();
  });

  it('caps Retry-After by the given maximum', () => {
    const error = classifyResponse(429, { 'retry-after': '86400' }, '', { maxRetryAfterMs: 60_000 })!;
    expect(error.retryAfterMs).toBe(60_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delay-seconds and the three HTTP-date forms', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Thursday, 01-Jan-26 00:00:20 GMT', now)).toBe(20_000);
    expect(parseRetryAfter('Thu Jan  1 00:00:30 2026', now)).toBe(30_000);
  });

  it('treats a date in the past as now', () => {
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });

  it('ignores negative, fractional and garbage values', () => {
    for (const value of ['-5', '1.5', 'soon', 'Jan 2026', '2026-01-01', '', '  ', undefined, '5 seconds']) {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    }
  });

  it('caps at the maximum', () => {
    expect(parseRetryAfter('3600', now, 300_000)).toBe(300_000);
  });
});

describe('bodyExcerpt', () => {
  it('keeps at most 2 KB of UTF-8 without splitting a character', () => {
    const excerpt = bodyExcerpt('é'.repeat(5000));
    expect(Buffer.byteLength(excerpt.replace(/…$/, ''))).toBeLessThanOrEqual(BODY_EXCERPT_BYTES);
    expect(excerpt).toMatch(/^é+…$/);
  });

  it('masks registered secret values', () => {
    registerSecretValue('s3cr3t-token-value');
    try {
      expect(bodyExcerpt('{"echo":"Bearer s3cr3t-token-value"}')).toBe('{"echo":"Bearer [redacted]"}');
    } finally {
      clearSecretValues();
    }
  });
});

describe('classifyNetworkError', () => {
  const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

  it.each(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT'])(
    '%s is a retryable timeout',
    (code) => {
      const error = classifyNetworkError(withCode(code), { target: 'threepl' });
      expect(error.code).toBe('FERRY_HTTP_TIMEOUT');
      expect(error.retryable).toBe(true);
      expect(error.context.target).toBe('threepl');
    },
  );

  it.each(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ENOTFOUND'])(
    '%s is a retryable network error',
    (code) => {
      const error = classifyNetworkError(withCode(code));
      expect(error.code).toBe('FERRY_HTTP_NETWORK');
      expect(error.retryable).toBe(true);
      expect(error.message).toContain(code);
    },
  );

  it('recognises a socket hang up without a code, and codes nested in causes and inner errors', () => {
    expect(classifyNetworkError(new Error('socket hang up')).code).toBe('FERRY_HTTP_NETWORK');
    const nested = new Error('fetch failed', { cause: withCode('UND_ERR_HEADERS_TIMEOUT') });
    expect(classifyNetworkError(nested).code).toBe('FERRY_HTTP_TIMEOUT');
    const multi = new AggregateError([withCode('ECONNREFUSED'), withCode('ETIMEDOUT')], 'connect failed');
    expect(classifyNetworkError(multi).code).toBe('FERRY_HTTP_TIMEOUT');
  });

  it('passes a FerryError through unchanged', () => {
    const original = new FerryError('FERRY_SECRET_UNRESOLVED', 'vault down');
    expect(classifyNetworkError(original)).toBe(original);
  });
});
