/** How the CLI prints errors: one clear line each, the hint below, details only with --verbose. */
import { FerryError, FerryErrors } from '../errors.js';
import { redact } from '../log/redact.js';
import type { CommandIO } from './command.js';
import { relative } from 'node:path';

export function reportError(err: unknown, io: CommandIO, verbose = false): void {
  const errors = err instanceof FerryErrors ? err.errors : [err];
  for (const e of errors) {
    if (e instanceof FerryError) {
      const shown = e.context.file
        ? new FerryError(e.code, e.message, { context: { ...e.context, file: rel(e.context.file, io.cwd) } })
        : e;
      io.err(redact(shown.format()));
      if (e.hint) io.err(`    hint: ${redact(e.hint)}`);
      if (verbose && e.cause) io.err(`    cause: ${redact(String((e.cause as Error).stack ?? e.cause))}`);
    } else {
      io.err(redact(`error: ${(e as Error)?.message ?? String(e)}`));
      if (verbose) io.err(redact(String((e as Error)?.stack)));
    }
  }
  if (errors.length > 1) io.err(`${errors.length} errors`);
}

function rel(file: string, cwd: string): string {
  const r = relative(cwd, file);
  return r.startsWith('..') ? file : r;
}
