/**
 * `ferry dlq list|show|requeue`: what could not be delivered, everything needed to act on it, and putting it
 * back in the queue. Reads and writes the store only; the running engine picks requeued jobs up.
 */
import type { Command, CommandIO } from '../command.js';
import { didYouMean } from '../../config/did-you-mean.js';
import { FerryError } from '../../errors.js';
import { redact, redactValue } from '../../log/redact.js';
import type { DeadLetter, ErrorRecord, RequeueSelector, Store } from '../../store/index.js';
import { openExistingStore, STORE_OPTION, storeUrl } from '../store-url.js';
import { formatAge, formatTime, table } from './trace.js';

type Values = Record<string, string | boolean | undefined>;

const USAGE = [
  'ferry dlq list [--flow F] [--all] [--limit N] [--json]',
  '       ferry dlq show <id> [--json]',
  '       ferry dlq requeue <id…> | --flow F | --all [--rerender]',
  '  (each also takes --store <url>; default FERRY_STORE, else sqlite:.ferry/state.db)',
].join('\n');

const DEFAULT_LIMIT = 100;
/** Error fields that could carry a credential if a caller ever stored one: never printed. */
const SECRET_FIELD = /secret|token|password|passwd|authorization|api[_-]?key|cookie|credential/i;

const SUBCOMMANDS: Record<
  string,
  (store: Store, args: string[], values: Values, io: CommandIO) => Promise<number>
> = { list, show, requeue };

export const dlqCommand: Command = {
  name: 'dlq',
  summary: 'List, inspect and requeue dead letters.',
  usage: USAGE,
  options: {
    ...STORE_OPTION,
    flow: { type: 'string' },
    all: { type: 'boolean' },
    json: { type: 'boolean' },
    limit: { type: 'string' },
    rerender: { type: 'boolean' },
  },
  async run({ positionals, values }, io) {
    const [sub, ...args] = positionals;
    const handler = sub === undefined ? undefined : SUBCOMMANDS[sub];
    if (!handler) {
      const hint = sub === undefined ? undefined : didYouMean(sub, Object.keys(SUBCOMMANDS));
      throw new FerryError(
        'FERRY_USAGE',
        sub ? `unknown dlq command "${sub}"` : 'dlq needs list, show or requeue',
        {
          hint: hint ?? `usage: ${USAGE}`,
        },
      );
    }
    const store = await openExistingStore(storeUrl(values, io.env), io.cwd);
    try {
      return await handler(store, args, values, io);
    } finally {
      await store.close();
    }
  },
};

async function list(store: Store, args: string[], values: Values, io: CommandIO): Promise<number> {
  if (args.length > 0) throw usage(`dlq list takes no arguments, got "${args.join(' ')}"`);
  const flow = typeof values.flow === 'string' ? values.flow : undefined;
  const limit = values.limit === undefined ? DEFAULT_LIMIT : positiveInt(String(values.limit), '--limit');
  const letters = await store.listDeadLetters({ flow, limit, includeRequeued: values.all === true });
  if (values.json) {
    io.out(JSON.stringify(letters.map(safeLetter), null, 2));
    return 0;
  }
  if (letters.length === 0) {
    io.out(`no ${values.all ? '' : 'open '}dead letters${flow ? ` for flow ${flow}` : ''}`);
    return 0;
  }
  const now = Date.now();
  const header = ['ID', 'FLOW', 'RECORD', 'ERROR', 'ATTEMPTS', 'AGE', 'CORRELATION ID', 'IN ODOO'];
  if (values.all) header.push('REQUEUED');
  const rows = letters.map((l) => {
    const row = [
      String(l.id),
      l.flow,
      l.recordName ?? `${l.model}/${l.recordId}`,
      l.errorCode,
      String(l.attempts),
      formatAge(now - l.createdAt),
      l.correlationId,
      l.surfacedAt === undefined ? 'no' : 'yes',
    ];
    if (values.all) row.push(l.requeuedAt === undefined ? 'no' : 'yes');
    return row;
  });
  for (const line of table(header, rows)) io.out(redact(line));
  if (letters.length === limit) io.out(`(showing the newest ${limit}; use --limit for more)`);
  return 0;
}

