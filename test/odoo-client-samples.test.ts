/**
 * Replays every capture of a real Odoo 18 server (the shared odoo-samples folder) through the client
 * over real HTTP: the server answers with the captured response, the test checks that the client sent
 * the captured request and decoded the answer to the right value or the right FerryError.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOdooClient, type OdooClient } from '../connectors/odoo/client/client.js';
import { decodeMethodCall } from '../connectors/odoo/client/xmlrpc-codec.js';
import { FerryError, type ErrorCode } from '../engine/errors.js';
import { fixedSecret } from '../engine/secrets/types.js';
import {
  jsonRpcResult,
  parseCapture,
  rpcParams,
  startScriptedServer,
  statusOf,
  type Answer,
  type Capture,
  type ScriptedServer,
  type SeenRequest,
} from './odoo-client-fixtures.js';

const SAMPLES = resolve(dirname(fileURLToPath(import.meta.url)), 'fixtures/odoo-samples');
const FILES = readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.txt'))
  .sort();

const DUMMY_KEY = 'replay-key-0123456789';

/** Captures of what Odoo's webhook action sent to a listener: requests to Ferry, not answers to the client. */
const WEBHOOK_DELIVERIES = [
  'webhook_19_full_received_requests.txt',
  'webhook_29_partial_received_requests.txt',
];

const ERRORS: Record<string, { code: ErrorCode; retryable: boolean }> = {
  json1_01_svc_forbidden_without_export_group: { code: 'FERRY_ODOO_ACCESS_ERROR', retryable: false },
  json1_02_admin_redirect_to_canonical_url: { code: 'FERRY_ODOO_PROTOCOL', retryable: false },
  json2_01_absent_in_this_version: { code: 'FERRY_ODOO_PROTOCOL', retryable: false },
  json2_02_absent_with_bearer_key: { code: 'FERRY_ODOO_PROTOCOL', retryable: false },
  jsonrpc_03_common_authenticate_wrong_key: { code: 'FERRY_ODOO_ACCESS_DENIED', retryable: false },
  jsonrpc_05_execute_kw_wrong_key: { code: 'FERRY_ODOO_ACCESS_DENIED', retryable: false },
  jsonrpc_06_execute_kw_uid_key_mismatch: { code: 'FERRY_ODOO_ACCESS_DENIED', retryable: false },
  jsonrpc_30_access_error_create_res_users: { code: 'FERRY_ODOO_ACCESS_ERROR', retryable: false },
  jsonrpc_31_access_error_create_account_move: { code: 'FERRY_ODOO_ACCESS_ERROR', retryable: false },
  jsonrpc_32_access_error_write_res_company: { code: 'FERRY_ODOO_ACCESS_ERROR', retryable: false },
  jsonrpc_33_missing_model: { code: 'FERRY_ODOO_BAD_REQUEST', retryable: false },
  jsonrpc_34_invalid_field_in_fields: { code: 'FERRY_ODOO_BAD_REQUEST', retryable: false },
  jsonrpc_35_invalid_field_in_domain: { code: 'FERRY_ODOO_BAD_REQUEST', retryable: false },
  jsonrpc_36_invalid_field_in_write: { code: 'FERRY_ODOO_BAD_REQUEST', retryable: false },
  jsonrpc_38_missing_method: { code: 'FERRY_ODOO_BAD_REQUEST', retryable: false },
  jsonrpc_39_private_method: { code: 'FERRY_ODOO_BAD_REQUEST', retryable: false },
  jsonrpc_40_missing_record_write: { code: 'FERRY_ODOO_MISSING_RECORD', retryable: false },
  jsonrpc_41_unknown_db: { code: 'FERRY_ODOO_BAD_REQUEST', retryable: false },
  jsonrpc_42_malformed_json: { code: 'FERRY_ODOO_PROTOCOL', retryable: false },
  jsonrpc_43_create_sale_order_missing_required_field: { code: 'FERRY_ODOO_USER_ERROR', retryable: false },
  jsonrpc_44_user_error_cancel_done_picking: { code: 'FERRY_ODOO_USER_ERROR', retryable: false },
  jsonrpc_52_check_access_rights_raise_res_users_create: {
    code: 'FERRY_ODOO_ACCESS_ERROR',
    retryable: false,
  },
  jsonrpc_57_ir_model_data_group_xmlids: { code: 'FERRY_ODOO_ACCESS_ERROR', retryable: false },
  xmlrpc_04_fault_access_error_create_res_users: { code: 'FERRY_ODOO_ACCESS_ERROR', retryable: false },
  xmlrpc_05_fault_wrong_key: { code: 'FERRY_ODOO_ACCESS_DENIED', retryable: false },
  xmlrpc_06_fault_missing_model: { code: 'FERRY_ODOO_BAD_REQUEST', retryable: false },
  xmlrpc_07_check_access_rights_raise_true_returns_none: { code: 'FERRY_ODOO_BAD_REQUEST', retryable: false },
};

