/**
 * Inputs of the XANES and series commands: files, folders, globs, a multi-column series file
 * (energy then one μ column per spectrum) or an Athena project, each becoming one or more spectra.
 * Order is stable: arguments in the order given, files of a folder or glob sorted by name,
 * Athena groups and series columns in file order.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { XafsError } from '../errors.js';
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
}

const DATA_EXT = /\.(xdi|dat|xmu|txt|csv|prj|nor|\d{3})$/i;
const MU_LIKE = /^(mu|xmu|mutrans|mufluor|murefer|i0|io|it|itrans|i1|i2|if|ifluor|ir|iref|irefer)$/;

function globToRegExp(pattern: string): RegExp {
  return new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
}

/** Expands the arguments into files: folders (their data files, sorted) and globs in the last path part. */
export function expandInputs(args: string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    if (/[*?]/.test(basename(arg))) {
      const dir = dirname(arg);
      if (!existsSync(dir)) throw new XafsError('ENOENT', `folder not found: '${dir}' (from '${arg}')`);
      const re = globToRegExp(basename(arg));
      const hits = readdirSync(dir).filter((f) => re.test(f)).sort();
      if (hits.length === 0) throw new XafsError('ENOENT', `no file matches '${arg}'`);
      out.push(...hits.map((f) => join(dir, f)));
    } else if (existsSync(arg) && statSync(arg).isDirectory()) {
      const hits = readdirSync(arg).filter((f) => DATA_EXT.test(f) && statSync(join(arg, f)).isFile()).sort();
      if (hits.length === 0) throw new XafsError('ENOENT', `folder '${arg}' holds no data files (.xdi, .dat, .xmu, .prj, ...)`);
      out.push(...hits.map((f) => join(arg, f)));
    } else {
      out.push(arg);
    }
  }
  return out;
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
  for (const file of expandInputs(args)) out.push(...loadOne(file, opts));
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
