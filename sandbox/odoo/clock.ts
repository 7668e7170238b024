/**
 * Time as Odoo keeps it: UTC with microseconds. Every transaction stamps its writes with one
 * instant (its start), so records written together share a `write_date`; over RPC the value is
 * cut to the second. Tests freeze, set or advance the clock to make collisions on purpose.
 */
import { FerryError } from '../../engine/errors.js';

/** Microseconds since the Unix epoch (fits a double exactly for the next few centuries). */
export type Micros = number;

export class SimClock {
  private readonly wallAnchor = Date.now() * 1000;
  private readonly hrAnchor = process.hrtime.bigint();
  private offset = 0;
  private frozenAt: Micros | undefined;

  now(): Micros {
    if (this.frozenAt !== undefined) return this.frozenAt;
    return this.wallAnchor + Number((process.hrtime.bigint() - this.hrAnchor) / 1000n) + this.offset;
  }

  /** Stops time at `at` (default: now). Every later transaction gets exactly this instant. */
  freeze(at?: string | Date | Micros): void {
    this.frozenAt = at === undefined ? this.now() : toMicros(at);
  }

  /** Lets time run again from the frozen instant on. */
  unfreeze(): void {
    if (this.frozenAt === undefined) return;
    const target = this.frozenAt;
    this.frozenAt = undefined;
    this.offset += target - this.now();
  }

  /** Moves time forward (frozen or running). */
  advance(ms: number): void {
    const delta = Math.round(ms * 1000);
    if (this.frozenAt !== undefined) this.frozenAt += delta;
    else this.offset += delta;
  }
}

export function toMicros(at: string | Date | Micros): Micros {
  if (typeof at === 'number') return at;
  if (at instanceof Date) return at.getTime() * 1000;
  const parsed = parseOdooDatetime(at);
  if (parsed === undefined) {
    throw new FerryError('FERRY_USAGE', `Not a datetime: "${at}" (expected "YYYY-MM-DD HH:MM:SS[.ffffff]")`);
  }
  return parsed;
}

const DATETIME = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?(Z|[+-]00:?00)?$/;

/** Parses "YYYY-MM-DD[ HH:MM[:SS[.ffffff]]]" (UTC) the way Odoo accepts datetimes in domains and values. */
export function parseOdooDatetime(text: string): Micros | undefined {
  const m = DATETIME.exec(text.trim());
  if (!m) return undefined;
  const [, day, hh = '00', mm = '00', ss = '00', frac = ''] = m;
  const ms = Date.parse(`${day}T${hh}:${mm}:${ss}Z`);
  if (Number.isNaN(ms)) return undefined;
  return ms * 1000 + Number(frac.padEnd(6, '0'));
}

/** "YYYY-MM-DD HH:MM:SS", what every RPC read answers. */
export function formatSeconds(us: Micros): string {
  return new Date(Math.floor(us / 1000)).toISOString().slice(0, 19).replace('T', ' ');
}

/** Python's `str(datetime)`: adds ".ffffff" only when the microseconds are not zero. */
export function formatPython(us: Micros): string {
  const micros = ((us % 1_000_000) + 1_000_000) % 1_000_000;
  return micros === 0 ? formatSeconds(us) : `${formatSeconds(us)}.${String(micros).padStart(6, '0')}`;
}

/** "YYYY-MM-DD" of an instant (UTC). */
export function formatDay(us: Micros): string {
  return formatSeconds(us).slice(0, 10);
}
