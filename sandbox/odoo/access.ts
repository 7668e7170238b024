/**
 * Access rights as Odoo checks them: ir.model.access rows per group (read/write/create/unlink per
 * model), implied groups already expanded on the user, record rules that narrow what a group sees,
 * and the AccessError messages word for word. The superuser bypasses everything.
 */
import { accessError } from './errors.js';
import type { Domain } from './domain.js';
import { orDomains } from './domain.js';
import type { Store } from './store.js';
import { SUPERUSER_ID } from './store.js';
import type { VersionProfile } from './versions.js';

export type Operation = 'read' | 'write' | 'create' | 'unlink';

/** One ir.model.access row: `group` is an xmlid, or null for everybody. Rights as "rwcu" letters. */
export interface AccessRow {
  model: string;
  group: string | null;
  rights: string;
}

export interface RecordRule {
  name: string;
  model: string;
  groups: string[];
  domain: (uid: number) => Domain;
}

const USER = 'base.group_user';
const ERP_MANAGER = 'base.group_erp_manager';
const STOCK_USER = 'stock.group_stock_user';
const STOCK_MANAGER = 'stock.group_stock_manager';
const SALESMAN = 'sales_team.group_sale_salesman';
const SALES_ALL = 'sales_team.group_sale_salesman_all_leads';
const SALE_MANAGER = 'sales_team.group_sale_manager';

export const DEFAULT_ACCESS: AccessRow[] = [
  ...[
    'res.company',
    'res.currency',
    'res.country',
    'res.users',
    'res.groups',
    'ir.module.category',
    'uom.uom',
  ].map((model) => ({
    model,
    group: USER,
    rights: 'r',
  })),
  ...['res.company', 'res.users', 'res.groups', 'ir.model.data', 'ir.module.category'].map((model) => ({
    model,
    group: ERP_MANAGER,
    rights: 'rwcu',
  })),
  { model: 'res.partner', group: USER, rights: 'r' },
  { model: 'res.partner', group: 'base.group_partner_manager', rights: 'rwcu' },
  { model: 'product.product', group: USER, rights: 'r' },
  { model: 'product.product', group: STOCK_MANAGER, rights: 'rwcu' },
  { model: 'product.product', group: SALE_MANAGER, rights: 'rwcu' },
  { model: 'stock.location', group: USER, rights: 'r' },
  { model: 'stock.location', group: STOCK_MANAGER, rights: 'rwcu' },
  { model: 'stock.picking.type', group: USER, rights: 'r' },
  { model: 'stock.picking.type', group: STOCK_MANAGER, rights: 'rwcu' },
  { model: 'stock.picking', group: STOCK_USER, rights: 'rwc' },
  { model: 'stock.picking', group: STOCK_MANAGER, rights: 'rwcu' },
  { model: 'stock.picking', group: SALESMAN, rights: 'r' },
  { model: 'stock.move', group: STOCK_USER, rights: 'rwc' },
  { model: 'stock.move', group: STOCK_MANAGER, rights: 'rwcu' },
  { model: 'stock.move', group: SALESMAN, rights: 'r' },
  { model: 'sale.order', group: SALESMAN, rights: 'rwc' },
  { model: 'sale.order', group: SALE_MANAGER, rights: 'rwcu' },
  { model: 'sale.order', group: STOCK_USER, rights: 'r' },
  { model: 'sale.order.line', group: SALESMAN, rights: 'rwcu' },
  { model: 'sale.order.line', group: STOCK_USER, rights: 'r' },
  { model: 'account.move', group: 'account.group_account_invoice', rights: 'rwcu' },
  { model: 'mail.message', group: USER, rights: 'rwc' },
  { model: 'mail.message.subtype', group: USER, rights: 'r' },
  { model: 'mail.activity', group: USER, rights: 'rwcu' },
  { model: 'mail.activity.type', group: USER, rights: 'r' },
];

export const DEFAULT_RULES: RecordRule[] = [
  {
    name: 'Personal Orders',
    model: 'sale.order',
    groups: [SALESMAN],
    domain: (uid) => ['|', ['user_id', '=', uid], ['user_id', '=', false]],
  },
  { name: 'All Orders', model: 'sale.order', groups: [SALES_ALL], domain: () => [] },
];

