/**
 * Every difference between Odoo 16, 17, 18 and 19 that the client papers over lives here, so a new
 * Odoo version means reading one file: version parsing, which protocol to speak, how to ask for
 * access rights, where a user's groups are, renamed fields and record-returning call shapes.
 */

/** First version with the JSON-2 API (`/json/2/<model>/<method>`). */
export const JSON2_SINCE = 19;

/**
 * The major version from `common.version` (or `/web/version`): `server_version_info[0]` when present,
 * else the leading number of `server_version` ("18.0", "saas~17.2", "19.0+e").
 */
export function parseMajorVersion(info: unknown): number | undefined {
  if (!info || typeof info !== 'object') return undefined;
  const record = info as Record<string, unknown>;
  const versionInfo = record.server_version_info ?? record.version_info;
  if (Array.isArray(versionInfo) && typeof versionInfo[0] === 'number') return versionInfo[0];
  const text = record.server_version ?? record.version;
  if (typeof text !== 'string') return undefined;
  const match = /(\d+)\.\d+/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** What `protocol: auto` speaks: JSON-2 where it exists, JSON-RPC before. */
export function preferredProtocol(major: number): 'json2' | 'jsonrpc' {
  return major >= JSON2_SINCE ? 'json2' : 'jsonrpc';
}

export type AccessOperation = 'read' | 'write' | 'create' | 'unlink';

export interface MethodCall {
  method: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
}

/**
 * A model-level access check that answers a boolean instead of raising. Odoo 19 dropped
 * `check_access_rights` for `has_access` (on an empty recordset: the model-level ACL only).
 */
export function accessCheckCall(operation: AccessOperation, major: number): MethodCall {
  if (major >= 19) return { method: 'has_access', args: [[], operation], kwargs: {} };
  return { method: 'check_access_rights', args: [operation], kwargs: { raise_exception: false } };
}

/**
 * The res.users field holding every group the user is in, implied groups included. Up to 18 that is
 * `groups_id`; 19 renamed it `group_ids` and narrowed it to explicitly assigned groups, with the full
 * closure in `all_group_ids` (which is what rights checks need).
 */
export function userGroupsField(major: number): string {
  return major >= 19 ? 'all_group_ids' : 'groups_id';
}

interface FieldRename {
  model: string;
  before: string;
  after: string;
  /** First major version with the new name. */
  since: number;
}

const FIELD_RENAMES: readonly FieldRename[] = [
  { model: 'stock.picking', before: 'move_lines', after: 'move_ids', since: 16 },
  { model: 'stock.move', before: 'quantity_done', after: 'quantity', since: 17 },
  { model: 'stock.move.line', before: 'qty_done', after: 'quantity', since: 17 },
  { model: 'res.users', before: 'groups_id', after: 'group_ids', since: 19 },
];

/**
 * The name `field` of `model` goes by on Odoo `version` when it was renamed across versions, for
 * "did you mean" suggestions; undefined when `field` is already right for that version (or unknown).
 */
export function renamedField(model: string, field: string, version: number): string | undefined {
  for (const rename of FIELD_RENAMES) {
    if (rename.model !== model) continue;
    if (field === rename.before && version >= rename.since) return rename.after;
    if (field === rename.after && version < rename.since) return rename.before;
  }
  return undefined;
}

/**
 * Methods that return one record (create with one dict, message_post) answer its id up to 18 and a
 * list of ids on 19, where recordsets are serialised as id lists. One shape for callers: the id.
 */
export function singleId(result: unknown): number | undefined {
  if (typeof result === 'number') return result;
  if (Array.isArray(result) && result.length === 1 && typeof result[0] === 'number') return result[0];
  return undefined;
}
