/**
 * Ferry's Odoo client: one object per connection, speaking JSON-RPC, XML-RPC or Odoo 19's JSON-2 API
 * (chosen from the server version with `protocol: auto`). The API key is the credential; when Odoo
 * refuses the cached key, the client refreshes it once and retries once, so a rotated key is picked up
 * without a restart. Records come back in the same shape whichever protocol fetched them.
 */
import { FerryError, isFerryError } from '../../../engine/errors.js';
import { log } from '../../../engine/log/logger.js';
import { registerSecretValue } from '../../../engine/log/redact.js';
import type { SecretHandle } from '../../../engine/secrets/types.js';
import { protocolError, withRenameHint, type Protocol } from './errors.js';
import { HttpChannel } from './http.js';
import { Json2Transport } from './json2.js';
import { JsonRpcTransport } from './jsonrpc.js';
import type { Transport, TransportOptions } from './transport.js';
import {
  accessCheckCall,
  parseMajorVersion,
  preferredProtocol,
  singleId,
  userGroupsField,
  type AccessOperation,
} from './versions.js';
import { XmlRpcTransport } from './xmlrpc.js';

export interface OdooClientOptions {
  url: string;
  database: string;
  login: string;
  apiKey: SecretHandle;
  /** @default 'auto' — JSON-2 on Odoo 19 and later, JSON-RPC before. */
  protocol?: 'auto' | Protocol;
  /** Deadline of one HTTP round trip. @default 30000 */
  timeoutMs?: number;
}

/** An Odoo domain in prefix notation, e.g. `[['state', '=', 'done'], '|', ['a', '=', 1], ['b', '=', 2]]`. */
export type Domain = readonly unknown[];

/** A record as `read` returns it: many2one `[id, name]` or `false`, x2many id arrays, UTC datetimes as text. */
export type OdooRecord = { id: number } & Record<string, unknown>;

export interface SearchOptions {
  order?: string;
  limit?: number;
  offset?: number;
}

export interface SearchReadOptions extends SearchOptions {
  fields?: readonly string[];
}

export interface LoadResult {
  /** Ids of the created or updated records, in row order; empty when Odoo refused the batch. */
  ids: number[];
  messages: { type: string; message: string; [key: string]: unknown }[];
}

export interface MessagePostOptions {
  body: string;
  /** @default 'mail.mt_note' — an internal note, not mailed to followers. */
  subtypeXmlid?: string;
  /** @default 'comment' */
  messageType?: string;
}

export interface OdooClient {
  /** HTTP round trips made so far (for benchmarks). */
  readonly calls: number;
  /** The protocol in use, once `auto` has been resolved. */
  protocol(): Promise<Protocol>;
  /** The server's major version, e.g. 16 to 19. */
  serverVersion(): Promise<number>;
  /** The uid of the login; FERRY_ODOO_ACCESS_DENIED when Odoo refuses the login or key. */
  authenticate(): Promise<number>;
  executeKw(
    model: string,
    method: string,
    args: readonly unknown[],
    kwargs?: Record<string, unknown>,
  ): Promise<unknown>;
  searchRead(model: string, domain: Domain, options?: SearchReadOptions): Promise<OdooRecord[]>;
  read(model: string, ids: readonly number[], fields: readonly string[]): Promise<OdooRecord[]>;
  search(model: string, domain: Domain, options?: SearchOptions): Promise<number[]>;
  write(model: string, ids: readonly number[], vals: Record<string, unknown>): Promise<void>;
  create(model: string, vals: Record<string, unknown>): Promise<number>;
  /** Creates or updates many records with different values in one call (`id` column for updates). */
  load(model: string, fields: readonly string[], rows: readonly (readonly unknown[])[]): Promise<LoadResult>;
  fieldsGet(model: string, attributes?: readonly string[]): Promise<Record<string, Record<string, unknown>>>;
  /** Posts to the record's chatter; answers the message id. */
  messagePost(model: string, id: number, options: MessagePostOptions): Promise<number>;
  /** Whether the login may `operation` records of `model` (model-level access rights). */
  checkAccess(model: string, operation: AccessOperation): Promise<boolean>;
  /** The xml ids of every group `uid` belongs to, implied groups included (e.g. `base.group_user`). */
  userGroups(uid: number): Promise<string[]>;
  /** Closes the connection pool. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export function createOdooClient(options: OdooClientOptions): OdooClient {
  return new RpcOdooClient(options);
}

class RpcOdooClient implements OdooClient {
  private readonly http: HttpChannel;
  private readonly transportOptions: TransportOptions;
  private readonly apiKey: SecretHandle;
  private readonly requested: 'auto' | Protocol;
  private transportPromise?: Promise<Transport>;
  private versionPromise?: Promise<number>;
  private uidPromise?: Promise<number>;
  /** Set once the transport is chosen; names the protocol in shape errors. */
  private active: Protocol = 'jsonrpc';

