import type { Command } from '../command.js';
import { loadConfig } from '../../config/load.js';
import { configDir } from '../paths.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check every flow file: YAML, schema, references, JSONata, contracts.',
  usage: 'ferry validate [dir]',
  async run({ positionals }, io) {
    const dir = configDir(positionals[0], io.cwd);
    const config = loadConfig(dir, { env: io.env });
    io.out(
      `ok: ${config.connections.size} connections, ${config.flows.size} flows (${config.files.length} files, config ${config.hash.slice(0, 12)})`,
    );
    return 0;
  },
};
