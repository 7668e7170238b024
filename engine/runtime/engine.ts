/**
 * The engine: runs every flow of a compiled config. Sources hand records over as durable jobs; workers
 * lease due jobs, deliver them and record outcomes; write-back and dead-letter surfacing go back to the
 * source system. The config can be swapped while running: in-flight deliveries finish with the version
 * and frozen payload they started with, new work uses the new config.
 */
import { randomUUID } from 'node:crypto';
import type { CompiledConfig, ConnectionConfig, FlowConfig } from '../config/compiled.js';
import pRetry from 'p-retry';
import { FerryError, isFerryError } from '../errors.js';
import { log } from '../log/logger.js';
import { redact } from '../log/redact.js';
import type { Job, Store } from '../store/port.js';
import type { SecretResolver } from '../secrets/resolver.js';
import type { ConnectorRegistry } from '../../connectors/registry.js';
import type { HttpTarget } from '../../connectors/http/types.js';
import { deliver, type AttemptResult } from './deliver.js';
import { handoffFor, jobsFor, type HandoffStats } from './handoff.js';
import type { FlowSource, SourceConnection } from './ports.js';
import { WriteBackBatcher } from './write-back.js';
import { ShadowReport } from './shadow.js';
import { RenderThread } from './render-thread.js';

export interface EngineOptions {
  store: Store;
  registry: ConnectorRegistry;
  secrets: SecretResolver;
  /** Deliveries in flight at once across flows. @default 32 */
  concurrency?: number;
  /** How long a leased job stays ours without being finished. @default 60000 */
  leaseMs?: number;
  /** Identifies this process in leases. */
  owner?: string;
}

/** What this process did per flow since it started; what is queued lives in the store (`counts`). */
export interface FlowStatus {
  delivered: number;
  retrying: number;
  dead: number;
  paused: boolean;
}

export class Engine {
  private config: CompiledConfig;
  private readonly store: Store;
  private readonly owner: string;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly sources = new Map<string, SourceConnection>();
  private readonly targets = new Map<string, HttpTarget>();
  private readonly flowSources = new Map<string, FlowSource>();
  /** The connection settings each connector was built from; an edit replaces the connector. */
  private readonly builtFrom = new WeakMap<object, string>();
  /** Connectors replaced by a reload, closed at stop. */
  private readonly retired: { close(): Promise<void> }[] = [];
  private readonly pollTimers = new Map<string, NodeJS.Timeout>();
  /** The last poll of these flows failed (after its quick retries); cleared by a poll that succeeds. */
  private readonly pollErrors = new Map<string, Error>();
  private readonly polling = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Ids of the jobs being delivered here; a lease that ran out meanwhile must not start them twice. */
  private readonly inFlightJobs = new Set<number>();
  /** Waiting for a delivery to finish: cheaper than a race over every delivery in flight each time. */
  private readonly slotWaiters: (() => void)[] = [];
  /** Dead letters being posted on their record now. */
  private readonly surfacing = new Set<number>();
  /** Set when Odoo could not take a dead letter: the next poll posts the pending ones again. */
  private surfaceBacklog = false;
  private readonly pausedUntil = new Map<string, number>();
  private readonly writeBack: WriteBackBatcher;
  private running = false;
  /** Set by stop(): no more retries of anything. */
  private stopping = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  readonly stats = new Map<string, FlowStatus>();
  readonly handoffStats: HandoffStats = { added: 0, skipped: 0 };
  /** What shadow versions would have sent differently, per flow. */
  readonly shadowReport = new ShadowReport();
  /** Payload transforms run here, beside the main thread (started on the first render). */
  private readonly renderThread = new RenderThread();

