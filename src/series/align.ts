/**
 * Energy calibration and alignment. A shift is always computed and recorded first, and applied
 * only by an explicit `shiftEnergy` call: nothing here rewrites an energy array silently.
 *
 * - `alignToStandard`: Larch's EnergyCalibrateDialog fit (docs/conventions.md §8): the shift s and
 *   scale a so that a·dμ/dE of the spectrum at E + s matches the standard's dμ/dE over
 *   [e0_std − 15, e0_std + 35] eV (cubic interpolation). Used on a sample's own μ (alignment) or
 *   on a reference channel measured with it (calibration: e.g. a foil in `iref`).
 * - `calibrateEdge`: the shift that puts the spectrum's edge at a given energy (`--e0 8979`).
 * - `shiftEnergy`: applies a shift, returning a new energy array.
 */
import { XafsError } from '../errors.js';
import { alignKernel, deriv, edgeSpline, findE0Index, removeDups } from '../wasm.js';
import { indexOf } from '../xafs/util.js';

export interface XY {
  energy: Float64Array;
  mu: Float64Array;
  /** Where it came from (used in messages). */
  source?: string;
}

export interface AlignOptions {
  /** Fit window start, eV relative to the standard's e0. @default -15 (Larch's dialog) */
  emin?: number;
  /** Fit window end, eV relative to the standard's e0. @default 35 (Larch's dialog) */
  emax?: number;
  /** The standard's e0, eV: the centre of the fit window. @default Larch find_e0 of the standard */
  standardE0?: number;
  /** Largest |shift| searched, eV. @default 50 (Larch's bounds) */
  maxShift?: number;
  /** Upper bound of the derivative scale (lower bound 0). @default 50 (Larch's bounds) */
  maxScale?: number;
}

export interface AlignResult {
  /** Shift to add to the spectrum's energies, eV. */
  eshift: number;
  /** Its standard error (lmfit convention: from the Jacobian, scaled by χ²/(N − 2)), eV. */
  eshiftStderr: number;
  /** Scale of the spectrum's dμ/dE onto the standard's. */
  scale: number;
  scaleStderr: number;
  /** The standard's e0, eV. */
  standardE0: number;
  /** The spectrum's e0 before the shift (Larch find_e0, a grid point), eV. */
  e0: number;
  /** e0 + eshift, eV. */
  e0Aligned: number;
  /** Larch's starting value standardE0 − e0 (reported; the search is global), eV. */
  start: number;
  /** Fit window on the standard's grid: first and last energy used, eV. */
  window: [number, number];
  /** Points in the fit window. */
  npts: number;
  /** Σ residual² and its root mean square (dμ/dE units). */
  chiSquare: number;
  rms: number;
  /** The shifts searched, eV: ±maxShift, narrowed so the window stays inside the spectrum's data. */
  searched: [number, number];
  /** Things the user should know (shift at the edge of the search range, scale at a bound). */
  warnings: string[];
}

const FIT_EMIN = -15;
const FIT_EMAX = 35;
const MAX_SHIFT = 50;
const MAX_SCALE = 50;
/** Scan step of the global search, eV (derivative features are ≥ 0.5 eV wide); refined to 1e-9 eV. */
const SCAN_STEP = 0.05;

const fmt = (x: number, d = 2) => x.toFixed(d);
const signed = (x: number, d = 3) => (x >= 0 ? '+' : '') + x.toFixed(d);
const name = (s: XY, fallback: string) => s.source ?? fallback;

/** Strictly increasing energies (Larch remove_dups) and dμ/dE as Larch computes it (gradient ratio). */
function derivative(s: XY): { energy: Float64Array; dmude: Float64Array } {
  const energy = removeDups(s.energy);
  return { energy, dmude: deriv(energy, s.mu) };
}

