/** XML-RPC over `/xmlrpc/2/common` and `/xmlrpc/2/object`, with the codec in xmlrpc-codec.ts. */
import { FerryError } from '../../../engine/errors.js';
import { fromHttpStatus, fromXmlRpcFault, protocolError, type CallSite } from './errors.js';
import { uidOrDenied } from './jsonrpc.js';
import type { Credentials, RpcCall, Transport, TransportOptions } from './transport.js';
import { XmlRpcSyntaxError, decodeMethodResponse, encodeMethodCall } from './xmlrpc-codec.js';

export class XmlRpcTransport implements Transport {
  readonly protocol = 'xmlrpc';
  readonly needsUid = true;

  constructor(private readonly options: TransportOptions) {}

  version(): Promise<unknown> {
    return this.call('common', 'version', [], { protocol: 'xmlrpc', method: 'version' });
  }

  async authenticate(apiKey: string): Promise<number> {
    const { database, login } = this.options;
    const site: CallSite = { protocol: 'xmlrpc', method: 'authenticate' };
    const uid = await this.call('common', 'authenticate', [database, login, apiKey, {}], site);
    return uidOrDenied(uid, site, login, database);
  }

  execute(credentials: Credentials, call: RpcCall): Promise<unknown> {
    const { model, method, args, kwargs } = call;
    const params = [this.options.database, credentials.uid, credentials.apiKey, model, method, args, kwargs];
    return this.call('object', 'execute_kw', params, { protocol: 'xmlrpc', model, method });
  }

  private async call(service: string, method: string, params: unknown[], site: CallSite): Promise<unknown> {
    let body: string;
    try {
      body = encodeMethodCall(method, params);
    } catch (err) {
      throw new FerryError(
        'FERRY_ODOO_BAD_REQUEST',
        `Odoo ${site.model}.${site.method}: ${(err as Error).message}`,
        {
          context: { protocol: 'xmlrpc', model: site.model, method: site.method },
        },
      );
    }
    const answer = await this.options.http.post(
      `/xmlrpc/2/${service}`,
      body,
      { 'content-type': 'text/xml' },
      site,
    );
    if (answer.status !== 200) throw fromHttpStatus(answer.status, answer.body, answer.headers, site);
    let response;
    try {
      response = decodeMethodResponse(answer.body);
    } catch (err) {
      if (err instanceof XmlRpcSyntaxError) throw protocolError(site, err.message, answer.body);
      throw err;
    }
    if (response.kind === 'fault') throw fromXmlRpcFault(response.code, response.message, site);
    return response.value;
  }
}
