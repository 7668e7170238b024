/**
 * JSON-2 takes named arguments only, while `executeKw` callers pass positional ones the way
 * `execute_kw` does. This table names the positional parameters of the ORM methods Ferry calls;
 * any other method is taken as a record method whose one positional argument is `ids`.
 */
import { FerryError } from '../../../engine/errors.js';
import type { RpcCall } from './transport.js';

const POSITIONAL_NAMES: Record<string, readonly string[]> = {
  search_read: ['domain', 'fields', 'offset', 'limit', 'order'],
  search: ['domain', 'offset', 'limit', 'order'],
  search_count: ['domain', 'limit'],
  name_search: ['name', 'domain', 'operator', 'limit'],
  read: ['ids', 'fields', 'load'],
  write: ['ids', 'vals'],
  create: ['vals_list'],
  copy: ['ids', 'default'],
  fields_get: ['allfields', 'attributes'],
  load: ['fields', 'data'],
  default_get: ['fields'],
  check_access_rights: ['operation', 'raise_exception'],
  has_access: ['ids', 'operation'],
  has_group: ['ids', 'group_ext_id'],
  context_get: [],
};

const RECORD_METHOD = ['ids'] as const;

export interface Json2Request {
  body: Record<string, unknown>;
  /** Turns the JSON-2 answer into what `execute_kw` would have answered. */
  adapt(result: unknown): unknown;
}

export function json2Request(call: RpcCall): Json2Request {
  const { model, method, kwargs } = call;
  let args = call.args;
  let adapt = (result: unknown): unknown => result;
  // `create` with one dict answers one id over execute_kw; JSON-2 only takes `vals_list`.
  if (method === 'create' && isPlainObject(args[0])) {
    args = [[args[0]], ...args.slice(1)];
    adapt = (result) => (Array.isArray(result) && result.length === 1 ? result[0] : result);
  }
  const names = POSITIONAL_NAMES[method] ?? RECORD_METHOD;
  if (args.length > names.length) {
    throw new FerryError(
      'FERRY_ODOO_BAD_REQUEST',
      `Odoo ${model}.${method}: JSON-2 takes named arguments only; pass all but the ids in kwargs`,
      { context: { protocol: 'json2', model, method } },
    );
  }
  const body: Record<string, unknown> = {};
  names.forEach((name, i) => {
    if (i >= args.length) return;
    const value = args[i];
    body[name] = name === 'ids' && typeof value === 'number' ? [value] : value;
  });
  return { body: { ...body, ...kwargs }, adapt };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
