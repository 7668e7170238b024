import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../engine/config/load.js';
import type { CompiledConfig } from '../engine/config/compiled.js';
import { Reloader } from '../engine/watch/reloader.js';
import { canaryBucket, chooseVersion } from '../engine/runtime/versions.js';
import { FLOW, project } from './helpers/project.js';

const env = { ODOO_API_KEY: 'k', THREEPL_TOKEN: 't' };

describe('reload', () => {
  it('applies a valid edit, keeps the running config on an invalid one, skips unchanged content', () => {
    const dir = project(FLOW);
    let current: CompiledConfig = loadConfig(dir, { env });
    const reloader = new Reloader(
      dir,
      () => current,
      (next) => (current = next),
      { env },
    );
    const first = current.hash;

    expect(reloader.reload().status).toBe('unchanged');

    writeFileSync(join(dir, 'flow.yaml'), FLOW.replace('"ref": name', '"ref": $uppercase(name)'));
    expect(reloader.reload().status).toBe('applied');
    expect(current.hash).not.toBe(first);
    const applied = current.hash;

    writeFileSync(join(dir, 'flow.yaml'), FLOW.replace('"ref": name', '"ref": $uppercase(name'));
    const rejected = reloader.reload();
    expect(rejected.status).toBe('rejected');
    expect(rejected.errors.map((e) => [e.code, e.context.line])).toEqual([['FERRY_JSONATA_SYNTAX', 17]]);
    expect(current.hash).toBe(applied);
    expect(reloader.counts).toEqual({ applied: 1, rejected: 1, unchanged: 1 });
  });
});

describe('canary', () => {
  it('splits records near the percentage, stably, and raising it only moves records forward', () => {
    const dir = project(
      FLOW.replace(
        '    v1:\n',
        '    v2:\n      schema: contract.json\n      transform: \'{ "ref": name }\'\n    v1:\n',
      ).replace('version: v1', 'version: v1\n  canary: { version: v2, percent: 10 }'),
    );
    const flow = loadConfig(dir, { env }).flows.get('orders')!;
    const ids = Array.from({ length: 1000 }, (_, i) => i + 1);
    const canary = ids.filter((id) => chooseVersion(flow, id).name === 'v2');
    expect(canary.length).toBeGreaterThan(70); // 10 % ± 3 % of 1,000
    expect(canary.length).toBeLessThan(130);
    expect(ids.filter((id) => chooseVersion(flow, id).name === 'v2')).toEqual(canary);
    const at25 = ids.filter((id) => canaryBucket('orders', id) < 25);
    expect(canary.every((id) => at25.includes(id))).toBe(true);
  });
});
