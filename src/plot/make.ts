/**
 * `xafs plot KIND INPUTS...` as one API function: inputs (spectra, fit results, batch tables)
 * are read and processed as the analysis commands do (src/process.ts, src/xanes), then drawn.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { XafsError } from '../errors.js';
import { readColumns, readFile } from '../io/read.js';
import { processSpectrum, type ProcessOptions, type ProcessResult } from '../process.js';
import { preEdge } from '../xafs/preEdge.js';
import { wavelet } from '../xafs/wavelet.js';
import { xftf } from '../xafs/xftf.js';
import { xftr } from '../xafs/xftr.js';
import { loadSeries, type SeriesSpectrum } from '../xanes/inputs.js';
import { edgePositions, EDGE_METHODS, type EdgeMethod } from '../xanes/edge.js';
import { lcf } from '../xanes/lcf.js';
import { larchInterp, prepareGroup, spaceXY, type XanesSpace } from '../xanes/matrix.js';
import { pcaTrain } from '../xanes/pca.js';
import { valence, type ValenceMethod } from '../xanes/valence.js';
import {
  chikFigure,
  chiqFigure,
  chirFigure,
  derivativeFigure,
  fitFigure,
  lcfFigure,
  pcaFigure,
  stackFigure,
  trendsFigure,
  valenceFigure,
  xanesFigure,
  type ChirPart,
  type FitPlotData,
  type FitSpace,
  type LcfPlotData,
  type TrendSeries,
} from './figures.js';
import { numericColumn, okRows, readResultsTable, readValuesFile, type ResultsTable } from './table.js';
import { TITLES, type FigureWidth } from './theme.js';
import { waveletFigure } from './waveletFigure.js';
import { cornerOfChain } from './cornerFigure.js';

export const PLOT_KINDS = ['xanes', 'deriv', 'valence', 'chik', 'chir', 'chiq', 'fit', 'wavelet', 'lcf', 'pca', 'stack', 'trends', 'corner'] as const;
export type PlotKind = (typeof PLOT_KINDS)[number];

export interface PlotOptions {
  /** @default 'single' ('double' for wavelet maps of 2+ samples and PCA) */
  width?: FigureWidth;
  /** Plot-area height, px. */
  height?: number;
  title?: string;
  /** μ(E) expression, energy expression and Athena group, as `xafs process`; `mu` may be one per input. */
  mu?: string | (string | undefined)[];
  energy?: string;
  group?: string;
  /** The processing chain (pre_edge, autobk, xftf, xftr) for χ(k), χ(R), χ(q), wavelets. */
  process?: ProcessOptions;
  /** k-weight of χ(k)·kⁿ, of the Fourier transform (unless process.xftf.kweight) and of the wavelet transform. @default 2 */
  kweight?: number;
  /** Energy range, eV (absolute). */
  emin?: number;
  emax?: number;
  /** XANES: an inset enlarging the edge (true: E0 − 15 to E0 + 5 eV; or [lo, hi] in eV). */
  inset?: boolean | [number, number];
  /** XANES: plot μ(E) as read, not normalized. */
  raw?: boolean;
  /** χ(R) parts. @default ['mag'] */
  parts?: ChirPart[];
  /** Displayed R (Å) and k (Å⁻¹) limits. */
  rmax?: number;
  kmin?: number;
  kmax?: number;
  /** Fit: the space shown. @default the fit space of the recipe, else 'r' */
  space?: FitSpace;
  /** Fit, R space: |χ(R)| phase-corrected by the first path's scattering phase (peaks at the distances). @default false */
  phaseCorrected?: boolean;
  /** Fit: which dataset of a multi-dataset fit (1-based). @default 1 */
  dataset?: number;
  /** Valence: references FILE=VALENCE and the edge method. */
  refs?: { file: string; valence: number }[];
  method?: string;
  /** LCF: standards FILE[=NAME], space, range relative to e0 (eV), sum to one. */
  standards?: string[];
  lcfSpace?: XanesSpace;
  lcfEmin?: number;
  lcfEmax?: number;
  sumToOne?: boolean;
  /** Stack: offset between spectra, what is stacked, the value of each spectrum and its title. */
  offset?: number;
  stackSpace?: 'norm' | 'chik' | 'chir';
  values?: number[];
  valuesTitle?: string;
  /** Trends: the x column (default index) and the y columns (default: valence, LCF fractions, fitted parameters). */
  x?: string;
  y?: string[];
  /**
   * Trends: a file giving each row's x (potential, time ...), matched by index, source or order
   * (src/plot/table.ts readValuesFile); `x` then names its column. The axis title is the column's header.
   */
  xFile?: string;
  /** Stack: a file giving each spectrum's value (instead of `values`), as `xFile`; its header titles the colour bar. */
  valuesFile?: string;
  /** Stack: write each spectrum's value next to its curve. @default true for up to 12 spectra */
  labels?: boolean;
  /** Wavelet: the mother wavelet. @default 'cauchy' */
  waveletKind?: 'cauchy' | 'morlet';
  /** Wavelet: Larch's rmax_out (the map's R extent, and the Cauchy order), Å. @default 10 */
  rmaxOut?: number;
  /** Wavelet, Morlet: η and σ. @default 5, 1 */
  eta?: number;
  sigma?: number;
  warn?: (message: string) => void;
}

