/**
 * Odoo 19's JSON-2 API: `POST /json/2/<model>/<method>` with named arguments, the API key as a bearer
 * token and the database in `X-Odoo-Database`. Errors come back as HTTP statuses with a JSON body.
 */
import { fromHttpStatus, protocolError, type CallSite } from './errors.js';
import type { HttpAnswer } from './http.js';
import { json2Request } from './json2-arguments.js';
import type { Credentials, RpcCall, Transport, TransportOptions } from './transport.js';

export class Json2Transport implements Transport {
  readonly protocol = 'json2';
  readonly needsUid = false;

  constructor(private readonly options: TransportOptions) {}

  async version(): Promise<unknown> {
    const site: CallSite = { protocol: 'json2', method: 'version' };
    const answer = await this.options.http.get('/web/version', { accept: 'application/json' }, site);
    return parse(answer, site);
  }

  /** JSON-2 has no login step; the key's own user comes from `res.users/context_get`. */
  async authenticate(apiKey: string): Promise<number> {
    const site: CallSite = { protocol: 'json2', model: 'res.users', method: 'context_get' };
    const context = await this.post(apiKey, 'res.users', 'context_get', {}, site);
    const uid = context && typeof context === 'object' ? (context as Record<string, unknown>).uid : undefined;
    if (typeof uid !== 'number')
      throw protocolError(site, 'context_get answered no uid', JSON.stringify(context) ?? '');
    return uid;
  }

  async execute(credentials: Credentials, call: RpcCall): Promise<unknown> {
    const site: CallSite = { protocol: 'json2', model: call.model, method: call.method };
    const request = json2Request(call);
    return request.adapt(await this.post(credentials.apiKey, call.model, call.method, request.body, site));
  }

  private async post(
    apiKey: string,
    model: string,
    method: string,
    body: Record<string, unknown>,
    site: CallSite,
  ): Promise<unknown> {
    const path = `/json/2/${encodeURIComponent(model)}/${encodeURIComponent(method)}`;
    const headers = {
      authorization: `bearer ${apiKey}`,
      'content-type': 'application/json; charset=utf-8',
      'x-odoo-database': this.options.database,
    };
    return parse(await this.options.http.post(path, JSON.stringify(body), headers, site), site);
  }
}

function parse(answer: HttpAnswer, site: CallSite): unknown {
  if (answer.status !== 200) throw fromHttpStatus(answer.status, answer.body, answer.headers, site);
  try {
    return JSON.parse(answer.body);
  } catch {
    throw protocolError(site, 'the body is not JSON', answer.body);
  }
}
