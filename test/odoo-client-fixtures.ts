/**
 * Test helpers for the Odoo client: a real node:http server on 127.0.0.1:0 answering from a script,
 * and a parser for the captures in the shared odoo-samples folder.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

export interface ScriptedServer {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** Answers every request with `script(request)`; `null` leaves the request hanging (timeouts). */
export async function startScriptedServer(
  script: (request: SeenRequest) => Answer | null,
): Promise<ScriptedServer> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(request);
      const answer = script(request);
      if (!answer) return;
      // Like Odoo: one answer per connection.
      res.writeHead(answer.status ?? 200, { connection: 'close', ...answer.headers });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const jsonAnswer = (value: unknown, status = 200): Answer => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(value),
});

export const jsonRpcResult = (result: unknown): Answer => jsonAnswer({ jsonrpc: '2.0', id: 1, result });

export const jsonRpcError = (name: string, message: string): Answer =>
  jsonAnswer({
    jsonrpc: '2.0',
    id: 1,
    error: {
      code: 200,
      message: 'Odoo Server Error',
      data: { name, message, arguments: [message], context: {} },
    },
  });

/** The `params` of a JSON-RPC request body. */
export function rpcParams(request: SeenRequest): { service: string; method: string; args: unknown[] } {
  return (JSON.parse(request.body) as { params: { service: string; method: string; args: unknown[] } })
    .params;
}

export interface HttpMessage {
  startLine: string;
  headers: Record<string, string>;
  body: string;
}

export interface Capture {
  request: HttpMessage;
  response: HttpMessage;
}

/** Splits a capture file into its request and response; undefined for files that hold no exchange. */
export function parseCapture(text: string): Capture | undefined {
  const requestAt = text.indexOf('=== REQUEST\n');
  const responseAt = text.indexOf('\n=== RESPONSE\n');
  if (requestAt < 0 || responseAt < 0) return undefined;
  return {
    request: parseMessage(text.slice(requestAt + '=== REQUEST\n'.length, responseAt)),
    response: parseMessage(text.slice(responseAt + '\n=== RESPONSE\n'.length)),
  };
}

function parseMessage(text: string): HttpMessage {
  const blank = text.indexOf('\n\n');
  const head = blank < 0 ? text : text.slice(0, blank);
  const body = blank < 0 ? '' : text.slice(blank + 2).replace(/\n+$/, '');
  const [startLine = '', ...lines] = head.split('\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { startLine, headers, body };
}

/** The status code of a response start line (`HTTP/1.1 303 SEE OTHER`). */
export function statusOf(message: HttpMessage): number {
  return Number(message.startLine.split(' ')[1]);
}
