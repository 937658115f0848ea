/**
 * Inputs of the XANES and series commands: files, folders, globs, a multi-column series file
 * (energy then one μ column per spectrum) or an Athena project, each becoming one or more spectra.
 * Order is stable: arguments in the order given, files of a folder or glob sorted by name,
 * Athena groups and series columns in file order.
 */
import { existsSync, lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { XafsError, type Warn } from '../errors.js';
import { readFile, spectrumFrom } from '../io/read.js';
import type { ColumnFile, Spectrum } from '../types.js';

export interface SeriesSpectrum extends Spectrum {
  /** file, file#group (Athena) or file#column (series file). */
  source: string;
  /** Short name for tables: file name, group label or column label. */
  name: string;
}

export interface LoadOptions {
  /** μ expression for column files. */
  mu?: string;
  energy?: string;
  /** Athena: only this group (default: every μ(E) group). */
  group?: string;
  /**
   * Read column files as series (energy then one μ column per spectrum): true, false, or 'auto'
   * (4+ columns, none of them named like μ or an ion chamber, and no --mu).
   * @default 'auto'
   */
  series?: boolean | 'auto';
  /** Also accept a column named norm/flat as μ (normalized references). @default true */
  acceptNorm?: boolean;
  /** Where the entries of a folder or glob that cannot be read (dangling or looping links, no permission) are reported; they are skipped. */
  warn?: Warn;
}

/** An entry of a folder or glob: a file to read, or why it cannot be (then `unreadable`). */
export interface InputEntry {
  file: string;
  unreadable?: string;
}

export function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Why stat(path) failed, in words: a dangling link (and its target), a link loop, no permission. */
export function unreadableReason(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ELOOP') return 'a symbolic link that loops (it points back to itself through links)';
  if (code === 'ENOENT' && isLink(path)) {
    let target = '?';
    try {
      target = readlinkSync(path);
    } catch {
      // the link went away too
    }
    return `a dangling symbolic link (its target '${target}' does not exist)`;
  }
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'it disappeared while the folder was read';
  return (e as Error)?.message ?? String(e);
}

/** stat that never throws: the entry's kind, or why it cannot be read. */
function probe(path: string): { kind: 'file' | 'dir' | 'other' } | { unreadable: string } {
  try {
    const st = statSync(path);
    return { kind: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other' };
  } catch (e) {
    return { unreadable: unreadableReason(path, e) };
  }
}

const DATA_EXT = /\.(xdi|dat|xmu|txt|csv|prj|nor|\d{3})$/i;
const MU_LIKE = /^(mu|xmu|mutrans|mufluor|murefer|i0|io|it|itrans|i1|i2|if|ifluor|ir|iref|irefer)$/;

function globToRegExp(pattern: string): RegExp {
  return new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
}

/**
 * Expands the arguments into entries: folders (their data files, sorted) and globs in the last
 * path part. Entries of a folder or glob that cannot be read (a dangling or looping symbolic link,
 * no permission) come with the reason in `unreadable`, in their place in the order; sub-folders
 * are left out. A file named as an argument is passed on as it is (its reader says what is wrong).
 */
export function expandInputEntries(args: string[]): InputEntry[] {
  const out: InputEntry[] = [];
  // a glob takes what it matches but sub-folders; a folder only its regular files (links to them too)
  const take = (dir: string, names: string[], filesOnly: boolean) => {
    for (const f of names.sort()) {
      const path = join(dir, f);
      const p = probe(path);
      if ('unreadable' in p) out.push({ file: path, unreadable: p.unreadable });
      else if (filesOnly ? p.kind === 'file' : p.kind !== 'dir') out.push({ file: path });
    }
  };
  for (const arg of args) {
    if (/[*?]/.test(basename(arg))) {
      const dir = dirname(arg);
      if (!existsSync(dir)) throw new XafsError('ENOENT', `folder not found: '${dir}' (from '${arg}')`);
      const re = globToRegExp(basename(arg));
      const hits = readdirSync(dir).filter((f) => re.test(f));
      if (hits.length === 0) throw new XafsError('ENOENT', `no file matches '${arg}'`);
      take(dir, hits, false);
    } else if (existsSync(arg) && statSync(arg).isDirectory()) {
      const n = out.length;
      take(arg, readdirSync(arg).filter((f) => DATA_EXT.test(f)), true);
      if (out.length === n) throw new XafsError('ENOENT', `folder '${arg}' holds no data files (.xdi, .dat, .xmu, .prj, ...)`);
    } else {
      out.push({ file: arg });
    }
  }
  return out;
}

/** The readable files of the arguments (see expandInputEntries); the others go to `warn` with their reason. */
export function expandInputs(args: string[], warn?: Warn): string[] {
  const files: string[] = [];
  for (const e of expandInputEntries(args)) {
    if (e.unreadable === undefined) files.push(e.file);
    else warn?.(`${e.file}: skipped: ${e.unreadable}`);
  }
  return files;
}

function isSeriesFile(f: ColumnFile, opts: LoadOptions): boolean {
  if (opts.series === true) return true;
  if (opts.series === false || opts.mu !== undefined) return false;
  if (f.columns.length < 4) return false;
  return !f.labels.slice(1).some((l) => MU_LIKE.test(l) || /^(norm|flat)$/.test(l));
}

/** Every spectrum the arguments hold (see the module comment). */
export function loadSeries(args: string[], opts: LoadOptions = {}): SeriesSpectrum[] {
  const out: SeriesSpectrum[] = [];
  for (const file of expandInputs(args, opts.warn)) out.push(...loadOne(file, opts));
  if (out.length === 0) throw new XafsError('ENOENT', `no spectra in ${args.join(' ')}`);
  return out;
}

/** The spectra of one file. */
export function loadOne(file: string, opts: LoadOptions = {}): SeriesSpectrum[] {
  const f = readFile(file);
  if (f.format === 'athena') {
    const groups = f.groups.filter((g) => !g.isChi && (opts.group === undefined || g.label === opts.group));
    if (groups.length === 0) {
      // a project with no group at all was cut short or damaged: that is the file's fault, not an option's
      if (f.groups.length === 0) throw new XafsError('EFORMAT', `${file}: the Athena project holds no groups (empty, cut short or damaged); re-save it from Athena`);
      throw new XafsError('EOPTION', `${file}: no μ(E) group${opts.group ? ` labelled '${opts.group}'` : ''}; the groups are: ${f.groups.map((g) => `'${g.label}'`).join(', ')}`);
    }
    return groups.map((g) => ({ ...spectrumFrom(f, { group: g.label }), source: `${file}#${g.label}`, name: g.label }));
  }
  if (f.format === 'feffdat') throw new XafsError('EFORMAT', `${file} is a feff.dat path file, not a spectrum`);
  if (isSeriesFile(f, opts)) {
    const energy = f.columns[0].values;
    return f.columns.slice(1).map((c) => {
      const sub: ColumnFile = { ...f, labels: ['energy', 'mu'], columns: [{ label: 'energy', values: energy }, { label: 'mu', values: c.values }] };
      return { ...spectrumFrom(sub, {}), source: `${file}#${c.label}`, name: c.label };
    });
  }
  let mu = opts.mu;
  if (mu === undefined && opts.acceptNorm !== false && !f.labels.some((l) => ['mu', 'xmu', 'mutrans', 'mufluor'].includes(l))) {
    // normalized references (XANES standards) often hold only a norm or flat column
    mu = f.labels.find((l) => l === 'norm' || l === 'flat');
  }
  const s = spectrumFrom(f, { mu, energy: opts.energy });
  return [{ ...s, source: file, name: basename(file) }];
}
