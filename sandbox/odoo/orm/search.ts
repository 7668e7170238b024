/**
 * `_search`: domain + record rules + active_test, then `order`, `offset`, `limit`. The order string
 * is validated like Odoo does ("write_date asc, id asc", "name desc nulls last").
 */
import { andDomains, type Domain } from '../domain.js';
import { valueError } from '../errors.js';
import type { Row, Stored } from '../models/fields.js';
import type { Store } from '../store.js';
import { invalidField } from './convert.js';
import type { Env } from './env.js';

export interface SearchOptions {
  offset?: number;
  limit?: number | false | null;
  order?: string | false | null;
}

const ORDER_SPEC = /^(\s*"?[a-z0-9:_]+"?(\.id)?(\s+(desc|asc))?(\s+nulls\s+(first|last))?\s*(,|$))+$/i;

/** Adds Odoo's implicit filters: archived records out unless the domain talks about `active`. */
export function effectiveDomain(env: Env, model: string, domain: Domain): Domain {
  const parts: Domain[] = [domain];
  const def = env.store.model(model);
  const mentionsActive = JSON.stringify(domain).includes('"active');
  if (def.fields.has('active') && env.context.active_test !== false && !mentionsActive) {
    parts.push([['active', '=', true]]);
  }
  const rule = env.access.ruleDomain(env.uid, model);
  if (rule) parts.push(rule);
  return andDomains(...parts);
}

export function searchRows(env: Env, model: string, domain: Domain, options: SearchOptions = {}): Row[] {
  env.domains.compile(model, domain); // reports errors in the caller's own domain first
  const matcher = env.domains.compile(model, effectiveDomain(env, model, domain));
  const rows = [...env.store.rows(model)].filter(matcher);
  rows.sort(orderComparator(env.store, model, options.order || env.store.model(model).order));
  const offset = options.offset ?? 0;
  const end = typeof options.limit === 'number' ? offset + options.limit : undefined;
  return rows.slice(offset, end);
}

type Comparator = (a: Row, b: Row) => number;

export function orderComparator(store: Store, model: string, order: string): Comparator {
  if (!ORDER_SPEC.test(order)) {
    throw valueError(
      `Invalid "order" specified (${order}). A valid "order" specification is a comma-separated list of ` +
        'valid field names (optionally followed by asc/desc for the direction)',
    );
  }
  const def = store.model(model);
  const keys = order.split(',').map((part) => {
    const [rawName = '', direction = 'asc', , nulls] = part.trim().split(/\s+/);
    const name = rawName.replace(/"/g, '').replace(/\.id$/, '');
    const field = def.fields.get(name);
    if (!field) throw invalidField(model, name);
    const descending = direction.toLowerCase() === 'desc';
    // PostgreSQL puts NULLs last when ascending and first when descending.
    const nullsFirst = nulls ? nulls.toLowerCase() === 'first' : descending;
    const sortValue = (row: Row): Stored | undefined => {
      const value = name === 'id' ? row.id : store.value(model, row, name);
      if (value === false && field.type !== 'boolean') return undefined;
      if (field.type === 'many2one' && typeof value === 'number')
        return store.displayName(field.relation as string, value);
      return value;
    };
    return { sortValue, descending, nullsFirst };
  });
  return (a, b) => {
    for (const key of keys) {
      const va = key.sortValue(a);
      const vb = key.sortValue(b);
      if (va === undefined || vb === undefined) {
        if (va === vb) continue;
        return (va === undefined) === key.nullsFirst ? -1 : 1;
      }
      const cmp = va < vb ? -1 : va > vb ? 1 : 0;
      if (cmp !== 0) return key.descending ? -cmp : cmp;
    }
    return a.id - b.id;
  };
}
