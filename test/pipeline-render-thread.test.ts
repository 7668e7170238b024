/**
 * The render thread must send exactly what an in-place render sends: the same JSON bytes, the same
 * contract findings, the same transform errors; and it must keep rendering once closed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CompiledVersion } from '../engine/config/compiled.js';
import { loadConfig } from '../engine/config/load.js';
import { compileContract } from '../engine/transform/contract.js';
import { compileExpression } from '../engine/transform/expression.js';
import { RenderThread, renderHere } from '../engine/runtime/render-thread.js';
import { pickingRecord } from '../bench/shipments.js';

const ENV = { ODOO_API_KEY: 'test-odoo-key', THREEPL_TOKEN: 'test-token' };
const BINDINGS = {
  flow: 'shipment-to-3pl',
  correlationId: '0190a1b2-0000-7000-8000-000000000001',
  now: '2026-12-04T10:00:00.000Z',
};

function version(name: string, transformText: string, schema: object = {}): CompiledVersion {
  const origin = { file: 'test', field: 'transform', at: (line: number, col: number) => ({ line, col }) };
  return {
    name,
    schemaFile: 'test.json',
    contract: compileContract(schema),
    transform: compileExpression(transformText, origin),
    transformText,
  };
}

async function settle(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return await run();
  } catch (err) {
    const { code, message, context } = err as { code?: string; message: string; context?: unknown };
    return { code, message, context };
  }
}

const threads: RenderThread[] = [];
afterEach(async () => {
  for (const thread of threads.splice(0)) await thread.close();
});

describe('render thread', () => {
  it('renders the example flow byte for byte as an in-place render, with the same contract findings', async () => {
    const thread = new RenderThread();
    threads.push(thread);
    const flow = loadConfig('flows', { env: ENV }).flows.get('shipment-to-3pl')!;
    // A picking without a sale breaks v3's contract: the findings must match too.
    const sources = [1, 2, 3, 7].map((id) => JSON.stringify(pickingRecord(id).record));
    sources.push(JSON.stringify({ ...pickingRecord(9).record, sale_id: false, move_ids: [] }));
    let violations = 0;
    for (const v of flow.payload.versions.values()) {
      for (const source of sources) {
        const [there, here] = await Promise.all([
          thread.render(v, source, BINDINGS),
          renderHere(v, source, BINDINGS),
        ]);
        expect(there).toEqual(here);
        expect(typeof there.json).toBe('string');
        violations += there.violations.length;
      }
    }
    expect(violations).toBeGreaterThan(0);
  });

  it('gives the same transform errors and empty results as an in-place render', async () => {
    const thread = new RenderThread();
    threads.push(thread);
    const versions = [
      version('broken', '$number(name) + 1'),
      version('nothing', 'missing_field'),
      version('strict', '{ "name": name }', { type: 'object', required: ['name', 'sku'] }),
      version('bound', '{ "v": $version, "c": $correlation_id, "t": $now, "f": $flow }'),
    ];
    const source = JSON.stringify({ id: 1, name: 'WH/OUT/00001' });
    for (const v of versions) {
      const there = await settle(() => thread.render(v, source, BINDINGS));
      const here = await settle(() => renderHere(v, source, BINDINGS));
      expect({ version: v.name, result: there }).toEqual({ version: v.name, result: here });
    }
    expect(await settle(() => thread.render(versions[0]!, source, BINDINGS))).toMatchObject({
      code: 'FERRY_TRANSFORM',
      context: { jsonataCode: 'D3030' },
    });
  });

  it('keeps rendering, in place, once closed', async () => {
    const thread = new RenderThread();
    const v = version('v1', '{ "ref": name }');
    const source = JSON.stringify({ name: 'WH/OUT/00002' });
    await thread.render(v, source, BINDINGS);
    await thread.close();
    expect((await thread.render(v, source, BINDINGS)).json).toBe('{"ref":"WH/OUT/00002"}');
  });
});
