/**
 * `${secret:file:<path>[#key]}`: a file read at each fetch, so rotating the file (a mounted secret)
 * needs no restart. Without #key the whole file, trimmed; with #key a JSON object's field or a
 * KEY=value line. Relative paths resolve against the config folder.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FerryError } from '../../errors.js';
import type { SecretProvider } from '../provider.js';
import type { SecretReference } from '../reference.js';

export function fileSecretProvider(baseDir: string = process.cwd()): SecretProvider {
  return {
    name: 'file',
    async fetch(ref: SecretReference): Promise<string> {
      const path = resolve(baseDir, ref.path);
      const fail = (why: string) =>
        new FerryError('FERRY_SECRET_UNRESOLVED', `secret file ${ref.path}: ${why}`, {
          context: { reference: ref.raw },
        });
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        throw fail((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read');
      }
      if (ref.key === undefined) return text.trim();
      const value = pickKey(text, ref.key);
      if (value === undefined || value === '') throw fail(`has no key "${ref.key}"`);
      return value;
    },
  };
}

function pickKey(text: string, key: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const value = (JSON.parse(trimmed) as Record<string, unknown>)[key];
      return typeof value === 'string' ? value : value === undefined ? undefined : JSON.stringify(value);
    } catch {
      return undefined;
    }
  }
  for (const line of trimmed.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && line.slice(0, eq).trim() === key) return line.slice(eq + 1).trim();
  }
  return undefined;
}
