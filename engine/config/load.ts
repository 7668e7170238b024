/**
 * Loads a project's flow files into an immutable compiled config, or reports every error found:
 * YAML syntax, schema, references, cross-document checks, JSONata and contracts. A bad edit never
 * yields a half-built config.
 */
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { FerryError, FerryErrors } from '../errors.js';
import type { CompiledConfig, ConnectionConfig, FlowConfig } from './compiled.js';
import type { Flow, HttpConnection, OdooConnection } from './flow-types.generated.js';
import { findFlowFiles } from './files.js';
import { parseYamlFile, type SourceDocument } from './yaml-source.js';
import { validateDocument } from './schema-validation.js';
import { checkReferences } from './references-check.js';
import { buildConnection } from './build-connection.js';
import { buildFlow } from './build-flow.js';
import { deepFreeze } from './freeze.js';

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Names of the secret providers available at run time. @default ['env', 'file'] */
  secretProviders?: readonly string[];
}

interface Checked {
  doc: SourceDocument;
  value: Record<string, unknown>;
}

/** Loads and compiles; throws FerryErrors listing every problem. */
export function loadConfig(root: string, options: LoadOptions = {}): CompiledConfig {
  const env = options.env ?? process.env;
  const secretProviders = options.secretProviders ?? ['env', 'file'];
  const rootPath = resolve(root);
  if (!existsSync(rootPath)) {
    throw new FerryErrors([
      new FerryError('FERRY_FILE_NOT_FOUND', `${root} does not exist`, { context: { file: root } }),
    ]);
  }
  const files = findFlowFiles(rootPath);
  if (files.length === 0) {
    throw new FerryErrors([
      new FerryError('FERRY_NO_FLOWS', `no .yaml flow files under ${root}`, { context: { file: root } }),
    ]);
  }

  const errors: FerryError[] = [];
  const checked: Checked[] = [];
  const parsedDocs: SourceDocument[] = [];
  for (const file of files) {
    const parsed = parseYamlFile(file);
    errors.push(...parsed.errors);
    parsedDocs.push(...parsed.documents);
    for (const doc of parsed.documents) {
      const schemaErrors = validateDocument(doc);
      const refs = checkReferences(doc, { env, secretProviders });
      errors.push(...schemaErrors, ...refs.errors);
      // Only structurally valid documents go on to the cross-document checks.
      if (schemaErrors.length === 0) checked.push({ doc, value: refs.value as Record<string, unknown> });
    }
  }

  const connections = new Map<string, ConnectionConfig>();
  const seen = new Map<string, SourceDocument>();
  const unique = ({ doc, value }: Checked): boolean => {
    const id = `${String(value.kind)}/${String(value.name)}`;
    const first = seen.get(id);
    if (first) {
      const { line } = first.locate(['name']);
      errors.push(
        new FerryError(
          'FERRY_DUPLICATE_NAME',
          `${String(value.kind)} "${String(value.name)}" is defined twice`,
          {
            context: { file: doc.file, ...doc.locate(['name']), field: 'name' },
            hint: `first defined at ${first.file}:${line}`,
          },
        ),
      );
      return false;
    }
    seen.set(id, doc);
    return true;
  };

  // Flows are checked against every connection named, also one whose own document has errors:
  // one mistake should be reported once, not again at every flow that uses it.
  const connectionKinds = new Map<string, string>();
  for (const file of parsedDocs) {
    const v = file.value as Record<string, unknown> | null;
    if (v?.kind === 'Connection' && typeof v.name === 'string') connectionKinds.set(v.name, String(v.type));
  }
  for (const item of checked.filter((c) => c.value.kind === 'Connection')) {
    if (unique(item)) {
      const connection = buildConnection(
        item.value as unknown as OdooConnection | HttpConnection,
        item.doc.file,
      );
      connections.set(connection.name, connection);
    }
  }

  const flows = new Map<string, FlowConfig>();
  const extraFiles: string[] = [];
  for (const item of checked.filter((c) => c.value.kind === 'Flow')) {
    if (!unique(item)) continue;
    const built = buildFlow(item.doc, item.value as unknown as Flow, connectionKinds);
    errors.push(...built.errors);
    extraFiles.push(...built.files);
    if (built.flow) flows.set(built.flow.name, built.flow);
  }

  if (errors.length > 0) throw new FerryErrors(sortErrors(errors));
  const allFiles = [...files, ...new Set(extraFiles)];
  return deepFreeze({ root: rootPath, files: allFiles, hash: hashFiles(allFiles), connections, flows });
}

function hashFiles(files: string[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort())
    hash.update(file).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function sortErrors(errors: FerryError[]): FerryError[] {
  return [...errors].sort(
    (a, b) =>
      (a.context.file ?? '').localeCompare(b.context.file ?? '') ||
      (a.context.line ?? 0) - (b.context.line ?? 0) ||
      (a.context.col ?? 0) - (b.context.col ?? 0),
  );
}
