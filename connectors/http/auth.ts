/**
 * Credentials on every request, and the one renewal a 401 earns. Secret values are read through their
 * handles at send time (never stored here), so a rotated secret is picked up by `refresh()`.
 */
import type { ErrorContext } from '../../engine/errors.js';
import { registerSecretValue } from '../../engine/log/redact.js';
import { OAuth2TokenSource } from './oauth2.js';
import type { HttpAuth } from './types.js';

export interface Credentials {
  headers: Record<string, string>;
  /** Which renewal these were built after; passed back to `renew` on a 401. */
  generation: number;
}

export interface Authenticator {
  /** False without auth: a 401 then has nothing to renew and fails at once. */
  readonly renewable: boolean;
  /** The `${secret:…}` reference behind the credentials (safe to show), for hints. */
  readonly secretRef: string | undefined;
  credentials(): Promise<Credentials>;
  /**
   * Renews credentials of `generation` after a 401. When several requests are refused at once, the
   * first renews and the others wait for it, so a rotation costs one secret fetch, not one per request.
   */
  renew(generation: number): Promise<void>;
  close(): Promise<void>;
}

interface Scheme {
  secretRef: string | undefined;
  headers(): Promise<Record<string, string>>;
  renew(): Promise<unknown>;
  close(): Promise<void>;
}

const done = () => Promise.resolve();

function schemeFor(
  auth: HttpAuth | undefined,
  context: ErrorContext,
  timeouts: { timeoutMs: number; connectTimeoutMs: number },
): Scheme | undefined {
  switch (auth?.kind) {
    case undefined:
      return undefined;
    case 'bearer':
      return {
        secretRef: auth.token.ref,
        headers: async () => ({ authorization: `Bearer ${await auth.token.get()}` }),
        renew: () => auth.token.refresh(),
        close: done,
      };
    case 'basic':
      return {
        secretRef: auth.password.ref,
        headers: async () => {
          const pair = `${auth.username}:${await auth.password.get()}`;
          return { authorization: `Basic ${Buffer.from(pair, 'utf8').toString('base64')}` };
        },
        renew: () => auth.password.refresh(),
        close: done,
      };
    case 'header':
      return {
        secretRef: auth.value.ref,
        headers: async () => ({ [auth.header.toLowerCase()]: await auth.value.get() }),
        renew: () => auth.value.refresh(),
        close: done,
      };
    case 'oauth2': {
      const source = new OAuth2TokenSource(auth, context, timeouts);
      return {
        secretRef: auth.clientSecret.ref,
        headers: async () => ({ authorization: `Bearer ${await source.token()}` }),
        renew: () => source.renew(),
        close: () => source.close(),
      };
    }
  }
}

export function createAuthenticator(
  auth: HttpAuth | undefined,
  context: ErrorContext,
  timeouts: { timeoutMs: number; connectTimeoutMs: number },
): Authenticator {
  const scheme = schemeFor(auth, context, timeouts);
  let generation = 0;
  let renewing: Promise<void> | undefined;

  return {
    renewable: scheme !== undefined,
    secretRef: scheme?.secretRef,
    async credentials() {
      const current = generation;
      const headers = scheme ? await scheme.headers() : {};
      // Also masks encoded forms (Basic) that an endpoint might echo back in an error body.
      for (const value of Object.values(headers)) registerSecretValue(value.replace(/^(Bearer|Basic) /, ''));
      return { headers, generation: current };
    },
    renew(seen) {
      if (!scheme || seen !== generation) return Promise.resolve();
      renewing ??= scheme
        .renew()
        .then(() => {
          generation += 1;
        })
        .finally(() => {
          renewing = undefined;
        });
      return renewing;
    },
    close: () => (scheme ? scheme.close() : Promise.resolve()),
  };
}