/** FILE#NAME (an Athena group or a series column) when FILE exists and the whole argument does not. */
function splitPick(arg: string): { path: string; pick?: string } {
  if (existsSync(arg)) return { path: arg };
  for (let at = arg.indexOf('#'); at > 0; at = arg.indexOf('#', at + 1)) {
    if (existsSync(arg.slice(0, at))) return { path: arg.slice(0, at), pick: arg.slice(at + 1) };
  }
  return { path: arg };
}

/** Spectra of the arguments (files, folders, globs, series files, Athena projects, FILE#NAME). */
export function loadSpectra(args: string[], o: PlotOptions): SeriesSpectrum[] {
  if (args.length === 0) throw new XafsError('ETOOFEW', 'no input: pass one or more spectrum files');
  const out: SeriesSpectrum[] = [];
  args.forEach((a, i) => {
    const { path, pick } = splitPick(a);
    const mu = Array.isArray(o.mu) ? o.mu[i] : o.mu;
    const all = loadSeries([path], { mu, energy: o.energy, group: pick === undefined ? o.group : undefined, warn: o.warn });
    const hit = pick === undefined ? all : all.filter((s) => s.name === pick);
    if (hit.length === 0) throw new XafsError('EOPTION', `${path} holds no spectrum named '${pick}'; it holds: ${all.map((s) => `'${s.name}'`).join(', ')}`);
    out.push(...hit);
  });
  return out;
}

/** Short legend names: the file name without extension, or the group/column label. */
function shortName(s: SeriesSpectrum): string {
  return s.source.includes('#') ? s.name : basename(s.name).replace(/\.[^.]*$/, '');
}

/** What the χ(k), χ(R), χ(q), wavelet and stack figures use of a processed spectrum. */
type ChiChain = Pick<ProcessResult, 'ft' | 'bft'> & { bkg: { k: Float64Array; chi: Float64Array } };

/** The chain for every spectrum; `ft` false: only χ(k) is drawn, the transform's warnings are not the user's. */
function processAll(spectra: SeriesSpectrum[], o: PlotOptions, ft = true): { name: string; source: string; res: ChiChain }[] {
  const kw = o.process?.xftf?.kweight ?? o.kweight ?? 2;
  const opts: ProcessOptions = { ...o.process, xftf: { ...o.process?.xftf, kweight: kw } };
  return spectra.map((s) => {
    const res = processSpectrum(s, opts);
    for (const w of res.warnings) if (ft || !w.startsWith('xftf kmax defaults')) o.warn?.(`${s.source}: ${w}`);
    return { name: shortName(s), source: s.source, res };
  });
}

const CHI_LABEL = /^chi(?:_?k)?$/;

/** χ(k) of a column file with columns k and chi (chi_k, chik), as `xafs wavelet` reads it; undefined for anything else. */
function chiFile(path: string): { k: Float64Array; chi: Float64Array } | undefined {
  if (!existsSync(path) || statSync(path).isDirectory()) return undefined;
  let f: ReturnType<typeof readFile>;
  try {
    f = readFile(path);
  } catch {
    return undefined;
  }
  if (f.format !== 'xdi' && f.format !== 'ascii') return undefined;
  const k = f.columns.find((c) => c.label === 'k');
  const chi = f.columns.find((c) => CHI_LABEL.test(c.label));
  if (!k || !chi) return undefined;
  const line = (i: number) => f.rowLines?.[i] ?? i + 1;
  for (let i = 0; i < k.values.length; i++) {
    if (!Number.isFinite(k.values[i]) || !Number.isFinite(chi.values[i])) throw new XafsError('ENONFINITE', `${path} line ${line(i)}: k or chi is not a number; fix or delete that line`);
    if (i > 0 && !(k.values[i]! > k.values[i - 1]!)) throw new XafsError('EORDER', `${path} line ${line(i)}: k is not increasing (${k.values[i]} after ${k.values[i - 1]}); a χ(k) file needs increasing k`);
  }
  if (k.values.length < 2) throw new XafsError('ETOOFEW', `${path}: ${k.values.length} point of χ(k), nothing to plot`);
  return { k: Float64Array.from(k.values), chi: Float64Array.from(chi.values) };
}

