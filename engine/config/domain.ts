/**
 * Odoo domains in prefix notation, checked the way Odoo normalises them: terms are [field, operator,
 * value]; '&' and '|' take two operands, '!' one; consecutive terms are joined by an implicit '&'.
 */
import { didYouMean } from './did-you-mean.js';

export const DOMAIN_OPERATORS = [
  '=',
  '!=',
  '<>',
  '<',
  '<=',
  '>',
  '>=',
  '=?',
  '=like',
  '=ilike',
  'like',
  'not like',
  'ilike',
  'not ilike',
  'in',
  'not in',
  'child_of',
  'parent_of',
  'any',
  'not any',
] as const;

export interface DomainProblem {
  /** Index of the offending item, or undefined for the domain as a whole. */
  index?: number;
  message: string;
  hint?: string;
}

export function checkDomain(domain: unknown[]): DomainProblem[] {
  const problems: DomainProblem[] = [];
  let expected = 1;
  domain.forEach((item, index) => {
    if (expected === 0) expected = 1; // implicit '&' with what came before
    if (item === '&' || item === '|') {
      expected += 1;
      return;
    }
    if (item === '!') return;
    expected -= 1;
    if (typeof item === 'string') {
      problems.push({ index, message: `"${item}" is not a domain operator`, hint: "use '&', '|' or '!'" });
      return;
    }
    if (!Array.isArray(item) || item.length !== 3) {
      problems.push({ index, message: 'a domain term is a list of three: [field, operator, value]' });
      return;
    }
    const [field, operator] = item as unknown[];
    if (typeof field !== 'string' || !/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$/.test(field)) {
      problems.push({ index, message: `"${String(field)}" is not a field name` });
    }
    if (typeof operator !== 'string' || !(DOMAIN_OPERATORS as readonly string[]).includes(operator)) {
      problems.push({
        index,
        message: `"${String(operator)}" is not a domain comparison operator`,
        hint: typeof operator === 'string' ? didYouMean(operator, DOMAIN_OPERATORS) : undefined,
      });
    }
  });
  if (expected > 0 && domain.length > 0) {
    problems.push({
      message: `the domain is missing ${expected} operand${expected > 1 ? 's' : ''} for its operators`,
    });
  }
  return problems;
}
