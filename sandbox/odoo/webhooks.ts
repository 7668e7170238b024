/**
 * base_automation's "Send Webhook Notification": on create/write of a watched model, POST
 * `{_action, _id, _model, id, <fields>}` as sorted JSON (many2one as a bare id, datetimes with
 * microseconds), no authentication, 1 s timeout, no retry, errors only logged. The post is queued in
 * the transaction's outbox, so it leaves before the write is visible to others, with the record's
 * old write_date, and a call that writes a record twice posts twice.
 */
import http from 'node:http';
import https from 'node:https';
import { FerryError } from '../../engine/errors.js';
import { toWebhook } from './orm/convert.js';
import { pyJson } from './pyjson.js';
import type { Row } from './models/fields.js';
import type { ChangeEvent, Store } from './store.js';

export interface WebhookSpec {
  model: string;
  url: string;
  /** Fields sent besides `id` (webhook_field_ids). */
  fields: string[];
  /** Only writes touching one of these fire (trigger_field_ids); default: any write. */
  triggerFields?: string[];
  /** @default ['create', 'write'] */
  on?: Array<'create' | 'write'>;
  /** Server action name, shown in `_action` as "<name>(#<id>)". @default "Send Webhook Notification" */
  name?: string;
}

export interface WebhookDelivery {
  url: string;
  body: string;
  /** HTTP status, or the error that ended the attempt (timeouts included). */
  status?: number;
  error?: string;
}

const TIMEOUT_MS = 1000;

export class WebhookSender {
  private readonly hooks = new Map<number, WebhookSpec>();
  private nextActionId = 455;
  /** Every attempt, in order: what tests assert on besides the receiving server. */
  readonly deliveries: WebhookDelivery[] = [];

  constructor(private readonly store: Store) {
    store.listeners.push((event) => this.onChange(event));
  }

  add(spec: WebhookSpec): { id: number; remove: () => void } {
    const def = this.store.registry.get(spec.model);
    if (!def) throw new FerryError('FERRY_USAGE', `Webhook on unknown model "${spec.model}"`);
    for (const name of [...spec.fields, ...(spec.triggerFields ?? [])]) {
      if (!def.fields.has(name))
        throw new FerryError('FERRY_USAGE', `Webhook field "${name}" is not on ${spec.model}`);
    }
    const id = this.nextActionId++;
    this.hooks.set(id, spec);
    return { id, remove: () => this.hooks.delete(id) };
  }

  private onChange(event: ChangeEvent): void {
    for (const [actionId, hook] of this.hooks) {
      if (hook.model !== event.model || !(hook.on ?? ['create', 'write']).includes(event.kind)) continue;
      if (
        event.kind === 'write' &&
        hook.triggerFields &&
        !hook.triggerFields.some((f) => event.fields.includes(f))
      ) {
        continue;
      }
      const body = this.payload(hook, actionId, event);
      event.tx.outbox.push(() => this.post(hook.url, body));
    }
  }

  private payload(hook: WebhookSpec, actionId: number, event: ChangeEvent): string {
    const def = this.store.model(hook.model);
    const row = this.store.get(hook.model, event.id);
    if (!row) return '{}';
    // Odoo reads inside the transaction before the ORM flush: write_date is still the old one.
    const current: Row =
      event.kind === 'write' ? { ...row, write_date: event.before.write_date ?? false } : row;
    const payload: Record<string, unknown> = {
      _action: `${hook.name ?? 'Send Webhook Notification'}(#${actionId})`,
      _id: event.id,
      _model: hook.model,
      id: event.id,
    };
    for (const name of hook.fields) {
      const field = def.fields.get(name);
      if (field) payload[name] = toWebhook(field, this.store.value(hook.model, current, name));
    }
    return pyJson(payload, { sortKeys: true });
  }

  private post(url: string, body: string): Promise<void> {
    const delivery: WebhookDelivery = { url, body };
    this.deliveries.push(delivery);
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        delivery.error = 'invalid URL';
        return resolve();
      }
      const client = target.protocol === 'https:' ? https : http;
      const request = client.request(target, {
        method: 'POST',
        headers: {
          'User-Agent': 'python-requests/2.28.1',
          'Accept-Encoding': 'gzip, deflate',
          Accept: '*/*',
          Connection: 'keep-alive',
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
      });
      const timer = setTimeout(
        () => request.destroy(new Error('Read timed out. (read timeout=1)')),
        TIMEOUT_MS,
      );
      request.on('response', (response) => {
        delivery.status = response.statusCode;
        response.resume();
      });
      request.on('error', (err) => (delivery.error ??= err.message));
      request.on('close', () => {
        clearTimeout(timer);
        resolve();
      });
      request.end(body);
    });
  }
}
