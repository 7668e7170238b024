/** The shape of a `ferry` command: each lives in its own file under commands/ and registers here. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FerryError } from '../errors.js';

export interface CommandIO {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options?: ParseArgsConfig['options'];
  /** Returns the process exit code. */
  run(
    args: { positionals: string[]; values: Record<string, string | boolean | undefined> },
    io: CommandIO,
  ): Promise<number>;
}

export function parseCommandArgs(command: Command, argv: string[]) {
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { positionals, values: values as Record<string, string | boolean | undefined> };
  } catch (err) {
    throw new FerryError('FERRY_USAGE', (err as Error).message, { hint: `usage: ${command.usage}` });
  }
}
