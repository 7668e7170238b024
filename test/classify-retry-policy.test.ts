import { describe, expect, it } from 'vitest';
import { FerryError } from '../engine/errors.js';
import {
  DEFAULT_RETRY_POLICY,
  nextDelayMs,
  parseRetryPolicy,
  shouldRetry,
} from '../engine/reliability/retry-policy.js';

const policy = { attempts: 5, initialMs: 1000, factor: 2, maxMs: 5000 };
const highest = () => 0.999999;

describe('nextDelayMs', () => {
  it('grows the jitter bound exponentially up to maxMs', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => nextDelayMs(policy, attempt, undefined, highest))).toEqual([
      999, 1999, 3999, 4999, 4999,
    ]);
  });

  it('draws the full jitter range from zero', () => {
    expect(nextDelayMs(policy, 3, undefined, () => 0)).toBe(0);
    expect(nextDelayMs(policy, 3, undefined, () => 0.5)).toBe(2000);
  });

  it('waits at least as long as the endpoint asked', () => {
    const rateLimited = new FerryError('FERRY_HTTP_RATE_LIMITED', '429', { retryAfterMs: 12_000 });
    expect(nextDelayMs(policy, 1, rateLimited, highest)).toBe(12_000);
    expect(nextDelayMs(policy, 4, { retryAfterMs: 100 }, highest)).toBe(4999);
  });
});

describe('shouldRetry', () => {
  const transient = new FerryError('FERRY_HTTP_SERVER', '503');
  it('retries a retryable error until the attempts are spent', () => {
    expect(shouldRetry(DEFAULT_RETRY_POLICY, 1, transient)).toBe(true);
    expect(shouldRetry(DEFAULT_RETRY_POLICY, 2, transient)).toBe(true);
    expect(shouldRetry(DEFAULT_RETRY_POLICY, 3, transient)).toBe(false);
  });

  it('never retries a permanent error or an unclassified one', () => {
    expect(shouldRetry(policy, 1, new FerryError('FERRY_HTTP_REJECTED', '422'))).toBe(false);
    expect(shouldRetry(policy, 1, new Error('bug'))).toBe(false);
  });
});

describe('parseRetryPolicy', () => {
  it('fills in the documented defaults', () => {
    expect(parseRetryPolicy()).toEqual({ attempts: 3, initialMs: 1000, factor: 2, maxMs: 30_000 });
    expect(parseRetryPolicy({ attempts: 7 })).toEqual({ ...DEFAULT_RETRY_POLICY, attempts: 7 });
  });

  it.each([
    [{ attempts: 0 }, 'delivery.retry.attempts'],
    [{ attempts: 2.5 }, 'delivery.retry.attempts'],
    [{ initialMs: -1 }, 'delivery.retry.backoff.initial'],
    [{ factor: 0.5 }, 'delivery.retry.backoff.factor'],
    [{ maxMs: Number.NaN }, 'delivery.retry.backoff.max'],
    [{ initialMs: 5000, maxMs: 1000 }, 'delivery.retry.backoff.max'],
  ])('names the field of %o', (input, field) => {
    let caught: unknown;
    try {
      parseRetryPolicy(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(FerryError);
    expect((caught as FerryError).code).toBe('FERRY_SCHEMA');
    expect((caught as FerryError).context.field).toBe(field);
    expect((caught as FerryError).message).toContain(field);
  });
});
