/**
 * Plain-text column files as Larch 0.9.58 read_ascii reads them (larch/io/columnfile.py):
 * the data block is found from the bottom of the file up, labels come from the header
 * (beamline-specific parsers, else the last header line) and `KEY: value` / `KEY = value`
 * header lines become attributes.
 */
import { XafsError } from '../errors.js';
import type { Column, ColumnFile } from '../types.js';
import { beamlineLabels, genericLabels } from './beamlines.js';
import { fixVarname, isBlank, notNumberNote, shownWord, parseRowInto, pySplit, pyStrip, rowValue, RowSink, sourceText, splitRow, type TextSource } from './text.js';

/** Larch read_ascii COMMENTCHARS: one of these leading a header line is dropped before `key: value`. */
const COMMENT_CHARS = '#;%*!$';
/** Larch set_array_labels: names that clash with group members get `_a`, `_b`, ... */
const RESERVED = new Set(['data', 'array_labels', 'filename', 'attrs', 'header', 'footer']);

interface Sections {
  header: { text: string; line: number }[];
  /** The data rows in file order: row r holds values[start[r] … start[r] + count[r]) and sits on line[r]. */
  nrows: number;
  values: Float64Array;
  start: Int32Array;
  count: Int32Array;
  line: Int32Array;
  footer: string[];
  /** File line of footer[0] (0 without a footer). */
  footerLine: number;
}

/**
 * Buffers reused from one file to the next (parsing is synchronous, and the values are copied
 * into the columns before parseColumnText returns): a new 32 kB buffer per file was most of the
 * reader's garbage.
 */
const scratch = { sink: new RowSink(), rStart: new Int32Array(1024), rCount: new Int32Array(1024), rLine: new Int32Array(1024) };
/** Rows (and 8 values per row) above which the grown buffers are not kept. */
const SCRATCH_KEEP = 1 << 15;

/**
 * Larch read_ascii section detection, bottom-up: FOOTER until the first line whose words all
 * read as numbers (or dates), then DATA until the first line with any other word; everything
 * above is HEADER. Empty lines are skipped everywhere. Works on the text in place (line offsets,
 * no line strings for the data block), the rows' numbers going into one flat array.
 */
