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
  if (columns.length < 2 || /^#/.test(columns[0]!)) {
    throw new XafsError('EFORMAT', `${file} is not a results table (a CSV whose header starts index,source,status,...): pass the results.csv that xafs batch wrote, or its --out folder`);
  }
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

/** Values per spectrum from a separate file (potential, time, temperature ... of each scan). */
export interface ValuesFile {
  /** The value column's header: the axis or colour-bar title (e.g. "potential (V vs RHE)"). */
  title: string;
  /** One value per row of the results table or per spectrum, in their order. */
  values: number[];
}

/**
 * Reads FILE, a table with a header line (CSV, or columns separated by tabs or spaces), that
 * maps each spectrum to a value: rows matched by an `index` column when the file has one, else
 * by a `source` column (the results table's source, or its part after '#'), else by order (one
 * row per spectrum). The value column is `column` when given, else the file's only column other
 * than index and source. `keys`: the index and source of each row to match (the results table's
 * rows or the spectra of a stack).
 */
export function readValuesFile(file: string, keys: { index: number; source: string }[], column?: string): ValuesFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new XafsError('ENOENT', `file not found: '${file}'`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !/^\s*#/.test(l));
  const csv = lines.length > 0 && lines[0]!.includes(',');
  const split = (l: string) => l.trim().split(l.includes('\t') ? /\s*\t\s*/ : /\s+/);
  const cells = csv ? parseCsv(lines.join('\n')) : lines.map(split);
  // one value per line under a header with spaces ("potential (V vs RHE)"): the header is one name
  if (!csv && cells.length > 1 && cells.slice(1).every((r) => r.length === 1)) cells[0] = [lines[0]!.trim()];
  const what = 'a header line (e.g. index,potential) and one row per spectrum';
  if (cells.length < 2) throw new XafsError('ETOOFEW', `${file}: no rows of values: the file needs ${what}`);
  const header = cells[0]!.map((c) => c.trim());
  const iIndex = header.indexOf('index');
  const iSource = header.indexOf('source');
  const candidates = header.map((_, i) => i).filter((i) => i !== iIndex && i !== iSource);
  let iValue: number;
  if (column !== undefined) {
    iValue = header.indexOf(column);
    if (iValue < 0) throw new XafsError('ECOLUMN', `${file} has no column '${column}'; its columns are: ${header.join(', ')}`);
  } else {
    if (candidates.length !== 1) {
      throw new XafsError('ECOLUMN', `${file} has ${candidates.length === 0 ? 'no value column' : `${candidates.length} value columns (${candidates.map((i) => header[i]).join(', ')})`}: ${candidates.length === 0 ? `it needs ${what}` : 'name the one to use with --x'}`);
    }
    iValue = candidates[0]!;
  }
  const byKey = new Map<string, number>();
  const rows = cells.slice(1);
  rows.forEach((r, li) => {
    if (r.length !== header.length) throw new XafsError('EFORMAT', `${file}: row ${li + 2} has ${r.length} cells but the header names ${header.length} columns`);
    const v = Number(r[iValue]!.trim());
    if (r[iValue]!.trim() === '' || !Number.isFinite(v)) throw new XafsError('ENUMBER', `${file}: row ${li + 2}, column '${header[iValue]}': '${r[iValue]}' is not a number`);
    if (iIndex >= 0) byKey.set(`i${Number(r[iIndex]!.trim())}`, v);
    else if (iSource >= 0) byKey.set(`s${r[iSource]!.trim()}`, v);
  });
  const values = keys.map((k, i) => {
    if (iIndex >= 0) {
      const v = byKey.get(`i${k.index}`);
      if (v === undefined) throw new XafsError('EOPTION', `${file} has no row with index ${k.index} (${k.source}): give a value for every spectrum`);
      return v;
    }
    if (iSource >= 0) {
      const short = k.source.includes('#') ? k.source.slice(k.source.lastIndexOf('#') + 1) : k.source.replace(/^.*[\\/]/, '');
      const v = byKey.get(`s${k.source}`) ?? byKey.get(`s${short}`);
      if (v === undefined) throw new XafsError('EOPTION', `${file} has no row with source '${k.source}' (or '${short}'): give a value for every spectrum`);
      return v;
    }
    if (rows.length !== keys.length) throw new XafsError('EOPTION', `${file} has ${rows.length} rows but there are ${keys.length} spectra: give one row per spectrum in their order, or add an index column`);
    return Number(rows[i]![iValue]!.trim());
  });
  return { title: header[iValue]!, values };
}
