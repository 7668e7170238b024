import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../engine/config/load.js';
import { Engine } from '../engine/runtime/engine.js';
import { openSqliteStore } from '../engine/store/sqlite.js';
import type { Store } from '../engine/store/port.js';
import { SecretResolver, defaultSecretProviders } from '../engine/secrets/resolver.js';
import { ConnectorRegistry } from '../connectors/registry.js';
import { httpTargetFactory } from '../connectors/http/factory.js';
import { startThreePlSimulator, type ThreePlSimulator } from '../sandbox/threepl/simulator.js';
import { FedSource } from './helpers/fed-source.js';
import { FerryError } from '../engine/errors.js';
import { CONNECTIONS, project } from './helpers/project.js';

const FLOW = `kind: Flow
name: orders
source: { connection: odoo, model: sale.order, mode: create, fields: [name, amount], record_name: name }
payload:
  version: v1
  versions:
    v1: { schema: contract.json, transform: 'name = "SO400" ? [name] : { "ref": name, "amount": amount }' }
target: { connection: threepl, request: { method: POST, path: /v2/orders } }
delivery: { retry: { attempts: 3, backoff: { initial: 10ms, factor: 2, max: 50ms } } }
write_back:
  x_correlation: $correlation_id
  x_external: $response.body.order_id
`;
// No "type": the receiver, not the contract, refuses the array that record SO400 renders to (a 400).
const CONTRACT = JSON.stringify({
  required: ['ref', 'amount'],
  properties: { amount: { type: 'number', minimum: 0 } },
});

let sim: ThreePlSimulator;
let store: Store;
let source: FedSource;
let engine: Engine;

beforeEach(async () => {
  sim = await startThreePlSimulator({ token: 'sim-token-123' });
  const dir = project(FLOW, {
    'contract.json': CONTRACT,
    'connections.yaml': `${CONNECTIONS.replace('http://127.0.0.1:8080', sim.url)}timeout: 1s\n`,
  });
  const env = { ODOO_API_KEY: 'odoo-key-123', THREEPL_TOKEN: 'sim-token-123' };
  const config = loadConfig(dir, { env });
  store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'ferry-rt-')), 'state.db'));
  source = new FedSource();
  const registry = new ConnectorRegistry()
    .registerSource('odoo', () => source)
    .registerTarget('http', httpTargetFactory);
  engine = new Engine(config, {
    store,
    registry,
    secrets: new SecretResolver(defaultSecretProviders(dir, env)),
    concurrency: 8,
  });
});

afterEach(async () => {
  await engine.stop();
  await store.close();
  await sim.close();
});

const order = (id: number, amount = 10) => ({ id, name: `SO${id}`, record: { id, name: `SO${id}`, amount } });

