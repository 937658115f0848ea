/**
 * Oxidation states from XANES: a calibration of valence against edge position on references of
 * known valence, or a linear combination of the references (LCF) whose fractions weight their
 * valences.
 *
 * Calibration (`calibrate`): ordinary least squares of valence on edge energy, a line (or a
 * quadratic), in the centred variable t = E − center (center = mean reference edge) for a
 * well-conditioned fit; slope and intercept are reported in absolute eV as papers quote them.
 * Coefficient errors: with more references than coefficients, from the residual variance
 * s² = RSS/(n − p): Cov = s²(XᵀX)⁻¹. With exactly as many (two references for a line) the curve
 * passes through every point: the residuals say nothing, so the covariance comes from the
 * references' own edge uncertainties when the method gives them (each edge error σ_i acts as a
 * valence error slope_i·σ_i: Cov = X⁻¹ diag(slope_i²σ_i²) X⁻ᵀ), and is null otherwise.
 *
 * A sample's valence v(E) carries var(v) = gᵀ Cov g + (dv/dE)² σ_E², g = (1, t, t²): the
 * calibration's uncertainty plus the sample edge's own (noise) uncertainty.
 *
 * LCF (`lcfValence`): the sample's normalized μ over [e0 + emin, e0 + emax] (sample e0 = Larch
 * find_e0) is fitted by Σ f_i·norm_i (references interpolated with the not-a-knot cubic spline,
 * Larch interp kind='cubic') with f_i ≥ 0 and Σ f_i = 1, exactly: every face of the simplex is
 * solved in closed form and the best feasible one is kept (a convex problem, so that is the
 * global minimum). Valence = Σ f_i v_i; its error from the fractions' covariance
 * s²(DᵀD)⁻¹ (D: references minus the last active one, s² = RSS/(npts − nfree)). This is a local
 * helper: the general LCF (space, shifts, combinatorics) lives in src/xanes/lcf.ts.
 */
import { XafsError } from '../errors.js';
import { splineInterp } from '../wasm.js';
import { checkEdgeOptions, EDGE_METHODS, edgesOfNormalized, normalizeForEdges, type EdgeMethod, type EdgeOptions, type NormalizedSpectrum } from './edge.js';

export type ValenceMethod = EdgeMethod | 'lcf';
export const VALENCE_METHODS: readonly ValenceMethod[] = [...EDGE_METHODS, 'lcf'];
export type CalibrationForm = 'linear' | 'quadratic';
/** The edge definition a valence calibration uses unless told: the steadiest on the fixtures (docs/edges.md). */
export const DEFAULT_VALENCE_METHOD: ValenceMethod = 'half-main';
/** References of one valence whose edges differ by more than this (valence units, ΔE·slope) are flagged as disagreeing. */
export const REPLICATE_TOLERANCE = 0.25;

export interface CalibrationPoint {
  /** Edge energy, eV. */
  edge: number;
  valence: number;
  /** One-σ uncertainty of the edge (eV), when the method gives one. */
  edgeStderr?: number | null;
  /** Name used in messages. */
  source?: string;
}

export interface CalibrationLimits {
  /** Warn above this rms residual (valence units). @default 0.1 */
  maxRms?: number;
  /** Warn below this R². @default 0.98 */
  minR2?: number;
}

export interface Calibration {
  form: CalibrationForm;
  /** valence = quadratic·E² + slope·E + intercept, E in eV (absolute). */
  slope: number;
  intercept: number;
  /** Coefficient of E² (quadratic form), else null. */
  quadratic: number | null;
  slopeStderr: number | null;
  interceptStderr: number | null;
  quadraticStderr: number | null;
  /** Root-mean-square residual of the references (valence units). */
  rms: number;
  /** Coefficient of determination; null when the references carry one valence or the curve is exact. */
  r2: number | null;
  /** Number of references and degrees of freedom (n − coefficients). */
  n: number;
  dof: number;
  /** True when the curve passes exactly through the references (n = coefficients). */
  exact: boolean;
  /** Centre of the fit variable t = E − center (eV): the mean reference edge. */
  center: number;
  /** valence = Σ coefficients[k]·(E − center)^k. */
  coefficients: number[];
  /** Covariance of `coefficients`; null when nothing measures it (exact curve, no edge errors). */
  covariance: number[][] | null;
  /** What the covariance comes from. */
  covarianceFrom: 'residuals' | 'edge-uncertainty' | null;
  /** Lowest and highest reference edge (eV) and valence. */
  edgeRange: [number, number];
  valenceRange: [number, number];
  warnings: string[];
}

