/** JSON-RPC over `/jsonrpc`: the `common` and `object` services in a JSON-RPC 2.0 envelope. */
import { FerryError } from '../../../engine/errors.js';
import { fromHttpStatus, fromJsonRpcError, protocolError, type CallSite } from './errors.js';
import type { Credentials, RpcCall, Transport, TransportOptions } from './transport.js';

export class JsonRpcTransport implements Transport {
  readonly protocol = 'jsonrpc';
  readonly needsUid = true;
  private nextId = 1;

  constructor(private readonly options: TransportOptions) {}

  version(): Promise<unknown> {
    return this.call('common', 'version', [], { protocol: 'jsonrpc', method: 'version' });
  }

  async authenticate(apiKey: string): Promise<number> {
    const { database, login } = this.options;
    const site: CallSite = { protocol: 'jsonrpc', method: 'authenticate' };
    const uid = await this.call('common', 'authenticate', [database, login, apiKey, {}], site);
    return uidOrDenied(uid, site, login, database);
  }

  execute(credentials: Credentials, call: RpcCall): Promise<unknown> {
    const { model, method, args, kwargs } = call;
    const params = [this.options.database, credentials.uid, credentials.apiKey, model, method, args, kwargs];
    return this.call('object', 'execute_kw', params, { protocol: 'jsonrpc', model, method });
  }

  private async call(service: string, method: string, args: unknown[], site: CallSite): Promise<unknown> {
    const id = this.nextId++;
    const body = JSON.stringify({ jsonrpc: '2.0', method: 'call', id, params: { service, method, args } });
    const answer = await this.options.http.post(
      '/jsonrpc',
      body,
      { 'content-type': 'application/json' },
      site,
    );
    if (answer.status !== 200) throw fromHttpStatus(answer.status, answer.body, answer.headers, site);
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.body);
    } catch {
      throw protocolError(site, 'the body is not JSON', answer.body);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw protocolError(site, 'the body is not a JSON-RPC envelope', answer.body);
    }
    const envelope = parsed as Record<string, unknown>;
    if (envelope.error !== undefined) throw fromJsonRpcError(envelope.error, site);
    // Odoo leaves `result` out when the method returned None.
    if (!('result' in envelope) && envelope.jsonrpc !== '2.0') {
      throw protocolError(site, 'the envelope has neither result nor error', answer.body);
    }
    return envelope.result ?? null;
  }
}

/** `common.authenticate` answers `false` (not an error) for a wrong login or key. */
export function uidOrDenied(uid: unknown, site: CallSite, login: string, database: string): number {
  if (typeof uid === 'number' && uid > 0) return uid;
  if (uid === false) {
    throw new FerryError(
      'FERRY_ODOO_ACCESS_DENIED',
      `Odoo refused login "${login}" on database "${database}"`,
      {
        context: { protocol: site.protocol, method: site.method, login, database },
        hint: 'check the login and that the API key is valid and not expired',
      },
    );
  }
  throw protocolError(site, 'authenticate answered neither a uid nor false', JSON.stringify(uid) ?? '');
}
