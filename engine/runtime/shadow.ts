/**
 * Shadow versions: while one payload version is sent, another (`payload.shadow`) is rendered beside it
 * for the same record, checked against its own contract and compared field by field — never sent.
 * What it finds is counted per flow (ShadowReport) so a cutover can be judged before it happens.
 * A shadow failure is a finding, not a delivery problem: nothing here throws into delivery.
 */
import type { CompiledVersion, FlowConfig } from '../config/compiled.js';
import type { ContractViolation } from '../transform/contract.js';
import { diffJson, type Difference } from '../transform/diff.js';
import { render, type RenderBindings, type Rendered } from '../transform/render.js';
import { log } from '../log/logger.js';
import { redact } from '../log/redact.js';
import type { Renderer } from './render-thread.js';

/** One version's rendering of one record: a payload and its contract failures, or the transform error. */
export interface VersionRender {
  version: string;
  payload: unknown;
  violations: ContractViolation[];
  error?: string;
}

export interface VersionComparison {
  left: VersionRender;
  right: VersionRender;
  /** Field-level differences; empty when either side could not be rendered. */
  differences: Difference[];
}

/** Renders a record with a version without ever throwing: a transform error becomes `error`. */
export function renderVersion(
  version: CompiledVersion,
  record: unknown,
  bindings: RenderBindings,
): Promise<VersionRender> {
  return settled(version, () => render(version, record, bindings));
}

async function settled(version: CompiledVersion, run: () => Promise<Rendered>): Promise<VersionRender> {
  try {
    const rendered = await run();
    return { version: version.name, payload: rendered.payload, violations: rendered.violations };
  } catch (err) {
    return { version: version.name, payload: undefined, violations: [], error: (err as Error).message };
  }
}

/** Renders a record with two versions (the same bindings, so `$now` cannot make a difference) and diffs them. */
export async function compareVersions(
  left: CompiledVersion,
  right: CompiledVersion,
  record: unknown,
  bindings: RenderBindings,
): Promise<VersionComparison> {
  const fixed = { ...bindings, now: bindings.now ?? new Date().toISOString() };
  const [l, r] = await Promise.all([renderVersion(left, record, fixed), renderVersion(right, record, fixed)]);
  const differences = l.error || r.error ? [] : diffJson(l.payload, r.payload);
  return { left: l, right: r, differences };
}

export interface ShadowFlowCounts {
  /** The version sent while these counts were taken. */
  active: string;
  shadow: string;
  /** Records rendered with both versions. */
  records: number;
  /** Records whose shadow payload differs from the active one in at least one field. */
  withDifferences: number;
  /** Differing fields summed over all records. */
  differingFields: number;
  /** Records whose shadow payload breaks the shadow version's contract. */
  contractFailures: number;
  /** Records the shadow transform could not render at all. */
  transformErrors: number;
  /** How often each field differed; array indexes folded to `*`, at most MAX_FIELDS fields kept. */
  fields: Record<string, number>;
}

const MAX_FIELDS = 100;

/** Shadow findings per flow, for the operations view. Counts restart when a flow's version pair changes. */
export class ShadowReport {
  private readonly flows = new Map<string, ShadowFlowCounts>();

  /** The counts of one flow, or undefined when it has not shadowed anything yet. */
  get(flow: string): Readonly<ShadowFlowCounts> | undefined {
    return this.flows.get(flow);
  }

  /** Every flow's counts, as plain data. */
  snapshot(): Record<string, ShadowFlowCounts> {
    return Object.fromEntries([...this.flows].map(([name, c]) => [name, { ...c, fields: { ...c.fields } }]));
  }

  add(flow: string, comparison: VersionComparison): void {
    const { left, right, differences } = comparison;
    let counts = this.flows.get(flow);
    if (!counts || counts.active !== left.version || counts.shadow !== right.version) {
      counts = {
        active: left.version,
        shadow: right.version,
        records: 0,
        withDifferences: 0,
        differingFields: 0,
        contractFailures: 0,
        transformErrors: 0,
        fields: {},
      };
      this.flows.set(flow, counts);
    }
    counts.records++;
    if (right.error) counts.transformErrors++;
    if (right.violations.length > 0) counts.contractFailures++;
    if (differences.length > 0) counts.withDifferences++;
    counts.differingFields += differences.length;
    for (const pointer of new Set(differences.map((d) => d.pointer.replace(/\/\d+(?=\/|$)/g, '/*')))) {
      if (pointer in counts.fields || Object.keys(counts.fields).length < MAX_FIELDS)
        counts.fields[pointer] = (counts.fields[pointer] ?? 0) + 1;
    }
  }
}

/**
 * Starts rendering the flow's shadow version of a record (`source`, its stored JSON) beside the active
 * version `active`, so both renders travel together; undefined when there is no other version to shadow.
 * Never rejects: a failure is part of the finding.
 */
export function renderShadow(
  flow: FlowConfig,
  active: string,
  source: string,
  bindings: RenderBindings,
  renderer: Renderer,
): Promise<VersionRender> | undefined {
  const shadowName = flow.payload.shadow;
  const shadow = shadowName === undefined ? undefined : flow.payload.versions.get(shadowName);
  if (!shadow || shadow.name === active) return undefined;
  return settled(shadow, () => renderer(shadow, source, bindings));
}

/**
 * Records what a shadow render (`right`) finds against the active payload just rendered. Called inside
 * the delivery's log context, so lines carry flow, record and correlation ID.
 */
export function shadowRecord(
  report: ShadowReport,
  flow: FlowConfig,
  active: { version: string; payload: unknown },
  right: VersionRender,
): void {
  try {
    const differences = right.error ? [] : diffJson(active.payload, right.payload);
    const left: VersionRender = { version: active.version, payload: active.payload, violations: [] };
    report.add(flow.name, { left, right, differences });
    if (right.error) {
      log().warn({ shadow: right.version, err: redact(right.error) }, 'shadow version failed to render');
    } else if (right.violations.length > 0) {
      log().warn(
        { shadow: right.version, violations: right.violations },
        'shadow version breaks its contract (not sent)',
      );
    }
    if (differences.length > 0) {
      log().debug(
        { shadow: right.version, active: active.version, fields: differences.map((d) => d.pointer) },
        'shadow payload differs',
      );
    }
  } catch (err) {
    // Bookkeeping only; the delivery goes on whatever happens here.
    log().warn({ shadow: right.version, err: redact((err as Error).message) }, 'shadow comparison failed');
  }
}
