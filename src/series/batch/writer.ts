/**
 * The results table of a batch: DIR/results.csv and DIR/results.jsonl, one row per spectrum in
 * input order, appended a chunk at a time (one write per file per chunk), so that a run killed at
 * any moment keeps every chunk written before. Each row is exactly one line in both files
 * (messages have their line breaks replaced by spaces), which lets --resume find the complete rows
 * by counting lines.
 *
 * Numbers are written with JavaScript's shortest round-trip representation (`String(x)`): the
 * value read back is the double that was computed, and equal runs give equal bytes. Empty CSV
 * cells and JSON null are values that do not exist (a method that found no edge, an error row).
 *
 * A chunk that cannot be written whole (disk full, read-only file system) is cut back: both files
 * are truncated to their length before the chunk, so they always end with a complete row, and the
 * write fails with an XafsError (EWRITE) saying why (docs/robustness.md).
 *
 * The JSON lines file starts with one header line `{"xafs": VERSION, "total": N, "columns": [...],
 * "recipe": {...}}`; every other line is a row `{"index", "source", "status", "message", <column>: value}`.
 */
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { XafsError } from '../../errors.js';
import { makeDir, writeFailure, writeFileAtomic } from '../../node/atomicWrite.js';
import type { BatchRow } from './analyze.js';

/** A chunk's rows as text, ready to append. */
export interface FormattedChunk {
  csv: string;
  jsonl: string;
  rows: number;
  ok: number;
  failed: number;
  /** The failed rows (index, source, message), for the summary. */
  failures: { index: number; source: string; message: string }[];
}

export const FIXED_COLUMNS = ['index', 'source', 'status', 'message'] as const;

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One CSV cell: quoted (quotes doubled) when it holds a comma, a quote, a line break or edge spaces. */
export function csvCell(s: string): string {
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Line breaks would split a row over lines: replaced by spaces. */
function oneLine(s: string): string {
  return /[\r\n]/.test(s) ? s.replace(/\r\n|[\r\n]/g, ' ') : s;
}

const num = (x: number | null): string => (x === null || !Number.isFinite(x) ? '' : String(x));
const jnum = (x: number | null): string => (x === null || !Number.isFinite(x) ? 'null' : String(x));

export function csvHeader(columns: readonly string[]): string {
  return [...FIXED_COLUMNS, ...columns].map(csvCell).join(',') + '\n';
}

export function jsonlHeader(header: Record<string, unknown>): string {
  return JSON.stringify(header) + '\n';
}

export function formatCsvRows(rows: readonly BatchRow[]): string {
  let s = '';
  for (const r of rows) {
    s += `${r.index},${csvCell(oneLine(r.source))},${r.status},${csvCell(oneLine(r.message))}`;
    for (const v of r.values) s += ',' + num(v);
    s += '\n';
  }
  return s;
}

/** JSON keys of the columns, escaped once. */
export function jsonKeys(columns: readonly string[]): string[] {
  return columns.map((c) => JSON.stringify(c) + ':');
}

export function formatJsonlRows(rows: readonly BatchRow[], columns: readonly string[], keys = jsonKeys(columns)): string {
  let s = '';
  for (const r of rows) {
    s += `{"index":${r.index},"source":${JSON.stringify(oneLine(r.source))},"status":"${r.status}","message":${JSON.stringify(oneLine(r.message))}`;
    for (let i = 0; i < keys.length; i++) s += ',' + keys[i] + jnum(r.values[i] ?? null);
    s += '}\n';
  }
  return s;
}

/** Formats a chunk's rows (in a worker or in the main thread). */
export function formatChunk(rows: readonly BatchRow[], columns: readonly string[], keys = jsonKeys(columns)): FormattedChunk {
  let ok = 0;
  const failures: FormattedChunk['failures'] = [];
  for (const r of rows) {
    if (r.status === 'ok') ok++;
    else failures.push({ index: r.index, source: r.source, message: oneLine(r.message) });
  }
  return { csv: formatCsvRows(rows), jsonl: formatJsonlRows(rows, columns, keys), rows: rows.length, ok, failed: failures.length, failures };
}

/** Writes the arrays of the rows that have them into DIR/arrays/NNNNNN.<name>.dat. */
export function writeRowArrays(dir: string, rows: readonly BatchRow[]): void {
  let made = false;
  for (const r of rows) {
    if (!r.arrays) continue;
    if (!made) {
      try {
        mkdirSync(join(dir, 'arrays'), { recursive: true });
      } catch (e) {
        throw writeFailure(e, join(dir, 'arrays'), { action: 'creating', exitCode: 1 });
      }
      made = true;
    }
    for (const a of r.arrays) {
      const n = a.columns[0]!.length;
      let s = `# ${r.source}\n# ${a.header}\n`;
      for (let i = 0; i < n; i++) {
        s += String(a.columns[0]![i]);
        for (let j = 1; j < a.columns.length; j++) s += ' ' + String(a.columns[j]![i]);
        s += '\n';
      }
      writeFileAtomic(join(dir, 'arrays', `${String(r.index).padStart(6, '0')}.${a.name}.dat`), s, { exitCode: 1 });
    }
  }
}

export interface ResultsWriterOptions {
  /** Output folder (created). */
  dir: string;
  /** Numeric columns after index, source, status, message. */
  columns: readonly string[];
  /** The JSON lines header object (xafs version, recipe, total, columns). */
  header: Record<string, unknown>;
  /**
   * Keep existing files and append to them (`xafs watch`, --resume): the existing headers must
   * equal these. @default false (the files are created anew)
   */
  append?: boolean;
  /** What to do when a chunk cannot be written, appended to the message. @default free space and run again */
  remedy?: string;
}

/** Counts the complete lines of a file and the byte offset after each of the first `keep` ones. */
export function scanLines(path: string): { lines: number; ends: number[]; size: number } {
  if (!existsSync(path)) return { lines: 0, ends: [], size: 0 };
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(1 << 20);
    const ends: number[] = [];
    let pos = 0;
    while (pos < size) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n <= 0) break;
      for (let i = buf.indexOf(10, 0); i !== -1 && i < n; i = buf.indexOf(10, i + 1)) ends.push(pos + i + 1);
      pos += n;
    }
    return { lines: ends.length, ends, size };
  } finally {
    closeSync(fd);
  }
}

