import { afterEach, describe, expect, it } from 'vitest';
import { InProcessFerry, THREEPL_TOKEN, partnerFlow } from './watch-harness.js';
import { startThreePlSimulator } from '../sandbox/threepl/simulator.js';

let ferry: InProcessFerry | undefined;
afterEach(async () => {
  await ferry?.stop();
  ferry = undefined;
});

const FLOW = partnerFlow('orders', 'W');
const STILL_RUNNING = 'config rejected; still running the previous configuration';

/** How many of these records reached the 3PL with `version`. */
const deliveredWith = (f: InProcessFerry, refs: string[], version: string) =>
  f.sent('orders').filter((s) => refs.includes(s.ref) && s.version === version).length;

describe('watching the flow files', () => {
  it('keeps running the previous config on every kind of invalid edit, and says where each error is', async () => {
    ferry = await InProcessFerry.start({ 'flow.yaml': FLOW });
    const f = ferry;
    const running = f.engine.currentConfig.hash;
    const broken: [string, string, RegExp][] = [
      [
        'broken YAML',
        FLOW.replace('fields: [name]', 'fields: [name'),
        /flow\.yaml:\d+:\d+ {2}FERRY_YAML_SYNTAX/,
      ],
      [
        'JSONata syntax error',
        FLOW.replace('"v2", "ref": name }', '"v2", "ref": $uppercase(name }'),
        /flow\.yaml:15:\d+ {2}FERRY_JSONATA_SYNTAX/,
      ],
      [
        'unknown version',
        FLOW.replace('version: v1', 'version: v3'),
        /flow\.yaml:12:12 {2}FERRY_UNKNOWN_VERSION .*"v3"/,
      ],
      [
        'missing schema file',
        FLOW.replace('v2: { schema: contract.json', 'v2: { schema: missing.json'),
        /flow\.yaml:15:\d+ {2}FERRY_FILE_NOT_FOUND .*missing\.json/,
      ],
    ];
    let partner = 1;
    for (const [what, text, error] of broken) {
      const rejectedBefore = f.reloader.counts.rejected;
      f.write('flow.yaml', text);
      await f.waitFor(() => f.reloader.counts.rejected > rejectedBefore, `the rejection of the ${what}`);
      expect(
        f.errorLines().some((line) => error.test(line)),
        `${what}:\n${f.errorLines().join('\n')}`,
      ).toBe(true);
      expect(f.engine.currentConfig.hash).toBe(running);
      // The previous config still runs: a new record is delivered with it.
      const refs = f.createPartners('W', partner++, 1);
      await f.waitFor(() => deliveredWith(f, refs, 'v1') === 1, `a delivery after the ${what}`);
    }
    expect(f.reloader.counts).toEqual({ applied: 0, rejected: 4, unchanged: 0 });
    const rejections = f.log.messages(STILL_RUNNING);
    expect(rejections).toHaveLength(4);
    expect(rejections.every((line) => line.hash === running && line.level === 50)).toBe(true);

    // Mending the file applies it.
    f.write('flow.yaml', FLOW.replace('version: v1', 'version: v2'));
    await f.waitFor(() => f.reloader.counts.applied === 1, 'the mended config');
    const refs = f.createPartners('W', partner, 1);
    await f.waitFor(() => deliveredWith(f, refs, 'v2') === 1, 'a delivery with the mended config');
    expect(f.log.messages('config reloaded')).toEqual([
      expect.objectContaining({ reload: 'applied', hash: f.engine.currentConfig.hash }),
    ]);
  });

  it('ten saves within the debounce window cause one reload, of the last content', async () => {
    ferry = await InProcessFerry.start({ 'flow.yaml': FLOW });
    const f = ferry;
    for (let save = 1; save <= 10; save++)
      f.write('flow.yaml', FLOW.replace('"v1", "ref": name', `"v1", "ref": name & "/${save}"`));
    await f.waitFor(() => f.reloads.length === 1, 'the reload of the burst');
    // A marker edit afterwards: a reload the burst still owed would come before the marker's.
    f.write('flow.yaml', FLOW.replace('"v1", "ref": name', '"v1", "ref": name & "/marker"'));
    await f.waitFor(() => f.reloads.length >= 2, 'the reload of the marker edit');
    expect(f.reloads.map((r) => r.status)).toEqual(['applied', 'applied']);

    const [name] = f.createPartners('W', 1, 1);
    await f.waitFor(() => f.sent('orders').length === 1, 'a delivery with the marker config');
    expect(f.sent('orders')[0]!.ref).toBe(`${name}/marker`);
  });

  it('a save that changes nothing, or touches an unrelated file, applies nothing', async () => {
    ferry = await InProcessFerry.start({ 'flow.yaml': FLOW });
    const f = ferry;
    const running = f.engine.currentConfig;
    f.write('flow.yaml', FLOW);
    await f.waitFor(() => f.reloads.length === 1, 'the reload check');
    f.write('notes.txt', 'not part of the config');
    await f.waitFor(() => f.reloads.length === 2, 'the second reload check');
    expect(f.reloads.map((r) => r.status)).toEqual(['unchanged', 'unchanged']);
    expect(f.engine.currentConfig).toBe(running);
    expect(f.log.messages('config reloaded')).toEqual([]);
  });

  it('an edited connection takes effect: deliveries go to the new endpoint', async () => {
    ferry = await InProcessFerry.start({ 'flow.yaml': FLOW });
    const f = ferry;
    const moved = await startThreePlSimulator({ token: THREEPL_TOKEN });
    try {
      const before = f.createPartners('W', 1, 2);
      await f.waitFor(() => deliveredWith(f, before, 'v1') === 2, 'deliveries to the first endpoint');
      f.write('connections.yaml', f.read('connections.yaml').replace(f.threepl.url, moved.url));
      await f.waitFor(() => f.reloader.counts.applied === 1, 'the reload of the connection');
      f.createPartners('W', 3, 2);
      await f.waitFor(() => moved.received.length === 2, 'deliveries to the new endpoint');
      expect(f.threepl.received).toHaveLength(2);
    } finally {
      await moved.close();
    }
  });
});
