/**
 * Behaviour of the Odoo client over real HTTP that the captures do not cover: unreachable servers,
 * proxies answering HTML or garbage, key rotation, protocol choice, JSON-2 and the version differences.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createOdooClient,
  type OdooClient,
  type OdooClientOptions,
} from '../connectors/odoo/client/client.js';
import { decodeMethodCall } from '../connectors/odoo/client/xmlrpc-codec.js';
import { FerryError } from '../engine/errors.js';
import { createLogger, setRootLogger } from '../engine/log/logger.js';
import { fixedSecret, type SecretHandle } from '../engine/secrets/types.js';
import {
  jsonAnswer,
  jsonRpcError,
  jsonRpcResult,
  rpcParams,
  startScriptedServer,
  type Answer,
  type ScriptedServer,
  type SeenRequest,
} from './odoo-client-fixtures.js';

const KEY = 'svc-key-7f3a9c2e41b8';
const servers: ScriptedServer[] = [];
const clients: OdooClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(script: (request: SeenRequest) => Answer | null): Promise<ScriptedServer> {
  const server = await startScriptedServer(script);
  servers.push(server);
  return server;
}

function client(url: string, options: Partial<OdooClientOptions> = {}): OdooClient {
  const c = createOdooClient({
    url,
    database: 'acc',
    login: 'svc_3pl',
    apiKey: fixedSecret(KEY),
    ...options,
  });
  clients.push(c);
  return c;
}

async function failure(promise: Promise<unknown>): Promise<FerryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FerryError);
  return error as FerryError;
}

const versionInfo = (major: number) => ({
  server_version: `${major}.0`,
  server_version_info: [major, 0, 0, 'final', 0, ''],
  server_serie: `${major}.0`,
  protocol_version: 1,
});

/** A JSON-RPC Odoo that authenticates KEY as uid 8 and answers object calls with `object(params)`. */
function jsonRpcOdoo(major: number, object: (args: unknown[]) => Answer): (r: SeenRequest) => Answer {
  return (request) => {
    const { service, method, args } = rpcParams(request);
    if (service === 'common' && method === 'version') return jsonRpcResult(versionInfo(major));
    if (service === 'common') return jsonRpcResult(args[2] === KEY ? 8 : false);
    return object(args);
  };
}

describe('transport failures', () => {
  it('reports a closed port as a retryable network error', async () => {
    const server = await startScriptedServer(() => jsonRpcResult(8));
    const url = server.url;
    await server.close();
    const error = await failure(client(url, { protocol: 'jsonrpc' }).searchRead('stock.picking', []));
    expect(error.code).toBe('FERRY_ODOO_NETWORK');
    expect(error.retryable).toBe(true);
  });

  it('reports a 502 HTML page from a proxy as a retryable network error naming the call', async () => {
    const server = await serve(() => ({
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
    }));
    const error = await failure(
      client(server.url, { protocol: 'jsonrpc' }).executeKw('stock.picking', 'read', [[1]]),
    );
    expect(error.code).toBe('FERRY_ODOO_NETWORK');
    expect(error.retryable).toBe(true);
    expect(error.context.statusCode).toBe(502);
  });

  it('reports a 200 answer that is not JSON as a protocol error', async () => {
    const server = await serve(() => ({
      headers: { 'content-type': 'application/json' },
      body: '{"jsonrpc": "2.0", "id',
    }));
    const error = await failure(client(server.url, { protocol: 'jsonrpc' }).authenticate());
    expect(error.code).toBe('FERRY_ODOO_PROTOCOL');
    expect(error.retryable).toBe(true);
  });

  it('reports an XML-RPC answer that is not XML-RPC as a protocol error', async () => {
    const server = await serve(() => ({
      headers: { 'content-type': 'text/xml' },
      body: '<html><body>Maintenance</body></html>',
    }));
    const error = await failure(client(server.url, { protocol: 'xmlrpc' }).authenticate());
    expect(error.code).toBe('FERRY_ODOO_PROTOCOL');
  });

  it('gives up on a server that never answers, as a retryable network error', async () => {
    const server = await serve(() => null);
    const error = await failure(client(server.url, { protocol: 'jsonrpc', timeoutMs: 300 }).authenticate());
    expect(error.code).toBe('FERRY_ODOO_NETWORK');
    expect(error.retryable).toBe(true);
  });

  it('passes Retry-After of a 429 on to the retry layer', async () => {
    const server = await serve(() => ({ status: 429, headers: { 'retry-after': '7' }, body: 'slow down' }));
    const error = await failure(client(server.url, { protocol: 'jsonrpc' }).authenticate());
    expect(error.code).toBe('FERRY_ODOO_NETWORK');
    expect(error.retryAfterMs).toBe(7000);
  });

  it('authenticates once for concurrent first calls', async () => {
    const server = await serve(jsonRpcOdoo(18, () => jsonRpcResult([])));
    const c = client(server.url, { protocol: 'jsonrpc' });
    await Promise.all([1, 2, 3, 4, 5].map(() => c.search('stock.picking', [])));
    expect(server.seen.filter((r) => rpcParams(r).service === 'common')).toHaveLength(1);
  });

  it('refuses a url that is not http(s) before any call', () => {
    expect(() => client('odoo.example.com')).toThrow(expect.objectContaining({ code: 'FERRY_SCHEMA' }));
  });

  it('counts every HTTP round trip', async () => {
    const server = await serve(jsonRpcOdoo(18, () => jsonRpcResult([])));
    const c = client(server.url, { protocol: 'jsonrpc' });
    await c.searchRead('stock.picking', []);
    await c.searchRead('stock.picking', []);
    expect(c.calls).toBe(3); // authenticate once, then two calls
    expect(server.seen).toHaveLength(3);
  });
});

