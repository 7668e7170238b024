/** Shared set-up for the store tests: a fresh SQLite file per test and job factories. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openSqliteStore, type SqliteStoreOptions } from '../engine/store/sqlite.js';

export { newJob } from './store-job-data.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A temp directory removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-store-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Opens a store at `file` (default: a new temp file), closed after the test. */
export function openTestStore(file = join(tempDir(), 'state.db'), options: SqliteStoreOptions = {}) {
  const store = openSqliteStore(file, options);
  cleanups.push(() => store.close());
  return { store, file };
}
