/**
 * Review of the delivery path against the 3PL simulator over real sockets, with records fed by the
 * test: drain exit, Retry-After, lease expiry during a slow delivery, dead-letter surfacing after an
 * Odoo outage, write-back after an Odoo outage, a key expression that fails for one record, and a
 * sync record that returns to an earlier state.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../engine/config/load.js';
import { Engine, type EngineOptions } from '../engine/runtime/engine.js';
import { openSqliteStore } from '../engine/store/sqlite.js';
import type { Store } from '../engine/store/port.js';
import { FerryError } from '../engine/errors.js';
import { SecretResolver, defaultSecretProviders } from '../engine/secrets/resolver.js';
import { ConnectorRegistry } from '../connectors/registry.js';
import { httpTargetFactory } from '../connectors/http/factory.js';
import { startThreePlSimulator, type ThreePlSimulator } from '../sandbox/threepl/simulator.js';
import { FedSource } from './helpers/fed-source.js';
import { CONNECTIONS, project } from './helpers/project.js';

const CONTRACT = JSON.stringify({ required: ['ref', 'amount'], properties: { amount: { minimum: 0 } } });

function flowText(options: { mode?: string; key?: string; attempts?: number; extra?: string } = {}): string {
  return `kind: Flow
name: orders
source:
  connection: odoo
  model: sale.order
  mode: ${options.mode ?? 'create'}
  trigger: { poll: { every: 100ms } }
  fields: [name, amount]
  record_name: name
payload:
  version: v1
  versions:
    v1: { schema: contract.json, transform: '{ "ref": name, "amount": amount }' }
target: { connection: threepl, request: { method: POST, path: /v2/orders } }
delivery:
${options.key ? `  idempotency_key: "${options.key}"\n` : ''}  retry: { attempts: ${options.attempts ?? 3}, backoff: { initial: 10ms, factor: 2, max: 50ms } }
write_back:
  x_correlation: $correlation_id
${options.extra ?? ''}`;
}

interface Harness {
  sim: ThreePlSimulator;
  store: Store;
  source: FedSource;
  engine: Engine;
}

let open: Harness | undefined;

async function harness(flow: string, engineOptions: Partial<EngineOptions> = {}): Promise<Harness> {
  const sim = await startThreePlSimulator({ token: 'review-token-1' });
  const dir = project(flow, {
    'contract.json': CONTRACT,
    'connections.yaml': `${CONNECTIONS.replace('http://127.0.0.1:8080', sim.url)}timeout: 5s\n`,
  });
  const env = { ODOO_API_KEY: 'odoo-key-123', THREEPL_TOKEN: 'review-token-1' };
  const store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'ferry-review-')), 'state.db'));
  const source = new FedSource();
  const registry = new ConnectorRegistry()
    .registerSource('odoo', () => source)
    .registerTarget('http', httpTargetFactory);
  const engine = new Engine(loadConfig(dir, { env }), {
    store,
    registry,
    secrets: new SecretResolver(defaultSecretProviders(dir, env)),
    concurrency: 8,
    ...engineOptions,
  });
  open = { sim, store, source, engine };
  return open;
}

afterEach(async () => {
  if (!open) return;
  await open.engine.stop();
  await open.store.close();
  await open.sim.close();
  open = undefined;
});

const order = (id: number, amount = 10) => ({ id, name: `SO${id}`, record: { id, name: `SO${id}`, amount } });

/** Waits (bounded) until `check` holds; the test's own assertion then says what was expected. */
async function until(check: () => boolean | Promise<boolean>, deadlineMs = 5000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end && !(await check())) await new Promise((r) => setTimeout(r, 25));
}

