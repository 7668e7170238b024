/**
 * The Odoo simulator: an HTTP server that speaks Odoo's JSON-RPC, XML-RPC and (as 19) JSON-2 on
 * the wire, with users, API keys, groups, access rights, demo data, write_date semantics, webhooks
 * and fault injection. Used by Ferry's tests and by `ferry sandbox`.
 */
import { AccessControl } from './access.js';
import { addUser, credentialsFor, type Account, type UserSpec } from './accounts.js';
import { Credentials, type LoginCooldown } from './auth.js';
import { SimClock } from './clock.js';
import { CallCounter } from './counters.js';
import { SimDatabase } from './direct.js';
import { OdooService } from './dispatch.js';
import { DomainCompiler } from './domain.js';
import { FaultInjector, type FaultSpec } from './faults.js';
import { baseModels } from './models/base-models.js';
import { ModelRegistry } from './models/registry.js';
import { ADMIN_UID, SERVICE_UID, applySeed } from './models/seed.js';
import { stockSaleModels } from './models/stock-sale-models.js';
import { createOdooServer } from './server.js';
import { Store } from './store.js';
import { versionProfile, type OdooVersion } from './versions.js';
import { WebhookSender, type WebhookDelivery, type WebhookSpec } from './webhooks.js';
import { FerryError } from '../../engine/errors.js';

export type { Account, UserSpec } from './accounts.js';
export type { FaultSpec } from './faults.js';
export type { WebhookDelivery, WebhookSpec } from './webhooks.js';
export type { OdooVersion } from './versions.js';
export type { CallCounter } from './counters.js';
export type { SimDatabase } from './direct.js';

export interface SeedOptions {
  /** Secrets of the seeded accounts; random when not given. Admin's password defaults to "admin". */
  adminPassword?: string;
  adminApiKey?: string;
  servicePassword?: string;
  serviceApiKey?: string;
  /** Expiry of the service account's API key ("YYYY-MM-DD HH:MM:SS" UTC). */
  serviceApiKeyExpires?: string | Date;
}

export interface OdooSimulatorOptions {
  /** @default 0 (any free port) */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
  /** The Odoo release to behave like. @default 18 */
  version?: OdooVersion;
  /** @default "ferry" */
  database?: string;
  seed?: SeedOptions;
  /** Freezes the clock at this instant from the start (makes the seed's timestamps deterministic). */
  now?: string | Date;
  /** Login throttle. @default { after: 5, durationMs: 60000 } */
  loginCooldown?: LoginCooldown;
}

export interface OdooSimulator {
  url: string;
  port: number;
  version: OdooVersion;
  database: string;
  /** uid 2, groups base.group_system and base.group_erp_manager (and every business group). */
  admin: Account;
  /** "svc_3pl", uid 8: Inventory / User and Sales / User: Own Documents Only. */
  service: Account;
  db: SimDatabase;
  calls: CallCounter;
  resetCalls(): void;
  addUser(spec: UserSpec): Account;
  addWebhook(spec: WebhookSpec): { id: number; remove: () => void };
  /** Every webhook post attempted so far. */
  webhookDeliveries: WebhookDelivery[];
  /** The next `times` requests (to paths starting with `path`, if given) suffer `fault`. */
  injectFault(fault: FaultSpec, options?: { times?: number; path?: string }): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export async function startOdooSimulator(options: OdooSimulatorOptions = {}): Promise<OdooSimulator> {
  const version = options.version ?? 18;
  const profile = versionProfile(version);
  const database = options.database ?? 'ferry';
  const clock = new SimClock();
  if (options.now !== undefined) clock.freeze(options.now);

  const registry = new ModelRegistry();
  registry.add(...baseModels(profile), ...stockSaleModels(profile));
  const store = new Store(registry, clock);
  // Demo data lies two days back, on a whole hour plus 37.062907 s so truncation is visible.
  const hour = 3_600_000_000;
  applySeed(store, profile, Math.floor((clock.now() - 48 * hour) / hour) * hour + 37_062_907);

  const access = new AccessControl(store, profile);
  const domains = new DomainCompiler(store);
  const credentials = new Credentials(clock, options.loginCooldown);
  const seed = options.seed ?? {};
  const admin = credentialsFor(store, credentials, ADMIN_UID, {
    password: seed.adminPassword ?? 'admin',
    ...(seed.adminApiKey ? { apiKey: seed.adminApiKey } : {}),
  });
  const service = credentialsFor(store, credentials, SERVICE_UID, {
    ...(seed.servicePassword ? { password: seed.servicePassword } : {}),
    ...(seed.serviceApiKey ? { apiKey: seed.serviceApiKey } : {}),
    ...(seed.serviceApiKeyExpires ? { expires: seed.serviceApiKeyExpires } : {}),
  });

  const calls = new CallCounter();
  const webhooks = new WebhookSender(store);
  const faults = new FaultInjector();
  const db = new SimDatabase(store, access, domains, profile);
  const odoo = new OdooService({ store, access, domains, profile, credentials, calls, database });
  const http = createOdooServer(odoo, faults);

  await new Promise<void>((resolve, reject) => {
    http.server.once('error', (err) =>
      reject(
        new FerryError('FERRY_USAGE', `The Odoo simulator cannot listen: ${err.message}`, { cause: err }),
      ),
    );
    http.server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    version,
    database,
    admin,
    service,
    db,
    calls,
    resetCalls: () => calls.reset(),
    addUser: (spec) => addUser(store, access, credentials, profile, spec),
    addWebhook: (spec) => webhooks.add(spec),
    webhookDeliveries: webhooks.deliveries,
    injectFault: (fault, { times = 1, path } = {}) => faults.inject(fault, times, path),
    clearFaults: () => faults.clear(),
    close: async () => {
      await http.close();
      await db.settled();
    },
  };
}
