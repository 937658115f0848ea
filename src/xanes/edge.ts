/**
 * XANES edge positions: five definitions of "the edge energy", each with its uncertainty where
 * the definition allows one, plus the white line. Everything runs on Larch-normalized μ(E)
 * (preEdge, Larch 0.9.58 pre_edge) in one WASM call per spectrum (assembly/xanes_edge.ts).
 *
 * - `deriv`: Larch find_e0, the grid point of the largest dμ/dE whose neighbours are also high
 *   (what Athena and Larch users get as e0). A grid point: no sub-grid information, no error bar.
 * - `deriv-fit`: the maximum of a Gaussian-smoothed first derivative, to machine precision. dμ/dE
 *   of the piecewise-linear interpolant of the data is convolved analytically with a Gaussian of
 *   standard deviation `smooth` (default 1 eV, never below the energy step at e0), and the
 *   maximum is the root of the smoothed second derivative (bracketed on a σ/4 scan, refined by
 *   false position). Among the maxima within ±`searchWidth` eV of Larch's e0 the largest wins.
 *   No resampling grid is involved, so the position moves smoothly with the data: the one to use
 *   for trends at the 0.1 eV level.
 * - `half`: the energy where normalized μ reaches `halfLevel` (0.5) on the rising edge: from
 *   Larch's e0 point, the nearest point pair with norm[j] < 0.5 ≤ norm[j+1] (walking down
 *   from e0, or up when norm(e0) < 0.5), interpolated linearly. A pre-edge peak above 0.5 below
 *   the main edge is therefore never taken for the edge.
 * - `zero2`: the zero crossing (+ → −) of the smoothed second derivative (same σ) sampled on the
 *   data points, interpolated linearly between the two points that bracket the deriv-fit
 *   maximum. In exact arithmetic this is the same inflection point as deriv-fit; the two differ
 *   by the linear-interpolation error (usually < 0.05 eV on 0.5 eV grids), which is what the
 *   common "zero of the second derivative" practice gives.
 * - `integral`: the integral method of Dau, Liebisch & Haumann (Anal. Bioanal. Chem. 376 (2003)
 *   562): E = (1/(μ2 − μ1)) ∫_{μ1}^{μ2} E(μ) dμ over the normalized-μ window [μ1, μ2] =
 *   `integralLevels` (default [0.15, 0.85]), computed as E2 − ∫_{E1}^{E2}(norm − μ1) dE / (μ2 − μ1)
 *   with E1, E2 where norm first reaches μ1 and μ2 on the rising edge (the window is stated in μ,
 *   not in energy). For a linear rise it is the energy at the mean level (μ1 + μ2)/2; it does not
 *   move with E1 and E2 to first order, which makes it robust to noise.
 *
 * Uncertainties (`stderr`, eV) propagate the white noise of the normalized data, estimated from
 * the data (`noise`: 1.4826·median of each point's departure from the line through its
 * neighbours) unless given. They do not include normalization or calibration errors.
 *
 * - `half-main`: the half-height crossing on the main rise: the last upward crossing of `halfLevel`
 *   below the white line (a pre-edge peak that crosses the level and falls back is passed over).
 * - `deriv-main`: the first maximum of the Gaussian-smoothed (σ = `smooth`) derivative on the main
 *   rise where normalized μ has reached `mainLevel` (0.2) of the edge step; pre-edge features
 *   separated from the rise by a dip are excluded. Competing maxima are reported. Both are
 *   defined in detail, with the figures that chose them, in docs/edges.md.
 *
 * White line (`whiteLine`, src/xanes/whiteline.ts): position, height and area of the first peak
 * of norm (or flat) within 15 eV above e0, computed in the same kernel call.
 */
import { XafsError } from '../errors.js';
import { MIN_STEP_FRACTION } from '../constants.js';
import { preEdgeScan, type PreEdgeOptions, type PreEdgeResult } from '../xafs/preEdge.js';
import { dedupFindE0, EDGE_KERNEL, findE0Index, smoothDerivatives, xanesEdges } from '../wasm.js';
import { whiteLineFromKernel, type WhiteLine, type WhiteLineOptions } from './whiteline.js';

export type { WhiteLine, WhiteLineOptions } from './whiteline.js';

export type EdgeMethod = 'deriv' | 'deriv-fit' | 'half' | 'zero2' | 'integral' | 'deriv-main' | 'half-main';

