import { afterEach, describe, expect, it } from 'vitest';
import { ConcurrencyLimit } from '../connectors/http/concurrency.js';
import { TokenBucket } from '../connectors/http/rate-limit.js';
import { createHttpTarget } from '../connectors/http/target.js';
import type { HttpTarget } from '../connectors/http/types.js';
import { startThreePlSimulator, type ThreePlSimulator } from '../sandbox/threepl/simulator.js';
import { ManualClock, shipment, until } from './http-fixtures.js';

/** Lets every settled promise callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('TokenBucket', () => {
  it('admits a burst, then one request per 1/rate of clock time, in arrival order', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(2, 3, clock);
    const admitted: number[] = [];
    const takes = Array.from({ length: 6 }, (_, i) => bucket.take().then(() => admitted.push(i)));
    await settle();
    expect(admitted).toEqual([0, 1, 2]);

    clock.advance(499);
    await settle();
    expect(admitted).toEqual([0, 1, 2]);
    clock.advance(1);
    await settle();
    expect(admitted).toEqual([0, 1, 2, 3]);
    clock.advance(1000);
    await settle();
    await settle();
    expect(admitted).toEqual([0, 1, 2, 3, 4, 5]);
    await Promise.all(takes);
  });

  it('refills while idle, but never beyond the burst', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(10, 2, clock);
    await bucket.take();
    await bucket.take();
    clock.advance(60_000);
    let admitted = 0;
    const takes = Array.from({ length: 3 }, () => bucket.take().then(() => (admitted += 1)));
    await settle();
    expect(admitted).toBe(2);
    clock.advance(100);
    await Promise.all(takes);
    expect(admitted).toBe(3);
  });

  it('rejects waiters when closed', async () => {
    const bucket = new TokenBucket(1, 1, new ManualClock());
    await bucket.take();
    const waiting = bucket.take();
    bucket.close();
    await expect(waiting).rejects.toMatchObject({ code: 'FERRY_HTTP_NETWORK' });
  });
});

describe('ConcurrencyLimit', () => {
  it('runs at most `limit` tasks and starts the rest first come, first served', async () => {
    const limit = new ConcurrencyLimit(2);
    const releases: (() => void)[] = [];
    const started: number[] = [];
    const tasks = Array.from({ length: 5 }, (_, i) =>
      limit.run(() => {
        started.push(i);
        return new Promise<void>((resolve) => releases.push(resolve));
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    releases[1]!();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    expect(limit.inFlight).toBe(2);
    releases[0]!();
    releases[2]!();
    await settle();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    releases[3]!();
    releases[4]!();
    await Promise.all(tasks);
    expect(limit.inFlight).toBe(0);
  });
});

describe('HTTP target rate limit', () => {
  let sim: ThreePlSimulator;
  let target: HttpTarget;

  afterEach(async () => {
    await target.close();
    await sim.close();
  });

  it('sends no more than the bucket allows until the clock moves', async () => {
    sim = await startThreePlSimulator();
    const clock = new ManualClock();
    target = createHttpTarget({ name: 'threepl', baseUrl: sim.url, ratePerSecond: 1, burst: 2, clock });
    const sends = Array.from({ length: 4 }, (_, i) => target.send(shipment({ i }, `r-${i}`)));

    await Promise.all(sends.slice(0, 2));
    await until(() => clock.sleeping === 1, 'the limiter to wait for a token');
    expect(sim.received).toHaveLength(2);

    clock.advance(1000);
    await sends[2];
    expect(sim.received).toHaveLength(3);
    await until(() => clock.sleeping === 1, 'the limiter to wait again');
    expect(sim.received).toHaveLength(3);

    clock.advance(1000);
    await sends[3];
    expect(sim.received.map((r) => r.headers['idempotency-key'])).toEqual(['r-0', 'r-1', 'r-2', 'r-3']);
  });
});
