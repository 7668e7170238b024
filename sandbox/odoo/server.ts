/**
 * The HTTP front: routes Odoo's external endpoints to their handlers, applies injected faults and
 * answers everything else like Odoo's werkzeug server (404 page, 405 for wrong methods).
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { OdooService } from './dispatch.js';
import { LOGIN_PAGE, type FaultInjector } from './faults.js';
import { JSON_TYPE, HTML_TYPE, errorPage, readBody, replyHeaders, send, type Reply } from './http-io.js';
import { handleJson2 } from './json2.js';
import { handleJsonRpc } from './jsonrpc.js';
import { pyJson } from './pyjson.js';
import { handleXmlRpc } from './xmlrpc.js';

const NOT_FOUND =
  'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.';

export interface OdooHttpServer {
  server: http.Server;
  /** Destroys open connections (hanging faults included) and stops listening. */
  close(): Promise<void>;
}

export function createOdooServer(service: OdooService, faults: FaultInjector): OdooHttpServer {
  const profile = service.deps.profile;
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, errorPage(500, String((err as Error)?.message ?? err)), profile);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://odoo.invalid');
    const fault = faults.take(url.pathname);
    if (fault && fault.kind !== 'truncated') {
      service.deps.calls.faulted += 1;
      faults.answer(fault, req, res);
      return;
    }
    const body = await readBody(req);
    const reply = await route(req, url, body);
    if (fault?.kind === 'truncated') {
      service.deps.calls.faulted += 1;
      faults.truncate(res, reply.status, { ...replyHeaders(reply, profile) }, reply.body);
      return;
    }
    send(res, reply, profile);
  }

  async function route(req: http.IncomingMessage, url: URL, body: string): Promise<Reply> {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const source = req.socket.remoteAddress ?? 'unknown';
    if (path === '/json/2' || path.startsWith('/json/2/'))
      return handleJson2(service, method, url, req.headers, body);
    if (path === '/jsonrpc') return method === 'POST' ? handleJsonRpc(service, body, source) : notAllowed();
    const xmlrpc = /^\/xmlrpc\/2\/(common|object|db)$/.exec(path);
    if (xmlrpc)
      return method === 'POST' ? handleXmlRpc(service, xmlrpc[1] as string, body, source) : notAllowed();
    if (path === '/web/webclient/version_info') {
      let id: unknown = null;
      try {
        id = (JSON.parse(body) as { id?: unknown }).id ?? null;
      } catch {
        return { status: 400, contentType: HTML_TYPE, body: 'Invalid JSON data' };
      }
      return {
        status: 200,
        contentType: JSON_TYPE,
        nosniff: true,
        body: pyJson({ jsonrpc: '2.0', id, result: service.version() }),
      };
    }
    if (path === '/web/version' && method === 'GET') {
      const { versionInfo, serverVersion } = profile;
      return {
        status: 200,
        contentType: JSON_TYPE,
        nosniff: true,
        body: pyJson({ version_info: versionInfo, version: serverVersion }),
      };
    }
    if (path === '/web/login' && method === 'GET')
      return { status: 200, contentType: HTML_TYPE, nosniff: true, body: LOGIN_PAGE };
    return errorPage(404, NOT_FOUND);
  }

  function notAllowed(): Reply {
    return errorPage(405, 'The method is not allowed for the requested URL.');
  }

  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        faults.releaseHanging();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
