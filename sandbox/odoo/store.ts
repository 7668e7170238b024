/**
 * The data: one table of rows per model, written through transactions. A transaction stamps every
 * create/write with its start instant (write_date keeps microseconds), keeps an undo log so a
 * failed call leaves nothing behind, and holds an outbox of side effects (webhooks) that Odoo
 * performs before its commit: while the outbox runs, other readers still see the old rows.
 */
import type { SimClock, Micros } from './clock.js';
import type { DataView, ModelDef, Row, Stored } from './models/fields.js';
import type { ModelRegistry } from './models/registry.js';
import { FerryError } from '../../engine/errors.js';
import { missingError, validationError } from './errors.js';

export interface Transaction {
  readonly uid: number;
  readonly now: Micros;
  /** First state of every row touched, `undefined` when the row was created here. */
  readonly undo: Map<string, { model: string; id: number; before: Row | undefined }>;
  /** Work Odoo does before COMMIT (webhook posts), run in order once the method returned. */
  readonly outbox: Array<() => Promise<void>>;
}

export type ChangeEvent =
  | { kind: 'create'; model: string; id: number; tx: Transaction }
  | { kind: 'write'; model: string; id: number; fields: string[]; before: Row; tx: Transaction };

export const SUPERUSER_ID = 1;

export interface Savepoint {
  rows: Map<string, Row | undefined>;
}

export class Store implements DataView {
  private readonly tables = new Map<string, Map<number, Row>>();
  private readonly nextIds = new Map<string, number>();
  private current: Transaction | undefined;
  private readonly versions = new Map<string, number>();
  private readonly inverseIndexes = new Map<string, { version: number; byParent: Map<number, number[]> }>();
  private readonly sequences = new Map<string, number>();
  private lockTail: Promise<void> = Promise.resolve();
  readonly listeners: Array<(event: ChangeEvent) => void> = [];

  constructor(
    readonly registry: ModelRegistry,
    readonly clock: SimClock,
  ) {}

  // ---- reading (DataView) ----

  table(model: string): Map<number, Row> {
    let table = this.tables.get(model);
    if (!table) this.tables.set(model, (table = new Map()));
    return table;
  }

  rows(model: string): Iterable<Row> {
    return this.table(model).values();
  }

  get(model: string, id: number): Row | undefined {
    return this.table(model).get(id);
  }

  model(name: string): ModelDef {
    const def = this.registry.get(name);
    if (!def) throw new FerryError('FERRY_USAGE', `Unknown model "${name}" in the Odoo simulator`);
    return def;
  }

  value(model: string, row: Row, field: string): Stored {
    const def = this.model(model).fields.get(field);
    if (def?.compute) return def.compute(this, row);
    return row[field] ?? (def?.type === 'many2many' || def?.type === 'one2many' ? [] : false);
  }

  displayName(model: string, id: number): string {
    const def = this.model(model);
    const row = this.get(model, id);
    if (!row) return '';
    if (def.displayName) return def.displayName(this, row);
    const name = this.value(model, row, def.recName);
    return typeof name === 'string' ? name : `${model},${id}`;
  }

  // ---- transactions ----

  /** Serialises writing calls (Odoo's row locks): readers never wait. */
  async withWriteLock<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.lockTail;
    let release!: () => void;
    this.lockTail = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Runs `fn` synchronously in a new transaction; rolls back if it throws. */
  transact<T>(uid: number, fn: (tx: Transaction) => T): { result: T; tx: Transaction } {
    if (this.current) throw new FerryError('FERRY_USAGE', 'Odoo simulator: nested transaction');
    const tx: Transaction = { uid, now: this.clock.now(), undo: new Map(), outbox: [] };
    this.current = tx;
    try {
      return { result: fn(tx), tx };
    } catch (err) {
      this.restore(tx, 'before');
      (err as { tx?: Transaction }).tx = tx;
      throw err;
    } finally {
      this.current = undefined;
    }
  }

