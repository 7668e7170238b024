/**
 * Fault injection: the next N requests fail the way a real deployment fails. A proxy answers 502 or
 * 503, something answers an HTML page instead of RPC, the connection drops, the server hangs, or the
 * call runs and its answer is cut off half-way (the write happened, the client cannot know).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type FaultSpec =
  | { kind: 'status'; status: number; retryAfterSeconds?: number }
  | { kind: 'html' }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'truncated' };

interface Pending {
  fault: FaultSpec;
  remaining: number;
  /** Only requests whose path starts with this (e.g. "/jsonrpc"); all when absent. */
  path?: string;
}

const REASON: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Time-out',
};

const proxyPage = (status: number) => {
  const title = `${status} ${REASON[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
};

/** Odoo's login page, stripped down: what a client gets when it is sent to the web UI. */
export const LOGIN_PAGE =
  '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="utf-8"/>\n<title>Odoo</title>\n</head>\n' +
  '<body class="bg-100">\n<form class="oe_login_form" role="form" method="post" action="/web/login">\n' +
  '<label for="login">Email</label><input type="text" name="login" id="login"/>\n' +
  '<label for="password">Password</label><input type="password" name="password" id="password"/>\n' +
  '<button type="submit">Log in</button>\n</form>\n</body>\n</html>\n';

export class FaultInjector {
  private readonly queue: Pending[] = [];
  private readonly hanging = new Set<ServerResponse>();

  inject(fault: FaultSpec, times = 1, path?: string): void {
    this.queue.push({ fault, remaining: times, ...(path ? { path } : {}) });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The fault the next request to `path` must suffer, if any (consumes one occurrence). */
  take(path: string): FaultSpec | undefined {
    const pending = this.queue.find((p) => !p.path || path.startsWith(p.path));
    if (!pending) return undefined;
    pending.remaining -= 1;
    if (pending.remaining <= 0) this.queue.splice(this.queue.indexOf(pending), 1);
    return pending.fault;
  }

  /** Answers a fault that replaces the call entirely; 'truncated' is applied to a real answer instead. */
  answer(fault: Exclude<FaultSpec, { kind: 'truncated' }>, req: IncomingMessage, res: ServerResponse): void {
    switch (fault.kind) {
      case 'status': {
        const body = proxyPage(fault.status);
        res.writeHead(fault.status, REASON[fault.status] ?? 'Error', {
          Server: 'nginx',
          'Content-Type': 'text/html',
          'Content-Length': String(Buffer.byteLength(body)),
          ...(fault.retryAfterSeconds !== undefined
            ? { 'Retry-After': String(fault.retryAfterSeconds) }
            : {}),
          Connection: 'close',
        });
        res.end(body);
        return;
      }
      case 'html':
        res.writeHead(200, 'OK', {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Length': String(Buffer.byteLength(LOGIN_PAGE)),
          Connection: 'close',
        });
        res.end(LOGIN_PAGE);
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        // Never answered; the socket is destroyed when the simulator closes.
        this.hanging.add(res);
        req.resume();
        return;
    }
  }

  /** Sends the headers and half of `body`, then drops the connection. */
  truncate(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
    const bytes = Buffer.from(body, 'utf8');
    res.writeHead(status, { ...headers, 'Content-Length': String(bytes.length), Connection: 'close' });
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
  }

  releaseHanging(): void {
    for (const res of this.hanging) res.socket?.destroy();
    this.hanging.clear();
  }
}