/** What `edgePositions` computes unless told: every definition but deriv-main, whose competing-maxima warning fires on most oxides (see docs/edges.md). */
export const DEFAULT_EDGE_METHODS: readonly EdgeMethod[] = ['deriv', 'deriv-fit', 'half', 'zero2', 'integral', 'half-main'];

/** Every edge definition, in the order tables show them. */
export const EDGE_METHODS: readonly EdgeMethod[] = ['deriv', 'deriv-fit', 'half', 'zero2', 'integral', 'deriv-main', 'half-main'];

export interface EdgeOptions {
  /** The definitions to compute. @default DEFAULT_EDGE_METHODS */
  methods?: readonly EdgeMethod[];
  /** Gaussian σ (eV) smoothing dμ/dE for deriv-fit and zero2; raised to the energy step at e0 when smaller. @default 1 */
  smooth?: number;
  /** Half-width (eV) of the window around Larch's e0 searched for the smoothed-derivative maximum. @default 10 */
  searchWidth?: number;
  /** Normalized level of `half`. @default 0.5 */
  halfLevel?: number;
  /** Normalized-μ window [μ1, μ2] of the integral method. @default [0.15, 0.85] */
  integralLevels?: [number, number];
  /** deriv-main: a derivative maximum counts only where normalized μ has reached this fraction of the edge step. @default 0.2 */
  mainLevel?: number;
  /** White line options, or false to skip it. @default {} (computed) */
  whiteLine?: WhiteLineOptions | false;
  /** White-noise σ of the normalized spectrum; estimated from the data when not given. */
  noise?: number;
  /** Normalization (Larch pre_edge) options; e0 goes in `e0`, not here. */
  preEdge?: Omit<PreEdgeOptions, 'e0'>;
  /**
   * E0 (eV) for the normalization (pre_edge ranges relative to it) and as the anchor of the
   * searches (half, deriv-fit, integral start there); `deriv` still reports Larch find_e0.
   * @default Larch find_e0
   */
  e0?: number;
}

export interface EdgePosition {
  method: EdgeMethod;
  /** Edge energy, eV. */
  energy: number;
  /** One-σ uncertainty from the data noise, eV; null where the method gives none (deriv). */
  stderr: number | null;
  /** deriv-fit: the smoothed dμ/dE (normalized, 1/eV) at the maximum. */
  derivative?: number;
  /** integral: the energies where norm reaches μ1 and μ2 (eV). */
  window?: [number, number];
  /**
   * deriv-main: the uncertainty of the definition itself (eV): half the distance to a competing
   * derivative maximum (see COMPETE_RATIO), else 0. Not included in `stderr`.
   */
  definitionSpread?: number;
  /** deriv-main: the competing maximum (energy eV, height relative to the one taken), when there is one. */
  competitor?: { energy: number; ratio: number };
}

export interface EdgeReport {
  /** Larch find_e0 (eV), the normalization's e0. */
  e0: number;
  edgeStep: number;
  /** White-noise σ of the normalized spectrum used for the error bars. */
  noise: number;
  /** The edge energy of every method that found one. */
  edges: Partial<Record<EdgeMethod, EdgePosition>>;
  /** Why a requested method found no edge (the others are still reported). */
  errors: Partial<Record<EdgeMethod, string>>;
  whiteLine: WhiteLine | null;
  /** The resolved smoothing σ (eV). */
  smooth: number;
  warnings: string[];
}

/** A spectrum normalized for the edge methods (energy de-duplicated as Larch pre_edge does). */
export interface NormalizedSpectrum {
  energy: Float64Array;
  norm: Float64Array;
  flat: Float64Array;
  /** Larch find_e0 and its index, or the grid point nearest the e0 given. */
  e0: number;
  ie0: number;
  /** Larch find_e0 when an e0 was given (e0 then holds the given one). */
  findE0?: number;
  edgeStep: number;
  /** The normalization (absent for spectra given already normalized, see asNormalized). */
  pre?: PreEdgeResult;
}

interface Resolved {
  methods: readonly EdgeMethod[];
  smooth: number;
  searchWidth: number;
  halfLevel: number;
  integralLevels: [number, number];
  mainLevel: number;
  whiteLine: Required<WhiteLineOptions> | false;
  noise: number | undefined;
  preEdge: PreEdgeOptions;
  e0: number | undefined;
}

