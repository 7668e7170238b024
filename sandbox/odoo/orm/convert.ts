/**
 * Values between the wire and the store. Reads answer Odoo's RPC encoding (false for empty,
 * many2one as [id, name], datetimes cut to the second, floats as floats); writes accept what Odoo
 * accepts (ids, x2many commands, "YYYY-MM-DD HH:MM:SS" strings) and refuse the rest as Odoo does.
 */
import { formatPython, formatSeconds, parseOdooDatetime } from '../clock.js';
import { valueError, validationError } from '../errors.js';
import type { FieldDef, Row, Stored } from '../models/fields.js';
import { PyFloat, pyRepr } from '../pyjson.js';
import type { Store } from '../store.js';

/** Magic columns Odoo drops silently from create/write values. */
const IGNORED_ON_WRITE = new Set([
  'id',
  'create_uid',
  'create_date',
  'write_uid',
  'write_date',
  'display_name',
]);

export function invalidField(model: string, name: string) {
  return valueError(`Invalid field ${pyRepr(name)} on model ${pyRepr(model)}`);
}

/** One field value as `read()` answers it over RPC. */
export function toRpc(store: Store, def: FieldDef, value: Stored): unknown {
  switch (def.type) {
    case 'many2one': {
      if (typeof value !== 'number' || !def.relation || !store.get(def.relation, value)) return false;
      return [value, store.displayName(def.relation, value)];
    }
    case 'one2many':
    case 'many2many':
      return Array.isArray(value) ? value : [];
    case 'datetime':
      return typeof value === 'number' ? formatSeconds(value) : false;
    case 'float':
    case 'monetary':
      return new PyFloat(typeof value === 'number' ? value : 0);
    case 'integer':
      return typeof value === 'number' ? value : 0;
    case 'boolean':
      return value === true;
    default:
      return value;
  }
}

/** One field value as base_automation's webhook payload carries it (`read(load=None)` + `str()` dates). */
export function toWebhook(def: FieldDef, value: Stored): unknown {
  switch (def.type) {
    case 'many2one':
      return typeof value === 'number' ? value : false;
    case 'datetime':
      return typeof value === 'number' ? formatPython(value) : false;
    case 'float':
    case 'monetary':
      return new PyFloat(typeof value === 'number' ? value : 0);
    case 'integer':
      return typeof value === 'number' ? value : 0;
    case 'boolean':
      return value === true;
    default:
      return value;
  }
}

/** Reads a row as `read(fields)` answers: `id` first, then the fields in the order asked. */
export function readRow(store: Store, model: string, row: Row, fields: string[]): Record<string, unknown> {
  const def = store.model(model);
  const result: Record<string, unknown> = { id: row.id };
  for (const name of fields) {
    if (name === 'id') continue;
    const field = def.fields.get(name);
    if (!field) throw invalidField(model, name);
    result[name] = toRpc(store, field, store.value(model, row, name));
  }
  return result;
}

/** x2many commands found in create/write values, applied once the record exists. */
export interface RelationCommands {
  field: FieldDef;
  commands: unknown[][];
}

export interface ConvertedVals {
  own: Record<string, Stored>;
  one2many: RelationCommands[];
}

/** Turns RPC values into stored values; unknown fields raise Odoo's ValueError. */
export function fromRpc(store: Store, model: string, vals: unknown, current?: Row): ConvertedVals {
  if (typeof vals !== 'object' || vals === null || Array.isArray(vals)) {
    throw valueError(`dictionary update sequence element #0 has length 1; 2 is required`);
  }
  const def = store.model(model);
  const own: Record<string, Stored> = {};
  const one2many: RelationCommands[] = [];
  for (const [name, value] of Object.entries(vals as Record<string, unknown>)) {
    const field = def.fields.get(name);
    if (!field) throw invalidField(model, name);
    if (IGNORED_ON_WRITE.has(name)) continue;
    if (field.type === 'one2many') {
      one2many.push({ field, commands: asCommands(value) });
      continue;
    }
    if (field.compute) continue;
    own[name] = convertValue(store, model, field, value, current);
  }
  return { own, one2many };
}

function convertValue(store: Store, model: string, field: FieldDef, value: unknown, current?: Row): Stored {
  if (value === null || value === undefined) value = false;
  const wrong = () => valueError(`Wrong value for ${model}.${field.name}: ${pyRepr(value)}`);
  switch (field.type) {
    case 'many2one': {
      if (value === false) return false;
      const id = Array.isArray(value) ? value[0] : value;
      if (typeof id !== 'number' || !Number.isInteger(id)) throw wrong();
      if (!store.get(field.relation as string, id)) throw foreignKeyError(store, model, field.name);
      return id;
    }
    case 'many2many': {
      const existing = Array.isArray(current?.[field.name]) ? (current[field.name] as number[]) : [];
      return applyManyCommands(existing, asCommands(value));
    }
    case 'datetime': {
      if (value === false) return false;
      const us = typeof value === 'string' ? parseOdooDatetime(value) : undefined;
      if (us === undefined) {
        throw valueError(`time data ${pyRepr(value)} does not match format '%Y-%m-%d %H:%M:%S'`);
      }
      return us;
    }
    case 'date': {
      if (value === false) return false;
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
        throw valueError(`time data ${pyRepr(value)} does not match format '%Y-%m-%d'`);
      }
      return value.slice(0, 10);
    }
    case 'integer':
    case 'float':
    case 'monetary':
      if (value === false) return 0;
      if (typeof value !== 'number') throw wrong();
      return field.type === 'integer' ? Math.trunc(value) : value;
    case 'boolean':
      return Boolean(value);
    case 'selection':
      if (value === false) return false;
      if (!field.selection?.some(([key]) => key === value)) throw wrong();
      return value as string;
    default:
      if (value === false) return false;
      if (typeof value === 'string') return value;
      if (typeof value === 'number') return String(value);
      throw wrong();
  }
}

/** Accepts commands ([6, 0, ids], [4, id], …) or, since Odoo 17, a plain list of ids. */
function asCommands(value: unknown): unknown[][] {
  if (value === false || value === null || value === undefined) return [[5]];
  if (!Array.isArray(value)) throw valueError(`Invalid x2many value ${pyRepr(value)}`);
  if (value.every((v) => typeof v === 'number')) return [[6, 0, value]];
  return value.map((command) => {
    if (!Array.isArray(command)) throw valueError(`Invalid x2many command ${pyRepr(command)}`);
    return command;
  });
}

function applyManyCommands(existing: number[], commands: unknown[][]): number[] {
  let ids = [...existing];
  for (const [code, id, arg] of commands) {
    if (code === 6) ids = Array.isArray(arg) ? [...(arg as number[])] : [];
    else if (code === 5) ids = [];
    else if (code === 4 && typeof id === 'number' && !ids.includes(id)) ids.push(id);
    else if ((code === 3 || code === 2) && typeof id === 'number') ids = ids.filter((x) => x !== id);
    else if (code !== 4) throw valueError(`Unsupported many2many command ${pyRepr([code, id, arg])}`);
  }
  return ids;
}

function foreignKeyError(store: Store, model: string, column: string) {
  const def = store.model(model);
  return validationError(
    'The operation cannot be completed: another model requires the record being deleted. ' +
      'If possible, archive it instead.\n\n' +
      `Model: ${def.description} (${model})\nConstraint: ${model.replace(/\./g, '_')}_${column}_fkey\n`,
  );
}
