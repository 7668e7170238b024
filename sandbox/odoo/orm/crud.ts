/**
 * The core ORM methods with Odoo's checks: model access rights, record rules, missing records,
 * unknown fields. Used by the RPC method table, by `load` and by the test-facing database handle.
 */
import type { Operation } from '../access.js';
import type { Domain } from '../domain.js';
import { accessError, valueError } from '../errors.js';
import type { FieldDef, Row } from '../models/fields.js';
import { missingRecordError } from '../store.js';
import { fromRpc, invalidField, readRow, type RelationCommands } from './convert.js';
import type { Env } from './env.js';
import { searchRows, type SearchOptions } from './search.js';

const VERBS: Record<Operation, string> = {
  read: 'access',
  write: 'modify',
  create: 'create',
  unlink: 'delete',
};

/** Ids of existing records; Odoo's `read` silently drops the others. */
export function existing(env: Env, model: string, ids: number[]): number[] {
  return ids.filter((id) => env.store.get(model, id) !== undefined);
}

/** Raises the record-rule AccessError when some of `ids` are outside what the user may see. */
export function checkRules(env: Env, model: string, ids: number[], operation: Operation): void {
  const rule = env.access.ruleDomain(env.uid, model);
  if (!rule || ids.length === 0) return;
  const allowed = env.domains.compile(model, rule);
  const denied = ids
    .map((id) => env.store.get(model, id))
    .filter((row): row is Row => !!row && !allowed(row));
  if (denied.length === 0) return;
  const def = env.store.model(model);
  const user = env.store.get('res.users', env.uid);
  const records = denied.map((row) => `${env.store.displayName(model, row.id)} (id=${row.id})`).join(', ');
  throw accessError(
    `Due to security restrictions, you are not allowed to ${VERBS[operation]} '${def.description}' (${model}) records.\n\n` +
      `Records: ${records}\nUser: ${String(user?.name ?? '')} (id=${env.uid})\n\n` +
      `This restriction is due to the following rules:\n${env.access
        .ruleNames(env.uid, model)
        .map((name) => `- ${name}`)
        .join('\n')}\n\nContact your administrator to request access if necessary.`,
  );
}

export function allFieldNames(env: Env, model: string): string[] {
  return [...env.store.model(model).fields.keys()];
}

export function readRecords(
  env: Env,
  model: string,
  ids: number[],
  fields?: unknown,
): Record<string, unknown>[] {
  env.access.check(env.uid, model, 'read');
  const names = fieldList(env, model, fields);
  const found = existing(env, model, ids);
  checkRules(env, model, found, 'read');
  return found.map((id) => readRow(env.store, model, env.store.get(model, id) as Row, names));
}

export function searchRead(
  env: Env,
  model: string,
  domain: Domain,
  fields: unknown,
  options: SearchOptions,
): Record<string, unknown>[] {
  env.access.check(env.uid, model, 'read');
  const names = fieldList(env, model, fields);
  return searchRows(env, model, domain, options).map((row) => readRow(env.store, model, row, names));
}

export function searchIds(env: Env, model: string, domain: Domain, options: SearchOptions = {}): number[] {
  env.access.check(env.uid, model, 'read');
  return searchRows(env, model, domain, options).map((row) => row.id);
}

/** Creates one record per dict; returns the new ids. */
export function createRecords(env: Env, model: string, valsList: unknown[]): number[] {
  env.access.check(env.uid, model, 'create');
  return valsList.map((vals) => {
    const { own, one2many } = fromRpc(env.store, model, vals);
    const id = env.store.insert(model, own);
    for (const relation of one2many) applyOne2many(env, id, relation);
    return id;
  });
}

export function writeRecords(env: Env, model: string, ids: number[], vals: unknown): void {
  env.access.check(env.uid, model, 'write');
  const missing = ids.filter((id) => !env.store.get(model, id));
  if (missing.length > 0) throw missingRecordError(model, missing, env.uid);
  checkRules(env, model, ids, 'write');
  for (const id of ids) {
    const { own, one2many } = fromRpc(env.store, model, vals, env.store.get(model, id));
    env.store.update(model, [id], own);
    for (const relation of one2many) applyOne2many(env, id, relation);
  }
}

