import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchConfig, type Watcher } from '../engine/watch/watch.js';
import { Reloader } from '../engine/watch/reloader.js';
import { loadConfig } from '../engine/config/load.js';
import type { CompiledConfig } from '../engine/config/compiled.js';
import { FerryError } from '../engine/errors.js';
import { FLOW, project } from './helpers/project.js';

const env = { ODOO_API_KEY: 'k', THREEPL_TOKEN: 't' };
let watcher: Watcher | undefined;
afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
});

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!check()) throw new Error(`gave up waiting for ${what}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the config watcher', () => {
  it('sees files added, changed, renamed and removed, one reload per burst', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-watch-files-'));
    writeFileSync(join(dir, 'a.yaml'), 'a');
    let changes = 0;
    watcher = watchConfig(dir, () => changes++);
    await watcher.ready;
    const steps: [string, () => void][] = [
      ['an added file', () => writeFileSync(join(dir, 'b.yaml'), 'b')],
      ['a changed file', () => writeFileSync(join(dir, 'a.yaml'), 'a2')],
      ['a renamed file', () => renameSync(join(dir, 'b.yaml'), join(dir, 'c.yaml'))],
      ['a removed file', () => rmSync(join(dir, 'c.yaml'))],
      [
        'a new folder with a file',
        () => (mkdirSync(join(dir, 'more')), writeFileSync(join(dir, 'more', 'd.yaml'), 'd')),
      ],
    ];
    for (const [index, [what, step]] of steps.entries()) {
      step();
      await until(() => changes === index + 1, what);
    }
    // Dot folders (the default store lives in .ferry/) and SQLite files never trigger a reload.
    mkdirSync(join(dir, '.ferry'));
    writeFileSync(join(dir, '.ferry', 'state.db'), 'x');
    writeFileSync(join(dir, 'state.db-wal'), 'x');
    writeFileSync(join(dir, 'e.yaml'), 'marker');
    await until(() => changes === steps.length + 1, 'the marker file');
    await sleep(500);
    expect(changes).toBe(steps.length + 1);
  });

  it('watches files the config references from outside its folder', async () => {
    const base = mkdtempSync(join(tmpdir(), 'ferry-watch-outside-'));
    mkdirSync(join(base, 'flows'));
    mkdirSync(join(base, 'schemas'));
    const schema = join(base, 'schemas', 'contract.json');
    writeFileSync(schema, '{}');
    let changes = 0;
    watcher = watchConfig(join(base, 'flows'), () => changes++, { files: () => [schema] });
    await watcher.ready;
    writeFileSync(schema, '{"type":"object"}');
    await until(() => changes === 1, 'the change of the referenced schema');
  });

  it('reloads during a burst that never goes quiet, at most maxWaitMs apart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-watch-burst-'));
    let changes = 0;
    watcher = watchConfig(dir, () => changes++, { debounceMs: 300, maxWaitMs: 400 });
    await watcher.ready;
    // Saves every 50 ms for at least 2 s: the debounce alone would wait until they stop.
    let saves = 0;
    for (const started = Date.now(); Date.now() - started < 2000 && saves < 200; saves++) {
      writeFileSync(join(dir, 'flow.yaml'), `save ${saves}`);
      await sleep(50);
    }
    expect(changes).toBeGreaterThan(0);
  });
});

describe('the reloader', () => {
  it('keeps the running config when the swap itself refuses the new one', () => {
    const dir = project(FLOW);
    const running: CompiledConfig = loadConfig(dir, { env });
    const reloader = new Reloader(
      dir,
      () => running,
      () => {
        throw new FerryError('FERRY_CONNECTION_TYPE', 'no target connector for type http');
      },
      { env },
    );
    writeFileSync(join(dir, 'flow.yaml'), FLOW.replace('"ref": name', '"ref": $uppercase(name)'));
    const result = reloader.reload();
    expect(result).toMatchObject({ status: 'rejected', hash: running.hash });
    expect(result.errors.map((e) => e.code)).toEqual(['FERRY_CONNECTION_TYPE']);
    expect(reloader.counts).toEqual({ applied: 0, rejected: 1, unchanged: 0 });
  });

  it('removing every flow file, or the whole folder, is rejected, not applied', () => {
    const dir = project(FLOW);
    const current = loadConfig(dir, { env });
    const applied: CompiledConfig[] = [];
    const reloader = new Reloader(
      dir,
      () => current,
      (next) => applied.push(next),
      { env },
    );
    rmSync(join(dir, 'flow.yaml'));
    rmSync(join(dir, 'connections.yaml'));
    const noFlows = reloader.reload();
    expect(noFlows).toMatchObject({ status: 'rejected', hash: current.hash });
    expect(noFlows.errors.map((e) => e.code)).toEqual(['FERRY_NO_FLOWS']);
    rmSync(dir, { recursive: true });
    expect(reloader.reload().status).toBe('rejected');
    expect(applied).toEqual([]);
  });
});
