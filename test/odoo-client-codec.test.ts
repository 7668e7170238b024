/** The XML-RPC codec and the version rules, on their own. */
import { describe, expect, it } from 'vitest';
import {
  accessCheckCall,
  parseMajorVersion,
  renamedField,
  userGroupsField,
} from '../connectors/odoo/client/versions.js';
import {
  XmlRpcSyntaxError,
  decodeMethodCall,
  decodeMethodResponse,
  encodeMethodCall,
} from '../connectors/odoo/client/xmlrpc-codec.js';

const response = (value: string) =>
  `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value>${value}</value>\n</param>\n</params>\n</methodResponse>\n`;

describe('XML-RPC codec', () => {
  it('round-trips the values Ferry sends', () => {
    const params = [
      'acc',
      8,
      'key & <value> "quoted"\r\nline',
      [['write_date', '>', '2026-01-01 00:00:00'], '|', ['state', 'in', ['done', 'cancel']]],
      {
        fields: ['name'],
        limit: 500,
        ratio: 0.25,
        active: false,
        parent_id: null,
        nested: { empty: [], none: {} },
      },
      2 ** 40,
      -3,
      'café ✓',
    ];
    const { methodName, params: decoded } = decodeMethodCall(encodeMethodCall('execute_kw', params));
    expect(methodName).toBe('execute_kw');
    expect(decoded).toEqual(params);
  });

  it('leaves out undefined struct members, as JSON does', () => {
    const { params } = decodeMethodCall(encodeMethodCall('m', [{ a: 1, b: undefined }]));
    expect(params).toEqual([{ a: 1 }]);
  });

  it('refuses values XML-RPC cannot carry', () => {
    expect(() => encodeMethodCall('m', [Number.NaN])).toThrow(TypeError);
    expect(() => encodeMethodCall('m', [() => 1])).toThrow(TypeError);
  });

  it('decodes every scalar type into the shapes JSON-RPC gives', () => {
    expect(decodeMethodResponse(response('<i4>-7</i4>'))).toEqual({ kind: 'result', value: -7 });
    expect(decodeMethodResponse(response('<i8>1099511627776</i8>'))).toEqual({
      kind: 'result',
      value: 2 ** 40,
    });
    expect(decodeMethodResponse(response('<double>15.0</double>'))).toEqual({ kind: 'result', value: 15 });
    expect(decodeMethodResponse(response('<boolean>1</boolean>'))).toEqual({ kind: 'result', value: true });
    expect(decodeMethodResponse(response('<nil/>'))).toEqual({ kind: 'result', value: null });
    expect(decodeMethodResponse(response('plain text'))).toEqual({ kind: 'result', value: 'plain text' });
    expect(decodeMethodResponse(response('<string/>'))).toEqual({ kind: 'result', value: '' });
    expect(decodeMethodResponse(response('<dateTime.iso8601>20261204T19:38:31</dateTime.iso8601>'))).toEqual({
      kind: 'result',
      value: '2026-12-04 19:38:31',
    });
    expect(decodeMethodResponse(response('<base64>aGVs\nbG8=</base64>'))).toEqual({
      kind: 'result',
      value: 'aGVsbG8=',
    });
    expect(decodeMethodResponse(response('<string>a &lt;b&gt; &amp; &#233;&#x2713;</string>'))).toEqual({
      kind: 'result',
      value: 'a <b> & é✓',
    });
    expect(decodeMethodResponse(response('<array><data/></array>'))).toEqual({ kind: 'result', value: [] });
    expect(decodeMethodResponse(response('<struct/>'))).toEqual({ kind: 'result', value: {} });
  });

  it('decodes a fault', () => {
    const xml = `<?xml version="1.0"?><methodResponse><fault><value><struct>
      <member><name>faultCode</name><value><int>2</int></value></member>
      <member><name>faultString</name><value><string>Object x doesn't exist</string></value></member>
      </struct></value></fault></methodResponse>`;
    expect(decodeMethodResponse(xml)).toEqual({ kind: 'fault', code: 2, message: "Object x doesn't exist" });
  });

  const malformed: [string, string][] = [
    ['an HTML page', '<html><body>502</body></html>'],
    ['a truncated answer', response('<int>8</int>').slice(0, 60)],
    ['a bad integer', response('<int>eight</int>')],
    ['an unknown type', response('<float>1</float>')],
    ['a bad boolean', response('<boolean>yes</boolean>')],
    [
      'mismatched tags',
      '<methodResponse><params><param><value><int>1</string></value></param></params></methodResponse>',
    ],
    ['empty params', '<methodResponse><params/></methodResponse>'],
    ['two values in a param', response('<int>1</int></value><value><int>2</int>')],
    ['a member without a value', response('<struct><member><name>a</name></member></struct>')],
    ['an unknown entity', response('<string>&nbsp;</string>')],
    ['trailing content', `${response('<int>1</int>')}<extra/>`],
    ['empty text', ''],
  ];
  for (const [what, xml] of malformed) {
    it(`refuses ${what}`, () => {
      expect(() => decodeMethodResponse(xml)).toThrow(XmlRpcSyntaxError);
    });
  }
});

describe('versions', () => {
  it('parses the major version from every shape Odoo answers', () => {
    expect(
      parseMajorVersion({ server_version: '18.0', server_version_info: [18, 0, 0, 'final', 0, ''] }),
    ).toBe(18);
    expect(parseMajorVersion({ version: '19.0', version_info: [19, 0, 0, 'final', 0, ''] })).toBe(19);
    expect(parseMajorVersion({ server_version: 'saas~17.2+e', server_version_info: ['saas~17', 2] })).toBe(
      17,
    );
    expect(parseMajorVersion({ server_version: '16.0+e' })).toBe(16);
    expect(parseMajorVersion('18.0')).toBeUndefined();
    expect(parseMajorVersion({})).toBeUndefined();
  });

  it('suggests the name a renamed field has on the target version', () => {
    expect(renamedField('stock.picking', 'move_lines', 17)).toBe('move_ids');
    expect(renamedField('stock.picking', 'move_ids', 15)).toBe('move_lines');
    expect(renamedField('stock.move', 'quantity_done', 17)).toBe('quantity');
    expect(renamedField('stock.move', 'quantity', 16)).toBe('quantity_done');
    expect(renamedField('res.users', 'groups_id', 19)).toBe('group_ids');
    expect(renamedField('res.users', 'groups_id', 18)).toBeUndefined();
    expect(renamedField('stock.move', 'quantity', 18)).toBeUndefined();
    expect(renamedField('sale.order', 'quantity_done', 18)).toBeUndefined();
  });

  it('asks for access rights and groups the way each version answers', () => {
    expect(accessCheckCall('write', 18)).toEqual({
      method: 'check_access_rights',
      args: ['write'],
      kwargs: { raise_exception: false },
    });
    expect(accessCheckCall('write', 19)).toEqual({ method: 'has_access', args: [[], 'write'], kwargs: {} });
    expect(userGroupsField(16)).toBe('groups_id');
    expect(userGroupsField(19)).toBe('all_group_ids');
  });
});