function splitSections(text: string): Sections {
  const header: Sections['header'] = [];
  const footer: string[] = [];
  // line i is text[ls[i], le[i]): the lines of text.split('\n')
  const nl: number[] = [];
  for (let p = text.indexOf('\n'); p >= 0; p = text.indexOf('\n', p + 1)) nl.push(p);
  const nlines = nl.length + 1;
  const sink = scratch.sink;
  sink.nvalues = 0;
  sink.dates.length = 0;
  // rows bottom-up, reversed at the end
  let cap = scratch.rStart.length;
  let rStart = scratch.rStart;
  let rCount = scratch.rCount;
  let rLine = scratch.rLine;
  let nrows = 0;
  let section: 'FOOTER' | 'DATA' | 'HEADER' = 'FOOTER';
  let footerLine = 0;
  for (let i = nlines - 1; i >= 0; i--) {
    const a = i === 0 ? 0 : nl[i - 1]! + 1;
    const b = i === nlines - 1 ? text.length : nl[i]!;
    if (section === 'HEADER') {
      const line = pyStrip(text.slice(a, b));
      if (line.length > 0) header.push({ text: line, line: i + 1 });
      continue;
    }
    if (isBlank(text, a, b)) continue;
    const first = sink.nvalues;
    const count = parseRowInto(text, a, b, sink);
    const allNumbers = count >= 0;
    if (section === 'FOOTER' && allNumbers) section = 'DATA';
    else if (section === 'DATA' && !allNumbers) section = 'HEADER';
    if (section === 'FOOTER') {
      footer.push(pyStrip(text.slice(a, b)));
      footerLine = i + 1;
    }
    else if (section === 'HEADER') header.push({ text: pyStrip(text.slice(a, b)), line: i + 1 });
    else {
      if (nrows === cap) {
        cap *= 2;
        const grow = (x: Int32Array) => {
          const y = new Int32Array(cap);
          y.set(x);
          return y;
        };
        rStart = grow(rStart);
        rCount = grow(rCount);
        rLine = grow(rLine);
      }
      rStart[nrows] = first;
      rCount[nrows] = count;
      rLine[nrows] = i + 1;
      nrows++;
    }
  }
  header.reverse();
  footer.reverse();
  // keep the grown buffers for the next file, unless a huge file made them large
  if (cap <= SCRATCH_KEEP) Object.assign(scratch, { rStart, rCount, rLine });
  const start = rStart.slice(0, nrows).reverse();
  const count = rCount.slice(0, nrows).reverse();
  const line = rLine.slice(0, nrows).reverse();
  return { header, nrows, values: sink.values, start, count, line, footer, footerLine };
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

/** Every word of the line is a number (stops at the first that is not). */
function isNumberRow(text: string): boolean {
  const words = splitRow(text);
  return words.length > 0 && words.every((w) => rowValue(w) !== null);
}

function checkBrokenRows(sections: Sections, ncol: number, path: string): void {
  const { header } = sections;
  // the run of header lines just above the block that are data rows or broken data rows
  const run: { line: number; broken: { index: number; token: string } | null }[] = [];
  for (let h = header.length - 1; h >= 0; h--) {
    const { text, line } = header[h]!;
    const broken = looksLikeBrokenRow(text, ncol);
    if (broken) {
      run.push({ line, broken });
      continue;
    }
    const isDataRow = !COMMENT_CHARS.includes(text[0]!) && isNumberRow(text);
    if (!isDataRow) break;
    run.push({ line, broken: null });
  }
  // the line right above the block, as wide as the rows and starting with a number, is the
  // scan's first point with a damaged cell (a header table starts with its name: 'Offset 0 0 826.1')
  const top = run[0];
  const topWords = top?.broken ? splitRow(header[header.length - 1]!.text) : [];
  const damagedFirst = top?.broken && top.broken.index > 0 && topWords.length === ncol && rowValue(topWords[0]!) !== null ? top : undefined;
  run.reverse(); // file order
  const firstData = run.findIndex((r) => r.broken === null);
  const bad = (firstData < 0 ? undefined : run.slice(firstData).find((r) => r.broken !== null)) ?? damagedFirst;
  if (bad) {
    const last = sections.line[sections.nrows - 1]!;
    throw new XafsError(
      'ENUMBER',
      `${path} line ${bad.line}, column ${bad.broken!.index + 1}: '${shownWord(bad.broken!.token)}' is not a number${notNumberNote(bad.broken!.token)} ` +
        `(the numbers run on to line ${last}); fix that value, or delete or comment out the line with '#'`,
    );
  }
}

/**
 * The number of values per row: the most common row width (ties: the wider). Larch takes the
 * widest row and pads the others with NaN; one long or short row must not set the width.
 */
function rowWidth(count: Int32Array, nrows: number): number {
  const tally = new Map<number, number>();
  let best = 0;
  let bestN = 0;
  for (let r = 0; r < nrows; r++) {
    const c = count[r]!;
    const n = (tally.get(c) ?? 0) + 1;
    tally.set(c, n);
    if (n > bestN || (n === bestN && c > best)) {
      best = c;
      bestN = n;
    }
  }
  return best;
}

/** At most this many rows of another width are dropped (with a warning); more refuse the file. */
export const MAX_RAGGED_ROWS = 3;

/**
 * Rows whose number of values differs from the block's (a truncated last line, a missing or
 * extra cell): up to MAX_RAGGED_ROWS are dropped with a warning naming their lines (returns the
 * rows kept), more refuse the file. Departure: Larch pads short rows with NaN, which would
 * reach every result. Null: every row has ncol values.
 */
function raggedRows(sections: Sections, ncol: number, path: string, warnings: string[]): Int32Array | null {
  const { nrows, count, line } = sections;
  const bad: number[] = [];
  for (let r = 0; r < nrows; r++) if (count[r] !== ncol) bad.push(r);
  if (bad.length === 0) return null;
  const describe = (r: number): string => `line ${line[r]} (${count[r]} value${count[r] === 1 ? '' : 's'})`;
  if (bad.length > MAX_RAGGED_ROWS) {
    const shown = bad.slice(0, MAX_RAGGED_ROWS).map(describe).join(', ');
    throw new XafsError(
      'EFORMAT',
      `${path}: ${bad.length} rows do not have the ${ncol} values of the other rows: ${shown}, ...; ` +
        `every data row needs one value per column: fill in the missing values or delete those lines`,
    );
  }
  warnings.push(
    `${path}: ${bad.map(describe).join(', ')}: not the ${ncol} values of the other rows; ` +
      `dropped (Larch would fill the gaps with NaN); fill in the values or delete the line${bad.length > 1 ? 's' : ''} to silence this`,
  );
  const keep = new Int32Array(nrows - bad.length);
  let j = 0;
  for (let r = 0, b = 0; r < nrows; r++) {
    if (b < bad.length && bad[b] === r) b++;
    else keep[j++] = r;
  }
  return keep;
}

/**
 * A date is a number only in a column of dates (a time column, as Larch reads it). A date among
 * numbers (`2019-01-01` in μ, `1.2.3` in the energy) is refused with its line and column.
 */
function checkDates(sections: Sections, text: string, keep: Int32Array | null, path: string): void {
  const dates = scratch.sink.dates;
  if (dates.length === 0) return;
  const { nrows, start, line } = sections;
  // rows were filled bottom-up: start[] decreases with r; find the row of a value index
  const rowOf = (v: number): number => {
    let lo = 0;
    let hi = nrows - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (start[mid]! > v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const kept = keep ? new Set(keep) : null;
  const perColumn = new Map<number, { n: number; first: { r: number; a: number; b: number } }>();
  for (let i = 0; i < dates.length; i += 3) {
    const r = rowOf(dates[i]!);
    if (kept && !kept.has(r)) continue;
    const c = dates[i]! - start[r]!;
    const entry = perColumn.get(c);
    const cell = { r, a: dates[i + 1]!, b: dates[i + 2]! };
    if (!entry) perColumn.set(c, { n: 1, first: cell });
    else {
      entry.n++;
      if (r < entry.first.r) entry.first = cell;
    }
  }
  const rows = keep ? keep.length : nrows;
  for (const [c, { n, first }] of perColumn) {
    if (n === rows) continue; // a time column
    const token = text.slice(first.a, first.b);
    throw new XafsError(
      'ENUMBER',
      `${path} line ${line[first.r]}, column ${c + 1}: '${shownWord(token)}' is a date in a column of numbers, not a number; ` +
        `fix that value, or delete or comment out the line with '#'`,
    );
  }
}

/**
 * The first line below the data block (Larch's footer) when it is a data row with a word that
 * is not a number: the scan's last point, damaged. Larch drops it silently; we refuse it.
 */
function checkFooter(sections: Sections, ncol: number, path: string): void {
  const first = sections.footer[0];
  if (first === undefined) return;
  const broken = looksLikeBrokenRow(first, ncol);
  if (!broken || !(splitRow(first).length === ncol)) return;
  throw new XafsError(
    'ENUMBER',
    `${path} line ${sections.footerLine}, column ${broken.index + 1}: '${shownWord(broken.token)}' is not a number${notNumberNote(broken.token)}; ` +
      `fix that value, or delete or comment out the line with '#'`,
  );
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
  const taken = new Set<string>(); // labels.includes in Larch: a Set keeps it linear in the columns
  for (let i = 0; i < ncol; i++) {
    let name = tlabels[i]!;
    if (RESERVED.has(name) || taken.has(name)) {
      name = `${name}_a`;
      for (let j = 1; taken.has(name) && j < extras.length; j++) name = `${tlabels[i]}_${extras[j]}`;
    }
    if (taken.has(name)) name = clabels[i]!;
    labels.push(name);
    taken.add(name);
  }
  return labels;
}

/**
 * The labels the generic rule gives `ncol` columns under these header lines (stripped, non-empty):
 * Larch's generic label line, then set_array_labels. Linear in the number of columns; the
 * streaming series reader (src/series/batch/columns.ts) names its columns with it.
 */
export function genericColumnLabels(header: string[], ncol: number): string[] {
  return finalLabels(genericLabels(header, ncol), ncol);
}

/**
 * Parse column-file text (shared by readAscii and readXdi). `attrs` false skips the header
 * attributes (metadata left empty): readXdi replaces them with the XDI fields.
 */
export function parseColumnText(src: TextSource, attrs = true): ColumnFile {
  const { text, path } = src;
  if (text.trim().length === 0) {
    throw new XafsError('EFORMAT', `${path} is empty; expected rows of numbers below a header`);
  }
  const sections = splitSections(text);
  const { nrows, values: flat, start, count } = sections;
  if (nrows === 0) {
    throw new XafsError(
      'EFORMAT',
      `${path}: no block of numbers found; a column file needs rows of numbers (one point per line) below its header`,
    );
  }
  const ncol = rowWidth(count, nrows);
  if (ncol === 0) {
    throw new XafsError('EFORMAT', `${path}: the data block holds no numbers (only separators)`);
  }
  checkBrokenRows(sections, ncol, path);
  checkFooter(sections, ncol, path);
  const warnings: string[] = [];
  const keep = raggedRows(sections, ncol, path, warnings);
  checkDates(sections, text, keep, path);

  const header = sections.header.map((h) => h.text);
  const hint = beamlineLabels(header, ncol);
  const labels = finalLabels(hint.labels, ncol);
  const rows = keep ?? Int32Array.from({ length: nrows }, (_, r) => r);
  const columns: Column[] = labels.map((label, c) => {
    const values = new Float64Array(rows.length);
    // Departure: Larch pads short rows with NaN; rows of another width were dropped (raggedRows)
    for (let j = 0; j < rows.length; j++) values[j] = flat[start[rows[j]!]! + c]!;
    return { label, values };
  });
  if (flat.length > 8 * SCRATCH_KEEP) scratch.sink = new RowSink();
  const file: ColumnFile = {
    format: 'ascii',
    path,
    labels,
    columns,
    metadata: attrs ? headerAttrs(header) : {},
    comments: [],
    header,
    footer: sections.footer,
    rowLines: Array.from(rows, (r) => sections.line[r]!),
    beamline: hint.beamline,
  };
  if (warnings.length > 0) file.warnings = warnings;
  if (hint.energyColumn !== undefined && hint.energyColumn !== 1) file.energyColumn = hint.energyColumn;
  if (hint.energyUnits !== undefined && hint.energyUnits !== 'eV') file.energyUnits = hint.energyUnits;
  if (hint.monoDspace !== undefined && hint.monoDspace > 0) file.monoDspace = hint.monoDspace;
  return file;
}

/**
 * Read a plain-text column file as Larch 0.9.58 read_ascii does: same data block, labels
 * (lowercased identifiers), header attributes (`metadata`). Departures (docs/input-limits.md): rows
 * of another width are dropped with a warning (`warnings`; more than MAX_RAGGED_ROWS refuse the
 * file) where Larch pads them with NaN; a date counts as a number only in a column of dates.
 * Accepts a path, or `{text, path}` for text already in memory.
 * Throws XafsError ENOENT (missing file), EFORMAT (empty, no numbers), ENUMBER (a word that is
 * not a number inside the data block; Larch would silently drop everything above it).
 */
export function readAscii(input: string | TextSource): ColumnFile {
  return parseColumnText(sourceText(input));
}
