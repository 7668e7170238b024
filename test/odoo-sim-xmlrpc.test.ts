/**
 * The Odoo simulator over XML-RPC: the captured requests replayed verbatim must give the captured
 * documents byte for byte (faults 2, 3, 4 and 1 included); the codec reads every XML-RPC type.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OdooSimulator } from '../sandbox/odoo/simulator.js';
import { encodeResponse, parseMethodCall } from '../sandbox/odoo/xmlrpc-codec.js';
import { PyFloat } from '../sandbox/odoo/pyjson.js';
import { post, sample, startLikeCaptures } from './odoo-sim-helpers.js';

let sim: OdooSimulator;
beforeAll(async () => {
  sim = await startLikeCaptures();
});
afterAll(async () => {
  await sim.close();
});

/** The captures' key placeholder is raw `<…>` inside XML: escape it so the request stays well-formed. */
const escapedPlaceholders = (body: string) => body.replace(/<(ODOO_[A-Z_]+)>/g, '&lt;$1&gt;');

describe('XML-RPC answers like the captured server', () => {
  it.each([
    'xmlrpc_01_common_version.txt',
    'xmlrpc_02_common_authenticate_svc.txt',
    'xmlrpc_04_fault_access_error_create_res_users.txt',
    'xmlrpc_05_fault_wrong_key.txt',
    'xmlrpc_06_fault_missing_model.txt',
    'xmlrpc_07_check_access_rights_raise_true_returns_none.txt',
  ])('%s', async (name) => {
    const captured = sample(name);
    const response = await post(
      `${sim.url}${captured.requestPath}`,
      escapedPlaceholders(captured.requestBody),
      {
        'Content-Type': 'text/xml',
      },
    );
    expect(response.status).toBe(200);
    expect(response.text).toBe(captured.body);
    expect(response.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe(
      captured.headers['x-content-type-options'] ?? null,
    );
  });

  it('reads transfers with many2one as [id, name] and datetimes as strings', async () => {
    const captured = sample('xmlrpc_03_object_search_read_stock_picking.txt');
    const response = await post(`${sim.url}/xmlrpc/2/object`, escapedPlaceholders(captured.requestBody), {
      'Content-Type': 'text/xml',
    });
    expect(response.text).toMatch(
      /^<\?xml version="1.0"\?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n/,
    );
    expect(response.text).toContain(
      '<name>partner_id</name>\n<value><array><data>\n<value><int>9</int></value>\n<value><string>Wood Corner</string></value>\n</data></array></value>',
    );
    expect(response.text).toMatch(
      /<name>write_date<\/name>\n<value><string>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d<\/string><\/value>/,
    );
  });

  it('answers a UserError as fault 2 and a missing record on write as fault 2', async () => {
    const call = (method: string, params: string) =>
      post(
        `${sim.url}/xmlrpc/2/object`,
        `<?xml version="1.0"?><methodCall><methodName>execute_kw</methodName><params>` +
          `<param><value><string>acc</string></value></param><param><value><int>8</int></value></param>` +
          `<param><value><string>&lt;ODOO_SVC_API_KEY&gt;</string></value></param>` +
          `<param><value><string>stock.picking</string></value></param><param><value><string>${method}</string></value></param>` +
          `<param><value><array><data>${params}</data></array></value></param></params></methodCall>`,
        { 'Content-Type': 'text/xml' },
      );
    const missing = await call(
      'write',
      '<value><array><data><value><int>999999</int></value></data></array></value><value><struct><member><name>origin</name><value>x</value></member></struct></value>',
    );
    expect(missing.text).toContain('<value><int>2</int></value>');
    expect(missing.text).toContain(
      'Record does not exist or has been deleted.\n(Record: stock.picking(999999,), User: 8)',
    );
    const invalid = await call(
      'search_read',
      '<value><array><data><value><array><data><value><string>nope</string></value><value><string>=</string></value><value><int>1</int></value></data></array></value></data></array></value>',
    );
    expect(invalid.text).toContain('<value><int>1</int></value>');
    expect(invalid.text).toContain(
      "Traceback (most recent call last): [frames omitted]\nValueError: Invalid field stock.picking.nope in leaf ('nope', '=', 1)",
    );
  });
});

describe('XML-RPC codec', () => {
  it('parses every scalar and container type', () => {
    const call = parseMethodCall(
      '<?xml version="1.0"?>\n<methodCall><methodName>m</methodName><params>' +
        '<param><value><i4>-4</i4></value></param>' +
        '<param><value><boolean>1</boolean></value></param>' +
        '<param><value>bare &amp; text</value></param>' +
        '<param><value><double>1.5</double></value></param>' +
        '<param><value><nil/></value></param>' +
        '<param><value><dateTime.iso8601>20261204T19:38:16</dateTime.iso8601></value></param>' +
        '<param><value><base64>aGk=</base64></value></param>' +
        '<param><value><array><data><value><int>1</int></value><value><string>&lt;a&gt;</string></value></data></array></value></param>' +
        '<param><value><struct><member><name>k</name><value><struct/></value></member></struct></value></param>' +
        '</params></methodCall>',
    );
    expect(call).toEqual({
      methodName: 'm',
      params: [-4, true, 'bare & text', 1.5, null, '2026-12-04 19:38:16', 'hi', [1, '<a>'], { k: {} }],
    });
  });

  it('writes floats as Python does and escapes only & < >', () => {
    expect(encodeResponse([new PyFloat(15), 0.1, 'a<b>&"c"'])).toBe(
      '<?xml version="1.0"?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n' +
        '<value><double>15.0</double></value>\n<value><double>0.1</double></value>\n' +
        '<value><string>a&lt;b&gt;&amp;"c"</string></value>\n</data></array></value>\n</param>\n</params>\n\n</methodResponse>\n',
    );
  });

  it('refuses broken XML with a fault', async () => {
    const response = await post(`${sim.url}/xmlrpc/2/common`, '<methodCall><methodName>version', {
      'Content-Type': 'text/xml',
    });
    expect(response.text).toContain('<name>faultCode</name>\n<value><int>1</int></value>');
  });
});
