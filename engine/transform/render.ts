/**
 * Renders a record into a payload of one version and checks it against that version's contract.
 * The record is passed as Odoo returned it (many2one as [id, name], false for empty) with expanded
 * relations in place.
 */
import { FerryError } from '../errors.js';
import type { CompiledVersion } from '../config/compiled.js';
import type { ContractViolation } from './contract.js';
import type { Expression } from './expression.js';

export interface RenderBindings {
  flow: string;
  correlationId?: string;
  now?: string;
  [name: string]: unknown;
}

export interface Rendered {
  version: string;
  payload: unknown;
  /** The payload as JSON text, the exact bytes to send; undefined when the transform produced nothing. */
  json: string | undefined;
  violations: ContractViolation[];
}

/** What JSONata reports about a failed evaluation (also as it crosses from a render thread). */
export interface TransformFailure {
  message?: string;
  code?: string;
  position?: number;
}

export async function evaluate(
  expression: Expression,
  input: unknown,
  bindings: Record<string, unknown>,
  what: string,
): Promise<unknown> {
  const json = await evaluateJson(expression, input, bindings, what);
  return json === undefined ? undefined : (JSON.parse(json) as unknown);
}

/** An expression's result as JSON text (see `payloadJson`). */
export async function evaluateJson(
  expression: Expression,
  input: unknown,
  bindings: Record<string, unknown>,
  what: string,
): Promise<string | undefined> {
  let value: unknown;
  try {
    value = await expression.evaluate(input, bindings);
  } catch (err) {
    throw transformError(what, err as TransformFailure);
  }
  return payloadJson(value);
}

/**
 * JSONata marks arrays with sequence flags and may return undefined members; the text is plain JSON,
 * produced once and sent as it is.
 */
export function payloadJson(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

export function transformError(what: string, failure: TransformFailure): FerryError {
  return new FerryError('FERRY_TRANSFORM', `${what}: ${failure.message ?? String(failure)}`, {
    context: { jsonataCode: failure.code, position: failure.position },
  });
}

export async function render(
  version: CompiledVersion,
  record: unknown,
  bindings: RenderBindings,
): Promise<Rendered> {
  const json = await evaluateJson(
    version.transform,
    record,
    transformBindings(version.name, bindings),
    transformWhat(version.name),
  );
  return checkRendered(version, json);
}

/** The variables a payload transform sees. */
export function transformBindings(version: string, bindings: RenderBindings): Record<string, unknown> {
  return {
    flow: bindings.flow,
    version,
    correlation_id: bindings.correlationId ?? null,
    now: bindings.now ?? new Date().toISOString(),
  };
}

/** How a transform's errors name it. */
export function transformWhat(version: string): string {
  return `transform ${version}`;
}

/** A transform's JSON text as a rendered payload, checked against the version's contract. */
export function checkRendered(version: CompiledVersion, json: string | undefined): Rendered {
  if (json === undefined) {
    return {
      version: version.name,
      payload: undefined,
      json,
      violations: [{ pointer: '/', message: 'the transform produced nothing' }],
    };
  }
  const payload = JSON.parse(json) as unknown;
  return { version: version.name, payload, json, violations: version.contract(payload) };
}
