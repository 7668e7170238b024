/**
 * The poll cursor, built for how Odoo stamps records: `write_date` is the start of the writing
 * transaction, kept with microseconds but answered truncated to the second. So `write_date = S`
 * matches nothing, a transaction that commits late lands behind a cursor that already moved on, and
 * a bulk write gives hundreds of records one second. The cursor therefore reads from
 * `newest second − overlap` on and remembers, per second, the ids it already handed over inside
 * that window, so the overlap re-reads only what is new.
 *
 * The cursor is opaque JSON for the runtime, stored with the jobs of each page. One blind spot
 * remains: a record taken in a second and written again within that same second keeps its
 * truncated write_date, so it is seen again only when it next changes.
 */
import { FerryError } from '../../engine/errors.js';
import type { Domain } from './client/client.js';

export interface CursorState {
  /** The newest write_date seen, "YYYY-MM-DD HH:MM:SS" (UTC, as Odoo answers it). */
  newest?: string;
  /** Ids handed over, by the second of their write_date; only seconds inside the overlap window. */
  taken: Record<string, number[]>;
}

const FORMAT_VERSION = 1;

export function emptyCursor(): CursorState {
  return { taken: {} };
}

export function parseCursor(text: string | undefined): CursorState {
  if (text === undefined || text === '') return emptyCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new FerryError('FERRY_STORE', 'the stored Odoo poll cursor is not valid JSON', {
      context: { cursor: text.slice(0, 200) },
      cause,
      retryable: false,
    });
  }
  const state = parsed as { v?: unknown; newest?: unknown; taken?: unknown };
  if (state.v !== FORMAT_VERSION || typeof state.taken !== 'object' || state.taken === null) {
    throw new FerryError('FERRY_STORE', 'the stored Odoo poll cursor has an unknown format', {
      context: { cursor: text.slice(0, 200) },
      retryable: false,
    });
  }
  return {
    newest: typeof state.newest === 'string' ? state.newest : undefined,
    taken: state.taken as Record<string, number[]>,
  };
}

export function formatCursor(state: CursorState): string {
  return JSON.stringify({ v: FORMAT_VERSION, newest: state.newest, taken: state.taken });
}

/**
 * The domain that selects what is left to read: everything from `newest − overlap` on, except the
 * ids already taken in a second, unless their write_date moved to a later second since.
 */
export function pendingDomain(state: CursorState, overlapMs: number): Domain {
  if (state.newest === undefined) return [];
  const terms: unknown[] = [['write_date', '>=', windowStart(state.newest, overlapMs)]];
  for (const [second, ids] of Object.entries(state.taken)) {
    if (ids.length === 0) continue;
    terms.push('|', ['id', 'not in', ids], ['write_date', '>=', addSeconds(second, 1)]);
  }
  return terms;
}

/** Records a page as taken and drops the seconds that fell out of the overlap window. */
export function advanceCursor(
  state: CursorState,
  page: readonly { id: number; writeDate: string }[],
  overlapMs: number,
): CursorState {
  // An id lives in one second only: a record re-read after a later write leaves its old second.
  const secondOf = new Map<number, string>();
  for (const [second, ids] of Object.entries(state.taken)) for (const id of ids) secondOf.set(id, second);
  let newest = state.newest;
  for (const { id, writeDate } of page) {
    const second = writeDate.slice(0, 19);
    secondOf.set(id, second);
    if (newest === undefined || second > newest) newest = second;
  }
  if (newest === undefined) return { taken: {} };
  const start = windowStart(newest, overlapMs);
  const taken: Record<string, number[]> = {};
  for (const [id, second] of secondOf) if (second >= start) (taken[second] ??= []).push(id);
  return { newest, taken };
}

/** The first second of the overlap window ending at `newest`. */
function windowStart(newest: string, overlapMs: number): string {
  return addSeconds(newest, -Math.ceil(overlapMs / 1000));
}

export function addSeconds(odooDatetime: string, seconds: number): string {
  const ms = Date.parse(`${odooDatetime.slice(0, 10)}T${odooDatetime.slice(11, 19)}Z`);
  if (Number.isNaN(ms)) {
    throw new FerryError('FERRY_ODOO_PROTOCOL', `Odoo answered a write_date that is not a datetime`, {
      context: { value: odooDatetime },
      retryable: false,
    });
  }
  return new Date(ms + seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}
