/**
 * Idempotency keys and write-back values evaluated without JSONata must be exactly what JSONata gives,
 * for every shape of record and response, including the ones the shortcut leaves to JSONata.
 */
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../engine/transform/expression.js';
import { evaluate } from '../engine/transform/render.js';
import { evaluateExpression } from '../engine/runtime/expression-shortcuts.js';

const origin = { file: 'flow.yaml', field: 'write_back', at: (line: number, col: number) => ({ line, col }) };

const EXPRESSIONS = [
  '$correlation_id',
  '$response.body.shipment_id',
  '$response.body',
  '$response.status',
  '$unbound',
  '$string',
  'name',
  'sale_id',
  'partner.address.city',
  'constructor',
  'partner.toString',
  "'shipment:' & name",
  "'shipment:' & $string(id)",
  "'shipment:' & id & '/' & name",
  "$correlation_id & ':' & $response.body.shipment_id",
  "'n:' & amount",
  "'n:' & big",
  "'p:' & partner",
  "'m:' & missing",
  '`odd name`',
];

const RECORDS: unknown[] = [
  {
    id: 42,
    name: 'WH/OUT/00042',
    sale_id: [7, 'S00007'],
    partner: { address: { city: 'Leuven' } },
    amount: 0.1 + 0.2,
    big: 2 ** 60,
    'odd name': 'x',
  },
  { id: 43, name: false, sale_id: false, partner: false, amount: -3, big: null },
  { id: 44, name: null, partner: { address: [{ city: 'Ghent' }, { city: 'Ypres' }] } },
  { id: 45, partner: { address: { city: ['one'] } } },
  [{ name: 'an array as input' }],
  'a string as input',
  undefined,
];

const RESPONSES: unknown[] = [
  { status: 201, body: { shipment_id: 'SHP-1' } },
  { status: 201, body: { shipment_id: 17 } },
  { status: 200, body: { shipment_id: ['SHP-1', 'SHP-2'] } },
  { status: 204, body: undefined },
  { status: 200, body: 'not json' },
  { status: 200, body: [{ shipment_id: 'SHP-3' }] },
];

async function settle(run: () => Promise<unknown>): Promise<{ value?: unknown; error?: string }> {
  try {
    return { value: await run() };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe('expression shortcuts', () => {
  it('give what JSONata gives for every expression, record and response', async () => {
    let compared = 0;
    for (const text of EXPRESSIONS) {
      const expression = compileExpression(text, origin);
      for (const record of RECORDS) {
        for (const response of RESPONSES) {
          const bindings = { flow: 'shipments', correlation_id: '0190-abc', response };
          const expected = await settle(() => evaluate(expression, record, bindings, 'x'));
          const actual = await settle(() => evaluateExpression(expression, record, bindings, 'x'));
          expect({ text, record, response, ...actual }).toEqual({ text, record, response, ...expected });
          compared++;
        }
      }
    }
    expect(compared).toBe(EXPRESSIONS.length * RECORDS.length * RESPONSES.length);
  });

  it('answer a key expression the same on a second call (the analysis is cached per expression)', async () => {
    const expression = compileExpression("'shipment:' & name", origin);
    const first = await evaluateExpression(expression, { name: 'WH/OUT/00001' }, {}, 'key');
    const second = await evaluateExpression(expression, { name: 'WH/OUT/00002' }, {}, 'key');
    expect([first, second]).toEqual(['shipment:WH/OUT/00001', 'shipment:WH/OUT/00002']);
  });
});
