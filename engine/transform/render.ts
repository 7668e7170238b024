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
  violations: ContractViolation[];
}

export async function evaluate(
  expression: Expression,
  input: unknown,
  bindings: Record<string, unknown>,
  what: string,
): Promise<unknown> {
  try {
    return normalise(await expression.evaluate(input, bindings));
  } catch (err) {
    const { message, code, position } = err as { message?: string; code?: string; position?: number };
    throw new FerryError('FERRY_TRANSFORM', `${what}: ${message ?? String(err)}`, {
      context: { jsonataCode: code, position },
    });
  }
}

export async function render(
  version: CompiledVersion,
  record: unknown,
  bindings: RenderBindings,
): Promise<Rendered> {
  const payload = await evaluate(
    version.transform,
    record,
    {
      flow: bindings.flow,
      version: version.name,
      correlation_id: bindings.correlationId ?? null,
      now: bindings.now ?? new Date().toISOString(),
    },
    `transform ${version.name}`,
  );
  if (payload === undefined) {
    return {
      version: version.name,
      payload,
      violations: [{ pointer: '/', message: 'the transform produced nothing' }],
    };
  }
  return { version: version.name, payload, violations: version.contract(payload) };
}

/** JSONata marks arrays with sequence flags and may return undefined members; keep plain JSON. */
function normalise(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}
