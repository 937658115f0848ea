/**
 * A streaming reader of one multi-column series file (energy, then one μ column per spectrum),
 * for series too large to hold: 100 000 spectra × 1000 energies is ~1 GB of text.
 *
 * One pass finds the line starts (Buffer.indexOf, no parsing); the header and the first data row
 * go through the standard column reader (parseColumnText) so labels and header hints are the
 * ones `xafs` gives the whole file. Spectra are then served in blocks of consecutive columns:
 * every data row keeps a byte cursor that advances as blocks are read, each row's next slice
 * comes from one positioned read, and cells are parsed from bytes with the same correctly
 * rounded fast path (and the same fallback) as the whole-file reader, so every number is
 * bit-identical to `loadOne(file, {series: true})`. Memory is a block of spectra × rows doubles.
 *
 * Departures from the whole-file reader (Larch read_ascii finds the data block bottom-up):
 * the data block starts at the first row of numbers and runs to the end; a text line inside it
 * is refused (EFORMAT, naming the line), trailing text lines are the footer. A cell that is not
 * a number, NaN or missing spoils only its own spectrum (an item with `error`), not the run.
 * gzip files cannot be read by position: they are decompressed into memory first.
 */
import { closeSync, readSync } from 'node:fs';
import { XafsError } from '../../errors.js';
import { genericColumnLabels, parseColumnText } from '../../io/ascii.js';
import { spectrumFrom } from '../../io/read.js';
import { isXdiText, readXdi } from '../../io/xdi.js';
import { POW10, decodeText, fastDecimalBytes, gunzipInput, openInput, parseRow, pyStrip, pyFloat, readBytes } from '../../io/text.js';
import type { ColumnFile } from '../../types.js';
import type { BatchItem } from './inputs.js';

/** Spectra × rows doubles held per block (8 MB; 16 MB blocks read no faster); a block has at least 16 and at most 4096 spectra. */
const BLOCK_VALUES = 1 << 20;
/** Bytes read per step of the line-index pass. */
const INDEX_CHUNK = 1 << 20;

interface ByteSource {
  size: number;
  /** Read up to len bytes at pos into buf[0..): bytes read. */
  read(buf: Buffer, len: number, pos: number): number;
  close(): void;
}

function fileSource(path: string): ByteSource {
  // the shared input opener: a regular file only, at most the maxSeriesBytes cap (docs/input-limits.md)
  const { fd, size } = openInput(path, 'maxSeriesBytes');
  const head = Buffer.alloc(2);
  readSync(fd, head, 0, 2, 0);
  if (head[0] === 0x1f && head[1] === 0x8b) {
    closeSync(fd);
    return memorySource(gunzipInput(readBytes(path), path));
  }
  return {
    size,
    read: (buf, len, pos) => {
      let got = 0;
      while (got < len) {
        const n = readSync(fd, buf, got, len - got, pos + got);
        if (n === 0) break;
        got += n;
      }
      return got;
    },
    close: () => closeSync(fd),
  };
}

function memorySource(data: Buffer): ByteSource {
  return {
    size: data.length,
    read: (buf, len, pos) => data.copy(buf, 0, pos, Math.min(pos + len, data.length)),
    close: () => {},
  };
}

/** A data-row separator byte: ASCII whitespace (Python's, \x1c-\x1f included) or a comma. */
function isSep(c: number): boolean {
  return c === 0x20 || c === 0x2c || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
}

/** isSep as a table, for the hot loop. */
const SEP = new Uint8Array(256);
for (let c = 0; c < 256; c++) SEP[c] = isSep(c) ? 1 : 0;

/** Bytes that may start a row of numbers: digits, sign, point, nan/inf. */
function startsNumber(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x6e || c === 0x4e || c === 0x69 || c === 0x49;
}

/**
 * The labels the standard reader gives a generic header (src/io/ascii.ts genericColumnLabels,
 * linear in the number of columns).
 */
export function genericLabelsLinear(header: string[], ncol: number): string[] {
  return genericColumnLabels(header.map((h) => pyStrip(h)).filter((h) => h.length > 0), ncol);
}

