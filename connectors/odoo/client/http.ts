/**
 * The HTTP channel every protocol shares: one undici Pool per Odoo origin, a deadline per request,
 * and the round-trip counter benchmarks read. A real Odoo closes the connection after each answer
 * (`Connection: close`), so the pool mostly opens fresh sockets; it still reuses them where a proxy
 * keeps them alive. No retries here: the engine's retry layer decides, from the error.
 */
import { Pool } from 'undici';
import { FerryError } from '../../../engine/errors.js';
import { fromTransportError, type CallSite } from './errors.js';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HttpChannelOptions {
  /** Base URL of the Odoo server; a path prefix (reverse proxy mount) is kept. */
  url: string;
  timeoutMs: number;
}

const USER_AGENT = 'ferry-odoo-client';

export class HttpChannel {
  /** HTTP round trips made so far, failed ones included. */
  calls = 0;
  readonly timeoutMs: number;
  private readonly pool: Pool;
  private readonly prefix: string;

  constructor(options: HttpChannelOptions) {
    const base = parseBaseUrl(options.url);
    this.prefix = base.pathname.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs;
    this.pool = new Pool(base.origin, {
      connections: 16,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connectTimeout: Math.min(options.timeoutMs, 10_000),
    });
  }

  post(path: string, body: string, headers: Record<string, string>, site: CallSite): Promise<HttpAnswer> {
    return this.send('POST', path, body, headers, site);
  }

  get(path: string, headers: Record<string, string>, site: CallSite): Promise<HttpAnswer> {
    return this.send('GET', path, undefined, headers, site);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
    site: CallSite,
  ): Promise<HttpAnswer> {
    this.calls++;
    try {
      const response = await this.pool.request({
        method,
        path: this.prefix + path,
        body,
        headers: { 'user-agent': USER_AGENT, ...headers },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.body.text();
      return { status: response.statusCode, headers: response.headers, body: text };
    } catch (err) {
      throw fromTransportError(err, site, this.timeoutMs);
    }
  }
}

function parseBaseUrl(url: string): URL {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:') {
    throw new FerryError('FERRY_SCHEMA', `Odoo url "${url}" is not an http(s) URL`, {
      context: { field: 'url' },
      hint: 'e.g. https://odoo.example.com',
    });
  }
  return parsed;
}