/** Larch find_e0 on a spectrum, or ENOEDGE naming it. */
export function edgeIndex(s: XY, what: string): { energy: Float64Array; index: number } {
  const energy = removeDups(s.energy);
  const index = findE0Index(energy, s.mu);
  if (index === 0) {
    throw new XafsError('ENOEDGE', `${what}: no absorption edge found (μ(E) has no rising edge away from the ends of the scan); check the μ expression`);
  }
  return { energy, index };
}

/**
 * Fits the shift that aligns `spectrum`'s dμ/dE with `standard`'s (see the module comment). The
 * search is global over the allowed shifts (a 0.05 eV scan, then golden-section refinement), so
 * it does not depend on Larch's starting value; shifts for which the window would leave the
 * spectrum's data are not considered (no extrapolation).
 */
export function alignToStandard(spectrum: XY, standard: XY, options: AlignOptions = {}): AlignResult {
  const emin = options.emin ?? FIT_EMIN;
  const emax = options.emax ?? FIT_EMAX;
  const maxShift = options.maxShift ?? MAX_SHIFT;
  const maxScale = options.maxScale ?? MAX_SCALE;
  const sName = name(spectrum, 'the spectrum');
  const tName = name(standard, 'the standard');
  if (!(emax > emin)) throw new XafsError('EOPTION', `alignment window: emin (${emin} eV) must be below emax (${emax} eV)`);
  if (!(maxShift > 0)) throw new XafsError('EOPTION', `maximum shift must be positive, got ${maxShift} eV`);

  const std = derivative(standard);
  const standardE0 = options.standardE0 ?? (() => {
    const e = edgeIndex(standard, tName);
    return e.energy[e.index]!;
  })();
  const ns = std.energy.length;
  const i1 = indexOf(std.energy, standardE0 + emin);
  const i2 = indexOf(std.energy, standardE0 + emax);
  if (i2 - i1 < 5) {
    throw new XafsError(
      'ERANGE',
      `${tName}: only ${Math.max(0, i2 - i1)} points between e0${signed(emin, 0)} and e0${signed(emax, 0)} eV (e0 = ${fmt(standardE0)} eV, data ${fmt(std.energy[0]!)}–${fmt(std.energy[ns - 1]!)} eV); the standard must cover its edge`,
    );
  }
  const xs = std.energy.slice(i1, i2);
  const ds = std.dmude.slice(i1, i2);

  const sp = derivative(spectrum);
  const nd = sp.energy.length;
  const e0Idx = edgeIndex(spectrum, sName);
  const e0 = e0Idx.energy[e0Idx.index]!;
  // the window's points xs − s must lie inside the spectrum's data
  const lo = Math.max(-maxShift, xs[xs.length - 1]! - sp.energy[nd - 1]!);
  const hi = Math.min(maxShift, xs[0]! - sp.energy[0]!);
  if (!(hi >= lo)) {
    throw new XafsError(
      'ERANGE',
      `${sName} (${fmt(sp.energy[0]!)}–${fmt(sp.energy[nd - 1]!)} eV) does not overlap the fit window of ${tName} (${fmt(xs[0]!)}–${fmt(xs[xs.length - 1]!)} eV, e0 ${fmt(standardE0)} eV) for any shift within ±${maxShift} eV; align to a standard of the same edge, or pass a larger --max-shift`,
    );
  }
  const fit = alignKernel(sp.energy, sp.dmude, xs, ds, lo, hi, SCAN_STEP, maxScale);
  const warnings: string[] = [];
  const tol = 1e-6;
  if ((fit.shift - lo < tol && lo > -maxShift) || (hi - fit.shift < tol && hi < maxShift)) {
    warnings.push(`${sName}: the best shift (${signed(fit.shift)} eV) lies where the fit window reaches the end of the data; check that the spectrum and ${tName} show the same edge`);
  } else if (maxShift - Math.abs(fit.shift) < tol) {
    warnings.push(`${sName}: the best shift (${signed(fit.shift)} eV) is at the search limit ±${maxShift} eV; check the standard, or pass a larger --max-shift`);
  }
  if (fit.scale <= 0) warnings.push(`${sName}: the derivative scale fell to 0: the spectrum's dμ/dE does not resemble ${tName}'s in the fit window`);
  else if (fit.scale >= maxScale) warnings.push(`${sName}: the derivative scale reached its upper bound ${maxScale}`);
  return {
    eshift: fit.shift,
    eshiftStderr: fit.shiftStderr,
    scale: fit.scale,
    scaleStderr: fit.scaleStderr,
    standardE0,
    e0,
    e0Aligned: e0 + fit.shift,
    start: standardE0 - e0,
    window: [xs[0]!, xs[xs.length - 1]!],
    npts: fit.npts,
    chiSquare: fit.chiSquare,
    rms: Math.sqrt(fit.chiSquare / fit.npts),
    searched: [lo, hi],
    warnings,
  };
}

