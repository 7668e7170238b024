/**
 * Reload: load, validate and compile the whole new config; swap it in only if all of it is valid.
 * A rejected edit keeps the running config and reports every error with file:line:col.
 */
import type { CompiledConfig } from '../config/compiled.js';
import { loadConfig, type LoadOptions } from '../config/load.js';
import { FerryErrors, FerryError, isFerryError } from '../errors.js';
import { log } from '../log/logger.js';

export interface ReloadResult {
  status: 'applied' | 'unchanged' | 'rejected';
  /** The hash of the config running after this reload. */
  hash: string;
  errors: FerryError[];
}

export class Reloader {
  readonly counts = { applied: 0, rejected: 0, unchanged: 0 };

  constructor(
    private readonly root: string,
    private readonly current: () => CompiledConfig,
    private readonly apply: (config: CompiledConfig) => void,
    private readonly options: LoadOptions = {},
  ) {}

  reload(): ReloadResult {
    let next: CompiledConfig;
    try {
      next = loadConfig(this.root, this.options);
    } catch (err) {
      return this.reject(err);
    }
    if (next.hash === this.current().hash) {
      this.counts.unchanged++;
      log().debug({ reload: 'unchanged', hash: next.hash }, 'config unchanged; nothing to reload');
      return { status: 'unchanged', hash: next.hash, errors: [] };
    }
    try {
      // The swap checks what only the runtime knows (a connector for every connection type) before
      // it changes anything, so a refusal here also leaves the running config in place.
      this.apply(next);
    } catch (err) {
      return this.reject(err);
    }
    this.counts.applied++;
    log().info({ reload: 'applied', hash: next.hash, flows: [...next.flows.keys()] }, 'config reloaded');
    return { status: 'applied', hash: next.hash, errors: [] };
  }

  private reject(err: unknown): ReloadResult {
    const errors =
      err instanceof FerryErrors
        ? err.errors
        : isFerryError(err)
          ? [err]
          : [new FerryError('FERRY_SCHEMA', (err as Error)?.message ?? String(err), { cause: err })];
    this.counts.rejected++;
    const hash = this.current().hash;
    log().error(
      { reload: 'rejected', hash, errors: errors.map((e) => e.format()) },
      'config rejected; still running the previous configuration',
    );
    return { status: 'rejected', hash, errors };
  }
}
