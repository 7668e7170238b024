/**
 * Python call semantics for ORM methods: positional and keyword arguments bound to named
 * parameters, with Python's TypeError messages. JSON-2 binds keywords only and reports errors the
 * way `inspect.signature().bind()` words them.
 */
import { typeError } from '../errors.js';

export interface Param {
  name: string;
  /** A parameter without default is required. */
  default?: unknown;
}

export interface Signature {
  /** Python's qualified name for messages, e.g. "BaseModel.search". */
  qualname: string;
  params: Param[];
  /** Accepts **kwargs. */
  varKeyword?: boolean;
  /** How many parameters may be passed by position (the rest are keyword-only, after `*`). */
  positional?: number;
}

export type BoundArgs = Record<string, unknown>;

/** Binds XML-RPC/JSON-RPC `args` (without the ids of record methods) and `kwargs`. */
export function bindPositional(sig: Signature, args: unknown[], kwargs: Record<string, unknown>): BoundArgs {
  const { params, qualname } = sig;
  const capacity = sig.positional ?? params.length;
  if (args.length > capacity) {
    const required = params.slice(0, capacity).filter((p) => !('default' in p)).length;
    const takes = required === capacity ? `${capacity + 1}` : `from ${required + 1} to ${capacity + 1}`;
    const plural = capacity === 0 ? 'argument' : 'arguments';
    throw typeError(`${qualname}() takes ${takes} positional ${plural} but ${args.length + 1} were given`);
  }
  const bound: BoundArgs = {};
  args.forEach((value, index) => (bound[(params[index] as Param).name] = value));
  for (const [key, value] of Object.entries(kwargs)) {
    const known = params.some((p) => p.name === key);
    if (!known && !sig.varKeyword)
      throw typeError(`${qualname}() got an unexpected keyword argument '${key}'`);
    if (key in bound) throw typeError(`${qualname}() got multiple values for argument '${key}'`);
    bound[key] = value;
  }
  const missing = params.filter((p) => !('default' in p) && !(p.name in bound)).map((p) => `'${p.name}'`);
  if (missing.length > 0) {
    const list =
      missing.length === 1
        ? missing[0]
        : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`;
    throw typeError(
      `${qualname}() missing ${missing.length} required positional argument${missing.length === 1 ? '' : 's'}: ${list}`,
    );
  }
  return withDefaults(sig, bound);
}

/** Binds JSON-2 named parameters; errors carry `inspect`'s wording (turned into 422 by the caller). */
export function bindNamed(sig: Signature, named: Record<string, unknown>): BoundArgs {
  for (const key of Object.keys(named)) {
    if (!sig.varKeyword && !sig.params.some((p) => p.name === key)) {
      throw typeError(`got an unexpected keyword argument '${key}'`);
    }
  }
  const missing = sig.params.find((p) => !('default' in p) && !(p.name in named));
  if (missing) throw typeError(`missing a required argument: '${missing.name}'`);
  return withDefaults(sig, { ...named });
}

function withDefaults(sig: Signature, bound: BoundArgs): BoundArgs {
  for (const param of sig.params)
    if (!(param.name in bound) && 'default' in param) bound[param.name] = param.default;
  return bound;
}
