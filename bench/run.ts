/**
 * `npm run bench`: every benchmark in turn, each in its own process (so one's heap, JIT state and
 * open handles never colour the next) and each with a time limit. Figures only, no assertions.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Bench {
  file: string;
  args: string[];
  /** Killed past this; the whole run stays within a few minutes on two cores. */
  limitSeconds: number;
}

const BENCHES: Bench[] = [
  { file: 'render.ts', args: [], limitSeconds: 40 },
  { file: 'pipeline.ts', args: ['20000'], limitSeconds: 80 },
  // Written alongside these; run when present.
  { file: 'store.ts', args: ['100000'], limitSeconds: 60 },
  { file: 'odoo.ts', args: [], limitSeconds: 40 },
];

function runOne(bench: Bench, path: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path, ...bench.args], { stdio: 'inherit' });
    const timer = setTimeout(() => child.kill('SIGTERM'), bench.limitSeconds * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal) resolve(`stopped after ${bench.limitSeconds}s`);
      else resolve(code === 0 ? 'done' : `failed (exit ${code})`);
    });
  });
}

const startedAt = Date.now();
for (const bench of BENCHES) {
  const path = fileURLToPath(new URL(`./${bench.file}`, import.meta.url));
  if (!existsSync(path)) continue;
  console.log(`\n== bench/${bench.file}`);
  const outcome = await runOne(bench, path);
  if (outcome !== 'done') console.log(`   bench/${bench.file}: ${outcome}`);
}
console.log(`\nall benchmarks: ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
