/**
 * Linear combination fitting (LCF) of XANES (norm, flat, dμ/dE) or χ(k) by standards.
 *
 * Two engines:
 * - `lcf` / `lcfSeries` (the physical default): non-negative weights by Lawson–Hanson NNLS in WASM,
 *   optionally on the simplex (Σw = 1 exactly, every weight ≥ 0), optional energy shifts (one common
 *   shift, or one per standard) fitted by Levenberg–Marquardt around the NNLS solve, every
 *   combination of up to N standards ranked by reduced χ² (then R-factor), standard errors from the
 *   linearized covariance scaled by the residual variance. Standards are normalized with each
 *   sample's own pre_edge e0 and ranges (LcfOptions.normalization), and the weights are also
 *   reported as fractions of the standards' edge jumps (LcfFit.fractions).
 * - `lincomboFit` / `lincomboFitAll`: Larch 0.9.58 lincombo_fit / lincombo_fitall, reproduced
 *   number for number (docs/conventions.md §6.2).
 */
import { Buffer } from 'node:buffer';
import { XafsError, type Warn } from '../errors.js';
import { preEdge } from '../xafs/preEdge.js';
import { deriv, lcfFitKernel, lcfFreeStandards, lcfRegisterStandards, lincomboLarchKernel, lstsq, symEigen, type LcfKernelResult } from '../wasm.js';
import { fmtNum, groups2matrix, larchInterp, spaceXY, windowIndices, XANES_SPACES, type XanesGroup, type XanesSpace } from './matrix.js';

export type LcfShiftMode = 'none' | 'common' | 'each';

export interface LcfOptions {
  /** The array fitted: norm, flat, dmude (energy) or chi (k). @default 'norm' */
  space?: XanesSpace;
  /** Fit range start, eV relative to each sample's e0 (energy spaces). @default -40 (Larch's LCF window) */
  emin?: number;
  /** Fit range end, eV relative to each sample's e0 (energy spaces). @default 110 */
  emax?: number;
  /** Absolute fit range start (eV), instead of emin. */
  xmin?: number;
  /** Absolute fit range end (eV), instead of emax. */
  xmax?: number;
  /** χ space: k range start, Å⁻¹. @default 3 */
  kmin?: number;
  /** χ space: k range end, Å⁻¹. @default the end of the sample's χ(k) */
  kmax?: number;
  /** χ space: the fit is on χ·k^kweight. @default 2 */
  kweight?: number;
  /** Constrain the weights to sum to one (exactly; every weight stays ≥ 0). @default false */
  sumToOne?: boolean;
  /**
   * Energy shifts fitted with the weights: 'common' (one shift of the sample against all standards:
   * monochromator drift), 'each' (one per standard: Σ w_j·s_j(E − δ_j)). @default 'none'
   */
  eshift?: LcfShiftMode;
  /** Largest shift allowed, eV. @default 5 */
  eshiftMax?: number;
  /** Fit every combination of 1 … N standards and rank them; 0 fits only the full set. @default 0 */
  combinations?: number;
  /** Include x, y and the best fit in the result. @default false */
  arrays?: boolean;
  /**
   * How the standards are normalized in the energy spaces: 'sample' normalizes every standard
   * with each sample's own pre_edge e0 and ranges, so that sample and standards pass through the
   * same linear normalization (a sample that is a mixture of the standards in μ is then exactly a
   * combination of the normalized standards, whatever its offset and edge step); 'own' uses each
   * standard as prepared (its own e0 and ranges, as Athena does). χ(k) always uses 'own'.
   * @default 'sample'
   */
  normalization?: 'sample' | 'own';
}

export interface LcfValue {
  value: number;
  stderr: number;
}

/** One fit (one combination of standards). */
export interface LcfFit {
  /** The standards in this fit. */
  standards: string[];
  /** Every standard's weight (0 ± 0 for those not in the fit or at the bound 0). */
  weights: Record<string, LcfValue>;
  /** Σ weights and its standard error (0 with sum-to-one). */
  sum: number;
  sumStderr: number;
  /**
   * The weights as fractions of the standards' edge jumps (absorber fractions), summing to one:
   * f_j ∝ w_j·c_j with c_j = (the standard's own edge step: 1 for a normalized input) / (its edge
   * step under the normalization used in the fit). Equal to w/Σw when every c_j is 1. NaN (with a
   * warning) when every weight is 0: nothing to share out.
   */
  fractions: Record<string, LcfValue>;
  /** Energy shift (eV) of each standard in the fit, when fitted (the same value for all with 'common'). */
  eshift?: Record<string, LcfValue>;
  /** Σ (y − fit)². */
  chi2: number;
  /** chi2 / (npts − nvarys). */
  chi2Reduced: number;
  /** Σ (y − fit)² / Σ y² (Larch's definition). */
  rfactor: number;
  npts: number;
  /** Free parameters: non-zero weights (minus one with sum-to-one) and their shifts. */
  nvarys: number;
  warnings: string[];
}

