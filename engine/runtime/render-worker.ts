/**
 * The render thread's side (see render-thread.ts): evaluates payload transforms and answers with the
 * payload's JSON text or JSONata's error. A transform's text comes once, with the first request that
 * uses its number, and is compiled here once; the main thread compiled and checked the same text when
 * it loaded the config.
 */
import { parentPort } from 'node:worker_threads';
import { compileExpression, type Expression } from '../transform/expression.js';
import { payloadJson, type TransformFailure } from '../transform/render.js';
import { MAX_TRANSFORMS } from './render-thread.js';

export interface RenderRequest {
  id: number;
  /** The transform's number; `text` comes along the first time the number is used. */
  transform: number;
  text?: string;
  /** The source record as stored with the job (JSON). */
  source: string;
  bindings: Record<string, unknown>;
}

export type RenderReply =
  { id: number; json: string | undefined } | { id: number; failure: TransformFailure };

const compiled = new Map<number, Expression>();
const origin = {
  file: 'render thread',
  field: 'transform',
  at: (line: number, col: number) => ({ line, col }),
};

function expressionFor(request: RenderRequest): Expression {
  if (request.text !== undefined) {
    if (compiled.size >= MAX_TRANSFORMS) compiled.delete(compiled.keys().next().value!);
    compiled.set(request.transform, compileExpression(request.text, origin));
  }
  return compiled.get(request.transform)!;
}

/** Always answers: a request left without a reply would hold its delivery forever. */
async function answer(request: RenderRequest): Promise<RenderReply> {
  try {
    const record = JSON.parse(request.source) as unknown;
    const value: unknown = await expressionFor(request).evaluate(record, request.bindings);
    return { id: request.id, json: payloadJson(value) };
  } catch (err) {
    // JSONata's own fields; the main thread words the error as an in-thread render would.
    const { message, code, position } = err as TransformFailure;
    return { id: request.id, failure: { message: message ?? String(err), code, position } };
  }
}

/** Requests waiting, rendered one at a time: interleaved JSONata evaluations are slower in total. */
const queue: RenderRequest[] = [];
let draining = false;

async function drain(): Promise<void> {
  draining = true;
  // Each reply leaves as soon as it is ready, so the first delivery of a batch does not wait for the last.
  for (let request = queue.shift(); request; request = queue.shift())
    parentPort!.postMessage([await answer(request)]);
  draining = false;
}

parentPort!.on('message', (requests: RenderRequest[]) => {
  queue.push(...requests);
  if (!draining) void drain();
});
