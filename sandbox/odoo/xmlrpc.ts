/**
 * `POST /xmlrpc/2/<service>`: the same services as JSON-RPC, answered as XML-RPC. Errors become
 * faults: 4 AccessError, 3 AccessDenied, 2 UserError (and MissingError, ValidationError), 1 anything
 * else with the traceback. A method returning None is a fault too: Odoo marshals without allow_none.
 */
import { faultOf } from './errors.js';
import { asOdooError, type OdooService } from './dispatch.js';
import { XML_TYPE, type Reply } from './http-io.js';
import { dispatchRpc } from './jsonrpc.js';
import { encodeFault, encodeResponse, parseMethodCall } from './xmlrpc-codec.js';

export async function handleXmlRpc(
  service: OdooService,
  name: string,
  body: string,
  source: string,
): Promise<Reply> {
  try {
    const { methodName, params } = parseMethodCall(body);
    const result = await dispatchRpc(service, name, methodName, params, source);
    return { status: 200, contentType: XML_TYPE, nosniff: true, body: encodeResponse(result) };
  } catch (err) {
    const { faultCode, faultString } = faultOf(asOdooError(err));
    return { status: 200, contentType: XML_TYPE, body: encodeFault(faultCode, faultString) };
  }
}