export interface LcfResult extends LcfFit {
  source: string;
  name: string;
  e0: number;
  space: XanesSpace;
  /** The fit window actually used (eV, or Å⁻¹ in χ space): the first and last point. */
  xmin: number;
  xmax: number;
  /** All combinations fitted, best first (when `combinations` > 0). */
  combinations?: LcfFit[];
  x?: Float64Array;
  y?: Float64Array;
  yfit?: Float64Array;
}

interface Resolved {
  normalization: 'sample' | 'own';
  space: XanesSpace;
  emin: number;
  emax: number;
  xmin?: number;
  xmax?: number;
  kmin: number;
  kmax?: number;
  kweight: number;
  sumToOne: boolean;
  eshift: LcfShiftMode;
  eshiftMax: number;
  combinations: number;
  arrays: boolean;
}

function checkLcfOptions(o: LcfOptions, nstd: number): Resolved {
  const space = o.space ?? 'norm';
  if (!XANES_SPACES.includes(space)) throw new XafsError('EOPTION', `space '${space}' is not one of ${XANES_SPACES.join(', ')}`);
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new XafsError('EOPTION', `LCF option ${k} must be a finite number (got ${v})`);
  }
  // a common shift of the sample against its standards is fitted unless asked otherwise: a
  // monochromator offset of a few 0.1 eV between scans is usual and biases the fractions
  // (0.025 on the jittered Fe series without it, 0.005 with it); χ(k) takes no energy shift
  const eshift = o.eshift ?? (space === 'chi' ? 'none' : 'common');
  if (!['none', 'common', 'each'].includes(eshift)) throw new XafsError('EOPTION', `eshift '${eshift}' is not one of none, common, each`);
  if (space === 'chi' && eshift !== 'none') throw new XafsError('EOPTION', 'energy shifts apply to the energy spaces (norm, flat, dmude), not to χ(k)');
  const normalization = o.normalization ?? 'sample';
  if (!['sample', 'own'].includes(normalization)) throw new XafsError('EOPTION', `normalization '${normalization}' is not one of sample, own`);
  const r: Resolved = {
    normalization: space === 'chi' ? 'own' : normalization,
    space,
    emin: o.emin ?? -40,
    emax: o.emax ?? 110,
    xmin: o.xmin,
    xmax: o.xmax,
    kmin: o.kmin ?? 3,
    kmax: o.kmax,
    kweight: o.kweight ?? 2,
    sumToOne: o.sumToOne ?? false,
    eshift,
    eshiftMax: o.eshiftMax ?? 5,
    combinations: o.combinations ?? 0,
    arrays: o.arrays ?? false,
  };
  if (!(r.emin < r.emax)) throw new XafsError('EOPTION', `the fit range is empty: emin (${r.emin}) must be below emax (${r.emax})`);
  if (r.xmin !== undefined && r.xmax !== undefined && !(r.xmin < r.xmax)) throw new XafsError('EOPTION', `the fit range is empty: xmin (${r.xmin}) must be below xmax (${r.xmax})`);
  if (r.kmax !== undefined && !(r.kmin < r.kmax)) throw new XafsError('EOPTION', `the k range is empty: kmin (${r.kmin}) must be below kmax (${r.kmax})`);
  if (!(r.eshiftMax > 0)) throw new XafsError('EOPTION', `eshiftMax must be positive (got ${r.eshiftMax})`);
  if (!Number.isInteger(r.combinations) || r.combinations < 0) throw new XafsError('EOPTION', `combinations must be a whole number ≥ 0 (got ${r.combinations})`);
  if (nstd === 0) throw new XafsError('EOPTION', 'LCF needs at least one standard');
  return r;
}

