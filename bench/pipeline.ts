/**
 * Delivery runtime throughput (figures only): `npx tsx bench/pipeline.ts [records] [concurrency] [--no-wire]`.
 *
 * Records of the example flow shipment-to-3pl go through the whole engine (handoff into the SQLite
 * store, lease, render + contract, freeze, HTTP target, ledger and events, write-back) to a no-op
 * endpoint in another process; then undici alone posts the same payloads at the same concurrency to the
 * same endpoint. The ratio says what the engine's guarantees cost on top of the wire.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import type { CompiledConfig } from '../engine/config/compiled.js';
import { loadConfig } from '../engine/config/load.js';
import { Engine } from '../engine/runtime/engine.js';
import { SecretResolver, defaultSecretProviders } from '../engine/secrets/resolver.js';
import { openSqliteStore } from '../engine/store/sqlite.js';
import { render } from '../engine/transform/render.js';
import { ConnectorRegistry } from '../connectors/registry.js';
import { httpTargetFactory } from '../connectors/http/factory.js';
import { FedSource } from '../test/helpers/fed-source.js';
import { perSecond, pickingRecords, secondsSince } from './shipments.js';

const [records, concurrency] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const RECORDS = Number(records ?? 20_000);
/** The engine's default concurrency, used by both sides. */
const CONCURRENCY = Number(concurrency ?? 32);
/** `--no-wire` runs the pipeline alone, for a CPU profile of it (see profile-summary.ts). */
const WITH_WIRE = !process.argv.includes('--no-wire');
const TARGETS = { wireShare: 25, recordsPerSecond: 10_000, peakRssMb: 256 };
const ENV = { ODOO_API_KEY: 'bench-odoo-key', THREEPL_TOKEN: 'bench-token' };

function startEndpoint(): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(fileURLToPath(new URL('./endpoint.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, url: `http://127.0.0.1:${(m as { port: number }).port}` }));
    child.once('error', reject);
  });
}

function answeredBy(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve((m as { answered: number }).answered));
    child.send('count');
  });
}

/** The example config with only the shipment flow, its 3PL connection pointed at the endpoint, unthrottled. */
function benchConfig(url: string): CompiledConfig {
  const loaded = loadConfig('flows', { env: ENV });
  const threepl = loaded.connections.get('threepl')!;
  if (threepl.kind !== 'http')
    throw new Error('flows/connections.yaml: threepl is no longer an http connection');
  const target = {
    ...threepl,
    baseUrl: url,
    concurrency: CONCURRENCY,
    ratePerSecond: undefined,
    burst: undefined,
  };
  return {
    ...loaded,
    connections: new Map([...loaded.connections, ['threepl', target]]),
    flows: new Map([['shipment-to-3pl', loaded.flows.get('shipment-to-3pl')!]]),
  };
}

async function runPipeline(url: string) {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-pipeline-'));
  const store = openSqliteStore(join(dir, 'state.db'));
  const source = new FedSource();
  source.push(...pickingRecords(RECORDS));
  const registry = new ConnectorRegistry()
    .registerSource('odoo', () => source)
    .registerTarget('http', httpTargetFactory);
  const engine = new Engine(benchConfig(url), {
    store,
    registry,
    secrets: new SecretResolver(defaultSecretProviders(dir, ENV)),
    concurrency: CONCURRENCY,
  });
  const cpuBefore = process.cpuUsage();
  const startedAt = process.hrtime.bigint();
  await engine.runOnce(5_000);
  const seconds = secondsSince(startedAt);
  const cpu = process.cpuUsage(cpuBefore);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const counts = await store.counts();
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { seconds, cpuMicros: cpu.user + cpu.system, peakRssMb, delivered: counts.delivered };
}

/** Undici alone: the same payloads and headers, CONCURRENCY requests in flight. */
async function runBareWire(url: string) {
  const flow = loadConfig('flows', { env: ENV }).flows.get('shipment-to-3pl')!;
  const v2 = flow.payload.versions.get('v2')!;
  // One at a time: thousands of concurrent JSONata evaluations are many times slower than a loop.
  const bodies: string[] = [];
  for (const r of pickingRecords(RECORDS))
    bodies.push(JSON.stringify((await render(v2, r.record, { flow: flow.name })).payload));
  const pool = new Pool(url, { connections: CONCURRENCY });
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < bodies.length; i = next++) {
      const res = await pool.request({
        method: 'POST',
        path: '/v2/shipments',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${ENV.THREEPL_TOKEN}`,
          'idempotency-key': `shipment-to-3pl:shipment:${i}`,
        },
        body: bodies[i],
      });
      await res.body.text();
    }
  };
  const cpuBefore = process.cpuUsage();
  const startedAt = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = secondsSince(startedAt);
  const cpu = process.cpuUsage(cpuBefore);
  await pool.close();
  return { seconds, cpuMicros: cpu.user + cpu.system };
}

function row(label: string, measured: string, target = ''): void {
  console.log(`  ${label.padEnd(28)} ${measured.padStart(12)}   ${target}`);
}

async function main(): Promise<void> {
  const { child, url } = await startEndpoint();
  try {
    const pipeline = await runPipeline(url);
    const answered = await answeredBy(child);
    console.log(
      `pipeline: ${RECORDS.toLocaleString('en-US')} records, concurrency ${CONCURRENCY}, SQLite store`,
    );
    row(
      'pipeline',
      perSecond(RECORDS, pipeline.seconds),
      `target ≥ ${TARGETS.recordsPerSecond.toLocaleString('en-US')}/s`,
    );
    if (WITH_WIRE) {
      const wire = await runBareWire(url);
      const share = (wire.seconds / pipeline.seconds) * 100;
      row('bare wire (undici Pool)', perSecond(RECORDS, wire.seconds));
      row('pipeline / bare wire', `${share.toFixed(1)} %`, `target ≥ ${TARGETS.wireShare} %`);
      row('CPU per record: bare wire', `${(wire.cpuMicros / RECORDS).toFixed(0)} µs`);
    }
    row('CPU per record: pipeline', `${(pipeline.cpuMicros / RECORDS).toFixed(0)} µs`);
    row('peak RSS (pipeline)', `${pipeline.peakRssMb.toFixed(0)} MB`, `target ≤ ${TARGETS.peakRssMb} MB`);
    row('delivered / answered', `${pipeline.delivered} / ${answered}`);
  } finally {
    child.disconnect();
  }
}

await main();
