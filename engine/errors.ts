/**
 * The one error catalogue. Every error Ferry raises carries a stable `FERRY_*` code that users and
 * tests match on, the context needed to act on it, and the retry decision (decided here, not at call
 * sites). Every code is documented in docs/errors.md; a test keeps the two in step.
 */

export interface ErrorSpec {
  /** One line for the docs and `--help`. */
  summary: string;
  /** Whether a delivery failing with this error may be attempted again. */
  retryable: boolean;
}

export const CATALOGUE = {
  // Flow files
  FERRY_YAML_SYNTAX: { summary: 'A flow file is not valid YAML.', retryable: false },
  FERRY_SCHEMA: { summary: 'A flow-file field has the wrong type, value or is missing.', retryable: false },
  FERRY_UNKNOWN_KEY: { summary: 'A flow-file key is not part of the language.', retryable: false },
  FERRY_DUPLICATE_NAME: { summary: 'Two documents of the same kind share a name.', retryable: false },
  FERRY_UNKNOWN_CONNECTION: { summary: 'A flow names a connection that is not defined.', retryable: false },
  FERRY_CONNECTION_TYPE: { summary: 'A flow uses a connection of the wrong type.', retryable: false },
  FERRY_UNKNOWN_VERSION: { summary: 'A payload version is used but not defined.', retryable: false },
  FERRY_FILE_NOT_FOUND: {
    summary: 'A referenced schema, transform or fixture file does not exist.',
    retryable: false,
  },
  FERRY_JSONATA_SYNTAX: { summary: 'A JSONata expression does not compile.', retryable: false },
  FERRY_CONTRACT_SCHEMA: { summary: 'A payload contract is not a valid JSON Schema.', retryable: false },
  FERRY_DURATION: { summary: 'A duration is not of the form 500ms, 30s, 5m, 1h.', retryable: false },
  FERRY_DOMAIN: { summary: 'An Odoo domain is not valid prefix notation.', retryable: false },
  FERRY_REFERENCE: { summary: 'A ${env:…} or ${secret:…} reference is malformed.', retryable: false },
  FERRY_UNKNOWN_PROVIDER: { summary: 'A secret reference names an unknown provider.', retryable: false },
  FERRY_ENV_MISSING: {
    summary: 'An environment variable referenced by the config is not set.',
    retryable: false,
  },
  FERRY_LITERAL_SECRET: {
    summary: 'A secret field holds a literal value instead of a reference.',
    retryable: false,
  },
  FERRY_NO_FLOWS: { summary: 'No flow files were found where the command looked.', retryable: false },

  // Transforms and contracts
  FERRY_TRANSFORM: { summary: 'A JSONata transform failed while rendering a record.', retryable: false },
  FERRY_CONTRACT: {
    summary: 'A rendered payload breaks its version contract; it is never sent.',
    retryable: false,
  },
  FERRY_FIXTURE: { summary: 'A transform fixture file is malformed.', retryable: false },

  // Secrets
  FERRY_SECRET_UNRESOLVED: {
    summary: 'A secret reference could not be resolved by its provider.',
    retryable: true,
  },

  // HTTP targets
  FERRY_HTTP_NETWORK: {
    summary: 'The endpoint could not be reached or reset the connection.',
    retryable: true,
  },
  FERRY_HTTP_TIMEOUT: { summary: 'The endpoint did not answer in time.', retryable: true },
  FERRY_HTTP_RATE_LIMITED: {
    summary: 'The endpoint answered 429; retried after Retry-After.',
    retryable: true,
  },
  FERRY_HTTP_SERVER: {
    summary: 'The endpoint answered a transient status (5xx, 408, 425).',
    retryable: true,
  },
  FERRY_HTTP_IN_PROGRESS: {
    summary: 'The endpoint answered 409: the same key is still in progress.',
    retryable: true,
  },
  FERRY_HTTP_UNAUTHORIZED: {
    summary: 'The endpoint answered 401 after the secret was refreshed.',
    retryable: false,
  },
  FERRY_HTTP_REJECTED: { summary: 'The endpoint rejected the request permanently (4xx).', retryable: false },
  FERRY_HTTP_MALFORMED: {
    summary: 'The endpoint answered a body that is not what was expected.',
    retryable: false,
  },

  // Odoo
  FERRY_ODOO_NETWORK: { summary: 'Odoo could not be reached or answered a 5xx.', retryable: true },
  FERRY_ODOO_ACCESS_DENIED: { summary: 'Odoo refused the login or API key.', retryable: false },
  FERRY_ODOO_ACCESS_ERROR: { summary: 'The service account lacks a right Odoo requires.', retryable: false },
  FERRY_ODOO_USER_ERROR: {
    summary: 'Odoo refused the operation with a user or validation error.',
    retryable: false,
  },
  FERRY_ODOO_MISSING_RECORD: { summary: 'The Odoo record does not exist (any more).', retryable: false },
  FERRY_ODOO_BAD_REQUEST: {
    summary: 'Odoo rejected the call: unknown model, field or method.',
    retryable: false,
  },
  FERRY_ODOO_SERVER_ERROR: { summary: 'Odoo raised an unexpected server error.', retryable: false },
  FERRY_ODOO_PROTOCOL: {
    summary: 'Odoo answered something that is not a valid RPC response.',
    retryable: true,
  },
  FERRY_ODOO_ADMIN_REFUSED: {
    summary: 'The Odoo login is an administrator; use a service account.',
    retryable: false,
  },
  FERRY_ODOO_RIGHTS_MISSING: { summary: 'The service account lacks rights a flow needs.', retryable: false },
  FERRY_ODOO_UNKNOWN_FIELD: {
    summary: 'A field named by a flow does not exist on this Odoo.',
    retryable: false,
  },

  // Runtime and store
  FERRY_KEY_COLLISION: {
    summary: 'Two records produced the same idempotency key; the later one is kept as a dead letter.',
    retryable: false,
  },
  FERRY_UNKNOWN_FLOW: { summary: 'A command names a flow that is not defined.', retryable: false },
  FERRY_FLOW_PAUSED: {
    summary: 'A flow was paused after repeated authentication failures.',
    retryable: false,
  },
  FERRY_STORE: { summary: 'The state store failed.', retryable: true },
  FERRY_NOT_FOUND: {
    summary: 'A dead letter, job or transaction asked for does not exist.',
    retryable: false,
  },
  FERRY_USAGE: { summary: 'A command was called with wrong arguments.', retryable: false },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof CATALOGUE;

/** Where in the flow files an error is, or which delivery it belongs to. */
export interface ErrorContext {
  file?: string;
  line?: number;
  col?: number;
  /** Dotted path of the field in the document, e.g. `payload.versions.v2.transform`. */
  field?: string;
  flow?: string;
  record?: string | number;
  version?: string;
  correlationId?: string;
  attempt?: number;
  statusCode?: number;
  /** An excerpt of a response body, never a request secret. */
  body?: string;
  [key: string]: unknown;
}

export interface FerryErrorOptions {
  context?: ErrorContext;
  hint?: string;
  cause?: unknown;
  /** Overrides the catalogue's decision (e.g. a 4xx that a receiver marks retryable). */
  retryable?: boolean;
  /** When the other side told us when to come back (Retry-After), in milliseconds. */
  retryAfterMs?: number;
}

export class FerryError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;
  readonly hint: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options: FerryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FerryError';
    this.code = code;
    this.context = options.context ?? {};
    this.hint = options.hint;
    this.retryable = options.retryable ?? CATALOGUE[code].retryable;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** `file:line:col  CODE  message` for config errors, `CODE  message (flow=… record=…)` otherwise. */
  format(): string {
    const { file, line, col } = this.context;
    if (file) {
      const where = line ? `${file}:${line}:${col ?? 1}` : file;
      return `${where}  ${this.code}  ${this.message}`;
    }
    const ids = (['flow', 'record', 'version', 'correlationId', 'attempt'] as const)
      .filter((k) => this.context[k] !== undefined)
      .map((k) => `${k}=${String(this.context[k])}`)
      .join(' ');
    return ids ? `${this.code}  ${this.message} (${ids})` : `${this.code}  ${this.message}`;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      hint: this.hint,
      retryable: this.retryable,
      ...this.context,
    };
  }
}

export function isFerryError(err: unknown, code?: ErrorCode): err is FerryError {
  return err instanceof FerryError && (code === undefined || err.code === code);
}

/** Many errors found in one pass (a whole config load), reported together. */
export class FerryErrors extends Error {
  constructor(readonly errors: FerryError[]) {
    super(`${errors.length} error${errors.length === 1 ? '' : 's'}`);
    this.name = 'FerryErrors';
  }
}
