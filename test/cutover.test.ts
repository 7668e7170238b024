import { afterEach, describe, expect, it } from 'vitest';
import { InProcessFerry, partnerFlow, type Sent } from './watch-harness.js';

let ferry: InProcessFerry | undefined;
afterEach(async () => {
  await ferry?.stop();
  ferry = undefined;
});

// Retries wait long enough that a record failing before the edit is retried after the reload.
const RETRY = 'delivery: { retry: { attempts: 3, backoff: { initial: 2s, factor: 1, max: 2s } } }\n';

/** The requests the 3PL got per record. */
function byRecord(sent: Sent[]): Map<string, Sent[]> {
  const map = new Map<string, Sent[]>();
  for (const s of sent) map.set(s.ref, [...(map.get(s.ref) ?? []), s]);
  return map;
}

describe('cutover by editing payload.version while records stream', () => {
  it.each([
    ['cutover', 'v1', 'v2'],
    ['rollback', 'v2', 'v1'],
  ])(
    '%s %s → %s: each record gets exactly one version, in-flight ones keep theirs, nothing is resent',
    async (_what, from, to) => {
      ferry = await InProcessFerry.start({ 'flow.yaml': partnerFlow('orders', 'W', from, RETRY) });
      const f = ferry;
      f.threepl.setFaults([{ kind: 'server_error', status: 503, count: 3 }]);

      const before = f.createPartners('W', 1, 10);
      await f.waitFor(() => f.sent('orders').length >= 10, 'the first records, three of them failing');
      const around = f.createPartners('W', 11, 5);
      f.write('flow.yaml', partnerFlow('orders', 'W', to, RETRY));
      around.push(...f.createPartners('W', 16, 5));
      await f.waitFor(() => f.reloader.counts.applied === 1, 'the reload');
      const after = f.createPartners('W', 21, 10);
      const all = [...before, ...around, ...after];
      await f.waitFor(
        async () => (await f.counts('orders')).delivered === all.length,
        'every record delivered',
        15_000,
      );

      const records = byRecord(f.sent('orders'));
      expect([...records.keys()].sort()).toEqual(all);
      for (const [ref, requests] of records) {
        // A retry sends the same bytes: same version, same key, whatever was reloaded in between.
        expect(new Set(requests.map((r) => `${r.version} ${r.key}`)).size, ref).toBe(1);
      }
      const versionOf = (ref: string) => records.get(ref)![0]!.version;
      expect(before.map(versionOf)).toEqual(before.map(() => from));
      expect(after.map(versionOf)).toEqual(after.map(() => to));
      const retried = [...records.values()].filter((requests) => requests.length > 1);
      expect(retried).toHaveLength(3);
      expect(retried.every((requests) => requests.every((r) => r.version === from))).toBe(true);

      expect([...f.threepl.effects().values()]).toEqual(all.map(() => 1));
      expect(await f.counts('orders')).toMatchObject({ delivered: all.length, dead: 0, queued: 0 });

      // Reading every record again under the new version sends nothing: the key has no version in it.
      const requests = f.sent('orders').length;
      const skipped = f.engine.handoffStats.skipped;
      await f.waitFor(async () => {
        if (f.engine.handoffStats.skipped - skipped >= all.length) return true;
        await f.store.setCursor('orders', ''); // again, in case a poll in progress stored its own
        return false;
      }, 'a replay of every record');
      expect(f.engine.handoffStats.added).toBe(all.length);
      expect(f.sent('orders')).toHaveLength(requests);
    },
    30_000,
  );
});

describe('removing a flow from the files', () => {
  it('stops taking new work for it and keeps its queued jobs until it comes back', async () => {
    const returns = partnerFlow('returns', 'R');
    ferry = await InProcessFerry.start({
      'orders.yaml': partnerFlow('orders', 'W'),
      'returns.yaml': returns,
    });
    const f = ferry;
    // Slow returns, four deliveries at a time: most of them are still queued when the flow goes.
    f.threepl.setFaults([{ kind: 'latency', ms: 300, path: '/v1/returns' }]);
    const queuedBefore = f.createPartners('R', 1, 20);
    await f.waitFor(() => f.sent('returns').length >= 2, 'returns in flight');
    f.write('returns.yaml', undefined);
    await f.waitFor(() => f.reloader.counts.applied === 1, 'the reload without returns');
    await f.waitFor(async () => (await f.counts('returns')).leased === 0, 'in-flight returns to finish');

    const kept = await f.counts('returns');
    expect(kept.queued).toBeGreaterThan(0);
    expect(kept).toMatchObject({ dead: 0, cancelled: 0, delivered: 20 - kept.queued });
    const sentWhenRemoved = f.sent('returns').length;

    // New returns are not picked up, while the remaining flow goes on.
    f.createPartners('R', 21, 3);
    const orders = f.createPartners('W', 1, 3);
    await f.waitFor(() => f.sent('orders').length === orders.length, 'orders to flow on');
    await f.waitFor(async () => (await f.counts('orders')).delivered === orders.length, 'orders delivered');
    expect(await f.counts('returns')).toEqual(kept);
    expect(f.sent('returns')).toHaveLength(sentWhenRemoved);

    // Bringing the flow back delivers what was kept, and what came in meanwhile, once each.
    f.threepl.clearFaults();
    f.write('returns.yaml', returns);
    await f.waitFor(
      async () => (await f.counts('returns')).delivered === 23,
      'the kept and the new returns delivered',
      15_000,
    );
    const refs = f.sent('returns').map((s) => s.ref);
    expect(new Set(refs).size).toBe(refs.length);
    expect(refs.filter((ref) => queuedBefore.includes(ref))).toHaveLength(20);
  }, 30_000);
});
