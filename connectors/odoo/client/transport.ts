/**
 * What the client needs from a wire protocol. JSON-RPC, XML-RPC and JSON-2 each implement it; the
 * client above does sessions, key rotation and the ORM conveniences once for all three.
 */
import type { Protocol } from './errors.js';
import type { HttpChannel } from './http.js';

export interface RpcCall {
  model: string;
  method: string;
  /** Positional arguments as `execute_kw` takes them (ids first for record methods). */
  args: unknown[];
  kwargs: Record<string, unknown>;
}

export interface Credentials {
  apiKey: string;
  /** Needed by JSON-RPC and XML-RPC, which send it with every call; JSON-2 finds the user from the key. */
  uid?: number;
}

export interface Transport {
  readonly protocol: Protocol;
  /** Whether `execute` needs `uid` (from `authenticate`) in its credentials. */
  readonly needsUid: boolean;
  /** The server's raw version description (`common.version` or `/web/version`). */
  version(): Promise<unknown>;
  /** The uid the API key belongs to; throws FERRY_ODOO_ACCESS_DENIED when Odoo refuses it. */
  authenticate(apiKey: string): Promise<number>;
  execute(credentials: Credentials, call: RpcCall): Promise<unknown>;
}

export interface TransportOptions {
  http: HttpChannel;
  database: string;
  login: string;
}
