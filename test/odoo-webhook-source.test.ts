import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OdooClient } from '../connectors/odoo/client/client.js';
import { registerOdoo } from '../connectors/odoo/index.js';
import { createWebhookHandler } from '../connectors/odoo/webhook.js';
import { ConnectorRegistry } from '../connectors/registry.js';
import type { SourceConnection } from '../engine/runtime/ports.js';
import { SecretProviderRegistry } from '../engine/secrets/provider.js';
import { envSecretProvider } from '../engine/secrets/providers/env.js';
import { SecretResolver } from '../engine/secrets/resolver.js';
import { fixedSecret } from '../engine/secrets/types.js';
import { startOdooSimulator, type OdooSimulator } from '../sandbox/odoo/simulator.js';
import { clientAs, flowConfig, odooConnection } from './odoo-source-fixtures.js';

const TOKEN = 'hook-token-2b9c';
let sim: OdooSimulator;
let server: Server;
let connection: SourceConnection;
let operator: OdooClient;
const hints: number[][] = [];

beforeEach(async () => {
  sim = await startOdooSimulator();
  const secrets = new SecretResolver(
    new SecretProviderRegistry().register(envSecretProvider({ ODOO_API_KEY: sim.service.apiKey })),
  );
  const factory = registerOdoo(new ConnectorRegistry()).source('odoo');
  connection = factory!({ ...odooConnection(sim.url), database: sim.database }, secrets);
  // Someone at the warehouse, working through the API like the web client does.
  operator = clientAs(sim);
  hints.length = 0;
  const handler = createWebhookHandler([
    {
      path: '/hooks/pickings',
      token: fixedSecret(TOKEN),
      model: 'stock.picking',
      onHint: (ids) => {
        hints.push(ids);
        return Promise.resolve();
      },
    },
  ]);
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await operator.close();
  await connection.close();
  await sim.close();
});

describe('Odoo webhook source with the simulator', () => {
  it('takes the id from the post and reads the committed record through the API', async () => {
    const port = (server.address() as AddressInfo).port;
    sim.addWebhook({
      model: 'stock.picking',
      url: `http://127.0.0.1:${port}/hooks/pickings?token=${TOKEN}`,
      fields: ['name', 'state'],
      triggerFields: ['state'],
      on: ['write'],
    });
    const flow = flowConfig({
      domain: [['state', '=', 'done']],
      fields: ['name', 'state', 'move_ids'],
      expand: { move_ids: { fields: ['product_id', 'quantity'] } },
    });
    const source = connection.flowSource(flow);
    const [ready] = await operator.search('stock.picking', [['state', '=', 'assigned']], { limit: 1 });
    await operator.executeKw('stock.picking', 'button_validate', [[ready]]);

    // The post left before Odoo committed; by now the call has returned and the data is there.
    expect(hints).toEqual([[ready]]);
    const records = await source.readRecords(hints.flat());
    expect(records.map((record) => [record.id, record.record.state])).toEqual([[ready, 'done']]);
    expect(Array.isArray(records[0]?.record.move_ids)).toBe(true);
  });
});
