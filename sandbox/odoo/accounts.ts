/**
 * Users that can call the simulator: a res.users row (with its partner and groups, implied groups
 * included) plus a password and an API key, optionally expiring.
 */
import { FerryError } from '../../engine/errors.js';
import type { AccessControl } from './access.js';
import type { Credentials } from './auth.js';
import { generateApiKey } from './auth.js';
import { toMicros } from './clock.js';
import type { Store } from './store.js';
import { SUPERUSER_ID } from './store.js';
import type { VersionProfile } from './versions.js';

/** A user to add; for a login that exists already, its groups are replaced and the key added. */
export interface UserSpec {
  login: string;
  name?: string;
  /** Group external ids, e.g. ["stock.group_stock_user", "sales_team.group_sale_salesman"]. */
  groups: string[];
  /** Default: a fresh random key. */
  apiKey?: string;
  password?: string;
  /** The key stops working at this instant ("YYYY-MM-DD HH:MM:SS", UTC); in the past for an expired key. */
  expires?: string | Date;
}

export interface Account {
  uid: number;
  login: string;
  password: string;
  apiKey: string;
}

export function addUser(
  store: Store,
  access: AccessControl,
  credentials: Credentials,
  profile: VersionProfile,
  spec: UserSpec,
): Account {
  const known = access.groupIds();
  const groupIds = spec.groups.map((xmlid) => {
    const id = known.get(xmlid);
    if (id === undefined)
      throw new FerryError(
        'FERRY_USAGE',
        `Unknown group "${xmlid}" (use an external id such as stock.group_stock_user)`,
      );
    return id;
  });
  const groups = access.withImplied(groupIds);
  const existing = [...store.rows('res.users')].find((row) => row.login === spec.login);
  const name = spec.name ?? spec.login;
  // An existing login (e.g. the seeded svc_3pl) gets the new groups and an extra key.
  const { result: uid } = store.transact(SUPERUSER_ID, () => {
    if (existing) {
      store.update('res.users', [existing.id], { [profile.userGroupsField]: groups, active: true });
      return existing.id;
    }
    const partner = store.insert('res.partner', { name });
    return store.insert('res.users', {
      name,
      login: spec.login,
      partner_id: partner,
      [profile.userGroupsField]: groups,
    });
  });
  const password = spec.password ?? credentials.passwordOf(uid) ?? generateApiKey();
  credentials.setPassword(uid, password);
  const apiKey = credentials.addKey(
    uid,
    spec.apiKey ?? generateApiKey(),
    spec.expires ? toMicros(spec.expires) : undefined,
  );
  return { uid, login: spec.login, password, apiKey };
}

/** Gives a seeded user (admin, the service account) its credentials. */
export function credentialsFor(
  store: Store,
  credentials: Credentials,
  uid: number,
  secrets: { password?: string; apiKey?: string; expires?: string | Date },
): Account {
  const login = String(store.get('res.users', uid)?.login ?? '');
  const password = secrets.password ?? generateApiKey();
  credentials.setPassword(uid, password);
  const apiKey = credentials.addKey(
    uid,
    secrets.apiKey ?? generateApiKey(),
    secrets.expires ? toMicros(secrets.expires) : undefined,
  );
  return { uid, login, password, apiKey };
}