/**
 * The figures drawn from χ(k) take μ(E) spectra (processed as xafs process does) and χ(k) files
 * (columns k and chi, e.g. Athena's or Larch's .chi), which go straight to the transforms.
 */
function chiAll(inputs: string[], o: PlotOptions, ft = true): { name: string; source: string; res: ChiChain }[] {
  if (inputs.length === 0) throw new XafsError('ETOOFEW', 'no input: pass one or more spectrum files (μ(E), or χ(k) with columns k and chi)');
  const kw = o.process?.xftf?.kweight ?? o.kweight ?? 2;
  return inputs.flatMap((a, i) => {
    const mu = Array.isArray(o.mu) ? o.mu[i] : o.mu;
    const c = mu === undefined && o.energy === undefined ? chiFile(a) : undefined;
    if (!c) return processAll(loadSpectra([a], { ...o, mu }), o, ft);
    try {
      const kLast = c.k[c.k.length - 1]!;
      const xo = o.process?.xftf ?? {};
      if (xo.kmax !== undefined && xo.kmax > kLast + 1e-9) throw new XafsError('ERANGE', `--kmax ${xo.kmax} Å⁻¹ is beyond the data: χ(k) ends at k = ${kLast.toFixed(2)} Å⁻¹; use --kmax ${kLast.toFixed(2)} or less`);
      if (xo.kmax === undefined && ft && kLast < 20) o.warn?.(`${a}: xftf kmax defaults to 20 Å⁻¹ but χ(k) ends at ${kLast.toFixed(2)} Å⁻¹: the transform is cut at the data end without a taper; pass --kmax`);
      const f = xftf(c, { ...xo, kweight: kw });
      if (f.kwin.every((w) => w === 0)) throw new XafsError('ERANGE', `the k window is zero everywhere (${f.window}, k ${f.kmin}–${f.kmax} Å⁻¹): widen --kmin/--kmax or the taper --dk`);
      const b = xftr(f, o.process?.xftr);
      return [{ name: basename(a).replace(/\.[^.]*$/, ''), source: a, res: { bkg: c, ft: f, bft: b } }];
    } catch (e) {
      if (e instanceof XafsError && !e.message.startsWith(a)) throw new XafsError(e.code, `${a}: ${e.message}`, e.exitCode);
      throw e;
    }
  });
}

/** Files of a fit's --out folder for one space. */
function fitFiles(dir: string, space: FitSpace): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(`.fit_${space}.dat`))
    .sort()
    .map((f) => join(dir, f));
}

const col = (f: ReturnType<typeof readColumns>, name: string, file: string) => {
  const c = f.columns.find((c) => c.label === name);
  if (!c) throw new XafsError('ECOLUMN', `${file} has no column '${name}' (its columns: ${f.labels.join(', ')}): pass a file that xafs fit --out wrote`);
  return c.values;
};

/** The fit arrays of every dataset in an `xafs fit --out` folder (one NAME.fit_SPACE.dat each). */
export function loadAllFitArrays(dir: string, space: FitSpace, phaseCorrected = false): FitPlotData[] {
  return fitFiles(dir, space).map((_, i) => loadFitArrays(dir, space, undefined, { dataset: i + 1, phaseCorrected }));
}

