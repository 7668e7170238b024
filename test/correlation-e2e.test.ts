/**
 * One ID per transaction, end to end over real sockets: the correlation ID of a picking's delivery is in
 * the 3PL request headers, on every log line about it, in the event log, on the Odoo record, and
 * `ferry trace` finds it by ID and by the picking's name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../engine/config/load.js';
import { startEngine, type StartedEngine } from '../engine/runtime/start.js';
import { createLogger, setRootLogger } from '../engine/log/logger.js';
import { startOdooSimulator, type OdooSimulator } from '../sandbox/odoo/simulator.js';
import { startThreePlSimulator, type ThreePlSimulator } from '../sandbox/threepl/simulator.js';
import { simulatorEnv } from '../sandbox/env.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const lines: Record<string, unknown>[] = [];
let odoo: OdooSimulator;
let threepl: ThreePlSimulator;
let started: StartedEngine;
let dir: string;

beforeAll(async () => {
  setRootLogger(
    createLogger(
      new Writable({
        write(chunk: Buffer, _enc, done) {
          for (const line of chunk.toString().split('\n').filter(Boolean))
            lines.push(JSON.parse(line) as Record<string, unknown>);
          done();
        },
      }),
      'debug',
    ),
  );
  odoo = await startOdooSimulator({ port: 0 });
  threepl = await startThreePlSimulator({ token: 'corr-token-0001' });
  // Every shipment's first attempt fails once, so each story includes a retry.
  threepl.setFaults([{ kind: 'server_error', status: 503, count: 6 }]);
  dir = mkdtempSync(join(tmpdir(), 'ferry-corr-'));
  const env = simulatorEnv(odoo, threepl, 'corr-token-0001');
  const config = loadConfig(join(root, 'flows'), { env });
  started = await startEngine(config, { storeUrl: `sqlite:${join(dir, 'state.db')}`, env });
  await started.engine.runOnce(10_000);
});

afterAll(async () => {
  await started?.close();
  await threepl?.close();
  await odoo?.close();
  setRootLogger(createLogger());
});

describe('correlation', () => {
  it('follows one picking through headers, logs, events, Odoo and ferry trace', async () => {
    // Requests run in parallel; follow the first shipment, whatever it met.
    const first = threepl.received.find((r) => r.path === '/v2/shipments')!;
    const id = first.headers['x-correlation-id'] as string;
    const picking = (JSON.parse(first.body) as { picking: string }).picking;
    const attempts = threepl.received.filter((r) => r.headers['x-correlation-id'] === id);
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    expect(attempts.every((r) => (r.headers.traceparent as string).includes(id.replace(/-/g, '')))).toBe(
      true,
    );

    const aboutIt = lines.filter((l) => l.recordName === picking);
    expect(aboutIt.length).toBeGreaterThan(0);
    expect(aboutIt.every((l) => l.correlationId === id)).toBe(true);

    const events = await started.store.trace(id);
    expect(events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['queued', 'attempt', 'delivered', 'written_back']),
    );

    const [record] = odoo.db.read(
      'stock.picking',
      odoo.db.search('stock.picking', [['name', '=', picking]]),
      ['x_integration_correlation_id'],
    );
    expect(record!.x_integration_correlation_id).toBe(id);

    const store = ['--store', `sqlite:${join(dir, 'state.db')}`];
    const byId = await run(process.execPath, [join(root, 'bin', 'ferry.js'), 'trace', id, ...store], {
      cwd: dir,
    });
    const byName = await run(process.execPath, [join(root, 'bin', 'ferry.js'), 'trace', picking, ...store], {
      cwd: dir,
    });
    for (const out of [byId.stdout, byName.stdout]) {
      expect(out).toContain(id);
      expect(out).toContain('delivered');
    }
  });
});
