/**
 * Failures a client must survive: injected proxy errors, HTML instead of RPC, dropped and hanging
 * connections, answers cut off after the write happened, and Odoo's login throttle.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOdooSimulator, type OdooSimulator } from '../sandbox/odoo/simulator.js';
import { call, executeKw, jsonRpc } from './odoo-sim-helpers.js';

let sim: OdooSimulator;
beforeEach(async () => {
  sim = await startOdooSimulator({ loginCooldown: { after: 3, durationMs: 60_000 } });
});
afterEach(async () => {
  await sim.close();
});

const rpcBody = (apiKey: string, model = 'stock.picking', method = 'search_count', args: unknown[] = [[]]) =>
  JSON.stringify({
    jsonrpc: '2.0',
    method: 'call',
    id: 1,
    params: {
      service: 'object',
      method: 'execute_kw',
      args: [sim.database, 8, apiKey, model, method, args, {}],
    },
  });

const send = (body: string, signal?: AbortSignal) =>
  fetch(`${sim.url}/jsonrpc`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body,
    signal: signal ?? null,
  });

describe('fault injection', () => {
  it('answers the next calls with a proxy error, then recovers', async () => {
    sim.injectFault({ kind: 'status', status: 502 }, { times: 2 });
    for (let i = 0; i < 2; i++) {
      const response = await send(rpcBody(sim.service.apiKey));
      expect(response.status).toBe(502);
      expect(await response.text()).toContain('<title>502 Bad Gateway</title>');
    }
    const ok = await send(rpcBody(sim.service.apiKey));
    expect(((await ok.json()) as { result: number }).result).toBeGreaterThan(0);
    expect(sim.calls.faulted).toBe(2);
    expect(sim.calls.of('stock.picking', 'search_count')).toBe(1);
  });

  it('sends Retry-After with a 503 and an HTML page instead of RPC', async () => {
    sim.injectFault({ kind: 'status', status: 503, retryAfterSeconds: 7 });
    sim.injectFault({ kind: 'html' });
    const unavailable = await send(rpcBody(sim.service.apiKey));
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('7');
    const html = await send(rpcBody(sim.service.apiKey));
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await html.text()).toContain('oe_login_form');
  });

  it('cuts the answer off after the write happened', async () => {
    sim.injectFault({ kind: 'truncated' });
    const response = await send(
      rpcBody(sim.service.apiKey, 'stock.picking', 'write', [[1], { origin: 'written anyway' }]),
    );
    await expect(response.text()).rejects.toThrow();
    const [picking] = await call(sim, sim.service, 'stock.picking', 'read', [[1], ['origin']]);
    expect(picking.origin).toBe('written anyway');
  });

  it('drops the connection or hangs without running the call', async () => {
    sim.injectFault({ kind: 'reset' }, { path: '/jsonrpc' });
    await expect(
      send(rpcBody(sim.service.apiKey, 'stock.picking', 'write', [[2], { origin: 'never' }])),
    ).rejects.toThrow();
    sim.injectFault({ kind: 'hang' });
    const abort = new AbortController();
    const pending = send(
      rpcBody(sim.service.apiKey, 'stock.picking', 'write', [[2], { origin: 'never' }]),
      abort.signal,
    );
    setTimeout(() => abort.abort(), 100);
    await expect(pending).rejects.toThrow();
    const [picking] = await call(sim, sim.service, 'stock.picking', 'read', [[2], ['origin']]);
    expect(picking.origin).toBe('outgoing shipment');
  });
});

describe('login throttle', () => {
  it('refuses everything from a source after repeated failures until the cooldown passed', async () => {
    for (let i = 0; i < 3; i++) {
      const envelope = await executeKw(sim, { uid: 8, apiKey: 'wrong' }, 'stock.picking', 'search_count', [
        [],
      ]);
      expect(envelope.error.data.message).toBe('Access Denied');
    }
    const throttled = await executeKw(sim, sim.service, 'stock.picking', 'search_count', [[]]);
    expect(throttled.error.data).toMatchObject({
      name: 'odoo.exceptions.AccessDenied',
      message: 'Too many login failures, please wait a bit before trying again.',
    });
    // common.authenticate swallows AccessDenied: it answers false, as for a wrong key.
    const login = await jsonRpc(sim.url, 'common', 'authenticate', [
      sim.database,
      'svc_3pl',
      sim.service.apiKey,
      {},
    ]);
    expect(login.result).toBe(false);

    sim.db.advanceClock(61_000);
    expect(await call(sim, sim.service, 'stock.picking', 'search_count', [[]])).toBeGreaterThan(0);
  });

  it('refuses expired API keys like wrong ones', async () => {
    const expired = sim.addUser({
      login: 'expired',
      groups: ['stock.group_stock_user'],
      expires: '2020-01-01 00:00:00',
    });
    const envelope = await executeKw(sim, expired, 'stock.picking', 'search_count', [[]]);
    expect(envelope.error.data.name).toBe('odoo.exceptions.AccessDenied');
    const login = await jsonRpc(sim.url, 'common', 'authenticate', [
      sim.database,
      'expired',
      expired.apiKey,
      {},
    ]);
    expect(login.result).toBe(false);
    expect(
      (await jsonRpc(sim.url, 'common', 'authenticate', [sim.database, 'expired', expired.password, {}]))
        .result,
    ).toBe(expired.uid);
  });
});
