/**
 * `ferry dlq` and `ferry trace` as an operator runs them: the real CLI process against a SQLite store
 * prepared through the store API (enqueue, lease, attempts, dead letters, events).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openStore, type NewJob, type Store } from '../engine/store/index.js';
import { storeUrl } from '../engine/cli/store-url.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const ferry = join(root, 'bin', 'ferry.js');
const HOUR = 3_600_000;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-cli-dlq-'));
  dirs.push(dir);
  return dir;
}

async function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [ferry, ...args], {
      cwd: options.cwd ?? root,
      env: { PATH: process.env.PATH, ...options.env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function job(recordId: number, overrides: Partial<NewJob> = {}): NewJob {
  const name = `WH/OUT/${String(recordId).padStart(5, '0')}`;
  return {
    flow: 'shipment-to-3pl',
    model: 'stock.picking',
    recordId,
    recordName: name,
    idempotencyKey: `shipment:${recordId}`,
    correlationId: `0190c0de-0000-7000-8000-00000000000${recordId}`,
    source: JSON.stringify({ id: recordId, name }),
    notBefore: 0,
    ...overrides,
  };
}

/**
 * A store with two dead letters: record 1 (shipment flow) was tried twice across a restart, rejected
 * with 422 and surfaced in Odoo; record 2 (invoice flow) broke its contract and was never sent.
 */
async function preparedStore(): Promise<{ file: string; start: number }> {
  const file = join(tempDir(), 'state.db');
  const start = Date.now() - 2 * HOUR - 5 * 60_000;
  const store = await openStore(file);
  try {
    const one = job(1);
    const two = job(2, { flow: 'invoice-to-erp', model: 'account.move', recordName: 'INV/2026/0007' });
    await store.enqueue([one, two], start);
    const [leased] = await store.lease('engine-a', 1, 60_000, start + 1000, ['shipment-to-3pl']);
    await store.beginAttempt(leased!.id, 1, {
      version: 'v2',
      payload: '{"order_ref":"SO-7","lines":[{"sku":"A1","qty":2}]}',
    });
    await store.appendEvents([
      attempt(one, 1, 503, start + 2000, 'FERRY_HTTP_SERVER', 'endpoint answered 503'),
      { ...about(one), kind: 'engine_stopped', message: 'process restarted', at: start + 3000 },
    ]);
    await store.retryLater(leased!.id, {
      notBefore: start + 4000,
      attempts: 1,
      error: { code: 'FERRY_HTTP_SERVER', message: 'endpoint answered 503' },
      at: start + 2500,
    });
    const [again] = await store.lease('engine-b', 1, 60_000, start + 5000, ['shipment-to-3pl']);
    await store.beginAttempt(again!.id, 2);
    await store.appendEvents([attempt(one, 2, 422, start + 6000, 'FERRY_HTTP_REJECTED', 'sku A1 unknown')]);
    const dead = await store.deadLetter(again!.id, {
      error: {
        code: 'FERRY_HTTP_REJECTED',
        message: 'endpoint rejected the shipment: sku A1 unknown',
        statusCode: 422,
        authorization: 'Bearer must-never-show',
      },
      attempts: 2,
      responseStatus: 422,
      responseBody: '{"error":"unknown sku","sku":"A1"}',
      at: start + 7000,
    });
    await store.markSurfaced(dead!, start + 8000);

    const [broken] = await store.lease('engine-b', 1, 60_000, start + 9000, ['invoice-to-erp']);
    await store.deadLetter(broken!.id, {
      error: { code: 'FERRY_CONTRACT', message: 'payload v1 breaks its contract: /total: must be number' },
      attempts: 0,
      payload: '{"total":"12.50"}',
      version: 'v1',
      at: start + 10_000,
    });
  } finally {
    await store.close();
  }
  return { file, start };
}

function about(j: NewJob) {
  return {
    correlationId: j.correlationId,
    flow: j.flow,
    record: `${j.model}/${j.recordId}`,
    recordName: j.recordName,
  };
}

function attempt(j: NewJob, n: number, status: number, at: number, errorCode: string, message: string) {
  return {
    ...about(j),
    kind: 'attempt',
    attempt: n,
    status,
    durationMs: 120,
    errorCode,
    message,
    version: 'v2',
    at,
  };
}

