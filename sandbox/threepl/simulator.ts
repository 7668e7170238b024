/**
 * A 3PL (third-party logistics) API to deliver to, over real HTTP on 127.0.0.1: `POST /v2/shipments`
 * (and any `POST /v<n>/<collection>` or `/crm/<collection>`) creates a record and answers 201 with
 * its id. It honours Idempotency-Key, checks credentials, counts distinct effects per key, and fails
 * on demand (see faults.ts) so tests can prove deliveries are neither lost nor doubled.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimulatorAuth, type SimulatorAuthOptions } from './auth.js';
import { handleControl } from './control.js';
import { FaultPlan, type FaultRule } from './faults.js';
import { fingerprintOf, IdempotencyStore, type StoredAnswer } from './idempotency.js';

export interface ThreePlSimulatorOptions extends SimulatorAuthOptions {
  /** @default 0 (any free port) */
  port?: number;
  /**
   * When false, every request takes effect even with a known key: shows what Ferry's own ledger
   * prevents, since duplicates then appear in `effects()`.
   * @default true
   */
  idempotency?: boolean;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Unix milliseconds. */
  at: number;
}

export interface ThreePlSimulator {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every request except control calls, in arrival order, faulted ones included. */
  readonly received: ReceivedRequest[];
  /** Idempotency key → number of distinct effects (records created); requests without a key count under "". */
  effects(): Map<string, number>;
  setFaults(faults: FaultRule[], seed?: number): void;
  clearFaults(): void;
  /** The fault rules still armed. */
  faults(): FaultRule[];
  rotateToken(token: string): void;
  revokeIssuedTokens(): void;
  stats(): { inFlight: number; maxInFlight: number; tokensIssued: number };
  /** Forgets requests, effects, keys, faults and stats. */
  reset(): void;
  close(): Promise<void>;
}

const COLLECTION = /^\/(v\d+|crm)\/([a-z][a-z0-9_-]*)$/;
const RECORD = /^\/(v\d+|crm)\/([a-z][a-z0-9_-]*)\/([^/]+)$/;

/** `shipments` → `SHP`: first letter, then consonants. */
const prefixOf = (collection: string) =>
  (collection[0]! + collection.slice(1).replace(/[aeiou_-]/g, '')).slice(0, 3).toUpperCase();
const idFieldOf = (collection: string) => `${collection.replace(/s$/, '')}_id`;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

