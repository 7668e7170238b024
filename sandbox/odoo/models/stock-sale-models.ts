/**
 * Models of `stock`, `product` and `sale`: transfers and their moves, products, sales orders and
 * lines, with the custom integration fields an admin adds on stock.picking.
 */
import type { DataView, ModelDef, Stored } from './fields.js';
import { field, related } from './fields.js';
import { defineModel } from './registry.js';
import type { VersionProfile } from '../versions.js';

/** Next "PREFIX00042" of the model's sequence (ir.sequence, simplified). */
export function nextSequence(data: DataView, model: string, prefix: string, padding: number): string {
  return `${prefix}${String(data.nextNumber(model, prefix)).padStart(padding, '0')}`;
}

const PICKING_STATES: Array<[string, string]> = [
  ['draft', 'Draft'],
  ['waiting', 'Waiting Another Operation'],
  ['confirmed', 'Waiting'],
  ['assigned', 'Ready'],
  ['done', 'Done'],
  ['cancel', 'Cancelled'],
];
const PICKING_CODES: Array<[string, string]> = [
  ['incoming', 'Receipt'],
  ['outgoing', 'Delivery'],
  ['internal', 'Internal Transfer'],
];

function fillPickingDefaults(data: DataView, vals: Record<string, Stored>): void {
  const type =
    typeof vals.picking_type_id === 'number'
      ? data.get('stock.picking.type', vals.picking_type_id)
      : undefined;
  if (!type) return;
  if (vals.location_id === undefined) vals.location_id = type.default_location_src_id ?? false;
  if (vals.location_dest_id === undefined) vals.location_dest_id = type.default_location_dest_id ?? false;
  if (vals.name === undefined)
    vals.name = nextSequence(data, 'stock.picking', `WH/${String(type.sequence_code)}/`, 5);
}

function fillMoveDefaults(data: DataView, vals: Record<string, Stored>): void {
  const picking =
    typeof vals.picking_id === 'number' ? data.get('stock.picking', vals.picking_id) : undefined;
  if (picking) {
    if (vals.location_id === undefined) vals.location_id = picking.location_id ?? false;
    if (vals.location_dest_id === undefined) vals.location_dest_id = picking.location_dest_id ?? false;
  }
  const product =
    typeof vals.product_id === 'number' ? data.get('product.product', vals.product_id) : undefined;
  if (product) {
    if (vals.product_uom === undefined) vals.product_uom = product.uom_id ?? false;
    if (vals.name === undefined) vals.name = data.displayName('product.product', product.id);
  }
}

function sumOfLines(data: DataView, orderId: number): number {
  let total = 0;
  for (const line of data.rows('sale.order.line')) {
    if (line.order_id === orderId) total += Number(line.price_unit ?? 0) * Number(line.product_uom_qty ?? 0);
  }
  return total;
}

