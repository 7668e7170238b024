import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { FerryError } from '../../errors.js';
import { loadConfig } from '../../config/load.js';
import { render } from '../../transform/render.js';
import { formatViolations } from '../../transform/contract.js';
import { configDir } from '../paths.js';
import { didYouMean } from '../../config/did-you-mean.js';
import type { CompiledConfig, FlowConfig } from '../../config/compiled.js';
import { SecretResolver, defaultSecretProviders } from '../../secrets/resolver.js';
import { openOdooConnection } from '../../../connectors/odoo/index.js';

/** `--record stock.picking/42`: read the record live, through the flow's own source. */
const LIVE_RECORD = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+\/\d+$/;

export const renderCommand: Command = {
  name: 'render',
  summary: 'Render one record through a flow and print the payload or its contract errors.',
  usage: 'ferry render <flow> --record <file.json | model/id> [--version vN] [--dir flows]',
  options: { record: { type: 'string' }, version: { type: 'string' }, dir: { type: 'string' } },
  async run({ positionals, values }, io) {
    const [flowName] = positionals;
    const recordFile = values.record as string | undefined;
    if (!flowName || !recordFile)
      throw new FerryError('FERRY_USAGE', 'a flow and --record are required', {
        hint: `usage: ${this.usage}`,
      });
    const config = loadConfig(configDir(values.dir as string | undefined, io.cwd), { env: io.env });
    const flow = config.flows.get(flowName);
    if (!flow) {
      throw new FerryError('FERRY_UNKNOWN_FLOW', `flow "${flowName}" is not defined`, {
        hint: didYouMean(flowName, config.flows.keys()),
      });
    }
    const versionName = (values.version as string | undefined) ?? flow.payload.active;
    const version = flow.payload.versions.get(versionName);
    if (!version) {
      throw new FerryError('FERRY_UNKNOWN_VERSION', `flow ${flowName} has no version "${versionName}"`, {
        hint: didYouMean(versionName, flow.payload.versions.keys()),
      });
    }
    const record =
      LIVE_RECORD.test(recordFile) && !existsSync(resolve(io.cwd, recordFile))
        ? await readLiveRecord(config, flow, recordFile, io.env)
        : readRecordFile(resolve(io.cwd, recordFile), recordFile);
    const rendered = await render(version, record, { flow: flow.name });
    io.out(JSON.stringify(rendered.payload, null, 2));
    if (rendered.violations.length > 0) {
      io.err(
        `FERRY_CONTRACT  payload ${versionName} breaks its contract: ${formatViolations(rendered.violations)}`,
      );
      return 1;
    }
    return 0;
  },
};

function readRecordFile(path: string, given: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new FerryError('FERRY_FIXTURE', `cannot read record ${given}: ${(err as Error).message}`, {
      context: { file: given },
    });
  }
}

async function readLiveRecord(
  config: CompiledConfig,
  flow: FlowConfig,
  ref: string,
  env: NodeJS.ProcessEnv,
): Promise<unknown> {
  const [model, id] = [ref.slice(0, ref.lastIndexOf('/')), Number(ref.slice(ref.lastIndexOf('/') + 1))];
  if (model !== flow.source.model) {
    throw new FerryError('FERRY_USAGE', `flow ${flow.name} reads ${flow.source.model}, not ${model}`);
  }
  const secrets = new SecretResolver(defaultSecretProviders(config.root, env));
  const odoo = openOdooConnection(config.connections.get(flow.source.connection)!, secrets);
  try {
    const [found] = await odoo.flowSource(flow).readRecords([id]);
    if (!found) {
      throw new FerryError('FERRY_NOT_FOUND', `${ref} does not exist or does not match the flow's domain`);
    }
    return found.record;
  } finally {
    await odoo.close();
  }
}