async function show(store: Store, args: string[], values: Values, io: CommandIO): Promise<number> {
  if (args.length !== 1) throw usage('dlq show takes one dead-letter ID');
  const id = positiveInt(args[0]!, 'dead-letter ID');
  const letter = await store.getDeadLetter(id);
  if (!letter) throw notFound([id]);
  const job = await store.getJob(letter.jobId);
  if (values.json) {
    io.out(JSON.stringify({ ...safeLetter(letter), jobStatus: job?.status }, null, 2));
    return 0;
  }
  const state = letter.requeuedAt === undefined ? 'open' : `requeued ${formatTime(letter.requeuedAt)}`;
  const fields: [string, string | undefined][] = [
    ['flow', letter.flow],
    ['record', `${letter.model}/${letter.recordId}${letter.recordName ? `  ${letter.recordName}` : ''}`],
    ['correlation id', letter.correlationId],
    ['idempotency key', letter.idempotencyKey],
    ['version', letter.version ?? '(none rendered)'],
    ['attempts', String(letter.attempts)],
    ['dead since', `${formatTime(letter.createdAt)} (${formatAge(Date.now() - letter.createdAt)} ago)`],
    ['in Odoo', letter.surfacedAt === undefined ? 'no' : `yes, posted ${formatTime(letter.surfacedAt)}`],
    ['job', job ? `${job.id} (${job.status})` : `${letter.jobId} (gone)`],
    ['error', `${letter.errorCode}  ${letter.errorMessage}`],
    ...errorDetails(letter.error),
    ['response', letter.responseStatus === undefined ? '(no response)' : `HTTP ${letter.responseStatus}`],
  ];
  const lines = [`dead letter ${letter.id}  ${state}`];
  const width = Math.max(...fields.map(([label]) => label.length));
  for (const [label, value] of fields) lines.push(`  ${label.padEnd(width)}  ${value ?? ''}`);
  if (letter.responseBody) lines.push('', 'response body (excerpt):', indent(letter.responseBody));
  lines.push(
    '',
    'payload:',
    letter.payload === undefined ? '  (never rendered)' : indent(pretty(letter.payload)),
  );
  if (letter.requeuedAt === undefined) {
    lines.push(
      '',
      `next: ferry dlq requeue ${letter.id}   (same key and bytes; add --rerender after fixing the record)`,
      `      ferry trace ${letter.correlationId}`,
    );
  }
  for (const line of lines) io.out(redact(line));
  return 0;
}

async function requeue(store: Store, args: string[], values: Values, io: CommandIO): Promise<number> {
  const flow = typeof values.flow === 'string' ? values.flow : undefined;
  const chosen = [args.length > 0, flow !== undefined, values.all === true].filter(Boolean).length;
  if (chosen !== 1) throw usage('dlq requeue needs exactly one of: dead-letter IDs, --flow F, --all');
  const selector: RequeueSelector = { all: values.all === true };
  if (flow !== undefined) selector.flow = flow;
  if (args.length > 0) {
    selector.ids = args.map((a) => positiveInt(a, 'dead-letter ID'));
    const letters = await Promise.all(selector.ids.map((id) => store.getDeadLetter(id)));
    const missing = selector.ids.filter((_, i) => letters[i] === undefined);
    // Check all before changing any: a typo must not requeue half of a list.
    if (missing.length > 0) throw notFound(missing);
    const closed = letters.filter((l) => l?.requeuedAt !== undefined).map((l) => l!.id);
    if (closed.length > 0) io.out(`already requeued before: ${closed.join(', ')}`);
  }
  const rerender = values.rerender === true;
  const count = await store.requeue(selector, { rerender });
  const what = `${count} dead letter${count === 1 ? '' : 's'}`;
  if (count === 0) {
    io.out(`requeued 0 dead letters: none open${flow ? ` for flow ${flow}` : ''}`);
    return 0;
  }
  io.out(`requeued ${what}.`);
  io.out(
    rerender
      ? 'Next: each record is read again from Odoo, rendered with its flow’s current payload version and sent ' +
          'with a new key revision (Idempotency-Key ends in #r<n>) by the running engine or the next "ferry run".'
      : 'Next: each is sent again with the same Idempotency-Key and the same payload bytes by the running ' +
          'engine or the next "ferry run". Use --rerender instead after fixing the record or the flow.',
  );
  return 0;
}

/** The error record's extra fields (code and message are shown above it), secret-looking ones left out. */
function errorDetails(error: ErrorRecord): [string, string][] {
  return Object.entries(maskSecretFields(error))
    .filter(([key]) => key !== 'code' && key !== 'message')
    .map(([key, value]) => [`  ${key}`, typeof value === 'string' ? value : JSON.stringify(value)]);
}

function safeLetter(letter: DeadLetter): DeadLetter {
  return redactValue({ ...letter, error: maskSecretFields(letter.error) });
}

function maskSecretFields(error: ErrorRecord): ErrorRecord {
  const out: ErrorRecord = { code: error.code, message: error.message };
  for (const [key, value] of Object.entries(error)) {
    if (key !== 'code' && key !== 'message') out[key] = SECRET_FIELD.test(key) ? '[redacted]' : value;
  }
  return out;
}

/** JSON pretty-printed; anything else (a payload that never parsed) as stored. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function positiveInt(text: string, what: string): number {
  if (!/^[1-9]\d*$/.test(text)) throw usage(`${what} must be a positive whole number, got "${text}"`);
  return Number(text);
}

function usage(message: string): FerryError {
  return new FerryError('FERRY_USAGE', message, { hint: `usage: ${USAGE}` });
}

function notFound(ids: number[]): FerryError {
  return new FerryError(
    'FERRY_NOT_FOUND',
    `No dead letter ${ids.join(', ')}${ids.length > 1 ? ' (none requeued)' : ''}`,
    { hint: 'ferry dlq list --all shows every dead letter with its ID' },
  );
}
