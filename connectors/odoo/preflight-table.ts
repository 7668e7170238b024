/**
 * `ferry doctor`'s view of an Odoo preflight: one aligned text table, a row per check, with what is
 * missing and the suggested fix next to it, then one summary line.
 */
import type { PreflightReport, PreflightRow } from './preflight.js';

const STATUS_LABEL: Record<PreflightRow['status'], string> = {
  ok: 'ok',
  warning: 'WARN',
  missing: 'MISSING',
};
const HEADER = ['FLOW', 'CHECK', 'SUBJECT', 'STATUS', 'DETAIL'] as const;

export function formatPreflightTable(report: PreflightReport): string {
  const rows = report.rows.map((row) => [
    row.flow ?? '-',
    row.check,
    row.subject,
    STATUS_LABEL[row.status],
    row.detail ?? '',
  ]);
  const widths = HEADER.map((title, column) =>
    Math.max(title.length, ...rows.map((cells) => (cells[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  const version = report.serverVersion === undefined ? '' : ` (Odoo ${report.serverVersion})`;
  const title = `Odoo connection "${report.connection}" as ${report.login}${version}`;
  const problems = report.problems.length;
  const summary =
    problems === 0
      ? 'all checks passed'
      : `${problems} problem${problems === 1 ? '' : 's'}: ${[...new Set(report.problems.map((p) => p.code))].join(', ')}`;
  return [title, line(HEADER), ...rows.map(line), summary].join('\n');
}
