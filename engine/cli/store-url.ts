/** Which state store a CLI command works on, and opening it without creating one by mistake. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { FerryError } from '../errors.js';
import { DEFAULT_SQLITE_PATH, openStore, parseStoreUrl, type Store } from '../store/index.js';

/** The `--store` option, else FERRY_STORE, else the embedded default next to the current folder. */
export function storeUrl(
  values: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
): string {
  const given = values.store;
  if (typeof given === 'string' && given !== '') return given;
  const fromEnv = env.FERRY_STORE;
  if (fromEnv) return fromEnv;
  return `sqlite:${DEFAULT_SQLITE_PATH}`;
}

/**
 * Opens an existing store for an operator command. A SQLite path is taken relative to `cwd`, and a
 * missing file is an error: opening would create an empty store and report "nothing here" about the
 * wrong folder.
 */
export async function openExistingStore(url: string, cwd: string): Promise<Store> {
  const target = parseStoreUrl(url);
  if (target.kind === 'postgres' || target.path === ':memory:') return openStore(url);
  const file = resolve(cwd, target.path);
  if (!existsSync(file)) {
    throw new FerryError('FERRY_STORE', `No state store at ${file}`, {
      retryable: false,
      context: { file },
      hint: 'Run the command where "ferry run" keeps its state, or pass --store / set FERRY_STORE',
    });
  }
  return openStore(file);
}

/** The `--store` option every store-reading command accepts. */
export const STORE_OPTION = { store: { type: 'string' } } as const;