export function unlinkRecords(env: Env, model: string, ids: number[]): void {
  env.access.check(env.uid, model, 'unlink');
  const found = existing(env, model, ids);
  checkRules(env, model, found, 'unlink');
  env.store.remove(model, found);
}

/** Applies one2many commands ([0, 0, vals], [1, id, vals], [2, id], [4, id], [6, 0, ids] …). */
function applyOne2many(env: Env, parentId: number, { field, commands }: RelationCommands): void {
  const comodel = field.relation as string;
  const inverse = field.inverseName as string;
  const inverseDef = env.store.model(comodel).fields.get(inverse) as FieldDef;
  if (inverseDef.type !== 'many2one') return; // polymorphic chatter links are not written this way
  const children = () =>
    [...env.store.rows(comodel)].filter((row) => row[inverse] === parentId).map((row) => row.id);
  const detach = (id: number) =>
    inverseDef.required
      ? unlinkRecords(env, comodel, [id])
      : writeRecords(env, comodel, [id], { [inverse]: false });
  for (const [code, id, vals] of commands) {
    if (code === 0) createRecords(env, comodel, [{ ...(vals as object), [inverse]: parentId }]);
    else if (code === 1) writeRecords(env, comodel, [id as number], vals);
    else if (code === 2) unlinkRecords(env, comodel, [id as number]);
    else if (code === 3) detach(id as number);
    else if (code === 4) writeRecords(env, comodel, [id as number], { [inverse]: parentId });
    else if (code === 5) children().forEach(detach);
    else if (code === 6) {
      const wanted = Array.isArray(vals) ? (vals as number[]) : [];
      children()
        .filter((child) => !wanted.includes(child))
        .forEach(detach);
      if (wanted.length > 0) writeRecords(env, comodel, wanted, { [inverse]: parentId });
    } else throw valueError(`Unsupported one2many command ${String(code)}`);
  }
}

function fieldList(env: Env, model: string, fields: unknown): string[] {
  if (
    fields === undefined ||
    fields === null ||
    fields === false ||
    (Array.isArray(fields) && fields.length === 0)
  ) {
    return allFieldNames(env, model);
  }
  if (!Array.isArray(fields)) throw valueError(`Invalid fields ${String(fields)}`);
  const def = env.store.model(model);
  for (const name of fields)
    if (typeof name !== 'string' || !def.fields.has(name)) throw invalidField(model, String(name));
  return fields as string[];
}

/** `fields_get`: attribute names sorted as Odoo emits them, restricted to `attributes` when given. */
export function fieldsGet(
  env: Env,
  model: string,
  allfields: unknown,
  attributes: unknown,
): Record<string, unknown> {
  const wanted =
    Array.isArray(attributes) && attributes.length > 0 ? new Set(attributes as string[]) : undefined;
  const only = Array.isArray(allfields) && allfields.length > 0 ? new Set(allfields as string[]) : undefined;
  const result: Record<string, unknown> = {};
  for (const field of env.store.model(model).fields.values()) {
    if (only && !only.has(field.name)) continue;
    const description: Record<string, unknown> = {
      change_default: false,
      company_dependent: false,
      manual: field.manual,
      name: field.name,
      readonly: field.readonly,
      ...(field.relation ? { relation: field.relation } : {}),
      ...(field.inverseName ? { relation_field: field.inverseName } : {}),
      required: field.required,
      searchable: true,
      ...(field.selection ? { selection: field.selection } : {}),
      sortable: !field.compute,
      store: !field.compute,
      string: field.string,
      type: field.type,
    };
    result[field.name] = wanted
      ? Object.fromEntries(Object.entries(description).filter(([key]) => wanted.has(key)))
      : description;
  }
  return result;
}
