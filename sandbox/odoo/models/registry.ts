/**
 * The model registry: which models exist and their fields, built once per simulator for the Odoo
 * version it pretends to be. Every model gets Odoo's magic fields (id, display_name, create/write
 * uid and date); mail.thread models get their chatter fields.
 */
import type { DataView, DefaultValue, FieldDef, ModelDef, Row, Stored } from './fields.js';
import { field } from './fields.js';
import { FerryError } from '../../../engine/errors.js';

type FieldSpec = Omit<FieldDef, 'name'>;

export interface ModelSpec {
  name: string;
  description: string;
  order?: string;
  recName?: string;
  mailThread?: boolean;
  fields: Record<string, FieldSpec>;
  /** Fields an inheriting module adds: listed after the magic fields, as Odoo's fields_get does. */
  laterFields?: Record<string, FieldSpec>;
  defaults?: Record<string, DefaultValue>;
  displayName?: (data: DataView, row: Row) => string;
  onCreate?: (data: DataView, vals: Record<string, Stored>) => void;
}

function polymorphicChildren(comodel: string, modelField: string, model: string) {
  return (data: DataView, row: Row): Stored => {
    const ids: number[] = [];
    for (const other of data.rows(comodel))
      if (other[modelField] === model && other.res_id === row.id) ids.push(other.id);
    return ids;
  };
}

export function defineModel(spec: ModelSpec): ModelDef {
  const fields = new Map<string, FieldDef>();
  const put = (specs: Record<string, FieldSpec>) => {
    for (const [name, def] of Object.entries(specs)) fields.set(name, { name, ...def });
  };
  if (spec.mailThread) {
    put({
      activity_ids: field.one2many('Activities', 'mail.activity', 'res_id', {
        compute: polymorphicChildren('mail.activity', 'res_model', spec.name),
      }),
      message_ids: field.one2many('Messages', 'mail.message', 'res_id', {
        compute: polymorphicChildren('mail.message', 'model', spec.name),
      }),
    });
  }
  put(spec.fields);
  put({
    id: field.integer('ID', { readonly: true }),
    display_name: field.char('Display Name', { compute: (data, row) => data.displayName(spec.name, row.id) }),
    create_uid: field.many2one('Created by', 'res.users', { readonly: true }),
    create_date: field.datetime('Created on', { readonly: true }),
    write_uid: field.many2one('Last Updated by', 'res.users', { readonly: true }),
    write_date: field.datetime('Last Updated on', { readonly: true }),
  });
  put(spec.laterFields ?? {});
  return {
    name: spec.name,
    description: spec.description,
    order: spec.order ?? 'id',
    recName: spec.recName ?? 'name',
    fields,
    mailThread: spec.mailThread ?? false,
    defaults: spec.defaults ?? {},
    ...(spec.displayName ? { displayName: spec.displayName } : {}),
    ...(spec.onCreate ? { onCreate: spec.onCreate } : {}),
  };
}

export class ModelRegistry {
  private readonly models = new Map<string, ModelDef>();

  add(...defs: ModelDef[]): void {
    for (const def of defs) this.models.set(def.name, def);
  }

  get(name: string): ModelDef | undefined {
    return this.models.get(name);
  }

  names(): string[] {
    return [...this.models.keys()];
  }

  /** Adds a custom (`x_…`) field at run time, as an admin would in Settings > Technical > Fields. */
  addCustomField(model: string, name: string, spec: FieldSpec): void {
    const def = this.models.get(model);
    if (!def) throw new FerryError('FERRY_USAGE', `Unknown model "${model}" in the Odoo simulator`);
    def.fields.set(name, { name, ...spec, manual: true });
  }
}
