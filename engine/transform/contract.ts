/**
 * Payload contracts: one JSON Schema per payload version, compiled once per config. A payload that
 * breaks its contract is never sent; its errors name the JSON pointer and what is wrong.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const addFormats = require('ajv-formats') as (ajv: Ajv2020) => Ajv2020;

export interface ContractViolation {
  pointer: string;
  message: string;
}

export type Contract = (payload: unknown) => ContractViolation[];

/** Compiles a contract; throws ajv's error when the schema itself is invalid. */
export function compileContract(schema: object): Contract {
  // One Ajv per contract: schemas of different versions may share an $id.
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate: ValidateFunction = ajv.compile(schema);
  return (payload) => {
    if (validate(payload)) return [];
    return (validate.errors ?? []).map((e) => ({
      pointer: e.instancePath || '/',
      message:
        e.keyword === 'required'
          ? `missing required property "${String(e.params.missingProperty)}"`
          : e.keyword === 'additionalProperties'
            ? `unexpected property "${String(e.params.additionalProperty)}"`
            : (e.message ?? 'is invalid'),
    }));
  };
}

export function formatViolations(violations: ContractViolation[]): string {
  return violations.map((v) => `${v.pointer}: ${v.message}`).join('; ');
}
