/**
 * Deterministic demo data, shaped after the captures (ids, names and values of Odoo's demo
 * database): partners, products, transfers WH/OUT/00001…, moves, sales orders, groups and their
 * external ids. Timestamps are offsets from `base` so a seeded database always lies in the past.
 */
import type { Micros } from '../clock.js';
import type { Store } from '../store.js';
import type { VersionProfile } from '../versions.js';
import type { Row, Stored } from './fields.js';

export interface SeedRow {
  model: string;
  id: number;
  vals: Record<string, Stored>;
  /** Minutes after the seed base for create/write dates; rows sharing a value share the microsecond. */
  at?: number;
}

const HOUR = 60;
const DAY = 24 * HOUR;

/** Groups: [id, xmlid, category id, name, implied ids]. */
const GROUPS: Array<[number, string, number, string, number[]]> = [
  [1, 'base.group_user', 1, 'Internal User', []],
  [2, 'base.group_partner_manager', 2, 'Contact Creation', []],
  [3, 'base.group_erp_manager', 3, 'Access Rights', [1]],
  [4, 'base.group_system', 3, 'Settings', [3]],
  [7, 'base.group_no_one', 2, 'Technical Features', []],
  [19, 'product.group_product_variant', 4, 'Manage Product Variants', []],
  [21, 'sales_team.group_sale_salesman', 5, 'User: Own Documents Only', [1]],
  [22, 'sales_team.group_sale_salesman_all_leads', 5, 'User: All Documents', [21]],
  [23, 'sales_team.group_sale_manager', 5, 'Administrator', [22]],
  [30, 'account.group_account_invoice', 7, 'Invoicing', [1]],
  [39, 'stock.group_stock_user', 6, 'User', [1]],
  [40, 'stock.group_stock_manager', 6, 'Administrator', [39]],
  [41, 'stock.group_production_lot', 4, 'Manage Lots / Serial Numbers', []],
  [56, 'sale_management.group_sale_order_template', 4, 'Quotation Templates', []],
];
const CATEGORIES = [
  'User types',
  'Extra Rights',
  'Administration',
  'Technical',
  'Sales',
  'Inventory',
  'Invoicing',
];

/** Group ids of the seeded accounts, implied groups included (as Odoo stores them). */
export const ADMIN_GROUPS = [1, 2, 3, 4, 7, 19, 21, 22, 23, 30, 39, 40, 41, 56];
export const SERVICE_GROUPS = [1, 41, 19, 56, 7, 39, 21];
export const ADMIN_UID = 2;
export const SERVICE_UID = 8;
const SERVICE_LOGIN = 'svc_3pl';

