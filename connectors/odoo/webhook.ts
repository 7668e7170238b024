/**
 * The webhook source: receives the POST of Odoo's "Send Webhook Notification" action
 * (`{_action, _id, _model, …fields}`) and turns it into a hint to re-read record `_id`. The body's
 * values are never used: the action is unsigned, at most once, may be sent before Odoo commits
 * (stale values) and may repeat, so the record is read back through the API and a safety-net poll
 * keeps running. Odoo sends no credentials of its own, so the URL carries a token
 * (`?token=` or an `X-Ferry-Token` header), compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FerryError } from '../../engine/errors.js';
import { log } from '../../engine/log/logger.js';
import type { SecretHandle } from '../../engine/secrets/types.js';

export interface WebhookRoute {
  /** The URL path Odoo posts to, e.g. `/hooks/pickings`. */
  path: string;
  token: SecretHandle;
  /** The model the automation rule watches; a post for another model is refused. */
  model: string;
  /** Queues the ids for reading. Odoo waits at most 1 s for the answer: queue, don't deliver here. */
  onHint(ids: number[]): Promise<void>;
}

/** Odoo's webhook bodies are a few hundred bytes; anything far larger is not from Odoo. */
const MAX_BODY_BYTES = 256 * 1024;
export const TOKEN_HEADER = 'x-ferry-token';

/** The record ids a webhook body names: `_id` of `_model`. Throws FERRY_HTTP_MALFORMED otherwise. */
export function parseWebhookHint(body: string, model: string): number[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw malformed('the body is not JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw malformed('the body is not an object');
  const { _id: id, _model: sentModel } = parsed as Record<string, unknown>;
  if (sentModel !== model) throw malformed(`the body is for model ${String(sentModel)}, not ${model}`);
  if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0)
    throw malformed('the body has no record _id');
  return [id];
}

/** A node:http handler serving every route; answers 404 for other paths. */
export function createWebhookHandler(
  routes: readonly WebhookRoute[],
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const byPath = new Map(routes.map((route) => [route.path, route]));
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = byPath.get(url.pathname);
    if (!route) return answer(res, 404, 'no webhook at this path');
    if (req.method !== 'POST') return answer(res, 405, 'webhooks are POST');
    const sent = url.searchParams.get('token') ?? headerValue(req.headers[TOKEN_HEADER]);
    if (sent === undefined || !sameSecret(sent, await route.token.get())) {
      req.resume();
      return answer(res, 401, 'missing or wrong token');
    }
    let ids: number[];
    try {
      ids = parseWebhookHint(await readBody(req), route.model);
    } catch (err) {
      return answer(
        res,
        err instanceof FerryError && err.context.statusCode === 413 ? 413 : 400,
        message(err),
      );
    }
    try {
      await route.onHint(ids);
    } catch (err) {
      // Odoo does not retry; the safety-net poll picks the record up.
      log().warn({ path: route.path, ids, err: message(err) }, 'webhook hint could not be queued');
      return answer(res, 503, 'hint not queued; the next poll will pick the record up');
    }
    answer(res, 200, 'ok');
  };
}

/** Constant-time comparison; hashing first makes the lengths equal without leaking the length. */
function sameSecret(sent: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(sent), digest(expected));
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Reads to the end even past the limit, so the answer reaches the sender on a live socket.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) {
    throw new FerryError('FERRY_HTTP_MALFORMED', `webhook body larger than ${MAX_BODY_BYTES} bytes`, {
      context: { statusCode: 413 },
    });
  }
  return Buffer.concat(chunks).toString('utf8');
}

function malformed(reason: string): FerryError {
  return new FerryError('FERRY_HTTP_MALFORMED', `not an Odoo webhook notification: ${reason}`);
}

function answer(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(status === 200 ? { ok: true } : { error: text }));
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
