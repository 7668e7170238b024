/**
 * Idempotency-Key as Stripe and the IETF draft (draft-ietf-httpapi-idempotency-key-header) describe:
 * the first request with a key runs; a repeat with the same request replays its stored answer without
 * a new effect; a repeat while the first is still running gets 409; a repeat with a different request
 * gets 422. A request that fails before taking effect leaves no trace, so its retry runs afresh.
 */
import { createHash } from 'node:crypto';

export interface StoredAnswer {
  status: number;
  body: string;
}

type Entry = { fingerprint: string; answer: StoredAnswer | undefined };

export type KeyCheck =
  | { outcome: 'new' }
  | { outcome: 'in_flight' }
  | { outcome: 'mismatch' }
  | { outcome: 'replay'; answer: StoredAnswer };

/** What makes two requests "the same": method, path and the exact body bytes. */
export function fingerprintOf(method: string, path: string, body: string): string {
  return createHash('sha256').update(`${method} ${path}\n${body}`).digest('hex');
}

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  /** Checks `key` and, when it is new, marks it in flight. */
  begin(key: string, fingerprint: string): KeyCheck {
    const entry = this.entries.get(key);
    if (!entry) {
      this.entries.set(key, { fingerprint, answer: undefined });
      return { outcome: 'new' };
    }
    if (entry.fingerprint !== fingerprint) return { outcome: 'mismatch' };
    if (!entry.answer) return { outcome: 'in_flight' };
    return { outcome: 'replay', answer: entry.answer };
  }

  complete(key: string, answer: StoredAnswer): void {
    const entry = this.entries.get(key);
    if (entry) entry.answer = answer;
  }

  /** Forgets a key whose request failed before it took effect. */
  abandon(key: string): void {
    if (this.entries.get(key)?.answer === undefined) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
