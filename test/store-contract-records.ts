/**
 * Behaviour every store adapter must have, part 2: dead letters, requeue, the event log and secret
 * masking. Each adapter's test file runs it with a function opening a fresh, empty store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { clearSecretValues, registerSecretValue } from '../engine/log/redact.js';
import { effectiveKey, type Store } from '../engine/store/port.js';
import type { OpenStore } from './store-contract-queue.js';
import { newJob } from './store-job-data.js';

const REJECTED = { code: 'FERRY_HTTP_REJECTED', message: 'endpoint answered 400', statusCode: 400 };

/** Enqueues, leases, freezes and dead-letters record `id`; returns the job and dead-letter IDs. */
async function deadLettered(store: Store, id: number, flow = 'shipment-to-3pl') {
  await store.enqueue([newJob(id, { flow, idempotencyKey: `${flow}:${id}` })]);
  const [job] = await store.lease('w1', 1, 60_000, 1_000, [flow]);
  await store.beginAttempt(job!.id, 3, { version: 'v2', payload: `{"id":${id}}` });
  const letterId = await store.deadLetter(job!.id, {
    error: REJECTED,
    attempts: 3,
    responseStatus: 400,
    responseBody: '{"error":"bad sku"}',
    at: 2_000 + id,
  });
  return { jobId: job!.id, letterId: letterId! };
}

