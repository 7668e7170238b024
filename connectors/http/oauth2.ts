/**
 * OAuth2 client credentials (RFC 6749 §4.4): a bearer token fetched from the token endpoint, cached
 * until shortly before it expires, fetched once for all concurrent callers, and fetched anew when the
 * API refuses it. The client secret is refreshed (rotation) once if the token endpoint refuses it.
 */
import { Pool } from 'undici';
import { FerryError, type ErrorContext } from '../../engine/errors.js';
import { log } from '../../engine/log/logger.js';
import { registerSecretValue } from '../../engine/log/redact.js';
import { classifyNetworkError, classifyResponse } from '../../engine/reliability/classify.js';
import type { SecretHandle } from '../../engine/secrets/types.js';
import { flattenHeaders, readBodyText } from './body.js';

export interface OAuth2Config {
  tokenUrl: string;
  clientId: string;
  clientSecret: SecretHandle;
  scope?: string;
}

interface CachedToken {
  value: string;
  /** Wall-clock ms after which the token is not used any more. */
  renewAt: number;
}

/** Lifetime assumed when the endpoint gives no expires_in; a 401 renews it earlier. */
const DEFAULT_LIFETIME_S = 3600;
/** Renew this long before expiry (or a tenth of the lifetime when shorter), so no request races it. */
const EXPIRY_MARGIN_S = 60;

/** application/x-www-form-urlencoded, as RFC 6749 §2.3.1 asks for the Basic credentials too. */
const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');

export class OAuth2TokenSource {
  private readonly pool: Pool;
  private readonly url: URL;
  private cached: CachedToken | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly config: OAuth2Config,
    private readonly context: ErrorContext,
    timeouts: { timeoutMs: number; connectTimeoutMs: number },
  ) {
    this.url = new URL(config.tokenUrl);
    this.pool = new Pool(this.url.origin, {
      connections: 1,
      connectTimeout: timeouts.connectTimeoutMs,
      headersTimeout: timeouts.timeoutMs,
      bodyTimeout: timeouts.timeoutMs,
    });
  }

  /** A valid access token, from the cache when it has not expired. */
  token(): Promise<string> {
    if (this.cached && Date.now() < this.cached.renewAt) return Promise.resolve(this.cached.value);
    return this.renew();
  }

  /** Drops the cached token and fetches a new one (shared by concurrent callers). */
  renew(): Promise<string> {
    this.cached = undefined;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async fetchToken(): Promise<string> {
    let answer = await this.requestToken(await this.config.clientSecret.get());
    if (refusesClient(answer.status, answer.text)) {
      log().info(
        { target: this.context.target },
        'OAuth2 token endpoint refused the client; refreshing its secret',
      );
      answer = await this.requestToken(await this.config.clientSecret.refresh());
    }
    const context = { ...this.context, tokenUrl: this.config.tokenUrl };
    if (refusesClient(answer.status, answer.text)) {
      throw new FerryError(
        'FERRY_HTTP_UNAUTHORIZED',
        `The OAuth2 token endpoint refused client "${this.config.clientId}": HTTP ${answer.status}`,
        { context: { ...context, statusCode: answer.status }, hint: `Check ${this.config.clientSecret.ref}` },
      );
    }
    const refused = classifyResponse(answer.status, answer.headers, answer.text, { context });
    if (refused) throw refused;

    const { access_token: value, expires_in: expiresIn } = parseTokenAnswer(answer.text, context);
    registerSecretValue(value);
    const lifetimeS = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : DEFAULT_LIFETIME_S;
    const marginS = Math.min(EXPIRY_MARGIN_S, lifetimeS / 10);
    this.cached = { value, renewAt: Date.now() + (lifetimeS - marginS) * 1000 };
    return value;
  }

  private async requestToken(secret: string) {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (this.config.scope) form.set('scope', this.config.scope);
    const basic = Buffer.from(`${formEncode(this.config.clientId)}:${formEncode(secret)}`).toString('base64');
    const context = { ...this.context, tokenUrl: this.config.tokenUrl };
    try {
      const res = await this.pool.request({
        method: 'POST',
        path: this.url.pathname + this.url.search,
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
      });
      const text = await readBodyText(res.body, context);
      return { status: res.statusCode, headers: flattenHeaders(res.headers), text };
    } catch (err) {
      throw classifyNetworkError(err, context);
    }
  }
}

/** 401, or the 400 `invalid_client` that some servers answer instead (RFC 6749 §5.2). */
function refusesClient(status: number, text: string): boolean {
  return status === 401 || (status === 400 && /"error"\s*:\s*"invalid_client"/.test(text));
}

function parseTokenAnswer(
  text: string,
  context: ErrorContext,
): { access_token: string; expires_in?: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const token = (parsed as { access_token?: unknown } | undefined)?.access_token;
  const type = (parsed as { token_type?: unknown } | undefined)?.token_type;
  if (
    typeof token !== 'string' ||
    token === '' ||
    (typeof type === 'string' && type.toLowerCase() !== 'bearer')
  ) {
    // Never quote the body: it may hold a token of an unexpected shape.
    throw new FerryError(
      'FERRY_HTTP_MALFORMED',
      'The OAuth2 token endpoint answered without a bearer access_token',
      {
        context,
      },
    );
  }
  return parsed as { access_token: string; expires_in?: unknown };
}