export async function startThreePlSimulator(
  options: ThreePlSimulatorOptions = {},
): Promise<ThreePlSimulator> {
  const auth = new SimulatorAuth(options);
  const plan = new FaultPlan();
  const keys = new IdempotencyStore();
  const honourKeys = options.idempotency ?? true;
  const received: ReceivedRequest[] = [];
  const effects = new Map<string, number>();
  const records = new Map<string, unknown>();
  const counters = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let maxInFlight = 0;

  const pause = (ms: number) =>
    ms <= 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, ms);
          timers.add(timer);
        });

  /** A fault's answer; `stored` is the real answer when the effect already happened. */
  function strike(fault: FaultRule, req: IncomingMessage, res: ServerResponse, stored?: StoredAnswer): void {
    switch (fault.kind) {
      case 'rate_limit': {
        const retryAfter = String(fault.retryAfterSeconds ?? 1);
        return send(res, 429, JSON.stringify({ error: 'rate_limited' }), { 'retry-after': retryAfter });
      }
      case 'server_error':
        return send(res, fault.status ?? 503, JSON.stringify({ error: 'unavailable' }));
      case 'reset':
        req.socket.resetAndDestroy();
        return;
      case 'timeout':
        return; // never answer; close() drops the connection
      case 'malformed': {
        const whole = stored?.body ?? '{"status":"ok"}';
        return send(res, stored?.status ?? 200, whole.slice(0, Math.ceil(whole.length / 2)));
      }
      case 'latency':
        return;
    }
  }

  function createRecord(collection: string, key: string | undefined, payload: unknown): StoredAnswer {
    const prefix = prefixOf(collection);
    const n = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, n);
    const id = `${prefix}-${String(n).padStart(6, '0')}`;
    records.set(id, payload);
    effects.set(key ?? '', (effects.get(key ?? '') ?? 0) + 1);
    const answer = { [idFieldOf(collection)]: id, status: 'accepted', created_at: new Date().toISOString() };
    return { status: 201, body: JSON.stringify(answer) };
  }

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    body: string,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'POST' && path === '/oauth/token') {
      const answer = auth.issueToken(req.headers, body);
      return send(res, answer.status, JSON.stringify(answer.body), { 'cache-control': 'no-store' });
    }
    const { latencyMs, fault } = plan.decide(path);
    const strikesFirst = fault && fault.kind !== 'malformed' && !fault.afterEffect;
    if (strikesFirst) return pause(latencyMs).then(() => strike(fault, req, res));
    if (!auth.allows(req.headers)) {
      return send(res, 401, JSON.stringify({ error: 'unauthorized' }), { 'www-authenticate': 'Bearer' });
    }

    const record = RECORD.exec(path);
    if (record && method === 'GET') {
      await pause(latencyMs);
      const found = records.get(record[3]!);
      if (found === undefined) return send(res, 404, JSON.stringify({ error: 'not_found' }));
      return send(res, 200, JSON.stringify({ [idFieldOf(record[2]!)]: record[3], ...(found as object) }));
    }
    const collection = COLLECTION.exec(path)?.[2];
    if (!collection) return send(res, 404, JSON.stringify({ error: 'not_found', path }));
    if (method !== 'POST')
      return send(res, 405, JSON.stringify({ error: 'method_not_allowed' }), { allow: 'POST' });

    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      payload = undefined;
    }
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
      return send(res, 400, JSON.stringify({ error: 'invalid_json', detail: 'expected a JSON object' }));
    }

    const header = req.headers['idempotency-key'];
    const key = typeof header === 'string' && header !== '' ? header : undefined;
    if (key !== undefined && honourKeys) {
      const check = keys.begin(key, fingerprintOf(method, path, body));
      if (check.outcome === 'mismatch') {
        return send(
          res,
          422,
          JSON.stringify({ error: 'idempotency_key_reused', detail: 'different request body' }),
        );
      }
      if (check.outcome === 'in_flight') {
        return send(res, 409, JSON.stringify({ error: 'idempotency_key_in_use' }), { 'retry-after': '1' });
      }
      if (check.outcome === 'replay') {
        return send(res, check.answer.status, check.answer.body, { 'idempotent-replayed': 'true' });
      }
    }
    await pause(latencyMs); // spent in flight, so a concurrent repeat of the key meets a 409
    const answer = createRecord(collection, key, payload);
    if (key !== undefined && honourKeys) keys.complete(key, answer);
    if (fault) return strike(fault, req, res, answer);
    return send(res, answer.status, answer.body);
  }

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path.startsWith('/_control/')) {
        const answer = handleControl(simulator, req.method ?? 'GET', path, body);
        return send(res, answer.status, JSON.stringify(answer.body));
      }
      received.push({ method: req.method ?? 'GET', path, headers: req.headers, body, at: Date.now() });
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.on('close', () => (inFlight -= 1));
      await handleApi(req, res, path, body);
    })().catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, JSON.stringify({ error: 'simulator_bug', detail: String(err) }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const simulator: ThreePlSimulator = {
    url: `http://127.0.0.1:${port}`,
    received,
    effects: () => new Map(effects),
    setFaults: (faults, seed) => plan.set({ faults, seed }),
    clearFaults: () => plan.clear(),
    faults: () => plan.list(),
    rotateToken: (token) => auth.rotateToken(token),
    revokeIssuedTokens: () => auth.revokeIssuedTokens(),
    stats: () => ({ inFlight, maxInFlight, tokensIssued: auth.tokensIssued }),
    reset() {
      received.length = 0;
      effects.clear();
      records.clear();
      counters.clear();
      keys.clear();
      plan.clear();
      maxInFlight = inFlight;
      auth.tokensIssued = 0;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
  return simulator;
}