const VERBS: Record<Operation, string> = {
  read: 'access',
  write: 'modify',
  create: 'create',
  unlink: 'delete',
};
const LETTER: Record<Operation, string> = { read: 'r', write: 'w', create: 'c', unlink: 'u' };

export class AccessControl {
  constructor(
    private readonly store: Store,
    private readonly profile: VersionProfile,
    readonly table: AccessRow[] = [...DEFAULT_ACCESS],
    readonly rules: RecordRule[] = [...DEFAULT_RULES],
  ) {}

  /** xmlid → res.groups id, from ir.model.data. */
  groupIds(): Map<string, number> {
    const ids = new Map<string, number>();
    for (const row of this.store.rows('ir.model.data')) {
      if (row.model === 'res.groups')
        ids.set(`${String(row.module)}.${String(row.name)}`, Number(row.res_id));
    }
    return ids;
  }

  /** The user's groups as xmlids (the stored list already holds implied groups). */
  groupsOf(uid: number): Set<string> {
    const user = this.store.get('res.users', uid);
    const held = new Set(
      Array.isArray(user?.[this.profile.userGroupsField])
        ? (user[this.profile.userGroupsField] as number[])
        : [],
    );
    const result = new Set<string>();
    for (const [xmlid, id] of this.groupIds()) if (held.has(id)) result.add(xmlid);
    return result;
  }

  /** A group list with every implied group added (what Odoo stores on the user). */
  withImplied(groupIds: number[]): number[] {
    const result: number[] = [];
    const visit = (id: number) => {
      if (result.includes(id)) return;
      result.push(id);
      const implied = this.store.get('res.groups', id)?.implied_ids;
      if (Array.isArray(implied)) implied.forEach(visit);
    };
    groupIds.forEach(visit);
    return result;
  }

  can(uid: number, model: string, operation: Operation): boolean {
    if (uid === SUPERUSER_ID) return true;
    const groups = this.groupsOf(uid);
    return this.table.some(
      (row) =>
        row.model === model &&
        row.rights.includes(LETTER[operation]) &&
        (row.group === null || groups.has(row.group)),
    );
  }

  check(uid: number, model: string, operation: Operation): void {
    if (!this.can(uid, model, operation)) throw this.accessErrorFor(model, operation);
  }

  accessErrorFor(model: string, operation: Operation) {
    const description = this.store.model(model).description;
    const groups = this.table
      .filter((row) => row.model === model && row.group !== null && row.rights.includes(LETTER[operation]))
      .map((row) => this.groupLabel(row.group as string));
    const allowed =
      groups.length > 0
        ? `This operation is allowed for the following groups:\n${groups.map((g) => `\t- ${g}`).join('\n')}`
        : 'No group currently allows this operation.';
    return accessError(
      `You are not allowed to ${VERBS[operation]} '${description}' (${model}) records.\n\n${allowed}\n\n` +
        'Contact your administrator to request access if necessary.',
    );
  }

  /** "Category/Name", as access errors list groups. */
  private groupLabel(xmlid: string): string {
    const id = this.groupIds().get(xmlid);
    const group = id === undefined ? undefined : this.store.get('res.groups', id);
    if (!group) return xmlid;
    const category =
      typeof group.category_id === 'number'
        ? this.store.get('ir.module.category', group.category_id)
        : undefined;
    return category ? `${String(category.name)}/${String(group.name)}` : String(group.name);
  }

  /** The record-rule domain restricting `uid` on `model`, or undefined when nothing applies. */
  ruleDomain(uid: number, model: string): Domain | undefined {
    if (uid === SUPERUSER_ID) return undefined;
    const groups = this.groupsOf(uid);
    const applicable = this.rules.filter(
      (rule) => rule.model === model && rule.groups.some((g) => groups.has(g)),
    );
    if (applicable.length === 0) return undefined;
    const domains = applicable.map((rule) => rule.domain(uid));
    if (domains.some((d) => d.length === 0)) return undefined;
    return orDomains(...domains);
  }

  /** Names of the rules that apply, for the record-rule AccessError. */
  ruleNames(uid: number, model: string): string[] {
    const groups = this.groupsOf(uid);
    return this.rules
      .filter((r) => r.model === model && r.groups.some((g) => groups.has(g)))
      .map((r) => r.name);
  }
}
