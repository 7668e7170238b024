/** `ferry`: the command line. Each command lives in commands/; this file only dispatches. */
import { loadDotEnv } from './dotenv.js';
import { parseCommandArgs, type Command, type CommandIO } from './command.js';
import { reportError } from './report.js';
import { validateCommand } from './commands/validate.js';
import { renderCommand } from './commands/render.js';
import { testCommand } from './commands/test.js';
import { diffCommand } from './commands/diff.js';
import { schemaCommand } from './commands/schema.js';
import { runCommand } from './commands/run.js';
import { sandboxCommand } from './commands/sandbox.js';
import { doctorCommand } from './commands/doctor.js';
import { dlqCommand } from './commands/dlq.js';
import { traceCommand } from './commands/trace.js';
import { didYouMean } from '../config/did-you-mean.js';

export const COMMANDS: Command[] = [
  runCommand,
  validateCommand,
  renderCommand,
  testCommand,
  diffCommand,
  schemaCommand,
  dlqCommand,
  traceCommand,
  sandboxCommand,
  doctorCommand,
];

function help(io: CommandIO): void {
  io.out('ferry: declarative integration engine for Odoo\n\nUsage: ferry <command> [options]\n\nCommands:');
  for (const c of COMMANDS) io.out(`  ${c.name.padEnd(10)} ${c.summary}`);
  io.out('\nRun "ferry <command> --help" for a command\'s options.');
}

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    help(io);
    return name ? 0 : 1;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`FERRY_USAGE  unknown command "${name}"`);
    const hint = didYouMean(
      name,
      COMMANDS.map((c) => c.name),
    );
    if (hint) io.err(`    hint: ${hint}`);
    return 2;
  }
  const verbose = rest.includes('--verbose');
  try {
    const args = parseCommandArgs(
      command,
      rest.filter((a) => a !== '--verbose'),
    );
    if (args.values.help) {
      io.out(`${command.summary}\n\nUsage: ${command.usage}`);
      return 0;
    }
    return await command.run(args, io);
  } catch (err) {
    reportError(err, io, verbose);
    return 1;
  }
}

const isEntry = process.argv[1] && /(?:main\.(?:ts|js)|ferry(?:\.js)?)$/.test(process.argv[1]);
if (isEntry) {
  loadDotEnv(process.cwd());
  const io: CommandIO = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    cwd: process.cwd(),
  };
  process.exitCode = await main(process.argv.slice(2), io);
}
