/**
 * Write-back after delivery, batched: a real Odoo costs ~10 ms a call, so outcomes are collected for a
 * short while and written per model in as few calls as the sink can manage.
 */
import type { FlowConfig } from '../config/compiled.js';
import { isFerryError } from '../errors.js';
import { log } from '../log/logger.js';
import { redact } from '../log/redact.js';
import type { Job, Store } from '../store/port.js';
import { recordRef } from '../store/port.js';
import type { HttpResponse } from '../../connectors/http/types.js';
import { evaluateExpression } from './expression-shortcuts.js';
import type { RecordSink, WriteBackItem } from './ports.js';

interface Pending {
  sink: RecordSink;
  model: string;
  flow: string;
  items: (WriteBackItem & { job: Job })[];
  /** Writes of this batch tried so far (an Odoo outage is waited out, a few minutes at most). */
  attempts: number;
}

/** 1 s, 2 s, 4 s … 60 s: about five minutes of Odoo outage before a write-back is given up. */
const MAX_ATTEMPTS = 9;
const retryDelayMs = (attempts: number) => Math.min(60_000, 1000 * 2 ** (attempts - 1));

export class WriteBackBatcher {
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Batches waiting to be written again after a transient failure. */
  private readonly retrying = new Map<Pending, NodeJS.Timeout>();

  constructor(
    private readonly store: Store,
    private readonly options: { maxBatch: number; maxDelayMs: number } = { maxBatch: 200, maxDelayMs: 200 },
  ) {}

  /** Evaluates the flow's write_back expressions for a delivered job and queues the values. */
  async add(
    flow: FlowConfig,
    sink: RecordSink,
    job: Job,
    response: HttpResponse,
    version: string,
  ): Promise<void> {
    if (flow.writeBack.size === 0) return;
    const bindings = {
      flow: flow.name,
      version,
      correlation_id: job.correlationId,
      response: { status: response.status, body: response.body, headers: response.headers },
    };
    const record = JSON.parse(job.source) as unknown;
    const values: Record<string, unknown> = {};
    for (const [field, expression] of flow.writeBack) {
      try {
        const value = await evaluateExpression(expression, record, bindings, `write_back.${field}`);
        values[field] = value === undefined ? false : value;
      } catch (err) {
        log().warn(
          { flow: flow.name, field, err: redact((err as Error).message) },
          'write-back value failed',
        );
      }
    }
    const key = `${flow.name}|${flow.source.model}`;
    const batch = this.pending.get(key) ?? {
      sink,
      model: flow.source.model,
      flow: flow.name,
      items: [],
      attempts: 0,
    };
    batch.items.push({ recordId: job.recordId, values, job });
    this.pending.set(key, batch);
    if (batch.items.length >= this.options.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.options.maxDelayMs);
  }

  /** Writes everything pending, retries included, now; resolves when written (or failed and logged). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batches = [...this.pending.values(), ...this.retrying.keys()];
    for (const timer of this.retrying.values()) clearTimeout(timer);
    this.retrying.clear();
    this.pending.clear();
    this.flushing = this.flushing.then(() =>
      Promise.all(batches.map((b) => this.write(b))).then(() => undefined),
    );
    return this.flushing;
  }

  private async write(batch: Pending): Promise<void> {
    let failed = new Map<number, string>();
    batch.attempts++;
    try {
      const result = await batch.sink.writeBack(batch.model, batch.items);
      failed = new Map(result.failed.map((f) => [f.recordId, f.error]));
    } catch (err) {
      if (isFerryError(err) && err.retryable && batch.attempts < MAX_ATTEMPTS) {
        // Odoo is down or restarting: the delivery is done, its outcome waits to be written.
        const delay = retryDelayMs(batch.attempts);
        log().warn(
          { flow: batch.flow, records: batch.items.length, retryInMs: delay, err: redact(err.message) },
          'write-back postponed',
        );
        this.retrying.set(
          batch,
          // unref: a postponed write-back never keeps a stopping process alive; stop() tries it once more.
          setTimeout(() => {
            this.retrying.delete(batch);
            void this.write(batch);
          }, delay).unref(),
        );
        return;
      }
      failed = new Map(batch.items.map((i) => [i.recordId, (err as Error).message]));
    }
    await this.store.appendEvents(
      batch.items.map(({ job, recordId }) => ({
        correlationId: job.correlationId,
        flow: batch.flow,
        record: recordRef(job),
        recordName: job.recordName,
        kind: failed.has(recordId) ? 'write_back_failed' : 'written_back',
        message: failed.has(recordId) ? redact(failed.get(recordId)!) : undefined,
      })),
    );
    if (failed.size > 0)
      log().warn({ flow: batch.flow, failed: failed.size }, 'write-back failed for some records');
  }
}
