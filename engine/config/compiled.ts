/**
 * The compiled config: what the runtime runs. Built whole by the loader, frozen, and swapped in
 * atomically on reload; nothing in it changes after compilation.
 */
import type { Contract } from '../transform/contract.js';
import type { Expression } from '../transform/expression.js';

export interface OdooConnectionConfig {
  kind: 'odoo';
  name: string;
  file: string;
  url: string;
  database: string;
  login: string;
  /** The `${secret:…}` reference; resolved at run time. */
  apiKey: string;
  protocol: 'auto' | 'jsonrpc' | 'xmlrpc' | 'json2';
  allowAdmin: boolean;
  timeoutMs: number;
}

export type HttpAuthConfig =
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'header'; header: string; value: string }
  | { kind: 'oauth2'; tokenUrl: string; clientId: string; clientSecret: string; scope?: string };

export interface HttpConnectionConfig {
  kind: 'http';
  name: string;
  file: string;
  baseUrl: string;
  /** Secret fields hold `${secret:…}` references. */
  auth?: HttpAuthConfig;
  timeoutMs: number;
  connectTimeoutMs: number;
  concurrency: number;
  ratePerSecond?: number;
  burst?: number;
  idempotencyHeader: string;
  headers: Readonly<Record<string, string>>;
}

export type ConnectionConfig = OdooConnectionConfig | HttpConnectionConfig;

export interface CompiledVersion {
  name: string;
  schemaFile: string;
  contract: Contract;
  transform: Expression;
  /** The transform's text, for `ferry render` and diffs. */
  transformText: string;
}

export type TriggerConfig =
  | { kind: 'poll'; everyMs: number; pageSize: number; overlapMs: number }
  | {
      kind: 'webhook';
      path: string;
      token: string;
      safetyPollMs: number;
      pageSize: number;
      overlapMs: number;
    };

export interface FlowConfig {
  name: string;
  file: string;
  description?: string;
  source: {
    connection: string;
    model: string;
    mode: 'create' | 'sync';
    trigger: TriggerConfig;
    domain: readonly unknown[];
    fields: readonly string[];
    expand: Readonly<Record<string, { fields: readonly string[] }>>;
    recordName: string;
  };
  payload: {
    active: string;
    shadow?: string;
    canary?: { version: string; percent: number };
    versions: ReadonlyMap<string, CompiledVersion>;
  };
  target: { connection: string; method: 'POST' | 'PUT' | 'PATCH'; path: string };
  delivery: {
    /** Compiled key expression; undefined means the default key. */
    idempotencyKey?: Expression;
    retry: { attempts: number; initialMs: number; factor: number; maxMs: number; maxRetryAfterMs: number };
  };
  writeBack: ReadonlyMap<string, Expression>;
  deadLetter: { chatter: boolean; activity: boolean; activityUser?: string };
}

export interface CompiledConfig {
  /** The folder (or file) the config was loaded from. */
  root: string;
  files: readonly string[];
  /** sha256 of every file that makes the config, flow files and referenced files alike. */
  hash: string;
  connections: ReadonlyMap<string, ConnectionConfig>;
  flows: ReadonlyMap<string, FlowConfig>;
}
