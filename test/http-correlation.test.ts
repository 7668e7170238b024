import { describe, expect, it } from 'vitest';
import { newCorrelationId, traceIdFor, traceparentFor } from '../engine/log/correlation.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newCorrelationId', () => {
  it('makes UUIDv7 values carrying the creation time', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    const id = newCorrelationId(now);
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(now);
  });

  it('sorts in creation order, also within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => newCorrelationId(Date.parse('2030-01-01T00:00:00Z')));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });
});

describe('traceparentFor', () => {
  it('uses the correlation ID as the trace ID', () => {
    const id = newCorrelationId();
    const header = traceparentFor(id, '00f067aa0ba902b7');
    expect(header).toBe(`00-${id.replaceAll('-', '')}-00f067aa0ba902b7-01`);
  });

  it('makes a fresh valid span ID when none or an invalid one is given', () => {
    const id = newCorrelationId();
    for (const span of [undefined, '0000000000000000', 'xyz']) {
      expect(traceparentFor(id, span)).toMatch(/^00-[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-01$/);
    }
  });

  it('maps a correlation ID that is not a UUID to a stable trace ID', () => {
    expect(traceIdFor('SO-10452')).toMatch(/^[0-9a-f]{32}$/);
    expect(traceIdFor('SO-10452')).toBe(traceIdFor('SO-10452'));
    expect(traceIdFor('00000000-0000-0000-0000-000000000000')).not.toMatch(/^0+$/);
  });
});
