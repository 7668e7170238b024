/**
 * One delivery attempt of one job: render and freeze the payload at the first attempt (every retry
 * sends the same bytes with the same key), check the contract, send, then record the outcome:
 * delivered, retry scheduled in the store, or dead letter. Never a sleeping worker, never a silent drop.
 */
import type { FlowConfig } from '../config/compiled.js';
import { FerryError, isFerryError } from '../errors.js';
import { log, withLogContext } from '../log/logger.js';
import { redact } from '../log/redact.js';
import { traceparentFor } from '../log/correlation.js';
import { bodyExcerpt } from '../reliability/classify.js';
import { nextDelayMs } from '../reliability/retry-policy.js';
import { effectiveKey, recordRef, type ErrorRecord, type Job, type Store } from '../store/port.js';
import { formatViolations } from '../transform/contract.js';
import type { HttpResponse, HttpTarget } from '../../connectors/http/types.js';
import { chooseVersion } from './versions.js';
import { renderHere, type Renderer } from './render-thread.js';
import { renderShadow, shadowRecord, type ShadowReport } from './shadow.js';

export type AttemptResult =
  | { kind: 'delivered'; response: HttpResponse; version: string }
  | { kind: 'retry'; error: FerryError; notBefore: number }
  | { kind: 'dead'; error: FerryError; deadLetterId?: number; version?: string }
  | { kind: 'unauthorized'; error: FerryError };

export interface DeliveryContext {
  flow: FlowConfig;
  target: HttpTarget;
  store: Store;
  now?: () => number;
  /** Where shadow renders are counted; without it no shadow version is rendered. */
  shadow?: ShadowReport;
  /** Where payloads are rendered (the engine's render thread). @default on the calling thread */
  render?: Renderer;
}

export function deliver(ctx: DeliveryContext, job: Job): Promise<AttemptResult> {
  const attempt = job.attempts + 1;
  return withLogContext(
    {
      flow: job.flow,
      record: recordRef(job),
      recordName: job.recordName,
      correlationId: job.correlationId,
      attempt,
    },
    () => attemptDelivery(ctx, job, attempt),
  );
}

