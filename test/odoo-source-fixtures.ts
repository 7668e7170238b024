/** Flow configs and clients for the Odoo connector tests: only the parts the source, sink and preflight read. */
import type { FlowConfig, OdooConnectionConfig } from '../engine/config/compiled.js';
import {
  createOdooClient,
  type OdooClient,
  type OdooClientOptions,
} from '../connectors/odoo/client/client.js';
import { fixedSecret } from '../engine/secrets/types.js';
import type { Account, OdooSimulator } from '../sandbox/odoo/simulator.js';

/** A client of the simulator as one of its accounts (the service account unless told). */
export function clientAs(
  sim: OdooSimulator,
  account: Pick<Account, 'login' | 'apiKey'> = sim.service,
  protocol: OdooClientOptions['protocol'] = 'jsonrpc',
): OdooClient {
  return createOdooClient({
    url: sim.url,
    database: sim.database,
    login: account.login,
    apiKey: fixedSecret(account.apiKey),
    protocol,
  });
}

export interface FlowOptions {
  name?: string;
  model?: string;
  fields?: string[];
  domain?: unknown[];
  expand?: Record<string, { fields: string[] }>;
  pageSize?: number;
  overlapMs?: number;
  recordName?: string;
  writeBack?: string[];
  chatter?: boolean;
  activity?: boolean;
}

export function flowConfig(options: FlowOptions = {}): FlowConfig {
  return {
    name: options.name ?? 'shipment-to-3pl',
    file: 'flows/test.yaml',
    source: {
      connection: 'odoo',
      model: options.model ?? 'stock.picking',
      mode: 'sync',
      trigger: {
        kind: 'poll',
        everyMs: 30_000,
        pageSize: options.pageSize ?? 200,
        overlapMs: options.overlapMs ?? 5_000,
      },
      domain: options.domain ?? [],
      fields: options.fields ?? ['name', 'state'],
      expand: options.expand ?? {},
      recordName: options.recordName ?? 'name',
    },
    payload: { active: 'v1', versions: new Map() },
    target: { connection: 'threepl', method: 'POST', path: '/shipments' },
    delivery: { retry: { attempts: 3, initialMs: 1000, factor: 2, maxMs: 30_000, maxRetryAfterMs: 60_000 } },
    writeBack: new Map((options.writeBack ?? []).map((field) => [field, undefined as never])),
    deadLetter: { chatter: options.chatter ?? false, activity: options.activity ?? false },
  };
}

export function odooConnection(
  url: string,
  options: { login?: string; allowAdmin?: boolean } = {},
): OdooConnectionConfig {
  return {
    kind: 'odoo',
    name: 'odoo',
    file: 'flows/test.yaml',
    url,
    database: 'acc',
    login: options.login ?? 'svc_3pl',
    apiKey: '${secret:env:ODOO_API_KEY}',
    protocol: 'jsonrpc',
    allowAdmin: options.allowAdmin ?? false,
    timeoutMs: 10_000,
  };
}
