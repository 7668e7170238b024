/**
 * Fixture tests of transforms: a record as Odoo returns it, and the payload expected per version.
 *
 *   flow: shipment-to-3pl
 *   cases:
 *     - name: two lines
 *       record: { id: 7, name: WH/OUT/00007, partner_id: [12, Azure Interior], … }
 *       expect: { v2: {…}, v3: {…} }
 *       violations: { v3: [/scheduled_at] }     # contract failures the case expects
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { FerryError } from '../errors.js';
import type { CompiledConfig } from '../config/compiled.js';
import { render } from './render.js';
import { diffJson, formatDifferences } from './diff.js';
import { formatViolations } from './contract.js';

export interface FixtureCase {
  name: string;
  record: Record<string, unknown>;
  expect: Record<string, unknown>;
  violations?: Record<string, string[]>;
}

export interface FixtureFile {
  file: string;
  flow: string;
  cases: FixtureCase[];
}

export interface FixtureResult {
  file: string;
  flow: string;
  name: string;
  version: string;
  passed: boolean;
  /** Readable explanation of a failure. */
  detail?: string;
}

export function readFixtureFile(file: string): FixtureFile {
  const fail = (why: string) => new FerryError('FERRY_FIXTURE', `${why}`, { context: { file } });
  let data: unknown;
  try {
    data = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw fail(`not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  const doc = data as Partial<FixtureFile> | null;
  if (!doc || typeof doc.flow !== 'string' || !Array.isArray(doc.cases)) {
    throw fail('a fixture file needs "flow" and a list of "cases"');
  }
  doc.cases.forEach((c, i) => {
    if (!c || typeof c.record !== 'object' || typeof c.expect !== 'object') {
      throw fail(`case ${i + 1}: needs "record" and "expect" (version → payload)`);
    }
    c.name ??= `case ${i + 1}`;
  });
  return { file, flow: doc.flow, cases: doc.cases };
}

export async function runFixtures(config: CompiledConfig, fixtures: FixtureFile[]): Promise<FixtureResult[]> {
  const results: FixtureResult[] = [];
  for (const fixture of fixtures) {
    const flow = config.flows.get(fixture.flow);
    for (const testCase of fixture.cases) {
      const base = { file: fixture.file, flow: fixture.flow, name: testCase.name };
      if (!flow) {
        results.push({
          ...base,
          version: '-',
          passed: false,
          detail: `flow "${fixture.flow}" is not defined`,
        });
        continue;
      }
      for (const [versionName, expected] of Object.entries(testCase.expect)) {
        const version = flow.payload.versions.get(versionName);
        if (!version) {
          results.push({
            ...base,
            version: versionName,
            passed: false,
            detail: `version "${versionName}" is not defined`,
          });
          continue;
        }
        try {
          const rendered = await render(version, testCase.record, {
            flow: flow.name,
            correlationId: 'fixture',
            now: '2026-01-01T00:00:00.000Z',
          });
          const problems: string[] = [];
          const differences = diffJson(expected, rendered.payload);
          if (differences.length)
            problems.push(`payload differs:\n${formatDifferences(differences, 'expected', 'rendered')}`);
          const expectedViolations = [...(testCase.violations?.[versionName] ?? [])].sort();
          const actualViolations = [...new Set(rendered.violations.map((v) => v.pointer))].sort();
          if (JSON.stringify(expectedViolations) !== JSON.stringify(actualViolations)) {
            problems.push(
              rendered.violations.length
                ? `contract: ${formatViolations(rendered.violations)}${expectedViolations.length ? ` (expected failures at ${expectedViolations.join(', ')})` : ''}`
                : `contract: expected failures at ${expectedViolations.join(', ')}, but the payload is valid`,
            );
          }
          results.push({
            ...base,
            version: versionName,
            passed: problems.length === 0,
            detail: problems.join('\n') || undefined,
          });
        } catch (err) {
          results.push({ ...base, version: versionName, passed: false, detail: (err as Error).message });
        }
      }
    }
  }
  return results;
}
