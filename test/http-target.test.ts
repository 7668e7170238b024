import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpTarget } from '../connectors/http/target.js';
import type { HttpTarget, HttpTargetOptions } from '../connectors/http/types.js';
import { FerryError } from '../engine/errors.js';
import { fixedSecret } from '../engine/secrets/types.js';
import { startThreePlSimulator, type ThreePlSimulator } from '../sandbox/threepl/simulator.js';
import { shipment, until } from './http-fixtures.js';

const TOKEN = 'sim-token-0001';
let sim: ThreePlSimulator;
let target: HttpTarget;

const open = (options: Partial<HttpTargetOptions> = {}) =>
  (target = createHttpTarget({
    name: 'threepl',
    baseUrl: sim.url,
    auth: { kind: 'bearer', token: fixedSecret(TOKEN) },
    ...options,
  }));

beforeEach(async () => {
  sim = await startThreePlSimulator({ token: TOKEN });
});

afterEach(async () => {
  await target?.close();
  await sim.close();
});

async function failure(promise: Promise<unknown>): Promise<FerryError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(FerryError);
    return err as FerryError;
  }
  throw new Error('expected the request to fail');
}

describe('HTTP target against the 3PL simulator', () => {
  it('sends the exact body with correlation, trace and idempotency headers and parses the answer', async () => {
    open({ headers: { 'X-Tenant': 'shop-1' } });
    const request = shipment({ order_ref: 'SO-10452', lines: [{ sku: 'A-1', qty: 2 }] }, 'shipment:7');
    const response = await target.send(request);

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ shipment_id: 'SHP-000001' });
    expect(JSON.parse(response.text)).toEqual(response.body);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.durationMs).toBeGreaterThanOrEqual(0);

    const [received] = sim.received;
    expect(received!.body).toBe(request.body);
    expect(received!.headers).toMatchObject({
      'x-correlation-id': request.correlationId,
      traceparent: request.traceparent,
      'idempotency-key': 'shipment:7',
      'content-type': 'application/json',
      authorization: `Bearer ${TOKEN}`,
      'x-tenant': 'shop-1',
    });
  });

  it('honours a base URL path prefix and a custom idempotency header', async () => {
    const prefixed = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: req.url, key: req.headers['x-request-key'] ?? null }));
    });
    await new Promise<void>((resolve) => prefixed.listen(0, '127.0.0.1', resolve));
    const { port } = prefixed.address() as AddressInfo;
    const custom = createHttpTarget({
      name: 'prefixed',
      baseUrl: `http://127.0.0.1:${port}/api/3pl/`,
      idempotencyHeader: 'X-Request-Key',
    });
    try {
      const response = await custom.send(shipment({ a: 1 }, 'k-1'));
      expect(response.body).toEqual({ url: '/api/3pl/v2/shipments', key: 'k-1' });
    } finally {
      await custom.close();
      prefixed.close();
    }
  });

  it('gives undefined body for an empty 2xx answer', async () => {
    const empty = createServer((_req, res) => res.writeHead(204).end());
    await new Promise<void>((resolve) => empty.listen(0, '127.0.0.1', resolve));
    const { port } = empty.address() as AddressInfo;
    const bare = createHttpTarget({ name: 'empty', baseUrl: `http://127.0.0.1:${port}` });
    try {
      const response = await bare.send(shipment({ a: 1 }));
      expect(response).toMatchObject({ status: 204, body: undefined, text: '' });
    } finally {
      await bare.close();
      empty.close();
    }
  });

  it('surfaces 429 with Retry-After as a retryable error with retryAfterMs', async () => {
    open();
    sim.setFaults([{ kind: 'rate_limit', count: 1, retryAfterSeconds: 3 }]);
    const error = await failure(target.send(shipment({ n: 1 }, 'k-429')));
    expect(error.code).toBe('FERRY_HTTP_RATE_LIMITED');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(3000);
    expect(error.context).toMatchObject({ target: 'threepl', statusCode: 429 });
    // The fault struck before any effect, so the retry with the same key creates the shipment once.
    expect((await target.send(shipment({ n: 1 }, 'k-429'))).status).toBe(201);
    expect(sim.effects().get('k-429')).toBe(1);
  });

  it('classifies 503 as retryable and a 422 as permanent, keeping a body excerpt', async () => {
    open();
    sim.setFaults([{ kind: 'server_error', count: 1, status: 503 }]);
    const unavailable = await failure(target.send(shipment({ n: 1 })));
    expect(unavailable).toMatchObject({ code: 'FERRY_HTTP_SERVER', retryable: true });
    expect(unavailable.context.body).toContain('unavailable');

    await target.send(shipment({ n: 1 }, 'same-key'));
    const reused = await failure(target.send(shipment({ n: 2 }, 'same-key')));
    expect(reused).toMatchObject({ code: 'FERRY_HTTP_REJECTED', retryable: false });
    expect(reused.context).toMatchObject({ statusCode: 422, correlationId: expect.any(String) });
    expect(reused.context.body).toContain('idempotency_key_reused');
  });

  it('turns a response that never comes into FERRY_HTTP_TIMEOUT', async () => {
    open({ timeoutMs: 200 });
    sim.setFaults([{ kind: 'timeout', count: 1 }]);
    const error = await failure(target.send(shipment({ n: 1 })));
    expect(error).toMatchObject({ code: 'FERRY_HTTP_TIMEOUT', retryable: true });
  });

  it('turns a connection reset into a retryable FERRY_HTTP_NETWORK', async () => {
    open();
    sim.setFaults([{ kind: 'reset', count: 1 }]);
    const error = await failure(target.send(shipment({ n: 1 })));
    expect(error).toMatchObject({ code: 'FERRY_HTTP_NETWORK', retryable: true });
  });

  it('turns a refused connection into a retryable FERRY_HTTP_NETWORK', async () => {
    const url = sim.url;
    await sim.close();
    sim = await startThreePlSimulator({ token: TOKEN });
    target = createHttpTarget({ name: 'gone', baseUrl: url, connectTimeoutMs: 1000 });
    const error = await failure(target.send(shipment({ n: 1 })));
    expect(error.code).toBe('FERRY_HTTP_NETWORK');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('rejects a 2xx body that is not JSON as permanent, naming the content type', async () => {
    open();
    sim.setFaults([{ kind: 'malformed', count: 1 }]);
    const error = await failure(target.send(shipment({ n: 1 }, 'k-bad')));
    expect(error).toMatchObject({ code: 'FERRY_HTTP_MALFORMED', retryable: false });
    expect(error.message).toContain('application/json');
    expect(error.context).toMatchObject({ statusCode: 201, body: expect.stringContaining('shipment_id') });
  });

  it('keeps at most the configured number of requests in flight', async () => {
    open({ concurrency: 2 });
    sim.setFaults([{ kind: 'latency', ms: 100 }]);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => target.send(shipment({ i }, `c-${i}`))),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(sim.stats().maxInFlight).toBe(2);
  });

  it('sends queued requests in the order they were given', async () => {
    open({ concurrency: 1 });
    sim.setFaults([{ kind: 'latency', ms: 20 }]);
    await Promise.all(Array.from({ length: 5 }, (_, i) => target.send(shipment({ i }, `o-${i}`))));
    expect(sim.received.map((r) => r.headers['idempotency-key'])).toEqual([
      'o-0',
      'o-1',
      'o-2',
      'o-3',
      'o-4',
    ]);
  });

  it('gets 409 while the same key is still in flight at the endpoint', async () => {
    open();
    sim.setFaults([{ kind: 'latency', ms: 10_000, count: 1 }]);
    const first = target.send(shipment({ n: 1 }, 'busy')).catch((err: unknown) => err);
    await until(() => sim.stats().inFlight === 1, 'the first request to arrive');
    const error = await failure(target.send(shipment({ n: 1 }, 'busy')));
    expect(error).toMatchObject({ code: 'FERRY_HTTP_IN_PROGRESS', retryable: true, retryAfterMs: 1000 });
    await sim.close(); // drops the held request
    expect(await first).toBeInstanceOf(FerryError);
  });

  it('refuses options that cannot work, naming the field', () => {
    expect(() => createHttpTarget({ name: 'x', baseUrl: 'ftp://example.test' })).toThrow(/base_url/);
    expect(() => createHttpTarget({ name: 'x', baseUrl: 'http://u:p@example.test' })).toThrow(/credentials/);
    expect(() => createHttpTarget({ name: 'x', baseUrl: 'http://example.test', concurrency: 0 })).toThrow(
      /concurrency/,
    );
  });
});
