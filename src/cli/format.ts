// Output helpers shared by commands: JSON with plain number arrays, column files with headers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XafsError } from '../errors.js';

/**
 * JSON.stringify with typed arrays as plain arrays. Results refuse NaN/inf (never a silent null);
 * `nonFinite: 'null'` is for data as read (empty cells of a column file), where null says "no value".
 */
export function toJson(value: unknown, nonFinite: 'error' | 'null' = 'error'): string {
  return JSON.stringify(value, (key, v) => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const arr = Array.from(v as Float64Array);
      if (nonFinite === 'null') return arr.map((x) => (Number.isFinite(x) ? x : null));
      const bad = arr.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) throw new XafsError('ENONFINITE', `result array '${key}' has a non-finite value (${arr[bad]}) at index ${bad}: the input or the options produced an undefined result; check the ranges`);
      return arr;
    }
    if (typeof v === 'number' && !Number.isFinite(v)) {
      if (nonFinite === 'null') return null;
      throw new XafsError('ENONFINITE', `result '${key}' is ${v}: the input or the options produced an undefined result; check the ranges`);
    }
    return v;
  });
}

export interface ColumnSpec {
  name: string;
  /** Units and meaning, written into the header. */
  desc: string;
  values: ArrayLike<number>;
}

/** Writes a whitespace-separated column file with a '#' header naming every column and its units. */
export function writeColumns(dir: string, file: string, title: string[], cols: ColumnSpec[]): string {
  mkdirSync(dir, { recursive: true });
  const n = Math.min(...cols.map((c) => c.values.length));
  const lines = [...title.map((t) => `# ${t}`)];
  cols.forEach((c, i) => lines.push(`# Column.${i + 1}: ${c.name}  ${c.desc}`));
  lines.push('#' + '-'.repeat(60));
  lines.push('#' + cols.map((c) => c.name.padStart(16)).join(' '));
  for (let i = 0; i < n; i++) lines.push(' ' + cols.map((c) => fmt(c.values[i])).join(' '));
  const path = join(dir, file);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function fmt(v: number): string {
  return v.toExponential(9).padStart(16);
}
