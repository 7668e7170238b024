import { afterEach, describe, expect, it } from 'vitest';
import { ChildFerry, partnerFlow } from './watch-harness.js';

let ferry: ChildFerry | undefined;
afterEach(async () => {
  await ferry?.stop();
  ferry = undefined;
});

const FLOW = partnerFlow('orders', 'W');
const versionsOf = (f: ChildFerry, refs: string[]) =>
  f
    .sent('orders')
    .filter((s) => refs.includes(s.ref))
    .map((s) => s.version);

describe('ferry run --watch (the real command)', () => {
  it('prints a rejected edit with file:line:col and keeps running; applies a cutover; sends nothing twice', async () => {
    ferry = await ChildFerry.start({ 'flow.yaml': FLOW }, ['--watch']);
    const f = ferry;
    const first = f.createPartners('W', 1, 5);
    await f.waitFor(() => versionsOf(f, first).length === 5, 'the first records');

    f.write('flow.yaml', FLOW.replace('version: v1', 'version: v3'));
    await f.waitFor(() => f.said('still running the previous configuration').length === 1, 'the rejection');
    expect(f.said('FERRY_UNKNOWN_VERSION')).toEqual([
      expect.stringMatching(/^flow\.yaml:12:12 {2}FERRY_UNKNOWN_VERSION .*"v3"/),
    ]);
    const during = f.createPartners('W', 6, 5);
    await f.waitFor(() => versionsOf(f, during).length === 5, 'records under the previous config');
    expect(versionsOf(f, during)).toEqual(during.map(() => 'v1'));

    f.write('flow.yaml', FLOW.replace('version: v1', 'version: v2'));
    await f.waitFor(() => f.said('reloaded: config').length === 1, 'the cutover');
    expect(f.said('reloaded: config')[0]).toMatch(/^reloaded: config [0-9a-f]{12}$/);
    const after = f.createPartners('W', 11, 5);
    await f.waitFor(() => versionsOf(f, after).length === 5, 'records after the cutover');
    expect(versionsOf(f, after)).toEqual(after.map(() => 'v2'));

    expect(f.sent('orders')).toHaveLength(15);
    expect([...f.threepl.effects().values()]).toEqual(Array.from({ length: 15 }, () => 1));
    expect(await f.counts('orders')).toMatchObject({ delivered: 15, queued: 0, dead: 0 });
  }, 60_000);

  it('without --watch, SIGHUP reloads the edited files', async () => {
    ferry = await ChildFerry.start({ 'flow.yaml': FLOW }, []);
    const f = ferry;
    f.write('flow.yaml', FLOW.replace('version: v1', 'version: v2'));
    f.hangUp();
    await f.waitFor(() => f.said('reloaded: config').length === 1, 'the reload on SIGHUP');
    const refs = f.createPartners('W', 1, 3);
    await f.waitFor(() => versionsOf(f, refs).length === 3, 'records after the reload');
    expect(versionsOf(f, refs)).toEqual(refs.map(() => 'v2'));
  }, 60_000);
});