const fmt = (x: number, d = 3) => String(Number(x.toFixed(d)));

/** Solves the symmetric positive definite system A x = b (A row-major k×k) and returns A⁻¹ too; null when singular. */
function spdSolve(A: number[][], b: number[]): { x: number[]; inv: number[][] } | null {
  const k = b.length;
  // Cholesky A = L Lᵀ; relative pivot test catches collinear columns
  const L = A.map(() => new Array<number>(k).fill(0));
  const scale = Math.max(...A.map((r, i) => Math.abs(r[i]!)), 0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i]![j]!;
      for (let m = 0; m < j; m++) s -= L[i]![m]! * L[j]![m]!;
      if (i === j) {
        if (!(s > 1e-12 * scale)) return null;
        L[i]![i] = Math.sqrt(s);
      } else L[i]![j] = s / L[j]![j]!;
    }
  }
  const solve = (rhs: number[]) => {
    const y = new Array<number>(k).fill(0);
    for (let i = 0; i < k; i++) {
      let s = rhs[i]!;
      for (let m = 0; m < i; m++) s -= L[i]![m]! * y[m]!;
      y[i] = s / L[i]![i]!;
    }
    const x = new Array<number>(k).fill(0);
    for (let i = k - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let m = i + 1; m < k; m++) s -= L[m]![i]! * x[m]!;
      x[i] = s / L[i]![i]!;
    }
    return x;
  };
  const inv = Array.from({ length: k }, (_, j) => solve(Array.from({ length: k }, (_, i) => (i === j ? 1 : 0))));
  return { x: solve(b), inv };
}

