/**
 * Redaction by value: every secret the resolver hands out is registered here, and every log line and
 * error message is scrubbed of those values before it leaves the process. Path-based redaction alone
 * misses a token echoed in an error body or a URL.
 */

const secretValues = new Set<string>();
const MASK = '[redacted]';
// Very short values would mask ordinary words; providers never hand out secrets this short.
const MIN_LENGTH = 4;

export function registerSecretValue(value: string): void {
  if (value.length >= MIN_LENGTH) secretValues.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const value of secretValues) {
    if (out.includes(value)) out = out.split(value).join(MASK);
  }
  return out;
}

/** Deep copy of a JSON-like value with every registered secret value masked. */
export function redactValue<T>(value: T): T {
  if (secretValues.size === 0) return value;
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(v);
    return out as T;
  }
  return value;
}

/** For tests only. */
export function clearSecretValues(): void {
  secretValues.clear();
}
