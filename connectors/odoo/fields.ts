/**
 * What Odoo says about a model's fields (`fields_get`), asked once per model and kept for the
 * connection's life: expansion needs each relation's comodel, the preflight needs every name.
 */
import { FerryError } from '../../engine/errors.js';
import type { OdooClient } from './client/client.js';

export interface FieldInfo {
  type: string;
  /** The comodel of a relational field. */
  relation?: string;
  string?: string;
}

export type ModelFields = ReadonlyMap<string, FieldInfo>;

const ATTRIBUTES = ['type', 'relation', 'string'] as const;

export class FieldCatalog {
  private readonly models = new Map<string, Promise<ModelFields>>();

  constructor(private readonly client: OdooClient) {}

  fields(model: string): Promise<ModelFields> {
    let pending = this.models.get(model);
    if (!pending) {
      pending = this.fetch(model);
      this.models.set(model, pending);
      // A failed lookup (network) is asked again next time instead of being remembered.
      pending.catch(() => this.models.delete(model));
    }
    return pending;
  }

  /** The comodel of `model.field`; FERRY_ODOO_UNKNOWN_FIELD when it is missing or not relational. */
  async comodel(model: string, field: string): Promise<string> {
    const info = (await this.fields(model)).get(field);
    if (!info?.relation) {
      throw new FerryError(
        'FERRY_ODOO_UNKNOWN_FIELD',
        info
          ? `${model}.${field} is a ${info.type} field, not a relation, so it cannot be expanded`
          : `${model} has no field "${field}"`,
        { context: { model, field } },
      );
    }
    return info.relation;
  }

  private async fetch(model: string): Promise<ModelFields> {
    const raw = await this.client.fieldsGet(model, ATTRIBUTES);
    const fields = new Map<string, FieldInfo>();
    for (const [name, attributes] of Object.entries(raw)) {
      const { type, relation, string } = attributes;
      fields.set(name, {
        type: typeof type === 'string' ? type : 'unknown',
        ...(typeof relation === 'string' && relation !== '' ? { relation } : {}),
        ...(typeof string === 'string' ? { string } : {}),
      });
    }
    return fields;
  }
}