  /**
   * Runs the outbox "before commit": the rows go back to their old state while it runs, so an
   * HTTP receiver that reads back at once sees stale data, exactly as with a real Odoo.
   */
  async flushOutbox(tx: Transaction, committed: boolean): Promise<void> {
    if (tx.outbox.length === 0) return;
    const after = committed ? this.snapshot(tx) : undefined;
    if (committed) this.restore(tx, 'before');
    try {
      for (const job of tx.outbox) await job();
    } finally {
      if (after) for (const [key, row] of after) this.put(key.model, key.id, row);
    }
  }

  /** Marks the current state of the running transaction (Odoo's `cr.savepoint()`). */
  savepoint(): Savepoint {
    const tx = this.current;
    if (!tx) throw new FerryError('FERRY_USAGE', 'Odoo simulator: savepoint outside a transaction');
    return { rows: new Map([...tx.undo.keys()].map((key) => [key, this.rowOf(key)])) };
  }

  /** Undoes everything done since `mark` but keeps the transaction open. */
  rollbackTo(mark: Savepoint): void {
    const tx = this.current;
    if (!tx) throw new FerryError('FERRY_USAGE', 'Odoo simulator: rollback outside a transaction');
    for (const [key, entry] of [...tx.undo.entries()].reverse()) {
      if (mark.rows.has(key)) {
        this.put(entry.model, entry.id, mark.rows.get(key));
      } else {
        this.put(entry.model, entry.id, entry.before);
        tx.undo.delete(key);
      }
    }
  }

  private rowOf(key: string): Row | undefined {
    const entry = this.current?.undo.get(key);
    return entry ? this.get(entry.model, entry.id) : undefined;
  }

  private snapshot(tx: Transaction): Array<[{ model: string; id: number }, Row | undefined]> {
    return [...tx.undo.values()].map(({ model, id }) => [{ model, id }, this.get(model, id)]);
  }

  private restore(tx: Transaction, _state: 'before'): void {
    for (const { model, id, before } of [...tx.undo.values()].reverse()) this.put(model, id, before);
  }

  /** Every change of a row goes through here, so indexes know when they are stale. */
  private put(model: string, id: number, row: Row | undefined): void {
    if (row) this.table(model).set(id, row);
    else this.table(model).delete(id);
    this.versions.set(model, (this.versions.get(model) ?? 0) + 1);
  }

  /** Ids of the `model` rows whose many2one `field` is `parentId`, ascending: a one2many's value. */
  children(model: string, field: string, parentId: number): number[] {
    const key = `${model}.${field}`;
    const version = this.versions.get(model) ?? 0;
    let index = this.inverseIndexes.get(key);
    if (!index || index.version !== version) {
      const byParent = new Map<number, number[]>();
      for (const row of this.rows(model)) {
        const parent = row[field];
        if (typeof parent !== 'number') continue;
        const list = byParent.get(parent);
        if (list) list.push(row.id);
        else byParent.set(parent, [row.id]);
      }
      for (const list of byParent.values()) list.sort((a, b) => a - b);
      index = { version, byParent };
      this.inverseIndexes.set(key, index);
    }
    return [...(index.byParent.get(parentId) ?? [])];
  }

  /** Next number of a sequence such as "WH/OUT/" (ir.sequence: never rolled back, like PostgreSQL's). */
  nextNumber(model: string, prefix: string): number {
    const key = `${model}:${prefix}`;
    let current = this.sequences.get(key);
    if (current === undefined) {
      current = 0;
      for (const row of this.rows(model)) {
        const name = row.name;
        const n =
          typeof name === 'string' && name.startsWith(prefix) ? Number(name.slice(prefix.length)) : NaN;
        if (Number.isInteger(n) && n > current) current = n;
      }
    }
    this.sequences.set(key, current + 1);
    return current + 1;
  }

