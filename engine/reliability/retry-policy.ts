/**
 * How long to wait before the next attempt of a delivery. The classifier decides *whether* an error
 * may be retried; this decides *when*: full-jitter exponential backoff (spreads a crowd of retries
 * after an outage), never sooner than the endpoint's own Retry-After.
 */
import { FerryError } from '../errors.js';

export interface RetryPolicy {
  /**
   * Total attempts, the first one included; 1 means never retry.
   * @default 3
   */
  attempts: number;
  /**
   * Upper bound of the first backoff, in milliseconds.
   * @default 1000
   */
  initialMs: number;
  /**
   * Growth of the backoff bound per attempt.
   * @default 2
   */
  factor: number;
  /**
   * Largest backoff bound, in milliseconds.
   * @default 30000
   */
  maxMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  attempts: 3,
  initialMs: 1000,
  factor: 2,
  maxMs: 30_000,
});

/** Whether an error raised by attempt number `attempt` (1-based) may be followed by another attempt. */
export function shouldRetry(policy: RetryPolicy, attempt: number, error: unknown): boolean {
  return error instanceof FerryError && error.retryable && attempt < policy.attempts;
}

/**
 * Milliseconds to wait after attempt number `attempt` (1-based) failed with `error`: a uniform draw
 * in [0, min(maxMs, initialMs × factor^(attempt−1))), raised to `error.retryAfterMs` when the endpoint
 * asked for longer.
 */
export function nextDelayMs(
  policy: RetryPolicy,
  attempt: number,
  error?: { retryAfterMs?: number | undefined },
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const bound = Math.min(policy.maxMs, policy.initialMs * policy.factor ** exponent);
  const jittered = Math.floor(random() * bound);
  return Math.max(jittered, error?.retryAfterMs ?? 0);
}

interface FieldRule {
  /** Where the value sits in a flow file, below the retry block. */
  path: string;
  check: (value: number) => boolean;
  expected: string;
}

const isDuration = (v: number) => Number.isFinite(v) && v >= 0;

const FIELDS: Record<keyof RetryPolicy, FieldRule> = {
  attempts: {
    path: 'attempts',
    check: (v) => Number.isInteger(v) && v >= 1 && v <= 100,
    expected: 'an integer from 1 to 100',
  },
  initialMs: { path: 'backoff.initial', check: isDuration, expected: 'a duration of 0 or more' },
  factor: {
    path: 'backoff.factor',
    check: (v) => Number.isFinite(v) && v >= 1 && v <= 10,
    expected: 'a number from 1 to 10',
  },
  maxMs: { path: 'backoff.max', check: isDuration, expected: 'a duration of 0 or more' },
};

/**
 * A complete policy from a partial one (durations already in milliseconds), with the defaults filled
 * in. Throws FERRY_SCHEMA naming the flow-file field (`<field>.attempts`, `<field>.backoff.initial`…)
 * that is out of range.
 */
export function parseRetryPolicy(input: Partial<RetryPolicy> = {}, field = 'delivery.retry'): RetryPolicy {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY };
  for (const key of Object.keys(FIELDS) as (keyof RetryPolicy)[]) {
    const value = input[key];
    if (value === undefined) continue;
    const { path, check, expected } = FIELDS[key];
    if (typeof value !== 'number' || !check(value)) {
      throw new FerryError(
        'FERRY_SCHEMA',
        `${field}.${path} must be ${expected}, got ${JSON.stringify(value)}`,
        {
          context: { field: `${field}.${path}` },
        },
      );
    }
    policy[key] = value;
  }
  if (policy.maxMs < policy.initialMs) {
    throw new FerryError(
      'FERRY_SCHEMA',
      `${field}.backoff.max (${policy.maxMs} ms) must not be smaller than ${field}.backoff.initial (${policy.initialMs} ms)`,
      { context: { field: `${field}.backoff.max` } },
    );
  }
  return policy;
}
