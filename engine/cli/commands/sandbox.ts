import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { configDir } from '../paths.js';

export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'Run the example flows against the built-in Odoo and 3PL simulators (SQLite store).',
  usage: 'ferry sandbox [dir] [--keep]',
  options: { keep: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    const stateDir = join(io.cwd, '.ferry');
    mkdirSync(stateDir, { recursive: true });
    // Loaded on demand: the simulators are only needed here.
    const { runSandbox } = await import('../../../sandbox/run.js');
    return runSandbox({
      flowsDir: configDir(positionals[0], io.cwd),
      stateDir,
      out: io.out,
      keep: Boolean(values.keep),
    });
  },
};
