/**
 * Store benchmarks (figures only, no assertions): `npx tsx bench/store.ts [rows]`.
 *
 * 1. Ledger layout: idempotency keys are hashes, and a table ordered by a random key pays for it on every
 *    insert. Compares a table keyed by the key itself with the store's layout (rowid primary key, key in
 *    a unique index), each with random and time-ordered keys, batched as the group commit batches them.
 * 2. Group commit: completing deliveries issued together (one commit for many) against awaiting each
 *    (one commit per delivery), through the real store.
 * 3. Batched ledger lookups: `ledgerHas` for a page of keys.
 * 4. Leasing from a large backlog: the event loop is blocked for the duration of each lease.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore, type SqliteStore } from '../engine/store/sqlite.js';
import type { NewJob } from '../engine/store/port.js';

const ROWS = Number(process.argv[2] ?? 200_000);
const BATCH = 500;
const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-store-'));

function randomKey(i: number): string {
  return createHash('sha256').update(`shipment:${i}`).digest('hex');
}

/** Time-ordered like a UUIDv7: a millisecond prefix, then a counter. */
function orderedKey(i: number): string {
  return `${(1_700_000_000_000 + i).toString(16).padStart(12, '0')}-${i.toString(16).padStart(8, '0')}`;
}

function rate(count: number, startedAt: bigint): string {
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  return `${Math.round(count / seconds).toLocaleString('en-US')}/s`.padStart(12);
}

function openRaw(name: string): Database.Database {
  const db = new Database(join(dir, name));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}

const LAYOUTS = {
  'key primary key': 'CREATE TABLE ledger (k TEXT PRIMARY KEY, c TEXT, body TEXT, at INTEGER) WITHOUT ROWID',
  'rowid + unique key':
    'CREATE TABLE ledger (id INTEGER PRIMARY KEY, k TEXT UNIQUE, c TEXT, body TEXT, at INTEGER)',
  // An 8-byte prefix of the key's hash in a plain index: lookups add `AND k = ?` to resolve collisions.
  'rowid + hash index':
    'CREATE TABLE ledger (id INTEGER PRIMARY KEY, h INTEGER, k TEXT, c TEXT, body TEXT, at INTEGER);' +
    'CREATE INDEX ledger_h ON ledger (h)',
} as const;

function hashPrefix(key: string): bigint {
  return createHash('sha256').update(key).digest().readBigInt64BE(0);
}

function benchLedgerLayout(layout: keyof typeof LAYOUTS, keys: 'random' | 'ordered'): void {
  const db = openRaw(`${layout.replace(/\W+/g, '-')}-${keys}.db`);
  db.exec(LAYOUTS[layout]);
  const hashed = layout === 'rowid + hash index';
  const insert = db.prepare(
    hashed
      ? 'INSERT INTO ledger (h, k, c, body, at) VALUES (?, ?, ?, ?, ?)'
      : 'INSERT INTO ledger (k, c, body, at) VALUES (?, ?, ?, ?)',
  );
  const insertBatch = db.transaction((from: number) => {
    for (let i = from; i < Math.min(from + BATCH, ROWS); i++) {
      const key = keys === 'random' ? randomKey(i) : orderedKey(i);
      const row = [key, orderedKey(i), '{"shipment_id":"S-1"}', i];
      // Ordered keys are ordered in the index too: the hash would scatter them.
      insert.run(...(hashed ? [keys === 'random' ? hashPrefix(key) : BigInt(i), ...row] : row));
    }
  });
  const startedAt = process.hrtime.bigint();
  for (let from = 0; from < ROWS; from += BATCH) insertBatch(from);
  console.log(`  ${layout.padEnd(20)} ${keys.padEnd(8)} ${rate(ROWS, startedAt)} inserts`);
  db.close();
}

function job(i: number): NewJob {
  return {
    flow: 'bench',
    model: 'stock.picking',
    recordId: i,
    recordName: `WH/OUT/${i}`,
    idempotencyKey: randomKey(i),
    correlationId: orderedKey(i),
    source: JSON.stringify({ id: i, name: `WH/OUT/${i}` }),
  };
}

async function fill(store: SqliteStore, count: number, offset: number): Promise<number[]> {
  for (let from = 0; from < count; from += BATCH) {
    const page = Array.from({ length: Math.min(BATCH, count - from) }, (_, i) => job(offset + from + i));
    await store.enqueue(page, 0);
  }
  const leased = await store.lease('bench', count, 600_000, 1);
  return leased.map((j) => j.id);
}

async function benchGroupCommit(count: number): Promise<void> {
  const store = openSqliteStore(join(dir, 'group-commit.db'));
  const together = await fill(store, count, 0);
  let startedAt = process.hrtime.bigint();
  await Promise.all(together.map((id) => store.complete(id, { status: 201 })));
  console.log(`  issued together      ${rate(count, startedAt)} completions`);

  const oneByOne = await fill(store, count, count);
  startedAt = process.hrtime.bigint();
  for (const id of oneByOne) await store.complete(id, { status: 201 });
  console.log(`  awaited one by one   ${rate(count, startedAt)} completions`);

  const lookups = 200;
  startedAt = process.hrtime.bigint();
  for (let page = 0; page < lookups; page++) {
    await store.ledgerHas(
      Array.from({ length: BATCH }, (_, i) => randomKey((page * BATCH + i) % (2 * count))),
    );
  }
  console.log(`  ledgerHas, pages of ${BATCH} ${rate(lookups * BATCH, startedAt)} keys`);
  await store.close();
}

async function benchLeaseFromBacklog(backlog: number): Promise<void> {
  const store = openSqliteStore(join(dir, 'backlog.db'));
  for (let from = 0; from < backlog; from += BATCH) {
    const page = Array.from({ length: Math.min(BATCH, backlog - from) }, (_, i) => job(from + i));
    await store.enqueue(page, 0);
  }
  const calls = 100;
  const startedAt = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await store.lease('bench', 50, 600_000, 1);
  const perCall = Number(process.hrtime.bigint() - startedAt) / 1e6 / calls;
  console.log(
    `  lease 50 of ${backlog.toLocaleString('en-US')} queued   ${perCall.toFixed(2).padStart(8)} ms per call`,
  );
  await store.close();
}

try {
  console.log(`Ledger inserts, ${ROWS.toLocaleString('en-US')} rows in transactions of ${BATCH}`);
  for (const layout of Object.keys(LAYOUTS) as (keyof typeof LAYOUTS)[]) {
    for (const keys of ['random', 'ordered'] as const) benchLedgerLayout(layout, keys);
  }
  console.log('Store completions (job marked delivered + ledger entry + event), 10,000 jobs');
  await benchGroupCommit(10_000);
  console.log('Leasing');
  await benchLeaseFromBacklog(100_000);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
