/**
 * Direct data access for tests and benchmarks, as the superuser and without HTTP: create, write,
 * read and search records with the same conversions and checks as RPC, see write_date with its
 * microseconds, write many records with one shared timestamp, and drive the clock.
 */
import type { AccessControl } from './access.js';
import { formatPython, type SimClock } from './clock.js';
import { FerryError } from '../../engine/errors.js';
import type { DomainCompiler } from './domain.js';
import type { FieldType } from './models/fields.js';
import { field } from './models/fields.js';
import { createRecords, readRecords, searchIds, unlinkRecords, writeRecords } from './orm/crud.js';
import type { Env } from './orm/env.js';
import type { SearchOptions } from './orm/search.js';
import type { Store } from './store.js';
import { SUPERUSER_ID } from './store.js';
import type { VersionProfile } from './versions.js';

export class SimDatabase {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly access: AccessControl,
    private readonly domains: DomainCompiler,
    private readonly profile: VersionProfile,
  ) {}

  get clock(): SimClock {
    return this.store.clock;
  }

  /** Stops time (at `at`, "YYYY-MM-DD HH:MM:SS[.ffffff]" UTC, or now): later writes share that instant. */
  freezeClock(at?: string | Date): void {
    this.store.clock.freeze(at);
  }

  unfreezeClock(): void {
    this.store.clock.unfreeze();
  }

  advanceClock(ms: number): void {
    this.store.clock.advance(ms);
  }

  create(model: string, vals: Record<string, unknown>): number {
    return this.createMany(model, [vals])[0] as number;
  }

  /** Creates all records in one transaction: they share one create/write timestamp. */
  createMany(model: string, valsList: Array<Record<string, unknown>>): number[] {
    return this.transact((env) => createRecords(env, this.known(model), valsList));
  }

  /** Writes all `ids` in one transaction, so they share one write_date (like Odoo's bulk writes). */
  write(model: string, ids: number | number[], vals: Record<string, unknown>): void {
    this.transact((env) => writeRecords(env, this.known(model), Array.isArray(ids) ? ids : [ids], vals));
  }

  unlink(model: string, ids: number | number[]): void {
    this.transact((env) => unlinkRecords(env, this.known(model), Array.isArray(ids) ? ids : [ids]));
  }

  /** Records as `read` answers over RPC (write_date cut to the second, many2one as [id, name]). */
  read(model: string, ids: number | number[], fields?: string[]): Array<Record<string, unknown>> {
    return readRecords(this.env(), this.known(model), Array.isArray(ids) ? ids : [ids], fields);
  }

  search(model: string, domain: unknown[] = [], options: SearchOptions = {}): number[] {
    return searchIds(this.env(), this.known(model), domain, options);
  }

  /** The stored write_date with microseconds ("YYYY-MM-DD HH:MM:SS.ffffff" unless they are zero). */
  writeDate(model: string, id: number): string {
    const value = this.store.get(this.known(model), id)?.write_date;
    if (typeof value !== 'number')
      throw new FerryError('FERRY_NOT_FOUND', `No ${model} record with id ${id}`);
    return formatPython(value);
  }

  /** Adds a custom field (`x_…`), as an administrator would in the settings. */
  addCustomField(model: string, name: string, type: FieldType, label: string): void {
    if (!name.startsWith('x_'))
      throw new FerryError('FERRY_USAGE', `Custom field names start with "x_": ${name}`);
    this.store.registry.addCustomField(this.known(model), name, field.custom(type, label));
  }

  /** Resolves when webhooks triggered by direct writes have been sent. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private env(): Env {
    const { store, access, domains, profile } = this;
    return { store, access, domains, profile, uid: SUPERUSER_ID, context: {} };
  }

  private known(model: string): string {
    if (!this.store.registry.get(model)) throw new FerryError('FERRY_USAGE', `Unknown model "${model}"`);
    return model;
  }

  private transact<T>(fn: (env: Env) => T): T {
    const { result, tx } = this.store.transact(SUPERUSER_ID, () => fn(this.env()));
    if (tx.outbox.length > 0) {
      // Direct writes are committed at once; their webhooks go out in the background.
      const sending = this.store.flushOutbox(tx, false).finally(() => this.pending.delete(sending));
      this.pending.add(sending);
    }
    return result;
  }
}
