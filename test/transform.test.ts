import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../engine/config/load.js';
import { render } from '../engine/transform/render.js';
import { isFerryError } from '../engine/errors.js';
import { FLOW, project } from './helpers/project.js';

const flowsDir = fileURLToPath(new URL('../flows', import.meta.url));

describe('rendering payload versions', () => {
  const config = loadConfig(flowsDir, { env: {} });
  const shipment = config.flows.get('shipment-to-3pl')!;
  const record = {
    id: 7,
    name: 'WH/OUT/00007',
    partner_id: [12, 'Azure Interior'],
    sale_id: [3, 'S00003'],
    origin: false,
    scheduled_date: '2026-12-04 09:30:00',
    move_ids: [{ id: 1, product_id: { id: 5, default_code: 'FURN_7800', name: 'Desk' }, quantity: 2 }],
  };

  it('renders the active version with the Odoo helpers and passes its contract', async () => {
    const out = await render(shipment.payload.versions.get('v2')!, record, { flow: shipment.name });
    expect(out.payload).toEqual({
      schema_version: 'v2',
      order_ref: 'S00003',
      picking: 'WH/OUT/00007',
      customer: 'Azure Interior',
      lines: [{ sku: 'FURN_7800', qty: 2 }],
    });
    expect(out.violations).toEqual([]);
  });

  it('lists contract violations by JSON pointer instead of sending', async () => {
    const broken = {
      ...record,
      move_ids: [{ id: 1, product_id: { id: 5, default_code: false }, quantity: 0 }],
    };
    const out = await render(shipment.payload.versions.get('v2')!, broken, { flow: shipment.name });
    expect(out.violations.map((v) => v.pointer)).toEqual(['/lines/0/sku', '/lines/0/qty']);
  });

  it('binds $correlation_id, $flow and $version', async () => {
    const dir = project(FLOW.replace('"ref": name', '"ref": $flow & "/" & $version & "/" & $correlation_id'));
    const flow = loadConfig(dir, { env: { ODOO_API_KEY: 'k', THREEPL_TOKEN: 't' } }).flows.get('orders')!;
    const out = await render(
      flow.payload.versions.get('v1')!,
      { name: 'SO1' },
      { flow: 'orders', correlationId: 'c-1' },
    );
    expect(out.payload).toEqual({ ref: 'orders/v1/c-1' });
  });

  it('a transform that fails at run time is a FERRY_TRANSFORM error', async () => {
    const dir = project(FLOW.replace('"ref": name', '"ref": $number("not a number")'));
    const flow = loadConfig(dir, { env: { ODOO_API_KEY: 'k', THREEPL_TOKEN: 't' } }).flows.get('orders')!;
    const err = await render(flow.payload.versions.get('v1')!, { name: 'x' }, { flow: 'orders' }).catch(
      (e: unknown) => e,
    );
    expect(isFerryError(err, 'FERRY_TRANSFORM')).toBe(true);
  });
});
