/**
 * Opens the store a URL names. `sqlite:<path>` or a bare path: the embedded SQLite store (default
 * `.ferry/state.db`); `sqlite::memory:` for a throw-away one. `postgres://…` is reserved for the
 * PostgreSQL adapter (several engine processes sharing one store).
 */
import { FerryError } from '../errors.js';
import type { Store } from './port.js';
import { DEFAULT_SQLITE_PATH, openSqliteStore, type SqliteStoreOptions } from './sqlite.js';

export * from './port.js';
export { DEFAULT_SQLITE_PATH, openSqliteStore, SqliteStore, type SqliteStoreOptions } from './sqlite.js';

export type StoreOptions = SqliteStoreOptions;

export async function openStore(
  url: string = DEFAULT_SQLITE_PATH,
  options: StoreOptions = {},
): Promise<Store> {
  const target = parseStoreUrl(url);
  if (target.kind === 'postgres') {
    throw new FerryError('FERRY_STORE', 'The PostgreSQL store is not available in this build', {
      retryable: false,
      hint: 'Use a SQLite path, e.g. sqlite:.ferry/state.db',
    });
  }
  return openSqliteStore(target.path, options);
}

export type StoreTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** Which adapter a store URL names, without opening anything. */
export function parseStoreUrl(url: string): StoreTarget {
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
  if (url.startsWith('sqlite:')) {
    // sqlite:relative/path, sqlite:/absolute/path, sqlite:///absolute/path
    const rest = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (rest === '') throw badUrl(url);
    return { kind: 'sqlite', path: rest };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw badUrl(url);
  return { kind: 'sqlite', path: url };
}

function badUrl(url: string): FerryError {
  // Never echo credentials a URL may carry.
  const shown = url.replace(/\/\/[^/@]*@/, '//…@');
  return new FerryError('FERRY_USAGE', `Not a store URL: ${shown}`, {
    hint: 'Use sqlite:<path>, a file path, or postgres://user@host/db',
  });
}
