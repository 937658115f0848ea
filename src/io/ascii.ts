/**
 * Plain-text column files as Larch 0.9.58 read_ascii reads them (larch/io/columnfile.py):
 * the data block is found from the bottom of the file up, labels come from the header
 * (beamline-specific parsers, else the last header line) and `KEY: value` / `KEY = value`
 * header lines become attributes.
 */
import { XafsError } from '../errors.js';
import type { Column, ColumnFile } from '../types.js';
import { beamlineLabels } from './beamlines.js';
import { fixVarname, parseRow, pySplit, pyStrip, rowValue, sourceText, splitRow, type TextSource } from './text.js';

/** Larch read_ascii COMMENTCHARS: one of these leading a header line is dropped before `key: value`. */
const COMMENT_CHARS = '#;%*!$';
/** Larch set_array_labels: names that clash with group members get `_a`, `_b`, ... */
const RESERVED = new Set(['data', 'array_labels', 'filename', 'attrs', 'header', 'footer']);

interface DataRow {
  values: number[];
  line: number;
}

interface Sections {
  header: { text: string; line: number }[];
  rows: DataRow[];
  footer: string[];
}

/**
 * Larch read_ascii section detection, bottom-up: FOOTER until the first line whose words all
 * read as numbers (or dates), then DATA until the first line with any other word; everything
 * above is HEADER. Empty lines are skipped everywhere.
 */
function splitSections(lines: string[]): Sections {
  const header: Sections['header'] = [];
  const rows: DataRow[] = [];
  const footer: string[] = [];
  let section: 'FOOTER' | 'DATA' | 'HEADER' = 'FOOTER';
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = pyStrip(lines[i]!);
    if (line.length < 1) continue;
    if (section === 'HEADER') {
      header.push({ text: line, line: i + 1 });
      continue;
    }
    const values = parseRow(line);
    const allNumbers = values !== null;
    if (section === 'FOOTER' && allNumbers) section = 'DATA';
    else if (section === 'DATA' && !allNumbers) section = 'HEADER';
    if (section === 'FOOTER') footer.push(line);
    else if (section === 'HEADER') header.push({ text: line, line: i + 1 });
    else rows.push({ values: values!, line: i + 1 });
  }
  header.reverse();
  rows.reverse();
  footer.reverse();
  return { header, rows, footer };
}

/**
 * Larch stops the data block silently at the first row with a word that is not a number, so a
 * stray token inside a scan would cut the scan short without a word. We look at the header
 * lines just above the block: an uncommented line whose words are mostly numbers is a broken
 * data row when more rows of numbers sit above it (the scan runs on past it), and we name the
 * first one (in file order) with its bad word. Lines of mostly numbers right under a text line
 * are header tables, not broken rows: KEK-PF (PFBL12C_2005.dat) ends its header with
 * `Mode 0 0 1 2` and `Offset 0 0 826.150 652.975`, which Larch rightly keeps as header.
 */
function looksLikeBrokenRow(text: string, ncol: number): { index: number; token: string } | null {
  if (COMMENT_CHARS.includes(text[0]!)) return null;
  const words = splitRow(text);
  if (words.length < 2 || words.length > ncol + 2) return null;
  const values = words.map(rowValue);
  const numeric = values.filter((v) => v !== null).length;
  if (numeric < 1 || numeric * 2 < words.length) return null;
  const index = values.findIndex((v) => v === null);
  return index < 0 ? null : { index, token: words[index]! };
}

function checkBrokenRows(sections: Sections, ncol: number, path: string): void {
  const { header, rows } = sections;
  // the run of header lines just above the block that are data rows or broken data rows
  const run: { line: number; broken: { index: number; token: string } | null }[] = [];
  for (let h = header.length - 1; h >= 0; h--) {
    const { text, line } = header[h]!;
    const broken = looksLikeBrokenRow(text, ncol);
    if (broken) {
      run.push({ line, broken });
      continue;
    }
    const values = splitRow(text).map(rowValue);
    const isDataRow = !COMMENT_CHARS.includes(text[0]!) && values.length > 0 && values.every((v) => v !== null);
    if (!isDataRow) break;
    run.push({ line, broken: null });
  }
  run.reverse(); // file order
  const firstData = run.findIndex((r) => r.broken === null);
  const bad = firstData < 0 ? undefined : run.slice(firstData).find((r) => r.broken !== null);
  if (bad) {
    const last = rows[rows.length - 1]!.line;
    throw new XafsError(
      'ENUMBER',
      `${path} line ${bad.line}, column ${bad.broken!.index + 1}: '${bad.broken!.token}' is not a number ` +
        `(the numbers run on to line ${last}); fix that value, or delete or comment out the line with '#'`,
    );
  }
}