async function withStore<T>(file: string, use: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(file);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

function lineWith(text: string, needle: string): string {
  const line = text.split('\n').find((l) => l.includes(needle));
  if (!line) throw new Error(`no line with "${needle}" in:\n${text}`);
  return line;
}

describe('ferry dlq', () => {
  it('list shows open dead letters newest first, filters by flow, and prints JSON', async () => {
    const { file } = await preparedStore();
    const [out, one, json] = await Promise.all([
      cli(['dlq', 'list', '--store', file]),
      cli(['dlq', 'list', '--flow', 'invoice-to-erp', '--store', file]),
      cli(['dlq', 'list', '--json', '--store', file]),
    ]);
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+FLOW\s+RECORD\s+ERROR\s+ATTEMPTS\s+AGE\s+CORRELATION ID\s+IN ODOO$/);
    expect(lines[1]).toMatch(/^2\s+invoice-to-erp\s+INV\/2026\/0007\s+FERRY_CONTRACT\s+0\s+2h\s+\S+02\s+no$/);
    expect(lines[2]).toMatch(
      /^1\s+shipment-to-3pl\s+WH\/OUT\/00001\s+FERRY_HTTP_REJECTED\s+2\s+2h\s+\S+01\s+yes$/,
    );

    expect(one.stdout).toContain('INV/2026/0007');
    expect(one.stdout).not.toContain('WH/OUT/00001');

    const letters = JSON.parse(json.stdout) as {
      id: number;
      errorCode: string;
      error: Record<string, unknown>;
    }[];
    expect(letters.map((l) => [l.id, l.errorCode])).toEqual([
      [2, 'FERRY_CONTRACT'],
      [1, 'FERRY_HTTP_REJECTED'],
    ]);
    expect(json.stdout).not.toContain('must-never-show');
  });

  it('show prints payload, response, error, attempts, correlation ID and version, never a credential', async () => {
    const { file } = await preparedStore();
    const [out, contract, missing] = await Promise.all([
      cli(['dlq', 'show', '1', '--store', file]),
      cli(['dlq', 'show', '2', '--store', file]),
      cli(['dlq', 'show', '99', '--store', file]),
    ]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^dead letter 1 {2}open$/m);
    expect(lineWith(out.stdout, 'record')).toContain('stock.picking/1  WH/OUT/00001');
    expect(lineWith(out.stdout, 'correlation id')).toContain('0190c0de-0000-7000-8000-000000000001');
    expect(lineWith(out.stdout, 'version')).toMatch(/version\s+v2$/);
    expect(lineWith(out.stdout, 'attempts')).toMatch(/attempts\s+2$/);
    expect(lineWith(out.stdout, 'in Odoo')).toContain('yes, posted');
    expect(lineWith(out.stdout, 'error')).toContain(
      'FERRY_HTTP_REJECTED  endpoint rejected the shipment: sku A1 unknown',
    );
    expect(lineWith(out.stdout, 'response ')).toContain('HTTP 422');
    expect(out.stdout).toContain('  {"error":"unknown sku","sku":"A1"}');
    // Pretty-printed: one field per line.
    expect(out.stdout).toContain('payload:\n  {\n    "order_ref": "SO-7",\n    "lines": [');
    expect(out.stdout).not.toContain('must-never-show');
    expect(out.stdout).toContain('[redacted]');

    expect(contract.stdout).toContain('(no response)');
    expect(contract.stdout).toContain('"total": "12.50"');

    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('FERRY_NOT_FOUND  No dead letter 99');
  });

  it('requeue by ID sends the same key and bytes again; the letter leaves the open list', async () => {
    const { file } = await preparedStore();
    const out = await cli(['dlq', 'requeue', '1', '--store', file]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('requeued 1 dead letter.');
    expect(out.stdout).toContain('same Idempotency-Key and the same payload bytes');

    const letter = await withStore(file, (s) => s.getDeadLetter(1));
    const requeuedJob = await withStore(file, (s) => s.getJob(letter!.jobId));
    expect(requeuedJob).toMatchObject({ status: 'queued', attempts: 0, keyRevision: 0, version: 'v2' });
    expect(requeuedJob!.payload).toContain('SO-7');

    const [open, all] = await Promise.all([
      cli(['dlq', 'list', '--store', file]),
      cli(['dlq', 'list', '--all', '--store', file]),
    ]);
    expect(open.stdout).not.toContain('WH/OUT/00001');
    expect(lineWith(all.stdout, 'WH/OUT/00001')).toMatch(/yes\s+yes$/);

    const twice = await cli(['dlq', 'requeue', '1', '--store', file]);
    expect(twice.stdout).toContain('already requeued before: 1');
    expect(twice.stdout).toContain('requeued 0 dead letters');
  });

  it('requeue --flow --rerender clears the frozen payload and bumps the key revision', async () => {
    const { file } = await preparedStore();
    const out = await cli(['dlq', 'requeue', '--flow', 'shipment-to-3pl', '--rerender', '--store', file]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('requeued 1 dead letter.');
    expect(out.stdout).toContain('new key revision');
    const jobs = await withStore(file, async (s) => [await s.getJob(1), await s.getJob(2)]);
    expect(jobs[0]).toMatchObject({ status: 'queued', keyRevision: 1 });
    expect(jobs[0]!.payload).toBeUndefined();
    expect(jobs[1]).toMatchObject({ status: 'dead' });
  });

  it('requeue refuses an unknown ID without requeueing the others, and a missing selector', async () => {
    const { file } = await preparedStore();
    const out = await cli(['dlq', 'requeue', '1', '42', '--store', file]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('FERRY_NOT_FOUND  No dead letter 42');
    expect(await withStore(file, (s) => s.getJob(1))).toMatchObject({ status: 'dead' });

    const [none, both] = await Promise.all([
      cli(['dlq', 'requeue', '--store', file]),
      cli(['dlq', 'requeue', '1', '--all', '--store', file]),
    ]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('FERRY_USAGE');
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('FERRY_USAGE');
  });

  it('finds the store through FERRY_STORE, and never creates one where there is none', async () => {
    const { file } = await preparedStore();
    const empty = tempDir();
    const [viaEnv, missing] = await Promise.all([
      cli(['dlq', 'list'], { env: { FERRY_STORE: `sqlite:${file}` } }),
      cli(['dlq', 'list'], { cwd: empty }),
    ]);
    expect(viaEnv.stdout).toContain('WH/OUT/00001');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('FERRY_STORE  No state store at');
    expect(existsSync(join(empty, '.ferry'))).toBe(false);
  });

  it('storeUrl prefers --store, then FERRY_STORE, then the default', () => {
    expect(storeUrl({ store: 'sqlite:/a.db' }, { FERRY_STORE: 'sqlite:/b.db' })).toBe('sqlite:/a.db');
    expect(storeUrl({}, { FERRY_STORE: 'sqlite:/b.db' })).toBe('sqlite:/b.db');
    expect(storeUrl({}, {})).toBe('sqlite:.ferry/state.db');
  });
});

describe('ferry trace', () => {
  it('prints every event of a transaction in time order across retries and a restart', async () => {
    const { file, start } = await preparedStore();
    const out = await cli(['trace', '0190c0de-0000-7000-8000-000000000001', '--store', file]);
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'transaction 0190c0de-0000-7000-8000-000000000001  flow shipment-to-3pl record stock.picking/1 (WH/OUT/00001)',
    );
    expect(lines[1]).toMatch(/^TIME\s+KIND\s+ATTEMPT\s+STATUS\s+DURATION\s+ERROR\s+MESSAGE\s+VERSION$/);
    const kinds = lines.slice(2).map((l) => l.split(/\s+/)[1]);
    expect(kinds).toEqual([
      'queued',
      'attempt',
      'retry_scheduled',
      'engine_stopped',
      'attempt',
      'dead_lettered',
      'surfaced',
    ]);
    expect(lines[3]).toMatch(
      new RegExp(
        `^${new Date(start + 2000).toISOString()}\\s+attempt\\s+1\\s+503\\s+120ms\\s+FERRY_HTTP_SERVER\\s+endpoint answered 503\\s+v2$`,
      ),
    );
    expect(lines[6]).toMatch(/attempt\s+2\s+422\s+120ms\s+FERRY_HTTP_REJECTED\s+sku A1 unknown\s+v2$/);
  });

  it('finds the transaction by record name, and exits 1 with FERRY_NOT_FOUND when nothing matches', async () => {
    const { file } = await preparedStore();
    const [byName, json, none] = await Promise.all([
      cli(['trace', 'INV/2026/0007', '--store', file]),
      cli(['trace', 'WH/OUT/00001', '--json', '--store', file]),
      cli(['trace', 'WH/OUT/99999', '--store', file]),
    ]);
    expect(byName.code).toBe(0);
    expect(byName.stdout).toContain('transaction 0190c0de-0000-7000-8000-000000000002');
    expect(byName.stdout).toMatch(/dead_lettered\s+.*FERRY_CONTRACT/);
    expect(byName.stdout).not.toContain('WH/OUT/00001');

    const events = JSON.parse(json.stdout) as { kind: string; at: number }[];
    expect(events.map((e) => e.at)).toEqual([...events.map((e) => e.at)].sort((a, b) => a - b));
    expect(events).toHaveLength(7);

    expect(none.code).toBe(1);
    expect(none.stderr).toContain('FERRY_NOT_FOUND  No transaction matches "WH/OUT/99999"');
  });
});
