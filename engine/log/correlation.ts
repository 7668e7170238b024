/**
 * Correlation IDs and W3C trace context. Every delivery gets one UUIDv7 (time-ordered, so IDs sort by
 * creation and index well in the ledger); the same ID is the trace ID of its `traceparent`, so a trace
 * in any W3C-aware system leads back to `ferry trace <id>`.
 */
import { createHash, randomBytes } from 'node:crypto';

// Within one millisecond, a counter in the 12 `rand_a` bits keeps IDs of this process strictly ordered
// (RFC 9562 §6.2, method 1). It starts at a random point in its lower half to leave room to count up.
let lastMs = 0;
let counter = 0;

/** A new UUIDv7: 48-bit Unix milliseconds, version 7, 12-bit monotonic counter, variant, 62 random bits. */
export function newCorrelationId(now: number = Date.now()): string {
  let ms = Math.max(now, lastMs);
  if (ms === lastMs) {
    counter += 1;
    if (counter > 0xfff) {
      ms += 1; // counter exhausted: borrow the next millisecond rather than break the order
      counter = randomBytes(1)[0]! << 3;
    }
  } else {
    counter = randomBytes(1)[0]! << 3;
  }
  lastMs = ms;

  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ALL_ZERO = /^0+$/;

/** The 32-hex trace ID of a correlation ID: the UUID without dashes, or a hash of any other string. */
export function traceIdFor(correlationId: string): string {
  if (UUID.test(correlationId)) {
    const hex = correlationId.replaceAll('-', '').toLowerCase();
    if (!ALL_ZERO.test(hex)) return hex;
  }
  // An ID that came from elsewhere (an upstream header) still maps to one stable, valid trace ID.
  return createHash('sha256').update(correlationId).digest('hex').slice(0, 32);
}

/** A new random 16-hex span ID (never all zeros, which W3C forbids). */
export function newSpanId(): string {
  for (;;) {
    const id = randomBytes(8).toString('hex');
    if (!ALL_ZERO.test(id)) return id;
  }
}

/**
 * `00-<trace id>-<span id>-01`: version 00, sampled. An invalid `spanId` is replaced by a fresh one so
 * that the header is always well-formed (a receiver drops a malformed traceparent entirely).
 */
export function traceparentFor(correlationId: string, spanId?: string): string {
  const span = spanId !== undefined && SPAN_ID.test(spanId) && !ALL_ZERO.test(spanId) ? spanId : newSpanId();
  return `00-${traceIdFor(correlationId)}-${span}-01`;
}
