/** Finds the flow files of a project: a file, or every .yaml/.yml below a folder (fixtures excluded). */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const FLOW_FILE = /\.ya?ml$/;
const FIXTURE_FILE = /\.fixture\.(ya?ml|json)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'fixtures']);

export function findFlowFiles(root: string): string[] {
  if (statSync(root).isFile()) return [root];
  return walk(root, (name) => FLOW_FILE.test(name) && !FIXTURE_FILE.test(name));
}

export function findFixtureFiles(root: string): string[] {
  if (statSync(root).isFile()) return FIXTURE_FILE.test(root) ? [root] : [];
  return walk(root, (name) => FIXTURE_FILE.test(name), true);
}

function walk(dir: string, wanted: (name: string) => boolean, intoFixtures = false): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || (!intoFixtures && SKIPPED_DIRS.has(entry.name))) continue;
      found.push(...walk(path, wanted, intoFixtures));
    } else if (wanted(entry.name)) {
      found.push(path);
    }
  }
  return found;
}