/** XML-RPC answers decode to exactly what JSON-RPC gives for the same data. */
const XMLRPC_VALUES: Record<string, unknown> = {
  xmlrpc_01_common_version: 18,
  xmlrpc_02_common_authenticate_svc: 8,
  xmlrpc_03_object_search_read_stock_picking: [
    {
      id: 19,
      name: 'WH/OUT/00014',
      state: 'assigned',
      partner_id: [9, 'Wood Corner'],
      scheduled_date: '2026-11-16 19:16:40',
      write_date: '2026-12-04 19:37:31',
    },
    {
      id: 6,
      name: 'WH/OUT/00006',
      state: 'done',
      partner_id: [9, 'Wood Corner'],
      scheduled_date: '2026-11-16 19:16:40',
      write_date: '2026-12-04 19:37:31',
    },
  ],
};

interface Replay {
  protocol: 'jsonrpc' | 'xmlrpc' | 'json2';
  database: string;
  login: string;
  apiKey: string;
  /** The uid the stand-in authenticate answers, for captures of object calls. */
  uid: number;
  run(client: OdooClient): Promise<unknown>;
  /** What the client should answer, given the capture's decoded result. */
  expected(result: unknown): unknown;
  /** Whether the capture is itself the `common` call the client makes first. */
  capturesCommon: boolean;
  /** `model.method` of an object call, which its error messages must name. */
  call?: string;
  /** Compares the request the client sent with the captured one; absent where routes differ. */
  checkRequest?(seen: SeenRequest): void;
}

let server: ScriptedServer;
let current: { capture: Capture; replay: Replay } | undefined;
const versionAnswer = capturedAnswer(loadCapture('jsonrpc_01_common_version.txt'));
const xmlVersionAnswer = capturedAnswer(loadCapture('xmlrpc_01_common_version.txt'));

beforeAll(async () => {
  server = await startScriptedServer((request) => answer(request));
});
afterAll(() => server.close());

describe('odoo-samples', () => {
  it('has captures to replay', () => {
    expect(FILES.length).toBeGreaterThan(50);
  });

  it('holds the webhook deliveries as requests to Ferry, not answers to the client', () => {
    for (const file of WEBHOOK_DELIVERIES) {
      const text = readFileSync(join(SAMPLES, file), 'utf8');
      expect(parseCapture(text)).toBeUndefined();
      const bodies = text.split('\n').filter((line) => line.startsWith('{'));
      expect(bodies.length).toBeGreaterThan(0);
      for (const body of bodies) expect(JSON.parse(body)).toMatchObject({ _model: 'stock.picking' });
    }
  });

  for (const file of FILES.filter((f) => !WEBHOOK_DELIVERIES.includes(f))) {
    it(`replays ${file}`, async () => {
      const capture = loadCapture(file);
      const replay = replayOf(capture);
      current = { capture, replay };
      const client = createOdooClient({
        url: server.url,
        database: replay.database,
        login: replay.login,
        apiKey: fixedSecret(replay.apiKey),
        protocol: replay.protocol,
      });
      const servedBefore = served.length;
      try {
        const outcome = await replay.run(client).then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        const name = file.replace(/\.txt$/, '');
        const expectedError = ERRORS[name];
        if (expectedError) {
          expect('error' in outcome, `${name} should fail`).toBe(true);
          const error = (outcome as { error: unknown }).error;
          expect(error).toBeInstanceOf(FerryError);
          expect({ code: (error as FerryError).code, retryable: (error as FerryError).retryable }).toEqual(
            expectedError,
          );
          expect((error as FerryError).message).not.toContain(replay.apiKey);
          if (replay.call) expect((error as FerryError).message).toContain(replay.call);
        } else {
          if ('error' in outcome) throw outcome.error;
          const result = name in XMLRPC_VALUES ? XMLRPC_VALUES[name] : capturedResult(capture);
          expect(outcome.value).toEqual(replay.expected(result));
        }
        const mine = served.slice(servedBefore);
        expect(mine.length, 'the captured answer was served').toBeGreaterThan(0);
        for (const seen of mine) replay.checkRequest?.(seen);
      } finally {
        await client.close();
        current = undefined;
      }
    });
  }
});

