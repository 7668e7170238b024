/**
 * Logging: pino, JSON, quiet in normal operation. Context (flow, version, record, correlation ID,
 * attempt) travels with AsyncLocalStorage so connector code logs with it without passing loggers around.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type Logger, type DestinationStream } from 'pino';
import { redact } from './redact.js';

export type { Logger } from 'pino';

export interface LogContext {
  flow?: string;
  version?: string;
  record?: string | number;
  correlationId?: string;
  attempt?: number;
  [key: string]: unknown;
}

const storage = new AsyncLocalStorage<Logger>();

let root: Logger = createLogger();

export function createLogger(
  destination?: DestinationStream,
  level = process.env.FERRY_LOG_LEVEL ?? 'info',
): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    // Paths cover the obvious places; redaction by value (below) covers the rest.
    redact: {
      paths: ['*.api_key', '*.password', '*.token', '*.authorization', '*.Authorization', '*.bearer'],
      censor: '[redacted]',
    },
    hooks: {
      streamWrite: (line) => redact(line),
    },
  };
  return destination ? pino(options, destination) : pino(options, pino.destination({ dest: 2, sync: false }));
}

/** Replaces the root logger (CLI chooses the destination; tests capture lines). */
export function setRootLogger(logger: Logger): void {
  root = logger;
}

/** The logger of the current context, or the root logger. */
export function log(): Logger {
  return storage.getStore() ?? root;
}

/** Runs `fn` with a child logger carrying `context` on every line logged inside it. */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run(log().child(context), fn);
}
