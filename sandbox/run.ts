/**
 * `ferry sandbox`: the example flows against the built-in simulators, on the embedded SQLite store,
 * so a newcomer sees Ferry work in one command: records flow to the 3PL, a picking that breaks its
 * contract is dead-lettered and posted in Odoo's chatter, fixed in Odoo, requeued and delivered.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../engine/config/load.js';
import { startEngine } from '../engine/runtime/start.js';
import { fixedSecret } from '../engine/secrets/types.js';
import { createOdooClient } from '../connectors/odoo/client/client.js';
import { startOdooSimulator } from './odoo/simulator.js';
import { startThreePlSimulator } from './threepl/simulator.js';
import { simulatorEnv } from './env.js';

export interface SandboxOptions {
  flowsDir: string;
  stateDir: string;
  out: (line: string) => void;
  /** Keep the simulators and the engine running after the tour, until SIGINT/SIGTERM. */
  keep?: boolean;
}

const THREEPL_TOKEN = 'sandbox-3pl-token-0001';
/** Where the tour keeps its state, relative to the folder it runs in. */
const STORE_FILE = '.ferry/sandbox.db';

export async function runSandbox(options: SandboxOptions): Promise<number> {
  const { out } = options;
  const odoo = await startOdooSimulator({ port: 0 });
  // The flows run as the seeded service account; the tour plays the operator as admin.
  const SERVICE = odoo.service;
  const OPERATOR = odoo.admin;
  const threepl = await startThreePlSimulator({ token: THREEPL_TOKEN });
  out(`Odoo simulator   ${odoo.url}  (database ${odoo.database}, service account ${SERVICE.login})`);
  out(`3PL simulator    ${threepl.url}`);

  const env: NodeJS.ProcessEnv = { ...process.env, ...simulatorEnv(odoo, threepl, THREEPL_TOKEN) };
  const config = loadConfig(options.flowsDir, { env });
  rmSync(join(options.stateDir, 'sandbox.db'), { force: true });
  const started = await startEngine(config, {
    storeUrl: `sqlite:${join(options.stateDir, 'sandbox.db')}`,
    env,
  });
  const { engine, store } = started;
  const operator = createOdooClient({
    url: odoo.url,
    database: odoo.database,
    login: OPERATOR.login,
    apiKey: fixedSecret(OPERATOR.apiKey),
  });

  try {
    out('\n1. Running every flow once (poll → render → contract → deliver → write back)…');
    await engine.runOnce(5000);
    await summary(store, out);

    const [letter] = await store.listDeadLetters({ flow: 'shipment-to-3pl' });
    if (letter) {
      out(
        `\n2. Dead letter #${letter.id}: ${letter.recordName}  ${letter.errorCode}  ${letter.errorMessage}`,
      );
      const notes = await operator.searchRead(
        'mail.message',
        [
          ['model', '=', 'stock.picking'],
          ['res_id', '=', letter.recordId],
        ],
        { fields: ['body'], order: 'id desc', limit: 1 },
      );
      out(`   Posted in the picking's chatter in Odoo: ${notes.length ? 'yes' : 'no'}`);
      out(`   Its whole story: npx ferry trace ${letter.correlationId} --store sqlite:${STORE_FILE}`);

      out(
        '\n3. An operator fixes the picking in Odoo (links its sale order) and requeues it with --rerender…',
      );
      const [order] = await operator.search('sale.order', [], { limit: 1 });
      await operator.write('stock.picking', [letter.recordId], { sale_id: order });
      await store.requeue({ ids: [letter.id] }, { rerender: true });
      await engine.runOnce(5000);
      await summary(store, out);
    }
    const [delivered] = await operator.searchRead(
      'stock.picking',
      [['x_integration_correlation_id', '!=', false]],
      { fields: ['name', 'x_integration_correlation_id', 'x_3pl_shipment_id'], limit: 1 },
    );
    if (delivered) {
      out(
        `\n4. Written back on ${String(delivered.name)}: correlation ${String(delivered.x_integration_correlation_id)}, shipment ${String(delivered.x_3pl_shipment_id)}`,
      );
    }
    out(
      `\nThe 3PL received ${threepl.received.length} requests. State: ${join(options.stateDir, 'sandbox.db')}`,
    );

    if (options.keep) {
      out('\nStill running (Ctrl-C to stop): edit flows/ and run `ferry run --watch` against these URLs.');
      engine.start();
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
    return 0;
  } finally {
    await started.close();
    await operator.close();
    await threepl.close();
    await odoo.close();
  }
}

async function summary(
  store: Awaited<ReturnType<typeof startEngine>>['store'],
  out: (line: string) => void,
): Promise<void> {
  const counts = await store.counts();
  out(
    `   delivered ${counts.delivered}   dead-lettered ${counts.dead}   pending ${counts.queued + counts.leased}`,
  );
}