/** Requests answered with the captured response (not with a stand-in version or authenticate). */
const served: SeenRequest[] = [];

function answer(request: SeenRequest): Answer {
  if (!current) return { status: 500, body: 'no capture loaded' };
  const { capture, replay } = current;
  if (!replay.capturesCommon && request.path === '/jsonrpc') {
    const params = safe(() => rpcParams(request));
    if (params?.service === 'common' && params.method === 'version') return versionAnswer;
    if (params?.service === 'common' && params.method === 'authenticate') return jsonRpcResult(replay.uid);
  }
  if (!replay.capturesCommon && request.path === '/xmlrpc/2/common') {
    const call = decodeMethodCall(request.body);
    if (call.methodName === 'version') return xmlVersionAnswer;
    return {
      headers: { 'content-type': 'text/xml' },
      body: `<?xml version="1.0"?><methodResponse><params><param><value><int>${replay.uid}</int></value></param></params></methodResponse>`,
    };
  }
  served.push(request);
  return capturedAnswer(capture);
}

function replayOf(capture: Capture): Replay {
  const [verb = '', path = ''] = capture.request.startLine.split(' ');
  if (path === '/jsonrpc') return jsonRpcReplay(capture);
  if (path.startsWith('/xmlrpc/2/')) return xmlRpcReplay(capture);
  if (path.startsWith('/json/2/')) return json2Replay(capture);
  if (verb === 'GET' && path.startsWith('/json/1/')) {
    // The web client's /json/1 route: not one Ferry calls, but its answers follow the same HTTP
    // conventions as JSON-2, so they are served to a JSON-2 call.
    return {
      ...base('json2', 'acc', 'svc_3pl', bearerKey(capture) ?? DUMMY_KEY, 8),
      run: (client) => client.executeKw('stock.picking', 'search_read', [[]]),
      expected: (result) => result,
    };
  }
  throw new Error(`no replay for ${capture.request.startLine}`);
}

function jsonRpcReplay(capture: Capture): Replay {
  const params = safe(() => (JSON.parse(capture.request.body) as { params: RpcParams }).params);
  if (!params) {
    // The capture sent a truncated body; the client cannot, but gets the same answer to a sound one.
    return {
      ...base('jsonrpc', 'acc', 'svc_3pl', DUMMY_KEY, 8),
      run: (client) => client.executeKw('stock.picking', 'search_count', [[]]),
      expected: (result) => result,
    };
  }
  const checkRequest = (seen: SeenRequest) => expect(normalise(rpcParams(seen))).toEqual(normalise(params));
  // The client logs in with `authenticate`, never `login`: that capture only lends its answer.
  return { ...rpcReplay('jsonrpc', params), ...(params.method === 'login' ? {} : { checkRequest }) };
}

function xmlRpcReplay(capture: Capture): Replay {
  // The captures replaced API keys with <PLACEHOLDER>s, which are not XML: unwrap them.
  const xml = capture.request.body.replace(/<(ODOO_[A-Z_]+)>/g, '$1');
  const call = decodeMethodCall(xml);
  const service = capture.request.startLine.split(' ')[1]?.split('/').pop() ?? '';
  const params: RpcParams = { service, method: call.methodName, args: call.params };
  const checkRequest = (seen: SeenRequest) => {
    const sent = decodeMethodCall(seen.body);
    expect(normalise({ service, method: sent.methodName, args: sent.params })).toEqual(normalise(params));
  };
  return { ...rpcReplay('xmlrpc', params), checkRequest };
}

function json2Replay(capture: Capture): Replay {
  const [, , , model = '', method = ''] = (capture.request.startLine.split(' ')[1] ?? '').split('/');
  const body = JSON.parse(capture.request.body) as Record<string, unknown>;
  const key = bearerKey(capture) ?? 'key-without-header-in-capture';
  return {
    ...base('json2', 'acc', 'svc_3pl', key, 8),
    run: (client) =>
      client.searchRead(model, body.domain as unknown[], {
        fields: body.fields as string[],
        limit: body.limit as number,
      }),
    expected: (result) => result,
    checkRequest: (seen) => {
      expect(seen.path).toBe(`/json/2/${model}/${method}`);
      expect(JSON.parse(seen.body)).toEqual(body);
      expect(seen.headers.authorization).toBe(`bearer ${key}`);
      expect(seen.headers['x-odoo-database']).toBe('acc');
    },
  };
}

