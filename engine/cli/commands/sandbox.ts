import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { configDir } from '../paths.js';
import { createLogger, setRootLogger } from '../../log/logger.js';

export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'Run the example flows against the built-in Odoo and 3PL simulators (SQLite store).',
  usage: 'ferry sandbox [dir] [--keep]',
  options: { keep: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    const stateDir = join(io.cwd, '.ferry');
    mkdirSync(stateDir, { recursive: true });
    // The tour tells the story itself; JSON logs only when asked for (FERRY_LOG_LEVEL).
    setRootLogger(createLogger(undefined, io.env.FERRY_LOG_LEVEL ?? 'silent'));
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