function positive(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || !(v > 0)) throw new XafsError('EOPTION', `${name} must be a number above 0, got ${v}`);
  return v;
}

/** Resolves and checks the options (defaults in one place). */
export function checkEdgeOptions(o: EdgeOptions = {}): Resolved {
  const methods = o.methods ?? DEFAULT_EDGE_METHODS;
  for (const m of methods) {
    if (!EDGE_METHODS.includes(m)) throw new XafsError('EOPTION', `unknown edge method '${m}': use ${EDGE_METHODS.join(', ')}`);
  }
  if (methods.length === 0) throw new XafsError('EOPTION', 'no edge method given');
  const halfLevel = o.halfLevel ?? 0.5;
  if (!Number.isFinite(halfLevel) || halfLevel <= 0 || halfLevel >= 1) throw new XafsError('EOPTION', `the half level must lie between 0 and 1 (normalized μ), got ${halfLevel}`);
  const levels = o.integralLevels ?? [0.15, 0.85];
  if (levels.length !== 2 || !levels.every(Number.isFinite) || !(levels[0] < levels[1]) || levels[0] <= 0) {
    throw new XafsError('EOPTION', `the integral levels must be two normalized-μ values 0 < μ1 < μ2, got ${levels.join(', ')}`);
  }
  const mainLevel = o.mainLevel ?? 0.2;
  if (!Number.isFinite(mainLevel) || mainLevel <= 0 || mainLevel >= 1) throw new XafsError('EOPTION', `the main-edge level must lie between 0 and 1 (normalized μ), got ${mainLevel}`);
  if (o.noise !== undefined && !(Number.isFinite(o.noise) && o.noise >= 0)) throw new XafsError('EOPTION', `noise must be a number ≥ 0, got ${o.noise}`);
  if (o.preEdge && 'e0' in o.preEdge && (o.preEdge as PreEdgeOptions).e0 !== undefined) {
    throw new XafsError('EOPTION', 'pass e0 as the edge option e0, not inside the normalization options');
  }
  if (o.e0 !== undefined && !Number.isFinite(o.e0)) throw new XafsError('EOPTION', `e0 must be a finite energy in eV, got ${o.e0}`);
  const wl = o.whiteLine === false ? false : { space: o.whiteLine?.space ?? 'norm', window: positive('the white-line window', o.whiteLine?.window, 15), fitWidth: positive('the white-line fit width', o.whiteLine?.fitWidth, 1) };
  if (wl && wl.space !== 'norm' && wl.space !== 'flat') throw new XafsError('EOPTION', `white-line space must be norm or flat, got '${wl.space}'`);
  return {
    methods,
    smooth: positive('the smoothing width', o.smooth, 1),
    searchWidth: positive('the search width', o.searchWidth, 10),
    halfLevel,
    integralLevels: [levels[0], levels[1]],
    mainLevel,
    whiteLine: wl as Required<WhiteLineOptions> | false,
    noise: o.noise,
    preEdge: { ...(o.preEdge ?? {}) },
    e0: o.e0,
  };
}