/** Least-squares calibration of valence against edge energy (see the module comment). */
export function calibrate(points: CalibrationPoint[], form: CalibrationForm = 'linear', limits: CalibrationLimits = {}): Calibration {
  if (form !== 'linear' && form !== 'quadratic') throw new XafsError('EOPTION', `unknown calibration form '${form}': use linear or quadratic`);
  const p = form === 'linear' ? 2 : 3;
  const n = points.length;
  const name = (q: CalibrationPoint, i: number) => q.source ?? `reference ${i + 1}`;
  if (n < 2) throw new XafsError('ETOOFEW', `a valence calibration needs at least two references of different valence (--ref FILE=VALENCE), got ${n}`);
  for (const [i, q] of points.entries()) {
    if (!Number.isFinite(q.edge) || !Number.isFinite(q.valence)) throw new XafsError('EOPTION', `${name(q, i)}: edge ${q.edge} eV and valence ${q.valence} must be finite numbers`);
  }
  const valences = [...new Set(points.map((q) => q.valence))];
  if (valences.length < 2) {
    throw new XafsError('ETOOFEW', `every reference has valence ${valences[0]}: a calibration needs references of at least two different valences`);
  }
  // references that share an edge energy but not a valence cannot be told apart by this method:
  // refused when too few distinct edges remain to fix the curve, else fitted (least squares, as
  // Larch fits the line) with a warning
  const shared: string[] = [];
  const distinctEdges = new Set(points.map((q) => q.edge)).size;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = points[i]!;
      const b = points[j]!;
      if (a.edge === b.edge && a.valence !== b.valence) {
        if (distinctEdges < p) {
          throw new XafsError('EOPTION', `${name(a, i)} (valence ${a.valence}) and ${name(b, j)} (valence ${b.valence}) have the same edge energy, ${a.edge} eV: this edge definition cannot tell them apart; use another --method (deriv-fit, half, half-main, integral or lcf)`);
        }
        shared.push(`${name(a, i)} (valence ${a.valence}) and ${name(b, j)} (valence ${b.valence}) have the same edge energy, ${a.edge} eV (a grid point of this definition): fitted by least squares, but this definition cannot tell them apart`);
      }
    }
  }
  if (distinctEdges < p) {
    throw new XafsError('ETOOFEW', `a ${form} calibration needs at least ${p} references with different edge energies, got ${distinctEdges}`);
  }
  const center = points.reduce((s, q) => s + q.edge, 0) / n;
  const ts = points.map((q) => q.edge - center);
  // scale t to O(1) for the normal equations, then undo
  const sc = Math.max(...ts.map(Math.abs)) || 1;
  const row = (t: number) => Array.from({ length: p }, (_, k) => (t / sc) ** k);
  const X = ts.map(row);
  const XtX = Array.from({ length: p }, (_, a) => Array.from({ length: p }, (_, b) => X.reduce((s, r) => s + r[a]! * r[b]!, 0)));
  const Xty = Array.from({ length: p }, (_, a) => X.reduce((s, r, i) => s + r[a]! * points[i]!.valence, 0));
  const sol = spdSolve(XtX, Xty);
  if (!sol) throw new XafsError('EOPTION', `the references' edge energies do not determine a ${form} calibration (too close together)`);
  const unscale = (k: number) => 1 / sc ** k;
  const coefficients = sol.x.map((c, k) => c * unscale(k));
  const fitted = ts.map((t) => coefficients.reduce((s, c, k) => s + c * t ** k, 0));
  const resid = points.map((q, i) => q.valence - fitted[i]!);
  const rss = resid.reduce((s, r) => s + r * r, 0);
  const rms = Math.sqrt(rss / n);
  const dof = n - p;
  const exact = dof === 0;
  const meanV = points.reduce((s, q) => s + q.valence, 0) / n;
  const tss = points.reduce((s, q) => s + (q.valence - meanV) ** 2, 0);
  const r2 = exact || tss === 0 ? null : 1 - rss / tss;

  let covariance: number[][] | null = null;
  let covarianceFrom: Calibration['covarianceFrom'] = null;
  if (!exact) {
    const s2 = rss / dof;
    covariance = sol.inv.map((r, a) => r.map((v, b) => s2 * v * unscale(a) * unscale(b)));
    covarianceFrom = 'residuals';
  } else if (points.every((q) => q.edgeStderr != null && Number.isFinite(q.edgeStderr))) {
    // exact: Cov = (XᵀX)⁻¹ Xᵀ W X (XᵀX)⁻¹ with W = diag((dv/dE at E_i · σ_i)²)
    const w = ts.map((t, i) => {
      let d = 0;
      for (let k = 1; k < p; k++) d += k * coefficients[k]! * t ** (k - 1);
      return (d * points[i]!.edgeStderr!) ** 2;
    });
    const A = sol.inv.map((r) => X.map((xr) => r.reduce((s, v, b) => s + v * xr[b]!, 0))); // (XᵀX)⁻¹Xᵀ, p×n
    covariance = Array.from({ length: p }, (_, a) => Array.from({ length: p }, (_, b) => A[a]!.reduce((s, v, i) => s + v * w[i]! * A[b]![i]!, 0) * unscale(a) * unscale(b)));
    covarianceFrom = 'edge-uncertainty';
  }

  // absolute-energy coefficients: v = Σ c_k (E − center)^k expanded in powers of E
  const c = coefficients;
  const abs =
    p === 2
      ? { c0: c[0]! - c[1]! * center, c1: c[1]!, c2: null }
      : { c0: c[0]! - c[1]! * center + c[2]! * center * center, c1: c[1]! - 2 * c[2]! * center, c2: c[2]! };
  let slopeStderr: number | null = null;
  let interceptStderr: number | null = null;
  let quadraticStderr: number | null = null;
  if (covariance) {
    // Jacobian of (c0, c1[, c2]) absolute with respect to the centred coefficients
    const J = p === 2 ? [[1, -center], [0, 1]] : [[1, -center, center * center], [0, 1, -2 * center], [0, 0, 1]];
    const varOf = (rowJ: number[]) => rowJ.reduce((s, ja, a) => s + rowJ.reduce((t, jb, b) => t + ja * covariance![a]![b]! * jb, 0), 0);
    interceptStderr = Math.sqrt(Math.max(0, varOf(J[0]!)));
    slopeStderr = Math.sqrt(Math.max(0, varOf(J[1]!)));
    if (p === 3) quadraticStderr = Math.sqrt(Math.max(0, varOf(J[2]!)));
  }

  const warnings: string[] = [...shared];
  const maxRms = limits.maxRms ?? 0.1;
  const minR2 = limits.minR2 ?? 0.98;
  if (exact) {
    warnings.push(
      `${n} references for a ${form} calibration: the curve passes exactly through them, so their scatter cannot be judged` +
        (covariance ? '; the coefficient errors come from the references\' edge uncertainties only' : ' and the coefficients carry no error'),
    );
  } else {
    if (rms > maxRms) warnings.push(`poor calibration: the references scatter by ${fmt(rms)} (rms) about the ${form} curve, more than ${maxRms}`);
    if (r2 !== null && r2 < minR2) warnings.push(`poor calibration: R² = ${fmt(r2, 4)} is below ${minR2}`);
  }
  const dvdE = (t: number) => (p === 2 ? c[1]! : c[1]! + 2 * c[2]! * t);
  if (ts.some((t) => dvdE(t) <= 0)) {
    warnings.push('the valence does not increase with the edge energy across the references: check the valences given with --ref');
  }
  const edges = points.map((q) => q.edge);
  return {
    form,
    slope: abs.c1,
    intercept: abs.c0,
    quadratic: abs.c2,
    slopeStderr,
    interceptStderr,
    quadraticStderr,
    rms,
    r2,
    n,
    dof,
    exact,
    center,
    coefficients,
    covariance,
    covarianceFrom,
    edgeRange: [Math.min(...edges), Math.max(...edges)],
    valenceRange: [Math.min(...valences), Math.max(...valences)],
    warnings,
  };
}

