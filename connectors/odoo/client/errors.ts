/**
 * The one place where what Odoo answered becomes a FerryError: JSON-RPC `error.data.name`, XML-RPC
 * fault codes and strings, JSON-2 statuses and error bodies, HTTP failures and transport errors.
 * Messages carry the model, the method and Odoo's own words; never the request (it holds the API key
 * for JSON-RPC and XML-RPC) and never a registered secret value.
 */
import { FerryError, type ErrorCode } from '../../../engine/errors.js';
import { redact } from '../../../engine/log/redact.js';
import { renamedField } from './versions.js';

export type Protocol = 'jsonrpc' | 'xmlrpc' | 'json2';

/** Which call failed: `model` is absent for the `common` service (version, authenticate). */
export interface CallSite {
  protocol: Protocol;
  method: string;
  model?: string;
}

interface Classification {
  code: ErrorCode;
  retryable?: boolean;
  hint?: string;
  retryAfterMs?: number;
}

const EXCERPT_LENGTH = 300;

function where(site: CallSite): string {
  return site.model ? `${site.model}.${site.method}` : `common.${site.method}`;
}

function build(
  site: CallSite,
  detail: string,
  c: Classification,
  extra: Record<string, unknown> = {},
): FerryError {
  // One line: Odoo's messages span paragraphs, Ferry's errors are one line plus detail on request.
  const oneLine = detail.replace(/\s*\n\s*/g, ' ').trim();
  return new FerryError(c.code, redact(`Odoo ${where(site)} failed: ${oneLine}`), {
    context: { protocol: site.protocol, model: site.model, method: site.method, ...extra },
    ...(c.hint ? { hint: c.hint } : {}),
    ...(c.retryable === undefined ? {} : { retryable: c.retryable }),
    ...(c.retryAfterMs === undefined ? {} : { retryAfterMs: c.retryAfterMs }),
  });
}

/** A short, secret-free piece of a response body for the error context. */
export function excerpt(body: string): string {
  const text = body.length > EXCERPT_LENGTH ? `${body.slice(0, EXCERPT_LENGTH)}…` : body;
  return redact(text);
}

/**
 * Classifies by the Python exception's qualified name (`odoo.exceptions.AccessError`, `builtins.ValueError`)
 * and, where one name covers different causes, by Odoo's message.
 */
export function classifyException(name: string, message: string): Classification {
  const short = name.slice(name.lastIndexOf('.') + 1);
  switch (short) {
    case 'AccessDenied':
    case 'Unauthorized': // werkzeug's 401 for a bad bearer key on JSON-2
      return {
        code: 'FERRY_ODOO_ACCESS_DENIED',
        hint: 'check the login and that the API key is valid and not expired',
      };
    case 'AccessError':
      // Calling a private method is a programming error, not a missing right.
      if (/^Private methods/.test(message)) return { code: 'FERRY_ODOO_BAD_REQUEST' };
      return { code: 'FERRY_ODOO_ACCESS_ERROR', hint: 'grant the service account the group Odoo names' };
    case 'MissingError':
      return { code: 'FERRY_ODOO_MISSING_RECORD' };
    case 'UserError':
    case 'ValidationError':
    case 'RedirectWarning':
    case 'Warning':
      // Odoo raises UserError for an unknown model.
      if (/^Object \S+ doesn't exist/.test(message)) return { code: 'FERRY_ODOO_BAD_REQUEST' };
      if (/^Record does not exist or has been deleted/.test(message))
        return { code: 'FERRY_ODOO_MISSING_RECORD' };
      return { code: 'FERRY_ODOO_USER_ERROR' };
    case 'ValueError':
    case 'KeyError':
    case 'AttributeError':
    case 'TypeError':
    case 'NotFound': // werkzeug's 404 for an unknown model or method on JSON-2
    case 'BadRequest':
      if (/cannot marshal None/.test(message)) {
        return {
          code: 'FERRY_ODOO_BAD_REQUEST',
          hint: 'the method returns nothing, which XML-RPC cannot carry; use JSON-RPC or another method',
        };
      }
      return { code: 'FERRY_ODOO_BAD_REQUEST' };
    case 'OperationalError':
      if (/database "[^"]*" does not exist/.test(message)) {
        return { code: 'FERRY_ODOO_BAD_REQUEST', hint: 'the database name in the connection is wrong' };
      }
      // The database was momentarily unreachable or a lock timed out: worth another attempt.
      return { code: 'FERRY_ODOO_SERVER_ERROR', retryable: true };
    case 'SerializationFailure':
    case 'LockNotAvailable':
      return { code: 'FERRY_ODOO_SERVER_ERROR', retryable: true };
    default:
      return { code: 'FERRY_ODOO_SERVER_ERROR' };
  }
}

