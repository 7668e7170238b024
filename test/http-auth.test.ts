import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpTarget } from '../connectors/http/target.js';
import type { HttpAuth, HttpTarget } from '../connectors/http/types.js';
import { FerryError } from '../engine/errors.js';
import { fixedSecret } from '../engine/secrets/types.js';
import {
  startThreePlSimulator,
  type ThreePlSimulator,
  type ThreePlSimulatorOptions,
} from '../sandbox/threepl/simulator.js';
import { rotatingSecret, shipment } from './http-fixtures.js';

let sim: ThreePlSimulator | undefined;
let target: HttpTarget | undefined;

afterEach(async () => {
  await target?.close();
  await sim?.close();
  target = sim = undefined;
});

async function connect(simOptions: ThreePlSimulatorOptions, auth?: (s: ThreePlSimulator) => HttpAuth) {
  const started = await startThreePlSimulator(simOptions);
  sim = started;
  target = createHttpTarget({ name: 'threepl', baseUrl: started.url, auth: auth?.(started) });
  return { sim: started, target };
}

async function failure(promise: Promise<unknown>): Promise<FerryError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(FerryError);
    return err as FerryError;
  }
  throw new Error('expected the request to fail');
}

describe('HTTP target auth kinds', () => {
  it('sends Basic credentials', async () => {
    const { sim, target } = await connect({ basic: { username: 'ferry', password: 'pa:ss-1234' } }, () => ({
      kind: 'basic',
      username: 'ferry',
      password: fixedSecret('pa:ss-1234'),
    }));
    expect((await target.send(shipment({ n: 1 }))).status).toBe(201);
    expect(sim.received[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from('ferry:pa:ss-1234').toString('base64')}`,
    );
  });

  it('sends an API key in its own header', async () => {
    const { target } = await connect({ apiKey: { header: 'X-Api-Key', value: 'key-5678' } }, () => ({
      kind: 'header',
      header: 'X-Api-Key',
      value: fixedSecret('key-5678'),
    }));
    expect((await target.send(shipment({ n: 1 }))).status).toBe(201);
  });

  it('fetches an OAuth2 client-credentials token once and reuses it until it is refused', async () => {
    const { sim, target } = await connect({ oauthClients: { ferry: 'client-secret-1' } }, (s) => ({
      kind: 'oauth2',
      tokenUrl: `${s.url}/oauth/token`,
      clientId: 'ferry',
      clientSecret: fixedSecret('client-secret-1'),
      scope: 'shipments:write',
    }));
    await Promise.all([1, 2, 3].map((n) => target.send(shipment({ n }))));
    expect(sim.stats().tokensIssued).toBe(1);
    const tokenRequest = sim.received.find((r) => r.path === '/oauth/token')!;
    expect(new URLSearchParams(tokenRequest.body).get('scope')).toBe('shipments:write');

    sim.revokeIssuedTokens();
    expect((await target.send(shipment({ n: 4 }))).status).toBe(201);
    expect(sim.stats().tokensIssued).toBe(2);
  });

  it('renews an OAuth2 token shortly before expires_in runs out', async () => {
    const start = Date.parse('2026-05-01T10:00:00Z');
    vi.useFakeTimers({ toFake: ['Date'], now: start });
    try {
      const { sim, target } = await connect(
        { oauthClients: { ferry: 'client-secret-1' }, tokenTtlSeconds: 120 },
        (s) => ({
          kind: 'oauth2',
          tokenUrl: `${s.url}/oauth/token`,
          clientId: 'ferry',
          clientSecret: fixedSecret('client-secret-1'),
        }),
      );
      await target.send(shipment({ n: 1 }));
      vi.setSystemTime(start + 100_000);
      await target.send(shipment({ n: 2 }));
      expect(sim.stats().tokensIssued).toBe(1);
      // 120 s minus a margin of a tenth of the lifetime: renewed before the endpoint would refuse it.
      vi.setSystemTime(start + 109_000);
      await target.send(shipment({ n: 3 }));
      expect(sim.stats().tokensIssued).toBe(2);
      expect(
        sim.received.filter((r) => r.path === '/v2/shipments').every((r) => r.headers.authorization),
      ).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refreshes a rotated OAuth2 client secret once when the token endpoint refuses it', async () => {
    const secret = rotatingSecret('old-client-secret');
    secret.rotate('new-client-secret');
    const { target } = await connect({ oauthClients: { ferry: 'new-client-secret' } }, (s) => ({
      kind: 'oauth2',
      tokenUrl: `${s.url}/oauth/token`,
      clientId: 'ferry',
      clientSecret: secret.handle,
    }));
    expect((await target.send(shipment({ n: 1 }))).status).toBe(201);
    expect(secret.handle.refreshes).toBe(1);
  });

  it('fails with FERRY_HTTP_UNAUTHORIZED when the token endpoint keeps refusing the client', async () => {
    const { target } = await connect({ oauthClients: { ferry: 'right' } }, (s) => ({
      kind: 'oauth2',
      tokenUrl: `${s.url}/oauth/token`,
      clientId: 'ferry',
      clientSecret: fixedSecret('wrong-secret'),
    }));
    const error = await failure(target.send(shipment({ n: 1 })));
    expect(error).toMatchObject({ code: 'FERRY_HTTP_UNAUTHORIZED', retryable: false });
    expect(error.message).toContain('ferry');
    expect(error.message).not.toContain('wrong-secret');
  });
});

describe('HTTP target secrets', () => {
  it('keeps the credential out of an error that echoes it back', async () => {
    const echo = createServer((req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'bad request', you_sent: req.headers.authorization }));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const { port } = echo.address() as AddressInfo;
    const basic = createHttpTarget({
      name: 'echo',
      baseUrl: `http://127.0.0.1:${port}`,
      auth: { kind: 'basic', username: 'ferry', password: fixedSecret('echoed-password-42') },
    });
    try {
      const error = await failure(basic.send(shipment({ n: 1 })));
      expect(error.code).toBe('FERRY_HTTP_REJECTED');
      const encoded = Buffer.from('ferry:echoed-password-42').toString('base64');
      expect(error.context.body).toContain('[redacted]');
      expect(JSON.stringify(error.toJSON())).not.toContain(encoded);
    } finally {
      await basic.close();
      echo.close();
    }
  });
});

