/**
 * The Odoo simulator's data semantics over real HTTP: domains, write_date precision, load() with
 * rollback, access rights and record rules, chatter methods, release differences and counters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOdooSimulator, type OdooSimulator } from '../sandbox/odoo/simulator.js';
import { call, executeKw } from './odoo-sim-helpers.js';

let sim: OdooSimulator;
beforeAll(async () => {
  sim = await startOdooSimulator();
});
afterAll(async () => {
  await sim.close();
});

const pickings = (domain: unknown[]) =>
  call(sim, sim.admin, 'stock.picking', 'search', [domain], { order: 'id asc' });

describe('domains', () => {
  it('combines terms with implicit &, |, and !', async () => {
    expect(
      await pickings([
        ['state', '=', 'assigned'],
        ['partner_id', '=', 9],
      ]),
    ).toEqual([1, 2, 3, 5, 19]);
    expect(await pickings(['|', ['state', '=', 'draft'], ['state', '=', 'done']])).toEqual([4, 6, 17]);
    expect(await pickings(['!', ['state', 'in', ['assigned', 'done']]])).toEqual([4, 16]);
    expect(
      await pickings(['&', ['state', '=', 'done'], '|', ['sale_id', '=', false], ['origin', '=like', 'S%']]),
    ).toEqual([6, 17]);
  });

  it('matches like, ilike, =like, =ilike and their negations', async () => {
    expect(await pickings([['origin', 'ilike', 'SHIPMENT']])).toEqual([1, 2, 3, 5, 6, 19]);
    expect(await pickings([['origin', 'like', 'SHIPMENT']])).toEqual([]);
    expect(await pickings([['name', '=like', 'WH/OUT/0001_']])).toEqual([16, 17, 19]);
    expect(await pickings([['name', '=ilike', 'wh/out/00001']])).toEqual([1]);
    expect(await pickings([['origin', 'not ilike', 'shipment']])).toEqual([4, 16, 17]);
  });

  it("treats '!=' and 'not in' as matching empty values, like Odoo's SQL", async () => {
    expect(await pickings([['sale_id', '!=', 24]])).toEqual([1, 2, 3, 4, 5, 6, 19]);
    expect(await pickings([['sale_id', 'not in', [24]]])).toEqual([1, 2, 3, 4, 5, 6, 19]);
    expect(await pickings([['sale_id', 'in', [24, false]]])).toEqual([1, 2, 3, 4, 5, 6, 16, 17, 19]);
  });

  it('follows dotted paths through many2one and one2many fields', async () => {
    expect(await pickings([['partner_id.parent_id.name', '=', 'Gemini Furniture']])).toEqual([16, 17]);
    expect(await pickings([['move_ids.product_id.default_code', '=', 'FURN_8855']])).toEqual([1, 6, 19]);
    expect(await pickings([['partner_id', 'ilike', 'wood']])).toEqual([1, 2, 3, 4, 5, 6, 19]);
  });

  it('rejects unknown operators and malformed domains with ValueError', async () => {
    const envelope = await executeKw(sim, sim.admin, 'stock.picking', 'search', [[['state', 'is', 'done']]]);
    expect(envelope.error.data).toMatchObject({
      name: 'builtins.ValueError',
      message: "Invalid leaf ('state', 'is', 'done')",
    });
    const malformed = await executeKw(sim, sim.admin, 'stock.picking', 'search', [
      ['|', ['state', '=', 'done']],
    ]);
    expect(malformed.error.data.name).toBe('builtins.ValueError');
  });

  it('validates order and sorts with NULLs as PostgreSQL does', async () => {
    const order = await call(
      sim,
      sim.admin,
      'stock.picking',
      'search',
      [[['picking_type_code', '=', 'outgoing']]],
      {
        order: 'date_done desc, id asc',
      },
    );
    expect(order.slice(0, 7)).toEqual([1, 3, 4, 5, 16, 19, 17]);
    const invalid = await executeKw(sim, sim.admin, 'stock.picking', 'search', [[]], {
      order: 'id; drop table',
    });
    expect(invalid.error.data.message).toMatch(/^Invalid "order" specified/);
  });
});

describe('write_date', () => {
  it('keeps microseconds, answers seconds, and compares at full precision', async () => {
    sim.db.freezeClock('2026-12-04 19:38:16.123456');
    try {
      await call(sim, sim.service, 'stock.picking', 'write', [[3], { origin: 'again' }]);
      expect(sim.db.writeDate('stock.picking', 3)).toBe('2026-12-04 19:38:16.123456');
      const [read] = await call(sim, sim.service, 'stock.picking', 'read', [[3], ['write_date']]);
      expect(read.write_date).toBe('2026-12-04 19:38:16');
      expect(await pickings([['write_date', '=', '2026-12-04 19:38:16']])).toEqual([]);
      expect(await pickings([['write_date', '>', '2026-12-04 19:38:16']])).toContain(3);
      expect(await pickings([['write_date', '=', '2026-12-04 19:38:16.123456']])).toEqual([3]);
    } finally {
      sim.db.unfreezeClock();
    }
  });

  it('gives every record of one call or bulk write the same timestamp', async () => {
    sim.db.write('stock.picking', [1, 2, 5], { priority: '1' });
    const stamps = new Set([1, 2, 5].map((id) => sim.db.writeDate('stock.picking', id)));
    expect(stamps.size).toBe(1);
    const created = sim.db.createMany('res.partner', [{ name: 'A' }, { name: 'B' }]);
    expect(sim.db.writeDate('res.partner', created[0] as number)).toBe(
      sim.db.writeDate('res.partner', created[1] as number),
    );
    const cursor = await call(sim, sim.admin, 'stock.picking', 'search', [[['priority', '=', '1']]], {
      order: 'write_date asc, id asc',
    });
    expect(cursor).toEqual([1, 2, 5]);
  });
});

describe('load', () => {
  it('creates and updates rows by external id and database id', async () => {
    const result = await call(sim, sim.admin, 'res.partner', 'load', [
      ['id', 'name', 'email', 'parent_id'],
      [
        ['ferry_test.customer_a', 'Customer A', 'a@example.com', ''],
        ['ferry_test.contact_a', 'Contact A', '', 'Customer A'],
      ],
    ]);
    expect(result).toEqual({ ids: [expect.any(Number), expect.any(Number)], messages: [] });
    const again = await call(sim, sim.admin, 'res.partner', 'load', [
      ['id', 'email'],
      [['ferry_test.customer_a', 'new@example.com']],
    ]);
    expect(again.ids).toEqual([result.ids[0]]);
    const byDbId = await call(sim, sim.admin, 'res.partner', 'load', [
      ['.id', 'phone'],
      [[String(result.ids[1]), '555']],
    ]);
    expect(byDbId.ids).toEqual([result.ids[1]]);
    expect(sim.db.read('res.partner', result.ids, ['email', 'phone', 'display_name'])).toEqual([
      { id: result.ids[0], email: 'new@example.com', phone: false, display_name: 'Customer A' },
      { id: result.ids[1], email: false, phone: '555', display_name: 'Customer A, Contact A' },
    ]);
  });

  it('rolls the whole call back when one row fails and reports every failing row', async () => {
    const before = sim.db.search('res.partner', [], { limit: 1000 }).length;
    const result = await call(sim, sim.admin, 'res.partner', 'load', [
      ['name', 'parent_id'],
      [
        ['Good row', ''],
        ['Bad parent', 'Nobody Of That Name'],
        ['Good again', 'Wood Corner'],
      ],
    ]);
    expect(result.ids).toBe(false);
    expect(result.messages).toEqual([
      {
        rows: { from: 1, to: 1 },
        type: 'error',
        record: 1,
        field: 'parent_id',
        message: "No matching record found for name 'Nobody Of That Name' in field 'Related Company'",
        field_name: 'Related Company',
      },
    ]);
    expect(sim.db.search('res.partner', [], { limit: 1000 })).toHaveLength(before);
  });

  it('reports a missing required value as the ValidationError of the row', async () => {
    const result = await call(sim, sim.admin, 'sale.order', 'load', [['client_order_ref'], [['PO-1']]]);
    expect(result.ids).toBe(false);
    expect(result.messages[0]).toMatchObject({
      type: 'error',
      record: 0,
      message: expect.stringContaining('Field: Customer (partner_id)'),
    });
  });
});

describe('access rights and record rules', () => {
  it('lets a salesman see only its own orders and refuses reading the others', async () => {
    expect(await call(sim, sim.service, 'sale.order', 'search', [[]])).toEqual([12]);
    const envelope = await executeKw(sim, sim.service, 'sale.order', 'read', [[4], ['name']]);
    expect(envelope.error.data.name).toBe('odoo.exceptions.AccessError');
    expect(envelope.error.data.message).toContain(
      "Due to security restrictions, you are not allowed to access 'Sales Order' (sale.order) records.",
    );
    expect(envelope.error.data.message).toContain('- Personal Orders');
  });

  it('gives an added user exactly the rights of its groups', async () => {
    const clerk = sim.addUser({ login: 'clerk', groups: ['base.group_user'] });
    const denied = await executeKw(sim, clerk, 'stock.picking', 'search_read', [[]], { fields: ['name'] });
    expect(denied.error.data.message).toBe(
      "You are not allowed to access 'Transfer' (stock.picking) records.\n\nThis operation is allowed for the following groups:\n" +
        '\t- Inventory/User\n\t- Inventory/Administrator\n\t- Sales/User: Own Documents Only\n\nContact your administrator to request access if necessary.',
    );
    expect(
      await call(sim, clerk, 'res.partner', 'check_access_rights', ['read'], { raise_exception: false }),
    ).toBe(true);
    expect(await call(sim, clerk, 'res.users', 'has_group', [[clerk.uid], 'base.group_user'])).toBe(true);
  });
});

describe('chatter and business methods', () => {
  it('posts a note with message_post and schedules an activity', async () => {
    const messageId = await call(sim, sim.service, 'stock.picking', 'message_post', [[5]], {
      body: 'Delivery refused by the carrier',
      message_type: 'comment',
    });
    expect(typeof messageId).toBe('number');
    const [message] = await call(sim, sim.service, 'mail.message', 'read', [
      [messageId],
      ['body', 'subtype_id', 'author_id', 'model', 'res_id'],
    ]);
    expect(message).toEqual({
      id: messageId,
      body: 'Delivery refused by the carrier',
      subtype_id: [2, 'Note'],
      author_id: [45, '3PL Integration (service account)'],
      model: 'stock.picking',
      res_id: 5,
    });
    const activities = await call(sim, sim.service, 'stock.picking', 'activity_schedule', [[5]], {
      act_type_xmlid: 'mail.mail_activity_data_todo',
      summary: 'Check the shipment',
      date_deadline: '2026-12-31',
    });
    const [picking] = await call(sim, sim.service, 'stock.picking', 'read', [
      [5],
      ['activity_ids', 'message_ids'],
    ]);
    expect(picking.activity_ids).toEqual(activities);
    expect(picking.message_ids).toContain(messageId);
  });

  it('creates activities directly on mail.activity, due today by default', async () => {
    sim.db.freezeClock('2026-12-04 23:30:00');
    try {
      const id = await call(sim, sim.service, 'mail.activity', 'create', [
        { res_model: 'stock.picking', res_id: 2, summary: 'Call the carrier' },
      ]);
      const [activity] = await call(sim, sim.service, 'mail.activity', 'read', [
        [id],
        ['date_deadline', 'user_id'],
      ]);
      expect(activity).toEqual({
        id,
        date_deadline: '2026-12-04',
        user_id: [8, '3PL Integration (service account)'],
      });
    } finally {
      sim.db.unfreezeClock();
    }
  });

  it('confirms an order into a delivery with one move per line', async () => {
    await call(sim, sim.service, 'sale.order', 'action_confirm', [[12]]);
    const [order] = await call(sim, sim.service, 'sale.order', 'read', [[12], ['state', 'picking_ids']]);
    expect(order.state).toBe('sale');
    const [delivery] = await call(sim, sim.service, 'stock.picking', 'read', [
      order.picking_ids,
      ['origin', 'state', 'move_ids'],
    ]);
    expect(delivery).toMatchObject({ origin: 'S00012', state: 'confirmed', move_ids: [expect.any(Number)] });
  });

  it('counts calls in total and per model and method', async () => {
    sim.resetCalls();
    await call(sim, sim.service, 'stock.picking', 'search', [[]]);
    await call(sim, sim.service, 'stock.picking', 'search', [[]]);
    await executeKw(sim, sim.service, 'res.partner', 'read', [[9], ['name']]);
    expect(sim.calls.total).toBe(3);
    expect(sim.calls.of('stock.picking', 'search')).toBe(2);
    expect(sim.calls.byMethod()).toEqual({ 'stock.picking/search': 2, 'res.partner/read': 1 });
  });
});

describe('release differences', () => {
  it('uses move_lines and quantity_done and still has name_get as Odoo 16', async () => {
    const old = await startOdooSimulator({ version: 16 });
    try {
      const [picking] = await call(old, old.service, 'stock.picking', 'read', [[1], ['move_lines']]);
      expect(picking.move_lines).toEqual([18]);
      const [move] = await call(old, old.service, 'stock.move', 'read', [[18], ['quantity_done']]);
      expect(move.quantity_done).toBe(15);
      const missing = await executeKw(old, old.service, 'stock.picking', 'read', [[1], ['move_ids']]);
      expect(missing.error.data.message).toBe("Invalid field 'move_ids' on model 'stock.picking'");
      expect(await call(old, old.service, 'stock.picking', 'name_get', [[1]])).toEqual([[1, 'WH/OUT/00001']]);
      expect(
        (await executeKw(old, old.service, 'stock.picking', 'has_access', [[], 'read'])).error.data.name,
      ).toBe('builtins.AttributeError');
    } finally {
      await old.close();
    }
  });

  it('has no name_get from 18 on', async () => {
    const envelope = await executeKw(sim, sim.service, 'stock.picking', 'name_get', [[1]]);
    expect(envelope.error.data.message).toBe("The method 'stock.picking.name_get' does not exist");
  });
});