  private touch(model: string, id: number): Transaction {
    const tx = this.current;
    if (!tx) throw new FerryError('FERRY_USAGE', 'Odoo simulator: write outside a transaction');
    const key = `${model}#${id}`;
    if (!tx.undo.has(key)) tx.undo.set(key, { model, id, before: this.get(model, id) });
    return tx;
  }

  // ---- writing (inside transact) ----

  /** Inserts a row from stored values; applies defaults, sequences and required checks. */
  insert(model: string, vals: Record<string, Stored>, id?: number): number {
    const def = this.model(model);
    const newId = id ?? this.nextIds.get(model) ?? this.maxId(model) + 1;
    this.nextIds.set(model, Math.max(newId, this.nextIds.get(model) ?? 0) + 1);
    const tx = this.touch(model, newId);
    const full: Record<string, Stored> = { ...vals };
    for (const [name, value] of Object.entries(def.defaults)) {
      if (full[name] === undefined)
        full[name] = typeof value === 'function' ? value({ now: tx.now, uid: tx.uid }) : value;
    }
    def.onCreate?.(this, full);
    for (const field of def.fields.values()) {
      if (
        field.required &&
        !field.compute &&
        (full[field.name] === undefined || full[field.name] === false)
      ) {
        throw mandatoryFieldError(def, field.name, field.string);
      }
    }
    const row: Row = {
      ...full,
      id: newId,
      create_uid: tx.uid,
      create_date: tx.now,
      write_uid: tx.uid,
      write_date: tx.now,
    };
    this.put(model, newId, row);
    for (const listener of this.listeners) listener({ kind: 'create', model, id: newId, tx });
    return newId;
  }

  /** Updates rows; every id must exist (MissingError otherwise, before anything changes). */
  update(model: string, ids: number[], vals: Record<string, Stored>): void {
    const def = this.model(model);
    const missing = ids.filter((id) => !this.get(model, id));
    if (missing.length > 0) throw missingRecordError(model, missing, this.current?.uid ?? SUPERUSER_ID);
    for (const [name, value] of Object.entries(vals)) {
      const field = def.fields.get(name);
      if (field?.required && value === false) throw mandatoryFieldError(def, name, field.string);
    }
    for (const id of ids) {
      const tx = this.touch(model, id);
      const before = this.get(model, id) as Row;
      this.put(model, id, { ...before, ...vals, id, write_uid: tx.uid, write_date: tx.now });
      for (const listener of this.listeners) {
        listener({ kind: 'write', model, id, fields: Object.keys(vals), before, tx });
      }
    }
  }

  remove(model: string, ids: number[]): void {
    const missing = ids.filter((id) => !this.get(model, id));
    if (missing.length > 0) throw missingRecordError(model, missing, this.current?.uid ?? SUPERUSER_ID);
    for (const id of ids) {
      this.touch(model, id);
      this.put(model, id, undefined);
    }
  }

  /** Puts a seed row in place as-is (no transaction, no listeners). */
  seed(model: string, row: Row): void {
    this.put(model, row.id, row);
    this.nextIds.set(model, Math.max(this.nextIds.get(model) ?? 1, row.id + 1));
  }

  private maxId(model: string): number {
    let max = 0;
    for (const id of this.table(model).keys()) if (id > max) max = id;
    return max;
  }
}

export function missingRecordError(model: string, ids: number[], uid: number) {
  return missingError(
    `Record does not exist or has been deleted.\n(Record: ${model}(${ids.join(', ')}${ids.length === 1 ? ',' : ''}), User: ${uid})`,
  );
}

export function mandatoryFieldError(def: ModelDef, field: string, label: string) {
  return validationError(
    'The operation cannot be completed:\n' +
      '- Create/update: a mandatory field is not set.\n' +
      '- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n' +
      `Model: ${def.description} (${def.name})\nField: ${label} (${field})\n`,
  );
}
