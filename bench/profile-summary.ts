/**
 * Where the pipeline's CPU goes, from a V8 CPU profile:
 *
 *   node --cpu-prof --cpu-prof-dir=<dir> --import tsx bench/pipeline.ts 20000 32 --no-wire
 *   npx tsx bench/profile-summary.ts <dir>/<file>.cpuprofile
 *
 * Each sample is charged to the innermost frame that belongs to a known part (the store, JSONata, ajv,
 * undici…); node internals and native code count for the part that called them. Promise hooks are
 * shown apart: they are what AsyncLocalStorage (the log context) costs on every promise.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const PARTS: [RegExp, string][] = [
  [/internal\/async_hooks|node:async_hooks/, 'promise hooks (AsyncLocalStorage)'],
  [/better-sqlite3|engine\/store\//, 'store (SQLite, group commit)'],
  [/node_modules\/jsonata/, 'JSONata'],
  [/node_modules\/ajv\/|transform\/contract/, 'ajv contracts'],
  [/node_modules\/undici|connectors\/http\//, 'HTTP target + undici'],
  [/pino|sonic-boom|engine\/log\/(logger|redact)/, 'logging'],
  [/engine\/log\/correlation|internal\/crypto/, 'correlation ids, traceparent'],
  [/engine\/transform\//, 'render (JSON normalisation)'],
  [/engine\/runtime\//, 'runtime (engine, deliver, handoff, write-back)'],
  [/engine\/config\/|node_modules\/yaml/, 'config load'],
  [/internal\/modules|esbuild|node_modules\/tsx/, 'module loading'],
];
const SPECIAL = new Map([
  ['(garbage collector)', 'garbage collection'],
  ['(idle)', 'idle'],
  ['(program)', 'V8 / native, unattributed'],
]);

const file = process.argv[2];
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile>');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parents = new Map<number, number>();
for (const n of profile.nodes) for (const child of n.children ?? []) parents.set(child, n.id);

function partOf(leafId: number): string {
  const leaf = nodes.get(leafId)!;
  const special = SPECIAL.get(leaf.callFrame.functionName);
  if (special) return special;
  for (let id: number | undefined = leafId; id !== undefined; id = parents.get(id)) {
    const url = nodes.get(id)!.callFrame.url;
    const part = url && PARTS.find(([pattern]) => pattern.test(url));
    if (part) return part[1];
  }
  return 'other';
}

const micros = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  total += delta;
  const part = partOf(id);
  micros.set(part, (micros.get(part) ?? 0) + delta);
});

console.log(`CPU profile: ${(total / 1e6).toFixed(1)} s sampled`);
for (const [part, us] of [...micros].sort((a, b) => b[1] - a[1]))
  console.log(
    `  ${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1e3).toFixed(0).padStart(6)} ms  ${part}`,
  );
