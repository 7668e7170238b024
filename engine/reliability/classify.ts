/**
 * THE classifier: the one place that decides whether a failed HTTP exchange may be tried again, and
 * when. Connectors turn every non-2xx answer and every network error into a FerryError here; the
 * engine's retry layer only reads `retryable` and `retryAfterMs` from the result.
 */
import { FerryError, isFerryError, type ErrorCode, type ErrorContext } from '../errors.js';
import { redact } from '../log/redact.js';

/** Longest excerpt of a response body kept in an error (bytes of UTF-8). */
export const BODY_EXCERPT_BYTES = 2048;

/** A Retry-After longer than this is shortened to it: a delivery should not sleep for days. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 5 * 60_000;

export interface ClassifyOptions {
  /** Merged into the error's context (target, method, path, correlation ID…). */
  context?: ErrorContext;
  /** Upper bound for `retryAfterMs`. @default 300000 */
  maxRetryAfterMs?: number;
  /** Clock for HTTP-date Retry-After values, in Unix milliseconds. @default Date.now() */
  now?: number;
}

export type HeaderBag = Record<string, string | string[] | undefined>;

/** At most BODY_EXCERPT_BYTES of `text`, with registered secret values masked. */
export function bodyExcerpt(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= BODY_EXCERPT_BYTES) return redact(text);
  // Cutting may split a character; drop the replacement character that leaves behind.
  const cut = bytes
    .subarray(0, BODY_EXCERPT_BYTES)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return `${redact(cut)}…`;
}

function header(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

const DELAY_SECONDS = /^\d+$/;
// IMF-fixdate, RFC 850 and asctime dates all start with a day name; Date.parse alone accepts "2024".
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s/;

/**
 * Retry-After as milliseconds: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). A date in the past
 * means "now" (0). Negative numbers, fractions and anything unparseable are ignored (undefined).
 */
export function parseRetryAfter(
  value: string | undefined,
  now: number = Date.now(),
  maxMs: number = DEFAULT_MAX_RETRY_AFTER_MS,
): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  let ms: number;
  if (DELAY_SECONDS.test(text)) {
    ms = Number(text) * 1000;
  } else if (HTTP_DATE.test(text)) {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - now);
  } else {
    return undefined;
  }
  return Math.min(ms, maxMs);
}

interface Verdict {
  code: ErrorCode;
  what: string;
}

function verdictFor(status: number): Verdict {
  if (status === 401) return { code: 'FERRY_HTTP_UNAUTHORIZED', what: 'refused the credentials' };
  if (status === 429) return { code: 'FERRY_HTTP_RATE_LIMITED', what: 'is rate limiting' };
  if (status === 409) return { code: 'FERRY_HTTP_IN_PROGRESS', what: 'is still processing this key' };
  if (status === 408) return { code: 'FERRY_HTTP_SERVER', what: 'timed out reading the request' };
  if (status === 425) return { code: 'FERRY_HTTP_SERVER', what: 'refused an early request' };
  // 501 means the endpoint will never implement this method: asking again cannot help.
  if (status === 501) return { code: 'FERRY_HTTP_REJECTED', what: 'does not implement this method' };
  if (status >= 500 && status <= 599) return { code: 'FERRY_HTTP_SERVER', what: 'failed' };
  if (status >= 300 && status <= 399)
    return { code: 'FERRY_HTTP_REJECTED', what: 'redirected (check base_url)' };
  return { code: 'FERRY_HTTP_REJECTED', what: 'rejected the request' };
}

/**
 * The FerryError for a response, or null for a 2xx. `bodyText` may be the whole body; only an excerpt
 * is kept. Retry-After is honoured on every retryable status (429 and 503 mostly, but 409 too).
 */
export function classifyResponse(
  status: number,
  headers: HeaderBag,
  bodyText: string,
  options: ClassifyOptions = {},
): FerryError | null {
  if (status >= 200 && status <= 299) return null;
  const { code, what } = verdictFor(status);
  const error = new FerryError(code, `The endpoint ${what}: HTTP ${status}`, {
    context: { ...options.context, statusCode: status, body: bodyExcerpt(bodyText) },
  });
  if (!error.retryable) return error;
  const retryAfterMs = parseRetryAfter(header(headers, 'retry-after'), options.now, options.maxRetryAfterMs);
  if (retryAfterMs === undefined) return error;
  return new FerryError(code, `${error.message}, retry after ${Math.ceil(retryAfterMs / 1000)}s`, {
    context: error.context,
    retryAfterMs,
  });
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);

/** Codes of an error, its causes and (for a failed multi-address connect) its inner errors. */
function errorCodes(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 4) return [];
  const codes: string[] = [];
  const { code, cause, errors } = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') codes.push(code);
  codes.push(...errorCodes(cause, depth + 1));
  if (Array.isArray(errors)) for (const inner of errors) codes.push(...errorCodes(inner, depth + 1));
  return codes;
}

/**
 * The FerryError for a failure with no HTTP answer. Timeouts become FERRY_HTTP_TIMEOUT; resets,
 * refusals and anything else unknown become FERRY_HTTP_NETWORK (retryable: the attempt limit and the
 * idempotency key bound the cost of retrying). A FerryError passes through unchanged.
 */
export function classifyNetworkError(err: unknown, context: ErrorContext = {}): FerryError {
  if (isFerryError(err)) return err;
  const codes = errorCodes(err);
  const detail = redact(err instanceof Error ? err.message : String(err));
  const found = codes.find((c) => TIMEOUT_CODES.has(c) || NETWORK_CODES.has(c)) ?? codes[0];
  const suffix = found ? ` (${found})` : '';
  const isTimeout = codes.some((c) => TIMEOUT_CODES.has(c));
  const isHangUp = /socket hang up|other side closed/i.test(detail);
  if (isTimeout) {
    return new FerryError('FERRY_HTTP_TIMEOUT', `The endpoint did not answer in time: ${detail}${suffix}`, {
      context,
      cause: err,
    });
  }
  const known = isHangUp || codes.some((c) => NETWORK_CODES.has(c));
  return new FerryError(
    'FERRY_HTTP_NETWORK',
    `${known ? 'The connection to the endpoint failed' : 'The request failed'}: ${detail}${suffix}`,
    { context, cause: err },
  );
}