/** The fit arrays of INPUT: an `xafs fit --out` folder or one of its NAME.fit_{r,k,q}.dat files. */
export function loadFitArrays(input: string, space?: FitSpace, warn?: (m: string) => void, opts: { dataset?: number; phaseCorrected?: boolean } = {}): FitPlotData {
  let di = (opts.dataset ?? 1) - 1;
  if (!existsSync(input)) throw new XafsError('ENOENT', `file not found: '${input}'`);
  let file = input;
  let recipe: { datasets?: { transform?: { rmin?: number; rmax?: number; kmin?: number; kmax?: number; fitspace?: string } }[] } | undefined;
  let sp = space;
  if (statSync(input).isDirectory()) {
    const rj = join(input, 'result.json');
    if (existsSync(rj)) recipe = (JSON.parse(readFileSync(rj, 'utf8')) as { recipe?: typeof recipe }).recipe;
    sp = sp ?? ((recipe?.datasets?.[0]?.transform?.fitspace as FitSpace | undefined) ?? 'r');
    const files = fitFiles(input, sp);
    if (files.length === 0) throw new XafsError('ENOENT', `${input} holds no *.fit_${sp}.dat: pass the folder that xafs fit RECIPE --out DIR wrote`);
    if (di >= files.length || di < 0) throw new XafsError('EOPTION', `${input} holds ${files.length} dataset${files.length > 1 ? 's' : ''}: --dataset must be 1 to ${files.length}`);
    if (files.length > 1 && opts.dataset === undefined) warn?.(`${input} holds ${files.length} datasets: plotting ${basename(files[0]!)}; pass --dataset 2 (or another) for the others`);
    file = files[di]!;
  } else if (/\.json$/i.test(input)) {
    const j = JSON.parse(readFileSync(input, 'utf8')) as Record<string, unknown>;
    if (j.params && j.statistics) {
      throw new XafsError('ETOOFEW', `${input} is a fit result without arrays (xafs fit --json): run xafs fit RECIPE --out DIR and pass DIR (or DIR/NAME.fit_r.dat) to plot the fit`);
    }
    throw new XafsError('EFORMAT', `${input} is not a fit result: pass the folder that xafs fit RECIPE --out DIR wrote`);
  } else {
    const m = /\.fit_([rkq])\.dat$/.exec(input);
    if (!m) throw new XafsError('EFORMAT', `${input} is not a fit array file (NAME.fit_r.dat, .fit_k.dat or .fit_q.dat): pass the folder that xafs fit RECIPE --out DIR wrote`);
    if (sp && sp !== m[1]) file = input.replace(/\.fit_[rkq]\.dat$/, `.fit_${sp}.dat`);
    sp = sp ?? (m[1] as FitSpace);
    // NAME_2.fit_r.dat is dataset 2 of a multi-dataset fit
    const dm = /_(\d+)\.fit_[rkq]\.dat$/.exec(input);
    di = dm ? Number(dm[1]) - 1 : 0;
    const rj = join(input, '..', 'result.json');
    if (existsSync(rj)) recipe = (JSON.parse(readFileSync(rj, 'utf8')) as { recipe?: typeof recipe }).recipe;
  }
  const f = readColumns(file);
  const header = (f.metadata && JSON.stringify(f.metadata)) || '';
  const text = readFileSync(file, 'utf8');
  const kwm = /k-weight (\d+)/.exec(text) ?? /k-weight (\d+)/.exec(header);
  const kw = kwm ? Number(kwm[1]) : 2;
  const name = basename(file).replace(/\.fit_[rkq]\.dat$/, '');
  const t = recipe?.datasets?.[di]?.transform ?? recipe?.datasets?.[0]?.transform;
  // the per-path columns --out writes (chir_mag_pathN, chikW_pathN), labelled in their description
  const pathCurves = (prefix: string) =>
    f.columns
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => c.label.startsWith(prefix))
      .map(({ c }) => {
        const label = new RegExp(`Column\\.\\d+: ${c.label} .*\\((.*)\\) alone`).exec(text)?.[1];
        return { name: `path ${c.label.slice(prefix.length)}${label ? ` (${label})` : ''}`, y: c.values };
      });
  if (sp === 'r') {
    const pc = opts.phaseCorrected === true;
    if (pc && !f.columns.some((c) => c.label === 'chir_pc_data')) throw new XafsError('ECOLUMN', `${file} has no phase-corrected |χ(R)| (chir_pc_data): rerun xafs fit RECIPE --out DIR with this version`);
    return {
      name,
      space: 'r',
      x: col(f, 'r', file),
      data: col(f, pc ? 'chir_pc_data' : 'chir_mag_data', file),
      fit: col(f, pc ? 'chir_pc_fit' : 'chir_mag_fit', file),
      ...(pc ? { phaseCorrected: true } : { dataRe: col(f, 'chir_re_data', file), fitRe: col(f, 'chir_re_fit', file) }),
      paths: pc ? [] : pathCurves('chir_mag_path'),
      kweight: kw,
      window: t && t.rmin !== undefined && t.rmax !== undefined ? [t.rmin, t.rmax] : undefined,
    };
  }
  if (sp === 'k') {
    const km = /transform k ([\d.]+)-([\d.]+)/.exec(text);
    const kwin = f.columns.find((c) => c.label === 'kwin')?.values;
    return { name, space: 'k', x: col(f, 'k', file), data: col(f, `chik${kw}_data`, file), fit: col(f, `chik${kw}_fit`, file), kweight: kw, window: km ? [Number(km[1]), Number(km[2])] : undefined, kwin, paths: pathCurves(`chik${kw}_path`) };
  }
  return { name, space: 'q', x: col(f, 'q', file), data: col(f, 'chiq_re_data', file), fit: col(f, 'chiq_re_fit', file), kweight: kw, window: t && t.kmin !== undefined && t.kmax !== undefined ? [t.kmin, t.kmax] : undefined };
}

