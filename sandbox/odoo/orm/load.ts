/**
 * `load(fields, data)`, Odoo's import: one row per record, `.id` (database id) or `id` (external id)
 * columns pick the record to update, other columns are converted from text like the import does
 * (relations by name, `x/id` by external id, `x/.id` by database id). If any row fails, everything
 * is rolled back and the answer is `{ids: false, messages: [...]}`.
 */
import { parseOdooDatetime } from '../clock.js';
import { OdooError, typeError } from '../errors.js';
import type { FieldDef } from '../models/fields.js';
import { SUPERUSER_ID } from '../store.js';
import { invalidField } from './convert.js';
import { createRecords, writeRecords } from './crud.js';
import type { Env } from './env.js';

export interface LoadResult {
  ids: number[] | false;
  messages: Array<Record<string, unknown>>;
}

interface Column {
  path: string;
  field?: FieldDef;
  /** '' plain value, 'id' external id, '.id' database id. */
  sub: '' | 'id' | '.id';
}

/** Raised inside a row while converting one cell; becomes one message with the field. */
class CellError extends Error {
  constructor(
    readonly field: FieldDef,
    message: string,
  ) {
    super(message);
  }
}

export function load(env: Env, model: string, fields: unknown, data: unknown): LoadResult {
  if (!Array.isArray(fields) || !Array.isArray(data))
    throw typeError('load() expects a list of fields and a list of rows');
  const columns = (fields as string[]).map((path) => parseColumn(env, model, String(path)));
  const ids: number[] = [];
  const messages: Array<Record<string, unknown>> = [];
  const savepoint = env.store.savepoint();
  data.forEach((row, index) => {
    const info = { rows: { from: index, to: index }, record: index };
    try {
      ids.push(loadRow(env, model, columns, Array.isArray(row) ? (row as unknown[]) : []));
    } catch (err) {
      messages.push(rowMessage(err, info));
    }
  });
  if (messages.some((m) => m.type === 'error')) {
    env.store.rollbackTo(savepoint);
    return { ids: false, messages };
  }
  return { ids, messages };
}

function parseColumn(env: Env, model: string, path: string): Column {
  const normalised = path.replace(/:id$/, '/id').replace(/(^|[^/])\.id$/, '$1/.id');
  if (normalised === '/.id' || path === '.id') return { path, sub: '.id' };
  if (normalised === 'id') return { path, sub: 'id' };
  const [name = '', sub = '', ...deeper] = normalised.split('/');
  const field = env.store.model(model).fields.get(name);
  if (!field || deeper.length > 0 || (sub !== '' && sub !== 'id' && sub !== '.id'))
    throw invalidField(model, path);
  if (sub !== '' && !field.relation) throw invalidField(model, path);
  return { path, field, sub: sub };
}

function loadRow(env: Env, model: string, columns: Column[], row: unknown[]): number {
  const vals: Record<string, unknown> = {};
  let dbId: number | undefined;
  let xmlid: string | undefined;
  columns.forEach((column, i) => {
    const cell = row[i];
    if (!column.field) {
      if (column.sub === '.id' && cell !== '' && cell !== false && cell !== undefined) dbId = Number(cell);
      if (column.sub === 'id' && typeof cell === 'string' && cell)
        xmlid = cell.includes('.') ? cell : `__import__.${cell}`;
      return;
    }
    vals[column.field.name] = convertCell(env, column, cell);
  });
  if (dbId === undefined && xmlid) dbId = resolveXmlid(env, model, xmlid);
  if (dbId !== undefined) {
    writeRecords(env, model, [dbId], vals);
    return dbId;
  }
  const [id] = createRecords(env, model, [vals]);
  if (xmlid) {
    const [module, name] = xmlid.split(/\.(.*)/s);
    createRecords({ ...env, uid: SUPERUSER_ID }, 'ir.model.data', [{ module, name, model, res_id: id }]);
  }
  return id as number;
}

function convertCell(env: Env, { field, sub }: Column, cell: unknown): unknown {
  const def = field as FieldDef;
  const text = cell === false || cell === null || cell === undefined ? '' : String(cell);
  if (text === '') return def.type === 'many2many' ? [] : false;
  const fail = (message: string) => new CellError(def, message);
  switch (def.type) {
    case 'many2one':
      return relationId(env, def, sub, text, fail);
    case 'many2many':
      return text.split(',').map((part) => relationId(env, def, sub, part.trim(), fail));
    case 'integer':
      if (!/^-?\d+$/.test(text.trim()))
        throw fail(`'${text}' does not seem to be an integer for field '${def.string}'`);
      return Number(text);
    case 'float':
    case 'monetary':
      if (Number.isNaN(Number(text)))
        throw fail(`'${text}' does not seem to be a number for field '${def.string}'`);
      return Number(text);
    case 'boolean':
      return !['0', 'false', 'no', 'off'].includes(text.toLowerCase());
    case 'selection': {
      const match = def.selection?.find(
        ([key, label]) => key === text || label.toLowerCase() === text.toLowerCase(),
      );
      if (!match) throw fail(`Value '${text}' not found in selection field '${def.string}'`);
      return match[0];
    }
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(text))
        throw fail(`'${text}' does not seem to be a valid date for field '${def.string}'`);
      return text;
    case 'datetime':
      if (parseOdooDatetime(text) === undefined) {
        throw fail(`'${text}' does not seem to be a valid datetime for field '${def.string}'`);
      }
      return text;
    default:
      return text;
  }
}

function relationId(
  env: Env,
  def: FieldDef,
  sub: Column['sub'],
  text: string,
  fail: (m: string) => CellError,
): number {
  const comodel = def.relation as string;
  if (sub === '.id') {
    const id = Number(text);
    if (!Number.isInteger(id) || !env.store.get(comodel, id)) {
      throw fail(`No matching record found for database id '${text}' in field '${def.string}'`);
    }
    return id;
  }
  if (sub === 'id') {
    const id = resolveXmlid(env, comodel, text.includes('.') ? text : `__import__.${text}`);
    if (id === undefined)
      throw fail(`No matching record found for external id '${text}' in field '${def.string}'`);
    return id;
  }
  for (const row of env.store.rows(comodel))
    if (env.store.displayName(comodel, row.id) === text) return row.id;
  throw fail(`No matching record found for name '${text}' in field '${def.string}'`);
}

function resolveXmlid(env: Env, model: string, xmlid: string): number | undefined {
  const [module, name] = xmlid.split(/\.(.*)/s);
  for (const row of env.store.rows('ir.model.data')) {
    if (row.module === module && row.name === name && row.model === model) return Number(row.res_id);
  }
  return undefined;
}

function rowMessage(err: unknown, info: Record<string, unknown>): Record<string, unknown> {
  if (err instanceof CellError) {
    return {
      rows: info.rows,
      type: 'error',
      record: info.record,
      field: err.field.name,
      message: err.message,
      field_name: err.field.string,
    };
  }
  if (err instanceof OdooError && err.family !== 'other')
    return { ...info, type: 'error', message: err.message };
  const name = err instanceof OdooError ? err.pyName.replace(/^builtins\./, '') : 'Exception';
  const message = err instanceof Error ? err.message : String(err);
  return {
    ...info,
    type: 'error',
    message: `Unknown error during import: <class '${name}'>: ${message}`,
    moreinfo: 'Resolve other errors first',
  };
}