describe('HTTP target on 401', () => {
  it('refreshes the secret once and resends the same request', async () => {
    const secret = rotatingSecret('token-v1');
    const { sim, target } = await connect({ token: 'token-v1' }, () => ({
      kind: 'bearer',
      token: secret.handle,
    }));
    await target.send(shipment({ n: 0 }, 'before'));

    sim.rotateToken('token-v2');
    secret.rotate('token-v2');
    const request = shipment({ n: 1 }, 'after-rotation');
    expect((await target.send(request)).status).toBe(201);

    expect(secret.handle.refreshes).toBe(1);
    const sent = sim.received.filter((r) => r.headers['idempotency-key'] === 'after-rotation');
    expect(sent.map((r) => r.headers.authorization)).toEqual(['Bearer token-v1', 'Bearer token-v2']);
    expect(sent.map((r) => r.body)).toEqual([request.body, request.body]);
    expect(sent.map((r) => r.headers['x-correlation-id'])).toEqual([
      request.correlationId,
      request.correlationId,
    ]);
  });

  it('gives up with FERRY_HTTP_UNAUTHORIZED after one refresh that did not help', async () => {
    const secret = rotatingSecret('stale-token');
    const { sim, target } = await connect({ token: 'current-token' }, () => ({
      kind: 'bearer',
      token: secret.handle,
    }));
    const error = await failure(target.send(shipment({ n: 1 })));
    expect(error).toMatchObject({ code: 'FERRY_HTTP_UNAUTHORIZED', retryable: false });
    expect(error.hint).toContain('${secret:test:threepl#token}');
    expect(secret.handle.refreshes).toBe(1);
    expect(sim.received).toHaveLength(2);
  });

  it('refreshes once for many requests refused together', async () => {
    const secret = rotatingSecret('token-v1');
    const { sim, target } = await connect({ token: 'token-v2' }, () => ({
      kind: 'bearer',
      token: secret.handle,
    }));
    secret.rotate('token-v2');
    const answers = await Promise.all([1, 2, 3, 4].map((n) => target.send(shipment({ n }))));
    expect(answers.every((a) => a.status === 201)).toBe(true);
    expect(secret.handle.refreshes).toBe(1);
    expect(sim.received.length).toBeLessThanOrEqual(8);
  });

  it('fails at once without auth configured', async () => {
    const { sim, target } = await connect({ token: 'needed' });
    expect((await failure(target.send(shipment({ n: 1 })))).code).toBe('FERRY_HTTP_UNAUTHORIZED');
    expect(sim.received).toHaveLength(1);
  });
});