/**
 * Header hints and labels of a series file from its header lines and first data row: the
 * standard reader (parseColumnText) for a few columns; for many, the standard reader on a
 * shortened header and row (same beamline, metadata and energy hints) and the labels by
 * genericLabelsLinear when the header is generic.
 */
function headerOf(header: string[], firstRow: string, name: string): { head: ColumnFile; labels: string[] } {
  // the cells of the first row: counted, and the first two kept (no array of 10^5 strings)
  let ncells = 0;
  const firstTwo: string[] = [];
  for (let i = 0; i < firstRow.length; ) {
    while (i < firstRow.length && isSep(firstRow.charCodeAt(i))) i++;
    if (i >= firstRow.length) break;
    const a = i;
    while (i < firstRow.length && !isSep(firstRow.charCodeAt(i))) i++;
    if (ncells++ < 2) firstTwo.push(firstRow.slice(a, i));
  }
  if (header.length > 0 && isXdiText(header[0]!)) {
    // an XDI series file: labels from its Column.N fields, as readFile reads it
    const head = readXdi({ text: [...header, firstRow].join('\n'), path: name });
    return { head, labels: head.labels };
  }
  if (ncells <= 2000) {
    const head = parseColumnText({ text: [...header, firstRow].join('\n'), path: name });
    return { head, labels: head.labels };
  }
  const short = header.slice();
  if (short.length > 0) short[short.length - 1] = short[short.length - 1]!.slice(0, 200);
  const head = parseColumnText({ text: [...short, firstTwo.join(' ')].join('\n'), path: name });
  if (head.beamline === 'generic') return { head, labels: genericLabelsLinear(header, ncells) };
  const full = parseColumnText({ text: [...header, firstRow].join('\n'), path: name });
  return { head: full, labels: full.labels };
}

export interface ColumnsReader {
  /** Number of spectra (columns after the energy). */
  count: number;
  /** Energy points (data rows). */
  rows: number;
  /** Column labels, energy first (as the whole-file reader names them). */
  labels: string[];
  /** Items [start, min(end, start + block)) — at least one when start < end ≤ count. */
  read(start: number, end: number): BatchItem[];
  close(): void;
}

/**
 * Open a series file for streaming. `name` is how messages and sources name it (the path as the
 * recipe wrote it). Throws XafsError when the file has no data block, a text line inside it, a
 * single column, or an energy cell that is not a finite number.
 */
export async function openColumns(path: string, name: string = path, opts: { blockSize?: number } = {}): Promise<ColumnsReader> {
  const src = fileSource(path);
  try {
    return openSource(src, name, opts.blockSize);
  } catch (e) {
    src.close();
    throw e;
  }
}

