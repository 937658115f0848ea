// `xafs read FILE`: what a file holds, as the readers see it.
import { readFile } from '../io/read.js';
import type { Io } from './program.js';
import { toJson } from './format.js';

export function readCommand(file: string, o: { json?: boolean }, io: Io): void {
  const data = readFile(file) as unknown as Record<string, unknown> & { format: string };
  for (const w of (data.warnings as string[] | undefined) ?? []) io.err(`xafs: warning: ${w}\n`);
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
    for (const c of cols) lines.push(`  ${c.label.padEnd(24)} ${c.values[0]} … ${c.values[c.values.length - 1]}`);
  } else {
    for (const [k, v] of Object.entries(data)) if (typeof v === 'number' || typeof v === 'string') lines.push(`  ${k.padEnd(12)} ${v}`);
  }
  io.out(lines.join('\n') + '\n');
}
