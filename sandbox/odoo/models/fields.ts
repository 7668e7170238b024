/**
 * Field and model definitions: the simulator's `_fields`. A definition knows its type, label,
 * relation, required/readonly flags and, for non-stored fields, how to compute the value from the
 * data. `fields_get`, validation, domains and the wire encoding all read from here.
 */

export type FieldType =
  | 'char'
  | 'text'
  | 'html'
  | 'integer'
  | 'float'
  | 'monetary'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'selection'
  | 'many2one'
  | 'one2many'
  | 'many2many'
  | 'binary';

/** A stored value: datetimes are microseconds since the epoch, dates "YYYY-MM-DD", many2many id lists. */
export type Stored = string | number | boolean | number[];

export interface Row {
  id: number;
  [field: string]: Stored;
}

/** What computed fields may look at. */
export interface DataView {
  rows(model: string): Iterable<Row>;
  get(model: string, id: number): Row | undefined;
  displayName(model: string, id: number): string;
  value(model: string, row: Row, field: string): Stored;
  /** The one2many ids: rows of `model` whose many2one `field` is `parentId`. */
  children(model: string, field: string, parentId: number): number[];
  /** The next number of an ir.sequence-like counter. */
  nextNumber(model: string, prefix: string): number;
}

export interface FieldDef {
  name: string;
  type: FieldType;
  string: string;
  relation?: string;
  /** one2many: the many2one on the comodel pointing back. */
  inverseName?: string;
  required: boolean;
  readonly: boolean;
  /** Not stored: computed on every read (related fields, one2many, display_name). */
  compute?: (data: DataView, row: Row) => Stored;
  selection?: Array<[string, string]>;
  /** Custom field created in the UI (`x_` prefix), reported as `manual` by fields_get. */
  manual: boolean;
}

export interface FieldOptions {
  required?: boolean;
  readonly?: boolean;
  compute?: (data: DataView, row: Row) => Stored;
}

/** What a default may depend on: the transaction's instant and user. */
export interface DefaultContext {
  now: number;
  uid: number;
}
export type DefaultValue = Stored | ((ctx: DefaultContext) => Stored);

export interface ModelDef {
  name: string;
  /** `_description`, used in access error messages ("'Transfer' (stock.picking)"). */
  description: string;
  /** `_order`, the default sort of search. */
  order: string;
  /** `_rec_name`, the field shown as display name. */
  recName: string;
  fields: Map<string, FieldDef>;
  /** Inherits mail.thread: message_post and chatter fields. */
  mailThread: boolean;
  displayName?: (data: DataView, row: Row) => string;
  /** `default=` of the fields, applied on create when a value is not given. */
  defaults: Record<string, DefaultValue>;
  /** Fills dependent defaults and sequences on create (e.g. picking names). */
  onCreate?: (data: DataView, vals: Record<string, Stored>) => void;
}

type FieldSpec = Omit<FieldDef, 'name'>;

function make(
  type: FieldType,
  string: string,
  options: FieldOptions = {},
  extra: Partial<FieldSpec> = {},
): FieldSpec {
  const compute = options.compute;
  return {
    type,
    string,
    required: options.required ?? false,
    readonly: options.readonly ?? compute !== undefined,
    manual: false,
    ...(compute ? { compute } : {}),
    ...extra,
  };
}

/** Field builders, named after Odoo's `fields.*`. */
export const field = {
  char: (s: string, o?: FieldOptions) => make('char', s, o),
  text: (s: string, o?: FieldOptions) => make('text', s, o),
  html: (s: string, o?: FieldOptions) => make('html', s, o),
  integer: (s: string, o?: FieldOptions) => make('integer', s, o),
  float: (s: string, o?: FieldOptions) => make('float', s, o),
  monetary: (s: string, o?: FieldOptions) => make('monetary', s, o),
  boolean: (s: string, o?: FieldOptions) => make('boolean', s, o),
  date: (s: string, o?: FieldOptions) => make('date', s, o),
  datetime: (s: string, o?: FieldOptions) => make('datetime', s, o),
  binary: (s: string, o?: FieldOptions) => make('binary', s, o),
  selection: (s: string, selection: Array<[string, string]>, o?: FieldOptions) =>
    make('selection', s, o, { selection }),
  many2one: (s: string, relation: string, o?: FieldOptions) => make('many2one', s, o, { relation }),
  many2many: (s: string, relation: string, o?: FieldOptions) => make('many2many', s, o, { relation }),
  one2many: (s: string, relation: string, inverseName: string, o?: FieldOptions) =>
    make(
      'one2many',
      s,
      { readonly: false, ...o, compute: o?.compute ?? inverseCompute(relation, inverseName) },
      {
        relation,
        inverseName,
      },
    ),
  /** A custom field added through Studio or Settings > Technical (`x_…`). */
  custom: (type: FieldType, s: string) => ({ ...make(type, s), manual: true }),
};

/** A related field: follows the many2one `via` to `comodel` and reads `target` there. */
export function related(via: string, comodel: string, target: string) {
  return (data: DataView, row: Row): Stored => {
    const id = row[via];
    if (typeof id !== 'number') return false;
    const other = data.get(comodel, id);
    return other ? data.value(comodel, other, target) : false;
  };
}

function inverseCompute(relation: string, inverseName: string) {
  return (data: DataView, row: Row): Stored => data.children(relation, inverseName, row.id);
}