/** Larch read_ascii header attributes: `key: value`, else `key = value`, single-word keys only. */
function headerAttrs(header: string[]): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const raw of header) {
    let line = pyStrip(raw.replace(/\t/g, ' '));
    if (line.length < 1) continue;
    if (COMMENT_CHARS.includes(line[0]!)) line = pyStrip(line.slice(1));
    let sep = '';
    if (line.includes(':')) sep = ':';
    else if (line.includes('=')) sep = '=';
    if (!sep) continue;
    const at = line.indexOf(sep);
    const keywords = pySplit(line.slice(0, at));
    if (keywords.length !== 1) continue;
    // Larch colname: fix_varname(lowercase) with '.' → '_', then one leading '_' dropped
    let key = fixVarname(pyStrip(keywords[0]!).toLowerCase()).replace(/\./g, '_');
    if (key.startsWith('_')) key = key.slice(1);
    attrs[key] = pyStrip(line.slice(at + 1));
  }
  return attrs;
}

/**
 * Larch set_array_labels: pad with `colN` / cut to the number of columns, then rename repeats
 * and reserved names with `_a`, `_b`, ... (`colN` when all letters are used).
 * Departure: a label that fix_varname reduced to '' (a last header line of dashes, '#----')
 * becomes `colN`; Larch keeps '' which no expression can name.
 */
function finalLabels(raw: string[] | null, ncol: number): string[] {
  const clabels = Array.from({ length: ncol }, (_, i) => `col${i + 1}`);
  const tlabels = (raw ?? clabels).slice(0, ncol).map((l, i) => (l === '' ? clabels[i]! : l));
  for (let i = tlabels.length; i < ncol; i++) tlabels.push(clabels[i]!);
  const extras = 'abcdefghijklmnopqrstuvwxyz';
  const labels: string[] = [];
  for (let i = 0; i < ncol; i++) {
    let name = tlabels[i]!;
    if (RESERVED.has(name) || labels.includes(name)) {
      name = `${name}_a`;
      for (let j = 1; labels.includes(name) && j < extras.length; j++) name = `${tlabels[i]}_${extras[j]}`;
    }
    if (labels.includes(name)) name = clabels[i]!;
    labels.push(name);
  }
  return labels;
}

/** Parse column-file text (shared by readAscii and readXdi). */
export function parseColumnText(src: TextSource): ColumnFile {
  const { text, path } = src;
  if (text.trim().length === 0) {
    throw new XafsError('EFORMAT', `${path} is empty; expected rows of numbers below a header`);
  }
  const sections = splitSections(text.split('\n'));
  const { rows } = sections;
  if (rows.length === 0) {
    throw new XafsError(
      'EFORMAT',
      `${path}: no block of numbers found; a column file needs rows of numbers (one point per line) below its header`,
    );
  }
  const ncol = rows.reduce((m, r) => Math.max(m, r.values.length), 0);
  if (ncol === 0) {
    throw new XafsError('EFORMAT', `${path}: the data block holds no numbers (only separators)`);
  }
  checkBrokenRows(sections, ncol, path);

  const header = sections.header.map((h) => h.text);
  const hint = beamlineLabels(header, ncol);
  const labels = finalLabels(hint.labels, ncol);
  const columns: Column[] = labels.map((label, c) => {
    const values = new Float64Array(rows.length);
    // Larch pads short rows with NaN (read_ascii: rows are extended to the widest row)
    for (let r = 0; r < rows.length; r++) values[r] = rows[r]!.values[c] ?? NaN;
    return { label, values };
  });
  const file: ColumnFile = {
    format: 'ascii',
    path,
    labels,
    columns,
    metadata: headerAttrs(header),
    comments: [],
    header,
    footer: sections.footer,
    rowLines: rows.map((r) => r.line),
    beamline: hint.beamline,
  };
  if (hint.energyColumn !== undefined && hint.energyColumn !== 1) file.energyColumn = hint.energyColumn;
  if (hint.energyUnits !== undefined && hint.energyUnits !== 'eV') file.energyUnits = hint.energyUnits;
  if (hint.monoDspace !== undefined && hint.monoDspace > 0) file.monoDspace = hint.monoDspace;
  return file;
}

/**
 * Read a plain-text column file as Larch 0.9.58 read_ascii does: same data block, labels
 * (lowercased identifiers), header attributes (`metadata`), NaN-padded short rows.
 * Accepts a path, or `{text, path}` for text already in memory.
 * Throws XafsError ENOENT (missing file), EFORMAT (empty, no numbers), ENUMBER (a word that is
 * not a number inside the data block; Larch would silently drop everything above it).
 */
export function readAscii(input: string | TextSource): ColumnFile {
  return parseColumnText(sourceText(input));
}
