/**
 * Who may call the 3PL simulator: a static bearer token (rotatable, to exercise a 401 refresh), Basic
 * credentials, an API-key header, or bearer tokens it issued itself at `POST /oauth/token` (OAuth2
 * client credentials). With none of these configured, every request is let in.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface SimulatorAuthOptions {
  /** Static bearer token. */
  token?: string;
  basic?: { username: string; password: string };
  /** An API key in a header of its own, e.g. `{ header: 'X-Api-Key', value: '…' }`. */
  apiKey?: { header: string; value: string };
  /** OAuth2 clients allowed at `/oauth/token`: client id → client secret. */
  oauthClients?: Record<string, string>;
  /** Lifetime of issued tokens (expires_in). @default 3600 */
  tokenTtlSeconds?: number;
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

const same = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));

export class SimulatorAuth {
  private token: string | undefined;
  private readonly issued = new Map<string, number>();
  /** Tokens handed out at /oauth/token since start (or the last reset). */
  tokensIssued = 0;

  constructor(private readonly options: SimulatorAuthOptions) {
    this.token = options.token;
  }

  private get required(): boolean {
    const { basic, apiKey, oauthClients } = this.options;
    return (
      this.token !== undefined || basic !== undefined || apiKey !== undefined || oauthClients !== undefined
    );
  }

  rotateToken(token: string): void {
    this.token = token;
  }

  /** Invalidates every token issued at /oauth/token, as a provider does on a key rollover. */
  revokeIssuedTokens(): void {
    this.issued.clear();
  }

  allows(headers: IncomingHttpHeaders): boolean {
    if (!this.required) return true;
    const authorization = headers.authorization ?? '';
    const { basic, apiKey } = this.options;
    if (authorization.startsWith('Bearer ')) {
      const presented = authorization.slice('Bearer '.length);
      if (this.token !== undefined && same(presented, this.token)) return true;
      const expiresAt = this.issued.get(presented);
      return expiresAt !== undefined && Date.now() < expiresAt;
    }
    if (basic && authorization.startsWith('Basic ')) {
      const pair = Buffer.from(authorization.slice('Basic '.length), 'base64').toString('utf8');
      return same(pair, `${basic.username}:${basic.password}`);
    }
    const keyHeader = apiKey && headers[apiKey.header.toLowerCase()];
    return typeof keyHeader === 'string' && same(keyHeader, apiKey!.value);
  }

  /** `POST /oauth/token`: client credentials in Basic auth (RFC 6749 §2.3.1) or in the form body. */
  issueToken(headers: IncomingHttpHeaders, body: string): TokenAnswer {
    const form = new URLSearchParams(body);
    let clientId = form.get('client_id') ?? undefined;
    let clientSecret = form.get('client_secret') ?? undefined;
    const authorization = headers.authorization ?? '';
    if (authorization.startsWith('Basic ')) {
      const pair = Buffer.from(authorization.slice('Basic '.length), 'base64').toString('utf8');
      const colon = pair.indexOf(':');
      clientId = formDecode(pair.slice(0, colon));
      clientSecret = formDecode(pair.slice(colon + 1));
    }
    const expected = clientId === undefined ? undefined : this.options.oauthClients?.[clientId];
    if (expected === undefined || clientSecret === undefined || !same(clientSecret, expected)) {
      return { status: 401, body: { error: 'invalid_client' } };
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return { status: 400, body: { error: 'unsupported_grant_type' } };
    }
    const ttl = this.options.tokenTtlSeconds ?? 3600;
    const accessToken = randomBytes(24).toString('base64url');
    this.issued.set(accessToken, Date.now() + ttl * 1000);
    this.tokensIssued += 1;
    const scope = form.get('scope');
    return {
      status: 200,
      body: { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, ...(scope ? { scope } : {}) },
    };
  }
}