/** A quantity's axis title as papers write it. */
function quantityTitle(name: string): string {
  if (name === 'valence') return 'valence';
  if (/^e0_/.test(name)) return `edge (${name.slice(3)}, eV)`;
  if (name === 'edge_step') return 'edge step';
  if (/^(n|cn)(_|$)/i.test(name)) return `N (${name})`;
  if (/^(sig2|sigma2|ss)/i.test(name)) return `σ² (Å²), ${name}`;
  if (/^(del_?e0|e0|enot)/i.test(name)) return `ΔE₀ (eV), ${name}`;
  if (/^(r|del_?r|reff)(_|$)/i.test(name)) return `${name} (Å)`;
  if (name === 'rfactor' || name === 'lcf_rfactor') return 'R-factor';
  if (name === 'lcf_eshift') return 'LCF energy shift (eV)';
  if (/^lcf_/.test(name) && !/^lcf_chi2/.test(name)) return `${name.slice(4)} fraction`;
  return name;
}

/** The panels of a trends figure: valence, LCF fractions together, then each fitted parameter. */
export function trendPanels(t: ResultsTable, y?: string[]): TrendSeries[] {
  const has = (c: string) => t.columns.includes(c);
  const err = (c: string) => (has(`${c}_stderr`) ? numericColumn(t, `${c}_stderr`) : undefined);
  if (y && y.length > 0) {
    return y.map((c) => {
      if (!has(c)) throw new XafsError('ECOLUMN', `${t.file} has no column '${c}'; its columns are: ${t.columns.join(', ')}; pass --y with one of them`);
      return { title: quantityTitle(c), lines: [{ name: c, y: numericColumn(t, c), err: err(c) }] };
    });
  }
  const panels: TrendSeries[] = [];
  if (has('valence')) panels.push({ title: 'valence', lines: [{ name: 'valence', y: numericColumn(t, 'valence'), err: err('valence') }] });
  // lcf_<name> with lcf_<name>_stderr: the fractions (not lcf_rfactor, lcf_chi2_reduced)
  const lcfCols = t.columns.filter((c) => /^lcf_/.test(c) && !/_stderr$/.test(c) && has(`${c}_stderr`));
  if (lcfCols.length > 0) panels.push({ title: 'LCF fraction', lines: lcfCols.map((c) => ({ name: c.slice(4), y: numericColumn(t, c), err: err(c) })) });
  const skip = new Set(['index', 'source', 'status', 'message', 'valence', 'edge_step', 'rfactor', 'lcf_rfactor']);
  for (const c of t.columns) {
    if (skip.has(c) || /^lcf_|^e0_|_stderr$/.test(c) || !has(`${c}_stderr`)) continue;
    panels.push({ title: quantityTitle(c), lines: [{ name: c, y: numericColumn(t, c), err: err(c) }] });
  }
  if (panels.length === 0) {
    throw new XafsError('ECOLUMN', `${t.file} has no valence, lcf_<name> or fitted <param> with <param>_stderr column to plot (its columns: ${t.columns.join(', ')}); pass --y COLUMN`);
  }
  return panels;
}

/** The results table of INPUT: a results.csv or the `xafs batch --out` folder holding one. */
export function loadResultsTable(input: string): ResultsTable {
  if (existsSync(input) && statSync(input).isDirectory()) {
    const csv = join(input, 'results.csv');
    if (!existsSync(csv)) throw new XafsError('ENOENT', `${input} holds no results.csv: pass the folder that xafs batch RECIPE --out DIR wrote, or its results.csv`);
    return readResultsTable(csv);
  }
  return readResultsTable(input);
}

