/**
 * A flow's Odoo source: polls the flow's model page by page through the (write_date, taken ids)
 * cursor (cursor.ts), expands relations once per page (expand.ts) and hands each page to the
 * runtime before reading the next, so the cursor only moves past what the runtime has stored.
 */
import type { FlowConfig } from '../../engine/config/compiled.js';
import { FerryError } from '../../engine/errors.js';
import type { FlowSource, Handoff, SourceRecord } from '../../engine/runtime/ports.js';
import type { OdooClient, OdooRecord } from './client/client.js';
import { advanceCursor, formatCursor, parseCursor, pendingDomain, type CursorState } from './cursor.js';
import { expandRecords, expansionRootFields } from './expand.js';
import { FieldCatalog } from './fields.js';

/** Oldest change first; ties of one second in id order, as the cursor expects. */
const POLL_ORDER = 'write_date asc, id asc';

export function createOdooFlowSource(
  client: OdooClient,
  flow: FlowConfig,
  catalog: FieldCatalog = new FieldCatalog(client),
): FlowSource {
  return new OdooFlowSource(client, flow, catalog);
}

class OdooFlowSource implements FlowSource {
  /** Fields the flow reads, kept on the records handed on. */
  private readonly kept: ReadonlySet<string>;
  /** What is asked of Odoo: the kept fields plus write_date (the cursor) and the record name. */
  private readonly readFields: readonly string[];

  constructor(
    private readonly client: OdooClient,
    private readonly flow: FlowConfig,
    private readonly catalog: FieldCatalog,
  ) {
    const { fields, expand, recordName } = flow.source;
    this.kept = new Set(['id', ...fields, ...expansionRootFields(expand)]);
    this.readFields = [...new Set([...this.kept, 'write_date', recordName])];
  }

  async pollOnce(
    cursor: string | undefined,
    handoff: Handoff,
  ): Promise<{ records: number; cursor: string | undefined }> {
    const { model, domain, trigger } = this.flow.source;
    let state = parseCursor(cursor);
    let latest = cursor;
    let records = 0;
    for (;;) {
      const rows = await this.client.searchRead(
        model,
        [...domain, ...pendingDomain(state, trigger.overlapMs)],
        {
          fields: this.readFields,
          order: POLL_ORDER,
          limit: trigger.pageSize,
        },
      );
      if (rows.length === 0) break;
      if (rows.every((row) => alreadyTaken(state, row))) {
        // Odoo answered the same records again: a cursor that cannot move must not spin.
        throw new FerryError('FERRY_ODOO_PROTOCOL', `Odoo ${model}.search_read ignored the poll cursor`, {
          context: { flow: this.flow.name, model, cursor: latest },
          retryable: false,
        });
      }
      state = advanceCursor(
        state,
        rows.map((row) => ({ id: row.id, writeDate: String(row.write_date) })),
        trigger.overlapMs,
      );
      latest = formatCursor(state);
      // The runtime stores the page and the cursor together; only then is the next page read.
      await handoff(await this.toSourceRecords(rows), latest);
      records += rows.length;
      if (rows.length < trigger.pageSize) break;
    }
    return { records, cursor: latest };
  }

  /**
   * Reads the given records now, expanded. Records that are gone or no longer match the flow's
   * domain are left out, so a webhook hint never hands on what the poll would not.
   */
  async readRecords(ids: readonly number[]): Promise<SourceRecord[]> {
    if (ids.length === 0) return [];
    const { model, domain } = this.flow.source;
    const rows = await this.client.searchRead(model, [['id', 'in', [...new Set(ids)]], ...domain], {
      fields: this.readFields,
      order: POLL_ORDER,
    });
    return this.toSourceRecords(rows);
  }

  private async toSourceRecords(rows: OdooRecord[]): Promise<SourceRecord[]> {
    const { model, expand, recordName } = this.flow.source;
    const result = rows.map((row) => {
      const record: Record<string, unknown> = { ...row };
      const name = businessName(row[recordName]);
      // write_date is changed by Ferry's own write-back: it must not look like data the flow reads.
      for (const field of ['write_date', recordName]) if (!this.kept.has(field)) delete record[field];
      return { id: row.id, record, ...(name === undefined ? {} : { name }) };
    });
    await expandRecords(
      this.client,
      this.catalog,
      model,
      result.map((source) => source.record),
      expand,
    );
    return result;
  }
}

function alreadyTaken(state: CursorState, row: OdooRecord): boolean {
  return state.taken[String(row.write_date)]?.includes(row.id) ?? false;
}

/** The record's business name from its name field: text, a many2one's name, or a number. */
function businessName(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && typeof value[1] === 'string') return value[1];
  return undefined;
}
