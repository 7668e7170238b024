import type { Command } from '../command.js';
import { flowSchema } from '../../config/schema-validation.js';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'Print the flow-file JSON Schema (for editors and CI).',
  usage: 'ferry schema',
  async run(_args, io) {
    io.out(JSON.stringify(flowSchema, null, 2));
    return 0;
  },
};
