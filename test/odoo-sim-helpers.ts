/** Shared helpers of the Odoo simulator tests: the captured samples and raw HTTP calls. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startOdooSimulator,
  type OdooSimulator,
  type OdooSimulatorOptions,
} from '../sandbox/odoo/simulator.js';

// Captures of a real Odoo 18 server, kept with the tests (see fixtures/odoo-samples/README.md).
const SAMPLES = fileURLToPath(new URL('./fixtures/odoo-samples', import.meta.url));

export interface Sample {
  requestPath: string;
  requestBody: string;
  status: number;
  reason: string;
  headers: Record<string, string>;
  body: string;
}

/** Splits a capture into request and response (headers lower-cased). */
export function sample(name: string): Sample {
  const text = readFileSync(join(SAMPLES, name), 'utf8');
  const [, request = '', response = ''] = text.split(/=== (?:REQUEST|RESPONSE)\n/);
  const [requestHead = '', ...requestRest] = request.split('\n\n');
  const [responseHead = '', ...responseRest] = response.split('\n\n');
  const [statusLine = '', ...headerLines] = responseHead.split('\n');
  const status = /HTTP\/1\.1 (\d+) (.*)/.exec(statusLine);
  const headers: Record<string, string> = Object.fromEntries(
    headerLines.map((line) => {
      const i = line.indexOf(':');
      return [line.slice(0, i).toLowerCase(), line.slice(i + 1).trim()];
    }),
  );
  // The capture pads bodies with blank lines. Odoo's XML ends with a newline; for the rest the
  // Content-Length (of the unedited original) tells whether the last newline belongs to the body.
  const trimmed = responseRest.join('\n\n').replace(/\n+$/, '');
  const ownNewline =
    headers['content-type']?.startsWith('text/xml') ||
    Number(headers['content-length']) === Buffer.byteLength(trimmed) + 1;
  return {
    requestPath: requestHead.split(' ')[1] ?? '',
    requestBody: requestRest.join('\n\n').replace(/\n+$/, ''),
    status: Number(status?.[1]),
    reason: status?.[2] ?? '',
    headers,
    body: ownNewline ? `${trimmed}\n` : trimmed,
  };
}

/** A simulator set up like the captured server: database "acc", the captures' placeholder keys. */
export function startLikeCaptures(options: OdooSimulatorOptions = {}): Promise<OdooSimulator> {
  return startOdooSimulator({
    database: 'acc',
    ...options,
    seed: {
      serviceApiKey: '<ODOO_SVC_API_KEY>',
      servicePassword: '<ODOO_SVC_PASSWORD>',
      adminApiKey: '<ODOO_ADMIN_API_KEY>',
      ...options.seed,
    },
  });
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

export async function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
    redirect: 'manual',
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** One JSON-RPC call; returns the parsed envelope. */
export async function jsonRpc(url: string, service: string, method: string, args: unknown[]): Promise<any> {
  const response = await post(
    `${url}/jsonrpc`,
    JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { service, method, args } }),
  );
  return JSON.parse(response.text);
}

/** `execute_kw` as a user of the simulator; returns the parsed envelope (result or error). */
export function executeKw(
  sim: OdooSimulator,
  account: { uid: number; apiKey: string },
  model: string,
  method: string,
  args: unknown[],
  kwargs: Record<string, unknown> = {},
): Promise<any> {
  return jsonRpc(sim.url, 'object', 'execute_kw', [
    sim.database,
    account.uid,
    account.apiKey,
    model,
    method,
    args,
    kwargs,
  ]);
}

/** The result of `execute_kw`, failing the test with Odoo's message if it raised. */
export async function call(
  sim: OdooSimulator,
  account: { uid: number; apiKey: string },
  model: string,
  method: string,
  args: unknown[],
  kwargs: Record<string, unknown> = {},
): Promise<any> {
  const envelope = await executeKw(sim, account, model, method, args, kwargs);
  if (envelope.error) throw new Error(`${envelope.error.data.name}: ${envelope.error.data.message}`);
  return envelope.result;
}