/** Trends figure of a batch results table. */
export async function trendsOfTable(table: ResultsTable, o: PlotOptions = {}): Promise<string> {
  const t = okRows(table);
  if (t.rows.length === 0) throw new XafsError('ETOOFEW', `${table.file}: no successful row to plot (${table.rows.length} rows, none with status ok)`);
  const fo = { width: o.width, height: o.height, title: o.title };
  if (o.xFile !== undefined) {
    const keys = t.rows.map((r, i) => ({ index: r.index !== undefined && r.index !== '' ? Number(r.index) : i, source: r.source ?? '' }));
    const xf = readValuesFile(o.xFile, keys, o.x);
    return trendsFigure(xf.values, xf.title, trendPanels(t, o.y), fo);
  }
  const xName = o.x ?? 'index';
  if (xName !== 'index' && !t.columns.includes(xName)) {
    throw new XafsError('ECOLUMN', `${t.file} has no column '${xName}'; its columns are: ${t.columns.join(', ')}; pass --x with one of them, or --x-file FILE, a table with columns index,${xName} giving each spectrum's ${xName}`);
  }
  const xs = xName === 'index' && !t.columns.includes('index') ? t.rows.map((_, i) => i) : numericColumn(t, xName);
  if (xs.some((v) => v === null)) throw new XafsError('ENUMBER', `${t.file}: column '${xName}' has empty or non-numeric cells: pass --x with a numeric column (index, time, potential ...)`);
  return trendsFigure(xs as number[], xName, trendPanels(t, o.y), fo);
}

function parseEdgeMethod(m: string | undefined): EdgeMethod {
  const method = (m ?? 'deriv') as EdgeMethod;
  if (!EDGE_METHODS.includes(method)) throw new XafsError('EOPTION', `unknown edge method '${m}': use ${EDGE_METHODS.join(', ')}`);
  return method;
}

/**
 * The LCF of the first sample by the standards (xafs lcf's defaults), with the weighted
 * standards w·s(E − δ) on the fit grid. The standards are drawn as normalized on their own; the
 * fit normalizes them with the sample's pre-edge ranges (LcfOptions.normalization 'sample'), so
 * the drawn components add up to the fit to within the difference of the two normalizations
 * (about 0.2 % of the edge step on the Fe series), exactly with 'own'.
 */
export function lcfPlotData(inputs: string[], o: PlotOptions, normalization?: 'sample' | 'own'): LcfPlotData {
  if (!o.standards || o.standards.length === 0) throw new XafsError('EOPTION', 'the LCF figure needs standards: pass --standard FILE[=NAME] for each');
  const space = o.lcfSpace ?? 'norm';
  const chi = space === 'chi';
  const samples = loadSpectra(inputs, o);
  if (samples.length > 1) o.warn?.(`${samples.length} samples: plotting the LCF of ${samples[0]!.source}; pass one sample per figure`);
  const sample = prepareGroup({ ...samples[0]!, name: shortName(samples[0]!) }, { chi, preEdge: o.process?.preEdge });
  const stds = o.standards.map((arg) => {
    const eq = arg.lastIndexOf('=');
    const [file, name] = eq > 0 && !existsSync(arg) ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const s = loadSpectra([file], { ...o, mu: undefined });
    if (s.length !== 1) throw new XafsError('EOPTION', `--standard ${file} holds ${s.length} spectra: name one as FILE#NAME`);
    return prepareGroup({ ...s[0]!, name: name ?? shortName(s[0]!) }, { chi });
  });
  const res = lcf(sample, stds, { space, emin: o.lcfEmin, emax: o.lcfEmax, sumToOne: o.sumToOne, arrays: true, normalization }, (m) => o.warn?.(m));
  const x = res.x!;
  const components = stds
    .filter((s) => res.weights[s.name]!.value > 0)
    .map((s) => {
      const w = res.weights[s.name]!.value;
      const shift = res.eshift?.[s.name]?.value ?? 0;
      const xy = spaceXY(s, space, chi ? 2 : 0);
      const y = larchInterp(xy.x, xy.y, Float64Array.from(x, (v) => v - shift));
      return { name: `${w.toFixed(2)} × ${s.name}`, y: Float64Array.from(y, (v) => v * w) };
    });
  return { name: sample.name, x, y: res.y!, yfit: res.yfit!, components, space, rfactor: res.rfactor };
}

