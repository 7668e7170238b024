/** Shared pieces of the HTTP target tests: requests, a rotating secret, a manual clock. */
import type { Clock } from '../connectors/http/clock.js';
import type { HttpRequest } from '../connectors/http/types.js';
import { newCorrelationId, traceparentFor } from '../engine/log/correlation.js';
import type { SecretHandle } from '../engine/secrets/types.js';

export function shipment(body: Record<string, unknown>, idempotencyKey?: string): HttpRequest {
  const correlationId = newCorrelationId();
  return {
    method: 'POST',
    path: '/v2/shipments',
    body: JSON.stringify(body),
    idempotencyKey,
    correlationId,
    traceparent: traceparentFor(correlationId),
  };
}

/** A secret whose source can be rotated; `get()` keeps the cached value until `refresh()`. */
export function rotatingSecret(initial: string) {
  let source = initial;
  let cached = initial;
  const handle: SecretHandle & { refreshes: number } = {
    ref: '${secret:test:threepl#token}',
    refreshes: 0,
    get: () => Promise.resolve(cached),
    refresh: () => {
      handle.refreshes += 1;
      cached = source;
      return Promise.resolve(cached);
    },
  };
  return { handle, rotate: (value: string) => void (source = value) };
}

/** Time that moves only when the test says so. */
export class ManualClock implements Clock {
  private time = 0;
  private sleepers: { until: number; wake: () => void }[] = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => this.sleepers.push({ until: this.time + ms, wake }));
  }

  get sleeping(): number {
    return this.sleepers.length;
  }

  advance(ms: number): void {
    this.time += ms;
    const due = this.sleepers.filter((s) => s.until <= this.time);
    this.sleepers = this.sleepers.filter((s) => s.until > this.time);
    for (const sleeper of due) sleeper.wake();
  }
}

/** Polls `condition` (bounded) until it holds; for waiting on server-side state, never for timing. */
export async function until(condition: () => boolean, what: string, tries = 500): Promise<void> {
  for (let i = 0; i < tries; i += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}
