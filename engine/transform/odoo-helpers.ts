/**
 * The few helpers integrators need for records as Odoo returns them: many2one fields come as
 * [id, "name"] (or an expanded object with id), and an empty value of any type comes as `false`.
 */
import type jsonata from 'jsonata';

type Many2one =
  [number, string] | { id: number; display_name?: string; name?: string } | false | null | undefined;

export function m2oId(value: Many2one): number | undefined {
  if (Array.isArray(value)) return value[0];
  if (value && typeof value === 'object') return value.id;
  return undefined;
}

export function m2oName(value: Many2one): string | undefined {
  if (Array.isArray(value)) return value[1];
  if (value && typeof value === 'object') return value.display_name ?? value.name;
  return undefined;
}

/** Odoo's `false` for an empty char, date, many2one… as null; everything else unchanged. */
export function nullable(value: unknown): unknown {
  return value === false || value === undefined ? null : value;
}

export function registerOdooHelpers(expression: jsonata.Expression): void {
  expression.registerFunction('m2o_id', m2oId, '<x-:n>');
  expression.registerFunction('m2o_name', m2oName, '<x-:s>');
  expression.registerFunction('nullable', nullable, '<x-:x>');
}
