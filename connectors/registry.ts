/**
 * Connectors register a type name and a constructor into a registry object (not a global), so tests
 * can build an empty or partial registry. `defaultRegistry()` has every connector this build ships.
 */
import type { SourceFactory, TargetFactory } from '../engine/runtime/ports.js';

export class ConnectorRegistry {
  private readonly sources = new Map<string, SourceFactory>();
  private readonly targets = new Map<string, TargetFactory>();

  registerSource(type: string, factory: SourceFactory): this {
    this.sources.set(type, factory);
    return this;
  }

  registerTarget(type: string, factory: TargetFactory): this {
    this.targets.set(type, factory);
    return this;
  }

  source(type: string): SourceFactory | undefined {
    return this.sources.get(type);
  }

  target(type: string): TargetFactory | undefined {
    return this.targets.get(type);
  }
}