function openSource(src: ByteSource, name: string, blockOption: number | undefined): ColumnsReader {
  if (src.size === 0) throw new XafsError('EFORMAT', `${name} is empty; expected rows of numbers below a header`);

  // 1. line starts and the first non-blank byte of each line (-1 blank, -2 not seen in its chunk)
  let starts = new Float64Array(1024);
  let first = new Int16Array(1024);
  let nLines = 0;
  const addLine = (at: number): void => {
    if (nLines === starts.length) {
      const s = new Float64Array(nLines * 2);
      s.set(starts);
      starts = s;
      const f = new Int16Array(nLines * 2);
      f.set(first);
      first = f;
    }
    starts[nLines] = at;
    first[nLines] = -2;
    nLines++;
  };
  const chunk = Buffer.allocUnsafe(Math.min(INDEX_CHUNK, src.size));
  addLine(0);
  // the line end: LF (and CRLF, whose CR is a separator), or CR alone (classic Mac files, which
  // the whole-file reader takes too) when the first chunk holds a CR and no LF
  let nl = 0x0a;
  for (let pos = 0; pos < src.size; ) {
    const n = src.read(chunk, Math.min(chunk.length, src.size - pos), pos);
    if (n <= 0) break;
    const view = chunk.subarray(0, n);
    if (pos === 0 && view.indexOf(0x0a) < 0 && view.indexOf(0x0d) >= 0) nl = 0x0d;
    // the first byte of lines starting in this chunk
    const settle = (line: number, from: number): void => {
      let k = from;
      while (k < n && isSep(view[k]!) && view[k] !== nl) k++;
      if (k < n) first[line] = view[k] === nl ? -1 : view[k]!;
    };
    if (first[nLines - 1] === -2 && starts[nLines - 1]! >= pos) settle(nLines - 1, starts[nLines - 1]! - pos);
    for (let k = view.indexOf(nl); k >= 0; k = view.indexOf(nl, k + 1)) {
      addLine(pos + k + 1);
      settle(nLines - 1, k + 1);
    }
    pos += n;
  }
  const lineEnd = (i: number): number => (i + 1 < nLines ? starts[i + 1]! - 1 : src.size);
  let scratch = Buffer.allocUnsafe(4096);
  const lineBytes = (i: number): Buffer => {
    const len = lineEnd(i) - starts[i]!;
    if (scratch.length < len) scratch = Buffer.allocUnsafe(len);
    const got = src.read(scratch, len, starts[i]!);
    return scratch.subarray(0, got);
  };
  for (let i = 0; i < nLines; i++) {
    if (first[i] !== -2) continue;
    const b = lineBytes(i);
    let k = 0;
    while (k < b.length && isSep(b[k]!)) k++;
    first[i] = k < b.length ? b[k]! : -1;
  }

  // 2. the data block: from the first row of numbers to the last; trailing text is the footer
  let dataStart = -1;
  let firstRowText = '';
  for (let i = 0; i < nLines && dataStart < 0; i++) {
    if (first[i]! < 0 || !startsNumber(first[i]!)) continue;
    const text = decodeText(lineBytes(i));
    const row = parseRow(text);
    if (row !== null && row.length > 0) {
      dataStart = i;
      firstRowText = text;
    }
  }
  if (dataStart < 0) {
    throw new XafsError('EFORMAT', `${name}: no block of numbers found; a series file needs rows of numbers (energy, then one μ column per spectrum) below its header`);
  }
  let dataEnd = nLines; // exclusive, after trimming the footer
  while (dataEnd > dataStart && (first[dataEnd - 1]! === -1 || !startsNumber(first[dataEnd - 1]!))) dataEnd--;
  const rowIdx: number[] = [];
  for (let i = dataStart; i < dataEnd; i++) {
    const c = first[i]!;
    if (c === -1) continue;
    if (!startsNumber(c)) {
      const text = decodeText(lineBytes(i)).trim();
      throw new XafsError(
        'EFORMAT',
        `${name} line ${i + 1}: '${text.length > 40 ? text.slice(0, 40) + '…' : text}' is not a row of numbers, inside the data block ` +
          `(lines ${dataStart + 1} to ${dataEnd}); delete that line`,
      );
    }
    rowIdx.push(i);
  }
  const rows = rowIdx.length;

  // 3. labels and header hints as the standard reader gives them (header lines + the first data row)
  const headerText: string[] = [];
  for (let i = 0; i < dataStart; i++) if (first[i] !== -1) headerText.push(decodeText(lineBytes(i)));
  const { head, labels } = headerOf(headerText, firstRowText, name);
  const count = labels.length - 1;
  if (count < 1) {
    throw new XafsError('EFORMAT', `${name}: one column only; a series file holds energy then one μ column per spectrum`);
  }
  const template: ColumnFile = { ...head, header: head.header, footer: [], comments: [] };
  const rowLines = rowIdx.map((i) => i + 1);

  // 4. row cursors: positioned reads of each row's next slice
  const cursor = new Float64Array(rows);
  const ends = new Float64Array(rows);
  const avg = new Float64Array(rows); // bytes per cell, to size each read
  for (let r = 0; r < rows; r++) {
    cursor[r] = starts[rowIdx[r]!]!;
    ends[r] = lineEnd(rowIdx[r]!);
    avg[r] = Math.max(2, (ends[r]! - cursor[r]!) / (count + 1));
  }
  let slab = Buffer.allocUnsafe(1 << 16);
  let slabBytes = new Uint8Array(slab.buffer, slab.byteOffset, slab.length);

  /**
   * Read n cells of row r from its cursor: into out[o + j*stride] (when out is given) with
   * errors[j] set for a cell that is missing or not a number; the cursor moves past them.
   */
  const readRow = (r: number, n: number, col0: number, out: Float64Array | null, o: number, stride: number, errors: (string | undefined)[] | null): void => {
    // hot loop: locals only (no inner closures); bytes indexed through a plain Uint8Array view
    // (indexing a Buffer is markedly slower in V8)
    let pos = cursor[r]!;
    const end = ends[r]!;
    const start = pos;
    // the next cells' bytes, from the row's average so far (a second read when the guess is short)
    const want = Math.min(end - pos, Math.ceil(n * avg[r]! * 1.1) + 64);
    if (slab.length < want) {
      slab = Buffer.allocUnsafe(want);
      slabBytes = new Uint8Array(slab.buffer, slab.byteOffset, slab.length);
    }
    let buf = slab;
    let u8 = slabBytes;
    let len = src.read(buf, want, pos);
    let i = 0;
    for (let j = 0; j < n; j++) {
      for (;;) {
        while (i < len && SEP[u8[i]!] === 1) i++;
        if (i < len || pos + len >= end) break;
        // separators up to the end of the slice: read on
        pos += i;
        i = 0;
        len = src.read(buf, Math.min(end - pos, buf.length), pos);
      }
      if (i >= len) {
        // the row ended before this column
        if (out) out[o + j * stride] = NaN;
        if (errors && errors[j] === undefined) {
          errors[j] = `${name} line ${rowLines[r]}: no value in column ${col0 + j + 2} ('${labels[col0 + j + 1]}'); the row ends before it`;
        }
        continue;
      }
      if (out) {
        // fast path: [sign] digits [. digits] then a separator (or the row's end), the digits an
        // exact integer (< 2^53) and at most 22 decimals: mant / 10^frac is one IEEE operation on
        // exact numbers, so the correctly rounded double that fastDecimal and float() give
        let k = i;
        let c = u8[k]!;
        let neg = false;
        if (c === 0x2d) {
          neg = true;
          c = ++k < len ? u8[k]! : 0x20;
        } else if (c === 0x2b) c = ++k < len ? u8[k]! : 0x20;
        let mant = 0;
        let nd = 0;
        let frac = 0;
        for (;;) {
          const d = (c - 0x30) | 0;
          if (d >>> 0 > 9) break;
          mant = mant * 10 + d;
          nd++;
          if (++k >= len) break;
          c = u8[k]!;
        }
        if (k < len && c === 0x2e) {
          while (++k < len) {
            c = u8[k]!;
            const d = (c - 0x30) | 0;
            if (d >>> 0 > 9) break;
            mant = mant * 10 + d;
            nd++;
            frac++;
          }
        }
        if (nd > 0 && mant <= Number.MAX_SAFE_INTEGER && frac <= 22 && (k < len ? SEP[u8[k]!] === 1 : pos + len >= end)) {
          const v = frac === 0 ? mant : mant / POW10[frac]!;
          out[o + j * stride] = neg ? -v : v;
          i = k;
          continue;
        }
      }
      let a = i;
      while (i < len && !isSep(u8[i]!)) i++;
      while (i === len && pos + len < end) {
        // the cell runs past this slice: read again from its start (a bigger slab when it fills one)
        if (a === 0) {
          slab = Buffer.allocUnsafe(buf.length * 2);
          slabBytes = new Uint8Array(slab.buffer, slab.byteOffset, slab.length);
          buf = slab;
          u8 = slabBytes;
        }
        pos += a;
        i -= a;
        a = 0;
        len = src.read(buf, Math.min(end - pos, buf.length), pos);
        while (i < len && !isSep(u8[i]!)) i++;
      }
      if (!out) continue;
      let v = fastDecimalBytes(u8, a, i);
      if (Number.isNaN(v)) {
        const token = buf.toString('latin1', a, i);
        const w = pyFloat(token); // only numbers: a date in a μ column is not a value (docs/input-limits.md)
        if (w === null) {
          v = NaN;
          if (errors && errors[j] === undefined) {
            errors[j] = `${name} line ${rowLines[r]}, column ${col0 + j + 2} ('${labels[col0 + j + 1]}'): '${token}' is not a number; fix that cell (the other spectra are read)`;
          }
        } else v = w;
      }
      out[o + j * stride] = v;
    }
    cursor[r] = pos + i;
    if (n >= 16) avg[r] = Math.max(2, (pos + i - start) / n);
  };

  // 5. the energy column (fatal when a cell is bad: no spectrum could be read)
  const energy = new Float64Array(rows);
  const energyErr: (string | undefined)[] = [undefined];
  for (let r = 0; r < rows; r++) {
    readRow(r, 1, -1, energy, r, 0, energyErr);
    if (energyErr[0] !== undefined || !Number.isFinite(energy[r]!)) {
      throw new XafsError(
        'ENUMBER',
        energyErr[0] !== undefined
          ? `${energyErr[0].replace('; fix that cell (the other spectra are read)', '')}; the energy column must hold a number on every row`
          : `${name} line ${rowLines[r]}, column 1 ('${labels[0]}'): energy is ${energy[r]}; the energy column must hold a finite number on every row`,
      );
    }
  }
  const afterEnergy = cursor.slice();
  let at = 0; // the column (0-based spectrum) every cursor points to

  const blockSize = blockOption ?? Math.max(16, Math.min(4096, Math.floor(BLOCK_VALUES / Math.max(1, rows))));
  let blockStart = -1;
  let blockLen = 0;
  let values = new Float64Array(0);
  let errors: (string | undefined)[] = [];
  let blockEnergy = energy;

  const fill = (start: number): void => {
    if (start < at) {
      cursor.set(afterEnergy);
      at = 0;
    }
    if (start > at) {
      for (let r = 0; r < rows; r++) readRow(r, start - at, at, null, 0, 0, null);
      at = start;
    }
    const n = Math.min(blockSize, count - start);
    if (values.length < n * rows) values = new Float64Array(n * rows);
    errors = new Array<string | undefined>(n).fill(undefined);
    // each row's cells go straight to their spectra (a tiled transpose of row-major cells was no faster)
    for (let r = 0; r < rows; r++) readRow(r, n, start, values, r, rows, errors);
    at = start + n;
    blockStart = start;
    blockLen = n;
    // one energy array per block, shared by its items (cloned once per message to a worker)
    blockEnergy = energy.slice();
  };

  // spectrumFrom changes nothing when the energy is increasing, in eV and long enough: probe once
  let plainEnergy = false;
  try {
    const probe = spectrumFrom({ ...template, labels: ['energy', 'mu'], columns: [{ label: 'energy', values: energy }, { label: 'mu', values: new Float64Array(rows).fill(1) }], rowLines }, {});
    plainEnergy = probe.energy.length === rows && probe.energy.every((v, r) => Object.is(v, energy[r]));
  } catch {
    plainEnergy = false;
  }

  const item = (index: number): BatchItem => {
    const label = labels[index + 1]!;
    const source = `${name}#${label}`;
    const j = index - blockStart;
    if (errors[j] !== undefined) return { index, source, error: errors[j] };
    const mu = values.slice(j * rows, (j + 1) * rows);
    let zero = true;
    for (let r = 0; r < rows; r++) {
      const v = mu[r]!;
      if (v !== 0) zero = false;
      if (!Number.isFinite(v)) {
        return { index, source, error: `${name} line ${rowLines[r]}, column ${index + 2} ('${label}'): μ is ${v}; fix or delete that value (the other spectra are read)` };
      }
    }
    // what spectrumFrom would return: the same energy copy and μ (it only sorts, converts keV and
    // checks, and the energy is shared: one probe decided it needs none of that)
    if (plainEnergy && !zero) return { index, source, energy: blockEnergy, mu };
    try {
      const sub: ColumnFile = { ...template, path: source, labels: ['energy', 'mu'], columns: [{ label: 'energy', values: energy }, { label: 'mu', values: mu }], rowLines };
      const s = spectrumFrom(sub, {});
      return { index, source, energy: s.energy, mu: s.mu };
    } catch (e) {
      return { index, source, error: e instanceof Error ? e.message : String(e) };
    }
  };

  return {
    count,
    rows,
    labels,
    read(start: number, end: number): BatchItem[] {
      end = Math.min(end, count);
      if (start >= end) return [];
      if (!(start >= blockStart && start < blockStart + blockLen)) fill(start);
      const stop = Math.min(end, blockStart + blockLen);
      const out: BatchItem[] = [];
      for (let i = start; i < stop; i++) out.push(item(i));
      return out;
    },
    close: () => src.close(),
  };
}