describe('delivery runtime', () => {
  it('delivers every record once, with correlation headers, ledger, events and write-back', async () => {
    source.push(...Array.from({ length: 40 }, (_, i) => order(i + 1)));
    await engine.runOnce(2000);
    expect(sim.received).toHaveLength(40);
    expect([...sim.effects().values()].every((n) => n === 1)).toBe(true);

    const request = sim.received.find((r) => r.body.includes('"SO7"'))!;
    const correlationId = request.headers['x-correlation-id'] as string;
    expect(correlationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(request.headers.traceparent).toBe(
      `00-${correlationId.replace(/-/g, '')}-${(request.headers.traceparent as string).split('-')[2]}-01`,
    );
    expect(request.headers['idempotency-key']).toBe('orders:sale.order:7');

    const events = await store.trace('SO7');
    expect(events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['queued', 'attempt', 'delivered', 'written_back']),
    );
    expect(new Set(events.map((e) => e.correlationId))).toEqual(new Set([correlationId]));

    const written = source.written.flatMap((w) => w.items).find((i) => i.recordId === 7)!;
    expect(written.values.x_correlation).toBe(correlationId);
    expect(written.values.x_external).toMatch(/^ORD-/);

    // A second pass over the same records (cursor replay) sends nothing again.
    await store.setCursor('orders', '0');
    await engine.runOnce(500);
    expect(sim.received).toHaveLength(40);
  });

  it('waits as a 429 Retry-After says, then delivers with the same key and body', async () => {
    sim.setFaults([{ kind: 'rate_limit', count: 1, retryAfterSeconds: 1 }]);
    source.push(order(1));
    await engine.runOnce(5000);
    expect(sim.received).toHaveLength(2);
    const [first, second] = sim.received as [(typeof sim.received)[0], (typeof sim.received)[0]];
    expect(second.at - first.at).toBeGreaterThanOrEqual(1000);
    expect(second.body).toBe(first.body);
    expect(second.headers['idempotency-key']).toBe(first.headers['idempotency-key']);
    expect((await store.counts()).delivered).toBe(1);
  });

  it('retries 503 and dead-letters after the last attempt, surfaced on the record', async () => {
    sim.setFaults([{ kind: 'server_error', status: 503, count: 10 }]);
    source.push(order(1));
    await engine.runOnce(3000);
    expect(sim.received).toHaveLength(3);
    const [letter] = await store.listDeadLetters();
    expect(letter).toMatchObject({
      errorCode: 'FERRY_HTTP_SERVER',
      attempts: 3,
      responseStatus: 503,
      recordName: 'SO1',
    });
    expect(source.surfaced).toEqual([
      expect.objectContaining({ deadLetterId: letter!.id, errorCode: 'FERRY_HTTP_SERVER' }),
    ]);
  });

  it('never retries a 400, and never sends a payload that breaks its contract', async () => {
    source.push(order(400), order(2, -5));
    await engine.runOnce(2000);
    expect(sim.received).toHaveLength(1);
    const letters = await store.listDeadLetters();
    expect(letters.map((l) => l.errorCode).sort()).toEqual(['FERRY_CONTRACT', 'FERRY_HTTP_REJECTED']);
    const contract = letters.find((l) => l.errorCode === 'FERRY_CONTRACT')!;
    expect(contract.errorMessage).toContain('/amount');
    expect(JSON.parse(contract.payload!)).toEqual({ ref: 'SO2', amount: -5 });
  });

  it('a timeout is retried with the same key and body', async () => {
    sim.setFaults([{ kind: 'timeout', count: 1 }]);
    source.push(order(1));
    await engine.runOnce(15000);
    expect(sim.received.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sim.received.map((r) => r.body)).size).toBe(1);
    expect(new Set(sim.received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect((await store.counts()).delivered).toBe(1);
  }, 30_000);

  it('a malformed response body is dead-lettered with a clear error', async () => {
    sim.setFaults([{ kind: 'malformed', count: 1 }]);
    source.push(order(1));
    await engine.runOnce(2000);
    const [letter] = await store.listDeadLetters();
    expect(letter!.errorCode).toBe('FERRY_HTTP_MALFORMED');
  });

  it('a 401 that persists after one secret refresh pauses the flow instead of dead-lettering', async () => {
    sim.rotateToken('a-token-ferry-does-not-have');
    source.push(order(1), order(2));
    await engine.runOnce(1000);
    // Each request was sent once, refreshed once and sent again: never more, never dead-lettered.
    expect(sim.received.length).toBeLessThanOrEqual(4);
    expect(await store.listDeadLetters()).toEqual([]);
    expect((await store.counts()).queued).toBe(2);
    expect(engine.stats.get('orders')!.paused).toBe(true);
  });

  it('runOnce reports a source that could not be read, instead of "nothing to do"', async () => {
    source.flowSource = () => ({
      pollOnce: () =>
        Promise.reject(new FerryError('FERRY_ODOO_USER_ERROR', 'the domain names a field Odoo lacks')),
      readRecords: () => Promise.resolve([]),
    });
    engine.swap(engine.currentConfig); // rebuilds the flow's source from the connector
    const { failedPolls } = await engine.runOnce(200);
    expect([...failedPolls.keys()]).toEqual(['orders']);
    expect(failedPolls.get('orders')!.message).toContain('field Odoo lacks');
  });
});
