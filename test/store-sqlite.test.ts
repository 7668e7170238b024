import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isFerryError } from '../engine/errors.js';
import { openStore, parseStoreUrl } from '../engine/store/index.js';
import { openSqliteStore } from '../engine/store/sqlite.js';
import { SCHEMA_VERSION } from '../engine/store/sqlite-schema.js';
import { effectiveKey } from '../engine/store/port.js';
import { describeQueueContract } from './store-contract-queue.js';
import { describeRecordsContract } from './store-contract-records.js';
import { newJob, openTestStore, tempDir } from './store-fixtures.js';

const openSqlite = () => Promise.resolve(openTestStore().store);
describeQueueContract('sqlite', openSqlite);
describeRecordsContract('sqlite', openSqlite);

describe('SQLite specifics', () => {
  it('skips a key found only in the ledger (its job row gone)', async () => {
    const { store, file } = openTestStore();
    await store.enqueue([newJob(1)]);
    const [job] = await store.lease('w1', 1, 60_000, 1_000);
    await store.complete(job!.id, { status: 200 });
    const raw = new Database(file);
    raw.prepare('DELETE FROM events').run();
    raw.prepare('DELETE FROM jobs').run();
    raw.close();
    expect(await store.enqueue([newJob(1)])).toEqual({ added: 0, skipped: 1 });
  });

  it('writes nothing to the ledger when marking the job delivered fails', async () => {
    const { store, file } = openTestStore();
    await store.enqueue([newJob(1)]);
    const [job] = await store.lease('w1', 1, 60_000, 1_000);
    const raw = new Database(file);
    raw.exec(`CREATE TRIGGER refuse BEFORE UPDATE OF status ON jobs WHEN NEW.status = 'delivered'
              BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    raw.close();

    const failure = await store.complete(job!.id, { status: 200 }).catch((e: unknown) => e);
    expect(isFerryError(failure, 'FERRY_STORE')).toBe(true);
    expect(await store.ledgerGet('shipment:1')).toBeUndefined();
    expect(await store.getJob(job!.id)).toMatchObject({ status: 'leased' });
  });
});

describe('effectiveKey', () => {
  it('is the key itself until a rerender bumps the revision', () => {
    expect(effectiveKey({ idempotencyKey: 'k', keyRevision: 0 })).toBe('k');
    expect(effectiveKey({ idempotencyKey: 'k', keyRevision: 2 })).toBe('k#r2');
  });
});

describe('durability', () => {
  it('finds everything again after closing and reopening the file', async () => {
    const dir = tempDir();
    const file = join(dir, 'nested', 'state.db');
    const first = openSqliteStore(file);
    await first.enqueueAndSetCursor('shipment-to-3pl', [newJob(1), newJob(2)], '{"id":2}');
    const [a, b] = await first.lease('w1', 2, 60_000, 1_000);
    await first.complete(a!.id, { status: 201 });
    const letterId = await first.deadLetter(b!.id, {
      error: { code: 'FERRY_HTTP_REJECTED', message: '400' },
      attempts: 1,
    });
    await first.close();

    const { store } = openTestStore(file);
    expect(await store.getCursor('shipment-to-3pl')).toBe('{"id":2}');
    expect(await store.ledgerHas(['shipment:1'])).toEqual(new Set(['shipment:1']));
    expect(await store.getDeadLetter(letterId!)).toMatchObject({ recordId: 2 });
    expect((await store.trace('corr-1')).map((e) => e.kind)).toEqual(['queued', 'delivered']);
    expect(await store.enqueue([newJob(1), newJob(2)])).toEqual({ added: 0, skipped: 2 });
  });

  it('keeps every resolved write when the process is killed with SIGKILL', async () => {
    const file = join(tempDir(), 'state.db');
    const child = fileURLToPath(new URL('./store-crash-child.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', child, file], { encoding: 'utf8' });
    expect(run.signal).toBe('SIGKILL');
    expect(existsSync(`${file}-wal`)).toBe(true); // killed before any checkpoint on close

    const { store } = openTestStore(file);
    expect(await store.getCursor('shipment-to-3pl')).toBe('{"id":3}');
    expect(await store.ledgerGet('shipment:1')).toMatchObject({ externalId: 'S-1', version: 'v2' });
    // The two other records are still pending, and a dead process's lease would expire.
    expect(await store.counts()).toMatchObject({ queued: 2, delivered: 1 });
    expect((await store.trace('corr-1')).map((e) => e.kind)).toEqual(['queued', 'delivered', 'written_back']);
  });
});

describe('group commit', () => {
  it('settles every promise of a batch; a failing operation is rolled back alone', async () => {
    const { store, file } = openTestStore();
    await store.enqueue([newJob(1), newJob(2)]);
    const [a, b] = await store.lease('w1', 2, 60_000, 1_000);

    // Issued together, not awaited in between: one group commit. The second operation writes job 3,
    // then fails on a record without source: only its own writes are undone.
    const broken = newJob(4, { source: undefined as unknown as string });
    const results = await Promise.allSettled([
      store.complete(a!.id, { status: 201 }),
      store.enqueue([newJob(3), broken]),
      store.complete(b!.id, { status: 201 }),
      store.appendEvents([{ correlationId: 'corr-1', flow: 'shipment-to-3pl', kind: 'written_back' }]),
      store.counts(),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    const rejection = (results[1] as PromiseRejectedResult).reason as unknown;
    expect(isFerryError(rejection, 'FERRY_STORE')).toBe(true);
    // A read issued after writes sees them.
    expect((results[4] as PromiseFulfilledResult<unknown>).value).toMatchObject({ delivered: 2, queued: 0 });
    await store.close();

    const { store: reopened } = openTestStore(file);
    expect(await reopened.ledgerHas(['shipment:1', 'shipment:2'])).toEqual(
      new Set(['shipment:1', 'shipment:2']),
    );
  });

  it('rejects the whole batch with a retryable error when it cannot commit, and recovers', async () => {
    const { store, file } = openTestStore(undefined, { busyTimeoutMs: 50 });
    await store.enqueue([newJob(1)]);
    const blocker = new Database(file);
    blocker.exec('BEGIN IMMEDIATE');

    const results = await Promise.allSettled([store.enqueue([newJob(2)]), store.setCursor('f', '1')]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as unknown;
      expect(isFerryError(reason, 'FERRY_STORE') && reason.retryable).toBe(true);
    }

    blocker.exec('ROLLBACK');
    blocker.close();
    expect(await store.enqueue([newJob(2)])).toEqual({ added: 1, skipped: 0 });
    expect(await store.getCursor('f')).toBeUndefined();
  });

  it('commits pending writes on close and refuses work afterwards', async () => {
    const { store, file } = openTestStore();
    const pending = store.enqueue([newJob(1)]);
    await store.close();
    expect(await pending).toEqual({ added: 1, skipped: 0 });
    await expect(store.counts()).rejects.toMatchObject({ code: 'FERRY_STORE' });

    const { store: reopened } = openTestStore(file, { commitWindowMs: 5 });
    expect((await reopened.counts()).queued).toBe(1);
  });
});

describe('schema and URLs', () => {
  it('records the schema version and refuses a file from a newer Ferry', async () => {
    const { store, file } = openTestStore();
    await store.close();
    const raw = new Database(file);
    expect(raw.prepare('SELECT max(version) AS v FROM schema_version').get()).toEqual({ v: SCHEMA_VERSION });
    raw.prepare('INSERT INTO schema_version VALUES (?, ?)').run(SCHEMA_VERSION + 1, 0);
    raw.close();
    expect(() => openSqliteStore(file)).toThrow(
      expect.objectContaining({ code: 'FERRY_STORE', retryable: false }),
    );
  });

  it('opens SQLite from a sqlite: URL or a bare path and reserves postgres://', async () => {
    const dir = tempDir();
    const store = await openStore(`sqlite:${join(dir, 'a', 'state.db')}`);
    await store.enqueue([newJob(1)]);
    await store.close();
    expect(existsSync(join(dir, 'a', 'state.db'))).toBe(true);

    expect(parseStoreUrl('sqlite:///var/lib/ferry.db')).toEqual({
      kind: 'sqlite',
      path: '/var/lib/ferry.db',
    });
    expect(parseStoreUrl('.ferry/state.db')).toEqual({ kind: 'sqlite', path: '.ferry/state.db' });
    expect(parseStoreUrl('postgresql://u@h/db')).toMatchObject({ kind: 'postgres' });
    await expect(openStore('postgres://u@h/db')).rejects.toMatchObject({ code: 'FERRY_STORE' });
    expect(() => parseStoreUrl('mysql://root:hunter2@h/db')).toThrow(
      expect.objectContaining({ code: 'FERRY_USAGE' }),
    );
    expect(() => parseStoreUrl('mysql://root:hunter2@h/db')).not.toThrow(/hunter2/);
  });
});
