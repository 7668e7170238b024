/**
 * Checks a validated Flow document against the rest of the config (connections, versions, files,
 * domain, expressions) and compiles it. Every problem is collected; nothing stops at the first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FerryError, type ErrorCode } from '../errors.js';
import type { Flow } from './flow-types.generated.js';
import type { CompiledVersion, FlowConfig, TriggerConfig } from './compiled.js';
import { parseDuration } from './durations.js';
import { checkDomain } from './domain.js';
import { didYouMean } from './did-you-mean.js';
import { yamlOrigin } from './expression-origin.js';
import type { Path, SourceDocument } from './yaml-source.js';
import { compileExpression, fileOrigin, type Expression } from '../transform/expression.js';
import { compileContract } from '../transform/contract.js';

export interface BuiltFlow {
  flow?: FlowConfig;
  errors: FerryError[];
  /** Files the flow reads besides its own (schemas, transforms), for the config hash. */
  files: string[];
}

const ms = (text: string | undefined, fallback: number) =>
  text ? (parseDuration(text) ?? fallback) : fallback;

/** `connections` maps each connection name to its type (odoo, http). */
export function buildFlow(
  doc: SourceDocument,
  flow: Flow,
  connections: ReadonlyMap<string, string>,
): BuiltFlow {
  const errors: FerryError[] = [];
  const files: string[] = [];
  const dir = dirname(doc.file);
  const fail = (code: ErrorCode, path: Path, message: string, hint?: string) =>
    errors.push(
      new FerryError(code, `flow ${flow.name}: ${message}`, {
        context: { file: doc.file, ...doc.locate(path), field: path.join('.'), flow: flow.name },
        hint,
      }),
    );
  const compile = (text: string, path: Path): Expression | undefined => {
    try {
      return compileExpression(text, yamlOrigin(doc, path));
    } catch (err) {
      errors.push(err as FerryError);
      return undefined;
    }
  };

  // Connections
  const checkConnection = (name: string, wanted: 'odoo' | 'http', path: Path) => {
    const found = connections.get(name);
    if (found === undefined) {
      fail(
        'FERRY_UNKNOWN_CONNECTION',
        path,
        `connection "${name}" is not defined`,
        didYouMean(name, connections.keys()),
      );
    } else if (found !== wanted) {
      fail(
        'FERRY_CONNECTION_TYPE',
        path,
        `connection "${name}" is of type ${found}, this needs type ${wanted}`,
      );
    }
  };
  checkConnection(flow.source.connection, 'odoo', ['source', 'connection']);
  checkConnection(flow.target.connection, 'http', ['target', 'connection']);

  // Versions named by the switches must exist.
  const defined = Object.keys(flow.payload.versions);
  const checkVersion = (name: string | undefined, path: Path) => {
    if (name && !defined.includes(name)) {
      fail(
        'FERRY_UNKNOWN_VERSION',
        path,
        `payload version "${name}" is not defined`,
        didYouMean(name, defined) ?? `defined: ${defined.join(', ')}`,
      );
    }
  };
  checkVersion(flow.payload.version, ['payload', 'version']);
  checkVersion(flow.payload.shadow || undefined, ['payload', 'shadow']);
  checkVersion(flow.payload.canary?.version, ['payload', 'canary', 'version']);

  // Domain
  for (const problem of checkDomain(flow.source.domain ?? [])) {
    const path: Path =
      problem.index === undefined ? ['source', 'domain'] : ['source', 'domain', problem.index];
    fail('FERRY_DOMAIN', path, problem.message, problem.hint);
  }

  // Expanded relations hang off a field the flow reads, or off another expanded relation.
  for (const relation of Object.keys(flow.source.expand ?? {})) {
    const parts = relation.split('.');
    const parent = parts.slice(0, -1).join('.');
    if (
      parts.length === 1 ? !flow.source.fields.includes(relation) : !(parent in (flow.source.expand ?? {}))
    ) {
      fail(
        'FERRY_SCHEMA',
        ['source', 'expand', relation],
        parts.length === 1
          ? `expand "${relation}" is not one of the fields the flow reads`
          : `expand "${relation}" needs "${parent}" expanded too`,
        parts.length === 1 ? `add ${relation} to source.fields` : undefined,
      );
    }
  }

  // Versions: contract and transform
  const versions = new Map<string, CompiledVersion>();
  for (const [name, version] of Object.entries(flow.payload.versions)) {
    const base: Path = ['payload', 'versions', name];
    const schemaFile = resolve(dir, version.schema);
    let contract: CompiledVersion['contract'] | undefined;
    if (!existsSync(schemaFile)) {
      fail('FERRY_FILE_NOT_FOUND', [...base, 'schema'], `contract ${version.schema} does not exist`);
    } else {
      files.push(schemaFile);
      try {
        contract = compileContract(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
      } catch (err) {
        fail(
          'FERRY_CONTRACT_SCHEMA',
          [...base, 'schema'],
          `contract ${version.schema}: ${(err as Error).message}`,
        );
      }
    }
    let transform: Expression | undefined;
    let transformText = '';
    if (typeof version.transform === 'string') {
      transformText = version.transform;
      transform = compile(transformText, [...base, 'transform']);
    } else {
      const transformFile = resolve(dir, version.transform.file);
      if (!existsSync(transformFile)) {
        fail(
          'FERRY_FILE_NOT_FOUND',
          [...base, 'transform', 'file'],
          `transform ${version.transform.file} does not exist`,
        );
      } else {
        files.push(transformFile);
        transformText = readFileSync(transformFile, 'utf8');
        try {
          transform = compileExpression(
            transformText,
            fileOrigin(transformFile, `${base.join('.')}.transform`),
          );
        } catch (err) {
          errors.push(err as FerryError);
        }
      }
    }
    if (contract && transform) versions.set(name, { name, schemaFile, contract, transform, transformText });
  }

  const idempotencyKey = flow.delivery?.idempotency_key
    ? compile(flow.delivery.idempotency_key, ['delivery', 'idempotency_key'])
    : undefined;
  const writeBack = new Map<string, Expression>();
  for (const [field, text] of Object.entries(flow.write_back ?? {})) {
    const expression = compile(text, ['write_back', field]);
    if (expression) writeBack.set(field, expression);
  }

  if (errors.length > 0) return { errors, files };
  return { errors, files, flow: assemble(doc.file, flow, versions, idempotencyKey, writeBack) };
}

function assemble(
  file: string,
  flow: Flow,
  versions: Map<string, CompiledVersion>,
  idempotencyKey: Expression | undefined,
  writeBack: Map<string, Expression>,
): FlowConfig {
  const poll = flow.source.trigger?.poll;
  const webhook = flow.source.trigger?.webhook;
  const pageSize = poll?.page_size ?? 200;
  const overlapMs = ms(poll?.overlap, 10_000);
  const trigger: TriggerConfig = webhook
    ? {
        kind: 'webhook',
        path: webhook.path,
        token: webhook.token,
        safetyPollMs: ms(webhook.safety_poll, 300_000),
        pageSize,
        overlapMs,
      }
    : { kind: 'poll', everyMs: ms(poll?.every, 30_000), pageSize, overlapMs };
  const retry = flow.delivery?.retry;
  const odooDeadLetter = flow.dead_letter?.odoo;
  return {
    name: flow.name,
    file,
    description: flow.description,
    source: {
      connection: flow.source.connection,
      model: flow.source.model,
      mode: flow.source.mode ?? 'sync',
      trigger,
      domain: flow.source.domain ?? [],
      fields: flow.source.fields,
      expand: flow.source.expand ?? {},
      recordName: flow.source.record_name ?? 'display_name',
    },
    payload: {
      active: flow.payload.version,
      shadow: flow.payload.shadow || undefined,
      canary: flow.payload.canary,
      versions,
    },
    target: {
      connection: flow.target.connection,
      method: flow.target.request.method,
      path: flow.target.request.path,
    },
    delivery: {
      idempotencyKey,
      retry: {
        attempts: retry?.attempts ?? 3,
        initialMs: ms(retry?.backoff?.initial, 1000),
        factor: retry?.backoff?.factor ?? 2,
        maxMs: ms(retry?.backoff?.max, 30_000),
        maxRetryAfterMs: ms(retry?.max_retry_after, 3_600_000),
      },
    },
    writeBack,
    deadLetter: {
      chatter: odooDeadLetter?.chatter ?? true,
      activity: odooDeadLetter?.activity ?? false,
      activityUser: odooDeadLetter?.activity_user || undefined,
    },
  };
}
