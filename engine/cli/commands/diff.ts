/**
 * `ferry diff <flow> <vA> <vB>`: renders two payload versions for the same records and prints, per
 * record, the fields that differ and each version's contract failures — what a cutover would change,
 * before it happens. Records come from the flow's fixtures and, with --live, from the source itself.
 */
import { relative } from 'node:path';
import type { Command, CommandIO } from '../command.js';
import type { CompiledConfig, CompiledVersion, FlowConfig } from '../../config/compiled.js';
import { FerryError } from '../../errors.js';
import { loadConfig } from '../../config/load.js';
import { findFixtureFiles } from '../../config/files.js';
import { didYouMean } from '../../config/did-you-mean.js';
import { readFixtureFile } from '../../transform/fixtures.js';
import { formatDifferences } from '../../transform/diff.js';
import { formatViolations } from '../../transform/contract.js';
import { compareVersions, type VersionRender } from '../../runtime/shadow.js';
import { SecretResolver, defaultSecretProviders } from '../../secrets/resolver.js';
import { defaultRegistry } from '../../../connectors/defaults.js';
import { configDir } from '../paths.js';
import { reportError } from '../report.js';

interface DiffRecord {
  /** How the record is named in the output: its name, and where it came from. */
  label: string;
  record: unknown;
}

const DEFAULT_LIVE_RECORDS = 10;

export const diffCommand: Command = {
  name: 'diff',
  summary: 'Render two payload versions for the same records and show the fields that differ.',
  usage:
    'ferry diff <flow> <vA> <vB> [--fixtures] [--live] [--records N] [--dir flows]\n' +
    "  records come from the flow's fixtures (the default), live from the source (--live), or both",
  options: {
    fixtures: { type: 'boolean' },
    live: { type: 'boolean' },
    records: { type: 'string' },
    dir: { type: 'string' },
  },
  async run({ positionals, values }, io) {
    const [flowName, leftName, rightName] = positionals;
    if (!flowName || !leftName || !rightName)
      throw new FerryError('FERRY_USAGE', 'a flow and two versions are required', {
        hint: `usage: ${this.usage}`,
      });
    const limit = values.records === undefined ? DEFAULT_LIVE_RECORDS : Number(values.records);
    if (!Number.isInteger(limit) || limit < 1)
      throw new FerryError(
        'FERRY_USAGE',
        `--records must be a positive whole number, not "${values.records}"`,
      );
    const dir = configDir(values.dir as string | undefined, io.cwd);
    const config = loadConfig(dir, { env: io.env });
    const flow = config.flows.get(flowName);
    if (!flow)
      throw new FerryError('FERRY_UNKNOWN_FLOW', `flow "${flowName}" is not defined`, {
        hint: didYouMean(flowName, config.flows.keys()),
      });
    const left = versionOf(flow, leftName);
    const right = versionOf(flow, rightName);

    const useLive = values.live === true;
    const records = values.fixtures === true || !useLive ? fixtureRecords(dir, flow.name, io.cwd) : [];
    let liveFailed = false;
    if (useLive) {
      try {
        records.push(...(await liveRecords(config, flow, limit, io.env)));
      } catch (err) {
        reportError(err, io);
        io.err('live records could not be read; showing the others only');
        liveFailed = true;
      }
    }
    if (records.length === 0 && !liveFailed)
      throw new FerryError('FERRY_USAGE', `no records to compare for flow ${flow.name}`, {
        hint: `add cases to fixtures/${flow.name}.fixture.yaml, or read records from the source with --live`,
      });

    await printComparisons(flow, left, right, records, io);
    return liveFailed ? 1 : 0;
  },
};

function versionOf(flow: FlowConfig, name: string): CompiledVersion {
  const version = flow.payload.versions.get(name);
  if (!version)
    throw new FerryError('FERRY_UNKNOWN_VERSION', `flow ${flow.name} has no version "${name}"`, {
      hint: didYouMean(name, flow.payload.versions.keys()),
    });
  return version;
}