  constructor(
    config: CompiledConfig,
    private readonly options: EngineOptions,
  ) {
    this.config = config;
    this.store = options.store;
    this.owner = options.owner ?? `ferry-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.concurrency = options.concurrency ?? 32;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.writeBack = new WriteBackBatcher(this.store);
    this.connect(config);
  }

  get currentConfig(): CompiledConfig {
    return this.config;
  }

  /**
   * Builds what a config needs before changing anything, so a failure leaves the running config whole.
   * A connector is kept while its connection is unchanged and built anew when the connection was
   * added or edited (a new URL must take effect). A replaced one may still serve in-flight work and
   * buffered write-backs, so it is closed when the engine stops.
   */
  private connect(config: CompiledConfig): void {
    const sources = new Map<string, SourceConnection>();
    const targets = new Map<string, HttpTarget>();
    const flowSources = new Map<string, FlowSource>();
    for (const flow of config.flows.values()) {
      const sourceConn = config.connections.get(flow.source.connection)!;
      const source = this.connectorFor(this.sources, sources, sourceConn, () => {
        const factory = this.options.registry.source(sourceConn.kind);
        if (!factory)
          throw new FerryError('FERRY_CONNECTION_TYPE', `no source connector for type ${sourceConn.kind}`);
        return factory(sourceConn, this.options.secrets);
      });
      const targetConn = config.connections.get(flow.target.connection)!;
      this.connectorFor(this.targets, targets, targetConn, () => {
        const factory = this.options.registry.target(targetConn.kind);
        if (!factory)
          throw new FerryError('FERRY_CONNECTION_TYPE', `no target connector for type ${targetConn.kind}`);
        return factory(targetConn, this.options.secrets);
      });
      flowSources.set(flow.name, source.flowSource(flow));
    }
    this.adopt(this.sources, sources);
    this.adopt(this.targets, targets);
    for (const [name, source] of flowSources) {
      this.flowSources.set(name, source);
      if (!this.stats.has(name)) this.stats.set(name, { delivered: 0, retrying: 0, dead: 0, paused: false });
    }
  }

  /** Puts freshly built connectors in place; the ones they replace are kept for closing at stop. */
  private adopt<T extends { close(): Promise<void> }>(running: Map<string, T>, fresh: Map<string, T>): void {
    for (const [name, connector] of fresh) {
      const replaced = running.get(name);
      if (replaced && replaced !== connector) this.retired.push(replaced);
      running.set(name, connector);
    }
  }

  /** The running connector of a connection while its settings are unchanged, else a new one. */
  private connectorFor<T extends object>(
    running: Map<string, T>,
    fresh: Map<string, T>,
    connection: ConnectionConfig,
    create: () => T,
  ): T {
    const settings = JSON.stringify(connection);
    let connector = fresh.get(connection.name);
    if (!connector) {
      const current = running.get(connection.name);
      connector = current && this.builtFrom.get(current) === settings ? current : create();
      this.builtFrom.set(connector, settings);
      fresh.set(connection.name, connector);
    }
    return connector;
  }

  /** Swaps in a new config atomically. Removed flows stop taking work; their queued jobs stay in the store. */
  swap(config: CompiledConfig): void {
    this.connect(config);
    const removed = [...this.config.flows.keys()].filter((name) => !config.flows.has(name));
    this.config = config;
    for (const name of removed) {
      clearTimeout(this.pollTimers.get(name));
      this.pollTimers.delete(name);
      this.flowSources.delete(name);
    }
    if (this.running)
      for (const flow of config.flows.values())
        if (!this.pollTimers.has(flow.name)) this.schedulePoll(flow.name, 0);
    this.wake?.();
  }

  /** Starts every flow's trigger and the workers. */
  start(): void {
    this.running = true;
    for (const flow of this.config.flows.values()) this.schedulePoll(flow.name, 0);
    this.loop = this.workLoop();
    void this.surfacePending();
  }

  /** Stops taking work, lets in-flight deliveries finish, writes back, and releases leases. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    for (const timer of this.pollTimers.values()) clearTimeout(timer);
    this.pollTimers.clear();
    this.wake?.();
    await this.loop;
    await Promise.allSettled(this.polling.values());
    await Promise.allSettled(this.inFlight);
    await this.renderThread.close();
    await this.writeBack.flush();
    await this.store.releaseLeases(this.owner);
    await Promise.allSettled([...this.targets.values()].map((t) => t.close()));
    await Promise.allSettled([...this.sources.values()].map((s) => s.close()));
    await Promise.allSettled(this.retired.map((c) => c.close()));
  }

  /** Polls every flow once to the end, then delivers until nothing is due within `maxWaitMs`. */
  async runOnce(maxWaitMs = 30_000): Promise<{ failedPolls: Map<string, Error> }> {
    await Promise.all([...this.config.flows.keys()].map((name) => this.pollFlow(name)));
    await this.surfacePending();
    let idleSince = Date.now();
    for (;;) {
      if (await this.workOnce()) {
        idleSince = Date.now();
        continue;
      }
      await Promise.race([sleep(100), ...this.inFlight]);
      // A slow attempt may end with a retry due soon: the wait counts from when work last ran.
      if (this.inFlight.size > 0) {
        idleSince = Date.now();
        continue;
      }
      const counts = await this.store.counts();
      // What is left waits for a retry later than we wait: it stays queued in the store for the next run.
      if (counts.queued + counts.leased === 0 || Date.now() - idleSince > maxWaitMs) break;
    }
    await Promise.allSettled(this.inFlight);
    await this.writeBack.flush();
    return { failedPolls: new Map(this.pollErrors) };
  }

  /**
   * Queues the records of these ids now (webhook hints): re-read through the API, never taken from the
   * hint itself, and enqueued without touching the poll cursor, which stays the safety net.
   */
  async hint(flowName: string, ids: number[]): Promise<void> {
    const flow = this.config.flows.get(flowName);
    const source = this.flowSources.get(flowName);
    if (!flow || !source) return;
    const records = await source.readRecords(ids);
    const result = await this.store.enqueue(await jobsFor(this.store, flow, records));
    this.handoffStats.added += result.added;
    this.handoffStats.skipped += result.skipped;
    if (result.added > 0) this.wake?.();
  }

  private schedulePoll(name: string, delayMs: number): void {
    const flow = this.config.flows.get(name);
    if (!flow || !this.running) return;
    const timer = setTimeout(() => {
      void this.pollFlow(name).finally(() => {
        const current = this.config.flows.get(name);
        if (current && this.running) {
          if (this.surfaceBacklog) void this.surfacePending();
          const trigger = current.source.trigger;
          this.schedulePoll(name, trigger.kind === 'poll' ? trigger.everyMs : trigger.safetyPollMs);
        }
      });
    }, delayMs);
    this.pollTimers.set(name, timer);
  }

  private pollFlow(name: string): Promise<void> {
    const existing = this.polling.get(name);
    if (existing) return existing;
    const run = (async () => {
      const source = this.flowSources.get(name);
      if (!source) return;
      const handoff = handoffFor(
        this.store,
        () => this.config.flows.get(name)!,
        this.handoffStats,
        () => this.wake?.(),
      );
      try {
        // A transient Odoo failure (restart, 502, timeout) is retried here with backoff; each attempt
        // starts from the stored cursor, so pages already handed over are not read again.
        await pRetry(async () => source.pollOnce(await this.store.getCursor(name), handoff), {
          retries: POLL_RETRIES,
          minTimeout: 500,
          maxTimeout: 5_000,
          randomize: true,
          shouldRetry: ({ error }) => isFerryError(error) && error.retryable && !this.stopping,
        });
        this.pollErrors.delete(name);
      } catch (err) {
        this.pollErrors.set(name, err as Error);
        log().error(
          { flow: name, code: (err as FerryError).code, err: redact((err as Error).message) },
          'poll failed; will try again at the next poll',
        );
      }
    })().finally(() => this.polling.delete(name));
    this.polling.set(name, run);
    return run;
  }

  private async workLoop(): Promise<void> {
    while (this.running) {
      const worked = await this.workOnce();
      if (!worked && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 250);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  /** Leases what fits in the free slots and starts delivering it. Returns whether anything was leased. */
  private async workOnce(): Promise<boolean> {
    while (this.inFlight.size >= this.concurrency)
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    const now = Date.now();
    const flows = [...this.config.flows.keys()].filter((name) => (this.pausedUntil.get(name) ?? 0) <= now);
    if (flows.length === 0) return false;
    const jobs = await this.store.lease(
      this.owner,
      this.concurrency - this.inFlight.size,
      this.leaseMs,
      now,
      flows,
    );
    for (const job of jobs) {
      // Its delivery outlived the lease and is still running here: that one records the outcome.
      if (this.inFlightJobs.has(job.id)) continue;
      this.inFlightJobs.add(job.id);
      const task = this.run(job).finally(() => {
        this.inFlight.delete(task);
        this.inFlightJobs.delete(job.id);
        for (const wake of this.slotWaiters.splice(0)) wake();
      });
      this.inFlight.add(task);
    }
    return jobs.length > 0;
  }

  private async run(job: Job): Promise<void> {
    const flow = this.config.flows.get(job.flow);
    if (!flow) {
      // The flow was removed by a reload: keep the job, untouched, for when it comes back.
      await this.store.retryLater(job.id, {
        notBefore: Date.now() + 60_000,
        error: { code: 'FERRY_UNKNOWN_FLOW', message: `flow ${job.flow} is not in the current config` },
        attempts: job.attempts,
      });
      return;
    }
    const target = this.targets.get(flow.target.connection)!;
    let result: AttemptResult;
    try {
      result = await deliver(
        { flow, target, store: this.store, shadow: this.shadowReport, render: this.renderThread.render },
        await this.withFreshSource(job),
      );
    } catch (err) {
      // A store failure mid-delivery: the lease expires and the job is taken again; nothing is lost.
      log().error({ flow: flow.name, err: redact((err as Error).message) }, 'delivery bookkeeping failed');
      return;
    }
    await this.after(flow, job, result);
  }

  /** A requeue with --rerender renders from the record as it is now (the operator fixed it in Odoo). */
  private async withFreshSource(job: Job): Promise<Job> {
    if (job.payload !== undefined || job.keyRevision === 0) return job;
    const [fresh] = (await this.flowSources.get(job.flow)?.readRecords([job.recordId])) ?? [];
    return fresh ? { ...job, source: JSON.stringify(fresh.record) } : job;
  }

  private async after(flow: FlowConfig, job: Job, result: AttemptResult): Promise<void> {
    const status = this.stats.get(flow.name)!;
    const sink = this.sources.get(flow.source.connection)!.sink;
    switch (result.kind) {
      case 'delivered':
        status.delivered++;
        status.paused = false;
        await this.writeBack.add(flow, sink, job, result.response, result.version);
        break;
      case 'retry':
        status.retrying++;
        break;
      case 'unauthorized':
        status.paused = true;
        this.pausedUntil.set(flow.name, Date.now() + 60_000);
        log().error(
          { flow: flow.name, code: result.error.code },
          'flow paused: the endpoint refuses our credentials even after a refresh',
        );
        break;
      case 'dead':
        status.dead++;
        if (result.deadLetterId !== undefined) await this.surface(flow, result.deadLetterId);
        break;
    }
  }

  /** Posts a dead letter on its Odoo record, once. False when Odoo could not be reached. */
  private async surface(flow: FlowConfig, deadLetterId: number): Promise<boolean> {
    if (!flow.deadLetter.chatter || this.surfacing.has(deadLetterId)) return true;
    this.surfacing.add(deadLetterId);
    try {
      const letter = await this.store.getDeadLetter(deadLetterId);
      if (!letter || letter.surfacedAt !== undefined) return true;
      await this.sources.get(flow.source.connection)!.sink.surfaceDeadLetter(
        flow.source.model,
        {
          flow: flow.name,
          version: letter.version,
          recordId: letter.recordId,
          recordName: letter.recordName,
          correlationId: letter.correlationId,
          errorCode: letter.errorCode,
          errorMessage: letter.errorMessage,
          attempts: letter.attempts,
          deadLetterId,
        },
        { activity: flow.deadLetter.activity, activityUser: flow.deadLetter.activityUser },
      );
      await this.store.markSurfaced(deadLetterId);
      return true;
    } catch (err) {
      const transient = !isFerryError(err) || err.retryable;
      if (transient) this.surfaceBacklog = true;
      log().warn(
        { flow: flow.name, deadLetterId, err: redact((err as Error).message) },
        transient
          ? 'could not surface dead letter in Odoo; will retry after the next poll'
          : 'could not surface dead letter in Odoo; will retry at next start',
      );
      return !transient;
    } finally {
      this.surfacing.delete(deadLetterId);
    }
  }

  /**
   * Dead letters not yet posted on their record (Odoo was down then), asked for as such so that
   * surfaced ones never hide them. A round stops at the first failure to reach Odoo.
   */
  private async surfacePending(): Promise<void> {
    this.surfaceBacklog = false;
    try {
      for (const flow of this.config.flows.values()) {
        if (!flow.deadLetter.chatter) continue;
        const letters = await this.store.listDeadLetters({ flow: flow.name, surfaced: false, limit: 500 });
        for (const letter of letters) if (!(await this.surface(flow, letter.id))) return;
      }
    } catch (err) {
      this.surfaceBacklog = true;
      log().warn({ err: redact((err as Error).message) }, 'could not list dead letters to surface');
    }
  }
}

/** Quick retries of one poll before it waits for the next scheduled one. */
const POLL_RETRIES = 3;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
