/**
 * `POST /jsonrpc`: `{"jsonrpc": "2.0", "method": "call", "params": {service, method, args}}`.
 * Errors travel with HTTP 200 in `error` (code 200, "Odoo Server Error", data = the exception);
 * a body that is not JSON gets a plain 400 "Invalid JSON data".
 */
import { OdooError, keyError, nameError, pyException, serializeError } from './errors.js';
import { asOdooError, type OdooService } from './dispatch.js';
import { HTML_TYPE, JSON_TYPE, type Reply } from './http-io.js';
import { pyJson } from './pyjson.js';

export async function handleJsonRpc(service: OdooService, body: string, source: string): Promise<Reply> {
  const profile = service.deps.profile;
  let request: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new SyntaxError('not an object');
    request = parsed as Record<string, unknown>;
  } catch {
    return { status: 400, contentType: HTML_TYPE, nosniff: true, body: 'Invalid JSON data' };
  }
  const id = request.id ?? null;
  try {
    const result = await call(service, (request.params ?? {}) as Record<string, unknown>, source);
    const envelope: Record<string, unknown> = { jsonrpc: '2.0', id };
    if (result !== null || !profile.omitNoneResult) envelope.result = result;
    return { status: 200, contentType: JSON_TYPE, nosniff: true, body: pyJson(envelope) };
  } catch (err) {
    const error = asOdooError(err);
    const data = serializeError(error, profile);
    return {
      status: 200,
      contentType: JSON_TYPE,
      body: pyJson({ jsonrpc: '2.0', id, error: { code: 200, message: 'Odoo Server Error', data } }),
    };
  }
}

/** `odoo.http.dispatch_rpc`: the common, object and db services. */
export async function dispatchRpc(
  service: OdooService,
  name: unknown,
  method: unknown,
  args: unknown[],
  source: string,
) {
  const counter = service.deps.calls;
  if (name === 'common') {
    counter.record('common', String(method));
    if (method === 'version') return service.version();
    if (method === 'authenticate') return service.authenticate(args[0], args[1], args[2], source);
    if (method === 'login') return service.authenticate(args[0], args[1], args[2], source);
    if (method === 'about') return 'See http://openerp.com';
    throw pyException(`Method not found: ${String(method)}`);
  }
  if (name === 'object') {
    if (method === 'execute_kw') {
      if (args.length < 6)
        throw new OdooError(
          'builtins.TypeError',
          "execute_kw() missing 1 required positional argument: 'args'",
          'other',
        );
      const [db, uid, password, model, methodName, methodArgs, kwargs] = args;
      return service.executeKw(db, uid, password, model, methodName, methodArgs, kwargs, source);
    }
    if (method === 'execute') {
      const [db, uid, password, model, methodName, ...rest] = args;
      return service.executeKw(db, uid, password, model, methodName, rest, {}, source);
    }
    throw nameError(`Method not available ${String(method)}`);
  }
  if (name === 'db') {
    counter.record('db', String(method));
    if (method === 'list') return [service.deps.database];
    if (method === 'server_version') return service.deps.profile.serverVersion;
    throw keyError(String(method));
  }
  throw keyError(String(name));
}

async function call(service: OdooService, params: Record<string, unknown>, source: string): Promise<unknown> {
  for (const key of ['service', 'method', 'args'] as const) {
    if (!(key in params)) {
      throw new OdooError(
        'builtins.TypeError',
        `jsonrpc() missing 1 required positional argument: '${key}'`,
        'other',
      );
    }
  }
  const args = Array.isArray(params.args) ? (params.args as unknown[]) : [];
  return dispatchRpc(service, params.service, params.method, args, source);
}
