/**
 * Which payload version a record gets: the active one, or the canary version for a stable share of
 * records picked by a hash of the record id — the same record always gets the same answer, and raising
 * the percentage only moves records forward.
 */
import { createHash } from 'node:crypto';
import type { CompiledVersion, FlowConfig } from '../config/compiled.js';

/** A number in [0, 100) fixed for a flow and record. */
export function canaryBucket(flow: string, recordId: number): number {
  const digest = createHash('sha256').update(`${flow}:${recordId}`).digest();
  return (digest.readUInt32BE(0) / 0x1_0000_0000) * 100;
}

export function chooseVersion(flow: FlowConfig, recordId: number): CompiledVersion {
  const canary = flow.payload.canary;
  const name =
    canary && canaryBucket(flow.name, recordId) < canary.percent ? canary.version : flow.payload.active;
  return flow.payload.versions.get(name)!;
}