async function printComparisons(
  flow: FlowConfig,
  left: CompiledVersion,
  right: CompiledVersion,
  records: DiffRecord[],
  io: CommandIO,
): Promise<void> {
  // One instant for every record, so `$now` never shows up as a difference.
  const now = new Date().toISOString();
  const failures = { [left.name]: 0, [right.name]: 0 };
  let withDifferences = 0;
  io.out(`${flow.name}: ${left.name} → ${right.name}, ${records.length} records`);
  for (const { label, record } of records) {
    const {
      left: l,
      right: r,
      differences,
    } = await compareVersions(left, right, record, {
      flow: flow.name,
      correlationId: 'diff',
      now,
    });
    io.out(`\n${label}`);
    if (differences.length > 0) {
      withDifferences++;
      io.out(formatDifferences(differences, l.version, r.version));
    } else if (!l.error && !r.error) {
      io.out('  same payload');
    }
    // Comparing a version with itself reports its failures once.
    for (const side of l.version === r.version ? [l] : [l, r]) {
      const problem = problemOf(side);
      if (!problem) continue;
      failures[side.version] = (failures[side.version] ?? 0) + 1;
      io.out(`  ${side.version} ${problem}`);
    }
  }
  const failed = [...new Set([left.name, right.name])].map((v) => `${v} ${failures[v]}`).join(', ');
  io.out(`\n${records.length} records, ${withDifferences} with differences; contract failures: ${failed}`);
}

/** A version's failure on one record: its contract errors, or why it could not render. */
function problemOf(side: VersionRender): string | undefined {
  if (side.error) return `does not render: ${side.error}`;
  if (side.violations.length > 0) return `breaks its contract: ${formatViolations(side.violations)}`;
  return undefined;
}

function fixtureRecords(dir: string, flowName: string, cwd: string): DiffRecord[] {
  return findFixtureFiles(dir)
    .map(readFixtureFile)
    .filter((fixture) => fixture.flow === flowName)
    .flatMap((fixture) =>
      fixture.cases.map((c) => ({
        label: `${recordName(c.record)}  (${relative(cwd, fixture.file)}: ${c.name})`,
        record: c.record,
      })),
    );
}

/** Stops the poll once enough records were collected; nothing is stored, the cursor is not touched. */
class Enough extends Error {}

/** The first `limit` records the flow's source would hand over, read through the source connector. */
async function liveRecords(
  config: CompiledConfig,
  flow: FlowConfig,
  limit: number,
  env: NodeJS.ProcessEnv,
): Promise<DiffRecord[]> {
  const connection = config.connections.get(flow.source.connection)!;
  const factory = defaultRegistry().source(connection.kind);
  if (!factory)
    throw new FerryError('FERRY_CONNECTION_TYPE', `no source connector for type ${connection.kind}`);
  const source = factory(connection, new SecretResolver(defaultSecretProviders(config.root, env)));
  // One page of exactly `limit` records is all that is read.
  const trigger = { ...flow.source.trigger, pageSize: limit };
  const collected: DiffRecord[] = [];
  try {
    await source
      .flowSource({ ...flow, source: { ...flow.source, trigger } })
      .pollOnce(undefined, async (records) => {
        for (const r of records.slice(0, limit - collected.length))
          collected.push({
            label: `${r.name ?? `#${r.id}`}  (${flow.source.model}/${r.id}, live)`,
            record: r.record,
          });
        if (collected.length >= limit) throw new Enough();
      });
  } catch (err) {
    if (!(err instanceof Enough)) throw err;
  } finally {
    await source.close();
  }
  return collected;
}

function recordName(record: Record<string, unknown>): string {
  const name = record.name ?? record.display_name;
  return typeof name === 'string' ? name : `#${String(record.id ?? '?')}`;
}
