import type { Command } from '../command.js';
import { loadConfig } from '../../config/load.js';
import { findFixtureFiles } from '../../config/files.js';
import { readFixtureFile, runFixtures } from '../../transform/fixtures.js';
import { configDir } from '../paths.js';
import { relative } from 'node:path';

export const testCommand: Command = {
  name: 'test',
  summary: 'Run transform fixtures: record in, payload out, per version.',
  usage: 'ferry test [dir]',
  async run({ positionals }, io) {
    const dir = configDir(positionals[0], io.cwd);
    const config = loadConfig(dir, { env: io.env });
    const files = findFixtureFiles(dir);
    const results = await runFixtures(config, files.map(readFixtureFile));
    for (const r of results) {
      const where = `${relative(io.cwd, r.file)}  ${r.flow} ${r.version}  ${r.name}`;
      if (r.passed) io.out(`  ok    ${where}`);
      else io.out(`  FAIL  ${where}\n${(r.detail ?? '').replace(/^/gm, '        ')}`);
    }
    const failed = results.filter((r) => !r.passed).length;
    io.out(`${results.length - failed} passed, ${failed} failed`);
    return failed === 0 && results.length > 0 ? 0 : 1;
  },
};
