/**
 * Review: a webhook hint is a reason to re-read, never a reason to send. A hint for a record outside
 * the flow's domain (a draft picking) sends nothing; a hint for one inside it is queued at once.
 * Over real sockets: the Odoo simulator as source, the 3PL simulator as target.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../engine/config/load.js';
import { Engine } from '../engine/runtime/engine.js';
import { openSqliteStore } from '../engine/store/sqlite.js';
import type { Store } from '../engine/store/port.js';
import { SecretResolver, defaultSecretProviders } from '../engine/secrets/resolver.js';
import { defaultRegistry } from '../connectors/defaults.js';
import { startOdooSimulator, type OdooSimulator } from '../sandbox/odoo/simulator.js';
import { startThreePlSimulator, type ThreePlSimulator } from '../sandbox/threepl/simulator.js';
import { simulatorEnv } from '../sandbox/env.js';
import { ENV_CONNECTIONS as CONNECTIONS, writeProject } from './helpers/project.js';

const FLOW = `kind: Flow
name: picking-hints
source:
  connection: odoo
  model: stock.picking
  mode: create
  trigger: { webhook: { path: /hooks/pickings, token: "\${secret:env:HOOK_TOKEN}" } }
  domain: [[state, "=", done], [picking_type_code, "=", outgoing]]
  fields: [name, state]
  record_name: name
payload:
  version: v1
  versions:
    v1:
      schema: contract.json
      transform: '{ "picking": name }'
target: { connection: threepl, request: { method: POST, path: /v2/pickings } }
`;

let odoo: OdooSimulator;
let threepl: ThreePlSimulator;
let store: Store;
let engine: Engine;

beforeAll(async () => {
  odoo = await startOdooSimulator({ port: 0 });
  threepl = await startThreePlSimulator({ token: 'hint-token-0001' });
  const dir = writeProject({
    'connections.yaml': CONNECTIONS,
    'flow.yaml': FLOW,
    'contract.json': JSON.stringify({ type: 'object', required: ['picking'] }),
  });
  const env = { ...simulatorEnv(odoo, threepl, 'hint-token-0001'), HOOK_TOKEN: 'hook-token-0001' };
  store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'ferry-review-hint-')), 'state.db'));
  engine = new Engine(loadConfig(dir, { env }), {
    store,
    registry: defaultRegistry(),
    secrets: new SecretResolver(defaultSecretProviders(dir, env)),
  });
});

afterAll(async () => {
  await engine?.stop();
  await store?.close();
  await threepl?.close();
  await odoo?.close();
});

describe('review: webhook hints', () => {
  it('a hint for a record outside the domain sends nothing; one inside it is queued', async () => {
    const outgoing = ['picking_type_code', '=', 'outgoing'];
    const [draft] = odoo.db.search('stock.picking', [['state', '!=', 'done'], outgoing], { limit: 1 });
    const [done] = odoo.db.search('stock.picking', [['state', '=', 'done'], outgoing], { limit: 1 });
    expect(draft).toBeDefined();

    await engine.hint('picking-hints', [draft!]);
    expect(await store.counts()).toMatchObject({ queued: 0 });

    await engine.hint('picking-hints', [done!]);
    expect(await store.counts()).toMatchObject({ queued: 1 });
  });
});
