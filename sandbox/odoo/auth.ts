/**
 * Who may call: passwords and API keys per user (keys may expire), and Odoo's login throttle
 * (`_assert_can_auth`): after `after` failed checks from one source address within `durationMs`,
 * every check from there fails with "Too many login failures" until the cooldown has passed.
 */
import { randomBytes } from 'node:crypto';
import type { Micros, SimClock } from './clock.js';
import { accessDenied } from './errors.js';

export interface ApiKey {
  uid: number;
  key: string;
  /** Invalid from this instant on; undefined for keys without expiry. */
  expiresAt?: Micros;
}

export interface LoginCooldown {
  /** Failures before the cooldown starts; 0 disables the throttle. @default 5 */
  after: number;
  /** @default 60000 */
  durationMs: number;
}

/** A fresh 160-bit key in Odoo's format (40 hex characters). */
export function generateApiKey(): string {
  return randomBytes(20).toString('hex');
}

export class Credentials {
  private readonly passwords = new Map<number, string>();
  private readonly keys: ApiKey[] = [];
  private readonly failures = new Map<string, { count: number; last: Micros }>();

  constructor(
    private readonly clock: SimClock,
    private readonly cooldown: LoginCooldown = { after: 5, durationMs: 60_000 },
  ) {}

  setPassword(uid: number, password: string): void {
    this.passwords.set(uid, password);
  }

  passwordOf(uid: number): string | undefined {
    return this.passwords.get(uid);
  }

  addKey(uid: number, key: string = generateApiKey(), expiresAt?: Micros): string {
    this.keys.push({ uid, key, ...(expiresAt !== undefined ? { expiresAt } : {}) });
    return key;
  }

  /** The owner of a valid (known, unexpired) API key: how bearer authentication resolves the user. */
  keyOwner(key: string): number | undefined {
    const now = this.clock.now();
    return this.keys.find((k) => k.key === key && (k.expiresAt === undefined || k.expiresAt > now))?.uid;
  }

  /** RPC accepts the password or an API key of that user. */
  matches(uid: number, secret: unknown): boolean {
    if (typeof secret !== 'string' || secret === '') return false;
    return this.passwords.get(uid) === secret || this.keyOwner(secret) === uid;
  }

  /**
   * Runs a credential check under the throttle of `source`: refuses while cooling down, counts a
   * failure when `check` throws AccessDenied, forgets the source after a success.
   */
  guard<T>(source: string, check: () => T): T {
    const entry = this.failures.get(source);
    const { after, durationMs } = this.cooldown;
    if (after > 0 && entry && entry.count >= after && this.clock.now() - entry.last < durationMs * 1000) {
      throw accessDenied('Too many login failures, please wait a bit before trying again.');
    }
    try {
      const result = check();
      this.failures.delete(source);
      return result;
    } catch (err) {
      this.failures.set(source, { count: (entry?.count ?? 0) + 1, last: this.clock.now() });
      throw err;
    }
  }
}