describe('the API key', () => {
  it('never appears in an error or a log line, even when the server echoes it', async () => {
    const lines: string[] = [];
    setRootLogger(
      createLogger(
        new Writable({
          write(chunk: Buffer, _enc, done) {
            lines.push(chunk.toString());
            done();
          },
        }),
        'debug',
      ),
    );
    const server = await serve((request) => {
      const { service } = rpcParams(request);
      if (service === 'common') return jsonRpcResult(8);
      return { status: 502, body: `bad gateway while forwarding ${request.body}` };
    });
    const c = client(server.url, { protocol: 'jsonrpc' });
    const error = await failure(c.write('stock.picking', [1], { origin: 'x' }));
    await c.searchRead('stock.picking', []).catch(() => undefined);
    expect(server.seen.some((r) => r.body.includes(KEY))).toBe(true);
    expect(error.message).not.toContain(KEY);
    expect(JSON.stringify(error.toJSON())).not.toContain(KEY);
    expect(lines.join('')).not.toContain(KEY);
  });
});

describe('key rotation', () => {
  function rotatingSecret(values: string[]): SecretHandle & { refreshes: number } {
    let index = 0;
    const handle = {
      ref: '${secret:test#api_key}',
      refreshes: 0,
      get: () => Promise.resolve(values[index] ?? ''),
      refresh: () => {
        handle.refreshes++;
        index = Math.min(index + 1, values.length - 1);
        return Promise.resolve(values[index] ?? '');
      },
    };
    return handle;
  }

  it('refreshes a refused key once and retries the call once with the new key', async () => {
    let valid = 'old-key-000000';
    const server = await serve((request) => {
      const { service, args } = rpcParams(request);
      if (service === 'common') return jsonRpcResult(8);
      return args[2] === valid
        ? jsonRpcResult([{ id: 1 }])
        : jsonRpcError('odoo.exceptions.AccessDenied', 'Access Denied');
    });
    const secret = rotatingSecret(['old-key-000000', 'new-key-111111']);
    const c = client(server.url, { protocol: 'jsonrpc', apiKey: secret });
    expect(await c.searchRead('res.partner', [])).toEqual([{ id: 1 }]);
    valid = 'new-key-111111'; // the old key is revoked in Odoo
    expect(await c.searchRead('res.partner', [])).toEqual([{ id: 1 }]);
    expect(secret.refreshes).toBe(1);
    const keysSent = server.seen.slice(1).map((r) => rpcParams(r).args[2]);
    expect(keysSent).toEqual(['old-key-000000', 'old-key-000000', 'new-key-111111']);
  });

  it('re-authenticates with the refreshed key when authenticate answers false', async () => {
    const server = await serve(jsonRpcOdoo(18, () => jsonRpcResult(true)));
    const secret = rotatingSecret(['revoked-key-22', KEY]);
    const c = client(server.url, { protocol: 'jsonrpc', apiKey: secret });
    expect(await c.authenticate()).toBe(8);
    expect(secret.refreshes).toBe(1);
  });

  it('retries only once: a refreshed key that is refused too fails with access denied', async () => {
    const server = await serve(() => jsonRpcError('odoo.exceptions.AccessDenied', 'Access Denied'));
    const secret = rotatingSecret(['key-aaaaaaaa', 'key-bbbbbbbb', 'key-cccccccc']);
    const c = client(server.url, { protocol: 'jsonrpc', apiKey: secret });
    const error = await failure(c.executeKw('stock.picking', 'search_count', [[]]));
    expect(error.code).toBe('FERRY_ODOO_ACCESS_DENIED');
    expect(secret.refreshes).toBe(1);
    expect(server.seen).toHaveLength(2);
  });

  it('does not retry when the refreshed key is the same', async () => {
    const server = await serve(() => jsonRpcResult(false));
    const c = client(server.url, { protocol: 'jsonrpc' });
    const error = await failure(c.authenticate());
    expect(error.code).toBe('FERRY_ODOO_ACCESS_DENIED');
    expect(server.seen).toHaveLength(1);
  });
});

