import { afterEach, describe, expect, it } from 'vitest';
import { httpTargetFactory } from '../connectors/http/factory.js';
import type { HttpTarget } from '../connectors/http/types.js';
import type { HttpConnectionConfig, OdooConnectionConfig } from '../engine/config/compiled.js';
import { defaultSecretProviders, SecretResolver } from '../engine/secrets/resolver.js';
import { startThreePlSimulator, type ThreePlSimulator } from '../sandbox/threepl/simulator.js';
import { shipment } from './http-fixtures.js';

let sim: ThreePlSimulator | undefined;
let target: HttpTarget | undefined;

afterEach(async () => {
  await target?.close();
  await sim?.close();
});

const connection = (baseUrl: string): HttpConnectionConfig => ({
  kind: 'http',
  name: 'threepl',
  file: 'flows/threepl.yaml',
  baseUrl,
  auth: { kind: 'bearer', token: '${secret:env:THREEPL_TOKEN}' },
  timeoutMs: 5000,
  connectTimeoutMs: 2000,
  concurrency: 4,
  idempotencyHeader: 'Idempotency-Key',
  headers: { 'User-Agent': 'ferry-test' },
});

describe('httpTargetFactory', () => {
  it('builds a target from a compiled connection and follows a rotated secret after a 401', async () => {
    sim = await startThreePlSimulator({ token: 'first-token' });
    const env: NodeJS.ProcessEnv = { THREEPL_TOKEN: 'first-token' };
    const secrets = new SecretResolver(defaultSecretProviders('.', env));
    target = httpTargetFactory(connection(sim.url), secrets);

    expect((await target.send(shipment({ n: 1 }, 'a'))).status).toBe(201);
    sim.rotateToken('second-token');
    env.THREEPL_TOKEN = 'second-token';
    expect((await target.send(shipment({ n: 2 }, 'b'))).status).toBe(201);
    expect(sim.received.map((r) => r.headers.authorization)).toEqual([
      'Bearer first-token',
      'Bearer first-token',
      'Bearer second-token',
    ]);
    expect(sim.received[0]!.headers['user-agent']).toBe('ferry-test');
  });

  it('refuses a connection that is not of type http', () => {
    const odoo = { kind: 'odoo', name: 'odoo', file: 'flows/odoo.yaml' } as OdooConnectionConfig;
    const secrets = new SecretResolver(defaultSecretProviders('.', {}));
    expect(() => httpTargetFactory(odoo, secrets)).toThrow(
      expect.objectContaining({ code: 'FERRY_CONNECTION_TYPE' }),
    );
  });
});
