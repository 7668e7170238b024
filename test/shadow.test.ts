import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../engine/config/load.js';
import { Engine } from '../engine/runtime/engine.js';
import { openSqliteStore } from '../engine/store/sqlite.js';
import type { Store } from '../engine/store/port.js';
import { SecretResolver, defaultSecretProviders } from '../engine/secrets/resolver.js';
import { createLogger, setRootLogger } from '../engine/log/logger.js';
import { ConnectorRegistry } from '../connectors/registry.js';
import { httpTargetFactory } from '../connectors/http/factory.js';
import { startThreePlSimulator, type ThreePlSimulator } from '../sandbox/threepl/simulator.js';
import { FedSource } from './helpers/fed-source.js';
import { CONNECTIONS, project } from './helpers/project.js';

// v2 renames "ref" to "reference", adds a note, and requires "amount" to be at least 10; v3 cannot render.
const FLOW = (shadow: string) => `kind: Flow
name: orders
source: { connection: odoo, model: sale.order, mode: create, fields: [name, amount], record_name: name }
payload:
  version: v1
  ${shadow}
  versions:
    v1: { schema: v1.json, transform: '{ "version": "v1", "ref": name, "amount": amount, "at": $now }' }
    v2: { schema: v2.json, transform: '{ "version": "v2", "reference": name, "amount": amount, "at": $now }' }
    v3: { schema: v2.json, transform: '$error("v3 is not finished")' }
target: { connection: threepl, request: { method: POST, path: /v2/orders } }
`;
const V1 = JSON.stringify({ required: ['ref'] });
const V2 = JSON.stringify({ required: ['reference'], properties: { amount: { minimum: 10 } } });
const env = { ODOO_API_KEY: 'odoo-key-123', THREEPL_TOKEN: 'sim-token-123' };

let sim: ThreePlSimulator;
let store: Store;
let engine: Engine;
const lines: string[] = [];

async function run(shadowLine: string, amounts: number[]): Promise<void> {
  sim = await startThreePlSimulator({ token: env.THREEPL_TOKEN });
  const dir = project(FLOW(shadowLine), {
    'v1.json': V1,
    'v2.json': V2,
    'connections.yaml': CONNECTIONS.replace('http://127.0.0.1:8080', sim.url),
  });
  store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'ferry-shadow-')), 'state.db'));
  const source = new FedSource();
  source.push(
    ...amounts.map((amount, i) => ({
      id: i + 1,
      name: `SO${i + 1}`,
      record: { id: i + 1, name: `SO${i + 1}`, amount },
    })),
  );
  lines.length = 0;
  setRootLogger(
    createLogger(
      new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
      'debug',
    ),
  );
  engine = new Engine(loadConfig(dir, { env }), {
    store,
    registry: new ConnectorRegistry()
      .registerSource('odoo', () => source)
      .registerTarget('http', httpTargetFactory),
    secrets: new SecretResolver(defaultSecretProviders(dir, env)),
    concurrency: 4,
  });
  await engine.runOnce(2000);
}

const logged = (message: string) =>
  lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === message);

afterEach(async () => {
  await engine.stop();
  await store.close();
  await sim.close();
  setRootLogger(createLogger());
});

describe('shadow version', () => {
  it('renders and checks the shadow beside the active version, counts differences, never sends it', async () => {
    await run('shadow: v2', [5, 20, 30]);

    expect(sim.received).toHaveLength(3);
    expect(sim.received.every((r) => (JSON.parse(r.body) as { version: string }).version === 'v1')).toBe(
      true,
    );
    expect((await store.counts()).delivered).toBe(3);

    expect(engine.shadowReport.get('orders')).toEqual({
      active: 'v1',
      shadow: 'v2',
      records: 3,
      withDifferences: 3,
      differingFields: 9, // version, ref (missing in v2), reference (missing in v1); never $now
      contractFailures: 1, // SO1: amount 5 is below v2's minimum
      transformErrors: 0,
      fields: { '/version': 3, '/ref': 3, '/reference': 3 },
    });
    const failures = logged('shadow version breaks its contract (not sent)');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ level: 40, flow: 'orders', record: 'sale.order/1', shadow: 'v2' });
    expect(JSON.stringify(failures[0]!.violations)).toContain('/amount');
    expect(logged('shadow payload differs')).toHaveLength(3);
  });

  it('a shadow transform that fails is counted and logged; delivery goes on', async () => {
    await run('shadow: v3', [10, 20]);

    expect(sim.received).toHaveLength(2);
    expect((await store.counts()).delivered).toBe(2);
    expect(engine.shadowReport.get('orders')).toMatchObject({
      records: 2,
      transformErrors: 2,
      withDifferences: 0,
    });
    expect(logged('shadow version failed to render')).toHaveLength(2);
    expect(JSON.stringify(logged('shadow version failed to render')[0])).toContain('v3 is not finished');
  });

  it('without a shadow version nothing is rendered beside the active one', async () => {
    await run('', [10, 20]);

    expect(sim.received).toHaveLength(2);
    expect(engine.shadowReport.snapshot()).toEqual({});
  });
});