/** A JSON-RPC `error` member (`{code, message, data: {name, message, ...}}`). */
export function fromJsonRpcError(error: unknown, site: CallSite): FerryError {
  const outer = (error && typeof error === 'object' ? error : {}) as Record<string, unknown>;
  const data = (outer.data && typeof outer.data === 'object' ? outer.data : {}) as Record<string, unknown>;
  const name = typeof data.name === 'string' ? data.name : '';
  const message = firstText(data.message, outer.message) ?? 'unknown error';
  return build(site, `${message.trim()}${name ? ` (${name})` : ''}`, classifyException(name, message), {
    odooException: name || undefined,
  });
}

/**
 * An XML-RPC fault. Odoo's codes: 1 other (the string is a traceback), 2 UserError, 3 AccessDenied,
 * 4 AccessError. Older servers send string codes naming the exception ("warning -- AccessError").
 */
export function fromXmlRpcFault(code: unknown, faultString: string, site: CallSite): FerryError {
  const text = faultString.trim();
  let name: string;
  let message = text;
  if (code === 3 || code === 'AccessDenied') name = 'AccessDenied';
  else if (code === 4) name = 'AccessError';
  else if (code === 2) name = 'UserError';
  else if (typeof code === 'string' && code.startsWith('warning -- ')) {
    const [head = '', ...rest] = code.slice('warning -- '.length).split('\n\n');
    name = head === 'Warning' ? 'UserError' : head;
    message = rest.join('\n\n').trim() || text;
  } else {
    // A traceback: its last line is "module.Exception: message".
    const lastLine = text.split('\n').pop() ?? '';
    const match = /^([\w.]+):\s*(.*)$/.exec(lastLine);
    name = match?.[1] ?? '';
    message = match?.[2] ?? lastLine;
  }
  return build(site, `${message}${name ? ` (${name})` : ''}`, classifyException(name, message), {
    faultCode: typeof code === 'number' ? code : undefined,
    odooException: name || undefined,
  });
}

/**
 * An HTTP answer that is not a successful RPC response. JSON-2 puts errors in the status with a JSON
 * body naming the exception; JSON-RPC and XML-RPC only see non-200 statuses from a proxy, a redirect
 * or a crashed worker.
 */
export function fromHttpStatus(
  status: number,
  body: string,
  headers: Record<string, string | string[] | undefined>,
  site: CallSite,
): FerryError {
  const extra = { statusCode: status, body: excerpt(body) };
  const named = site.protocol === 'json2' ? json2Error(body) : undefined;
  if (named) {
    // Even a 5xx with a named exception is Odoo's verdict on the call, not a transient failure.
    const detail = `${named.message} (${named.name}, HTTP ${status})`;
    return build(site, detail, classifyException(named.name, named.message), {
      ...extra,
      odooException: named.name,
    });
  }
  const { detail, ...classification } = byStatus(status, body, headers, site.protocol);
  return build(site, detail, classification, extra);
}