export function stockSaleModels(profile: VersionProfile): ModelDef[] {
  return [
    defineModel({
      name: 'stock.location',
      description: 'Inventory Locations',
      order: 'complete_name, id',
      recName: 'complete_name',
      fields: {
        name: field.char('Location Name', { required: true }),
        complete_name: field.char('Full Location Name'),
        usage: field.selection('Location Type', [
          ['supplier', 'Vendor Location'],
          ['internal', 'Internal Location'],
          ['customer', 'Customer Location'],
        ]),
      },
    }),
    defineModel({
      name: 'stock.picking.type',
      description: 'Picking Type',
      order: 'sequence, id',
      displayName: (_data, row) => `YourCompany: ${String(row.name)}`,
      fields: {
        name: field.char('Operation Type', { required: true }),
        sequence: field.integer('Sequence'),
        code: field.selection('Type of Operation', PICKING_CODES, { required: true }),
        sequence_code: field.char('Sequence Prefix', { required: true }),
        default_location_src_id: field.many2one('Default Source Location', 'stock.location'),
        default_location_dest_id: field.many2one('Default Destination Location', 'stock.location'),
      },
    }),
    defineModel({
      name: 'product.product',
      description: 'Product Variant',
      order: 'default_code, name, id',
      displayName: (_data, row) =>
        typeof row.default_code === 'string' && row.default_code
          ? `[${row.default_code}] ${String(row.name)}`
          : String(row.name),
      defaults: { active: true, sale_ok: true, uom_id: 1, list_price: 1 },
      fields: {
        name: field.char('Name', { required: true }),
        default_code: field.char('Internal Reference'),
        barcode: field.char('Barcode'),
        list_price: field.float('Sales Price'),
        uom_id: field.many2one('Unit', 'uom.uom', { required: true }),
        sale_ok: field.boolean('Can be Sold'),
        active: field.boolean('Active'),
      },
    }),
    defineModel({
      name: 'stock.picking',
      description: 'Transfer',
      order: 'priority desc, scheduled_date asc, id desc',
      mailThread: true,
      onCreate: fillPickingDefaults,
      defaults: {
        move_type: 'direct',
        state: 'draft',
        priority: '0',
        is_locked: true,
        printed: false,
        company_id: 1,
        scheduled_date: ({ now }) => now,
      },
      fields: {
        name: field.char('Reference', { readonly: true }),
        origin: field.char('Source Document'),
        note: field.html('Notes'),
        backorder_id: field.many2one('Back Order of', 'stock.picking', { readonly: true }),
        backorder_ids: field.one2many('Back Orders', 'stock.picking', 'backorder_id'),
        move_type: field.selection(
          'Shipping Policy',
          [
            ['direct', 'As soon as possible'],
            ['one', 'When all products are ready'],
          ],
          { required: true },
        ),
        state: field.selection('Status', PICKING_STATES, { readonly: true }),
        priority: field.selection('Priority', [
          ['0', 'Normal'],
          ['1', 'Urgent'],
        ]),
        scheduled_date: field.datetime('Scheduled Date'),
        date_deadline: field.datetime('Deadline', { readonly: true }),
        date_done: field.datetime('Date of Transfer', { readonly: true }),
        location_id: field.many2one('Source Location', 'stock.location', { required: true }),
        location_dest_id: field.many2one('Destination Location', 'stock.location', { required: true }),
        [profile.pickingMovesField]: field.one2many('Stock Moves', 'stock.move', 'picking_id'),
        picking_type_id: field.many2one('Operation Type', 'stock.picking.type', { required: true }),
        picking_type_code: field.selection('Type of Operation', PICKING_CODES, {
          compute: related('picking_type_id', 'stock.picking.type', 'code'),
        }),
        partner_id: field.many2one('Contact', 'res.partner'),
        company_id: field.many2one('Company', 'res.company', { readonly: true }),
        user_id: field.many2one('Responsible', 'res.users'),
        printed: field.boolean('Printed'),
        is_locked: field.boolean('Is Locked'),
      },
      laterFields: {
        sale_id: field.many2one('Sales Order', 'sale.order'),
        x_integration_correlation_id: field.custom('char', 'Integration Correlation ID'),
        x_3pl_shipment_id: field.custom('char', '3PL Shipment ID'),
      },
    }),
    defineModel({
      name: 'stock.move',
      description: 'Stock Move',
      order: 'sequence, id',
      onCreate: fillMoveDefaults,
      defaults: { state: 'draft', sequence: 10, product_uom_qty: 1, date: ({ now }) => now },
      fields: {
        name: field.char('Description'),
        sequence: field.integer('Sequence'),
        picking_id: field.many2one('Transfer', 'stock.picking'),
        product_id: field.many2one('Product', 'product.product', { required: true }),
        product_uom_qty: field.float('Demand', { required: true }),
        [profile.moveQuantityField]: field.float('Quantity'),
        ...(profile.major >= 17 ? { picked: field.boolean('Picked') } : {}),
        product_uom: field.many2one('Unit', 'uom.uom', { required: true }),
        state: field.selection(
          'Status',
          [...PICKING_STATES.filter(([k]) => k !== 'assigned'), ['assigned', 'Available']],
          {
            readonly: true,
          },
        ),
        location_id: field.many2one('Source Location', 'stock.location', { required: true }),
        location_dest_id: field.many2one('Destination Location', 'stock.location', { required: true }),
        date: field.datetime('Date Scheduled'),
        origin: field.char('Source Document'),
      },
      laterFields: { sale_line_id: field.many2one('Sale Line', 'sale.order.line') },
    }),
    defineModel({
      name: 'sale.order',
      description: 'Sales Order',
      order: 'date_order desc, id desc',
      mailThread: true,
      onCreate: (data, vals) => {
        if (vals.name === undefined || vals.name === 'New')
          vals.name = nextSequence(data, 'sale.order', 'S', 5);
        if (vals.partner_shipping_id === undefined && typeof vals.partner_id === 'number') {
          vals.partner_shipping_id = vals.partner_id;
        }
        if (vals.partner_invoice_id === undefined && typeof vals.partner_id === 'number') {
          vals.partner_invoice_id = vals.partner_id;
        }
      },
      defaults: {
        state: 'draft',
        date_order: ({ now }) => now,
        currency_id: 1,
        company_id: 1,
        user_id: ({ uid }) => uid,
      },
      fields: {
        name: field.char('Order Reference', { required: true, readonly: false }),
        state: field.selection('Status', profile.saleOrderStates, { readonly: true }),
        partner_id: field.many2one('Customer', 'res.partner', { required: true }),
        partner_invoice_id: field.many2one('Invoice Address', 'res.partner'),
        partner_shipping_id: field.many2one('Delivery Address', 'res.partner'),
        client_order_ref: field.char('Customer Reference'),
        date_order: field.datetime('Order Date', { required: true }),
        note: field.html('Terms and conditions'),
        currency_id: field.many2one('Currency', 'res.currency'),
        amount_total: field.monetary('Total', { compute: (data, row) => sumOfLines(data, row.id) }),
        order_line: field.one2many('Order Lines', 'sale.order.line', 'order_id'),
        picking_ids: field.one2many('Transfers', 'stock.picking', 'sale_id'),
        ...(profile.major >= 17
          ? {
              delivery_status: field.selection('Delivery Status', [
                ['pending', 'Not Delivered'],
                ['started', 'Started'],
                ['partial', 'Partially Delivered'],
                ['full', 'Fully Delivered'],
              ]),
            }
          : {}),
        user_id: field.many2one('Salesperson', 'res.users'),
        company_id: field.many2one('Company', 'res.company', { required: true }),
      },
    }),
    defineModel({
      name: 'sale.order.line',
      description: 'Sales Order Line',
      order: 'order_id, sequence, id',
      defaults: { sequence: 10, product_uom_qty: 1, qty_delivered: 0 },
      fields: {
        order_id: field.many2one('Order Reference', 'sale.order', { required: true }),
        sequence: field.integer('Sequence'),
        product_id: field.many2one('Product', 'product.product'),
        name: field.text('Description'),
        product_uom_qty: field.float('Quantity'),
        price_unit: field.float('Unit Price'),
        price_subtotal: field.monetary('Subtotal', {
          compute: (_data, row) => Number(row.price_unit ?? 0) * Number(row.product_uom_qty ?? 0),
        }),
        qty_delivered: field.float('Delivery Quantity'),
      },
    }),
  ];
}