describe('review: delivery path', () => {
  it('runOnce does not give up on a retry that falls due within its wait after a slow attempt', async () => {
    const { sim, store, source, engine } = await harness(flowText());
    // The first attempt takes longer than the whole wait, then fails; its retry is due at once.
    sim.setFaults([
      { kind: 'latency', ms: 1500, count: 1 },
      { kind: 'server_error', status: 503, count: 1 },
    ]);
    source.push(order(1));
    await engine.runOnce(1000);
    expect(await store.counts()).toMatchObject({ delivered: 1, queued: 0 });
  });

  it('honours a Retry-After up to the flow max_retry_after (1h by default), not a hidden 5 minutes', async () => {
    const { sim, store, source, engine } = await harness(flowText());
    sim.setFaults([{ kind: 'rate_limit', count: 1, retryAfterSeconds: 1800 }]);
    source.push(order(1));
    const before = Date.now();
    await engine.runOnce(300);
    const job = await store.getJob(1);
    expect(job).toMatchObject({ status: 'queued', attempts: 1 });
    expect(job!.notBefore - before).toBeGreaterThanOrEqual(1800_000);
  });

  it('a delivery slower than its lease is not sent twice by the same process, nor dead-lettered', async () => {
    const { sim, store, source, engine } = await harness(flowText({ attempts: 2 }), { leaseMs: 200 });
    sim.setFaults([{ kind: 'latency', ms: 900, count: 1 }]);
    source.push(order(1));
    await engine.runOnce(2000);
    expect(await store.counts()).toMatchObject({ delivered: 1, dead: 0 });
    expect(await store.listDeadLetters()).toEqual([]);
    expect(sim.received).toHaveLength(1);
  });

  it('a dead letter is posted on its record once Odoo is back, without a restart', async () => {
    const { store, source, engine } = await harness(flowText());
    let odooDown = true;
    const surface = source.sink.surfaceDeadLetter.bind(source.sink);
    source.sink.surfaceDeadLetter = async (...args) => {
      if (odooDown) throw new FerryError('FERRY_ODOO_NETWORK', 'Odoo answered 502', { retryable: true });
      return surface(...args);
    };
    source.push(order(1, -5)); // breaks the contract: dead-lettered without being sent
    engine.start();
    await until(async () => (await store.counts()).dead === 1);
    expect((await store.counts()).dead).toBe(1);
    odooDown = false;
    await until(() => source.surfaced.length > 0);
    expect(source.surfaced).toEqual([expect.objectContaining({ recordId: 1, errorCode: 'FERRY_CONTRACT' })]);
  });

  it('an old dead letter not yet surfaced is not hidden behind 500 newer surfaced ones', async () => {
    const { source, engine } = await harness(flowText());
    let odooDown = true;
    const surface = source.sink.surfaceDeadLetter.bind(source.sink);
    source.sink.surfaceDeadLetter = async (...args) => {
      if (odooDown) throw new FerryError('FERRY_ODOO_NETWORK', 'Odoo answered 502', { retryable: true });
      return surface(...args);
    };
    // The oldest of 501 dead letters, all made while Odoo was down.
    source.push(...Array.from({ length: 501 }, (_, i) => order(i + 1, -5)));
    await engine.runOnce(200);
    odooDown = false;
    await engine.runOnce(200);
    await engine.runOnce(200);
    expect(source.surfaced.map((n) => n.recordId)).toContain(1);
  });

  it('stop() during a slow delivery lets it finish: delivered, written back, nothing left leased', async () => {
    const { sim, store, source, engine } = await harness(flowText());
    sim.setFaults([{ kind: 'latency', ms: 600, count: 1 }]);
    source.push(order(1));
    engine.start();
    await until(() => sim.received.length === 1);
    await engine.stop();
    expect(await store.counts()).toMatchObject({ delivered: 1, leased: 0, queued: 0 });
    expect(source.written.flatMap((w) => w.items.map((i) => i.recordId))).toEqual([1]);
    expect(sim.effects().get('orders:sale.order:1')).toBe(1);
  });

  it('a reload that removes a flow lets its in-flight delivery finish and write back', async () => {
    const { sim, store, source, engine } = await harness(flowText());
    sim.setFaults([{ kind: 'latency', ms: 600, count: 1 }]);
    source.push(order(1));
    engine.start();
    await until(() => sim.received.length === 1);
    const dir = project(flowText().replace('name: orders', 'name: orders-next'), {
      'contract.json': CONTRACT,
      'connections.yaml': CONNECTIONS.replace('http://127.0.0.1:8080', sim.url),
    });
    engine.swap(loadConfig(dir, { env: { ODOO_API_KEY: 'k', THREEPL_TOKEN: 'review-token-1' } }));
    expect(engine.currentConfig.flows.has('orders')).toBe(false);
    await until(async () => (await store.counts('orders')).delivered === 1);
    await engine.stop();
    expect(await store.counts('orders')).toMatchObject({ delivered: 1, leased: 0, queued: 0 });
    expect(sim.effects().get('orders:sale.order:1')).toBe(1);
    expect(source.written.flatMap((w) => w.items.map((i) => i.recordId))).toContain(1);
  });

  it('an operation still in progress at the endpoint is not dead-lettered', async () => {
    const { sim, store, source, engine } = await harness(flowText(), { leaseMs: 10_000 });
    sim.setFaults([{ kind: 'latency', ms: 4500, count: 1 }]); // longer than the 1s timeout below
    const dir = project(flowText(), {
      'contract.json': CONTRACT,
      'connections.yaml': `${CONNECTIONS.replace('http://127.0.0.1:8080', sim.url)}timeout: 1s\n`,
    });
    engine.swap(loadConfig(dir, { env: { ODOO_API_KEY: 'k', THREEPL_TOKEN: 'review-token-1' } }));
    source.push(order(1));
    await engine.runOnce(3000);
    await until(() => sim.effects().size > 0, 6000); // the first request takes effect in the end
    expect(sim.effects().get('orders:sale.order:1')).toBe(1);
    expect((await store.listDeadLetters()).map((l) => l.errorCode)).toEqual([]);
  });

  it('a field added to a sync flow does not send records again', async () => {
    const { sim, source, engine } = await harness(flowText({ mode: 'sync' }));
    source.push(order(1, 10));
    await engine.runOnce(300);
    expect(sim.received).toHaveLength(1);
    const dir = project(flowText({ mode: 'sync' }).replace('[name, amount]', '[name, amount, note]'), {
      'contract.json': CONTRACT,
      'connections.yaml': CONNECTIONS.replace('http://127.0.0.1:8080', sim.url),
    });
    engine.swap(loadConfig(dir, { env: { ODOO_API_KEY: 'k', THREEPL_TOKEN: 'review-token-1' } }));
    // Read again (its write_date moved), now with the new field.
    source.push({ ...order(1, 10), record: { ...order(1, 10).record, note: false } });
    await engine.runOnce(300);
    expect(sim.received).toHaveLength(1);
  });

  it('a write-back that meets an Odoo outage is written once Odoo is back', async () => {
    const { source, engine } = await harness(flowText());
    let odooDown = true;
    const write = source.sink.writeBack.bind(source.sink);
    source.sink.writeBack = async (...args) => {
      if (odooDown) throw new FerryError('FERRY_ODOO_NETWORK', 'Odoo answered 502', { retryable: true });
      return write(...args);
    };
    source.push(order(1));
    engine.start();
    await until(() => (engine.stats.get('orders')?.delivered ?? 0) === 1);
    await new Promise((r) => setTimeout(r, 400)); // the batcher's flush met the outage
    odooDown = false;
    await until(() => source.written.length > 0, 3000);
    expect(source.written.flatMap((w) => w.items.map((i) => i.recordId))).toEqual([1]);
  });

  it('a record whose idempotency key cannot be computed is dead-lettered; the others go', async () => {
    const { sim, store, source, engine } = await harness(flowText({ key: 'ref' }));
    const withRef = (id: number) => ({ ...order(id), record: { ...order(id).record, ref: `R${id}` } });
    source.push(withRef(1), order(2), withRef(3));
    await engine.runOnce(500);
    expect(sim.received).toHaveLength(2);
    expect(await store.counts()).toMatchObject({ delivered: 2, dead: 1 });
  });

  it('a record whose key collides with another record is not dropped silently', async () => {
    const { sim, store, source, engine } = await harness(flowText({ key: "'o:' & ref" }));
    source.push(order(1), order(2));
    await engine.runOnce(500);
    const counts = await store.counts();
    expect(sim.received.length + counts.dead).toBe(2);
  });

  it('a sync record changed while its older state waits for a retry ends with the newer state', async () => {
    const { sim, source, engine } = await harness(flowText({ mode: 'sync' }));
    sim.setFaults([{ kind: 'rate_limit', count: 1, retryAfterSeconds: 1 }]);
    source.push(order(1, 10));
    engine.start();
    await until(() => sim.received.length === 1); // 10 refused for a second
    source.push(order(1, 20)); // the record changed meanwhile
    await until(() => sim.received.length === 3);
    const accepted = sim.received.slice(1).map((r) => (JSON.parse(r.body) as { amount: number }).amount);
    expect(accepted.at(-1)).toBe(20);
  });

  it('a sync record that changes back to an earlier state is delivered again', async () => {
    const { sim, source, engine } = await harness(flowText({ mode: 'sync' }));
    source.push(order(1, 10));
    await engine.runOnce(300);
    source.push(order(1, 20));
    await engine.runOnce(300);
    source.push(order(1, 10));
    await engine.runOnce(300);
    expect(sim.received.map((r) => (JSON.parse(r.body) as { amount: number }).amount)).toEqual([10, 20, 10]);
  });
});
