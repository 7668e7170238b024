/**
 * HTTP plumbing shared by the endpoints: reading bodies and answering like Odoo's werkzeug server
 * (reason phrases of the release, `Connection: close` on every answer, `X-Content-Type-Options`
 * only on successful dispatches).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VersionProfile } from './versions.js';

export interface Reply {
  status: number;
  body: string;
  contentType: string;
  /** Odoo adds `X-Content-Type-Options: nosniff` after a successful dispatch only. */
  nosniff?: boolean;
  headers?: Record<string, string>;
}

const REASONS: Record<number, string> = {
  200: 'OK',
  303: 'See Other',
  307: 'Temporary Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export const JSON_TYPE = 'application/json; charset=utf-8';
export const HTML_TYPE = 'text/html; charset=utf-8';
export const XML_TYPE = 'text/xml; charset=utf-8';

export function reasonPhrase(status: number, profile: VersionProfile): string {
  const reason = REASONS[status] ?? 'Unknown';
  return profile.upperReasons ? reason.toUpperCase() : reason;
}

/** The headers Odoo sends with a reply (Content-Length and Connection are added when sending). */
export function replyHeaders(reply: Reply, profile: VersionProfile): Record<string, string> {
  return {
    Server: profile.major >= 19 ? 'Werkzeug/3.0.1 Python/3.12.3' : 'Werkzeug/2.2.2 Python/3.11.2',
    'Content-Type': reply.contentType,
    ...(reply.nosniff ? { 'X-Content-Type-Options': 'nosniff' } : {}),
    ...reply.headers,
  };
}

export function send(res: ServerResponse, reply: Reply, profile: VersionProfile): void {
  const body = Buffer.from(reply.body, 'utf8');
  res.writeHead(reply.status, reasonPhrase(reply.status, profile), {
    ...replyHeaders(reply, profile),
    'Content-Length': String(body.length),
    Connection: 'close',
  });
  res.end(body);
}

/** Reads the whole request body (capped, Odoo's default limit is far above what tests send). */
export function readBody(req: IncomingMessage, limit = 64 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) req.destroy(new Error('request body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const htmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;');

/** werkzeug's redirect page. */
export function redirectReply(status: 303 | 307, location: string): Reply {
  const href = htmlEscape(location);
  return {
    status,
    contentType: HTML_TYPE,
    headers: { Location: location },
    body:
      '<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n' +
      `<p>You should be redirected automatically to the target URL: <a href="${href}">${href}</a>. If not, click the link.\n`,
  };
}

/** werkzeug's default error page for a status. */
export function errorPage(status: number, description: string): Reply {
  const reason = REASONS[status] ?? 'Error';
  return {
    status,
    contentType: HTML_TYPE,
    body: `<!doctype html>\n<html lang=en>\n<title>${status} ${reason}</title>\n<h1>${reason}</h1>\n<p>${description}</p>\n`,
  };
}
