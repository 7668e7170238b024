/**
 * The Odoo simulator over JSON-RPC, checked against the captures of a real Odoo 18: the requests
 * of the samples are replayed verbatim and the answers compared (bodies, error shapes, statuses).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OdooSimulator } from '../sandbox/odoo/simulator.js';
import { post, sample, startLikeCaptures } from './odoo-sim-helpers.js';

let sim: OdooSimulator;
beforeAll(async () => {
  sim = await startLikeCaptures();
});
afterAll(async () => {
  await sim.close();
});

async function replay(name: string, edit: (body: string) => string = (b) => b) {
  const captured = sample(name);
  const response = await post(`${sim.url}${captured.requestPath}`, edit(captured.requestBody));
  return { captured, response };
}

describe('answers byte for byte like the captured server', () => {
  it.each([
    'jsonrpc_01_common_version.txt',
    'jsonrpc_02_common_authenticate_svc_apikey.txt',
    'jsonrpc_03_common_authenticate_wrong_key.txt',
    'jsonrpc_04_common_login_svc_apikey.txt',
    'jsonrpc_04b_common_authenticate_svc_password.txt',
    'jsonrpc_12_search_read_stock_move_of_picking.txt',
    'jsonrpc_13_search_ready_picking_ids.txt',
    'jsonrpc_11_search_read_sale_order_write_date.txt',
    'jsonrpc_37_missing_record_read.txt',
    'jsonrpc_53_has_access_stock_picking_write.txt',
    'jsonrpc_54_res_users_read_groups_svc.txt',
    'jsonrpc_55_res_groups_names_of_svc.txt',
  ])('%s', async (name) => {
    const { captured, response } = await replay(name);
    expect(response.status).toBe(200);
    expect(response.text).toBe(captured.body);
    expect(response.headers.get('content-type')).toBe(captured.headers['content-type']);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('connection')).toBe('close');
  });

  it.each([
    'jsonrpc_51_check_access_rights_account_move_create.txt',
    'jsonrpc_51_check_access_rights_product_product_create.txt',
    'jsonrpc_51_check_access_rights_res_partner_write.txt',
    'jsonrpc_51_check_access_rights_res_users_create.txt',
    'jsonrpc_51_check_access_rights_sale_order_create.txt',
    'jsonrpc_51_check_access_rights_stock_picking_write.txt',
    'jsonrpc_56_has_group_base_group_system.txt',
    'jsonrpc_56_has_group_sales_team_group_sale_salesman.txt',
    'jsonrpc_56_has_group_stock_group_stock_manager.txt',
    'jsonrpc_56_has_group_stock_group_stock_user.txt',
  ])('rights check %s', async (name) => {
    const { captured, response } = await replay(name);
    expect(response.text).toBe(captured.body);
  });
});

describe('errors have the captured shape', () => {
  it.each([
    'jsonrpc_05_execute_kw_wrong_key.txt',
    'jsonrpc_06_execute_kw_uid_key_mismatch.txt',
    'jsonrpc_30_access_error_create_res_users.txt',
    'jsonrpc_31_access_error_create_account_move.txt',
    'jsonrpc_32_access_error_write_res_company.txt',
    'jsonrpc_33_missing_model.txt',
    'jsonrpc_34_invalid_field_in_fields.txt',
    'jsonrpc_35_invalid_field_in_domain.txt',
    'jsonrpc_36_invalid_field_in_write.txt',
    'jsonrpc_38_missing_method.txt',
    'jsonrpc_39_private_method.txt',
    'jsonrpc_40_missing_record_write.txt',
    'jsonrpc_41_unknown_db.txt',
    'jsonrpc_43_create_sale_order_missing_required_field.txt',
    'jsonrpc_52_check_access_rights_raise_res_users_create.txt',
    'jsonrpc_57_ir_model_data_group_xmlids.txt',
  ])('%s', async (name) => {
    const { captured, response } = await replay(name);
    const expected = JSON.parse(captured.body);
    const actual = JSON.parse(response.text);
    expect(response.status).toBe(200);
    expect(actual).toEqual(expected);
    expect(Object.keys(actual.error.data)).toEqual(Object.keys(expected.error.data));
    // Odoo adds nosniff only after a successful dispatch.
    expect(response.headers.get('x-content-type-options')).toBeNull();
    expect(response.headers.get('connection')).toBe('close');
  });

  it('refuses to cancel a done transfer with the captured UserError', async () => {
    // The capture cancelled picking 19 after validating it; picking 6 is done in the seed.
    const { captured, response } = await replay('jsonrpc_44_user_error_cancel_done_picking.txt', (b) =>
      b.replace('[[19]]', '[[6]]'),
    );
    expect(JSON.parse(response.text)).toEqual(JSON.parse(captured.body));
  });

  it('answers malformed JSON with a bare 400', async () => {
    const { captured, response } = await replay('jsonrpc_42_malformed_json.txt');
    expect(response.status).toBe(captured.status);
    expect(response.text).toBe(captured.body);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('keeps result out of the envelope when the method returns None', async () => {
    const body = JSON.stringify({
      jsonrpc: '2.0',
      method: 'call',
      id: 7,
      params: {
        service: 'object',
        method: 'execute_kw',
        args: ['acc', 8, '<ODOO_SVC_API_KEY>', 'stock.picking', 'check_access_rights', ['write'], {}],
      },
    });
    const response = await post(`${sim.url}/jsonrpc`, body);
    expect(response.text).toBe('{"jsonrpc": "2.0", "id": 7}');
  });
});

describe('records have the captured encoding', () => {
  it('reads sales orders as the admin like the capture (dates aside)', async () => {
    const { captured, response } = await replay('jsonrpc_11b_search_read_sale_order_as_admin.txt');
    const mask = (rows: Array<Record<string, unknown>>) =>
      rows.map((row) => ({
        ...row,
        date_order: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
        write_date: expect.any(String),
      }));
    const expected = JSON.parse(captured.body).result;
    const actual = JSON.parse(response.text).result;
    expect(actual).toEqual(mask(expected));
    expect(Object.keys(actual[0])).toEqual(Object.keys(expected[0]));
    expect(response.text).toContain('"amount_total": 2240.0');
  });

  it('writes and reads back with the writer as write_uid and a second-precision write_date', async () => {
    const write = await replay('jsonrpc_20_write_stock_picking_svc.txt');
    expect(write.response.text).toBe(write.captured.body);
    const read = await replay('jsonrpc_21_read_back_after_write.txt');
    const [record] = JSON.parse(read.response.text).result;
    expect(record).toEqual({
      id: 1,
      origin: '3PL-ACC-20261204193816',
      write_date: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      write_uid: [8, '3PL Integration (service account)'],
    });
  });

  it('describes stock.picking fields as the captured fields_get does', async () => {
    const { captured, response } = await replay('jsonrpc_50_fields_get_stock_picking.txt');
    const expected = JSON.parse(captured.body).result as Record<string, Record<string, unknown>>;
    const actual = JSON.parse(response.text).result as Record<string, Record<string, unknown>>;
    const common = Object.keys(actual).filter((name) => name in expected);
    expect(common.length).toBeGreaterThan(25);
    for (const name of common) {
      expect({ name, ...actual[name] }).toEqual({ name, ...expected[name] });
      expect(Object.keys(actual[name] as object)).toEqual(Object.keys(expected[name] as object));
    }
    expect(actual.x_3pl_shipment_id).toMatchObject({ type: 'char', string: '3PL Shipment ID' });
  });

  it('reads the captured search_read of transfers with the same keys and encodings', async () => {
    const { captured, response } = await replay('jsonrpc_10_search_read_stock_picking_write_date.txt');
    const [expected] = JSON.parse(captured.body).result;
    const actual = JSON.parse(response.text).result;
    expect(actual).toHaveLength(5);
    expect(Object.keys(actual[0])).toEqual(Object.keys(expected));
    expect(actual[0]).toMatchObject({
      picking_type_id: [2, 'YourCompany: Delivery Orders'],
      location_id: [8, 'WH/Stock'],
      location_dest_id: [5, 'Partners/Customers'],
      picking_type_code: 'outgoing',
    });
  });
});
