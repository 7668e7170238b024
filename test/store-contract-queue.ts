/**
 * Behaviour every store adapter must have, part 1: the job queue, the ledger and cursors. Each adapter's
 * test file runs it with a function opening a fresh, empty store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../engine/store/port.js';
import { newJob } from './store-job-data.js';

const ERROR = { code: 'FERRY_HTTP_SERVER', message: 'endpoint answered 503', statusCode: 503 };

export type OpenStore = () => Promise<Store>;

export function describeQueueContract(adapter: string, openStore: OpenStore): void {
  const opened: Store[] = [];
  const open = async (): Promise<Store> => {
    const store = await openStore();
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  describe(`${adapter}: enqueue`, () => {
    it('skips keys already queued, delivered (ledger) or dead, and duplicates within one batch', async () => {
      const store = await open();
      expect(await store.enqueue([newJob(1), newJob(2), newJob(3), newJob(1)])).toEqual({
        added: 3,
        skipped: 1,
      });

      const [a, b] = await store.lease('w1', 2, 60_000, 1_000);
      await store.complete(a!.id, { status: 201 });
      await store.deadLetter(b!.id, { error: ERROR, attempts: 3 });

      // Re-poll of all three (queued, delivered, dead) plus one new record.
      const again = [
        newJob(1, { correlationId: 'x1' }),
        newJob(2, { correlationId: 'x2' }),
        newJob(3),
        newJob(4),
      ];
      expect(await store.enqueue(again)).toEqual({ added: 1, skipped: 3 });
      expect(await store.counts()).toEqual({ queued: 2, leased: 0, delivered: 1, dead: 1, cancelled: 0 });
    });
  });

  describe(`${adapter}: lease`, () => {
    it('leases due jobs oldest first, and only for the flows asked', async () => {
      const store = await open();
      await store.enqueue([
        newJob(1, { notBefore: 300 }),
        newJob(2, { notBefore: 100 }),
        newJob(3, { notBefore: 5_000 }),
        newJob(4, { notBefore: 200, flow: 'invoices', idempotencyKey: 'invoice:4' }),
      ]);
      expect(await store.lease('w1', 10, 60_000, 1_000, ['invoices'])).toMatchObject([{ recordId: 4 }]);
      const leased = await store.lease('w1', 10, 60_000, 1_000);
      expect(leased.map((j) => j.recordId)).toEqual([2, 1]);
      expect(leased[0]).toMatchObject({
        status: 'leased',
        leaseOwner: 'w1',
        leaseUntil: 61_000,
        attempts: 0,
      });
    });

    it('lets another owner take over a lease once it expired, not before', async () => {
      const store = await open();
      await store.enqueue([newJob(1)]);
      const [first] = await store.lease('crashed', 5, 1_000, 10_000);
      expect(await store.lease('w2', 5, 1_000, 10_999)).toEqual([]);
      const [taken] = await store.lease('w2', 5, 1_000, 11_000);
      expect(taken).toMatchObject({ id: first!.id, leaseOwner: 'w2', leaseUntil: 12_000 });

      // The crashed owner releasing its leases on the way out does not touch w2's lease.
      expect(await store.releaseLeases('crashed')).toBe(0);
      expect(await store.releaseLeases('w2')).toBe(1);
      expect(await store.getJob(first!.id)).toMatchObject({ status: 'queued', attempts: 0 });
      expect((await store.getJob(first!.id))?.leaseOwner).toBeUndefined();
    });

    it('takes expired leases and due jobs together, oldest first, up to the limit', async () => {
      const store = await open();
      await store.enqueue([newJob(1, { notBefore: 10 }), newJob(2, { notBefore: 20 })]);
      await store.lease('crashed', 2, 1_000, 100); // both leased until 1_100
      await store.enqueue([newJob(3, { notBefore: 15 }), newJob(4, { notBefore: 30 })]);

      const taken = await store.lease('w2', 3, 1_000, 2_000);
      expect(taken.map((j) => [j.recordId, j.leaseOwner])).toEqual([
        [1, 'w2'],
        [3, 'w2'],
        [2, 'w2'],
      ]);
      expect(await store.lease('w2', 3, 1_000, 2_000)).toMatchObject([{ recordId: 4 }]);
    });

    it('keeps the attempt count across a lease takeover', async () => {
      const store = await open();
      await store.enqueue([newJob(1)]);
      const [job] = await store.lease('crashed', 1, 1_000, 10_000);
      await store.beginAttempt(job!.id, 1);
      const [again] = await store.lease('w2', 1, 1_000, 20_000);
      expect(again?.attempts).toBe(1);
    });
  });

  describe(`${adapter}: beginAttempt`, () => {
    it('counts the attempt and keeps the first payload and version; later calls get them back', async () => {
      const store = await open();
      await store.enqueue([newJob(1)]);
      const [job] = await store.lease('w1', 1, 60_000, 1_000);
      expect(await store.beginAttempt(job!.id, 1)).toBeUndefined();
      expect(await store.beginAttempt(job!.id, 1, { version: 'v2', payload: '{"a":1}' })).toEqual({
        version: 'v2',
        payload: '{"a":1}',
      });
      expect(await store.beginAttempt(job!.id, 2, { version: 'v3', payload: '{"a":2}' })).toEqual({
        version: 'v2',
        payload: '{"a":1}',
      });
      expect(await store.beginAttempt(job!.id, 3)).toEqual({ version: 'v2', payload: '{"a":1}' });
      expect(await store.getJob(job!.id)).toMatchObject({ version: 'v2', payload: '{"a":1}', attempts: 3 });
    });

    it('no longer counts attempts once the job is delivered', async () => {
      const store = await open();
      await store.enqueue([newJob(1)]);
      const [job] = await store.lease('w1', 1, 60_000, 1_000);
      await store.beginAttempt(job!.id, 1, { version: 'v2', payload: '{}' });
      await store.complete(job!.id, { status: 201 });
      await store.beginAttempt(job!.id, 2);
      expect(await store.getJob(job!.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    });

    it('rejects an unknown job with FERRY_NOT_FOUND', async () => {
      const store = await open();
      await expect(store.beginAttempt(999, 1, { version: 'v2', payload: '{}' })).rejects.toMatchObject({
        code: 'FERRY_NOT_FOUND',
      });
    });
  });

  describe(`${adapter}: retryLater`, () => {
    it('requeues with the error and attempts, not leasable before notBefore', async () => {
      const store = await open();
      await store.enqueue([newJob(1)]);
      const [job] = await store.lease('w1', 1, 60_000, 1_000);
      await store.retryLater(job!.id, { notBefore: 3_600_000, error: ERROR, attempts: 1 });

      expect(await store.getJob(job!.id)).toMatchObject({ status: 'queued', attempts: 1, lastError: ERROR });
      expect(await store.lease('w1', 1, 60_000, 3_599_999)).toEqual([]);
      expect(await store.lease('w1', 1, 60_000, 3_600_000)).toMatchObject([{ id: job!.id, attempts: 1 }]);
    });

    it('never reverts a delivered job', async () => {
      const store = await open();
      await store.enqueue([newJob(1)]);
      const [job] = await store.lease('w1', 1, 60_000, 1_000);
      await store.complete(job!.id, { status: 200 });
      await store.retryLater(job!.id, { notBefore: 0, error: ERROR, attempts: 2 });
      expect(await store.getJob(job!.id)).toMatchObject({ status: 'delivered' });
    });
  });

  describe(`${adapter}: complete`, () => {
    it('marks delivered and writes the ledger entry', async () => {
      const store = await open();
      await store.enqueue([newJob(1), newJob(2)]);
      const [job] = await store.lease('w1', 1, 60_000, 1_000);
      await store.beginAttempt(job!.id, 1, { version: 'v2', payload: '{}' });
      await store.complete(job!.id, {
        status: 201,
        response: '{"shipment_id":"S-1"}',
        externalId: 'S-1',
        at: 5,
      });

      expect(await store.getJob(job!.id)).toMatchObject({ status: 'delivered' });
      expect(await store.ledgerGet('shipment:1')).toEqual({
        idempotencyKey: 'shipment:1',
        sentKey: 'shipment:1',
        correlationId: 'corr-1',
        flow: 'shipment-to-3pl',
        model: 'stock.picking',
        recordId: 1,
        recordName: 'WH/OUT/00001',
        version: 'v2',
        responseStatus: 201,
        responseExcerpt: '{"shipment_id":"S-1"}',
        externalId: 'S-1',
        completedAt: 5,
      });
      expect(await store.ledgerHas(['shipment:1', 'shipment:2', 'nope'])).toEqual(new Set(['shipment:1']));
      expect(await store.ledgerHas([])).toEqual(new Set());
    });

    it('appends the attempt event in the same transaction, before the delivery in the trace', async () => {
      const store = await open();
      await store.enqueue([newJob(1)]);
      const [job] = await store.lease('w1', 1, 60_000);
      await store.beginAttempt(job!.id, 1, { version: 'v2', payload: '{}' });
      const attempt = { correlationId: 'corr-1', flow: 'shipment-to-3pl', kind: 'attempt', attempt: 1 };
      await store.complete(job!.id, { status: 201 }, [{ ...attempt, status: 201 }]);
      expect((await store.trace('corr-1')).map((e) => [e.kind, e.attempt, e.status])).toEqual([
        ['queued', undefined, undefined],
        ['attempt', 1, 201],
        ['delivered', 1, 201],
      ]);

      // An unknown job: nothing of the call is kept, the attempt event neither.
      await expect(store.complete(999, { status: 201 }, [attempt])).rejects.toMatchObject({
        code: 'FERRY_NOT_FOUND',
      });
      expect(await store.trace('corr-1')).toHaveLength(3);
    });

    it('completeMany applies all or none', async () => {
      const store = await open();
      await store.enqueue([newJob(1), newJob(2)]);
      const [a, b] = await store.lease('w1', 2, 60_000, 1_000);
      const items = [
        { jobId: a!.id, outcome: { status: 200 } },
        { jobId: 999, outcome: { status: 200 } },
      ];
      await expect(store.completeMany(items)).rejects.toMatchObject({ code: 'FERRY_NOT_FOUND' });
      expect(await store.ledgerHas(['shipment:1'])).toEqual(new Set());

      await store.completeMany([
        { jobId: a!.id, outcome: { status: 200 } },
        { jobId: b!.id, outcome: { status: 201 } },
      ]);
      expect(await store.counts('shipment-to-3pl')).toMatchObject({ delivered: 2, leased: 0 });
    });

    it('is idempotent when a late owner completes a job again', async () => {
      const store = await open();
      await store.enqueue([newJob(1)]);
      const [job] = await store.lease('w1', 1, 60_000, 1_000);
      await store.complete(job!.id, { status: 201, at: 1 });
      const lateAttempt = { correlationId: 'corr-1', flow: 'shipment-to-3pl', kind: 'attempt', status: 200 };
      await store.complete(job!.id, { status: 200, at: 2 }, [lateAttempt]);
      expect(await store.ledgerGet('shipment:1')).toMatchObject({ responseStatus: 201, completedAt: 1 });
      // The late attempt is still an observation worth tracing; the job is delivered once.
      expect((await store.trace('corr-1')).map((e) => e.kind).sort()).toEqual([
        'attempt',
        'delivered',
        'queued',
      ]);
    });
  });

  describe(`${adapter}: cancel and counts`, () => {
    it('cancels only active jobs and a cancelled key is not enqueued again', async () => {
      const store = await open();
      await store.enqueue([newJob(1), newJob(2), newJob(3, { flow: 'other', idempotencyKey: 'o:3' })]);
      const [first] = await store.lease('w1', 1, 60_000, 1_000);
      await store.complete(first!.id, { status: 200 });
      const all = [first!.id, first!.id + 1];
      expect(await store.cancel(all)).toBe(1);
      expect(await store.enqueue([newJob(2)])).toEqual({ added: 0, skipped: 1 });
      expect(await store.counts('shipment-to-3pl')).toEqual({
        queued: 0,
        leased: 0,
        delivered: 1,
        dead: 0,
        cancelled: 1,
      });
      expect((await store.counts()).queued).toBe(1);
    });
  });
}
