/** Job factories shared by the store tests and their child processes (no test framework imports). */
import type { NewJob } from '../engine/store/port.js';

export function newJob(recordId: number, overrides: Partial<NewJob> = {}): NewJob {
  return {
    flow: 'shipment-to-3pl',
    model: 'stock.picking',
    recordId,
    recordName: `WH/OUT/${String(recordId).padStart(5, '0')}`,
    idempotencyKey: `shipment:${recordId}`,
    correlationId: `corr-${recordId}`,
    source: JSON.stringify({ id: recordId, name: `WH/OUT/${recordId}` }),
    notBefore: 0,
    ...overrides,
  };
}
