/**
 * Payload transforms on a second thread. JSONata evaluates a transform through hundreds of promises, and
 * on the main thread every promise also pays for the log context (AsyncLocalStorage hooks); a worker
 * thread runs them on the other core without those hooks while the main thread does the store and the
 * HTTP. The worker answers with the payload's JSON text, the same text an in-thread render produces; the
 * contract is checked here, where the config compiled it.
 *
 * If the thread cannot start or dies, rendering falls back to the main thread: slower, never different.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CompiledVersion } from '../config/compiled.js';
import { log } from '../log/logger.js';
import {
  checkRendered,
  render,
  transformBindings,
  transformError,
  transformWhat,
  type RenderBindings,
  type Rendered,
} from '../transform/render.js';
import type { RenderReply, RenderRequest } from './render-worker.js';

/**
 * Transforms numbered at once. The worker keeps as many, the newest, so every number in use is there
 * (reloads bring new transforms; old ones are dropped).
 */
export const MAX_TRANSFORMS = 100;

/** Renders a job's source record (its stored JSON) with one payload version. */
export type Renderer = (
  version: CompiledVersion,
  source: string,
  bindings: RenderBindings,
) => Promise<Rendered>;

/** Renders on the calling thread. */
export const renderHere: Renderer = (version, source, bindings) =>
  render(version, JSON.parse(source) as unknown, bindings);

interface PendingRender {
  version: CompiledVersion;
  source: string;
  bindings: RenderBindings;
  resolve: (rendered: Rendered) => void;
  reject: (error: unknown) => void;
}

export class RenderThread {
  private worker: Worker | undefined;
  /** Set once the thread failed: everything renders here from then on. */
  private failed = false;
  private closing = false;
  private nextId = 1;
  private readonly pending = new Map<number, PendingRender>();
  /** Transform texts already sent, by number: a request carries a text only once. */
  private readonly transforms = new Map<string, number>();
  private nextTransform = 1;
  /** Requests of this turn of the event loop, posted together: one message costs about what one render does. */
  private outbox: RenderRequest[] = [];

  readonly render: Renderer = (version, source, bindings) => {
    const worker = this.failed || this.closing ? undefined : (this.worker ?? this.start());
    if (!worker) return renderHere(version, source, bindings);
    // One `now` however long the request waits, and the same one a fallback would use.
    const fixed = { ...bindings, now: bindings.now ?? new Date().toISOString() };
    return new Promise<Rendered>((resolve, reject) => {
      const id = this.nextId++;
      // Referenced only while a render is outstanding, so an idle thread never keeps the process alive.
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { version, source, bindings: fixed, resolve, reject });
      const known = this.transforms.get(version.transformText);
      const request: RenderRequest = {
        id,
        transform: known ?? this.numbered(version.transformText),
        source,
        bindings: transformBindings(version.name, fixed),
      };
      if (known === undefined) request.text = version.transformText;
      if (this.outbox.length === 0) setImmediate(() => this.post(worker));
      this.outbox.push(request);
    });
  };

  /** Stops the thread; renders still outstanding finish here. */
  async close(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    this.worker = undefined;
    this.renderPendingHere();
    await worker?.terminate();
  }

  /** A new number for a transform text; past MAX_TRANSFORMS the numbering starts over (texts are sent again). */
  private numbered(text: string): number {
    if (this.transforms.size >= MAX_TRANSFORMS) this.transforms.clear();
    const number = this.nextTransform++;
    this.transforms.set(text, number);
    return number;
  }

  private post(worker: Worker): void {
    const requests = this.outbox;
    this.outbox = [];
    // A thread that failed meanwhile: its requests were already rendered here.
    if (worker === this.worker) worker.postMessage(requests);
  }

  private start(): Worker | undefined {
    try {
      const worker = new Worker(bootstrap(), { eval: true });
      worker.unref();
      worker.on('message', (replies: RenderReply[]) => {
        for (const reply of replies) this.settle(worker, reply);
      });
      worker.on('error', (err) => this.fail(worker, err));
      worker.on('exit', (code) => this.fail(worker, new Error(`the render thread exited with code ${code}`)));
      this.worker = worker;
      return worker;
    } catch (err) {
      this.fail(undefined, err);
      return undefined;
    }
  }

  private settle(worker: Worker, reply: RenderReply): void {
    const request = this.pending.get(reply.id);
    if (!request) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) worker.unref();
    if ('failure' in reply) {
      request.reject(transformError(transformWhat(request.version.name), reply.failure));
      return;
    }
    try {
      request.resolve(checkRendered(request.version, reply.json));
    } catch (err) {
      request.reject(err);
    }
  }

  private fail(worker: Worker | undefined, err: unknown): void {
    if (worker !== this.worker || this.closing) return;
    this.failed = true;
    this.worker = undefined;
    log().warn(
      { err: (err as Error)?.message ?? String(err) },
      'render thread failed; rendering on the main thread',
    );
    this.renderPendingHere();
  }

  private renderPendingHere(): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const request of pending)
      renderHere(request.version, request.source, request.bindings).then(request.resolve, request.reject);
  }
}

/**
 * The worker's entry script. From TypeScript sources (tsx, tests) the worker registers tsx before
 * importing the entry, since a worker does not inherit a loader registered at run time; from the built
 * JavaScript it imports the entry directly.
 */
function bootstrap(): string {
  const ownExtension = extname(fileURLToPath(import.meta.url));
  const entry = new URL(`./render-worker${ownExtension}`, import.meta.url).href;
  if (ownExtension !== '.ts') return `import(${JSON.stringify(entry)});`;
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
}
