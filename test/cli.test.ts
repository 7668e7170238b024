import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FLOW, project } from './helpers/project.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const ferry = join(root, 'bin', 'ferry.js');

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [ferry, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('ferry CLI', () => {
  it('validate passes on the examples and fails with file:line:col on a broken project', async () => {
    const ok = await cli(['validate', 'flows']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/ok: 2 connections, 2 flows/);

    const dir = project(FLOW.replace('version: v1', 'version: v2').replace('every: 30s', 'every: 30s'), {});
    const bad = await cli(['validate', dir], { ODOO_API_KEY: 'k', THREEPL_TOKEN: 't' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      `${join(dir, 'flow.yaml')}:10:12  FERRY_UNKNOWN_VERSION  flow orders: payload version "v2" is not defined`,
    );
    expect(bad.stderr).toContain('hint: did you mean "v1"?');
  });

  it('test runs the fixtures and ends with the count line', async () => {
    const out = await cli(['test', 'flows']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^6 passed, 0 failed$/m);
  });

  it('render prints the payload, or the contract errors with exit 1', async () => {
    const dir = project(FLOW);
    writeFileSync(join(dir, 'ok.json'), JSON.stringify({ id: 1, name: 'SO1' }));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ id: 2, name: 42 }));
    const env = { ODOO_API_KEY: 'k', THREEPL_TOKEN: 't' };
    const ok = await cli(['render', 'orders', '--record', join(dir, 'ok.json'), '--dir', dir], env);
    expect(JSON.parse(ok.stdout)).toEqual({ ref: 'SO1' });
    const bad = await cli(['render', 'orders', '--record', join(dir, 'bad.json'), '--dir', dir], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('FERRY_CONTRACT  payload v1 breaks its contract: /ref: must be string');
    const unknown = await cli(['render', 'ordres', '--record', join(dir, 'ok.json'), '--dir', dir], env);
    expect(unknown.stderr).toContain('FERRY_UNKNOWN_FLOW');
    expect(unknown.stderr).toContain('did you mean "orders"?');
  });

  it('every command has --help, and an unknown command gets a suggestion', async () => {
    for (const command of ['validate', 'render', 'test', 'schema']) {
      const out = await cli([command, '--help']);
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/Usage: ferry /);
    }
    const typo = await cli(['valdate']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean "validate"?');
  });

  it('schema prints the flow-file JSON Schema', async () => {
    const out = await cli(['schema']);
    expect(JSON.parse(out.stdout).$defs.Flow).toBeDefined();
  });
});
