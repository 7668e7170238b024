/**
 * Odoo domains: prefix notation with '&', '|', '!' and [field, operator, value] leaves, implicit '&'
 * between terms, dotted paths through relations. Evaluated in memory with the semantics of the SQL
 * Odoo generates: '!=' and 'not in' also match empty values, datetimes compare at full microsecond
 * precision (so `write_date = 'YYYY-MM-DD HH:MM:SS'` matches nothing written with microseconds).
 */
import { parseOdooDatetime } from './clock.js';
import { valueError } from './errors.js';
import type { FieldDef, Row, Stored } from './models/fields.js';
import { PyTuple, pyRepr } from './pyjson.js';
import type { Store } from './store.js';

export type Domain = unknown[];
type Matcher = (row: Row) => boolean;

const OPERATORS = new Set([
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'in',
  'not in',
  'like',
  'ilike',
  'not like',
  'not ilike',
  '=like',
  '=ilike',
  '=?',
]);
const ALIASES: Record<string, string> = { '==': '=', '<>': '!=' };
const ARITY: Record<string, number> = { '!': 1, '&': 2, '|': 2 };

/** Makes implicit '&' explicit so the domain is one expression (Odoo's normalize_domain). */
export function normalizeDomain(domain: Domain): Domain {
  if (domain.length === 0) return [[1, '=', 1]];
  const result: Domain = [];
  let expected = 1;
  for (const token of domain) {
    if (expected === 0) {
      result.unshift('&');
      expected = 1;
    }
    expected += Array.isArray(token) ? -1 : (ARITY[token as string] ?? 0) - 1;
    result.push(token);
  }
  if (expected !== 0) throw valueError(`Domain ${pyRepr(domain)} is syntactically not correct.`);
  return result;
}

/** AND of several domains. */
export function andDomains(...domains: Domain[]): Domain {
  const parts = domains.filter((d) => d.length > 0).map(normalizeDomain);
  if (parts.length === 0) return [];
  return [...Array<string>(parts.length - 1).fill('&'), ...parts.flat(1)];
}

/** OR of several domains. */
export function orDomains(...domains: Domain[]): Domain {
  const parts = domains.map(normalizeDomain);
  return [...Array<string>(Math.max(parts.length - 1, 0)).fill('|'), ...parts.flat(1)];
}

export class DomainCompiler {
  constructor(private readonly store: Store) {}

  /** Validates the domain against the model's fields and returns a row predicate. */
  compile(model: string, domain: Domain): Matcher {
    if (!Array.isArray(domain)) throw valueError(`Invalid domain ${pyRepr(domain)}`);
    const tokens = normalizeDomain(domain);
    let position = 0;
    const next = (): Matcher => {
      const token = tokens[position++];
      if (token === '!') {
        const inner = next();
        return (row) => !inner(row);
      }
      if (token === '&' || token === '|') {
        const left = next();
        const right = next();
        return token === '&' ? (row) => left(row) && right(row) : (row) => left(row) || right(row);
      }
      if (Array.isArray(token)) return this.leaf(model, token);
      throw valueError(`Invalid leaf ${pyRepr(token)}`);
    };
    const matcher = next();
    if (position !== tokens.length)
      throw valueError(`Domain ${pyRepr(domain)} is syntactically not correct.`);
    return matcher;
  }

  private leaf(model: string, leaf: unknown[], fullLeaf: unknown[] = leaf, rootModel = model): Matcher {
    const [left, rawOperator, value] = leaf;
    if (leaf.length !== 3 || typeof rawOperator !== 'string') {
      throw valueError(`Invalid leaf ${pyRepr(new PyTuple(fullLeaf))}`);
    }
    if (left === 1 || left === 0) {
      const constant = left === 1 && rawOperator === '=' && value === 1;
      return () => constant;
    }
    const operator = ALIASES[rawOperator.toLowerCase()] ?? rawOperator.toLowerCase();
    if (typeof left !== 'string' || !OPERATORS.has(operator)) {
      throw valueError(`Invalid leaf ${pyRepr(new PyTuple(fullLeaf))}`);
    }
    const [name = '', ...rest] = left.split('.');
    const def = this.store.model(model).fields.get(name);
    if (!def) {
      throw valueError(`Invalid field ${model}.${name} in leaf ${pyRepr(new PyTuple(fullLeaf))}`);
    }
    if (rest.length > 0) {
      if (!def.relation)
        throw valueError(`Invalid field ${model}.${left} in leaf ${pyRepr(new PyTuple(fullLeaf))}`);
      const inner = this.leaf(def.relation, [rest.join('.'), rawOperator, value], fullLeaf, rootModel);
      const comodel = def.relation;
      return (row) =>
        relatedIds(this.store.value(model, row, name)).some((id) => {
          const other = this.store.get(comodel, id);
          return other !== undefined && inner(other);
        });
    }
    return this.compare(model, def, operator, value);
  }

