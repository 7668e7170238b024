/**
 * The simulator's base_automation webhook: what the receiver gets (sorted JSON, bare many2one ids,
 * microsecond datetimes, no auth header), that it arrives before the write is visible to readers,
 * the trigger-field filter, and that an unresponsive receiver does not fail the write.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOdooSimulator, type OdooSimulator } from '../sandbox/odoo/simulator.js';
import { call } from './odoo-sim-helpers.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** What a read-back through RPC showed while the webhook was being handled. */
  stateSeenDuringWebhook?: string;
}

let sim: OdooSimulator;
let receiver: http.Server;
let received: Received[];
let onRequest: (entry: Received, res: http.ServerResponse) => Promise<void>;

beforeEach(async () => {
  sim = await startOdooSimulator();
  received = [];
  onRequest = async (_entry, res) => void res.end('ok');
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry: Received = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(entry);
      void onRequest(entry, res);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});

afterEach(async () => {
  await sim.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

const hookUrl = () => `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

describe('webhook notifications', () => {
  it('posts the sorted payload with the old write_date before the write is visible', async () => {
    const hook = sim.addWebhook({
      model: 'stock.picking',
      url: hookUrl(),
      fields: [
        'state',
        'name',
        'origin',
        'partner_id',
        'picking_type_code',
        'scheduled_date',
        'date_done',
        'write_date',
      ],
      triggerFields: ['state'],
    });
    const oldWriteDate = sim.db.writeDate('stock.picking', 19);
    onRequest = async (entry, res) => {
      const [seen] = await call(sim, sim.service, 'stock.picking', 'read', [[19], ['state']]);
      entry.stateSeenDuringWebhook = seen.state;
      res.end('ok');
    };
    await call(sim, sim.service, 'stock.picking', 'write', [[19], { state: 'done' }]);

    expect(received).toHaveLength(1);
    const [post] = received as [Received];
    expect(post.stateSeenDuringWebhook).toBe('assigned');
    expect(post.headers['content-type']).toBe('application/json');
    expect(post.headers.authorization).toBeUndefined();
    const payload = JSON.parse(post.body);
    expect(Object.keys(payload)).toEqual([...Object.keys(payload)].sort());
    expect(payload).toEqual({
      _action: `Send Webhook Notification(#${hook.id})`,
      _id: 19,
      _model: 'stock.picking',
      date_done: false,
      id: 19,
      name: 'WH/OUT/00014',
      origin: 'outgoing shipment',
      partner_id: 9,
      picking_type_code: 'outgoing',
      scheduled_date: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/),
      state: 'done',
      write_date: oldWriteDate,
    });
    expect(post.body).toMatch(
      /^\{"_action": "Send Webhook Notification\(#\d+\)", "_id": 19, "_model": "stock.picking", /,
    );
    const [after] = await call(sim, sim.service, 'stock.picking', 'read', [[19], ['state']]);
    expect(after.state).toBe('done');
  });

  it('ignores writes that do not touch a trigger field and fires on create', async () => {
    sim.addWebhook({
      model: 'stock.picking',
      url: hookUrl(),
      fields: ['name', 'state'],
      triggerFields: ['state'],
    });
    await call(sim, sim.service, 'stock.picking', 'write', [[1], { origin: 'no trigger' }]);
    expect(received).toHaveLength(0);
    const id = await call(sim, sim.service, 'stock.picking', 'create', [
      { picking_type_id: 2, partner_id: 9 },
    ]);
    expect(received).toHaveLength(1);
    expect(JSON.parse((received[0] as Received).body)).toMatchObject({
      _id: id,
      name: 'WH/OUT/00015',
      state: 'draft',
    });
  });

  it('posts once per write, so one call writing twice posts twice', async () => {
    sim.addWebhook({ model: 'stock.picking', url: hookUrl(), fields: ['state'], triggerFields: ['state'] });
    await call(sim, sim.service, 'stock.picking', 'button_validate', [[1]]);
    // button_validate writes the moves' quantities and then the picking: one post for the picking.
    expect(received.map((r) => JSON.parse(r.body).state)).toEqual(['done']);
    await call(sim, sim.service, 'stock.picking', 'write', [[2, 3], { state: 'cancel' }]);
    expect(received.map((r) => JSON.parse(r.body)._id)).toEqual([1, 2, 3]);
  });

  it('gives up on a receiver that does not answer and still commits the write', async () => {
    sim.addWebhook({ model: 'stock.picking', url: hookUrl(), fields: ['state'] });
    onRequest = async () => undefined; // never answers
    await call(sim, sim.service, 'stock.picking', 'write', [[4], { state: 'cancel' }]);
    expect(sim.webhookDeliveries).toEqual([
      {
        url: hookUrl(),
        body: expect.stringContaining('"state": "cancel"'),
        error: 'Read timed out. (read timeout=1)',
      },
    ]);
    const [picking] = await call(sim, sim.service, 'stock.picking', 'read', [[4], ['state']]);
    expect(picking.state).toBe('cancel');
  });

  it('refuses a webhook on fields the model does not have', () => {
    expect(() => sim.addWebhook({ model: 'stock.picking', url: hookUrl(), fields: ['nope'] })).toThrow(
      /nope/,
    );
  });
});