async function attemptDelivery(ctx: DeliveryContext, job: Job, attempt: number): Promise<AttemptResult> {
  const { flow, store } = ctx;
  const now = ctx.now ?? Date.now;
  const context = { flow: flow.name, record: recordRef(job), correlationId: job.correlationId, attempt };

  let version = job.version;
  let body = job.payload;
  if (body === undefined) {
    const renderer = ctx.render ?? renderHere;
    const chosen = chooseVersion(flow, job.recordId);
    version = chosen.name;
    // One `now` for the active and the shadow render, so `$now` never shows up as a difference.
    const bindings = { flow: flow.name, correlationId: job.correlationId, now: new Date().toISOString() };
    const shadowing = ctx.shadow && renderShadow(flow, chosen.name, job.source, bindings, renderer);
    let rendered;
    try {
      rendered = await renderer(chosen, job.source, bindings);
    } catch (err) {
      return deadLetter(ctx, job, attempt, asFerryError(err, context), { version });
    }
    if (ctx.shadow && shadowing) shadowRecord(ctx.shadow, flow, rendered, await shadowing);
    const payload = rendered.json;
    if (rendered.violations.length > 0) {
      const error = new FerryError(
        'FERRY_CONTRACT',
        `payload ${chosen.name} breaks its contract: ${formatViolations(rendered.violations)}`,
        {
          context: { ...context, version, violations: rendered.violations },
        },
      );
      return deadLetter(ctx, job, attempt, error, { version, payload });
    }
    // Counted and frozen in one step, before the request leaves; an earlier freeze wins.
    const first = { version: chosen.name, payload: payload! };
    const frozen = (await store.beginAttempt(job.id, attempt, first)) ?? first;
    version = frozen.version;
    body = frozen.payload;
  } else {
    await store.beginAttempt(job.id, attempt);
  }

  const started = now();
  try {
    const response = await ctx.target.send({
      method: flow.target.method,
      path: flow.target.path,
      body,
      idempotencyKey: effectiveKey(job),
      correlationId: job.correlationId,
      traceparent: traceparentFor(job.correlationId),
    });
    // The attempt event goes in the same transaction as the completion, before it in the trace.
    await store.complete(
      job.id,
      {
        status: response.status,
        response: bodyExcerpt(redact(response.text)),
        externalId: externalIdOf(response.body),
        durationMs: response.durationMs,
      },
      [
        {
          correlationId: job.correlationId,
          flow: flow.name,
          record: recordRef(job),
          recordName: job.recordName,
          kind: 'attempt',
          attempt,
          status: response.status,
          durationMs: response.durationMs,
          version,
        },
      ],
    );
    log().debug({ status: response.status, version }, 'delivered');
    return { kind: 'delivered', response, version: version! };
  } catch (err) {
    const error = asFerryError(err, { ...context, version });
    await store.appendEvents([
      {
        correlationId: job.correlationId,
        flow: flow.name,
        record: recordRef(job),
        recordName: job.recordName,
        kind: 'attempt',
        attempt,
        status: error.context.statusCode,
        durationMs: now() - started,
        errorCode: error.code,
        message: redact(error.message),
        version,
      },
    ]);
    if (error.code === 'FERRY_HTTP_UNAUTHORIZED') {
      // The target already refreshed the secret once: pause the flow instead of filling the dead-letter list.
      await store.retryLater(job.id, {
        notBefore: now() + 60_000,
        error: toRecord(error),
        attempts: job.attempts,
      });
      return { kind: 'unauthorized', error };
    }
    const retry = flow.delivery.retry;
    if (error.code === 'FERRY_HTTP_IN_PROGRESS' && now() - job.createdAt < retry.maxRetryAfterMs) {
      // The endpoint is still working on this key (our earlier request, e.g. one that timed out): wait
      // as told without spending an attempt, bounded by how long the flow waits for a Retry-After.
      const wait = Math.min(nextDelayMs(retry, 1, error), retry.maxRetryAfterMs);
      const notBefore = now() + wait;
      await store.retryLater(job.id, { notBefore, error: toRecord(error), attempts: job.attempts });
      return { kind: 'retry', error, notBefore };
    }
    if (error.retryable && attempt < retry.attempts) {
      const wait = Math.min(nextDelayMs(retry, attempt, error), retry.maxRetryAfterMs);
      const notBefore = now() + wait;
      await store.retryLater(job.id, { notBefore, error: toRecord(error), attempts: attempt });
      log().info({ code: error.code, retryInMs: wait }, 'delivery failed, retry scheduled');
      return { kind: 'retry', error, notBefore };
    }
    return deadLetter(ctx, job, attempt, error, { version });
  }
}

async function deadLetter(
  ctx: DeliveryContext,
  job: Job,
  attempt: number,
  error: FerryError,
  extra: { version?: string; payload?: string },
): Promise<AttemptResult> {
  const deadLetterId = await ctx.store.deadLetter(job.id, {
    error: toRecord(error),
    attempts: attempt,
    responseStatus: error.context.statusCode,
    responseBody: error.context.body === undefined ? undefined : redact(String(error.context.body)),
    payload: extra.payload,
    version: extra.version,
  });
  log().error({ code: error.code, err: redact(error.message), deadLetterId }, 'dead-lettered');
  return { kind: 'dead', error, deadLetterId, version: extra.version };
}

function asFerryError(err: unknown, context: Record<string, unknown>): FerryError {
  if (isFerryError(err)) {
    Object.assign(err.context, { ...context, ...err.context });
    return err;
  }
  return new FerryError('FERRY_TRANSFORM', redact((err as Error)?.message ?? String(err)), {
    context,
    cause: err,
  });
}

function toRecord(error: FerryError): ErrorRecord {
  return { code: error.code, message: redact(error.message), statusCode: error.context.statusCode };
}

/** The receiver's id of what it created, when it says so in a usual place. */
function externalIdOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const id = b.id ?? b.shipment_id ?? b.external_id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}