/** The sample's fit window (absolute) for the resolved options. */
function windowOf(sample: XanesGroup, x: Float64Array, o: Resolved): [number, number] {
  if (o.space === 'chi') return [o.kmin, o.kmax ?? x[x.length - 1]];
  return [o.xmin ?? sample.e0 + o.emin, o.xmax ?? sample.e0 + o.emax];
}

const unit = (o: Resolved) => (o.space === 'chi' ? 'Å⁻¹' : 'eV');

/** Every k-subset of 0…n−1 (lexicographic). */
function subsets(n: number, k: number): number[][] {
  const out: number[][] = [];
  const cur: number[] = [];
  const rec = (start: number) => {
    if (cur.length === k) {
      out.push(cur.slice());
      return;
    }
    for (let i = start; i < n; i++) {
      cur.push(i);
      rec(i + 1);
      cur.pop();
    }
  };
  rec(0);
  return out;
}

/**
 * Refuses standards that are (numerically) linear combinations of each other over the window:
 * the smallest eigenvalue of their Gram matrix (columns scaled to unit length) relative to the
 * largest below 1e-9 is an error naming them; below 1e-6 a warning.
 */
function checkCollinear(names: string[], cols: Float64Array[], lo: number, hi: number, u: string, warn: Warn): void {
  const n = cols.length;
  if (n < 2) return;
  const m = cols[0].length;
  const unitCols = cols.map((c) => {
    let s = 0;
    for (let i = 0; i < m; i++) s += c[i] * c[i];
    const r = Math.sqrt(s) || 1;
    return c.map((v) => v / r);
  });
  const G = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += unitCols[a][i] * unitCols[b][i];
      G[a * n + b] = s;
    }
  }
  const { values, vectors } = symEigen(G, n);
  const ratio = values[0] / values[n - 1];
  if (ratio < 1e-6) {
    // the standards that carry the null vector
    const v = Array.from({ length: n }, (_, i) => vectors[i * n]);
    const vmax = Math.max(...v.map(Math.abs));
    const involved = names.filter((_, i) => Math.abs(v[i]) > 0.05 * vmax);
    const list = involved.map((s) => `'${s}'`).join(involved.length === 2 ? ' and ' : ', ');
    if (ratio < 1e-9) {
      throw new XafsError('EOPTION', `standards ${list} are collinear over ${fmtNum(lo)}–${fmtNum(hi)} ${u} (${involved.length === 2 ? 'one is a multiple of the other' : 'one is a linear combination of the others'}): their weights cannot be separated; drop one of them`);
    }
    warn(`standards ${list} are nearly collinear over ${fmtNum(lo)}–${fmtNum(hi)} ${u}: their weights are poorly determined (see the standard errors)`);
  }
}

interface Prepared {
  names: string[];
  handle: number;
  /** Per standard: own edge step / edge step under the normalization used (see LcfFit.fractions). */
  c: number[];
}

/** Spectra per kernel call: bounds the scratch memory one call leaves for the collector. */
const BATCH = 256;

/** The kernel over many spectra for one combination of standards, in batches. */
function runBatch(p: Prepared, which: number[], xs: Float64Array[], ys: Float64Array[], o: Resolved, wantFit: boolean): LcfKernelResult[] {
  const shiftMode = o.eshift === 'none' ? 0 : o.eshift === 'common' ? 1 : 2;
  const w = Int32Array.from(which);
  const out: LcfKernelResult[] = [];
  for (let i = 0; i < xs.length; i += BATCH) {
    out.push(...lcfFitKernel(p.handle, w, xs.slice(i, i + BATCH), ys.slice(i, i + BATCH), o.sumToOne, shiftMode, o.eshiftMax, wantFit));
  }
  return out;
}

