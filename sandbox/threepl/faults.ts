/**
 * Switchable faults of the 3PL simulator. Each rule applies to the next N matching requests (`count`),
 * or to each with a seeded `probability` (repeatable runs), or both; without either it applies to
 * every request until cleared. Latency rules add up; of the other rules, the first that fires decides.
 */
import { FerryError } from '../../engine/errors.js';

export type FaultKind = 'latency' | 'rate_limit' | 'server_error' | 'reset' | 'timeout' | 'malformed';

export interface FaultRule {
  kind: FaultKind;
  /** Fires for the next N matching requests, then is gone. */
  count?: number;
  /** Fires for each matching request with this probability, drawn from the seeded generator. */
  probability?: number;
  /** Only requests whose path starts with this, e.g. `/v2/shipments`. */
  path?: string;
  /** latency: added delay in milliseconds, spent while the request is in flight. */
  ms?: number;
  /** rate_limit: the Retry-After value in seconds. @default 1 */
  retryAfterSeconds?: number;
  /** server_error: the status to answer. @default 503 */
  status?: number;
  /**
   * reset / timeout: strike after the request took effect, so only the answer is lost (a retry with
   * the same key then gets the stored answer). `malformed` always strikes after the effect.
   * @default false
   */
  afterEffect?: boolean;
}

export interface FaultSettings {
  faults: FaultRule[];
  /** Seed of the generator behind `probability`. @default 1 */
  seed?: number;
}

export interface FaultDecision {
  latencyMs: number;
  /** The non-latency rule that fired, if any. */
  fault: FaultRule | undefined;
}

const KINDS = new Set<FaultKind>(['latency', 'rate_limit', 'server_error', 'reset', 'timeout', 'malformed']);

/** mulberry32: tiny, seedable, good enough to pick which requests fail. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function checkRule(rule: FaultRule, index: number): FaultRule {
  const fail = (message: string): never => {
    throw new FerryError('FERRY_USAGE', `Fault ${index + 1}: ${message}`);
  };
  if (!rule || typeof rule !== 'object' || !KINDS.has(rule.kind)) {
    fail(`kind must be one of ${[...KINDS].join(', ')}`);
  }
  if (rule.count !== undefined && !(Number.isInteger(rule.count) && rule.count > 0)) {
    fail('count must be a positive integer');
  }
  if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
    fail('probability must be between 0 and 1');
  }
  if (rule.kind === 'latency' && !(typeof rule.ms === 'number' && rule.ms >= 0))
    fail('latency needs ms >= 0');
  if (
    rule.status !== undefined &&
    !(Number.isInteger(rule.status) && rule.status >= 500 && rule.status <= 599)
  ) {
    fail('status must be a 5xx code');
  }
  if (
    rule.retryAfterSeconds !== undefined &&
    !(Number.isInteger(rule.retryAfterSeconds) && rule.retryAfterSeconds >= 0)
  ) {
    fail('retryAfterSeconds must be an integer >= 0');
  }
  return rule;
}

interface ActiveRule {
  rule: FaultRule;
  remaining: number | undefined;
}

export class FaultPlan {
  private active: ActiveRule[] = [];
  private random = seededRandom(1);

  set({ faults, seed = 1 }: FaultSettings): void {
    if (!Array.isArray(faults)) throw new FerryError('FERRY_USAGE', 'faults must be a list of fault rules');
    const checked = faults.map(checkRule);
    this.active = checked.map((rule) => ({ rule: { ...rule }, remaining: rule.count }));
    this.random = seededRandom(seed);
  }

  clear(): void {
    this.active = [];
  }

  /** The rules still armed, with how many firings each has left. */
  list(): (FaultRule & { remaining?: number })[] {
    return this.active.map(({ rule, remaining }) =>
      remaining === undefined ? rule : { ...rule, remaining },
    );
  }

  decide(path: string): FaultDecision {
    let latencyMs = 0;
    let fault: FaultRule | undefined;
    for (const entry of this.active) {
      const { rule } = entry;
      if (rule.kind !== 'latency' && fault) continue; // decided already: leave later counts untouched
      if (rule.path !== undefined && !path.startsWith(rule.path)) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      if (entry.remaining !== undefined) entry.remaining -= 1;
      if (rule.kind === 'latency') latencyMs += rule.ms ?? 0;
      else fault = rule;
    }
    this.active = this.active.filter((entry) => entry.remaining !== 0);
    return { latencyMs, fault };
  }
}
