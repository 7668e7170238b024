import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookHandler, parseWebhookHint } from '../connectors/odoo/webhook.js';
import { fixedSecret } from '../engine/secrets/types.js';

/** The exact body base_automation posted for picking 19 (captured from Odoo 18). */
const CAPTURED_BODY =
  '{"_action": "Send Webhook Notification(#455)", "_id": 19, "_model": "stock.picking", "date_done": false, ' +
  '"id": 19, "name": "WH/OUT/00014", "origin": "outgoing shipment", "partner_id": 9, "picking_type_code": ' +
  '"outgoing", "scheduled_date": "2026-11-16 19:16:40.987981", "state": "done", ' +
  '"write_date": "2026-12-04 19:37:31.005763"}';

const TOKEN = 'hook-token-7f3a';
let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function start(onHint: (ids: number[]) => Promise<void>): Promise<string> {
  const handler = createWebhookHandler([
    { path: '/hooks/pickings', token: fixedSecret(TOKEN), model: 'stock.picking', onHint },
  ]);
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
}

describe('Odoo webhook source', () => {
  it('turns a captured Odoo notification into a hint to re-read the record', () => {
    expect(parseWebhookHint(CAPTURED_BODY, 'stock.picking')).toEqual([19]);
  });

  it('accepts the token in the query or the header and hands over only the id', async () => {
    const hints: number[][] = [];
    const base = await start((ids) => {
      hints.push(ids);
      return Promise.resolve();
    });
    const viaQuery = await fetch(`${base}/hooks/pickings?token=${TOKEN}`, {
      method: 'POST',
      body: CAPTURED_BODY,
    });
    const viaHeader = await fetch(`${base}/hooks/pickings`, {
      method: 'POST',
      body: CAPTURED_BODY,
      headers: { 'X-Ferry-Token': TOKEN },
    });
    expect([viaQuery.status, viaHeader.status]).toEqual([200, 200]);
    expect(hints).toEqual([[19], [19]]);
  });

  it('answers 401 without the right token and never calls the hint', async () => {
    const hints: number[][] = [];
    const base = await start((ids) => {
      hints.push(ids);
      return Promise.resolve();
    });
    const missing = await fetch(`${base}/hooks/pickings`, { method: 'POST', body: CAPTURED_BODY });
    const wrong = await fetch(`${base}/hooks/pickings?token=${TOKEN}x`, {
      method: 'POST',
      body: CAPTURED_BODY,
    });
    expect([missing.status, wrong.status]).toEqual([401, 401]);
    expect(hints).toEqual([]);
  });

  it('refuses bodies that are not a notification for the route model', async () => {
    const base = await start(() => Promise.resolve());
    const post = (body: string) =>
      fetch(`${base}/hooks/pickings?token=${TOKEN}`, { method: 'POST', body }).then((r) => r.status);
    expect(await post('not json')).toBe(400);
    expect(await post('{"_model": "sale.order", "_id": 3}')).toBe(400);
    expect(await post('{"_model": "stock.picking"}')).toBe(400);
    expect(await post(`{"_model": "stock.picking", "_id": 1, "pad": "${'x'.repeat(300_000)}"}`)).toBe(413);
    expect((await fetch(`${base}/elsewhere?token=${TOKEN}`, { method: 'POST', body: '{}' })).status).toBe(
      404,
    );
    expect((await fetch(`${base}/hooks/pickings?token=${TOKEN}`)).status).toBe(405);
  });

  it('answers 503 when the hint cannot be queued, so the safety-net poll is relied on', async () => {
    const base = await start(() => Promise.reject(new Error('queue full')));
    const res = await fetch(`${base}/hooks/pickings?token=${TOKEN}`, { method: 'POST', body: CAPTURED_BODY });
    expect(res.status).toBe(503);
  });
});