export type EdgeMethod = 'spline' | 'deriv';

export interface CalibrateOptions {
  /**
   * How the spectrum's edge is located: 'spline' (the steepest point of the cubic spline through
   * μ(E) within two grid points of find_e0's: sub-grid) or 'deriv' (Larch find_e0: the grid point
   * of the largest derivative, as Athena shows it). @default 'spline'
   */
  edge?: EdgeMethod;
}

export interface CalibrateResult {
  /** Shift to add to the spectrum's energies, eV. */
  eshift: number;
  /** The edge as found, eV. */
  edge: number;
  /** The energy it should sit at, eV. */
  target: number;
  method: EdgeMethod;
}

/** The shift that puts the spectrum's edge at `target` eV (e.g. 8979 for a Cu foil). */
export function calibrateEdge(spectrum: XY, target: number, options: CalibrateOptions = {}): CalibrateResult {
  const method = options.edge ?? 'spline';
  if (!Number.isFinite(target)) throw new XafsError('EOPTION', `calibration energy must be a number, got ${target}`);
  const e = edgeIndex(spectrum, name(spectrum, 'the spectrum'));
  const edge = method === 'deriv' ? e.energy[e.index]! : edgeSpline(e.energy, spectrum.mu, e.index, 2);
  return { eshift: target - edge, edge, target, method };
}

export interface ShiftResult {
  /** energy + eshift (a new array), eV. */
  energy: Float64Array;
  mu: Float64Array;
  eshift: number;
}

/** Applies an energy shift: returns new arrays (energy + eshift, μ unchanged). */
export function shiftEnergy(spectrum: XY, eshift: number): ShiftResult {
  if (!Number.isFinite(eshift)) throw new XafsError('EOPTION', `energy shift must be a number, got ${eshift}`);
  return { energy: spectrum.energy.map((e) => e + eshift), mu: spectrum.mu.slice(), eshift };
}

/** Transmission ion-chamber names (a reference foil sits between it and iref). */
const IT_NAME = /^(?:it|itrans|i_t|i1|itr|trans|transmission)(?:_\d+)?$/;
const MU_LIKE = /mu/;

/**
 * The μ expression of a reference channel: a μ-like column as is (`murefer`), an ion chamber
 * column `iref` as ln(IT/iref) with IT the transmission chamber (`it`, `itrans`, `i1`), or an
 * expression as given (`ln(i1/i2)`).
 */
export function referenceChannelExpression(labels: string[], channel: string, source: string): { expression: string; label: string } {
  const c = channel.trim();
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(c) && labels.includes(c.toLowerCase())) {
    const col = c.toLowerCase();
    if (MU_LIKE.test(col)) return { expression: col, label: col };
    const it = labels.find((l) => l !== col && IT_NAME.test(l));
    if (!it) {
      throw new XafsError(
        'ECOLUMN',
        `${source}: --ref-channel ${c}: μ_ref = ln(IT/${col}) needs the transmission chamber column (it, itrans or i1), and there is none; the columns are: ${labels.join(', ')}; pass the expression, e.g. --ref-channel 'ln(i1/${col})'`,
      );
    }
    return { expression: `ln(${it}/${col})`, label: col };
  }
  return { expression: c, label: c };
}
