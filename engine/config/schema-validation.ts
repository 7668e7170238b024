/**
 * Structural validation of flow-file documents against schemas/flow.schema.json (the single source of the
 * language), with ajv errors turned into FerryErrors that point at file:line:col.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { FerryError, type ErrorCode } from '../errors.js';
import { didYouMean } from './did-you-mean.js';
import { isDuration } from './durations.js';
import type { Path, SourceDocument } from './yaml-source.js';
import { parseSecretReference } from '../secrets/reference.js';

export const FLOW_SCHEMA_PATH = fileURLToPath(new URL('../../schemas/flow.schema.json', import.meta.url));
export const flowSchema = JSON.parse(readFileSync(FLOW_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;

const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false });
ajv.addFormat('ferry-duration', { type: 'string', validate: isDuration });
ajv.addKeyword({
  keyword: 'x-ferry-secret',
  type: 'string',
  schemaType: 'boolean',
  errors: true,
  validate: (required: boolean, value: string) => !required || parseSecretReference(value) !== undefined,
});
ajv.addSchema(flowSchema);

const validators = new Map<string, ValidateFunction>();
function validatorFor(def: string): ValidateFunction {
  let validate = validators.get(def);
  if (!validate) {
    validate = ajv.getSchema(`${flowSchema.$id as string}#/$defs/${def}`);
    if (!validate) throw new Error(`flow schema has no $defs/${def}`);
    validators.set(def, validate);
  }
  return validate;
}

/** Validates one document; returns its errors (empty when valid). */
export function validateDocument(doc: SourceDocument): FerryError[] {
  const value = doc.value as Record<string, unknown> | null;
  const at = (path: Path, code: ErrorCode, message: string, hint?: string, key = false) =>
    new FerryError(code, message, {
      context: { file: doc.file, ...doc.locate(path, { key }), field: path.join('.') },
      hint,
    });

  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return [at([], 'FERRY_SCHEMA', 'a document must be a mapping with a "kind"')];
  }
  const def = definitionFor(value);
  if (typeof def !== 'string') {
    return [at(def.path, 'FERRY_SCHEMA', def.message, def.hint)];
  }
  const validate = validatorFor(def);
  if (validate(value)) return [];
  return simplify(validate.errors ?? []).map((error) => toFerryError(error, at));
}

function definitionFor(
  value: Record<string, unknown>,
): string | { path: Path; message: string; hint?: string } {
  const kinds: Record<string, string> = { Connection: 'Connection', Flow: 'Flow' };
  const kind = value.kind;
  if (typeof kind !== 'string' || !kinds[kind]) {
    return {
      path: ['kind'],
      message: kind === undefined ? 'missing "kind" (Connection or Flow)' : `unknown kind "${String(kind)}"`,
      hint:
        typeof kind === 'string'
          ? didYouMean(kind, Object.keys(kinds))
          : 'add kind: Connection or kind: Flow',
    };
  }
  if (kind === 'Flow') return 'Flow';
  const types: Record<string, string> = { odoo: 'OdooConnection', http: 'HttpConnection' };
  const type = value.type;
  if (typeof type !== 'string' || !types[type]) {
    return {
      path: ['type'],
      message:
        type === undefined
          ? 'a connection needs a "type" (odoo or http)'
          : `unknown connection type "${String(type)}"`,
      hint: typeof type === 'string' ? didYouMean(type, Object.keys(types)) : undefined,
    };
  }
  return types[type];
}

/** ajv reports every branch of a oneOf/anyOf; keep one clear line per failing location instead. */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  const alternatives = errors
    .filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')
    .map((e) => e.instancePath);
  const insideAlternative = (e: ErrorObject) =>
    /\/(oneOf|anyOf)\/\d+\//.test(e.schemaPath) && alternatives.some((p) => e.instancePath.startsWith(p));
  const seen = new Set<string>();
  return errors.filter((e) => {
    // `if` errors only repeat what the `then` branch already said.
    if (e.keyword === 'if' || insideAlternative(e)) return false;
    const id = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

type At = (path: Path, code: ErrorCode, message: string, hint?: string, key?: boolean) => FerryError;

function toFerryError(error: ErrorObject, at: At): FerryError {
  const path = pointerToPath(error.instancePath);
  const field = path.length ? path.join('.') : 'document';
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const known = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      return at(
        [...path, key],
        'FERRY_UNKNOWN_KEY',
        `unknown key "${key}" in ${field}`,
        didYouMean(key, known),
        true,
      );
    }
    case 'required':
      return at(
        path,
        'FERRY_SCHEMA',
        `${field}: missing required field "${String(error.params.missingProperty)}"`,
      );
    case 'x-ferry-secret':
      return at(
        path,
        'FERRY_LITERAL_SECRET',
        `${field} holds a literal secret; secrets must be references`,
        'write ${secret:env:NAME} (or another provider) and keep the value out of the file',
      );
    case 'format':
      if (error.params.format === 'ferry-duration') {
        return at(
          path,
          'FERRY_DURATION',
          `${field}: "${String(error.data)}" is not a duration`,
          'use 500ms, 30s, 5m or 1h',
        );
      }
      break;
    case 'enum':
      return at(
        path,
        'FERRY_SCHEMA',
        `${field}: "${String(error.data)}" is not one of ${(error.params.allowedValues as unknown[]).join(', ')}`,
        typeof error.data === 'string'
          ? didYouMean(error.data, (error.params.allowedValues as unknown[]).map(String))
          : undefined,
      );
    case 'oneOf':
    case 'anyOf':
      return at(path, 'FERRY_SCHEMA', `${field}: ${describeAlternatives(error)}`);
  }
  return at(path, 'FERRY_SCHEMA', `${field} ${error.message ?? 'is invalid'}`);
}

function describeAlternatives(error: ErrorObject): string {
  const schema = error.parentSchema as { description?: string } | undefined;
  return schema?.description ? `does not match: ${schema.description}` : 'does not match any allowed form';
}

function pointerToPath(pointer: string): Path {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