describe('protocol auto', () => {
  it('speaks JSON-RPC to Odoo 18', async () => {
    const server = await serve(jsonRpcOdoo(18, () => jsonRpcResult([5])));
    const c = client(server.url);
    expect(await c.search('stock.picking', [])).toEqual([5]);
    expect(await c.protocol()).toBe('jsonrpc');
    expect(await c.serverVersion()).toBe(18);
    expect(server.seen.every((r) => r.path === '/jsonrpc')).toBe(true);
  });

  it('speaks JSON-2 to Odoo 19, with the bearer key and the database header', async () => {
    const server = await serve((request) => {
      if (request.path === '/jsonrpc') return jsonRpcResult(versionInfo(19));
      return jsonAnswer([{ id: 3, name: 'WH/OUT/00003', partner_id: [9, 'Wood Corner'], date_done: false }]);
    });
    const c = client(server.url);
    const records = await c.searchRead('stock.picking', [['state', '=', 'done']], {
      fields: ['name'],
      limit: 2,
    });
    expect(records).toEqual([
      { id: 3, name: 'WH/OUT/00003', partner_id: [9, 'Wood Corner'], date_done: false },
    ]);
    expect(await c.protocol()).toBe('json2');
    const call = server.seen[1];
    expect(call?.path).toBe('/json/2/stock.picking/search_read');
    expect(call?.headers.authorization).toBe(`bearer ${KEY}`);
    expect(call?.headers['x-odoo-database']).toBe('acc');
    expect(JSON.parse(call?.body ?? '')).toEqual({
      domain: [['state', '=', 'done']],
      fields: ['name'],
      limit: 2,
    });
  });

  it('reads the major version of a SaaS build', async () => {
    const server = await serve(() =>
      jsonRpcResult({ server_version: 'saas~17.2+e', server_version_info: ['saas~17', 2] }),
    );
    expect(await client(server.url).serverVersion()).toBe(17);
  });
});

