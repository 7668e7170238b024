/**
 * JSON-2 (Odoo 19): bearer API keys, named arguments, bare results, and errors as JSON bodies with
 * 401/403/404/422. Before 19 the route does not exist: the captured redirect to the login page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOdooSimulator, type OdooSimulator } from '../sandbox/odoo/simulator.js';
import { post, sample, startLikeCaptures } from './odoo-sim-helpers.js';

describe('as Odoo 18, /json/2 is absent', () => {
  it.each(['json2_01_absent_in_this_version.txt', 'json2_02_absent_with_bearer_key.txt'])(
    '%s redirects to the login page as captured',
    async (name) => {
      const sim = await startLikeCaptures({ version: 18 });
      try {
        const captured = sample(name);
        const response = await post(`${sim.url}${captured.requestPath}`, captured.requestBody, {
          Authorization: `bearer ${sim.service.apiKey}`,
        });
        expect(response.status).toBe(303);
        expect(response.headers.get('location')).toBe(captured.headers.location);
        expect(response.text).toBe(captured.body);
        expect(response.text.length).toBe(Number(captured.headers['content-length']));
      } finally {
        await sim.close();
      }
    },
  );
});

describe('as Odoo 19', () => {
  let sim: OdooSimulator;
  beforeAll(async () => {
    sim = await startOdooSimulator({ version: 19, seed: { serviceApiKeyExpires: '2099-01-01 00:00:00' } });
  });
  afterAll(async () => {
    await sim.close();
  });

  const json2 = async (
    model: string,
    method: string,
    body: unknown,
    key: string | null = sim.service.apiKey,
  ) => {
    const headers: Record<string, string> = { 'X-Odoo-Database': sim.database };
    if (key !== null) headers.Authorization = `bearer ${key}`;
    const response = await post(`${sim.url}/json/2/${model}/${method}`, JSON.stringify(body), headers);
    return { ...response, json: JSON.parse(response.text) };
  };

  it('answers the bare result of search_read with named arguments', async () => {
    const response = await json2('stock.picking', 'search_read', {
      domain: [
        ['picking_type_code', '=', 'outgoing'],
        ['state', '=', 'assigned'],
      ],
      fields: ['name', 'partner_id'],
      order: 'id asc',
      limit: 2,
    });
    expect(response.status).toBe(200);
    expect(response.text).toBe(
      '[{"id": 1, "name": "WH/OUT/00001", "partner_id": [9, "Wood Corner"]}, {"id": 2, "name": "WH/OUT/00002", "partner_id": [9, "Wood Corner"]}]',
    );
  });

  it('takes record ids in `ids` and returns created records as ids', async () => {
    const created = await json2('stock.picking', 'create', {
      vals_list: [{ picking_type_id: 2, partner_id: 10 }],
    });
    expect(created.status).toBe(200);
    expect(created.json).toEqual([expect.any(Number)]);
    const read = await json2('stock.picking', 'read', { ids: created.json, fields: ['name', 'location_id'] });
    expect(read.json).toEqual([{ id: created.json[0], name: 'WH/OUT/00015', location_id: [8, 'WH/Stock'] }]);
    const posted = await json2('stock.picking', 'message_post', {
      ids: created.json,
      body: 'Shipped <b>today</b>',
    });
    expect(posted.json).toEqual([expect.any(Number)]);
    const [message] = sim.db.read('mail.message', posted.json, ['body', 'subtype_id', 'model', 'res_id']);
    expect(message).toMatchObject({
      body: 'Shipped &lt;b&gt;today&lt;/b&gt;',
      subtype_id: [2, 'Note'],
      model: 'stock.picking',
    });
  });

  it('answers has_access and has no check_access_rights any more', async () => {
    expect((await json2('stock.picking', 'has_access', { operation: 'write' })).json).toBe(true);
    expect((await json2('res.users', 'has_access', { operation: 'create' })).json).toBe(false);
    const gone = await json2('stock.picking', 'check_access_rights', { operation: 'write' });
    expect(gone.status).toBe(404);
    expect(gone.json.message).toBe("The method 'stock.picking.check_access_rights' does not exist");
  });

  it('answers 401 without a key, with an unknown key and with an expired key', async () => {
    const missing = await json2('stock.picking', 'search', { domain: [] }, null);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(missing.json.message).toBe('User not authenticated, use the "Authorization" header');
    const wrong = await json2('stock.picking', 'search', { domain: [] }, '0'.repeat(40));
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({
      name: 'werkzeug.exceptions.Unauthorized',
      message: 'Invalid apikey',
      arguments: ['Invalid apikey', 401],
      context: {},
      debug:
        'Traceback (most recent call last): [frames omitted]\nwerkzeug.exceptions.Unauthorized: 401 Unauthorized: Invalid apikey',
    });
    const expired = sim.addUser({
      login: 'old_integration',
      groups: ['stock.group_stock_user'],
      expires: '2020-01-01 00:00:00',
    });
    expect((await json2('stock.picking', 'search', { domain: [] }, expired.apiKey)).status).toBe(401);
  });

  it('answers 403 for a missing right and for private methods', async () => {
    const denied = await json2('res.users', 'create', { vals_list: [{ login: 'x', name: 'x' }] });
    expect(denied.status).toBe(403);
    expect(denied.json.name).toBe('odoo.exceptions.AccessError');
    expect(Object.keys(denied.json)).toEqual(['name', 'message', 'arguments', 'context', 'debug']);
    expect((await json2('stock.picking', '_action_done', { ids: [1] })).status).toBe(403);
  });

  it('answers 404 for unknown models, methods and missing records', async () => {
    const model = await json2('x_nope', 'search', { domain: [] });
    expect(model.status).toBe(404);
    expect(model.json.message).toBe("the model 'x_nope' does not exist");
    expect((await json2('stock.picking', 'nope', {})).status).toBe(404);
    const missing = await json2('stock.picking', 'write', { ids: [999999], vals: { origin: 'x' } });
    expect(missing.status).toBe(404);
    expect(missing.json.name).toBe('odoo.exceptions.MissingError');
  });

  it('answers 422 for bad arguments, ids on model methods and user errors', async () => {
    const extra = await json2('stock.picking', 'search', { domain: [], colour: 'red' });
    expect(extra.status).toBe(422);
    expect(extra.json.message).toBe("got an unexpected keyword argument 'colour'");
    const withIds = await json2('stock.picking', 'search', { ids: [1], domain: [] });
    expect(withIds.json.message).toBe('cannot call stock.picking.search with ids');
    const cancel = await json2('stock.picking', 'action_cancel', { ids: [6] });
    expect(cancel.status).toBe(422);
    expect(cancel.json.name).toBe('odoo.exceptions.UserError');
    const bad = await post(`${sim.url}/json/2/stock.picking/search`, '{"domain": [', {
      Authorization: `bearer ${sim.service.apiKey}`,
    });
    expect(bad.status).toBe(400);
  });

  it('refuses an unknown database and a GET', async () => {
    const response = await post(`${sim.url}/json/2/stock.picking/search`, '{"domain": []}', {
      Authorization: `bearer ${sim.service.apiKey}`,
      'X-Odoo-Database': 'elsewhere',
    });
    expect(response.status).toBe(404);
    const get = await fetch(`${sim.url}/json/2/stock.picking/search`);
    expect(get.status).toBe(404);
    expect(((await get.json()) as { message: string }).message).toBe(
      'Did you mean POST /json/2/<model>/<method>?',
    );
  });

  it('still speaks JSON-RPC, with the error data key order of 19', async () => {
    const response = await post(
      `${sim.url}/jsonrpc`,
      JSON.stringify({
        jsonrpc: '2.0',
        method: 'call',
        id: 1,
        params: {
          service: 'object',
          method: 'execute_kw',
          args: [sim.database, 8, 'wrong', 'stock.picking', 'search', [[]]],
        },
      }),
    );
    expect(Object.keys(JSON.parse(response.text).error.data)).toEqual([
      'name',
      'message',
      'arguments',
      'context',
      'debug',
    ]);
  });
});
