/**
 * The HTTP target as the engine sees it: one `send` per delivery attempt, returning the parsed answer
 * or throwing a classified FerryError. Retrying is the engine's job, not the target's.
 */
import type { SecretHandle } from '../../engine/secrets/types.js';
import type { Clock } from './clock.js';

export type HttpAuth =
  | { kind: 'bearer'; token: SecretHandle }
  | { kind: 'basic'; username: string; password: SecretHandle }
  | { kind: 'header'; header: string; value: SecretHandle }
  | { kind: 'oauth2'; tokenUrl: string; clientId: string; clientSecret: SecretHandle; scope?: string };

export interface HttpTargetOptions {
  /** The connection's name, carried in error context and logs. */
  name: string;
  /** Origin plus an optional path prefix, e.g. `https://api.example.com/3pl`. */
  baseUrl: string;
  auth?: HttpAuth;
  /**
   * Longest wait for the response headers, and then for each chunk of the body, in milliseconds.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * Longest wait for the TCP/TLS connection, in milliseconds.
   * @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * Requests in flight at once; further ones wait their turn in arrival order.
   * @default 8
   */
  concurrency?: number;
  /** Requests per second allowed to start (token bucket); unlimited when absent. */
  ratePerSecond?: number;
  /**
   * Requests that may start at once after a quiet period (bucket size).
   * @default max(1, ceil(ratePerSecond))
   */
  burst?: number;
  /** @default 'Idempotency-Key' */
  idempotencyHeader?: string;
  /** Sent with every request; per-request headers win. */
  headers?: Record<string, string>;
  /** Time source of the rate limiter; tests pass a manual clock. @default the system clock */
  clock?: Clock;
}

export interface HttpRequest {
  method: string;
  /** Appended to the base URL's path; may carry a query string. */
  path: string;
  /** The exact bytes to send (JSON). */
  body: string;
  idempotencyKey?: string;
  correlationId: string;
  traceparent: string;
  headers?: Record<string, string>;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The parsed JSON body, or undefined when the body is empty. */
  body: unknown;
  text: string;
  /** Time from sending the request to the end of its body (the final exchange, after any auth retry). */
  durationMs: number;
}

export interface HttpTarget {
  readonly name: string;
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Waits for requests in flight, then closes every connection. */
  close(): Promise<void>;
}