  constructor(options: OdooClientOptions) {
    this.http = new HttpChannel({ url: options.url, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    this.transportOptions = { http: this.http, database: options.database, login: options.login };
    this.apiKey = options.apiKey;
    this.requested = options.protocol ?? 'auto';
  }

  get calls(): number {
    return this.http.calls;
  }

  async protocol(): Promise<Protocol> {
    return (await this.transport()).protocol;
  }

  serverVersion(): Promise<number> {
    this.versionPromise ??= this.fetchVersion();
    this.versionPromise.catch(() => (this.versionPromise = undefined));
    return this.versionPromise;
  }

  async authenticate(): Promise<number> {
    const transport = await this.transport();
    const uid = await this.withKey((apiKey) => transport.authenticate(apiKey));
    this.uidPromise = Promise.resolve(uid);
    return uid;
  }

  async executeKw(
    model: string,
    method: string,
    args: readonly unknown[],
    kwargs: Record<string, unknown> = {},
  ): Promise<unknown> {
    const transport = await this.transport();
    const started = performance.now();
    const result = await this.withKey(async (apiKey) => {
      const uid = transport.needsUid ? await this.uidFor(transport, apiKey) : undefined;
      return transport.execute({ apiKey, uid }, { model, method, args: [...args], kwargs });
    }).catch(async (err: unknown) => {
      if (!isFerryError(err, 'FERRY_ODOO_BAD_REQUEST')) throw err;
      const version = await this.serverVersion().catch(() => undefined);
      throw version === undefined ? err : withRenameHint(err, version);
    });
    log().debug(
      { odoo: { protocol: transport.protocol, model, method, ms: Math.round(performance.now() - started) } },
      'odoo call',
    );
    return result;
  }

  async searchRead(model: string, domain: Domain, options: SearchReadOptions = {}): Promise<OdooRecord[]> {
    const { fields, order, limit, offset } = options;
    const result = await this.executeKw(
      model,
      'search_read',
      [domain],
      defined({ fields, order, limit, offset }),
    );
    return this.expectArray(result, model, 'search_read') as OdooRecord[];
  }

  async read(model: string, ids: readonly number[], fields: readonly string[]): Promise<OdooRecord[]> {
    if (ids.length === 0) return [];
    return this.expectArray(
      await this.executeKw(model, 'read', [ids], { fields }),
      model,
      'read',
    ) as OdooRecord[];
  }

  async search(model: string, domain: Domain, options: SearchOptions = {}): Promise<number[]> {
    const result = await this.executeKw(model, 'search', [domain], defined({ ...options }));
    return this.expectArray(result, model, 'search') as number[];
  }

  async write(model: string, ids: readonly number[], vals: Record<string, unknown>): Promise<void> {
    if (ids.length === 0) return;
    await this.executeKw(model, 'write', [ids, vals]);
  }

  async create(model: string, vals: Record<string, unknown>): Promise<number> {
    return this.expectId(await this.executeKw(model, 'create', [vals]), model, 'create');
  }

  async load(
    model: string,
    fields: readonly string[],
    rows: readonly (readonly unknown[])[],
  ): Promise<LoadResult> {
    const result = await this.executeKw(model, 'load', [fields, rows]);
    if (!result || typeof result !== 'object') throw this.unexpected(model, 'load', result);
    const { ids, messages } = result as { ids?: unknown; messages?: unknown };
    return {
      ids: Array.isArray(ids) ? (ids as number[]) : [],
      messages: Array.isArray(messages) ? (messages as LoadResult['messages']) : [],
    };
  }

  async fieldsGet(
    model: string,
    attributes?: readonly string[],
  ): Promise<Record<string, Record<string, unknown>>> {
    const result = await this.executeKw(model, 'fields_get', [], attributes ? { attributes } : {});
    if (!result || typeof result !== 'object' || Array.isArray(result))
      throw this.unexpected(model, 'fields_get', result);
    return result as Record<string, Record<string, unknown>>;
  }

  async messagePost(model: string, id: number, options: MessagePostOptions): Promise<number> {
    const kwargs = {
      body: options.body,
      subtype_xmlid: options.subtypeXmlid ?? 'mail.mt_note',
      message_type: options.messageType ?? 'comment',
    };
    return this.expectId(await this.executeKw(model, 'message_post', [[id]], kwargs), model, 'message_post');
  }

  async checkAccess(model: string, operation: AccessOperation): Promise<boolean> {
    const call = accessCheckCall(operation, await this.serverVersion());
    return (await this.executeKw(model, call.method, call.args, call.kwargs)) === true;
  }

  async userGroups(uid: number): Promise<string[]> {
    const field = userGroupsField(await this.serverVersion());
    const [user] = await this.read('res.users', [uid], [field]);
    if (!user) {
      throw new FerryError(
        'FERRY_ODOO_MISSING_RECORD',
        `Odoo res.users.read failed: user ${uid} does not exist`,
        {
          context: { model: 'res.users', method: 'read', record: uid },
        },
      );
    }
    const groupIds = this.expectArray(user[field], 'res.users', 'read') as number[];
    if (groupIds.length === 0) return [];
    // get_metadata reads the xml ids as superuser: a service account may not read ir.model.data itself.
    const metadata = this.expectArray(
      await this.executeKw('res.groups', 'get_metadata', [groupIds]),
      'res.groups',
      'get_metadata',
    );
    return metadata
      .map((entry) =>
        entry && typeof entry === 'object' ? (entry as Record<string, unknown>).xmlid : undefined,
      )
      .filter((xmlid): xmlid is string => typeof xmlid === 'string' && xmlid !== '');
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /** The uid, authenticated once per client (it does not change when the key rotates). */
  private uidFor(transport: Transport, apiKey: string): Promise<number> {
    if (!this.uidPromise) {
      const pending = transport.authenticate(apiKey);
      this.uidPromise = pending;
      pending.catch(() => {
        if (this.uidPromise === pending) this.uidPromise = undefined;
      });
    }
    return this.uidPromise;
  }

  private transport(): Promise<Transport> {
    this.transportPromise ??= this.resolveTransport();
    this.transportPromise.catch(() => (this.transportPromise = undefined));
    return this.transportPromise;
  }

  private async resolveTransport(): Promise<Transport> {
    const protocol =
      this.requested === 'auto' ? preferredProtocol(await this.serverVersion()) : this.requested;
    this.active = protocol;
    if (protocol === 'json2') return new Json2Transport(this.transportOptions);
    if (protocol === 'xmlrpc') return new XmlRpcTransport(this.transportOptions);
    return new JsonRpcTransport(this.transportOptions);
  }

  private async fetchVersion(): Promise<number> {
    // `auto` asks over JSON-RPC, which every version up to 21 answers; before that no transport is chosen.
    const transport =
      this.requested === 'auto' ? new JsonRpcTransport(this.transportOptions) : await this.transport();
    const info = await transport.version();
    const major = parseMajorVersion(info);
    if (major === undefined) {
      throw protocolError(
        { protocol: transport.protocol, method: 'version' },
        'no version number in the answer',
        JSON.stringify(info) ?? '',
      );
    }
    return major;
  }

  private unexpected(model: string, method: string, result: unknown): FerryError {
    const site = { protocol: this.active, model, method };
    return protocolError(site, 'unexpected result shape', JSON.stringify(result) ?? '');
  }

  private expectArray(result: unknown, model: string, method: string): unknown[] {
    if (!Array.isArray(result)) throw this.unexpected(model, method, result);
    return result;
  }

  private expectId(result: unknown, model: string, method: string): number {
    const id = singleId(result);
    if (id === undefined) throw this.unexpected(model, method, result);
    return id;
  }

  /** Runs `fn` with the API key; on AccessDenied refreshes the key once and, if it changed, retries once. */
  private async withKey<T>(fn: (apiKey: string) => Promise<T>): Promise<T> {
    const key = await this.apiKey.get();
    registerSecretValue(key);
    try {
      return await fn(key);
    } catch (err) {
      if (!isFerryError(err, 'FERRY_ODOO_ACCESS_DENIED')) throw err;
      const fresh = await this.apiKey.refresh();
      if (fresh === key) throw err;
      registerSecretValue(fresh);
      log().info(
        { secret: this.apiKey.ref },
        'Odoo refused the cached API key; retrying once with the refreshed key',
      );
      return fn(fresh);
    }
  }
}

function defined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}
