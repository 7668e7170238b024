/**
 * The public methods a client may call, with their Python signatures: which take record ids first,
 * which only read (no write lock, no webhooks), on which models and versions they exist.
 */
import type { Operation } from '../access.js';
import type { Domain } from '../domain.js';
import { valueError } from '../errors.js';
import type { ModelDef } from '../models/fields.js';
import type { VersionProfile } from '../versions.js';
import {
  actionAssign,
  actionCancel,
  actionConfirm,
  activitySchedule,
  buttonValidate,
  hasGroup,
  messagePost,
} from './business.js';
import {
  checkRules,
  createRecords,
  existing,
  fieldsGet,
  readRecords,
  searchIds,
  searchRead,
  unlinkRecords,
  writeRecords,
} from './crud.js';
import { Records, type Env } from './env.js';
import { load } from './load.js';
import type { Param } from './signature.js';
import { searchRows } from './search.js';

export interface MethodSpec {
  /** Python class for TypeError messages. */
  owner: string;
  params: Param[];
  varKeyword?: boolean;
  positional?: number;
  /** Record methods receive ids first (`args[0]` over RPC, `ids` over JSON-2); `@api.model` ones do not. */
  onRecords: boolean;
  /** Read-only methods run without the write lock and never trigger webhooks. */
  readonly: boolean;
  exists?: (profile: VersionProfile, model: ModelDef) => boolean;
  run: (env: Env, model: string, ids: number[], args: Record<string, unknown>) => unknown;
}

const OPERATIONS = new Set(['read', 'write', 'create', 'unlink']);
const only =
  (...models: string[]) =>
  (_p: VersionProfile, m: ModelDef) =>
    models.includes(m.name);

function operationOf(value: unknown): Operation {
  if (typeof value !== 'string' || !OPERATIONS.has(value)) throw valueError('Invalid access mode');
  return value as Operation;
}

