import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The config folder: as given, else ./flows when it exists, else the current folder. */
export function configDir(given: string | undefined, cwd: string): string {
  if (given) return resolve(cwd, given);
  const flows = resolve(cwd, 'flows');
  return existsSync(flows) ? flows : cwd;
}