interface RpcParams {
  service: string;
  method: string;
  args: unknown[];
}

function rpcReplay(protocol: 'jsonrpc' | 'xmlrpc', params: RpcParams): Replay {
  const { service, method, args } = params;
  if (service === 'common' && method === 'version') {
    return {
      ...base(protocol, 'acc', 'svc_3pl', DUMMY_KEY, 8),
      capturesCommon: true,
      run: (client) => client.serverVersion(),
      expected: (result) => (result as { server_version_info?: number[] }).server_version_info?.[0] ?? result,
    };
  }
  if (service === 'common') {
    // `login` and `authenticate` answer the same uid; the client always calls `authenticate`.
    const [database, login, key] = args as [string, string, string];
    return {
      ...base(protocol, database, login, key, 0),
      capturesCommon: true,
      run: (client) => client.authenticate(),
      expected: (result) => result,
    };
  }
  const [database, uid, key, model, objectMethod, callArgs = [], kwargs = {}] = args as [
    string,
    number,
    string,
    string,
    string,
    unknown[]?,
    Record<string, unknown>?,
  ];
  return {
    ...base(protocol, database, 'svc_3pl', key, uid),
    call: `${model}.${objectMethod}`,
    ...convenienceFor(model, objectMethod, callArgs, kwargs),
  };
}

/** The client method a flow would use for this call, so the replay checks its wire format too. */
function convenienceFor(
  model: string,
  method: string,
  args: unknown[],
  kwargs: Record<string, unknown>,
): Pick<Replay, 'run' | 'expected'> {
  const keys = Object.keys(kwargs);
  const only = (...allowed: string[]) => keys.every((k) => allowed.includes(k));
  const same = (result: unknown) => result;
  const domain = args[0] as unknown[];
  if (method === 'search_read' && args.length === 1 && only('fields', 'order', 'limit', 'offset')) {
    return { run: (c) => c.searchRead(model, domain, kwargs), expected: same };
  }
  if (method === 'search' && args.length === 1 && only('order', 'limit', 'offset')) {
    return { run: (c) => c.search(model, domain, kwargs), expected: same };
  }
  if (method === 'read' && args.length === 1 && keys.length === 1 && Array.isArray(kwargs.fields)) {
    return { run: (c) => c.read(model, args[0] as number[], kwargs.fields as string[]), expected: same };
  }
  if (method === 'write' && args.length === 2 && keys.length === 0) {
    return {
      run: (c) => c.write(model, args[0] as number[], args[1] as Record<string, unknown>),
      expected: () => undefined,
    };
  }
  if (method === 'create' && args.length === 1 && keys.length === 0 && !Array.isArray(args[0])) {
    return { run: (c) => c.create(model, args[0] as Record<string, unknown>), expected: same };
  }
  if (method === 'fields_get' && args.length === 0 && only('attributes')) {
    return { run: (c) => c.fieldsGet(model, kwargs.attributes as string[] | undefined), expected: same };
  }
  if (method === 'check_access_rights' && kwargs.raise_exception === false) {
    return { run: (c) => c.checkAccess(model, args[0] as 'read'), expected: same };
  }
  return { run: (c) => c.executeKw(model, method, args, kwargs), expected: same };
}

function base(protocol: Replay['protocol'], database: string, login: string, apiKey: string, uid: number) {
  return { protocol, database, login, apiKey, uid, capturesCommon: false };
}

/** execute_kw without kwargs means empty kwargs. */
function normalise(params: RpcParams): RpcParams {
  if (params.service !== 'object' || params.args.length !== 6) return params;
  return { ...params, args: [...params.args, {}] };
}

function loadCapture(file: string): Capture {
  const capture = parseCapture(readFileSync(join(SAMPLES, file), 'utf8'));
  if (!capture) throw new Error(`${file} holds no request/response pair`);
  return capture;
}

function capturedAnswer(capture: Capture): Answer {
  const { ['content-length']: _length, connection: _connection, ...headers } = capture.response.headers;
  return { status: statusOf(capture.response), headers, body: capture.response.body };
}

/** The value a successful captured answer carries (JSON-RPC `result`, or a plain JSON body). */
function capturedResult(capture: Capture): unknown {
  const parsed = JSON.parse(capture.response.body) as Record<string, unknown>;
  return 'jsonrpc' in parsed ? (parsed.result ?? null) : parsed;
}

function bearerKey(capture: Capture): string | undefined {
  return capture.request.headers.authorization?.replace(/^bearer /i, '');
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