/** A kernel result as an LcfFit. */
function toFit(p: Prepared, which: number[], r: LcfKernelResult, npts: number, o: Resolved): LcfFit {
  const warnings: string[] = [];
  const weights: Record<string, LcfValue> = {};
  const fractions: Record<string, LcfValue> = {};
  for (const n of p.names) {
    weights[n] = { value: 0, stderr: 0 };
    fractions[n] = { value: 0, stderr: 0 };
  }
  let sum = 0;
  let qsum = 0;
  which.forEach((j, a) => {
    weights[p.names[j]] = { value: r.weights[a], stderr: r.stderr[a] };
    sum += r.weights[a];
    qsum += r.weights[a] * p.c[j];
  });
  which.forEach((j, a) => {
    const q = r.weights[a] * p.c[j];
    fractions[p.names[j]] = qsum > 0 ? { value: q / qsum, stderr: (r.stderr[a] * p.c[j]) / qsum } : { value: NaN, stderr: NaN };
  });
  const fit: LcfFit = {
    standards: which.map((j) => p.names[j]),
    weights,
    sum,
    sumStderr: r.sumStderr,
    fractions,
    chi2: r.chi2,
    chi2Reduced: npts > r.nvarys ? r.chi2 / (npts - r.nvarys) : NaN,
    rfactor: r.sumY2 > 0 ? r.chi2 / r.sumY2 : NaN,
    npts,
    nvarys: r.nvarys,
    warnings,
  };
  if (o.eshift !== 'none') {
    const common = o.eshift === 'common';
    fit.eshift = {};
    which.forEach((j, a) => (fit.eshift![p.names[j]] = common ? { value: r.shifts[0], stderr: r.shiftStderr[0] } : { value: r.shifts[a], stderr: r.shiftStderr[a] }));
    const hit = which.filter((_, a) => Math.abs(common ? r.shifts[0] : r.shifts[a]) > 0.98 * o.eshiftMax);
    if (hit.length > 0) warnings.push(`energy shift at its limit (±${o.eshiftMax} eV) for ${hit.map((j) => `'${p.names[j]}'`).join(', ')}: check the energy calibration or raise eshiftMax`);
  }
  if (which.length > 0 && !(qsum > 0)) {
    warnings.push(`every weight is 0: the sample matches none of ${fit.standards.map((s) => `'${s}'`).join(', ')} in the fit range, so its fractions are undefined; check the range and the normalization`);
  }
  if (!r.covOk) warnings.push(`the fit with ${fit.standards.map((s) => `'${s}'`).join(', ')} has a singular covariance: its standard errors are undefined`);
  if (r.nnlsStatus < 0) warnings.push('NNLS stopped at its iteration limit');
  return fit;
}

const rank = (a: LcfFit, b: LcfFit) => a.chi2Reduced - b.chi2Reduced || a.rfactor - b.rfactor;

/** LCF of one sample (see `lcfSeries`). */
export function lcf(sample: XanesGroup, standards: XanesGroup[], options: LcfOptions = {}, warn: Warn = () => {}): LcfResult {
  return lcfSeries([sample], standards, options, warn)[0];
}

/** The standards' arrays and step ratios for one sample normalization (see LcfOptions.normalization). */
function standardsFor(sample: XanesGroup, standards: XanesGroup[], o: Resolved, kw: number, warnings: string[]): { xys: { x: Float64Array; y: Float64Array }[]; c: number[] } {
  const xys: { x: Float64Array; y: Float64Array }[] = [];
  const c: number[] = [];
  for (const s of standards) {
    const own = (): void => {
      xys.push(spaceXY(s, o.space, kw, true));
      c.push(s.normalizedInput ? 1 / s.edgeStep : 1);
    };
    if (o.normalization === 'own' || !s.mu || !sample.preEdgeParams) {
      own();
      continue;
    }
    try {
      const pe = preEdge({ energy: s.energy, mu: s.mu }, { e0: sample.e0, ...sample.preEdgeParams });
      if (Math.abs(pe.e0 - sample.e0) > 2) {
        warnings.push(`standard '${s.name}' has no point near the e0 of ${sample.source} (${fmtNum(sample.e0)} eV; nearest ${fmtNum(pe.e0)} eV): it is normalized at ${fmtNum(pe.e0)} eV`);
      }
      const y = o.space === 'norm' ? pe.norm : o.space === 'flat' ? pe.flat : deriv(s.energy, pe.norm);
      xys.push({ x: s.energy, y });
      c.push((s.normalizedInput ? 1 : s.edgeStep) / pe.edgeStep);
    } catch (e) {
      if (!(e instanceof XafsError)) throw e;
      warnings.push(`standard '${s.name}' cannot be normalized like ${sample.source} (${e.message}); its own normalization is used`);
      own();
    }
  }
  return { xys, c };
}

/**
 * Results that depend only on the standards (and the normalization key), kept between calls so
 * that a batch calling `lcf` once per spectrum does not renormalize and re-register the standards
 * (2 × pre_edge and two spline set-ups per spectrum) nor re-check their collinearity every time.
 * They are reused only while every input they were made from is bit for bit the same (arrays
 * compared in content, so standards modified in place are seen), which keeps the cache
 * invisible: the numbers and messages are those of a fresh computation.
 */