function byStatus(
  status: number,
  body: string,
  headers: Record<string, string | string[] | undefined>,
  protocol: Protocol,
): Classification & { detail: string } {
  if (status === 429 || status >= 500) {
    const retryAfterMs = retryAfter(headers['retry-after']);
    const detail = `HTTP ${status} from Odoo or a proxy in front of it`;
    return { detail, code: 'FERRY_ODOO_NETWORK', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  if (status >= 300 && status < 400) {
    const location = String(headers.location ?? '');
    if (protocol === 'json2' && location.includes('/web/login')) {
      const hint = 'JSON-2 needs Odoo 19 or later; use protocol jsonrpc or auto';
      const detail = 'the server has no JSON-2 API (it redirects to the login page)';
      return { detail, code: 'FERRY_ODOO_PROTOCOL', retryable: false, hint };
    }
    const hint = 'set the connection url to the address Odoo redirects to';
    return {
      detail: `HTTP ${status} redirect to ${location || 'nowhere'}`,
      code: 'FERRY_ODOO_PROTOCOL',
      retryable: false,
      hint,
    };
  }
  const detail = `HTTP ${status}: ${firstLine(body)}`;
  if (status === 401) return { detail, ...classifyException('Unauthorized', '') };
  if (status === 403) return { detail, code: 'FERRY_ODOO_ACCESS_ERROR' };
  if (protocol === 'json2' && status === 404) return { detail, code: 'FERRY_ODOO_MISSING_RECORD' };
  if (protocol === 'json2' && status === 422) return { detail, code: 'FERRY_ODOO_USER_ERROR' };
  const hint = 'check that the connection url points at the Odoo server';
  return { detail, code: 'FERRY_ODOO_PROTOCOL', retryable: false, hint };
}

/** A 200 answer whose body is not the RPC response it should be (garbage from a proxy, truncated body). */
export function protocolError(site: CallSite, reason: string, body: string): FerryError {
  return build(
    site,
    `answered something that is not a valid ${site.protocol} response: ${reason}`,
    {
      code: 'FERRY_ODOO_PROTOCOL',
    },
    { body: excerpt(body) },
  );
}

/** Connection refused or reset, DNS failure, timeout. */
export function fromTransportError(err: unknown, site: CallSite, timeoutMs: number): FerryError {
  const e = (err ?? {}) as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  const timedOut =
    e.name === 'TimeoutError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT';
  const detail = timedOut
    ? `no answer within ${timeoutMs} ms`
    : `${code ?? e.name ?? 'error'}: ${e.message ?? String(err)}`;
  return new FerryError('FERRY_ODOO_NETWORK', redact(`Odoo ${where(site)} failed: ${detail}`), {
    context: { protocol: site.protocol, model: site.model, method: site.method, errno: code },
    cause: err,
  });
}

function json2Error(body: string): { name: string; message: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (!parsed || typeof parsed !== 'object') return undefined;
    const { name, message } = parsed as Record<string, unknown>;
    if (typeof name !== 'string') return undefined;
    return { name, message: typeof message === 'string' ? message : '' };
  } catch {
    return undefined;
  }
}

function firstText(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v.trim() !== '');
}

function firstLine(body: string): string {
  const text = body
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return excerpt(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}

function retryAfter(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Adds a "did you mean" hint to Odoo's unknown-field error when the field was renamed between versions
 * ("Invalid field 'move_lines' on model 'stock.picking'" on 17 → move_ids). Other errors pass through.
 */
export function withRenameHint(error: FerryError, version: number): FerryError {
  const invalid = invalidField(error.message);
  const suggestion = invalid && renamedField(invalid.model, invalid.field, version);
  if (!invalid || !suggestion) return error;
  return new FerryError(error.code, error.message, {
    context: { ...error.context, field: invalid.field },
    hint: `did you mean ${suggestion}? ${invalid.model}.${invalid.field} is called ${suggestion} on Odoo ${version}`,
    retryable: error.retryable,
    cause: error,
  });
}

/** The field Odoo names in "Invalid field 'f' on model 'm'" (fields, vals) or "Invalid field m.f in leaf" (domains). */
function invalidField(message: string): { model: string; field: string } | undefined {
  const onModel = /Invalid field '(\w+)' on model '([\w.]+)'/.exec(message);
  if (onModel) return { field: onModel[1] ?? '', model: onModel[2] ?? '' };
  const inLeaf = /Invalid field ([\w.]+)\.(\w+) in leaf/.exec(message);
  if (inLeaf) return { model: inLeaf[1] ?? '', field: inLeaf[2] ?? '' };
  return undefined;
}