export function seedRows(profile: VersionProfile): SeedRow[] {
  const rows: SeedRow[] = [];
  const add = (model: string, id: number, vals: Record<string, Stored>, at = 0) =>
    rows.push({ model, id, vals, at });

  CATEGORIES.forEach((name, i) => add('ir.module.category', i + 1, { name }));
  for (const [id, , category, name, implied] of GROUPS)
    add('res.groups', id, { name, category_id: category, implied_ids: implied });

  add('res.country', 233, { name: 'United States', code: 'US' });
  add('res.country', 75, { name: 'France', code: 'FR' });
  add('res.currency', 1, { name: 'USD', symbol: '$', active: true });
  add('res.currency', 2, { name: 'EUR', symbol: '€', active: true });
  const partners: Array<[number, string, Record<string, Stored>]> = [
    [1, 'My Company (San Francisco)', { is_company: true, city: 'San Francisco', country_id: 233 }],
    [2, 'OdooBot', {}],
    [3, 'Mitchell Admin', { email: 'admin@yourcompany.example.com' }],
    [
      9,
      'Wood Corner',
      { is_company: true, country_id: 233, city: 'Turlock', email: 'wood.corner26@example.com' },
    ],
    [
      10,
      'Deco Addict',
      { is_company: true, country_id: 233, city: 'Pleasant Hill', email: 'deco.addict82@example.com' },
    ],
    [
      11,
      'Gemini Furniture',
      { is_company: true, country_id: 233, city: 'Fairfield', email: 'gemini.furniture39@example.com' },
    ],
    [16, 'Lumber Inc', { is_company: true, city: 'Stockton' }],
    [24, 'Soham Palmer', { parent_id: 11, email: 'soham.palmer15@example.com' }],
    [32, 'Oscar Morgan', { parent_id: 11, email: 'oscar.morgan11@example.com' }],
    [45, '3PL Integration (service account)', {}],
  ];
  for (const [id, name, extra] of partners)
    add('res.partner', id, { name, active: true, is_company: false, ...extra });
  add('res.company', 1, { name: 'My Company (San Francisco)', partner_id: 1, currency_id: 1, sequence: 10 });

  const groupsField = profile.userGroupsField;
  add('res.users', 1, {
    name: 'OdooBot',
    login: '__system__',
    partner_id: 2,
    active: false,
    [groupsField]: ADMIN_GROUPS,
  });
  add('res.users', ADMIN_UID, {
    name: 'Mitchell Admin',
    login: 'admin',
    partner_id: 3,
    [groupsField]: ADMIN_GROUPS,
  });
  add('res.users', SERVICE_UID, {
    name: '3PL Integration (service account)',
    login: SERVICE_LOGIN,
    partner_id: 45,
    [groupsField]: SERVICE_GROUPS,
  });

  add('uom.uom', 1, { name: 'Units', sequence: 1 });
  add('uom.uom', 2, { name: 'Dozens', sequence: 2 });
  add('stock.location', 4, { name: 'Vendors', complete_name: 'Partners/Vendors', usage: 'supplier' });
  add('stock.location', 5, { name: 'Customers', complete_name: 'Partners/Customers', usage: 'customer' });
  add('stock.location', 8, { name: 'Stock', complete_name: 'WH/Stock', usage: 'internal' });
  add('stock.picking.type', 1, {
    name: 'Receipts',
    code: 'incoming',
    sequence_code: 'IN',
    sequence: 1,
    default_location_src_id: 4,
    default_location_dest_id: 8,
  });
  add('stock.picking.type', 2, {
    name: 'Delivery Orders',
    code: 'outgoing',
    sequence_code: 'OUT',
    sequence: 2,
    default_location_src_id: 8,
    default_location_dest_id: 5,
  });

  const products: Array<[number, string, string, number]> = [
    [6, 'FURN_8888', 'Office Lamp', 40],
    [12, 'FURN_7800', 'Desk Combination', 450],
    [17, 'E-COM07', 'Large Cabinet', 320],
    [26, 'FURN_6666', 'Acoustic Bloc Screens', 295],
    [33, 'FURN_8855', 'Drawer', 110.5],
  ];
  for (const [id, code, name, price] of products) {
    add('product.product', id, {
      name,
      default_code: code,
      list_price: price,
      uom_id: 1,
      active: true,
      sale_ok: true,
    });
  }

  const quantity = profile.moveQuantityField;
  const picked: Record<string, Stored> = profile.major >= 17 ? { picked: false } : {};
  const outgoing = (id: number, n: number, state: string, extra: Record<string, Stored>, at: number) =>
    add(
      'stock.picking',
      id,
      {
        name: `WH/OUT/${String(n).padStart(5, '0')}`,
        state,
        picking_type_id: 2,
        location_id: 8,
        location_dest_id: 5,
        partner_id: 9,
        origin: 'outgoing shipment',
        move_type: 'direct',
        priority: '0',
        company_id: 1,
        is_locked: true,
        printed: false,
        ...extra,
      },
      at,
    );
  const move = (id: number, picking: number, product: number, qty: number, state: string, at: number) =>
    add(
      'stock.move',
      id,
      {
        name: products.find(([pid]) => pid === product)?.[2] ?? '',
        sequence: 10,
        picking_id: picking,
        product_id: product,
        product_uom_qty: qty,
        [quantity]: state === 'assigned' || state === 'done' ? qty : 0,
        ...picked,
        product_uom: 1,
        state,
        location_id: 8,
        location_dest_id: 5,
      },
      at,
    );
  // Transfers 1–5 were created together: one transaction, one write_date for all of them.
  outgoing(1, 1, 'assigned', { scheduled_date: -3 * DAY }, 0);
  outgoing(2, 2, 'assigned', { scheduled_date: -2 * DAY, date_done: 0 }, 0);
  outgoing(3, 3, 'assigned', { scheduled_date: 2 * DAY }, 0);
  outgoing(4, 4, 'draft', { origin: 'your company warehouse', scheduled_date: 0 }, 0);
  outgoing(5, 5, 'assigned', { scheduled_date: 3 * DAY }, 0);
  outgoing(6, 6, 'done', { scheduled_date: -DAY, date_done: 20 * HOUR }, 20 * HOUR);
  outgoing(
    17,
    12,
    'done',
    { partner_id: 32, origin: 'S00024', sale_id: 24, scheduled_date: 0, date_done: 21 * HOUR },
    21 * HOUR,
  );
  outgoing(16, 11, 'confirmed', { partner_id: 32, origin: 'S00024', sale_id: 24, scheduled_date: 10 }, 10);
  outgoing(19, 14, 'assigned', { backorder_id: 6, scheduled_date: -DAY }, 20 * HOUR);
  move(18, 1, 33, 15, 'assigned', 0);
  move(19, 2, 17, 180, 'assigned', 0);
  move(20, 3, 6, 45, 'assigned', 0);
  move(21, 4, 12, 10, 'draft', 0);
  move(22, 5, 26, 16, 'assigned', 0);
  move(23, 6, 33, 4, 'done', 20 * HOUR);
  move(35, 16, 12, 2, 'confirmed', 10);
  move(33, 17, 12, 2, 'done', 21 * HOUR);
  move(34, 17, 6, 3, 'done', 21 * HOUR);
  move(36, 19, 33, 8, 'assigned', 20 * HOUR);

  const order = (id: number, state: string, partner: number, shipping: number, user: number, at: number) =>
    add(
      'sale.order',
      id,
      {
        name: `S${String(id).padStart(5, '0')}`,
        state,
        partner_id: partner,
        partner_invoice_id: partner,
        partner_shipping_id: shipping,
        date_order: at,
        currency_id: 1,
        company_id: 1,
        user_id: user,
      },
      at,
    );
  order(4, 'sale', 11, 32, ADMIN_UID, 9);
  order(6, 'sale', 16, 16, ADMIN_UID, 9);
  order(7, 'sale', 11, 24, ADMIN_UID, 9);
  order(12, 'draft', 10, 10, SERVICE_UID, 9);
  order(24, 'sale', 11, 32, ADMIN_UID, 9);
  const line = (id: number, orderId: number, product: number, qty: number, price: number) =>
    add(
      'sale.order.line',
      id,
      {
        order_id: orderId,
        product_id: product,
        name: products.find(([p]) => p === product)?.[2] ?? '',
        product_uom_qty: qty,
        price_unit: price,
        sequence: 10,
        qty_delivered: 0,
      },
      9,
    );
  line(8, 4, 12, 2, 450);
  line(9, 4, 6, 3, 40);
  line(10, 4, 33, 10, 110.5);
  line(11, 4, 26, 1, 115);
  line(13, 6, 17, 2, 375);
  line(14, 7, 26, 4, 295);
  line(15, 7, 6, 2, 40);
  line(16, 7, 33, 1, 66);
  line(17, 7, 12, 1, 380);
  line(30, 12, 6, 5, 40);
  line(40, 24, 12, 2, 450);

  add('mail.message.subtype', 1, { name: 'Discussions', sequence: 0 });
  add('mail.message.subtype', 2, { name: 'Note', sequence: 100 });
  add('mail.message.subtype', 3, { name: 'Activities', sequence: 90 });
  add('mail.activity.type', 1, { name: 'Email', sequence: 5 });
  add('mail.activity.type', 2, { name: 'Call', sequence: 6 });
  add('mail.activity.type', 4, { name: 'To-Do', sequence: 3 });
  add('mail.message', 1, {
    model: 'stock.picking',
    res_id: 1,
    record_name: 'WH/OUT/00001',
    body: '<p>Transfer created</p>',
    message_type: 'notification',
    subtype_id: 2,
    author_id: 3,
  });

  const external: Array<[string, string, number]> = [
    ...GROUPS.map(([id, full]) => [full, 'res.groups', id] as [string, string, number]),
    ['base.user_root', 'res.users', 1],
    ['base.user_admin', 'res.users', ADMIN_UID],
    ['base.main_company', 'res.company', 1],
    ['base.USD', 'res.currency', 1],
    ['base.EUR', 'res.currency', 2],
    ['uom.product_uom_unit', 'uom.uom', 1],
    ['stock.stock_location_stock', 'stock.location', 8],
    ['stock.stock_location_customers', 'stock.location', 5],
    ['stock.picking_type_out', 'stock.picking.type', 2],
    ['stock.picking_type_in', 'stock.picking.type', 1],
    ['mail.mt_comment', 'mail.message.subtype', 1],
    ['mail.mt_note', 'mail.message.subtype', 2],
    ['mail.mt_activities', 'mail.message.subtype', 3],
    ['mail.mail_activity_data_email', 'mail.activity.type', 1],
    ['mail.mail_activity_data_call', 'mail.activity.type', 2],
    ['mail.mail_activity_data_todo', 'mail.activity.type', 4],
  ];
  external.forEach(([full, model, resId], i) => {
    const [module = '', name = ''] = full.split('.');
    add('ir.model.data', i + 1, { module, name, model, res_id: resId, noupdate: true });
  });
  return rows;
}

/** Turns minute offsets of datetime seed values into instants after `base`. */
export function seedInstant(base: Micros, minutes: number): Micros {
  return base + minutes * 60_000_000;
}

/**
 * Writes the seed into the store. Datetime values in the seed are minute offsets from `base`;
 * create/write dates are `base + at` with the same microseconds for rows created together.
 */
export function applySeed(store: Store, profile: VersionProfile, base: Micros): void {
  for (const { model, id, vals, at = 0 } of seedRows(profile)) {
    const def = store.model(model);
    const stamp = seedInstant(base, at);
    const row: Row = { id };
    for (const [name, value] of Object.entries(def.defaults)) {
      row[name] = typeof value === 'function' ? value({ now: stamp, uid: ADMIN_UID }) : value;
    }
    for (const [name, value] of Object.entries(vals)) {
      row[name] =
        def.fields.get(name)?.type === 'datetime' && typeof value === 'number'
          ? seedInstant(base, value)
          : value;
    }
    Object.assign(row, {
      create_uid: ADMIN_UID,
      create_date: stamp,
      write_uid: ADMIN_UID,
      write_date: stamp,
    });
    store.seed(model, row);
  }
}