function muRange(mu: Float64Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < mu.length; i++) {
    const v = mu[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi - lo;
}

/** Larch pre_edge on the spectrum, with the de-duplicated energy and find_e0's index; refuses a step of rounding size. */
export function normalizeForEdges(spectrum: { energy: Float64Array; mu: Float64Array }, preEdgeOptions: Omit<PreEdgeOptions, 'e0'> = {}, e0?: number): NormalizedSpectrum {
  if (e0 !== undefined) {
    const n = spectrum.energy.length;
    const [lo, hi] = [Math.min(spectrum.energy[0]!, spectrum.energy[n - 1]!), Math.max(spectrum.energy[0]!, spectrum.energy[n - 1]!)];
    if (!(e0 > lo && e0 < hi)) throw new XafsError('EOPTION', `e0 = ${e0} eV lies outside the scan (${fmt(lo)}–${fmt(hi)} eV): give an e0 on the edge`);
  }
  let scan: ReturnType<typeof preEdgeScan>;
  try {
    scan = preEdgeScan(spectrum, e0 === undefined ? preEdgeOptions : { ...preEdgeOptions, e0 });
  } catch (e) {
    // the edge methods take no e0: drop that remedy from the normalization's messages
    if (e instanceof XafsError && e.code === 'ENOEDGE') throw new XafsError(e.code, e.message.replace(/,? or pass --e0 E/, ''), e.exitCode);
    throw e;
  }
  const pre = scan.result;
  // pre_edge without e0 uses find_e0 after remove_dups: e0 is that grid point, the first index
  // holding it (as energy.indexOf(e0) finds it)
  const energy = scan.energy;
  const ie0 = e0 === undefined ? energy.indexOf(pre.e0) : scan.ie0;
  // a line or a ramp normalizes to a step of rounding size (see MIN_STEP_FRACTION)
  const range = muRange(spectrum.mu);
  if (!(pre.edgeStep > MIN_STEP_FRACTION * range)) {
    throw new XafsError('ENOEDGE', `no absorption edge found: the edge step (${pre.edgeStep.toPrecision(3)}) is negligible against the range of μ (${range.toPrecision(3)}); check the μ expression (e.g. --mu "ln(i0/itrans)")`);
  }
  const findE0 = e0 === undefined ? undefined : energy[dedupFindE0(spectrum.energy, spectrum.mu).index]!;
  return { energy, norm: pre.norm, flat: pre.flat, e0: pre.e0, ie0, edgeStep: pre.edgeStep, pre, ...(findE0 !== undefined ? { findE0 } : {}) };
}

/**
 * A spectrum that is already normalized (e.g. a reference saved as norm): e0 = Larch find_e0 on
 * it, edge step 1. Energies must increase strictly.
 */
export function asNormalized(s: { energy: Float64Array; norm: Float64Array; flat?: Float64Array }): NormalizedSpectrum {
  const n = s.energy.length;
  if (s.norm.length !== n) throw new XafsError('EOPTION', `energy and norm differ in length (${n} and ${s.norm.length})`);
  for (let i = 1; i < n; i++) {
    if (!(s.energy[i]! > s.energy[i - 1]!)) throw new XafsError('EORDER', `energies must increase: point ${i + 1} (${s.energy[i]} eV) follows ${s.energy[i - 1]} eV`);
  }
  const ie0 = findE0Index(s.energy, s.norm);
  if (ie0 === 0) throw new XafsError('ENOEDGE', 'no absorption edge found: the normalized spectrum has no rising edge away from the ends of the scan');
  return { energy: s.energy, norm: s.norm, flat: s.flat ?? s.norm, e0: s.energy[ie0]!, ie0, edgeStep: 1 };
}

/** Median energy step around index i (±5 points), eV. */
function localStep(energy: Float64Array, i: number): number {
  const lo = Math.max(0, i - 5);
  const hi = Math.min(energy.length - 1, i + 5);
  const steps: number[] = [];
  for (let k = lo; k < hi; k++) steps.push(energy[k + 1] - energy[k]);
  steps.sort((a, b) => a - b);
  return steps[steps.length >> 1] ?? 0;
}

/** A second derivative maximum this close in height to the largest makes deriv-fit ambiguous. */
const AMBIGUOUS = 0.8;

const HALF_FAIL: Record<number, string> = {
  1: 'normalized μ is above the level all the way down to the start of the scan',
  2: 'normalized μ never reaches the level above e0',
};

/** Edge positions of a normalized spectrum (see the module comment for the definitions). */
export function edgesOfNormalized(n: NormalizedSpectrum, options: EdgeOptions = {}): EdgeReport {
  const o = checkEdgeOptions(options);
  const want = new Set(o.methods);
  const warnings: string[] = [];
  const step = localStep(n.energy, n.ie0);
  const sigma = Math.max(o.smooth, step);
  if (sigma > o.smooth && (want.has('deriv-fit') || want.has('zero2') || want.has('deriv-main'))) {
    warnings.push(`smoothing width raised from ${o.smooth} eV to the energy step at e0 (${fmt(sigma)} eV)`);
  }
  let mask = 0;
  if (want.has('half')) mask |= EDGE_KERNEL.half;
  if (want.has('deriv-fit') || want.has('zero2')) mask |= EDGE_KERNEL.smooth;
  if (want.has('integral')) mask |= EDGE_KERNEL.integral;
  // the white line may be measured on flat: a second (cheap) call with only that bit
  const wlOnNorm = o.whiteLine !== false && o.whiteLine.space === 'norm';
  if (wlOnNorm) mask |= EDGE_KERNEL.whiteLine;
  const params = {
    mask,
    halfLevel: o.halfLevel,
    sigma,
    searchWidth: o.searchWidth,
    integralLevels: o.integralLevels,
    whiteLineWindow: o.whiteLine ? o.whiteLine.window : 15,
    whiteLineFit: o.whiteLine ? o.whiteLine.fitWidth : 1,
    noise: o.noise,
  };
  const k = xanesEdges(n.energy, n.norm, n.ie0, params);
  const edges: Partial<Record<EdgeMethod, EdgePosition>> = {};
  const errors: Partial<Record<EdgeMethod, string>> = {};
  const se = (v: number) => (Number.isFinite(v) ? v : null);
  if (want.has('deriv')) edges.deriv = { method: 'deriv', energy: n.findE0 ?? n.e0, stderr: null };
  if (want.has('half')) {
    if (k.half.status === 0) edges.half = { method: 'half', energy: k.half.energy, stderr: se(k.half.stderr) };
    else errors.half = `no half-height crossing: ${HALF_FAIL[k.half.status]?.replace('the level', `${o.halfLevel}`) ?? 'not found'}`;
  }
  if (want.has('deriv-fit') || want.has('zero2')) {
    const why = `no maximum of the smoothed derivative (σ = ${fmt(sigma)} eV) within ${o.searchWidth} eV of e0 = ${fmt(n.e0)} eV`;
    if (want.has('deriv-fit')) {
      if (k.fit.status === 0) edges['deriv-fit'] = { method: 'deriv-fit', energy: k.fit.energy, stderr: se(k.fit.stderr), derivative: k.fit.d1 };
      else errors['deriv-fit'] = why;
    }
    if (want.has('zero2')) {
      if (k.zero2.status === 0) edges.zero2 = { method: 'zero2', energy: k.zero2.energy, stderr: se(k.zero2.stderr) };
      else errors.zero2 = k.fit.status === 0 ? 'no zero crossing of the smoothed second derivative next to the derivative maximum' : why;
    }
    if (k.fit.status === 0 && k.fit.runnerUpD1 > AMBIGUOUS * k.fit.d1 && want.has('deriv-fit')) {
      warnings.push(
        `deriv-fit: two maxima of the smoothed derivative of similar height, at ${fmt(k.fit.energy)} eV (taken) and ${fmt(k.fit.runnerUp)} eV (${Math.round((100 * k.fit.runnerUpD1) / k.fit.d1)}%): the edge position may jump between them (a mixture, or a shoulder on the edge); half, integral or --method lcf are steadier`,
      );
    }
  }
  if (want.has('integral')) {
    const [l1, l2] = o.integralLevels;
    if (k.integral.status === 0) edges.integral = { method: 'integral', energy: k.integral.energy, stderr: se(k.integral.stderr), window: [k.integral.e1, k.integral.e2] };
    else if (k.integral.status === 3) errors.integral = `normalized μ never reaches ${l2} above the edge: lower the upper integral level (e.g. --integral-levels ${l1},0.9)`;
    else errors.integral = `no crossing of ${l1} on the rising edge: ${HALF_FAIL[k.integral.status]?.replace('the level', `${l1}`) ?? 'not found'}`;
  }
  if (want.has('half-main') || want.has('deriv-main')) {
    const m = mainEdge(n, o.halfLevel, o.mainLevel, sigma, k.noise);
    if (want.has('half-main')) {
      if (typeof m.half === 'string') errors['half-main'] = m.half;
      else edges['half-main'] = { method: 'half-main', ...m.half };
    }
    if (want.has('deriv-main')) {
      if (typeof m.deriv === 'string') errors['deriv-main'] = m.deriv;
      else {
        edges['deriv-main'] = { method: 'deriv-main', ...m.deriv };
        const c = m.deriv.competitor;
        if (c) {
          warnings.push(
            `deriv-main: two maxima of the smoothed derivative compete on the main rise, at ${fmt(m.deriv.energy)} eV (taken, the first) and ${fmt(c.energy)} eV (${Math.round(100 * c.ratio)}% of its height): the edge may jump between them from scan to scan (±${fmt(m.deriv.definitionSpread!)} eV); half-main is steadier`,
          );
        }
      }
    }
  }
  let whiteLine: WhiteLine | null = null;
  if (o.whiteLine !== false) {
    const w = wlOnNorm ? k.whiteLine : xanesEdges(n.energy, n.flat, n.ie0, { ...params, mask: EDGE_KERNEL.whiteLine, noise: 0 }).whiteLine;
    whiteLine = whiteLineFromKernel(w, o.whiteLine.space);
    if (whiteLine?.truncated) warnings.push('the white line stays above 1 up to the end of the scan: its area is truncated');
  }
  return { e0: n.e0, edgeStep: n.edgeStep, noise: k.noise, edges, errors, whiteLine, smooth: sigma, warnings };
}

/** Normalizes the spectrum (Larch pre_edge) and computes its edge positions and white line. */
export function edgePositions(spectrum: { energy: Float64Array; mu: Float64Array }, options: EdgeOptions = {}): EdgeReport {
  const o = checkEdgeOptions(options);
  const makeFlat = o.whiteLine !== false && o.whiteLine.space === 'flat';
  return edgesOfNormalized(normalizeForEdges(spectrum, { ...o.preEdge, makeFlat }, o.e0), options);
}

/** One method's edge energy (eV) and uncertainty; throws ENOEDGE when the method finds none. */
export function edgeEnergy(spectrum: { energy: Float64Array; mu: Float64Array }, method: EdgeMethod, options: Omit<EdgeOptions, 'methods'> = {}): EdgePosition {
  const r = edgePositions(spectrum, { ...options, methods: [method], whiteLine: false });
  const e = r.edges[method];
  if (!e) throw new XafsError('ENOEDGE', `${method}: ${r.errors[method]}`);
  return e;
}

/** deriv-main: a second maximum at least this fraction of the first's height ... */
export const COMPETE_RATIO = 0.8;
/** ... and within this distance (eV) ... */
export const COMPETE_WIDTH = 10;
/** ... with the derivative between them never below this fraction of the first's height (a shallow valley, which noise can fill so that the first maximum vanishes) competes with it. */
export const VALLEY_RATIO = 0.9;
/** A dip this deep (normalized μ below the feature before it) separates a pre-edge feature from the main rise. */
export const PRE_EDGE_DIP = 0.1;
/** The white line (or the top of the rise) is the highest norm within this many eV above the first crossing of the half level. */
const TOP_WINDOW = 40;

interface MainEdge {
  half: string | { energy: number; stderr: number | null };
  deriv: string | { energy: number; stderr: number | null; derivative: number; definitionSpread: number; competitor?: { energy: number; ratio: number } };
}

/**
 * The main-rise definitions (half-main, deriv-main), see docs/edges.md.
 *
 * top: the highest normalized μ (3-point mean) within TOP_WINDOW eV above the first point that
 * reaches `level` — the white line, or the top of the rise.
 * half-main: the last upward crossing of `level` below top, interpolated linearly; a pre-edge
 * peak that crosses the level and falls back is passed over.
 * deriv-main: the Gaussian-smoothed (σ) dμ/dE sampled every σ/8 eV. The main rise runs from the
 * half-main crossing up to where the derivative turns ≤ 0 (the white-line top) and down to the
 * nearest point where it is ≤ 0 after a feature standing PRE_EDGE_DIP above it (a pre-edge peak
 * and its dip). The edge is the first derivative maximum in that range where norm ≥ `mainLevel`
 * and the derivative is at least 20 % of the range's largest (so that noise wiggles do not
 * count). A later maximum within COMPETE_WIDTH eV reaching COMPETE_RATIO of its height, with the
 * derivative between them staying above VALLEY_RATIO of the first's height, competes (noise can
 * erase the first maximum, and the edge jumps to the second): reported, with half their distance
 * as the definition's own uncertainty.
 */
function mainEdge(n: NormalizedSpectrum, level: number, mainLevel: number, sigma: number, noise: number): MainEdge {
  const { energy: x, norm: y } = n;
  const len = x.length;
  let first = -1;
  for (let i = 0; i < len; i++) {
    if (y[i]! >= level) {
      first = i;
      break;
    }
  }
  if (first <= 0) {
    const why = first === 0 ? `normalized μ is above ${level} from the start of the scan` : `normalized μ never reaches ${level}`;
    return { half: `no main-rise crossing: ${why}`, deriv: `no main rise: ${why}` };
  }
  let top = first;
  let best = -Infinity;
  for (let i = first; i < len && x[i]! <= x[first]! + TOP_WINDOW; i++) {
    const m = (y[Math.max(0, i - 1)]! + y[i]! + y[Math.min(len - 1, i + 1)]!) / 3;
    if (m > best) {
      best = m;
      top = i;
    }
  }
  let j = -1;
  for (let i = Math.min(top, len - 1) - 1; i >= 0; i--) {
    if (y[i]! < level && y[i + 1]! >= level) {
      j = i;
      break;
    }
  }
  if (j < 0) return { half: `no main-rise crossing of ${level} below the white line`, deriv: `no main rise below the white line` };
  const dy = y[j + 1]! - y[j]!;
  const dx = x[j + 1]! - x[j]!;
  const ecross = x[j]! + ((level - y[j]!) * dx) / dy;
  // error propagation as for half (assembly/xanes_edge.ts): ∂E/∂y_j = −h(1−t)/Δy, ∂E/∂y_{j+1} = −h·t/Δy
  const t = (level - y[j]!) / dy;
  const half = { energy: ecross, stderr: Number.isFinite(noise) ? (noise * dx * Math.sqrt((1 - t) * (1 - t) + t * t)) / dy : null };

  // smoothed derivative on a fine grid around the rise
  const lo = Math.max(x[0]!, ecross - TOP_WINDOW);
  const hi = Math.min(x[len - 1]!, x[top]! + 2 * sigma);
  const h = sigma / 8;
  const m = Math.max(3, Math.floor((hi - lo) / h) + 1);
  const g = new Float64Array(m);
  for (let i = 0; i < m; i++) g[i] = lo + i * h;
  const { d1, d2 } = smoothDerivatives(x, y, g, sigma);
  const normAt = (e: number) => {
    let a = 0;
    let b = len - 1;
    while (b - a > 1) {
      const c = (a + b) >> 1;
      if (x[c]! <= e) a = c;
      else b = c;
    }
    return y[a]! + ((e - x[a]!) * (y[b]! - y[a]!)) / (x[b]! - x[a]!);
  };
  const ic = Math.min(m - 1, Math.max(0, Math.round((ecross - lo) / h)));
  let ihi = ic;
  while (ihi < m - 1 && d1[ihi]! > 0) ihi++;
  let ilo = ic;
  for (let i = ic; i >= 0; i--) {
    ilo = i;
    if (d1[i]! <= 0) {
      // is there a feature below standing PRE_EDGE_DIP above this point?
      const here = normAt(g[i]!);
      let peak = -Infinity;
      for (let k = i - 1; k >= 0 && g[k]! >= g[i]! - 15; k--) peak = Math.max(peak, normAt(g[k]!));
      if (peak - here >= PRE_EDGE_DIP) break;
    }
  }
  const maxima: { energy: number; d1: number; norm: number }[] = [];
  for (let i = Math.max(ilo, 1); i < ihi; i++) {
    if (d2[i - 1]! > 0 && d2[i]! <= 0) {
      const t = d2[i - 1]! / (d2[i - 1]! - d2[i]!);
      const e = g[i - 1]! + t * h;
      maxima.push({ energy: e, d1: d1[i - 1]! + t * (d1[i]! - d1[i - 1]!), norm: normAt(e) });
    }
  }
  const largest = Math.max(0, ...maxima.map((q) => q.d1));
  const cands = maxima.filter((q) => q.norm >= mainLevel && q.d1 >= 0.2 * largest);
  if (cands.length === 0) return { half, deriv: `no maximum of the smoothed derivative (σ = ${fmt(sigma)} eV) on the main rise where normalized μ ≥ ${mainLevel}` };
  const pick = cands[0]!;
  // the lowest smoothed derivative between the first maximum and a later one
  const valley = (q: { energy: number }) => {
    let v = Infinity;
    for (let i = 0; i < m; i++) if (g[i]! > pick.energy && g[i]! < q.energy) v = Math.min(v, d1[i]!);
    return v;
  };
  const rival = cands.slice(1).find((q) => q.energy - pick.energy <= COMPETE_WIDTH && q.d1 >= COMPETE_RATIO * pick.d1 && valley(q) >= VALLEY_RATIO * pick.d1);
  // noise σ of the smoothed derivative's zero: noise/(σ^1.5·|d³μ|) is the deriv-fit estimate; here
  // the curvature is not refined, so the error bar is left to the kernel-backed methods
  const deriv = {
    energy: pick.energy,
    stderr: null,
    derivative: pick.d1,
    definitionSpread: rival ? (rival.energy - pick.energy) / 2 : 0,
    ...(rival ? { competitor: { energy: rival.energy, ratio: rival.d1 / pick.d1 } } : {}),
  };
  return { half, deriv };
}

function fmt(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}