/** The first line of a file (without the newline), or null. */
export function firstLine(path: string): string | null {
  if (!existsSync(path)) return null;
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let pos = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(1 << 16);
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n <= 0) break;
      const nl = buf.subarray(0, n).indexOf(10);
      if (nl !== -1) {
        chunks.push(buf.subarray(0, nl));
        return Buffer.concat(chunks).toString('utf8');
      }
      chunks.push(buf.subarray(0, n));
      pos += n;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * Appends rows to DIR/results.csv and DIR/results.jsonl (see the module comment). Writes are
 * synchronous, one per file per chunk: once `append` returns, the rows are in the files.
 */
export class ResultsWriter {
  readonly dir: string;
  readonly columns: readonly string[];
  readonly csvPath: string;
  readonly jsonlPath: string;
  private csvFd: number;
  private jsonlFd: number;
  private keys: string[];
  /** Bytes of complete rows in each file (a failed chunk is cut back to these). */
  private csvSize = 0;
  private jsonlSize = 0;
  private remedy: string | undefined;

  constructor(options: ResultsWriterOptions) {
    this.dir = options.dir;
    this.columns = options.columns;
    this.keys = jsonKeys(options.columns);
    this.remedy = options.remedy;
    this.csvPath = join(options.dir, 'results.csv');
    this.jsonlPath = join(options.dir, 'results.jsonl');
    const csvHead = csvHeader(options.columns);
    const jsonHead = jsonlHeader(options.header);
    let fd = -1;
    let at = options.dir;
    // a folder or file that cannot be written at the start: a bad output folder (exit 2)
    const fail = (e: unknown) => writeFailure(e, at, { remedy: 'pass --out a folder you can write to' });
    try {
      makeDir(options.dir);
      if (options.append && existsSync(this.csvPath) && existsSync(this.jsonlPath)) {
        const c = firstLine(this.csvPath);
        const j = firstLine(this.jsonlPath);
        if (c !== null && c + '\n' !== csvHead) throw new XafsError('EOPTION', `${this.csvPath}: its columns (${c}) differ from this recipe's (${csvHead.trim()}): write to another folder`);
        if (j !== null && j + '\n' !== jsonHead) throw new XafsError('EOPTION', `${this.jsonlPath}: its header (recipe and version) differs from this run's: write to another folder`);
        // a row cut by a kill or a full disk is not complete: the files continue after the last newline
        const cs = scanLines(this.csvPath);
        const js = scanLines(this.jsonlPath);
        at = this.csvPath;
        fd = this.csvFd = openSync(this.csvPath, 'r+');
        at = this.jsonlPath;
        this.jsonlFd = openSync(this.jsonlPath, 'r+');
        this.csvSize = cs.ends[cs.lines - 1] ?? 0;
        this.jsonlSize = js.ends[js.lines - 1] ?? 0;
        at = this.csvPath;
        if (this.csvSize < cs.size) ftruncateSync(this.csvFd, this.csvSize);
        at = this.jsonlPath;
        if (this.jsonlSize < js.size) ftruncateSync(this.jsonlFd, this.jsonlSize);
        if (c === null) this.put(this.csvFd, this.csvPath, csvHead, 'csv', 2);
        if (j === null) this.put(this.jsonlFd, this.jsonlPath, jsonHead, 'jsonl', 2);
      } else {
        at = this.csvPath;
        fd = this.csvFd = openSync(this.csvPath, 'w');
        at = this.jsonlPath;
        this.jsonlFd = openSync(this.jsonlPath, 'w');
        this.put(this.csvFd, this.csvPath, csvHead, 'csv', 2);
        this.put(this.jsonlFd, this.jsonlPath, jsonHead, 'jsonl', 2);
      }
    } catch (e) {
      if (fd >= 0) closeSync(fd);
      throw fail(e);
    }
  }

