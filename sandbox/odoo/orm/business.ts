/**
 * Business methods a 3PL integration calls: chatter (message_post, activity_schedule), transfer
 * validation and cancellation, sales confirmation (which creates the delivery), group checks.
 * Follow-up documents are created as the superuser, as Odoo does with `sudo()`.
 */
import { formatDay, formatPython } from '../clock.js';
import { userError, valueError } from '../errors.js';
import { nextSequence } from '../models/stock-sale-models.js';
import type { Row } from '../models/fields.js';
import { SUPERUSER_ID } from '../store.js';
import { checkRules, createRecords, existing, writeRecords } from './crud.js';
import type { Env } from './env.js';

/** `ensure_one()`. */
export function single(env: Env, model: string, ids: number[]): number {
  if (ids.length !== 1)
    throw valueError(`Expected singleton: ${model}(${ids.join(', ')}${ids.length === 1 ? ',' : ''})`);
  return ids[0] as number;
}

/** res_id of an external id such as "mail.mt_note", or undefined. */
export function xmlidToId(env: Env, xmlid: string): number | undefined {
  const [module, name] = xmlid.split('.');
  for (const row of env.store.rows('ir.model.data')) {
    if (row.module === module && row.name === name) return Number(row.res_id);
  }
  return undefined;
}

const escapeHtml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;');

export function messagePost(env: Env, model: string, ids: number[], args: Record<string, unknown>): number {
  const id = single(env, model, existing(env, model, ids));
  env.access.check(env.uid, model, 'write');
  checkRules(env, model, [id], 'write');
  const rawBody = typeof args.body === 'string' ? args.body : '';
  // From 17 on, a plain string body is text: Odoo escapes it unless body_is_html is set.
  const body = env.profile.major >= 17 && args.body_is_html !== true ? escapeHtml(rawBody) : rawBody;
  const subtype = typeof args.subtype_xmlid === 'string' ? args.subtype_xmlid : 'mail.mt_note';
  const author = env.store.get('res.users', env.uid)?.partner_id;
  const [messageId] = createAsSuperuser(env, 'mail.message', {
    model,
    res_id: id,
    record_name: env.store.displayName(model, id),
    body,
    subject: typeof args.subject === 'string' ? args.subject : false,
    message_type: typeof args.message_type === 'string' ? args.message_type : 'notification',
    subtype_id: xmlidToId(env, subtype) ?? false,
    author_id: typeof author === 'number' ? author : false,
  });
  return messageId as number;
}

export function activitySchedule(
  env: Env,
  model: string,
  ids: number[],
  args: Record<string, unknown>,
): number[] {
  const found = existing(env, model, ids);
  env.access.check(env.uid, model, 'write');
  checkRules(env, model, found, 'write');
  const typeXmlid =
    typeof args.act_type_xmlid === 'string' && args.act_type_xmlid ? args.act_type_xmlid : undefined;
  const typeId = typeXmlid ? xmlidToId(env, typeXmlid) : xmlidToId(env, 'mail.mail_activity_data_todo');
  if (typeXmlid && typeId === undefined)
    throw valueError(`External ID not found in the system: ${typeXmlid}`);
  const deadline =
    typeof args.date_deadline === 'string' ? args.date_deadline : formatDay(env.store.clock.now());
  return createRecords(
    env,
    'mail.activity',
    found.map((resId) => ({
      res_model: model,
      res_id: resId,
      activity_type_id: typeId ?? false,
      summary: args.summary ?? false,
      note: args.note ?? false,
      date_deadline: deadline,
      user_id: args.user_id ?? env.uid,
    })),
  );
}

export function hasGroup(env: Env, ids: number[], group: unknown): boolean {
  const uid = ids[0] ?? env.uid;
  return typeof group === 'string' && env.access.groupsOf(uid).has(group);
}

function movesOf(env: Env, pickingId: number): Row[] {
  return [...env.store.rows('stock.move')].filter((move) => move.picking_id === pickingId);
}

export function buttonValidate(env: Env, ids: number[]): true {
  const found = existing(env, 'stock.picking', ids);
  for (const id of found) {
    const picking = env.store.get('stock.picking', id) as Row;
    if (picking.state === 'done') continue;
    if (picking.state === 'cancel') throw userError('You cannot validate a cancelled transfer.');
    const qtyField = env.profile.moveQuantityField;
    for (const move of movesOf(env, id)) {
      const quantity = Number(move[qtyField] || 0) || Number(move.product_uom_qty || 0);
      writeRecords(env, 'stock.move', [move.id], { [qtyField]: quantity, state: 'done' });
    }
    const now = env.store.clock.now();
    writeRecords(env, 'stock.picking', [id], { state: 'done', date_done: formatPython(now) });
  }
  return true;
}

export function actionCancel(env: Env, ids: number[]): true {
  for (const id of existing(env, 'stock.picking', ids)) {
    if (env.store.get('stock.picking', id)?.state === 'done') {
      throw userError(
        "You cannot cancel a stock move that has been set to 'Done'. Create a return in order to reverse the moves which took place.",
      );
    }
    for (const move of movesOf(env, id)) writeRecords(env, 'stock.move', [move.id], { state: 'cancel' });
    writeRecords(env, 'stock.picking', [id], { state: 'cancel' });
  }
  return true;
}

export function actionAssign(env: Env, ids: number[]): true {
  for (const id of existing(env, 'stock.picking', ids)) {
    const state = env.store.get('stock.picking', id)?.state;
    if (state !== 'draft' && state !== 'confirmed' && state !== 'waiting') continue;
    for (const move of movesOf(env, id)) writeRecords(env, 'stock.move', [move.id], { state: 'assigned' });
    writeRecords(env, 'stock.picking', [id], { state: 'assigned' });
  }
  return true;
}

/** Confirms quotations and creates their delivery (one outgoing transfer with a move per line). */
export function actionConfirm(env: Env, ids: number[]): true {
  const found = existing(env, 'sale.order', ids);
  for (const id of found) {
    const order = env.store.get('sale.order', id) as Row;
    if (order.state !== 'draft' && order.state !== 'sent') {
      throw userError('Some orders are not in a state requiring confirmation.');
    }
    writeRecords(env, 'sale.order', [id], { state: 'sale' });
    const lines = [...env.store.rows('sale.order.line')].filter((l) => l.order_id === id && l.product_id);
    if (lines.length === 0) continue;
    const moveField = env.profile.pickingMovesField;
    createAsSuperuser(env, 'stock.picking', {
      picking_type_id: 2,
      partner_id: order.partner_shipping_id ?? order.partner_id,
      origin: order.name,
      sale_id: id,
      state: 'confirmed',
      name: nextSequence(env.store, 'stock.picking', 'WH/OUT/', 5),
      [moveField]: lines.map((line) => [
        0,
        0,
        {
          product_id: line.product_id,
          product_uom_qty: line.product_uom_qty,
          sale_line_id: line.id,
          state: 'confirmed',
        },
      ]),
    });
  }
  return true;
}

function createAsSuperuser(env: Env, model: string, vals: Record<string, unknown>): number[] {
  return createRecords({ ...env, uid: SUPERUSER_ID }, model, [vals]);
}
