import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startThreePlSimulator, type ThreePlSimulator } from '../sandbox/threepl/simulator.js';
import { until } from './http-fixtures.js';

let sim: ThreePlSimulator;

beforeEach(async () => {
  sim = await startThreePlSimulator({ token: 'tok-1234' });
});

afterEach(async () => {
  await sim.close();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await request(`${sim.url}${path}`, {
    method: method as 'POST',
    headers: { authorization: 'Bearer tok-1234', 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    headers: res.headers,
    text,
    json: text ? JSON.parse(text) : undefined,
  };
}

const post = (body: unknown, key?: string, path = '/v2/shipments') =>
  call('POST', path, body, key === undefined ? {} : { 'idempotency-key': key });

describe('3PL simulator endpoints', () => {
  it('creates shipments and contacts with an id per effect', async () => {
    expect((await post({ order_ref: 'SO-1' })).json).toMatchObject({ shipment_id: 'SHP-000001' });
    expect((await post({ order_ref: 'SO-2' })).json).toMatchObject({ shipment_id: 'SHP-000002' });
    const contact = await post({ name: 'Azure Interior' }, 'partner:7', '/crm/contacts');
    expect(contact.status).toBe(201);
    expect(contact.json.contact_id).toMatch(/^[A-Z]{3}-000001$/);
    const read = await call('GET', `/v2/shipments/SHP-000002`);
    expect(read.json).toEqual({ shipment_id: 'SHP-000002', order_ref: 'SO-2' });
  });

  it('requires the bearer token and accepts a rotated one', async () => {
    expect((await post({ a: 1 }, undefined)).status).toBe(201);
    expect((await call('POST', '/v2/shipments', { a: 1 }, { authorization: 'Bearer nope' })).status).toBe(
      401,
    );
    sim.rotateToken('tok-5678');
    expect((await post({ a: 1 })).status).toBe(401);
    expect((await call('POST', '/v2/shipments', { a: 1 }, { authorization: 'Bearer tok-5678' })).status).toBe(
      201,
    );
  });

  it('answers 400 to a body that is not a JSON object and 404/405 elsewhere', async () => {
    expect((await post('not json')).status).toBe(400);
    expect((await post([1, 2])).status).toBe(400);
    expect((await call('POST', '/nowhere', {})).status).toBe(404);
    expect((await call('GET', '/v2/shipments')).status).toBe(405);
  });
});

describe('3PL simulator idempotency', () => {
  it('replays the stored answer for the same key and body without a new effect', async () => {
    const first = await post({ order_ref: 'SO-9' }, 'shipment:9');
    const again = await post({ order_ref: 'SO-9' }, 'shipment:9');
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(sim.effects()).toEqual(new Map([['shipment:9', 1]]));
  });

  it('answers 422 for the same key with a different body', async () => {
    await post({ order_ref: 'SO-9' }, 'shipment:9');
    const reused = await post({ order_ref: 'SO-9', extra: true }, 'shipment:9');
    expect(reused.status).toBe(422);
    expect(sim.effects().get('shipment:9')).toBe(1);
  });

  it('answers 409 while the first request with the key is in flight', async () => {
    sim.setFaults([{ kind: 'latency', ms: 10_000, count: 1 }]);
    const first = post({ n: 1 }, 'k').catch((err: unknown) => err);
    await until(() => sim.stats().inFlight === 1, 'the first request to arrive');
    expect((await post({ n: 1 }, 'k')).status).toBe(409);
    expect(sim.effects().get('k')).toBeUndefined();
    await sim.close(); // drops the held request
    expect(await first).toBeInstanceOf(Error);
  });

  it('counts each request without a key, and every request when idempotency is off', async () => {
    await post({ n: 1 });
    await post({ n: 1 });
    expect(sim.effects().get('')).toBe(2);

    const careless = await startThreePlSimulator({ idempotency: false });
    try {
      for (let i = 0; i < 2; i += 1) {
        await request(`${careless.url}/v2/shipments`, {
          method: 'POST',
          headers: { 'idempotency-key': 'dup' },
          body: '{"n":1}',
        }).then((res) => res.body.dump());
      }
      expect(careless.effects().get('dup')).toBe(2);
    } finally {
      await careless.close();
    }
  });
});

describe('3PL simulator faults', () => {
  it('fails the next N requests, then recovers', async () => {
    sim.setFaults([{ kind: 'server_error', count: 2, status: 500 }]);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await post({ i })).status);
    expect(statuses).toEqual([500, 500, 201]);
    expect(sim.faults()).toEqual([]);
  });

  it('answers 429 with Retry-After in seconds', async () => {
    sim.setFaults([{ kind: 'rate_limit', count: 1, retryAfterSeconds: 4 }]);
    const limited = await post({ a: 1 });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('4');
  });

  it('draws probabilistic faults from a seed, the same way every run', async () => {
    const run = async () => {
      sim.reset();
      sim.setFaults([{ kind: 'server_error', probability: 0.5 }], 42);
      const statuses: number[] = [];
      for (let i = 0; i < 20; i += 1) statuses.push((await post({ i })).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(503);
    expect(first).toContain(201);
    expect(await run()).toEqual(first);
  });

  it('applies faults only to the given path', async () => {
    sim.setFaults([{ kind: 'server_error', path: '/crm/' }]);
    expect((await post({ a: 1 })).status).toBe(201);
    expect((await post({ a: 1 }, undefined, '/crm/contacts')).status).toBe(503);
  });

  it('loses only the answer with a reset after the effect; a retry gets the stored answer', async () => {
    sim.setFaults([{ kind: 'reset', count: 1, afterEffect: true }]);
    await expect(post({ n: 1 }, 'lost-answer')).rejects.toThrow();
    const retry = await post({ n: 1 }, 'lost-answer');
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(sim.effects().get('lost-answer')).toBe(1);
  });

  it('leaves no trace of a key when the fault struck before the effect', async () => {
    sim.setFaults([{ kind: 'reset', count: 1 }]);
    await expect(post({ n: 1 }, 'early')).rejects.toThrow();
    const retry = await post({ n: 1 }, 'early');
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
  });

  it('rejects a fault rule it does not understand', () => {
    expect(() => sim.setFaults([{ kind: 'explode' as 'reset' }])).toThrow(/kind/);
    expect(() => sim.setFaults([{ kind: 'reset', probability: 2 }])).toThrow(/probability/);
  });
});

describe('3PL simulator control API', () => {
  it('switches faults and reports received requests and effects over HTTP', async () => {
    const set = await call('POST', '/_control/faults', {
      faults: [{ kind: 'server_error', count: 1 }],
      seed: 3,
    });
    expect(set.json.faults).toEqual([{ kind: 'server_error', count: 1, remaining: 1 }]);
    expect((await post({ a: 1 }, 'x')).status).toBe(503);
    expect((await post({ a: 1 }, 'x')).status).toBe(201);

    await call('POST', '/_control/faults', [{ kind: 'rate_limit' }]);
    expect((await post({ a: 2 }, 'y')).status).toBe(429);
    await call('DELETE', '/_control/faults');
    expect((await post({ a: 2 }, 'y')).status).toBe(201);

    const received = await call('GET', '/_control/received');
    expect(
      received.json.map((r: { headers: Record<string, string> }) => r.headers['idempotency-key']),
    ).toEqual(['x', 'x', 'y', 'y']);
    expect((await call('GET', '/_control/effects')).json).toEqual({ x: 1, y: 1 });
    expect((await call('POST', '/_control/faults', { faults: [{ kind: 'nope' }] })).status).toBe(400);
  });

  it('rotates the token and resets over HTTP', async () => {
    await call('POST', '/_control/token', { token: 'rotated-99' });
    expect((await post({ a: 1 })).status).toBe(401);
    await call('POST', '/_control/reset');
    expect((await call('GET', '/_control/received')).json).toEqual([]);
  });
});
