/**
 * `ferry trace <correlation-id | record name>`: every event of a transaction in time order, across
 * retries and restarts, read from the store's event log. Also home of the small text-table helpers the
 * operator commands share.
 */
import type { Command } from '../command.js';
import { FerryError } from '../../errors.js';
import { redact, redactValue } from '../../log/redact.js';
import type { StoredEvent } from '../../store/index.js';
import { openExistingStore, STORE_OPTION, storeUrl } from '../store-url.js';

const USAGE = 'ferry trace <correlation-id | record name such as WH/OUT/00012> [--json] [--store url]';

export const traceCommand: Command = {
  name: 'trace',
  summary: 'Print every event of a transaction, by correlation ID or record name.',
  usage: USAGE,
  options: { ...STORE_OPTION, json: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    const [query, ...extra] = positionals;
    if (!query || extra.length > 0) {
      throw new FerryError('FERRY_USAGE', 'trace takes one correlation ID or record name', {
        hint: `usage: ${USAGE}`,
      });
    }
    const store = await openExistingStore(storeUrl(values, io.env), io.cwd);
    let events: StoredEvent[];
    try {
      events = await store.trace(query);
    } finally {
      await store.close();
    }
    if (events.length === 0) {
      throw new FerryError('FERRY_NOT_FOUND', `No transaction matches "${query}"`, {
        hint: 'Give a correlation ID (X-Correlation-ID) or the record name as Odoo shows it, e.g. WH/OUT/00012',
      });
    }
    if (values.json) {
      io.out(JSON.stringify(redactValue(events), null, 2));
      return 0;
    }
    for (const [index, transaction] of byTransaction(events).entries()) {
      if (index > 0) io.out('');
      printTransaction(transaction, io.out);
    }
    return 0;
  },
};

/** Events grouped per correlation ID, groups in the order of their first event: a record name may match several. */
function byTransaction(events: StoredEvent[]): StoredEvent[][] {
  const groups = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const group = groups.get(event.correlationId);
    if (group) group.push(event);
    else groups.set(event.correlationId, [event]);
  }
  return [...groups.values()];
}

function printTransaction(events: StoredEvent[], out: (line: string) => void): void {
  const first = events[0]!;
  const record = events.find((e) => e.record)?.record;
  const name = events.find((e) => e.recordName)?.recordName;
  const about = [`flow ${first.flow}`, record && `record ${record}`, name && `(${name})`].filter(Boolean);
  out(redact(`transaction ${first.correlationId}  ${about.join(' ')}`));
  const rows = events.map((e) => [
    formatTime(e.at),
    e.kind,
    e.attempt === undefined ? '' : String(e.attempt),
    e.status === undefined ? '' : String(e.status),
    e.durationMs === undefined ? '' : formatDuration(e.durationMs),
    e.errorCode ?? '',
    e.message ?? '',
    e.version ?? '',
  ]);
  for (const line of table(
    ['TIME', 'KIND', 'ATTEMPT', 'STATUS', 'DURATION', 'ERROR', 'MESSAGE', 'VERSION'],
    rows,
  )) {
    out(redact(line));
  }
}

/** Left-aligned columns two spaces apart; the last column is not padded. Cells are one line each. */
export function table(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows.map((row) => row.map((cell) => cell.replace(/\s*\n\s*/g, ' ')))];
  const widths = header.map((_, col) => Math.max(...all.map((row) => (row[col] ?? '').length)));
  return all.map((row) =>
    row
      .map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** UTC with milliseconds: events of one attempt are often within the same second. */
export function formatTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return formatAge(ms);
}

/** A coarse span for humans: 45s, 12m, 5h, 3d. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}
