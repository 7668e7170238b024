/**
 * A secret as connectors see it: a handle, never a stored value. `get()` returns the cached value
 * (fetching it on first use or after the TTL), `refresh()` fetches it again (rotation, or a 401).
 */
export interface SecretHandle {
  /** The reference as written, e.g. `${secret:vault:kv/odoo#api_key}`: safe to log. */
  readonly ref: string;
  get(): Promise<string>;
  refresh(): Promise<string>;
}

/** A handle around a fixed value, for tests and for the sandbox's simulators. */
export function fixedSecret(value: string, ref = '${secret:fixed}'): SecretHandle {
  return { ref, get: () => Promise.resolve(value), refresh: () => Promise.resolve(value) };
}
