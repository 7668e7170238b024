/**
 * Token bucket per connection: `burst` requests may start at once, then `ratePerSecond` on average.
 * Waiters are served in arrival order by one pump, so a slow trickle of tokens is never raced for.
 */
import { FerryError } from '../../engine/errors.js';
import { systemClock, type Clock } from './clock.js';

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly waiters: Waiter[] = [];
  private pumping = false;
  private closed = false;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number = Math.max(1, Math.ceil(ratePerSecond)),
    private readonly clock: Clock = systemClock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Requests waiting for a token. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves when the caller may start one request. */
  take(): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    this.refill();
    if (this.waiters.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      void this.pump();
    });
  }

  /** Rejects every waiter; later take() calls reject at once. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(closedError());
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
    this.last = now;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        this.refill();
        if (this.tokens >= 1) {
          this.tokens -= 1;
          this.waiters.shift()!.resolve();
          continue;
        }
        await this.clock.sleep(Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond));
      }
    } finally {
      this.pumping = false;
    }
  }
}

function closedError(): FerryError {
  return new FerryError(
    'FERRY_HTTP_NETWORK',
    'The HTTP target was closed while a request waited for its turn',
  );
}
