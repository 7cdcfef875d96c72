import { median, minimum } from './measure';
import type { Row, SectionResult, Table, Target } from './types';

function findRow(table: Table, label: string): Row {
  const row = table.rows.find((r) => r.label === label);
  if (!row) throw new Error(`table '${table.title}' has no row '${label}'`);
  return row;
}

function formatValue(value: number, unit: Table['unit']): string {
  if (unit === 'count') return value.toFixed(0);
  return `${value.toFixed(unit === 'ms' ? 1 : 2)} ${unit}`;
}

/** Left-aligns the first column and right-aligns the others. */
function alignColumns(lines: string[][]): string[] {
  const widths = lines[0].map((_, col) => Math.max(...lines.map((cells) => cells[col].length)));
  return lines.map((cells) =>
    cells.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('   ').trimEnd(),
  );
}

/** A plain-text table: median, min, and the ratio of medians against the baseline row. */
export function formatTable(table: Table): string[] {
  const base = median(findRow(table, table.baseline).samples);
  const lines = [['', 'runs', 'median', 'min', 'ratio']];
  for (const row of table.rows) {
    const m = median(row.samples);
    const ratio = row.label === table.baseline ? '1.00x (baseline)' : `${(m / base).toFixed(2)}x`;
    lines.push([row.label, String(row.samples.length), formatValue(m, table.unit), formatValue(minimum(row.samples), table.unit), ratio]);
  }
  const title = `${table.title}; ratio = median / median of '${table.baseline}'`;
  return [title, ...alignColumns(lines).map((line) => `  ${line}`)];
}

/** The ratio of medians a target is judged on. */
export function targetRatio(result: SectionResult, target: Target): number {
  const table = result.tables.find((t) => t.title === target.table);
  if (!table) throw new Error(`no table '${target.table}'`);
  return median(findRow(table, target.subject).samples) / median(findRow(table, target.baseline).samples);
}

export function formatTarget(result: SectionResult, target: Target): { line: string; pass: boolean } {
  const ratio = targetRatio(result, target);
  const pass = ratio <= target.limit;
  const line =
    `target: '${target.subject}' median <= ${target.limit.toFixed(2)}x '${target.baseline}': ` +
    `${ratio.toFixed(2)}x  ${pass ? 'PASS' : 'MISS'}`;
  return { line, pass };
}
