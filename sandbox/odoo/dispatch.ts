/**
 * What the three protocols share: the `common` service (version, authenticate, login) and the
 * execution of a model method: database check, credentials under the login throttle, model and
 * method lookup, argument binding, then the call in its own transaction. Writing calls take the
 * write lock and run their outbox (webhooks) before their changes become visible.
 */
import type { AccessControl } from './access.js';
import type { Credentials } from './auth.js';
import type { CallCounter } from './counters.js';
import type { DomainCompiler } from './domain.js';
import {
  OdooError,
  accessDenied,
  accessError,
  attributeError,
  httpError,
  pyException,
  typeError,
  unknownDatabase,
  userError,
} from './errors.js';
import type { Env } from './orm/env.js';
import { json2Result, rpcResult } from './orm/env.js';
import { findMethod, type MethodSpec } from './orm/methods.js';
import { bindNamed, bindPositional } from './orm/signature.js';
import type { Store, Transaction } from './store.js';
import type { VersionProfile } from './versions.js';

export interface ServiceDeps {
  store: Store;
  access: AccessControl;
  domains: DomainCompiler;
  profile: VersionProfile;
  credentials: Credentials;
  calls: CallCounter;
  database: string;
}

export class OdooService {
  constructor(readonly deps: ServiceDeps) {}

  version(): Record<string, unknown> {
    const { profile } = this.deps;
    return {
      server_version: profile.serverVersion,
      server_version_info: profile.versionInfo,
      server_serie: profile.serverVersion,
      protocol_version: 1,
    };
  }

  /** `common.authenticate`: the uid, or false for any refusal (Odoo swallows AccessDenied here). */
  authenticate(db: unknown, login: unknown, password: unknown, source: string): number | false {
    this.checkDatabase(db);
    try {
      return this.deps.credentials.guard(source, () => {
        const uid = this.uidOfLogin(login);
        if (uid === undefined || !this.deps.credentials.matches(uid, password)) throw accessDenied();
        return uid;
      });
    } catch (err) {
      if (err instanceof OdooError && err.family === 'access_denied') return false;
      throw err;
    }
  }

  /** `object.execute_kw` (and `execute`, with no keyword arguments). */
  async executeKw(
    db: unknown,
    uid: unknown,
    password: unknown,
    model: unknown,
    method: unknown,
    args: unknown,
    kwargs: unknown,
    source: string,
  ): Promise<unknown> {
    this.deps.calls.record(String(model), String(method));
    this.checkDatabase(db);
    this.deps.credentials.guard(source, () => {
      if (
        typeof uid !== 'number' ||
        !this.isActiveUser(uid) ||
        !this.deps.credentials.matches(uid, password)
      ) {
        throw accessDenied();
      }
    });
    const modelName = String(model);
    const methodName = String(method);
    const spec = this.resolve(modelName, methodName, (name) => userError(`Object ${name} doesn't exist`));
    const positional = Array.isArray(args) ? [...(args as unknown[])] : [];
    const named = { ...((kwargs ?? {}) as Record<string, unknown>) };
    const context = (named.context ?? {}) as Record<string, unknown>;
    delete named.context;
    let ids: number[] = [];
    if (spec.onRecords) {
      if (positional.length === 0)
        throw new OdooError('builtins.IndexError', 'list index out of range', 'other');
      ids = idsOf(positional.shift());
    }
    const bound = bindPositional({ ...spec, qualname: `${spec.owner}.${methodName}` }, positional, named);
    const result = await this.run(spec, uid as number, context, (env) =>
      spec.run(env, modelName, ids, bound),
    );
    return rpcResult(result);
  }

  /** JSON-2: `POST /json/2/<model>/<method>`; errors are OdooErrors with their HTTP status. */
  async executeJson2(
    dbHeader: string | undefined,
    authorization: string | undefined,
    model: string,
    method: string,
    readBody: () => Record<string, unknown>,
  ): Promise<unknown> {
    this.deps.calls.record(model, method);
    if (dbHeader !== undefined && dbHeader !== this.deps.database) {
      throw httpError(404, `database ${JSON.stringify(dbHeader)} not found`);
    }
    const token = /^bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
    if (!token) throw httpError(401, 'User not authenticated, use the "Authorization" header');
    const uid = this.deps.credentials.keyOwner(token);
    if (uid === undefined || !this.isActiveUser(uid)) throw httpError(401, 'Invalid apikey');
    const body = readBody();
    const spec = this.resolve(
      model,
      method,
      (name) => httpError(404, `the model '${name}' does not exist`),
      true,
    );
    const { ids: rawIds, context, ...named } = body;
    const ids = rawIds === undefined ? [] : idsOf(rawIds);
    if (!spec.onRecords && ids.length > 0) throw httpError(422, `cannot call ${model}.${method} with ids`);
    let bound: Record<string, unknown>;
    try {
      bound = bindNamed({ ...spec, qualname: `${spec.owner}.${method}` }, named);
    } catch (err) {
      throw err instanceof OdooError ? httpError(422, err.message) : err;
    }
    const result = await this.run(spec, uid, (context ?? {}) as Record<string, unknown>, (env) =>
      spec.run(env, model, ids, bound),
    );
    return json2Result(result);
  }

  private resolve(
    model: string,
    method: string,
    unknownModel: (m: string) => OdooError,
    json2 = false,
  ): MethodSpec {
    const def = this.deps.store.registry.get(model);
    if (!def) throw unknownModel(model);
    if (method.startsWith('_')) {
      throw accessError(`Private methods (such as '${model}.${method}') cannot be called remotely.`);
    }
    const spec = findMethod(this.deps.profile, def, method);
    if (!spec) {
      const message = `The method '${model}.${method}' does not exist`;
      throw json2 ? httpError(404, message) : attributeError(message);
    }
    return spec;
  }

  private async run(
    spec: MethodSpec,
    uid: number,
    context: Record<string, unknown>,
    call: (env: Env) => unknown,
  ): Promise<unknown> {
    const { store, access, domains, profile } = this.deps;
    const env: Env = { store, access, domains, profile, uid, context };
    const execute = async () => {
      let outcome: { result: unknown; tx: Transaction };
      try {
        outcome = store.transact(uid, () => call(env));
      } catch (err) {
        const tx = (err as { tx?: Transaction }).tx;
        if (tx) await store.flushOutbox(tx, false);
        throw err;
      }
      await store.flushOutbox(outcome.tx, true);
      return outcome.result;
    };
    return spec.readonly ? execute() : store.withWriteLock(execute);
  }

  checkDatabase(db: unknown): void {
    if (db !== this.deps.database) throw unknownDatabase(String(db));
  }

  private uidOfLogin(login: unknown): number | undefined {
    for (const row of this.deps.store.rows('res.users'))
      if (row.login === login && row.active !== false) return row.id;
    return undefined;
  }

  private isActiveUser(uid: number): boolean {
    const user = this.deps.store.get('res.users', uid);
    return user !== undefined && user.active !== false;
  }
}

function idsOf(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value) && value.every((id) => typeof id === 'number' && Number.isInteger(id)))
    return value as number[];
  throw typeError(`Invalid ids ${JSON.stringify(value)}`);
}

/** Any non-Odoo error becomes a plain Python Exception on the wire (a bug in the simulator, not a feature). */
export function asOdooError(err: unknown): OdooError {
  if (err instanceof OdooError) return err;
  return pyException(err instanceof Error ? err.message : String(err));
}