/** Draws one figure of KIND from INPUTS (see PLOT_KINDS); returns the SVG. */
export async function plotFigure(kind: PlotKind, inputs: string[], o: PlotOptions = {}): Promise<string> {
  const fo = { width: o.width, height: o.height, title: o.title };
  const kw = o.kweight ?? 2;
  switch (kind) {
    case 'xanes': {
      const spectra = loadSpectra(inputs, o).map((s) => ({ s, pre: preEdge(s, o.process?.preEdge) }));
      return xanesFigure(
        spectra.map(({ s, pre }) => ({ name: shortName(s), energy: s.energy, y: o.raw ? s.mu : pre.norm, e0: pre.e0 })),
        { ...fo, emin: o.emin, emax: o.emax, inset: o.inset, raw: o.raw },
      );
    }
    case 'deriv': {
      const method = parseEdgeMethod(o.method);
      const curves = loadSpectra(inputs, o).map((s) => {
        const pre = preEdge(s, o.process?.preEdge);
        const rep = edgePositions(s, { methods: [method], whiteLine: false });
        const e = rep.edges[method];
        const energy = s.energy;
        return { name: shortName(s), energy, deriv: Float64Array.from(pre.dmude, (d) => d / pre.edgeStep), edges: e ? { [method]: e.energy } : {} };
      });
      return derivativeFigure(curves, { ...fo, emin: o.emin, emax: o.emax });
    }
    case 'valence': {
      if (!o.refs || o.refs.length < 2) throw new XafsError('EOPTION', 'the valence figure needs at least two references: pass --ref FILE=VALENCE for each');
      const refs = o.refs.map((r) => {
        const s = loadSpectra([r.file], { ...o, mu: Array.isArray(o.mu) ? undefined : o.mu });
        if (s.length !== 1) throw new XafsError('EOPTION', `--ref ${r.file} holds ${s.length} spectra: name one as FILE#NAME=VALENCE`);
        return { ...s[0]!, valence: r.valence, name: shortName(s[0]!) };
      });
      const samples = inputs.length ? loadSpectra(inputs, o).map((s) => ({ ...s, name: shortName(s) })) : [];
      const v = valence(refs, samples, { method: o.method as ValenceMethod | undefined });
      if (!v.calibration) throw new XafsError('EOPTION', `the valence figure shows a calibration line: use an edge method (${EDGE_METHODS.join(', ')}), not lcf`);
      for (const s of v.samples) if (s.error) o.warn?.(`${s.source}: ${s.error}`);
      return valenceFigure({ references: v.references, samples: v.samples, calibration: v.calibration, method: v.method }, fo);
    }
    case 'chik':
      return chikFigure(chiAll(inputs, o, false).map(({ name, res }) => ({ name, k: res.bkg.k, chi: res.bkg.chi })), { ...fo, kweight: kw, kmin: o.kmin, kmax: o.kmax });
    case 'chir': {
      const all = chiAll(inputs, o);
      return chirFigure(
        all.map(({ name, res }) => ({ name, r: res.ft.r, chirMag: res.ft.chirMag, chirRe: res.ft.chirRe, chirIm: res.ft.chirIm })),
        { ...fo, kweight: all[0]!.res.ft.kweight, rmax: o.rmax, parts: o.parts },
      );
    }
    case 'chiq': {
      const all = chiAll(inputs, o);
      return chiqFigure(all.map(({ name, res }) => ({ name, q: res.bft.q, chiqRe: res.bft.chiqRe })), { ...fo, kweight: all[0]!.res.ft.kweight, qmax: o.kmax });
    }
    case 'fit': {
      if (inputs.length !== 1) throw new XafsError('EOPTION', `the fit figure takes one input (an xafs fit --out folder or its NAME.fit_r.dat), got ${inputs.length}`);
      return fitFigure(loadFitArrays(inputs[0]!, o.space, o.warn, { dataset: o.dataset, phaseCorrected: o.phaseCorrected }), { ...fo, xmax: o.space === 'k' ? o.kmax : o.rmax });
    }
    case 'wavelet': {
      if ((o.eta !== undefined || o.sigma !== undefined) && o.waveletKind !== 'morlet') throw new XafsError('EOPTION', '--eta and --sigma set the Morlet wavelet: add --wavelet morlet, or leave them out for the Cauchy wavelet');
      const all = chiAll(inputs, o, false);
      const maps = all.map(({ name, source, res }) => {
        const kLast = res.bkg.k[res.bkg.k.length - 1]!;
        if (o.kmax !== undefined && o.kmax > kLast + 1e-9) {
          throw new XafsError('ERANGE', `${source}: the wavelet map cannot reach k = ${o.kmax} Å⁻¹: χ(k) ends at k = ${kLast.toFixed(2)} Å⁻¹; pass --xmax ${kLast.toFixed(2)} or less`);
        }
        const wo = { kind: o.waveletKind ?? 'cauchy', kweight: kw, rmaxOut: o.rmaxOut, eta: o.eta, sigma: o.sigma } as const;
        return { name, map: wavelet(res.bkg.k, res.bkg.chi, Object.fromEntries(Object.entries(wo).filter(([, v]) => v !== undefined))) };
      });
      return waveletFigure(maps, { width: o.width, height: o.height, title: o.title, kweight: kw, rmax: o.rmax ?? (o.rmaxOut !== undefined ? Math.min(o.rmaxOut, 6) : undefined), kmin: o.kmin, kmax: o.kmax });
    }
    case 'lcf':
      return lcfFigure(lcfPlotData(inputs, o), fo);
    case 'pca': {
      const groups = loadSpectra(inputs, o).map((s) => prepareGroup({ ...s, name: shortName(s) }, { preEdge: o.process?.preEdge }));
      if (groups.length < 3) throw new XafsError('ETOOFEW', `PCA needs at least 3 spectra, got ${groups.length}: pass a series (a folder, a glob or a multi-column file)`);
      const m = pcaTrain(groups, { emin: o.lcfEmin, emax: o.lcfEmax });
      return pcaFigure({ variances: m.variances, ind: m.tfa.ind, ncomponents: m.ncomponents }, { ...fo, width: o.width ?? 'double' });
    }
    case 'stack': {
      const space = o.stackSpace ?? 'norm';
      if (o.values && o.valuesFile) throw new XafsError('EOPTION', 'pass --values or --values-file, not both');
      // μ(E) for the XANES stack; χ(k) files too for the χ(k) and χ(R) stacks
      const spectra = space === 'norm' ? loadSpectra(inputs, o) : undefined;
      const all = space === 'norm' ? undefined : chiAll(inputs, o, space !== 'chik');
      const n = spectra?.length ?? all!.length;
      if (n === 0) throw new XafsError('ETOOFEW', `no spectrum in ${inputs.join(', ')}: the stack needs a series`);
      if (o.values && o.values.length !== n) throw new XafsError('EOPTION', `--values has ${o.values.length} numbers but there are ${n} spectra: give one value per spectrum`);
      const sources = spectra ? spectra.map((s) => s.source) : all!.map((a) => a.source);
      const vf = o.valuesFile !== undefined ? readValuesFile(o.valuesFile, sources.map((source, index) => ({ index, source }))) : undefined;
      const so = { ...fo, offset: o.offset, values: vf?.values ?? o.values, colorTitle: o.valuesTitle ?? vf?.title, labels: o.labels };
      if (spectra) {
        const curves = spectra.map((s) => {
          const pre = preEdge(s, o.process?.preEdge);
          return { name: shortName(s), x: s.energy, y: pre.norm, e0: pre.e0 };
        });
        const e0 = curves[0]!.e0;
        return stackFigure(curves, { ...so, xmin: o.emin ?? e0 - 30, xmax: o.emax ?? e0 + 80 });
      }
      if (space === 'chik') {
        return stackFigure(
          all!.map(({ name, res }) => ({ name, x: res.bkg.k, y: Float64Array.from(res.bkg.chi, (c, i) => c * res.bkg.k[i]! ** kw) })),
          { ...so, offset: o.offset ?? 2, xmin: o.kmin ?? 0, xmax: o.kmax, xTitle: TITLES.k, yTitle: TITLES.chik(kw).replace(/ \(|$/, (m) => (m ? ' + offset (' : ' + offset')) },
        );
      }
      return stackFigure(all!.map(({ name, res }) => ({ name, x: res.ft.r, y: res.ft.chirMag })), { ...so, offset: o.offset ?? 1, xmin: 0, xmax: o.rmax ?? 6, xTitle: TITLES.r, yTitle: TITLES.chir(all![0]!.res.ft.kweight).replace(' (', ' + offset (') });
    }
    case 'trends': {
      if (inputs.length !== 1) throw new XafsError('EOPTION', `the trends figure takes one input (results.csv or the xafs batch --out folder), got ${inputs.length}`);
      return trendsOfTable(loadResultsTable(inputs[0]!), o);
    }
    case 'corner': {
      if (inputs.length !== 1) throw new XafsError('EOPTION', `the corner figure takes one input (an xafs fit --posterior --out folder or its posterior_chain.csv), got ${inputs.length}`);
      return cornerOfChain(inputs[0]!, { width: o.width, title: o.title });
    }
    default:
      throw new XafsError('EOPTION', `unknown figure '${kind as string}': use ${PLOT_KINDS.join(', ')}`);
  }
}
