/**
 * Odoo's exceptions as they travel on the wire. One class carries the Python name, message and
 * arguments; the three protocols render it: JSON-RPC `error.data`, XML-RPC faults (code 1/2/3/4)
 * and JSON-2 bodies with an HTTP status. Tracebacks are reduced to their last line, like the captures.
 */
import type { VersionProfile } from './versions.js';

/** Which `except` clause of Odoo's RPC layer catches the error (decides fault code and HTTP status). */
export type OdooErrorFamily = 'access_error' | 'access_denied' | 'user_error' | 'missing' | 'other' | 'http';

export class OdooError extends Error {
  constructor(
    /** Fully qualified Python class, e.g. `odoo.exceptions.AccessError`, `builtins.ValueError`. */
    readonly pyName: string,
    message: string,
    readonly family: OdooErrorFamily,
    readonly args: unknown[] = [message],
    /** HTTP status of werkzeug exceptions (JSON-2 only). */
    readonly httpStatus?: number,
    /** `str(e)` when it differs from the message (werkzeug prefixes the status). */
    readonly pyStr: string = message,
  ) {
    super(message);
    this.name = 'OdooError';
  }
}

export const accessDenied = (message = 'Access Denied'): OdooError =>
  new OdooError('odoo.exceptions.AccessDenied', message, 'access_denied');
export const accessError = (message: string): OdooError =>
  new OdooError('odoo.exceptions.AccessError', message, 'access_error');
export const userError = (message: string): OdooError =>
  new OdooError('odoo.exceptions.UserError', message, 'user_error');
export const validationError = (message: string): OdooError =>
  new OdooError('odoo.exceptions.ValidationError', message, 'user_error');
export const missingError = (message: string): OdooError =>
  new OdooError('odoo.exceptions.MissingError', message, 'missing');
export const valueError = (message: string): OdooError =>
  new OdooError('builtins.ValueError', message, 'other');
export const typeError = (message: string): OdooError =>
  new OdooError('builtins.TypeError', message, 'other');
export const attributeError = (message: string): OdooError =>
  new OdooError('builtins.AttributeError', message, 'other');
/** `KeyError(key)`: str() quotes the key, args hold it bare. */
export const keyError = (key: string): OdooError =>
  new OdooError('builtins.KeyError', `'${key}'`, 'other', [key]);
export const pyException = (message: string): OdooError =>
  new OdooError('builtins.Exception', message, 'other');
export const nameError = (message: string): OdooError =>
  new OdooError('builtins.NameError', message, 'other');

export const unknownDatabase = (db: string): OdooError => {
  const message = `connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "${db}" does not exist\n`;
  return new OdooError('psycopg2.OperationalError', message, 'other');
};

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  422: 'Unprocessable Entity',
};

/** A werkzeug HTTPException (JSON-2): `str(e)` is "401 Unauthorized: Invalid apikey". */
export function httpError(status: number, description: string): OdooError {
  const reason = REASONS[status] ?? 'Error';
  const name = reason.replace(/\s/g, '');
  const str = `${status} ${reason}: ${description}`;
  return new OdooError(
    `werkzeug.exceptions.${name}`,
    description,
    'http',
    [description, status],
    status,
    str,
  );
}

/** The traceback Odoo attaches, cut to its last line as in the samples. */
export function debugText(err: OdooError): string {
  const shortName = err.pyName.startsWith('builtins.') ? err.pyName.slice('builtins.'.length) : err.pyName;
  const lines = `${shortName}: ${err.pyStr}`.replace(/\n+$/, '').split('\n');
  return `Traceback (most recent call last): [frames omitted]\n${lines[lines.length - 1]}`;
}

/** `serialize_exception(e)`: the object inside JSON-RPC `error.data` and the whole JSON-2 error body. */
export function serializeError(err: OdooError, profile: VersionProfile): Record<string, unknown> {
  const debug = debugText(err);
  const body = { name: err.pyName, message: err.message, arguments: err.args, context: {} };
  const { name, ...rest } = body;
  return profile.debugLast ? { ...body, debug } : { name, debug, ...rest };
}

/** XML-RPC fault code: 4 AccessError, 3 AccessDenied, 2 UserError and subclasses, 1 anything else. */
export function faultOf(err: OdooError): { faultCode: number; faultString: string } {
  switch (err.family) {
    case 'access_error':
      return { faultCode: 4, faultString: err.message };
    case 'access_denied':
      return { faultCode: 3, faultString: err.message };
    case 'user_error':
    case 'missing':
      return { faultCode: 2, faultString: err.message };
    default:
      return { faultCode: 1, faultString: debugText(err) };
  }
}

/** JSON-2 status: the exception's `http_status` in Odoo 19. */
export function json2Status(err: OdooError): number {
  switch (err.family) {
    case 'access_error':
    case 'access_denied':
      return 403;
    case 'missing':
      return 404;
    case 'user_error':
      return 422;
    case 'http':
      return err.httpStatus ?? 500;
    default:
      return 500;
  }
}
