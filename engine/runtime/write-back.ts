/**
 * Write-back after delivery, batched: a real Odoo costs ~10 ms a call, so outcomes are collected for a
 * short while and written per model in as few calls as the sink can manage.
 */
import type { FlowConfig } from '../config/compiled.js';
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
}

export class WriteBackBatcher {
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

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
    const batch = this.pending.get(key) ?? { sink, model: flow.source.model, flow: flow.name, items: [] };
    batch.items.push({ recordId: job.recordId, values, job });
    this.pending.set(key, batch);
    if (batch.items.length >= this.options.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.options.maxDelayMs);
  }

  /** Writes everything pending; resolves when written (or failed and logged). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batches = [...this.pending.values()];
    this.pending.clear();
    this.flushing = this.flushing.then(() =>
      Promise.all(batches.map((b) => this.write(b))).then(() => undefined),
    );
    return this.flushing;
  }

  private async write(batch: Pending): Promise<void> {
    let failed = new Map<number, string>();
    try {
      const result = await batch.sink.writeBack(batch.model, batch.items);
      failed = new Map(result.failed.map((f) => [f.recordId, f.error]));
    } catch (err) {
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