export interface ValenceEstimate {
  valence: number;
  /** One σ: calibration covariance plus the edge's own uncertainty; null when neither is known. */
  valenceStderr: number | null;
  warnings: string[];
}

/** A sample's valence from its edge energy (eV) and that edge's uncertainty (eV). */
export function applyCalibration(cal: Calibration, edge: number, edgeStderr: number | null = null): ValenceEstimate {
  const t = edge - cal.center;
  const c = cal.coefficients;
  const valence = c.reduce((s, ck, k) => s + ck * t ** k, 0);
  const dvdE = c.length === 2 ? c[1]! : c[1]! + 2 * c[2]! * t;
  let variance: number | null = null;
  if (cal.covariance) {
    const g = c.map((_, k) => t ** k);
    variance = g.reduce((s, ga, a) => s + g.reduce((u, gb, b) => u + ga * cal.covariance![a]![b]! * gb, 0), 0);
  }
  if (edgeStderr !== null && Number.isFinite(edgeStderr)) variance = (variance ?? 0) + (dvdE * edgeStderr) ** 2;
  const warnings: string[] = [];
  const [lo, hi] = cal.edgeRange;
  const tol = edgeStderr !== null && Number.isFinite(edgeStderr) ? edgeStderr : 0;
  if (edge < lo - tol || edge > hi + tol) {
    const by = edge < lo ? lo - edge : edge - hi;
    warnings.push(`edge ${fmt(edge)} eV lies ${fmt(by)} eV outside the references' edges (${fmt(lo)}–${fmt(hi)} eV): the valence is extrapolated`);
  }
  return { valence, valenceStderr: variance === null ? null : Math.sqrt(Math.max(0, variance)), warnings };
}

// ---- LCF ------------------------------------------------------------------------------------

export interface LcfReference {
  name: string;
  valence: number;
  /** Normalized reference on its own grid (eV, ascending). */
  energy: Float64Array;
  norm: Float64Array;
}

export interface LcfValenceOptions {
  /** Fit range start, eV relative to the sample's e0. @default -20 */
  emin?: number;
  /** Fit range end, eV relative to the sample's e0. @default 60 */
  emax?: number;
  /** Warn when the R-factor Σr²/Σy² exceeds this. @default 0.01 */
  maxRfactor?: number;
}

export interface LcfValence extends ValenceEstimate {
  fractions: { name: string; valence: number; value: number; stderr: number }[];
  /** Σ(data − fit)²/Σ data² over the fit range (Larch's LCF R-factor). */
  rfactor: number;
  /** Σ(data − fit)²/(npts − free fractions). */
  chi2Reduced: number;
  npts: number;
  /** Fit range, eV (absolute). */
  range: [number, number];
}

/** References interpolated on one sample grid, reused while samples share that grid (a series). */
interface GridCache {
  energy: Float64Array;
  lo: number;
  hi: number;
  cols: Float64Array[];
}