interface StdSnapshot {
  name: string;
  source: string;
  edgeStep: number;
  normalizedInput: boolean | undefined;
  hasMu: boolean;
  hasParams: boolean;
  /** Copies of the arrays the results were computed from: own x, own y, energy, μ. */
  arrays: Float64Array[];
}

/** Registered standards for one normalization key (standardsFor + lcfRegisterStandards). */
interface RegEntry {
  key: string;
  xys: { x: Float64Array; y: Float64Array }[];
  c: number[];
  handle: number;
}

/** The collinearity verdict on one window x: the warning to repeat or the error to throw again. */
interface CollinearEntry {
  key: string;
  x: Float64Array;
  warning?: string;
  error?: XafsError;
}

/** One set of standards (by content) and what was computed from it. */
interface StdState {
  snap: StdSnapshot[];
  reg: RegEntry[];
  collinear: CollinearEntry[];
}
const states: StdState[] = [];
/** A series whose e0 wanders over a few grid points keeps one entry per e0 (a fit window each). */
const MAX_STATES = 4;
const MAX_REG = 32;
const MAX_COLLINEAR = 32;
const EMPTY = new Float64Array(0);

function snapshotArrays(s: XanesGroup, own: { x: Float64Array; y: Float64Array }): Float64Array[] {
  return [own.x, own.y, s.energy, s.mu ?? EMPTY];
}

/** Bitwise equality of two arrays (memcmp): stricter than ===, which only costs a recomputation. */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function matches(snap: StdSnapshot[], standards: XanesGroup[], ownXys: { x: Float64Array; y: Float64Array }[]): boolean {
  if (snap.length !== standards.length) return false;
  for (let j = 0; j < snap.length; j++) {
    const p = snap[j];
    const s = standards[j];
    if (p.name !== s.name || p.source !== s.source || !Object.is(p.edgeStep, s.edgeStep) || p.normalizedInput !== s.normalizedInput) return false;
    if (p.hasMu !== (s.mu !== undefined) || p.hasParams !== (s.preEdgeParams !== undefined)) return false;
    const now = snapshotArrays(s, ownXys[j]);
    for (let a = 0; a < now.length; a++) {
      // the same array listed twice (own x is the energy) is compared once
      if (a > 0 && now.indexOf(now[a]) < a) continue;
      if (!sameBits(p.arrays[a], now[a])) return false;
    }
  }
  return true;
}

/** The cache state of these standards (found by content, or new; the oldest state is dropped). */
function stateFor(standards: XanesGroup[], ownXys: { x: Float64Array; y: Float64Array }[]): StdState {
  for (let i = states.length - 1; i >= 0; i--) {
    if (matches(states[i].snap, standards, ownXys)) {
      const st = states[i];
      if (i !== states.length - 1) states.push(states.splice(i, 1)[0]);
      return st;
    }
  }
  const snap = standards.map((s, j) => ({
    name: s.name,
    source: s.source,
    edgeStep: s.edgeStep,
    normalizedInput: s.normalizedInput,
    hasMu: s.mu !== undefined,
    hasParams: s.preEdgeParams !== undefined,
    arrays: snapshotArrays(s, ownXys[j]).map((a) => a.slice()),
  }));
  const st: StdState = { snap, reg: [], collinear: [] };
  states.push(st);
  if (states.length > MAX_STATES) for (const e of states.shift()!.reg) lcfFreeStandards(e.handle);
  return st;
}

function checkCollinearCached(st: StdState, names: string[], ownXys: { x: Float64Array; y: Float64Array }[], x: Float64Array, u: string, warn: Warn): void {
  const hit = st.collinear.find((e) => e.key === u && sameBits(e.x, x));
  if (hit) {
    if (hit.error) throw new XafsError(hit.error.code, hit.error.message, hit.error.exitCode);
    if (hit.warning !== undefined) warn(hit.warning);
    return;
  }
  const entry: CollinearEntry = { key: u, x: x.slice() };
  try {
    checkCollinear(names, ownXys.map((s) => larchInterp(s.x, s.y, x)), x[0], x[x.length - 1], u, (w) => {
      entry.warning = w;
      warn(w);
    });
  } catch (e) {
    if (!(e instanceof XafsError)) throw e;
    entry.error = e;
    throw e;
  } finally {
    st.collinear.push(entry);
    if (st.collinear.length > MAX_COLLINEAR) st.collinear.shift();
  }
}