  /** Writes `text` at the end of the complete rows of one file; on failure cuts the file back and throws. */
  private put(fd: number, path: string, text: string, which: 'csv' | 'jsonl', exitCode: number): void {
    const at = which === 'csv' ? this.csvSize : this.jsonlSize;
    const buf = Buffer.from(text, 'utf8');
    try {
      let off = 0;
      while (off < buf.length) off += writeSyncAt(fd, buf, off, at + off);
    } catch (e) {
      try {
        ftruncateSync(fd, at);
      } catch {
        // a file system that turned read-only: --resume cuts the torn row instead
      }
      throw writeFailure(e, path, { exitCode, remedy: this.remedy });
    }
    if (which === 'csv') this.csvSize += buf.length;
    else this.jsonlSize += buf.length;
  }

  /** Formats and appends rows (and their arrays). */
  appendRows(rows: readonly BatchRow[]): FormattedChunk {
    const f = formatChunk(rows, this.columns, this.keys);
    writeRowArrays(this.dir, rows);
    this.appendFormatted(f);
    return f;
  }

  /** Appends a chunk formatted elsewhere (a worker). */
  appendFormatted(f: Pick<FormattedChunk, 'csv' | 'jsonl'>): void {
    const csvBefore = this.csvSize;
    if (f.csv.length > 0) this.put(this.csvFd, this.csvPath, f.csv, 'csv', 1);
    try {
      if (f.jsonl.length > 0) this.put(this.jsonlFd, this.jsonlPath, f.jsonl, 'jsonl', 1);
    } catch (e) {
      // the two files hold the same rows: the chunk goes from the CSV too
      try {
        ftruncateSync(this.csvFd, csvBefore);
        this.csvSize = csvBefore;
      } catch {
        // as in put
      }
      throw e;
    }
  }

  close(): void {
    closeSync(this.csvFd);
    closeSync(this.jsonlFd);
  }
}

/** writeSync at a position (positional writes: the cut-back size is where the next chunk goes). */
function writeSyncAt(fd: number, buf: Buffer, off: number, position: number): number {
  return writeSync(fd, buf, off, buf.length - off, position);
}

/** Truncates a file to `size` bytes. */
export function truncateFile(path: string, size: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
}
