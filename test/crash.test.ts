/**
 * Crash test: a `ferry run` child process is killed with SIGKILL at random moments while delivering
 * 500 pickings from the Odoo simulator to the 3PL simulator, and restarted each time until done. Every
 * record must have exactly one effect at the 3PL, none lost, none dead-lettered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOdooSimulator, type OdooSimulator } from '../sandbox/odoo/simulator.js';
import { startThreePlSimulator, type ThreePlSimulator } from '../sandbox/threepl/simulator.js';
import { openSqliteStore } from '../engine/store/sqlite.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const RECORDS = 500;
const MAX_KILLS = 12;

let odoo: OdooSimulator;
let threepl: ThreePlSimulator;
let dir: string;

beforeAll(async () => {
  odoo = await startOdooSimulator({ port: 0 });
  threepl = await startThreePlSimulator({ token: 'crash-token-0001' });
  // Every answer takes a little while, so the stream of 500 lasts long enough to be killed mid-way
  // however fast the pipeline gets.
  threepl.setFaults([{ kind: 'latency', ms: 40 }]);
  odoo.db.addCustomField('stock.picking', 'x_crash_batch', 'char', 'Crash batch');
  // New pickings copy the locations and operation type of a seeded one (they are required).
  const [template] = odoo.db.read('stock.picking', odoo.db.search('stock.picking', [], { limit: 1 }), [
    'partner_id',
    'location_id',
    'location_dest_id',
    'picking_type_id',
  ]);
  const id = (value: unknown) => (Array.isArray(value) ? (value[0] as number) : value);
  const ids = odoo.db.createMany(
    'stock.picking',
    Array.from({ length: RECORDS }, (_, i) => ({
      name: `CRASH/${String(i + 1).padStart(5, '0')}`,
      partner_id: id(template!.partner_id),
      location_id: id(template!.location_id),
      location_dest_id: id(template!.location_dest_id),
      picking_type_id: id(template!.picking_type_id),
    })),
  );
  odoo.db.write('stock.picking', ids, { x_crash_batch: 'yes' });
  dir = mkdtempSync(join(tmpdir(), 'ferry-crash-'));
  mkdirSync(join(dir, 'flows'));
  writeFileSync(
    join(dir, 'flows', 'contract.json'),
    JSON.stringify({ type: 'object', required: ['picking'] }),
  );
  writeFileSync(
    join(dir, 'flows', 'flows.yaml'),
    `kind: Connection
name: odoo
type: odoo
url: ${odoo.url}
database: ${odoo.database}
login: ${odoo.service.login}
api_key: \${secret:env:ODOO_API_KEY}
---
kind: Connection
name: threepl
type: http
base_url: ${threepl.url}
auth: { bearer: "\${secret:env:THREEPL_TOKEN}" }
timeout: 2s
---
kind: Flow
name: crash
source:
  connection: odoo
  model: stock.picking
  mode: create
  trigger: { poll: { every: 200ms, page_size: 100 } }
  domain: [[x_crash_batch, "=", "yes"]]
  fields: [name]
  record_name: name
payload:
  version: v1
  versions:
    v1: { schema: contract.json, transform: '{ "picking": name }' }
target: { connection: threepl, request: { method: POST, path: /v2/shipments } }
delivery: { retry: { attempts: 5, backoff: { initial: 50ms, max: 500ms } } }
write_back: { x_integration_correlation_id: $correlation_id }
dead_letter: { odoo: { chatter: false } }
`,
  );
});

afterAll(async () => {
  await threepl?.close();
  await odoo?.close();
});

function startFerry(): ChildProcess {
  return spawn(
    process.execPath,
    [join(root, 'bin', 'ferry.js'), 'run', 'flows', '--store', 'sqlite:state.db'],
    {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        ODOO_API_KEY: odoo.service.apiKey,
        THREEPL_TOKEN: 'crash-token-0001',
        FERRY_LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
}

const delivered = () => [...threepl.effects().keys()].filter((k) => k.startsWith('crash:')).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('crash safety', () => {
  it('every record has exactly one effect after repeated SIGKILLs', async () => {
    let kills = 0;
    let midStreamKills = 0;
    let stderr = '';
    while (delivered() < RECORDS) {
      const child = startFerry();
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise((r) => child.once('exit', r));
      if (kills < MAX_KILLS) {
        // Kill in the middle of the stream: once this run has delivered something, at a random moment
        // soon enough that a run rarely gets through every remaining record first.
        const before = delivered();
        const deadline = Date.now() + 20_000;
        while (delivered() === before && Date.now() < deadline) await sleep(20);
        await sleep(Math.floor(Math.random() * 100));
        child.kill('SIGKILL');
        kills++;
        if (delivered() > before && delivered() < RECORDS) midStreamKills++;
        await exited;
      } else {
        const deadline = Date.now() + 60_000;
        while (delivered() < RECORDS && Date.now() < deadline) await sleep(200);
        child.kill('SIGTERM');
        await exited;
        break;
      }
    }
    expect(midStreamKills).toBeGreaterThanOrEqual(3);
    expect(stderr).not.toMatch(/FERRY_\w+.*(refus|missing)/i);
    const effects = [...threepl.effects().entries()].filter(([k]) => k.startsWith('crash:'));
    expect(effects).toHaveLength(RECORDS);
    expect(effects.every(([, n]) => n === 1)).toBe(true);

    const store = openSqliteStore(join(dir, 'state.db'));
    try {
      expect(await store.listDeadLetters()).toEqual([]);
      expect((await store.counts('crash')).delivered).toBe(RECORDS);
    } finally {
      await store.close();
    }
  }, 180_000);
});