/**
 * The standards normalized for the samples of one normalization key and registered in WASM
 * memory: from the cache when prepared for the same key before (`cached`: the cache owns the
 * handle, the caller must not free it), else fresh.
 */
function registeredStandards(st: StdState, sample: XanesGroup, standards: XanesGroup[], o: Resolved, kw: number, key: string, warnings: string[]): { c: number[]; handle: number; cached: boolean } {
  const fullKey = `${o.space}|${o.normalization}|${kw}|${key}`;
  for (let i = st.reg.length - 1; i >= 0; i--) {
    const e = st.reg[i];
    if (e.key === fullKey) {
      if (i !== st.reg.length - 1) st.reg.push(st.reg.splice(i, 1)[0]);
      return { c: e.c, handle: e.handle, cached: true };
    }
  }
  const w: string[] = [];
  const { xys, c } = standardsFor(sample, standards, o, kw, w);
  warnings.push(...w);
  const handle = lcfRegisterStandards(
    xys.map((s) => s.x),
    xys.map((s) => s.y),
  );
  // warnings name the sample: such a preparation is not reused
  if (w.length > 0) return { c, handle, cached: false };
  st.reg.push({ key: fullKey, xys, c, handle });
  if (st.reg.length > MAX_REG) lcfFreeStandards(st.reg.shift()!.handle);
  return { c, handle, cached: true };
}

/**
 * LCF of every sample with the same standards. The fit uses the sample's own points inside the
 * window (relative to its e0 unless xmin/xmax are given); the standards, normalized as
 * `normalization` says, are evaluated there by their not-a-knot cubic splines and must cover the
 * window. Samples sharing a normalization (e0 and ranges) share one registration of the
 * standards in WASM memory and go to the kernel in batches. Warnings that apply to all samples go
 * to `warn`; per-sample ones are in each result.
 */
