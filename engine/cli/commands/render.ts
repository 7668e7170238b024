import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { FerryError } from '../../errors.js';
import { loadConfig } from '../../config/load.js';
import { render } from '../../transform/render.js';
import { formatViolations } from '../../transform/contract.js';
import { configDir } from '../paths.js';
import { didYouMean } from '../../config/did-you-mean.js';

export const renderCommand: Command = {
  name: 'render',
  summary: 'Render one record through a flow and print the payload or its contract errors.',
  usage: 'ferry render <flow> --record <file.json> [--version vN] [--dir flows]',
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
    let record: unknown;
    try {
      record = JSON.parse(readFileSync(resolve(io.cwd, recordFile), 'utf8'));
    } catch (err) {
      throw new FerryError('FERRY_FIXTURE', `cannot read record ${recordFile}: ${(err as Error).message}`, {
        context: { file: recordFile },
      });
    }
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
