/**
 * Surfaces a dead letter where the people who own the record look: an internal note in its chatter
 * (what failed, how often, the correlation ID and the command that requeues it) and, when the flow
 * asks, a "To Do" activity for a user. Stock Odoo only: `message_post` and `activity_schedule`.
 * A note costs ~24 ms on a real Odoo, which is why only failures get one.
 */
import { FerryError } from '../../engine/errors.js';
import type { DeadLetterNotice } from '../../engine/runtime/ports.js';
import type { OdooClient } from './client/client.js';

/** Odoo 17 escapes a plain string body unless told it is HTML. */
const BODY_IS_HTML_SINCE = 17;
const TODO_ACTIVITY = 'mail.mail_activity_data_todo';

export interface SurfaceOptions {
  activity: boolean;
  /** Login of the user the activity is for; default: the service account itself. */
  activityUser?: string;
}

export async function surfaceDeadLetter(
  client: OdooClient,
  model: string,
  notice: DeadLetterNotice,
  options: SurfaceOptions,
): Promise<void> {
  const bodyIsHtml = (await client.serverVersion()) >= BODY_IS_HTML_SINCE;
  await client.executeKw(model, 'message_post', [[notice.recordId]], {
    body: deadLetterNoteHtml(notice),
    subtype_xmlid: 'mail.mt_note',
    message_type: 'comment',
    ...(bodyIsHtml ? { body_is_html: true } : {}),
  });
  if (!options.activity) return;
  const userId = options.activityUser ? await userIdByLogin(client, options.activityUser) : undefined;
  await client.executeKw(model, 'activity_schedule', [[notice.recordId]], {
    act_type_xmlid: TODO_ACTIVITY,
    summary: `Ferry: ${notice.flow} could not deliver this record`,
    note: `<p>${escapeHtml(notice.errorMessage)}</p><p>Requeue with <code>${requeueCommand(notice)}</code></p>`,
    ...(userId === undefined ? {} : { user_id: userId }),
  });
}

/** The note's HTML; every value is escaped (error messages quote endpoint bodies). */
export function deadLetterNoteHtml(notice: DeadLetterNotice): string {
  const rows: [string, string | number | undefined][] = [
    ['Flow', notice.flow],
    ['Payload version', notice.version],
    ['Error', `${notice.errorCode}: ${notice.errorMessage}`],
    ['Attempts', notice.attempts],
    ['Correlation ID', notice.correlationId],
    ['Dead letter', notice.deadLetterId],
  ];
  const items = rows
    .filter(([, value]) => value !== undefined)
    .map(([label, value]) => `<li><strong>${label}:</strong> ${escapeHtml(String(value))}</li>`)
    .join('');
  return (
    `<p><strong>Ferry could not deliver ${escapeHtml(notice.recordName ?? 'this record')}.</strong></p>` +
    `<ul>${items}</ul>` +
    `<p>After fixing the cause, requeue it with <code>${requeueCommand(notice)}</code></p>`
  );
}

function requeueCommand(notice: DeadLetterNotice): string {
  return `ferry dlq requeue ${notice.deadLetterId}`;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

async function userIdByLogin(client: OdooClient, login: string): Promise<number> {
  const [id] = await client.search('res.users', [['login', '=', login]], { limit: 1 });
  if (id === undefined) {
    throw new FerryError(
      'FERRY_ODOO_MISSING_RECORD',
      `no Odoo user has the login "${login}" for the activity`,
      {
        context: { model: 'res.users', login },
        hint: 'Set dead_letter.odoo.activity_user to the login of an existing user.',
      },
    );
  }
  return id;
}
