// `xafs read FILE`: what a file holds, as the readers see it.
import { readFile } from '../io/read.js';
import type { Io } from './program.js';
import { toJson } from './format.js';

export function readCommand(file: string, o: { json?: boolean }, io: Io): void {
  const data = readFile(file) as unknown as Record<string, unknown> & { format: string };
  for (const w of (data.warnings as string[] | undefined) ?? []) io.err(`xafs: warning: ${w}\n`);
  for (const w of nonFiniteCells(file, data)) io.err(`xafs: warning: ${w}\n`);
  if (o.json) {
    // rowLines (the file line of each data row) serves error messages, not scripts
    const { rowLines: _rowLines, ...rest } = data;
    io.out(toJson(rest, 'null') + '\n');
    return;
  }
  const lines: string[] = [`${file}: ${data.format}`];
  if (data.format === 'athena') {
    const groups = data.groups as { label: string; energy: Float64Array }[];
    lines.push(`  ${groups.length} groups`);
    for (const g of groups) lines.push(`  ${g.label.padEnd(32)} ${g.energy.length} points, ${g.energy[0]?.toFixed(2)}–${g.energy[g.energy.length - 1]?.toFixed(2)} eV`);
  } else if (Array.isArray(data.columns)) {
    const cols = data.columns as { label: string; values: Float64Array }[];
    lines.push(`  ${cols.length} columns × ${cols[0]?.values.length ?? 0} rows`);
    const show = (v: number | undefined) => (v === undefined || Number.isFinite(v) ? String(v) : '—');
    for (const c of cols) lines.push(`  ${c.label.padEnd(24)} ${show(c.values[0])} … ${show(c.values[c.values.length - 1])}`);
  } else {
    for (const [k, v] of Object.entries(data)) if (typeof v === 'number' || typeof v === 'string') lines.push(`  ${k.padEnd(12)} ${v}`);
  }
  io.out(lines.join('\n') + '\n');
}

/**
 * Cells that hold nan or ±inf (the file says so: Larch reads them as numbers): `read` shows them
 * as — (null in JSON) and says where, since processing refuses them.
 */
function nonFiniteCells(file: string, data: Record<string, unknown>): string[] {
  if (!Array.isArray(data.columns)) return [];
  const rowLines = data.rowLines as ArrayLike<number> | undefined;
  const out: string[] = [];
  for (const [j, c] of (data.columns as { label: string; values: Float64Array }[]).entries()) {
    let n = 0;
    let first = -1;
    for (let i = 0; i < c.values.length; i++) {
      if (!Number.isFinite(c.values[i]!)) {
        if (first < 0) first = i;
        n++;
      }
    }
    if (n === 0) continue;
    const where = rowLines?.[first] !== undefined ? `line ${rowLines[first]}` : `row ${first + 1}`;
    out.push(`${file}: column ${j + 1} (${c.label}) holds ${n} cell${n > 1 ? 's' : ''} that ${n > 1 ? 'are' : 'is'} not a finite number (nan or inf; first at ${where}): shown as — (null in --json); processing refuses such a column`);
  }
  return out;
}
