/**
 * The environment an ORM method runs in: the data, the rights, the version and the calling user,
 * like Odoo's `self.env`.
 */
import type { AccessControl } from '../access.js';
import type { DomainCompiler } from '../domain.js';
import type { Store } from '../store.js';
import type { VersionProfile } from '../versions.js';

export interface Env {
  store: Store;
  access: AccessControl;
  domains: DomainCompiler;
  profile: VersionProfile;
  uid: number;
  context: Record<string, unknown>;
}

/** Records returned by a method (create, message_post): ids over JSON-2, an id or ids over RPC. */
export class Records {
  constructor(
    readonly ids: number[],
    /** The method was given one dict and answers one id over JSON-RPC/XML-RPC. */
    readonly single: boolean,
  ) {}
}

/** Odoo's answer shape for a method result over JSON-RPC/XML-RPC. */
export function rpcResult(value: unknown): unknown {
  if (value instanceof Records) return value.single ? value.ids[0] : value.ids;
  return value;
}

/** Odoo 19's JSON-2 turns a returned recordset into its ids. */
export function json2Result(value: unknown): unknown {
  return value instanceof Records ? value.ids : value;
}