describe('JSON-2', () => {
  function json2Odoo(answer: (request: SeenRequest) => Answer): (request: SeenRequest) => Answer {
    return (request) => {
      if (request.path === '/web/version')
        return jsonAnswer({ version_info: [19, 0, 0, 'final', 0, ''], version: '19.0' });
      return answer(request);
    };
  }

  it('authenticates through context_get and creates one record as one id', async () => {
    const server = await serve(
      json2Odoo((request) =>
        request.path.endsWith('/context_get')
          ? jsonAnswer({ lang: 'en_US', tz: 'UTC', uid: 8 })
          : jsonAnswer([42]),
      ),
    );
    const c = client(server.url, { protocol: 'json2' });
    expect(await c.authenticate()).toBe(8);
    expect(await c.create('res.partner', { name: 'Wood Corner' })).toBe(42);
    expect(JSON.parse(server.seen[1]?.body ?? '')).toEqual({ vals_list: [{ name: 'Wood Corner' }] });
    expect(await c.serverVersion()).toBe(19);
  });

  it('names the arguments of record methods and writes', async () => {
    const server = await serve(json2Odoo(() => jsonAnswer(true)));
    const c = client(server.url, { protocol: 'json2' });
    await c.write('stock.picking', [1, 2], { origin: 'x' });
    await c.executeKw('stock.picking', 'button_validate', [[7]], { context: { skip_sms: true } });
    expect(JSON.parse(server.seen[0]?.body ?? '')).toEqual({ ids: [1, 2], vals: { origin: 'x' } });
    expect(JSON.parse(server.seen[1]?.body ?? '')).toEqual({ ids: [7], context: { skip_sms: true } });
  });

  it('refuses positional arguments it cannot name', async () => {
    const server = await serve(json2Odoo(() => jsonAnswer(true)));
    const error = await failure(
      client(server.url, { protocol: 'json2' }).executeKw('x.model', 'custom', [[1], 'a']),
    );
    expect(error.code).toBe('FERRY_ODOO_BAD_REQUEST');
    expect(server.seen.filter((r) => r.path.startsWith('/json/2/'))).toHaveLength(0);
  });

  const statuses: [number, Answer, string, boolean][] = [
    [
      401,
      jsonAnswer({ name: 'werkzeug.exceptions.Unauthorized', message: 'Invalid apikey' }, 401),
      'FERRY_ODOO_ACCESS_DENIED',
      false,
    ],
    [
      403,
      jsonAnswer({ name: 'odoo.exceptions.AccessError', message: 'You are not allowed' }, 403),
      'FERRY_ODOO_ACCESS_ERROR',
      false,
    ],
    [
      404,
      jsonAnswer({ name: 'odoo.exceptions.MissingError', message: 'Record does not exist' }, 404),
      'FERRY_ODOO_MISSING_RECORD',
      false,
    ],
    [
      422,
      jsonAnswer({ name: 'odoo.exceptions.ValidationError', message: 'mandatory field' }, 422),
      'FERRY_ODOO_USER_ERROR',
      false,
    ],
    [
      500,
      jsonAnswer({ name: 'builtins.ValueError', message: "Invalid field 'x'" }, 500),
      'FERRY_ODOO_BAD_REQUEST',
      false,
    ],
    [503, { status: 503, body: '<html>Service Unavailable</html>' }, 'FERRY_ODOO_NETWORK', true],
    [404, { status: 404, body: 'Not Found' }, 'FERRY_ODOO_MISSING_RECORD', false],
  ];
  for (const [status, answer, code, retryable] of statuses) {
    it(`maps HTTP ${status} ${answer.body.slice(0, 40)} to ${code}`, async () => {
      const server = await serve(json2Odoo(() => answer));
      const error = await failure(
        client(server.url, { protocol: 'json2' }).read('stock.picking', [1], ['name']),
      );
      expect({ code: error.code, retryable: error.retryable }).toEqual({ code, retryable });
      expect(error.message).toContain('stock.picking.read');
    });
  }
});