  private compare(model: string, def: FieldDef, operator: string, value: unknown): Matcher {
    const read = (row: Row): Stored => (def.name === 'id' ? row.id : this.store.value(model, row, def.name));
    if (operator === '=?') {
      if (value === false || value === null || value === undefined) return () => true;
      return this.compare(model, def, '=', value);
    }
    if (operator === 'in' || operator === 'not in') {
      const list = Array.isArray(value) ? value : [value];
      const wantsEmpty = list.some((v) => v === false || v === null);
      const targets = list.filter((v) => v !== false && v !== null).map((v) => this.normalize(def, v));
      const isIn = (row: Row) => {
        const current = read(row);
        if (isEmpty(current)) return wantsEmpty;
        return this.candidates(def, current).some((c) => targets.some((t) => same(c, t)));
      };
      return operator === 'in' ? isIn : (row) => !isIn(row);
    }
    if (operator === '=' || operator === '!=') {
      const equal: Matcher =
        value === false || value === null
          ? (row) => isEmpty(read(row))
          : (() => {
              const target = this.normalize(def, value);
              return (row: Row) => {
                const current = read(row);
                return !isEmpty(current) && this.candidates(def, current).some((c) => same(c, target));
              };
            })();
      return operator === '=' ? equal : (row) => !equal(row);
    }
    if (operator.includes('like')) {
      const negate = operator.startsWith('not');
      const pattern = likePattern(operator.replace('not ', ''), String(value === false ? '' : value));
      const matches = (row: Row) => {
        const current = read(row);
        if (isEmpty(current)) return false;
        return this.candidates(def, current, true).some((c) => pattern.test(String(c)));
      };
      return negate ? (row) => !matches(row) : matches;
    }
    const target = this.normalize(def, value);
    return (row) => {
      const current = read(row);
      if (isEmpty(current)) return false;
      const c = this.candidates(def, current)[0] as string | number;
      const t = target as string | number;
      if (operator === '<') return c < t;
      if (operator === '<=') return c <= t;
      if (operator === '>') return c > t;
      return c >= t;
    };
  }

  /** The domain value in the stored representation of the field. */
  private normalize(def: FieldDef, value: unknown): unknown {
    if (def.type === 'datetime' && typeof value === 'string') {
      const us = parseOdooDatetime(value);
      if (us === undefined) throw valueError(`Invalid datetime value ${pyRepr(value)} for field ${def.name}`);
      return us;
    }
    if (def.type === 'date' && typeof value === 'string') return value.slice(0, 10);
    return value;
  }

  /** What a stored value offers for comparison: ids of relations, or names when `byName`. */
  private candidates(def: FieldDef, current: Stored, byName = false): unknown[] {
    if (def.relation && def.name !== 'id') {
      const ids = relatedIds(current);
      if (!byName) return [...ids, ...ids.map((id) => this.store.displayName(def.relation as string, id))];
      return ids.map((id) => this.store.displayName(def.relation as string, id));
    }
    return [current];
  }
}

function relatedIds(value: Stored): number[] {
  if (Array.isArray(value)) return value;
  return typeof value === 'number' ? [value] : [];
}

function isEmpty(value: Stored): boolean {
  return value === false || value === '' || (Array.isArray(value) && value.length === 0);
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'boolean' || typeof b === 'boolean') return Boolean(a) === Boolean(b);
  return a === b;
}

function likePattern(operator: string, value: string): RegExp {
  const flags = operator.includes('ilike') ? 'i' : '';
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (operator.startsWith('=')) {
    return new RegExp(`^${escaped.replace(/%/g, '.*').replace(/_/g, '.')}$`, `s${flags}`);
  }
  return new RegExp(escaped, `s${flags}`);
}