function limitOf(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

const searchOptions = (args: Record<string, unknown>) => ({
  offset: typeof args.offset === 'number' ? args.offset : 0,
  limit: limitOf(args.limit),
  order: typeof args.order === 'string' ? args.order : undefined,
});

const asDomain = (value: unknown): Domain =>
  value === null || value === undefined || value === false ? [] : (value as Domain);

export const METHODS: Record<string, MethodSpec> = {
  search: {
    owner: 'BaseModel',
    params: [
      { name: 'domain' },
      { name: 'offset', default: 0 },
      { name: 'limit', default: null },
      { name: 'order', default: null },
    ],
    onRecords: false,
    readonly: true,
    run: (env, model, _ids, args) => searchIds(env, model, asDomain(args.domain), searchOptions(args)),
  },
  search_read: {
    owner: 'BaseModel',
    params: [
      { name: 'domain', default: null },
      { name: 'fields', default: null },
      { name: 'offset', default: 0 },
      { name: 'limit', default: null },
      { name: 'order', default: null },
    ],
    varKeyword: true,
    onRecords: false,
    readonly: true,
    run: (env, model, _ids, args) =>
      searchRead(env, model, asDomain(args.domain), args.fields, searchOptions(args)),
  },
  search_count: {
    owner: 'BaseModel',
    params: [{ name: 'domain' }, { name: 'limit', default: null }],
    onRecords: false,
    readonly: true,
    run: (env, model, _ids, args) =>
      searchIds(env, model, asDomain(args.domain), { limit: limitOf(args.limit) }).length,
  },
  read: {
    owner: 'BaseModel',
    params: [
      { name: 'fields', default: null },
      { name: 'load', default: '_classic_read' },
    ],
    onRecords: true,
    readonly: true,
    run: (env, model, ids, args) => readRecords(env, model, ids, args.fields),
  },
  write: {
    owner: 'BaseModel',
    params: [{ name: 'vals' }],
    onRecords: true,
    readonly: false,
    run: (env, model, ids, args) => (writeRecords(env, model, ids, args.vals), true),
  },
  create: {
    owner: 'BaseModel',
    params: [{ name: 'vals_list' }],
    onRecords: false,
    readonly: false,
    run: (env, model, _ids, args) => {
      const single = !Array.isArray(args.vals_list);
      const list = single ? [args.vals_list] : (args.vals_list as unknown[]);
      return new Records(createRecords(env, model, list), single);
    },
  },
  unlink: {
    owner: 'BaseModel',
    params: [],
    onRecords: true,
    readonly: false,
    run: (env, model, ids) => (unlinkRecords(env, model, ids), true),
  },
  fields_get: {
    owner: 'BaseModel',
    params: [
      { name: 'allfields', default: null },
      { name: 'attributes', default: null },
    ],
    onRecords: false,
    readonly: true,
    run: (env, model, _ids, args) => fieldsGet(env, model, args.allfields, args.attributes),
  },
  load: {
    owner: 'BaseModel',
    params: [{ name: 'fields' }, { name: 'data' }],
    onRecords: false,
    readonly: false,
    run: (env, model, _ids, args) => load(env, model, args.fields, args.data),
  },
  check_access_rights: {
    owner: 'BaseModel',
    params: [{ name: 'operation' }, { name: 'raise_exception', default: true }],
    onRecords: false,
    readonly: true,
    exists: (profile) => profile.checkAccessRights,
    run: (env, model, _ids, args) => {
      const operation = operationOf(args.operation);
      if (args.raise_exception === false) return env.access.can(env.uid, model, operation);
      env.access.check(env.uid, model, operation);
      return null; // Odoo returns None here: no `result` over JSON-RPC, a fault over XML-RPC
    },
  },
  has_access: {
    owner: 'BaseModel',
    params: [{ name: 'operation' }],
    onRecords: true,
    readonly: true,
    exists: (profile) => profile.hasAccess,
    run: (env, model, ids, args) => {
      const operation = operationOf(args.operation);
      if (!env.access.can(env.uid, model, operation)) return false;
      try {
        checkRules(env, model, existing(env, model, ids), operation);
        return true;
      } catch {
        return false;
      }
    },
  },
  name_get: {
    owner: 'BaseModel',
    params: [],
    onRecords: true,
    readonly: true,
    exists: (profile) => profile.nameGet,
    run: (env, model, ids) => {
      env.access.check(env.uid, model, 'read');
      return existing(env, model, ids).map((id) => [id, env.store.displayName(model, id)]);
    },
  },
  name_search: {
    owner: 'BaseModel',
    params: [
      { name: 'name', default: '' },
      { name: 'domain', default: null },
      { name: 'operator', default: 'ilike' },
      { name: 'limit', default: 100 },
    ],
    onRecords: false,
    readonly: true,
    run: (env, model, _ids, args) => {
      env.access.check(env.uid, model, 'read');
      const name = typeof args.name === 'string' ? args.name : '';
      const operator = typeof args.operator === 'string' ? args.operator : 'ilike';
      const domain: Domain = name
        ? [['display_name', operator, name], ...asDomain(args.domain)]
        : asDomain(args.domain);
      return searchRows(env, model, domain, { limit: limitOf(args.limit) }).map((row) => [
        row.id,
        env.store.displayName(model, row.id),
      ]);
    },
  },
  message_post: {
    owner: 'MailThread',
    params: [
      { name: 'body', default: '' },
      { name: 'subject', default: null },
      { name: 'message_type', default: 'notification' },
      { name: 'subtype_xmlid', default: null },
      { name: 'body_is_html', default: false },
    ],
    varKeyword: true,
    positional: 0,
    onRecords: true,
    readonly: false,
    exists: (_profile, model) => model.mailThread,
    run: (env, model, ids, args) => new Records([messagePost(env, model, ids, args)], true),
  },
  activity_schedule: {
    owner: 'MailActivityMixin',
    params: [
      { name: 'act_type_xmlid', default: '' },
      { name: 'date_deadline', default: null },
      { name: 'summary', default: '' },
      { name: 'note', default: '' },
    ],
    varKeyword: true,
    onRecords: true,
    readonly: false,
    exists: (_profile, model) => model.mailThread,
    run: (env, model, ids, args) => new Records(activitySchedule(env, model, ids, args), false),
  },
  // The JSON-2 API has no login call: clients learn their uid from the key's user context.
  context_get: {
    owner: 'Users',
    params: [],
    onRecords: false,
    readonly: true,
    exists: only('res.users'),
    run: (env) => ({ lang: 'en_US', tz: 'Europe/Brussels', uid: env.uid }),
  },
  has_group: {
    owner: 'Users',
    params: [{ name: 'group_ext_id' }],
    onRecords: true,
    readonly: true,
    exists: only('res.users'),
    run: (env, _model, ids, args) => hasGroup(env, ids, args.group_ext_id),
  },
  button_validate: {
    owner: 'Picking',
    params: [],
    onRecords: true,
    readonly: false,
    exists: only('stock.picking'),
    run: (env, _model, ids) => buttonValidate(env, ids),
  },
  action_cancel: {
    owner: 'Picking',
    params: [],
    onRecords: true,
    readonly: false,
    exists: only('stock.picking'),
    run: (env, _model, ids) => actionCancel(env, ids),
  },
  action_assign: {
    owner: 'Picking',
    params: [],
    onRecords: true,
    readonly: false,
    exists: only('stock.picking'),
    run: (env, _model, ids) => actionAssign(env, ids),
  },
  action_confirm: {
    owner: 'SaleOrder',
    params: [],
    onRecords: true,
    readonly: false,
    exists: only('sale.order'),
    run: (env, _model, ids) => actionConfirm(env, ids),
  },
};

/** The method if `model` has it on this version (Python's `getattr(model, name)`). */
export function findMethod(profile: VersionProfile, model: ModelDef, name: string): MethodSpec | undefined {
  const spec = Object.prototype.hasOwnProperty.call(METHODS, name) ? METHODS[name] : undefined;
  if (!spec || (spec.exists && !spec.exists(profile, model))) return undefined;
  return profile.legacySearchArgs ? withLegacySearchArgs(name, spec) : spec;
}

/** Odoo 16's signatures: `search(args, offset, limit, order, count)`, `search_count(args)`, `name_search(name, args…)`. */
function withLegacySearchArgs(name: string, spec: MethodSpec): MethodSpec {
  if (name !== 'search' && name !== 'search_count' && name !== 'name_search') return spec;
  const params = spec.params.map((p) => (p.name === 'domain' ? { ...p, name: 'args' } : p));
  if (name === 'search') params.push({ name: 'count', default: false });
  return {
    ...spec,
    params,
    run: (env, model, ids, bound) => {
      const { args: domain, count, ...rest } = bound;
      const result = spec.run(env, model, ids, { ...rest, domain });
      return count === true && Array.isArray(result) ? result.length : result;
    },
  };
}
