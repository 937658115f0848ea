/**
 * The results table of `xafs batch` (DIR/results.csv): one row per spectrum with at least
 * index, source, status, message, then e0_<method>, edge_step, valence, valence_stderr,
 * lcf_<name>, lcf_<name>_stderr, lcf_rfactor, fitted <param>, <param>_stderr, rfactor.
 */
import { readFileSync } from 'node:fs';
import { XafsError } from '../errors.js';

export interface ResultsTable {
  file: string;
  columns: string[];
  /** Cells as written (strings). */
  rows: Record<string, string>[];
}

/** RFC 4180 CSV: quoted cells may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      cell = '';
      if (row.length > 1 || row[0] !== '') out.push(row);
      row = [];
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    out.push(row);
  }
  return out;
}

/** Reads a results table; refuses a file without a header and rows. */
export function readResultsTable(file: string): ResultsTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new XafsError('ENOENT', `file not found: '${file}'`);
  }
  const lines = parseCsv(text);
  if (lines.length === 0) throw new XafsError('ETOOFEW', `${file}: empty table (no header line): pass the results.csv that xafs batch wrote`);
  const columns = lines[0]!.map((c) => c.trim());
  const rows = lines.slice(1).map((cells, i) => {
    if (cells.length !== columns.length) throw new XafsError('EFORMAT', `${file}: line ${i + 2} has ${cells.length} cells but the header names ${columns.length} columns`);
    return Object.fromEntries(columns.map((c, j) => [c, cells[j]!.trim()]));
  });
  return { file, columns, rows };
}

/** A column as numbers (empty or non-numeric cells → null). */
export function numericColumn(t: ResultsTable, name: string): (number | null)[] {
  if (!t.columns.includes(name)) {
    throw new XafsError('ECOLUMN', `${t.file} has no column '${name}'; its columns are: ${t.columns.join(', ')}`);
  }
  return t.rows.map((r) => {
    const s = r[name] ?? '';
    const v = s === '' ? NaN : Number(s);
    return Number.isFinite(v) ? v : null;
  });
}

/** Rows that succeeded (status ok, or no status column). */
export function okRows(t: ResultsTable): ResultsTable {
  if (!t.columns.includes('status')) return t;
  return { ...t, rows: t.rows.filter((r) => r.status === 'ok' || r.status === '') };
}
