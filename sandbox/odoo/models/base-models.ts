/**
 * Models of `base`, `mail`, `uom` and `account` the simulator needs: partners, users, groups,
 * companies, external ids, units, the chatter (messages, activities) and an empty journal.
 */
import type { ModelDef, Row } from './fields.js';
import { field, related } from './fields.js';
import { defineModel } from './registry.js';
import type { VersionProfile } from '../versions.js';
import { formatDay } from '../clock.js';

const partnerDisplayName = (data: Parameters<NonNullable<ModelDef['displayName']>>[0], row: Row): string => {
  const name = typeof row.name === 'string' ? row.name : '';
  const parent =
    typeof row.parent_id === 'number' && !row.is_company ? data.get('res.partner', row.parent_id) : undefined;
  return parent && typeof parent.name === 'string' ? `${parent.name}, ${name}` : name;
};

export function baseModels(profile: VersionProfile): ModelDef[] {
  return [
    defineModel({
      name: 'res.company',
      description: 'Companies',
      order: 'sequence, name',
      defaults: { sequence: 10, currency_id: 1 },
      fields: {
        name: field.char('Company Name', { required: true }),
        sequence: field.integer('Sequence'),
        partner_id: field.many2one('Partner', 'res.partner', { required: true }),
        currency_id: field.many2one('Currency', 'res.currency', { required: true }),
        email: field.char('Email'),
        phone: field.char('Phone'),
      },
    }),
    defineModel({
      name: 'res.currency',
      description: 'Currency',
      order: 'active desc, name',
      defaults: { active: true },
      fields: {
        name: field.char('Currency', { required: true }),
        symbol: field.char('Symbol', { required: true }),
        active: field.boolean('Active'),
      },
    }),
    defineModel({
      name: 'res.country',
      description: 'Country',
      order: 'name, id',
      fields: { name: field.char('Country Name', { required: true }), code: field.char('Country Code') },
    }),
    defineModel({
      name: 'res.partner',
      description: 'Contact',
      order: 'complete_name ASC, id DESC',
      recName: 'complete_name',
      mailThread: true,
      displayName: partnerDisplayName,
      defaults: { active: true, is_company: false },
      fields: {
        name: field.char('Name'),
        complete_name: field.char('Complete Name', { compute: partnerDisplayName }),
        parent_id: field.many2one('Related Company', 'res.partner'),
        child_ids: field.one2many('Contact', 'res.partner', 'parent_id'),
        is_company: field.boolean('Is a Company'),
        ref: field.char('Reference'),
        email: field.char('Email'),
        phone: field.char('Phone'),
        street: field.char('Street'),
        city: field.char('City'),
        zip: field.char('Zip'),
        country_id: field.many2one('Country', 'res.country'),
        active: field.boolean('Active'),
        company_id: field.many2one('Company', 'res.company'),
      },
    }),
    defineModel({
      name: 'res.users',
      description: 'User',
      order: 'name, login',
      defaults: { active: true, share: false, company_id: 1, company_ids: [1] },
      fields: {
        name: field.char('Name', { required: true }),
        login: field.char('Login', { required: true }),
        partner_id: field.many2one('Related Partner', 'res.partner', { required: true }),
        active: field.boolean('Active'),
        share: field.boolean('Share User', { readonly: true }),
        company_id: field.many2one('Company', 'res.company', { required: true }),
        company_ids: field.many2many('Companies', 'res.company'),
        [profile.userGroupsField]: field.many2many('Groups', 'res.groups'),
      },
    }),
    defineModel({
      name: 'ir.module.category',
      description: 'Application',
      fields: { name: field.char('Name', { required: true }) },
    }),
    defineModel({
      name: 'res.groups',
      description: 'Access Groups',
      order: 'name',
      fields: {
        name: field.char('Name', { required: true }),
        category_id: field.many2one('Application', 'ir.module.category'),
        full_name: field.char('Group Name', {
          compute: (data, row) => {
            const category = related('category_id', 'ir.module.category', 'name')(data, row);
            return typeof category === 'string' ? `${category} / ${String(row.name)}` : String(row.name);
          },
        }),
        implied_ids: field.many2many('Inherits', 'res.groups'),
      },
    }),
    defineModel({
      name: 'ir.model.data',
      description: 'Model Data',
      order: 'module, model, name',
      fields: {
        name: field.char('External Identifier', { required: true }),
        module: field.char('Module', { required: true }),
        model: field.char('Model Name', { required: true }),
        res_id: field.integer('Record ID'),
        complete_name: field.char('Complete ID', {
          compute: (_d, row) => `${String(row.module)}.${String(row.name)}`,
        }),
        noupdate: field.boolean('Non Updatable'),
      },
    }),
    defineModel({
      name: 'uom.uom',
      description: 'Product Unit of Measure',
      order: 'sequence, id',
      fields: { name: field.char('Unit Name', { required: true }), sequence: field.integer('Sequence') },
    }),
    defineModel({
      name: 'account.move',
      description: 'Journal Entry',
      order: 'date desc, name desc, id desc',
      mailThread: true,
      defaults: { move_type: 'entry', state: 'draft' },
      fields: {
        name: field.char('Number'),
        move_type: field.selection(
          'Type',
          [
            ['entry', 'Journal Entry'],
            ['out_invoice', 'Customer Invoice'],
            ['in_invoice', 'Vendor Bill'],
          ],
          { required: true },
        ),
        state: field.selection('Status', [
          ['draft', 'Draft'],
          ['posted', 'Posted'],
          ['cancel', 'Cancelled'],
        ]),
        partner_id: field.many2one('Partner', 'res.partner'),
        date: field.date('Date'),
      },
    }),
    defineModel({
      name: 'mail.message.subtype',
      description: 'Message subtypes',
      order: 'sequence, id',
      fields: { name: field.char('Message Type', { required: true }), sequence: field.integer('Sequence') },
    }),
    defineModel({
      name: 'mail.message',
      description: 'Message',
      order: 'id desc',
      recName: 'record_name',
      defaults: { message_type: 'comment', date: ({ now }) => now },
      fields: {
        subject: field.char('Subject'),
        body: field.html('Contents'),
        model: field.char('Related Document Model'),
        res_id: field.integer('Related Document ID'),
        record_name: field.char('Message Record Name'),
        message_type: field.selection(
          'Type',
          [
            ['email', 'Incoming Email'],
            ['comment', 'Comment'],
            ['notification', 'System notification'],
          ],
          { required: true },
        ),
        subtype_id: field.many2one('Subtype', 'mail.message.subtype'),
        author_id: field.many2one('Author', 'res.partner'),
        date: field.datetime('Date'),
      },
    }),
    defineModel({
      name: 'mail.activity.type',
      description: 'Activity Type',
      order: 'sequence, id',
      fields: { name: field.char('Name', { required: true }), sequence: field.integer('Sequence') },
    }),
    defineModel({
      name: 'mail.activity',
      description: 'Activity',
      order: 'date_deadline ASC, id ASC',
      recName: 'summary',
      defaults: { user_id: ({ uid }) => uid, date_deadline: ({ now }) => formatDay(now) },
      fields: {
        res_model: field.char('Related Document Model', { required: true }),
        res_id: field.integer('Related Document ID', { required: true }),
        activity_type_id: field.many2one('Activity Type', 'mail.activity.type'),
        summary: field.char('Summary'),
        note: field.html('Note'),
        date_deadline: field.date('Due Date', { required: true }),
        user_id: field.many2one('Assigned to', 'res.users'),
      },
    }),
  ];
}
