/**
 * End to end against the Odoo simulator, once per protocol: the same flow-shaped calls give the same
 * records and the same errors over JSON-RPC and XML-RPC (as Odoo 18) and JSON-2 (as Odoo 19).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOdooClient, type OdooClient } from '../connectors/odoo/client/client.js';
import type { Protocol } from '../connectors/odoo/client/errors.js';
import { FerryError } from '../engine/errors.js';
import { fixedSecret, type SecretHandle } from '../engine/secrets/types.js';
import { startOdooSimulator, type OdooSimulator } from '../sandbox/odoo/simulator.js';

const NOW = '2026-12-04 19:38:00';
const SETUPS: { protocol: Protocol; version: 18 | 19 }[] = [
  { protocol: 'jsonrpc', version: 18 },
  { protocol: 'xmlrpc', version: 18 },
  { protocol: 'json2', version: 19 },
];
const PICKING_FIELDS = [
  'name',
  'state',
  'origin',
  'partner_id',
  'scheduled_date',
  'date_done',
  'move_ids',
  'write_date',
];
/** What every protocol must read, filled by the first one. */
let baseline: unknown;

async function failure(promise: Promise<unknown>): Promise<FerryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FerryError);
  return error as FerryError;
}

for (const { protocol, version } of SETUPS) {
  describe(`${protocol} against the simulator as Odoo ${version}`, () => {
    let sim: OdooSimulator;
    const clients: OdooClient[] = [];
    const connect = (
      apiKey: SecretHandle = fixedSecret(sim.service.apiKey),
      chosen: Protocol | 'auto' = protocol,
    ) => {
      const c = createOdooClient({
        url: sim.url,
        database: sim.database,
        login: sim.service.login,
        apiKey,
        protocol: chosen,
      });
      clients.push(c);
      return c;
    };

    beforeAll(async () => {
      sim = await startOdooSimulator({
        version,
        now: NOW,
        seed: { serviceApiKeyExpires: '2099-01-01 00:00:00' },
      });
    });
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.close()));
      await sim.close();
    });

    it('reads the same records as every other protocol', async () => {
      const records = await connect().searchRead('stock.picking', [['picking_type_code', '=', 'outgoing']], {
        fields: PICKING_FIELDS,
        order: 'id asc',
        limit: 3,
      });
      expect(records).toHaveLength(3);
      const [first] = records;
      expect(first?.partner_id).toEqual([expect.any(Number), expect.any(String)]);
      expect(first?.write_date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      baseline ??= records;
      expect(records).toEqual(baseline);
    });

    it('writes, creates and loads, and reads the values back', async () => {
      const c = connect();
      await c.write('stock.picking', [1], { origin: `${protocol}-write` });
      const created = await c.create('stock.picking', {
        partner_id: 9,
        picking_type_id: 2,
        location_id: 8,
        location_dest_id: 5,
      });
      expect(created).toEqual(expect.any(Number));
      const loaded = await c.load(
        'stock.picking',
        ['.id', 'origin'],
        [
          ['2', `${protocol}-load-2`],
          ['3', `${protocol}-load-3`],
        ],
      );
      expect(loaded).toEqual({ ids: [2, 3], messages: [] });
      const back = await c.read('stock.picking', [1, 2, 3, created], ['origin']);
      expect(back.map((r) => r.origin)).toEqual([
        `${protocol}-write`,
        `${protocol}-load-2`,
        `${protocol}-load-3`,
        false,
      ]);
    });

    it('checks access rights and posts to the chatter', async () => {
      const c = connect();
      expect(await c.checkAccess('stock.picking', 'write')).toBe(true);
      expect(await c.checkAccess('res.users', 'create')).toBe(false);
      expect(await c.messagePost('stock.picking', 1, { body: 'Delivery failed: 3PL answered 422' })).toEqual(
        expect.any(Number),
      );
      expect(Object.keys(await c.fieldsGet('stock.picking', ['type']))).toContain('move_ids');
    });

    it('maps the simulator errors like Odoo', async () => {
      const c = connect();
      expect((await failure(c.write('stock.picking', [999999], { origin: 'x' }))).code).toBe(
        'FERRY_ODOO_MISSING_RECORD',
      );
      expect((await failure(c.read('stock.picking', [1], ['no_such_field']))).code).toBe(
        'FERRY_ODOO_BAD_REQUEST',
      );
      expect((await failure(c.create('res.users', { name: 'x', login: 'x' }))).code).toBe(
        'FERRY_ODOO_ACCESS_ERROR',
      );
      const denied = await failure(
        connect(fixedSecret('0000000000000000000000000000000000000000')).search('stock.picking', []),
      );
      expect(denied.code).toBe('FERRY_ODOO_ACCESS_DENIED');
      sim.injectFault({ kind: 'status', status: 502 });
      const down = await failure(c.search('stock.picking', []));
      expect({ code: down.code, retryable: down.retryable }).toEqual({
        code: 'FERRY_ODOO_NETWORK',
        retryable: true,
      });
    });

    it('picks up a rotated key after one refusal', async () => {
      let refreshed = 0;
      const rotated: SecretHandle = {
        ref: '${secret:test#odoo}',
        get: () => Promise.resolve(refreshed ? sim.service.apiKey : 'revoked-key-0123456789'),
        refresh: () => Promise.resolve((refreshed++, sim.service.apiKey)),
      };
      expect(await connect(rotated).search('stock.picking', [['id', '=', 1]])).toEqual([1]);
      expect(refreshed).toBe(1);
    });

    it(`chooses ${version >= 19 ? 'json2' : 'jsonrpc'} with protocol auto`, async () => {
      const c = connect(undefined, 'auto');
      expect(await c.serverVersion()).toBe(version);
      expect(await c.protocol()).toBe(version >= 19 ? 'json2' : 'jsonrpc');
    });
  });
}
