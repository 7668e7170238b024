/**
 * Shortcuts for the simplest expressions of a flow: the ones that run on every record outside the
 * payload transform (idempotency key, write-back values) are mostly a bound variable or a field path
 * (`$correlation_id`, `$response.body.shipment_id`, `name`) or a concatenation of those with string
 * literals (`'shipment:' & name`). JSONata evaluates them through a few dozen promises each; here they are
 * a property lookup. A shortcut answers only when the result is a scalar reached through plain objects
 * (and, for `&`, a string or a safe integer); anything else is evaluated by JSONata as before, so the
 * result is the same either way.
 */
import type { Expression } from '../transform/expression.js';
import { evaluate } from '../transform/render.js';

/** What a shortcut returns when it cannot answer exactly as JSONata would. */
const ASK_JSONATA = Symbol('ask JSONata');

type Shortcut = (input: unknown, bindings: Record<string, unknown>) => unknown;

interface Node {
  type: string;
  value?: unknown;
  steps?: Node[];
  lhs?: Node;
  rhs?: Node;
  procedure?: Node;
  arguments?: Node[];
}

const shortcuts = new WeakMap<Expression, Shortcut | undefined>();

/** `evaluate` from render.ts, without JSONata when the expression has a shortcut that applies. */
export function evaluateExpression(
  expression: Expression,
  input: unknown,
  bindings: Record<string, unknown>,
  what: string,
): Promise<unknown> {
  let shortcut = shortcuts.get(expression);
  if (!shortcuts.has(expression)) {
    shortcut = shortcutFor(expression.ast() as Node);
    shortcuts.set(expression, shortcut);
  }
  const value = shortcut ? shortcut(input, bindings) : ASK_JSONATA;
  return value === ASK_JSONATA ? evaluate(expression, input, bindings, what) : Promise.resolve(value);
}

function shortcutFor(node: Node): Shortcut | undefined {
  if (node.type === 'binary' && node.value === '&') {
    const lhs = operandFor(node.lhs);
    const rhs = operandFor(node.rhs);
    if (!lhs || !rhs) return undefined;
    return (input, bindings) => {
      const left = lhs(input, bindings);
      if (left === ASK_JSONATA) return ASK_JSONATA;
      const right = rhs(input, bindings);
      return right === ASK_JSONATA ? ASK_JSONATA : `${left as string}${right as string}`;
    };
  }
  const path = pathFor(node);
  if (!path) return undefined;
  return (input, bindings) => {
    const value = path(input, bindings);
    // Arrays are sequences with their own flattening rules; objects are copied to plain JSON.
    return value !== null && typeof value === 'object' ? ASK_JSONATA : value;
  };
}

/** An operand of `&` as the string JSONata would concatenate. */
function operandFor(node: Node | undefined): Shortcut | undefined {
  if (!node) return undefined;
  if (node.type === 'string' && typeof node.value === 'string') {
    const text = node.value;
    return () => text;
  }
  const inner =
    node.type === 'function' && node.procedure?.type === 'variable' && node.procedure.value === 'string'
      ? node.arguments?.length === 1
        ? node.arguments[0]
        : undefined
      : node;
  const path = inner && pathFor(inner);
  if (!path) return undefined;
  return (input, bindings) => asString(path(input, bindings));
}

function asString(value: unknown): string | typeof ASK_JSONATA {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  // Larger numbers go through JSONata's own number formatting.
  if (typeof value === 'number' && Number.isSafeInteger(value) && Math.abs(value) < 1e15)
    return String(value);
  return ASK_JSONATA;
}

/** `$bound`, `field`, `$bound.a.b` or `a.b.c`: plain steps, no filters, no functions. */
function pathFor(node: Node): Shortcut | undefined {
  const steps = node.type === 'path' ? node.steps : node.type === 'variable' ? [node] : undefined;
  if (!steps || steps.length === 0 || !steps.every(isPlainStep)) return undefined;
  const [first, ...rest] = steps as [Node, ...Node[]];
  if (rest.some((step) => step.type !== 'name')) return undefined;
  const names = rest.map((step) => step.value as string);
  if (first.type === 'variable') {
    const variable = first.value as string;
    // `$` and `$$` are the input; unbound names may be JSONata's own functions.
    if (variable === '' || variable === '$') return undefined;
    return (input, bindings) =>
      Object.hasOwn(bindings, variable) ? walk(bindings[variable], names) : ASK_JSONATA;
  }
  const field = first.value as string;
  return (input) => walk(input, [field, ...names]);
}

function isPlainStep(step: Node): boolean {
  return (
    (step.type === 'name' || step.type === 'variable') &&
    typeof step.value === 'string' &&
    Object.keys(step).every((key) => key === 'type' || key === 'value' || key === 'position')
  );
}

/** Follows field names through plain objects; anything else (arrays, scalars on the way) asks JSONata. */
function walk(start: unknown, names: string[]): unknown {
  let value = start;
  for (const name of names) {
    if (value === undefined) return undefined;
    if (!isPlainObject(value)) return ASK_JSONATA;
    // A name found on the prototype (`constructor`) is JSONata's business.
    if (!Object.hasOwn(value, name)) return name in value ? ASK_JSONATA : undefined;
    value = value[name];
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
