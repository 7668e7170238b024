/**
 * Checks an HTTP target's options once, at construction, with messages that name the connection and
 * the field; the config loader has usually caught these already, this guards direct callers.
 */
import { FerryError } from '../../engine/errors.js';
import type { HttpTargetOptions } from './types.js';

export interface ResolvedTargetOptions {
  base: URL;
  timeoutMs: number;
  connectTimeoutMs: number;
  concurrency: number;
  rate: { perSecond: number; burst: number } | undefined;
  idempotencyHeader: string;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function resolveTargetOptions(options: HttpTargetOptions): ResolvedTargetOptions {
  const fail = (field: string, message: string): never => {
    throw new FerryError('FERRY_SCHEMA', `Connection "${options.name}": ${field} ${message}`, {
      context: { connection: options.name, field },
    });
  };
  const positive = (field: string, value: number | undefined, fallback: number, integer = false): number => {
    if (value === undefined) return fallback;
    if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
      fail(field, `must be a positive ${integer ? 'integer' : 'number'}, got ${value}`);
    }
    return value;
  };
  const url = (field: string, text: string): URL => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(text);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      return fail(field, `must be an http:// or https:// URL, got ${JSON.stringify(text)}`);
    }
    if (parsed.username || parsed.password) fail(field, 'must not carry credentials; use auth');
    return parsed;
  };

  const base = url('base_url', options.baseUrl);
  if (options.auth?.kind === 'oauth2') url('auth.oauth2.token_url', options.auth.tokenUrl);
  if (options.auth?.kind === 'header' && !HEADER_NAME.test(options.auth.header)) {
    fail('auth.header.name', `is not a valid header name: ${JSON.stringify(options.auth.header)}`);
  }
  const idempotencyHeader = options.idempotencyHeader ?? 'Idempotency-Key';
  if (!HEADER_NAME.test(idempotencyHeader)) {
    fail('idempotency_header', `is not a valid header name: ${JSON.stringify(idempotencyHeader)}`);
  }
  const perSecond =
    options.ratePerSecond === undefined
      ? undefined
      : positive('rate_limit.per_second', options.ratePerSecond, 1);
  const burst = positive('rate_limit.burst', options.burst, Math.max(1, Math.ceil(perSecond ?? 1)), true);

  return {
    base,
    timeoutMs: positive('timeout', options.timeoutMs, 10_000),
    connectTimeoutMs: positive('connect_timeout', options.connectTimeoutMs, 5_000),
    concurrency: positive('concurrency', options.concurrency, 8, true),
    rate: perSecond === undefined ? undefined : { perSecond, burst },
    idempotencyHeader: idempotencyHeader.toLowerCase(),
  };
}