export function lcfSeries(samples: XanesGroup[], standards: XanesGroup[], options: LcfOptions = {}, warn: Warn = () => {}): LcfResult[] {
  const o = checkLcfOptions(options, standards.length);
  const names = standards.map((s) => s.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new XafsError('EOPTION', `two standards are named '${dup}': name them (--standard FILE=NAME)`);
  const kw = o.space === 'chi' ? o.kweight : 0;
  const ownXys = standards.map((s) => spaceXY(s, o.space, kw, true));
  const st = stateFor(standards, ownXys);
  const u = unit(o);
  const nmax = o.combinations > 0 ? Math.min(o.combinations, standards.length) : standards.length;
  const nshift = o.eshift === 'each' ? nmax : o.eshift === 'common' ? 1 : 0;
  // every sample's window, checked before any fit
  const xs: Float64Array[] = [];
  const ys: Float64Array[] = [];
  for (const sample of samples) {
    const sxy = spaceXY(sample, o.space, kw, true);
    const [lo, hi] = windowOf(sample, sxy.x, o);
    const [i0, i1] = windowIndices(sxy.x, lo, hi);
    const npts = i1 - i0;
    const rel = o.space !== 'chi' && o.xmin === undefined && o.xmax === undefined;
    // message parts, built only for an error
    const span = () => `${fmtNum(lo)}–${fmtNum(hi)} ${u}${rel ? ` (e0 = ${fmtNum(sample.e0)} eV, ${fmtNum(o.emin)} to ${fmtNum(o.emax)} eV)` : ''}`;
    const dataSpan = () => `${fmtNum(sxy.x[0])}–${fmtNum(sxy.x[sxy.x.length - 1])} ${u}`;
    if (npts === 0) throw new XafsError('ERANGE', `${sample.source}: no data points in the fit range ${span()}; the data cover ${dataSpan()}`);
    // views of the sample's arrays (copied out only for the result's arrays)
    const x = sxy.x.subarray(i0, i1);
    const xa = x[0];
    const xb = x[x.length - 1];
    standards.forEach((s, j) => {
      const sx = ownXys[j].x;
      const tol = 1e-6 * Math.max(1, Math.abs(xb));
      if (sx[0] > xa + tol || sx[sx.length - 1] < xb - tol) {
        throw new XafsError('ERANGE', `standard '${s.name}' (${s.source}) covers ${fmtNum(sx[0])}–${fmtNum(sx[sx.length - 1])} ${u} but the fit range of ${sample.source} is ${fmtNum(xa)}–${fmtNum(xb)} ${u}: narrow the range (${o.space === 'chi' ? '--kmin/--kmax' : '--emin/--emax'}) or use a standard measured over it`);
      }
    });
    if (npts <= nmax + nshift) {
      throw new XafsError('ETOOFEW', `${sample.source}: only ${npts} data points in the fit range ${span()}, too few for ${nmax} standard(s)${nshift ? ' and their shifts' : ''}; widen the range`);
    }
    if (xs.length === 0) checkCollinearCached(st, names, ownXys, x, u, warn);
    xs.push(x);
    ys.push(sxy.y.subarray(i0, i1));
  }
  // samples grouped by the normalization their standards need
  const groups = new Map<string, number[]>();
  samples.forEach((s, i) => {
    const p = s.preEdgeParams;
    const key = o.normalization === 'own' || !p ? '' : [s.e0, p.pre1, p.pre2, p.norm1, p.norm2, p.nnorm].join('|');
    const list = groups.get(key);
    if (list) list.push(i);
    else groups.set(key, [i]);
  });
  const sets: number[][] = [];
  if (o.combinations > 0) for (let c = 1; c <= nmax; c++) sets.push(...subsets(standards.length, c));
  else sets.push(names.map((_, j) => j));
  const wantFit = o.arrays && o.combinations === 0;
  const out: LcfResult[] = new Array(samples.length);
  const normWarnings = new Set<string>();
  for (const [key, idx] of groups) {
    const warnings: string[] = [];
    const { c, handle, cached } = registeredStandards(st, samples[idx[0]], standards, o, kw, key, warnings);
    for (const w of warnings) normWarnings.add(w);
    const p: Prepared = { names, handle, c };
    try {
      const gx = idx.map((i) => xs[i]);
      const gy = idx.map((i) => ys[i]);
      const runs = sets.map((w) => runBatch(p, w, gx, gy, o, wantFit));
      idx.forEach((i, a) => {
        const sample = samples[i];
        const fits = sets.map((w, ci) => toFit(p, w, runs[ci][a], xs[i].length, o));
        let best = fits[0];
        let yfit = runs[0][a].yfit;
        if (o.combinations > 0) {
          fits.sort(rank);
          best = fits[0];
          if (o.arrays) yfit = runBatch(p, best.standards.map((n) => names.indexOf(n)), [xs[i]], [ys[i]], o, true)[0].yfit;
        }
        const x = xs[i];
        const res: LcfResult = { source: sample.source, name: sample.name, e0: sample.e0, space: o.space, xmin: x[0], xmax: x[x.length - 1], ...best };
        if (o.combinations > 0) res.combinations = fits;
        if (o.arrays) {
          res.x = x.slice();
          res.y = ys[i].slice();
          res.yfit = yfit;
        }
        out[i] = res;
      });
    } finally {
      if (!cached) lcfFreeStandards(handle);
    }
  }
  for (const w of normWarnings) warn(w);
  return out;
}

// ---- Larch parity: lincombo_fit / lincombo_fitall -------------------------------------------

export interface LincomboOptions {
  /** Array fitted (Larch arrayname; 'chi' is Larch's 'chik': k and unweighted χ). @default 'norm' */
  space?: XanesSpace;
  /** Absolute fit range, eV (Å⁻¹ for chi); Larch's xmin/xmax. @default -Infinity/Infinity */
  xmin?: number;
  xmax?: number;
  /** @default true (Larch's API default) */
  sumToOne?: boolean;
  /** Starting weights. @default the unconstrained least-squares weights (lincombo_fit), 1/n (fitall) */
  weights?: number[];
  /** Lower bounds of the weights. @default -Infinity (Larch's API default; its GUI passes 0) */
  minvals?: number[];
  /** Upper bounds of the weights. @default Infinity (Larch's GUI passes 1) */
  maxvals?: number[];
}

export interface LincomboResult {
  /** Component names in fit order. */
  standards: string[];
  weights: Record<string, number>;
  /** lmfit standard errors (scaled by the reduced χ²); null when lmfit could not estimate them. */
  stderr: Record<string, number | null>;
  weightsLstsq: Record<string, number>;
  /** Σ weights (lmfit's 'total'). */
  total: number;
  chisqr: number;
  redchi: number;
  rfactor: number;
  ndata: number;
  nvarys: number;
  nfev: number;
  x: Float64Array;
  ydata: Float64Array;
  yfit: Float64Array;
}

/**
 * Larch 0.9.58 lincombo_fit: the data's own x grid over [index_of(xmin) : index_of(xmax)+1], the
 * components cubic-interpolated onto it with extrapolation; unconstrained least squares for the
 * starting weights; then lmfit leastsq with the components' bounds (MINUIT transforms) and, with
 * sumToOne, the last weight as 1 − Σ others (clipped to its bounds). vary_e0 is not supported.
 */
export function lincomboFit(data: XanesGroup, components: XanesGroup[], options: LincomboOptions = {}): LincomboResult {
  const space = options.space ?? 'norm';
  const nc = components.length;
  if (nc < 1) throw new XafsError('EOPTION', 'lincombo_fit needs at least one component');
  if (options.sumToOne !== false && nc < 2) throw new XafsError('EOPTION', 'lincombo_fit with sum-to-one needs at least two components');
  const { x, rows } = groups2matrix(
    [data, ...components].map((g) => spaceXY(g, space, 0)),
    options.xmin ?? -Infinity,
    options.xmax ?? Infinity,
  );
  const m = x.length;
  if (m <= nc) throw new XafsError('ETOOFEW', `${data.source}: only ${m} points in the fit range for ${nc} components`);
  const y = rows[0];
  const A = new Float64Array(m * nc);
  const Arow = new Float64Array(m * nc);
  for (let j = 0; j < nc; j++) {
    A.set(rows[j + 1], j * m);
    for (let i = 0; i < m; i++) Arow[i * nc + j] = rows[j + 1][i];
  }
  const ls = lstsq(Arow, y, m, nc);
  const w0 = Float64Array.from(options.weights ?? ls);
  const lo = Float64Array.from({ length: nc }, (_, j) => options.minvals?.[j] ?? -Infinity);
  const hi = Float64Array.from({ length: nc }, (_, j) => options.maxvals?.[j] ?? Infinity);
  const sumToOne = options.sumToOne ?? true;
  const r = lincomboLarchKernel(A, y, m, nc, w0, lo, hi, sumToOne);
  const yfit = new Float64Array(m);
  let yy = 0;
  let rr = 0;
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < nc; j++) s += r.weights[j] * A[j * m + i];
    yfit[i] = s;
    yy += y[i] * y[i];
    rr += (y[i] - s) ** 2;
  }
  const names = components.map((c) => c.name);
  const rec = <T>(f: (j: number) => T) => Object.fromEntries(names.map((n, j) => [n, f(j)])) as Record<string, T>;
  const nvarys = r.nvarys;
  let total = 0;
  for (const w of r.weights) total += w;
  return {
    standards: names,
    weights: rec((j) => r.weights[j]),
    stderr: rec((j) => (r.errorbars && Number.isFinite(r.stderr[j]) ? r.stderr[j] : null)),
    weightsLstsq: rec((j) => ls[j]),
    total,
    chisqr: r.chisqr,
    redchi: r.chisqr / (m - nvarys),
    rfactor: rr / yy,
    ndata: m,
    nvarys,
    nfev: r.nfev,
    x,
    ydata: y,
    yfit,
  };
}

/**
 * Larch 0.9.58 lincombo_fitall: every combination of maxNcomps … 2 components (single components
 * are not tried), each started from equal weights 1/n with its own bounds, sorted by reduced χ².
 */
export function lincomboFitAll(data: XanesGroup, components: XanesGroup[], options: LincomboOptions & { maxNcomps?: number } = {}): LincomboResult[] {
  const n = components.length;
  const maxN = Math.min(options.maxNcomps ?? n, n);
  const all: LincomboResult[] = [];
  for (let nx = maxN; nx >= 2; nx--) {
    for (const sel of subsets(n, nx)) {
      all.push(
        lincomboFit(
          data,
          sel.map((j) => components[j]),
          {
            ...options,
            weights: sel.map(() => 1 / nx),
            minvals: sel.map((j) => options.minvals?.[j] ?? -Infinity),
            maxvals: sel.map((j) => options.maxvals?.[j] ?? Infinity),
          },
        ),
      );
    }
  }
  // Python's sort is stable, as is Array.prototype.sort
  return all.sort((a, b) => a.redchi - b.redchi);
}