export function describeRecordsContract(adapter: string, openStore: OpenStore): void {
  const opened: Store[] = [];
  const open = async (): Promise<Store> => {
    const store = await openStore();
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    clearSecretValues();
    for (const store of opened.splice(0)) await store.close();
  });

  describe(`${adapter}: deadLetter`, () => {
    it('marks the job dead and keeps everything an operator needs', async () => {
      const store = await open();
      const { jobId, letterId } = await deadLettered(store, 7);

      expect(await store.getJob(jobId)).toMatchObject({ status: 'dead', attempts: 3, lastError: REJECTED });
      expect(await store.getDeadLetter(letterId)).toEqual({
        id: letterId,
        jobId,
        flow: 'shipment-to-3pl',
        model: 'stock.picking',
        recordId: 7,
        recordName: 'WH/OUT/00007',
        correlationId: 'corr-7',
        idempotencyKey: 'shipment-to-3pl:7',
        version: 'v2',
        payload: '{"id":7}',
        errorCode: 'FERRY_HTTP_REJECTED',
        errorMessage: 'endpoint answered 400',
        error: REJECTED,
        attempts: 3,
        responseStatus: 400,
        responseBody: '{"error":"bad sku"}',
        createdAt: 2_007,
        surfacedAt: undefined,
        requeuedAt: undefined,
      });
      expect(await store.getDeadLetter(letterId + 1)).toBeUndefined();
    });

    it('keeps the rendered payload of a contract failure that was never frozen', async () => {
      const store = await open();
      await store.enqueue([newJob(1)]);
      const [job] = await store.lease('w1', 1, 60_000, 1_000);
      const contract = {
        code: 'FERRY_CONTRACT',
        message: 'lines[0].qty must be number',
        errors: ['/lines/0/qty'],
      };
      const id = await store.deadLetter(job!.id, {
        error: contract,
        attempts: 0,
        payload: '{"lines":[{}]}',
        version: 'v3',
      });
      expect(await store.getDeadLetter(id!)).toMatchObject({
        payload: '{"lines":[{}]}',
        version: 'v3',
        error: contract,
      });
    });

    it('returns the open dead letter when called twice, and nothing for a delivered job', async () => {
      const store = await open();
      const { jobId, letterId } = await deadLettered(store, 1);
      expect(await store.deadLetter(jobId, { error: REJECTED, attempts: 3 })).toBe(letterId);
      expect(await store.listDeadLetters()).toHaveLength(1);

      await store.enqueue([newJob(2)]);
      const [job] = await store.lease('w1', 1, 60_000, 1_000);
      await store.complete(job!.id, { status: 200 });
      expect(await store.deadLetter(job!.id, { error: REJECTED, attempts: 1 })).toBeUndefined();
    });

    it('masks registered secret values in error, body and payload copies', async () => {
      registerSecretValue('tok-SECRET-123');
      const store = await open();
      await store.enqueue([newJob(1)]);
      const [job] = await store.lease('w1', 1, 60_000, 1_000);
      const id = await store.deadLetter(job!.id, {
        error: { code: 'FERRY_HTTP_UNAUTHORIZED', message: 'Bearer tok-SECRET-123 refused' },
        attempts: 1,
        responseBody: 'echo: tok-SECRET-123',
        payload: '{"token":"tok-SECRET-123"}',
      });
      const letter = JSON.stringify(await store.getDeadLetter(id!));
      const trace = JSON.stringify(await store.trace('corr-1'));
      expect(letter).not.toContain('tok-SECRET-123');
      expect(trace).not.toContain('tok-SECRET-123');
      expect(letter).toContain('[redacted]');
    });
  });

  describe(`${adapter}: listDeadLetters and markSurfaced`, () => {
    it('lists open dead letters newest first, by flow and with a limit', async () => {
      const store = await open();
      await deadLettered(store, 1);
      await deadLettered(store, 2, 'invoices');
      await deadLettered(store, 3);
      expect((await store.listDeadLetters()).map((d) => d.recordId)).toEqual([3, 2, 1]);
      expect((await store.listDeadLetters({ flow: 'shipment-to-3pl' })).map((d) => d.recordId)).toEqual([
        3, 1,
      ]);
      expect(await store.listDeadLetters({ limit: 1 })).toHaveLength(1);
    });

    it('records when a dead letter was posted on the record, once', async () => {
      const store = await open();
      const { letterId } = await deadLettered(store, 1);
      await store.markSurfaced(letterId, 5_000);
      await store.markSurfaced(letterId, 6_000);
      expect(await store.getDeadLetter(letterId)).toMatchObject({ surfacedAt: 5_000 });
      const other = await deadLettered(store, 2);
      expect((await store.listDeadLetters({ surfaced: false })).map((d) => d.id)).toEqual([other.letterId]);
      expect((await store.listDeadLetters({ surfaced: true })).map((d) => d.id)).toEqual([letterId]);
      expect((await store.trace('corr-1')).filter((e) => e.kind === 'surfaced')).toHaveLength(1);
      await expect(store.markSurfaced(letterId + 100)).rejects.toMatchObject({ code: 'FERRY_NOT_FOUND' });
    });
  });

  describe(`${adapter}: requeue`, () => {
    it('without rerender sends the same bytes with the same key, attempts reset', async () => {
      const store = await open();
      const { jobId, letterId } = await deadLettered(store, 1);
      expect(await store.requeue({ ids: [letterId] }, { rerender: false })).toBe(1);

      const job = await store.getJob(jobId);
      expect(job).toMatchObject({
        status: 'queued',
        attempts: 0,
        payload: '{"id":1}',
        version: 'v2',
        keyRevision: 0,
      });
      expect(job?.lastError).toBeUndefined();
      expect(effectiveKey(job!)).toBe('shipment-to-3pl:1');
      expect(await store.listDeadLetters()).toEqual([]);
      expect(await store.listDeadLetters({ includeRequeued: true })).toMatchObject([{ id: letterId }]);
      expect(await store.lease('w2', 5, 60_000)).toMatchObject([{ id: jobId }]);
    });

    it('with rerender clears the frozen payload and bumps the key revision', async () => {
      const store = await open();
      const { jobId, letterId } = await deadLettered(store, 1);
      await store.requeue({ ids: [letterId] }, { rerender: true });

      const job = await store.getJob(jobId);
      expect(job).toMatchObject({ status: 'queued', attempts: 0, keyRevision: 1 });
      expect(job?.payload).toBeUndefined();
      expect(effectiveKey(job!)).toBe('shipment-to-3pl:1#r1');

      // Delivered after the rerender: the ledger keeps the business key and records the key sent.
      await store.lease('w1', 1, 60_000);
      await store.beginAttempt(jobId, 1, { version: 'v3', payload: '{"id":1,"fixed":true}' });
      await store.complete(jobId, { status: 201 });
      expect(await store.ledgerGet('shipment-to-3pl:1')).toMatchObject({
        sentKey: 'shipment-to-3pl:1#r1',
        version: 'v3',
      });
    });

    it('by flow and all; a dead letter dying again gets a new row', async () => {
      const store = await open();
      await deadLettered(store, 1);
      await deadLettered(store, 2, 'invoices');
      await deadLettered(store, 3);
      expect(await store.requeue({ flow: 'shipment-to-3pl' }, { rerender: false })).toBe(2);
      expect((await store.listDeadLetters()).map((d) => d.recordId)).toEqual([2]);
      expect(await store.requeue({ all: true }, { rerender: false })).toBe(1);
      expect(await store.requeue({ all: true }, { rerender: false })).toBe(0);

      const [job] = await store.lease('w1', 1, 60_000, Date.now(), ['invoices']);
      const again = await store.deadLetter(job!.id, { error: REJECTED, attempts: 1 });
      expect((await store.listDeadLetters()).map((d) => d.id)).toEqual([again]);
    });

    it('refuses an empty selector', async () => {
      const store = await open();
      await expect(store.requeue({}, { rerender: false })).rejects.toMatchObject({ code: 'FERRY_USAGE' });
      await expect(store.requeue({ ids: [] }, { rerender: false })).rejects.toMatchObject({
        code: 'FERRY_USAGE',
      });
    });
  });

  describe(`${adapter}: cursors`, () => {
    it('advances the cursor together with the enqueued records, or not at all', async () => {
      const store = await open();
      expect(await store.getCursor('shipment-to-3pl')).toBeUndefined();
      expect(await store.enqueueAndSetCursor('shipment-to-3pl', [newJob(1), newJob(2)], '{"id":2}')).toEqual({
        added: 2,
        skipped: 0,
      });
      expect(await store.getCursor('shipment-to-3pl')).toBe('{"id":2}');

      // A record that cannot be stored (no source) aborts the whole hand-over.
      const broken = newJob(4, { source: undefined as unknown as string });
      await expect(
        store.enqueueAndSetCursor('shipment-to-3pl', [newJob(3), broken], '{"id":4}'),
      ).rejects.toMatchObject({ code: 'FERRY_STORE' });
      expect(await store.getCursor('shipment-to-3pl')).toBe('{"id":2}');
      expect((await store.counts()).queued).toBe(2);

      await store.setCursor('shipment-to-3pl', '{"id":9}');
      expect(await store.getCursor('shipment-to-3pl')).toBe('{"id":9}');
    });
  });

  describe(`${adapter}: trace`, () => {
    it('finds every event of a correlation ID, or of every delivery of a record name, in time order', async () => {
      const store = await open();
      await store.enqueue([newJob(1, { idempotencyKey: 'k1', correlationId: 'c1' })], 100);
      const [job] = await store.lease('w1', 1, 60_000, 1_000);
      await store.appendEvents([
        { correlationId: 'c1', flow: 'shipment-to-3pl', kind: 'attempt', attempt: 1, status: 503, at: 200 },
      ]);
      await store.retryLater(job!.id, {
        notBefore: 0,
        error: { code: 'FERRY_HTTP_SERVER', message: '503', statusCode: 503 },
        attempts: 1,
        at: 300,
      });
      await store.appendEvents([
        { correlationId: 'c1', flow: 'shipment-to-3pl', kind: 'attempt', attempt: 2, status: 201, at: 400 },
      ]);
      await store.complete(job!.id, { status: 201, at: 500 });
      // The same record changes and is delivered again under a new key and correlation ID.
      await store.enqueue([newJob(1, { idempotencyKey: 'k1-changed', correlationId: 'c2' })], 600);
      await store.enqueue([newJob(2, { correlationId: 'other' })], 700);

      const byId = await store.trace('c1');
      expect(byId.map((e) => [e.kind, e.at])).toEqual([
        ['queued', 100],
        ['attempt', 200],
        ['retry_scheduled', 300],
        ['attempt', 400],
        ['delivered', 500],
      ]);
      expect(byId[2]).toMatchObject({
        errorCode: 'FERRY_HTTP_SERVER',
        attempt: 1,
        record: 'stock.picking/1',
      });

      const byName = await store.trace('WH/OUT/00001');
      expect(byName.map((e) => e.correlationId)).toEqual(['c1', 'c1', 'c1', 'c1', 'c1', 'c2']);
      expect(await store.trace('nothing-like-this')).toEqual([]);
    });
  });

  describe(`${adapter}: operations issued together`, () => {
    it('settle independently: a failing one changes nothing, the others are committed', async () => {
      const store = await open();
      await store.enqueue([newJob(1), newJob(2)]);
      const [a, b] = await store.lease('w1', 2, 60_000, 1_000);
      const broken = newJob(4, { source: undefined as unknown as string });
      const results = await Promise.allSettled([
        store.complete(a!.id, { status: 201 }),
        store.enqueue([newJob(3), broken]),
        store.complete(b!.id, { status: 201 }),
        store.setCursor('shipment-to-3pl', '{"id":2}'),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect(await store.counts()).toMatchObject({ delivered: 2, queued: 0 });
      expect(await store.getCursor('shipment-to-3pl')).toBe('{"id":2}');
    });
  });
}