function sameGrid(a: Float64Array, b: Float64Array, lo: number, hi: number): boolean {
  if (a.length !== b.length) return false;
  for (let i = lo; i < hi; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Creates an LCF valence fitter for a set of references (cached interpolation per sample grid). */
export function lcfValenceFitter(refs: LcfReference[], options: LcfValenceOptions = {}): (sample: NormalizedSpectrum, label?: string) => LcfValence {
  const emin = options.emin ?? -20;
  const emax = options.emax ?? 60;
  const maxR = options.maxRfactor ?? 0.01;
  if (!(Number.isFinite(emin) && Number.isFinite(emax) && emin < emax)) throw new XafsError('EOPTION', `the LCF range needs emin < emax (eV from e0), got ${emin} and ${emax}`);
  if (refs.length < 2) throw new XafsError('ETOOFEW', `valence by LCF needs at least two references (--ref FILE=VALENCE), got ${refs.length}`);
  if (refs.length > 12) throw new XafsError('EOPTION', `valence by LCF takes at most 12 references, got ${refs.length}`);
  const k = refs.length;
  let cache: GridCache | undefined;

  return (sample: NormalizedSpectrum, label = 'sample'): LcfValence => {
    const { energy, norm, e0 } = sample;
    const elo = e0 + emin;
    const ehi = e0 + emax;
    let lo = 0;
    while (lo < energy.length && energy[lo]! < elo) lo++;
    let hi = lo;
    while (hi < energy.length && energy[hi]! <= ehi) hi++;
    const npts = hi - lo;
    if (npts < k + 2) throw new XafsError('ERANGE', `${label}: only ${npts} points between ${fmt(elo)} and ${fmt(ehi)} eV (e0 ${emin} to ${emax} eV): widen --emin/--emax`);
    const first = energy[lo]!;
    const last = energy[hi - 1]!;
    for (const r of refs) {
      if (r.energy[0]! > first || r.energy[r.energy.length - 1]! < last) {
        throw new XafsError('ERANGE', `${label}: reference ${r.name} covers ${fmt(r.energy[0]!)}–${fmt(r.energy[r.energy.length - 1]!)} eV, not the fit range ${fmt(first)}–${fmt(last)} eV; narrow --emin/--emax`);
      }
    }
    if (!cache || cache.lo !== lo || cache.hi !== hi || !sameGrid(cache.energy, energy, lo, hi)) {
      const x = energy.subarray(lo, hi);
      cache = { energy, lo, hi, cols: refs.map((r) => splineInterp(r.energy, r.norm, x).slice()) };
    }
    const R = cache.cols;
    const y = norm.subarray(lo, hi);
    let yy = 0;
    for (let i = 0; i < npts; i++) yy += y[i]! * y[i]!;

    // every face of the simplex: S (bitmask) with its last member eliminated by Σf = 1
    let best: { rss: number; f: number[]; S: number[]; inv: number[][] | null } | undefined;
    let fullSingular = false;
    for (let mask = 1; mask < 1 << k; mask++) {
      const S = [...Array(k).keys()].filter((i) => mask & (1 << i));
      const lastI = S[S.length - 1]!;
      const free = S.slice(0, -1);
      const rl = R[lastI]!;
      let f: number[] = [];
      let inv: number[][] | null = null;
      if (free.length > 0) {
        const D = free.map((i) => {
          const ri = R[i]!;
          const d = new Float64Array(npts);
          for (let m = 0; m < npts; m++) d[m] = ri[m]! - rl[m]!;
          return d;
        });
        const DtD = D.map((a) => D.map((b) => dot(a, b, npts)));
        const Dtb = D.map((a) => {
          let s = 0;
          for (let m = 0; m < npts; m++) s += a[m]! * (y[m]! - rl[m]!);
          return s;
        });
        const sol = spdSolve(DtD, Dtb);
        if (!sol) {
          if (mask === (1 << k) - 1) fullSingular = true;
          continue;
        }
        f = sol.x;
        inv = sol.inv;
        if (f.some((v) => v < -1e-12) || 1 - f.reduce((s, v) => s + v, 0) < -1e-12) continue;
      }
      const fl = 1 - f.reduce((s, v) => s + v, 0);
      let rss = 0;
      for (let m = 0; m < npts; m++) {
        let model = fl * rl[m]!;
        for (let j = 0; j < free.length; j++) model += f[j]! * R[free[j]!]![m]!;
        rss += (y[m]! - model) ** 2;
      }
      if (!best || rss < best.rss) best = { rss, f: [...f, fl], S, inv };
    }
    if (fullSingular) {
      throw new XafsError('EOPTION', `the references ${refs.map((r) => r.name).join(', ')} are linearly dependent over the fit range (${fmt(first)}–${fmt(last)} eV): drop the duplicate reference`);
    }
    const b = best!;
    const nfree = b.S.length - 1;
    const dofs = Math.max(1, npts - nfree);
    const s2 = b.rss / dofs;
    const lastI = b.S[b.S.length - 1]!;
    const fractions = refs.map((r) => ({ name: r.name, valence: r.valence, value: 0, stderr: 0 }));
    b.S.forEach((i, j) => (fractions[i]!.value = Math.max(0, b.f[j]!)));
    let vVar = 0;
    if (b.inv && nfree > 0) {
      const C = b.inv.map((row) => row.map((v) => v * s2));
      b.S.slice(0, -1).forEach((i, j) => (fractions[i]!.stderr = Math.sqrt(Math.max(0, C[j]![j]!))));
      fractions[lastI]!.stderr = Math.sqrt(Math.max(0, C.reduce((s, row) => s + row.reduce((u, v) => u + v, 0), 0)));
      const d = b.S.slice(0, -1).map((i) => refs[i]!.valence - refs[lastI]!.valence);
      vVar = d.reduce((s, da, a) => s + d.reduce((u, db, bb) => u + da * C[a]![bb]! * db, 0), 0);
    }
    const valence = fractions.reduce((s, q) => s + q.value * q.valence, 0);
    const warnings: string[] = [];
    const rfactor = yy > 0 ? b.rss / yy : NaN;
    if (rfactor > maxR) warnings.push(`the references reproduce the sample poorly (R-factor ${rfactor.toExponential(2)} > ${maxR}): the sample holds something the references lack, or lies outside them`);
    const vs = refs.map((r) => r.valence);
    const [vmin, vmax] = [Math.min(...vs), Math.max(...vs)];
    if (nfree < k - 1 && (Math.abs(valence - vmin) < 1e-9 || Math.abs(valence - vmax) < 1e-9)) {
      warnings.push(`the fit gives all weight to the reference(s) of valence ${fmt(valence)}, the end of the references' range: the sample may lie outside it (extrapolation is impossible by LCF)`);
    }
    return {
      valence,
      valenceStderr: Math.sqrt(Math.max(0, vVar)),
      warnings,
      fractions,
      rfactor,
      chi2Reduced: b.rss / dofs,
      npts,
      range: [first, last],
    };
  };
}

function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

// ---- the whole procedure --------------------------------------------------------------------

export interface ValenceReference {
  energy: Float64Array;
  mu: Float64Array;
  valence: number;
  /** File (or file#group) it came from. */
  source: string;
  name?: string;
}

export interface ValenceSample {
  energy: Float64Array;
  mu: Float64Array;
  source: string;
  name?: string;
}

export interface ValenceOptions extends Omit<EdgeOptions, 'methods' | 'whiteLine'>, CalibrationLimits, LcfValenceOptions {
  /** Edge definition for the calibration, or 'lcf'. @default DEFAULT_VALENCE_METHOD ('half-main', see docs/edges.md) */
  method?: ValenceMethod;
  /** Calibration curve. @default 'linear' */
  form?: CalibrationForm;
}

export interface ValenceReferenceResult {
  source: string;
  name: string;
  valence: number;
  /** Edge energy by the method (lcf: Larch find_e0), eV. */
  edge: number;
  edgeStderr: number | null;
  /** Calibration residual (valence − curve); null for lcf. */
  residual: number | null;
}

export interface ValenceSampleResult {
  source: string;
  name: string;
  /** Edge energy by the method (lcf: Larch find_e0), eV; null when it failed. */
  edge: number | null;
  edgeStderr: number | null;
  valence: number | null;
  valenceStderr: number | null;
  warnings: string[];
  /** lcf only. */
  fractions?: LcfValence['fractions'];
  rfactor?: number;
  chi2Reduced?: number;
  /** Why this sample has no valence (the others are still reported). */
  error?: string;
}

export interface ValenceResult {
  method: ValenceMethod;
  /** The calibration curve (null for lcf). */
  calibration: Calibration | null;
  references: ValenceReferenceResult[];
  samples: ValenceSampleResult[];
  /** Options as resolved: smoothing σ (eV), levels, lcf range. */
  settings: Record<string, unknown>;
}

/** References and samples through one method: calibration (or LCF), then every sample's valence. */
export function valence(references: ValenceReference[], samples: ValenceSample[], options: ValenceOptions = {}): ValenceResult {
  const method = options.method ?? DEFAULT_VALENCE_METHOD;
  if (!VALENCE_METHODS.includes(method)) throw new XafsError('EOPTION', `unknown valence method '${method}': use ${VALENCE_METHODS.join(', ')}`);
  const form = options.form ?? 'linear';
  const edgeOptions: EdgeOptions = {
    methods: method === 'lcf' ? ['deriv'] : [method],
    smooth: options.smooth,
    searchWidth: options.searchWidth,
    halfLevel: options.halfLevel,
    integralLevels: options.integralLevels,
    noise: options.noise,
    preEdge: options.preEdge,
    e0: options.e0,
    whiteLine: false,
  };
  const resolved = checkEdgeOptions(edgeOptions);
  const preOpts = { ...resolved.preEdge, makeFlat: false };
  if (references.length < 2) throw new XafsError('ETOOFEW', `a valence needs at least two references of different valence (--ref FILE=VALENCE), got ${references.length}`);
  const distinct = new Set(references.map((r) => r.valence));
  if (distinct.size < 2) throw new XafsError('ETOOFEW', `every reference has valence ${references[0]!.valence}: give references of at least two different valences`);

  const refNorm = references.map((r) => {
    try {
      return normalizeForEdges(r, preOpts, resolved.e0);
    } catch (e) {
      throw prefixed(e, `reference ${r.source}`);
    }
  });
  const settings: Record<string, unknown> = { form };
  const edgeKey = method === 'lcf' ? 'deriv' : method;
  const refWarnings: string[] = [];
  const refEdges = refNorm.map((nz, i) => {
    const rep = edgesOfNormalized(nz, edgeOptions);
    const e = rep.edges[edgeKey];
    if (!e) throw new XafsError('ENOEDGE', `reference ${references[i]!.source}: ${rep.errors[edgeKey]}`);
    if (method === 'deriv-fit' || method === 'zero2' || method === 'deriv-main') settings.smooth = rep.smooth;
    for (const w of rep.warnings) refWarnings.push(`reference ${references[i]!.source}: ${w}`);
    return { ...e, stderr: withSpread(e) };
  });
  if (method === 'half' || method === 'half-main') settings.halfLevel = resolved.halfLevel;
  if (method === 'deriv-main') Object.assign(settings, { mainLevel: resolved.mainLevel, smooth: resolved.smooth });
  if (method === 'integral') settings.integralLevels = resolved.integralLevels;
  if (method === 'deriv-fit' || method === 'zero2') settings.searchWidth = resolved.searchWidth;

  const out: ValenceSampleResult[] = [];
  if (method === 'lcf') {
    settings.emin = options.emin ?? -20;
    settings.emax = options.emax ?? 60;
    const fit = lcfValenceFitter(
      refNorm.map((nz, i) => ({ name: references[i]!.name ?? references[i]!.source, valence: references[i]!.valence, energy: nz.energy, norm: nz.norm })),
      options,
    );
    for (const s of samples) {
      const base = { source: s.source, name: s.name ?? s.source };
      try {
        const nz = normalizeForEdges(s, preOpts, resolved.e0);
        const r = fit(nz, s.source);
        out.push({ ...base, edge: nz.e0, edgeStderr: null, valence: r.valence, valenceStderr: r.valenceStderr, warnings: r.warnings, fractions: r.fractions, rfactor: r.rfactor, chi2Reduced: r.chi2Reduced });
      } catch (e) {
        if (isCollinear(e)) throw e;
        out.push(failed(base, e));
      }
    }
    return {
      method,
      calibration: null,
      references: references.map((r, i) => ({ source: r.source, name: r.name ?? r.source, valence: r.valence, edge: refEdges[i]!.energy, edgeStderr: null, residual: null })),
      samples: out,
      settings,
    };
  }

  const cal = calibrate(
    references.map((r, i) => ({ edge: refEdges[i]!.energy, edgeStderr: refEdges[i]!.stderr, valence: r.valence, source: r.source })),
    form,
    options,
  );
  cal.warnings.push(...refWarnings, ...referenceConsistency(references.map((r, i) => ({ source: r.source, valence: r.valence, edge: refEdges[i]!.energy, edgeStderr: refEdges[i]!.stderr }))));
  for (const s of samples) {
    const base = { source: s.source, name: s.name ?? s.source };
    try {
      const rep = edgesOfNormalized(normalizeForEdges(s, preOpts, resolved.e0), edgeOptions);
      const e = rep.edges[method];
      if (!e) throw new XafsError('ENOEDGE', rep.errors[method] ?? 'no edge');
      const se = withSpread(e);
      const v = applyCalibration(cal, e.energy, se);
      out.push({ ...base, edge: e.energy, edgeStderr: se, valence: v.valence, valenceStderr: v.valenceStderr, warnings: [...rep.warnings, ...v.warnings] });
    } catch (e) {
      out.push(failed(base, e));
    }
  }
  const t = (E: number) => E - cal.center;
  return {
    method,
    calibration: cal,
    references: references.map((r, i) => {
      const E = refEdges[i]!.energy;
      const curve = cal.coefficients.reduce((s, c, k) => s + c * t(E) ** k, 0);
      return { source: r.source, name: r.name ?? r.source, valence: r.valence, edge: E, edgeStderr: refEdges[i]!.stderr, residual: r.valence - curve };
    }),
    samples: out,
    settings,
  };
}

/** The edge's noise error combined with its definition's own spread (deriv-main: half the distance to a competing maximum). */
function withSpread(e: { stderr: number | null; definitionSpread?: number }): number | null {
  const d = e.definitionSpread ?? 0;
  if (d === 0) return e.stderr;
  return Math.hypot(e.stderr ?? 0, d);
}

/**
 * Checks the references against their valences (see docs/edges.md): every pair of different
 * valences must have its edges in the same order (beyond their combined error bars), and
 * references of one valence must agree within REPLICATE_TOLERANCE valence units, their edge gap
 * converted at the references' valence-per-eV secant.
 */
export function referenceConsistency(refs: { source: string; valence: number; edge: number; edgeStderr: number | null }[]): string[] {
  const out: string[] = [];
  // valence per eV across the references: the secant between the lowest- and highest-valence
  // groups' mean edges (robust to a calibration curve bent by the very references it checks)
  const byV = new Map<number, number[]>();
  for (const r of refs) byV.set(r.valence, [...(byV.get(r.valence) ?? []), r.edge]);
  const vs = [...byV.keys()].sort((a, b) => a - b);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const dE = Math.abs(mean(byV.get(vs[vs.length - 1]!)!) - mean(byV.get(vs[0]!)!));
  const perEv = dE > 0 ? (vs[vs.length - 1]! - vs[0]!) / dE : Infinity;
  for (let i = 0; i < refs.length; i++) {
    for (let j = i + 1; j < refs.length; j++) {
      const [a, b] = refs[i]!.valence <= refs[j]!.valence ? [refs[i]!, refs[j]!] : [refs[j]!, refs[i]!];
      const tol = Math.hypot(a.edgeStderr ?? 0, b.edgeStderr ?? 0);
      if (a.valence < b.valence && a.edge > b.edge + tol) {
        out.push(`references out of order: ${a.source} (valence ${a.valence}) has its edge at ${fmt(a.edge, 2)} eV, above ${b.source} (valence ${b.valence}) at ${fmt(b.edge, 2)} eV: this edge definition does not follow the valence here (try another --method, or check the valences)`);
      } else if (a.valence === b.valence) {
        const gap = Math.abs(a.edge - b.edge);
        const dv = gap * perEv;
        if (dv > REPLICATE_TOLERANCE && gap > tol) {
          out.push(`references of the same valence ${a.valence} disagree: ${a.source} at ${fmt(a.edge, 2)} eV and ${b.source} at ${fmt(b.edge, 2)} eV, ${fmt(gap, 2)} eV apart (${Number.isFinite(dv) ? fmt(dv, 2) : 'unbounded'} in valence at the references' ${Number.isFinite(perEv) ? fmt(perEv, 3) : '—'} per eV, more than ${REPLICATE_TOLERANCE}): the edge definition is unstable on them, or they differ`);
        }
      }
    }
  }
  return out;
}

function isCollinear(e: unknown): boolean {
  return e instanceof XafsError && e.code === 'EOPTION';
}

function failed(base: { source: string; name: string }, e: unknown): ValenceSampleResult {
  if (!(e instanceof XafsError)) throw e;
  return { ...base, edge: null, edgeStderr: null, valence: null, valenceStderr: null, warnings: [], error: e.message };
}

function prefixed(e: unknown, what: string): unknown {
  if (e instanceof XafsError) return new XafsError(e.code, `${what}: ${e.message}`, e.exitCode);
  return e;
}
