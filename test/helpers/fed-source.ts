/**
 * A source fed by the test itself (records pushed in memory), with a real cursor through the store's
 * handoff, and a sink that remembers what was written back and surfaced. Stands in for Odoo in
 * runtime tests; the Odoo connector has its own tests against the simulator.
 */
import type { FlowConfig } from '../../engine/config/compiled.js';
import type {
  DeadLetterNotice,
  FlowSource,
  RecordSink,
  SourceConnection,
  SourceRecord,
  WriteBackItem,
} from '../../engine/runtime/ports.js';

export class FedSource implements SourceConnection {
  readonly records: SourceRecord[] = [];
  readonly written: { model: string; items: WriteBackItem[] }[] = [];
  readonly surfaced: DeadLetterNotice[] = [];

  push(...records: SourceRecord[]): void {
    this.records.push(...records);
  }

  flowSource(_flow: FlowConfig): FlowSource {
    return {
      pollOnce: async (cursor, handoff) => {
        let position = cursor ? Number(cursor) : 0;
        while (position < this.records.length) {
          const page = this.records.slice(position, position + 100);
          position += page.length;
          await handoff(page, String(position));
        }
        return { records: this.records.length, cursor: String(position) };
      },
      readRecords: async (ids) => this.records.filter((r) => ids.includes(r.id)),
    };
  }

  readonly sink: RecordSink = {
    writeBack: async (model, items) => {
      this.written.push({ model, items });
      return { failed: [] };
    },
    surfaceDeadLetter: async (_model, notice) => {
      this.surfaced.push(notice);
    },
  };

  async close(): Promise<void> {}
}