describe('version differences', () => {
  it('checks access with check_access_rights on 18 and has_access on 19', async () => {
    const seen18: unknown[][] = [];
    const server18 = await serve(jsonRpcOdoo(18, (args) => (seen18.push(args), jsonRpcResult(true))));
    expect(await client(server18.url).checkAccess('stock.picking', 'write')).toBe(true);
    expect(seen18[0]?.slice(3)).toEqual([
      'stock.picking',
      'check_access_rights',
      ['write'],
      { raise_exception: false },
    ]);

    const server19 = await serve((request) =>
      request.path === '/jsonrpc' ? jsonRpcResult(versionInfo(19)) : jsonAnswer(false),
    );
    expect(await client(server19.url).checkAccess('account.move', 'create')).toBe(false);
    expect(server19.seen[1]?.path).toBe('/json/2/account.move/has_access');
    expect(JSON.parse(server19.seen[1]?.body ?? '')).toEqual({ ids: [], operation: 'create' });
  });

  const groupsOfSvc = [
    { id: 1, xmlid: 'base.group_user' },
    { id: 39, xmlid: 'stock.group_stock_user' },
    { id: 77, xmlid: '' },
  ];

  for (const protocol of ['jsonrpc', 'xmlrpc'] as const) {
    it(`lists the group xml ids of a user on 18 over ${protocol}`, async () => {
      const answerXml = (value: string) => ({
        headers: { 'content-type': 'text/xml' },
        body: `<?xml version="1.0"?><methodResponse><params><param><value>${value}</value></param></params></methodResponse>`,
      });
      const metadataXml = `<array><data>${groupsOfSvc
        .map(
          (g) =>
            `<value><struct><member><name>id</name><value><int>${g.id}</int></value></member><member><name>xmlid</name><value><string>${g.xmlid}</string></value></member></struct></value>`,
        )
        .join('')}</data></array>`;
      const server = await serve((request) => {
        if (protocol === 'jsonrpc') {
          const { service, method, args } = rpcParams(request);
          if (service === 'common') return jsonRpcResult(method === 'version' ? versionInfo(18) : 8);
          if (args[3] === 'res.users') return jsonRpcResult([{ id: 8, groups_id: [1, 39, 77] }]);
          return jsonRpcResult(groupsOfSvc);
        }
        const { methodName, params } = decodeMethodCall(request.body);
        if (methodName === 'version')
          return answerXml(
            '<struct><member><name>server_version_info</name><value><array><data><value><int>18</int></value></data></array></value></member></struct>',
          );
        if (methodName === 'authenticate') return answerXml('<int>8</int>');
        if (params[3] === 'res.users') {
          return answerXml(
            '<array><data><value><struct><member><name>id</name><value><int>8</int></value></member><member><name>groups_id</name><value><array><data><value><int>1</int></value><value><int>39</int></value><value><int>77</int></value></data></array></value></member></struct></value></data></array>',
          );
        }
        return answerXml(metadataXml);
      });
      expect(await client(server.url, { protocol }).userGroups(8)).toEqual([
        'base.group_user',
        'stock.group_stock_user',
      ]);
    });
  }

  it('lists the group xml ids of a user on 19 from all_group_ids', async () => {
    const bodies: string[] = [];
    const server = await serve((request) => {
      if (request.path === '/jsonrpc') return jsonRpcResult(versionInfo(19));
      bodies.push(`${request.path} ${request.body}`);
      if (request.path.startsWith('/json/2/res.users/'))
        return jsonAnswer([{ id: 8, all_group_ids: [1, 39] }]);
      return jsonAnswer(groupsOfSvc.slice(0, 2));
    });
    expect(await client(server.url).userGroups(8)).toEqual(['base.group_user', 'stock.group_stock_user']);
    expect(bodies).toEqual([
      '/json/2/res.users/read {"ids":[8],"fields":["all_group_ids"]}',
      '/json/2/res.groups/get_metadata {"ids":[1,39]}',
    ]);
  });

  it('suggests the new name of a field renamed since the flow was written', async () => {
    const server = await serve(
      jsonRpcOdoo(17, (args) => {
        const field = (args[6] as { fields: string[] }).fields[0] ?? '';
        return jsonRpcError('builtins.ValueError', `Invalid field '${field}' on model 'stock.picking'`);
      }),
    );
    const c = client(server.url, { protocol: 'jsonrpc' });
    const renamed = await failure(c.read('stock.picking', [1], ['move_lines']));
    expect(renamed.code).toBe('FERRY_ODOO_BAD_REQUEST');
    expect(renamed.hint).toContain('did you mean move_ids?');
    expect(renamed.context.field).toBe('move_lines');
    const unknown = await failure(c.read('stock.picking', [1], ['no_such_field']));
    expect(unknown.code).toBe('FERRY_ODOO_BAD_REQUEST');
    expect(unknown.hint).toBeUndefined();
  });

  it('posts a chatter note and answers the message id on both shapes', async () => {
    const server18 = await serve(jsonRpcOdoo(18, () => jsonRpcResult(501)));
    expect(await client(server18.url).messagePost('stock.picking', 5, { body: 'Delivery failed' })).toBe(501);
    expect(rpcParams(server18.seen[2]!).args.slice(3)).toEqual([
      'stock.picking',
      'message_post',
      [[5]],
      { body: 'Delivery failed', subtype_xmlid: 'mail.mt_note', message_type: 'comment' },
    ]);
    const server19 = await serve((r) =>
      r.path === '/jsonrpc' ? jsonRpcResult(versionInfo(19)) : jsonAnswer([502]),
    );
    expect(await client(server19.url).messagePost('stock.picking', 5, { body: 'Delivery failed' })).toBe(502);
  });

  it('loads many rows in one call and reports refused batches with their messages', async () => {
    const server = await serve(
      jsonRpcOdoo(18, (args) =>
        (args[5] as unknown[][])[1]?.length === 2
          ? jsonRpcResult({ ids: [1, 2], messages: [] })
          : jsonRpcResult({ ids: false, messages: [{ type: 'error', message: 'Unknown field' }] }),
      ),
    );
    const c = client(server.url);
    expect(
      await c.load(
        'stock.picking',
        ['id', 'origin'],
        [
          ['__export__.p_1', 'A'],
          ['__export__.p_2', 'B'],
        ],
      ),
    ).toEqual({
      ids: [1, 2],
      messages: [],
    });
    expect(await c.load('stock.picking', ['id', 'x'], [['a']])).toEqual({
      ids: [],
      messages: [{ type: 'error', message: 'Unknown field' }],
    });
  });
});
