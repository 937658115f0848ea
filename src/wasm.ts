/**
 * The only door to the WebAssembly core (docs/architecture.md: the only door). The generated ESM glue
 * (`build/release.js`, built by `asc` from assembly/) instantiates the module at import, copies
 * typed arrays in and returns new typed arrays; kernels never mutate their inputs.
 */
import * as raw from '../build/release.js';

/**
 * The core is built with AssemblyScript's `minimal` runtime: no shadow stack (which, with the
 * `incremental` runtime, blocks inlining of array accesses and made kernels 5-10× slower), and no
 * automatic collection. Garbage is collected here, between calls, when no WASM frame holds a
 * reference: every kernel call counts its allocation (input + output sizes) and a collection runs
 * once enough has been allocated since the last one.
 */
const COLLECT_BYTES = 1 << 20;
let allocated = 0;
function charge(bytes: number): void {
  allocated += bytes;
  if (allocated > COLLECT_BYTES) {
    allocated = 0;
    raw.__collect();
  }
}
type Fn = (...args: never[]) => unknown;
/** Wraps every kernel so that its allocations are charged (a typed array in or out ≈ its bytes, ×3 for scratch). */
const core = Object.fromEntries(
  Object.entries(raw).map(([name, f]) => {
    if (typeof f !== 'function' || name.startsWith('__')) return [name, f];
    const g = f as Fn;
    return [
      name,
      (...args: unknown[]) => {
        const out = (g as (...a: unknown[]) => unknown)(...args);
        let bytes = 64;
        for (const a of args) if (ArrayBuffer.isView(a)) bytes += a.byteLength;
        if (ArrayBuffer.isView(out)) bytes += out.byteLength;
        charge(4 * bytes + 65536);
        return out;
      },
    ];
  }),
) as unknown as typeof raw;

export type WindowName = 'hanning' | 'fhanning' | 'gaussian' | 'kaiser' | 'parzen' | 'welch' | 'sine' | 'bessel';

/** Window codes shared with assembly/window.ts. */
const WINDOW_CODE: Record<WindowName, number> = {
  hanning: 0,
  fhanning: 1,
  gaussian: 2,
  kaiser: 3,
  parzen: 4,
  welch: 5,
  sine: 6,
  bessel: 7,
};

/** Complex FFT of interleaved [re, im, ...] data (length a power of two); inverse includes 1/N. */
export function fft(z: Float64Array, inverse = false): Float64Array {
  return core.fft(z, inverse);
}

/** Larch xftf_fast: (kstep/√π)·FFT of y zero-padded to nfft; first nfft/2 points, interleaved. */
export function xftfFast(y: Float64Array, nfft: number, kstep: number): Float64Array {
  return core.xftfFast(y, nfft, kstep);
}

/** Larch xftr_fast: (4√π/kstep)·IFFT of interleaved complex z zero-padded to nfft (no 0.5). */
export function xftrFast(z: Float64Array, nfft: number, kstep: number): Float64Array {
  return core.xftrFast(z, nfft, kstep);
}

/**
 * Larch xftf in one kernel: returns {re, im, mag} (irmax points) and the window on the uniform
 * grid (npts points). See src/xafs/xftf.ts for the grid sizes.
 */
export function xftfKernel(k: Float64Array, chi: Float64Array, kmin: number, kmax: number, dk: number, dk2: number, window: WindowName, kweight: number, nfft: number, kstep: number, npts: number, next: number, irmax: number) {
  const w = cachedWindow(next, kstep, kmin, kmax, dk, dk2, window);
  const o = core.xftfFull(k, chi, w, kweight, nfft, kstep, npts, next, irmax);
  return { re: o.subarray(0, irmax), im: o.subarray(irmax, 2 * irmax), mag: o.subarray(2 * irmax, 3 * irmax), win: o.subarray(3 * irmax) };
}

/** Larch xftr in one kernel: {re, im, mag} (nq points) and the R window on the input grid. */
export function xftrKernel(chirRe: Float64Array, chirIm: Float64Array | undefined, rstep: number, rmin: number, rmax: number, dr: number, dr2: number, window: WindowName, rw: number, nfft: number, nq: number) {
  const nr = chirRe.length;
  const w = cachedWindow(nfft, rstep, rmin, rmax, dr, dr2, window);
  const o = core.xftrFull(chirRe, chirIm ?? EMPTY_F64, w, rstep, rw, nfft, nq);
  return { re: o.subarray(0, nq), im: o.subarray(nq, 2 * nq), mag: o.subarray(2 * nq, 3 * nq), win: o.subarray(3 * nq, 3 * nq + nr) };
}

/**
 * Windows on the uniform grids step·[0..n) by their parameters: a series transformed with the
 * same settings computes each window once (a few kept, most recent first).
 */
const windowCache = new Map<string, Float64Array>();
/** The window on step·[0..n), cached by its parameters: shared, read-only (never modify it). */
export function windowOnGrid(n: number, step: number, xmin: number, xmax: number, dx: number, dx2: number, window: WindowName): Float64Array {
  return cachedWindow(n, step, xmin, xmax, dx, dx2, window);
}

function cachedWindow(n: number, step: number, xmin: number, xmax: number, dx: number, dx2: number, window: WindowName): Float64Array {
  const key = `${n}|${step}|${xmin}|${xmax}|${dx}|${dx2}|${window}`;
  let w = windowCache.get(key);
  if (!w) {
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = step * i;
    w = core.ftwindow(x, xmin, xmax, dx, dx2, WINDOW_CODE[window]);
    if (windowCache.size >= 16) windowCache.delete(windowCache.keys().next().value!);
    windowCache.set(key, w);
  }
  return w;
}

const EMPTY_F64 = new Float64Array(0);

/** Larch ftwindow on a uniform grid x starting at 0. dx2 = dx when not given. */
export function ftwindowKernel(x: Float64Array, xmin: number, xmax: number, dx: number, dx2: number | undefined, window: WindowName): Float64Array {
  return core.ftwindow(x, xmin, xmax, dx, dx2 === undefined ? -1 : dx2, WINDOW_CODE[window]);
}

export function besselI0(x: number): number {
  return core.besselI0(x);
}

/** numpy.polyfit over points [p1, p2): ascending coefficients in absolute x. */
export function polyfitRange(x: Float64Array, y: Float64Array, p1: number, p2: number, deg: number): Float64Array {
  return core.polyfitRange(x, y, p1, p2, deg);
}

/** Least-squares solution of A x = b, A row-major m×n. */
export function lstsq(A: Float64Array, b: Float64Array, m: number, n: number): Float64Array {
  return core.lstsq(A, b, m, n);
}

/** numpy.interp (constant beyond the ends). */
export function interpLinear(x: Float64Array, y: Float64Array, xnew: Float64Array): Float64Array {
  return core.interpLinear(x, y, xnew);
}

/** Not-a-knot cubic spline interpolation (FITPACK s=0), extrapolating with the end pieces. */
export function splineInterp(x: Float64Array, y: Float64Array, xnew: Float64Array): Float64Array {
  return core.splineInterp(x, y, xnew);
}

/** splev with extrapolation: cubic B-spline (knots t, coefficients c) at ascending x. */
export function bsplineEval(t: Float64Array, c: Float64Array, x: Float64Array): Float64Array {
  return core.bsplineEval(t, c, x);
}

/** gradient(y)/gradient(x) in index space (Larch dmude). */
export function deriv(x: Float64Array, y: Float64Array): Float64Array {
  return core.deriv(x, y);
}

/** Larch find_e0: the grid index of the edge. */
export function findE0Index(x: Float64Array, y: Float64Array): number {
  return core.findE0Index(x, y);
}

/** remove_dups and find_e0 in one call. */
export function dedupFindE0(energy: Float64Array, mu: Float64Array): { energy: Float64Array; index: number } {
  const o = core.dedupFindE0(energy, mu);
  return { index: o[0], energy: o.subarray(1) };
}

export interface PreEdgeFitInput {
  energy: Float64Array;
  energyOrig: Float64Array;
  mu: Float64Array;
  ie0: number;
  pre: [number, number];
  post: [number, number];
  nnorm: number;
  nvict: number;
  step?: number;
  flat: [number, number];
  fie0: number;
  makeFlat: boolean;
}

/** The fitting part of pre_edge (assembly/preedge.ts) in one call. */
export function preEdgeFit(p: PreEdgeFitInput) {
  const o = core.preEdgeFit(p.energy, p.energyOrig, p.mu, p.ie0, p.pre[0], p.pre[1], p.post[0], p.post[1], p.nnorm, p.nvict, p.step ?? NaN, p.flat[0], p.flat[1], p.fie0, p.makeFlat);
  const n = p.energy.length;
  let i = 4 + p.nnorm;
  const take = () => o.subarray(i, (i += n));
  return {
    slope: o[0],
    offset: o[1],
    edgeStep: o[2],
    normCoefs: Array.from(o.subarray(3, 4 + p.nnorm)),
    norm: take(),
    flat: take(),
    preLine: take(),
    postEdge: take(),
    dmude: take(),
    d2mude: take(),
  };
}

/** Larch remove_dups. */
export function removeDups(x: Float64Array): Float64Array {
  return core.removeDups(x);
}

export interface AutobkSolveInput {
  kraw: Float64Array;
  mu: Float64Array;
  knots: Float64Array;
  nk: number;
  kstep: number;
  /** k^kweight · window on kout, built on a plan-cache miss. */
  ftwin: () => Float64Array;
  /** The window and k-weight that make ftwin (part of the plan-cache key). */
  ftwinKey: string;
  irbkg: number;
  nfft: number;
  nclamp: number;
  clampLo: number;
  clampHi: number;
  chiStd?: Float64Array;
  /** Knot abscissae (data points) and Larch's starting values there (splrep interpolation). */
  splK: Float64Array;
  splY: Float64Array;
  /** 'larch': MINPACK lmdif from Larch's start, stopping where Larch stops; 'exact': the true minimum. */
  solver: 'larch' | 'exact';
  /** Also propagate the coefficients' covariance to χ and bkg (Larch's calc_uncertainties). */
  uncertainties?: boolean;
}

export interface AutobkSolveOutput {
  coefs: Float64Array;
  /** χ in raw μ units on kout (not divided by the edge step). */
  chiRaw: Float64Array;
  /** Background on the working energy points. */
  bkg: Float64Array;
  chisqr: number;
  /** Function evaluations (larch solver) or Gauss-Newton iterations (exact solver). */
  iterations: number;
  /** True when the B-spline columns were used directly (knots on interior data points). */
  fastPath: boolean;
  /** MINPACK lmdif's info (1-4 converged; 5 evaluation limit reached; 6-8 tolerances too small); 0 for 'exact'. */
  info: number;
  /**
   * With `uncertainties`: g(k)ᵀ(JᵀJ)⁻¹g(k) for χ on kout (raw μ units²) and for bkg on the working
   * points, unscaled (multiply by χ²/(ndata − ncoef)); null when JᵀJ was singular.
   */
  variance?: { chi: Float64Array; bkg: Float64Array; ndata: number } | null;
}

const EMPTY = new Float64Array(0);

/** AUTOBK plans (the grid-dependent factorization) resident in WASM memory, most recent last. */
interface PlanEntry {
  key: string;
  kraw: Float64Array;
  knots: Float64Array;
  handle: number;
}
const plans: PlanEntry[] = [];
const MAX_PLANS = 16;

function sameArray(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function planFor(p: AutobkSolveInput): number {
  // the scalars; kraw and knots are compared value by value below (no string of them per call)
  const key = `${p.nk}|${p.kstep}|${p.irbkg}|${p.nfft}|${p.nclamp}|${p.ftwinKey}|${p.kraw.length}|${p.knots.length}`;
  for (let i = plans.length - 1; i >= 0; i--) {
    const e = plans[i];
    if (e.key === key && sameArray(e.kraw, p.kraw) && sameArray(e.knots, p.knots)) {
      if (i !== plans.length - 1) plans.push(plans.splice(i, 1)[0]);
      return e.handle;
    }
  }
  const handle = core.autobkPlan(p.kraw, p.knots, p.splK, p.nk, p.kstep, p.ftwin(), p.irbkg, p.nfft, p.nclamp);
  plans.push({ key, kraw: p.kraw.slice(), knots: p.knots.slice(), handle });
  if (plans.length > MAX_PLANS) core.autobkFree(plans.shift()!.handle);
  return handle;
}

/**
 * The AUTOBK least-squares solve (assembly/autobk.ts). The grid-dependent part (DFT rows, B-spline
 * operator and its QR factorization) is cached: spectra sharing an energy grid, e0 and options
 * (a series) only pay for their own μ.
 */
export function autobkSolve(p: AutobkSolveInput): AutobkSolveOutput {
  const handle = planFor(p);
  const r = core.autobkRun(handle, p.mu, p.chiStd ?? EMPTY, p.clampLo, p.clampHi, p.splY, p.solver === 'exact' ? 1 : 0);
  const nc = p.knots.length - 4;
  const nmue = p.kraw.length;
  let o = 0;
  // views into the one array the glue copied out: no further copies
  const coefs = r.subarray(o, (o += nc));
  const chiRaw = r.subarray(o, (o += p.nk));
  const bkg = r.subarray(o, (o += nmue));
  const out: AutobkSolveOutput = { coefs, chiRaw, bkg, chisqr: r[o], iterations: r[o + 1], fastPath: r[o + 2] === 1, info: r[o + 3] };
  if (p.uncertainties) {
    const v = core.autobkUncertainty(handle);
    const ok = v.length === p.nk + nmue + 3 && v[p.nk + nmue + 2] === 1;
    out.variance = ok ? { chi: v.subarray(0, p.nk), bkg: v.subarray(p.nk, p.nk + nmue), ndata: v[p.nk + nmue + 1] } : null;
  }
  return out;
}

// ---- FEFF paths (assembly/exafs.ts) ----------------------------------------------------------
import { PATH_PARAM_NAMES, type PathParams } from './fit/types.js';

/**
 * Stores a FEFF path table in WASM memory and precomputes its not-a-knot splines (pha, amp, rep,
 * lam against k; k ascending in Å⁻¹, reff in Å). Returns the handle for pathChi and the fit
 * kernels; the table stays resident until freeFeffPath(handle).
 */
export function registerFeffPath(k: Float64Array, pha: Float64Array, amp: Float64Array, rep: Float64Array, lam: Float64Array, reff: number): number {
  return core.registerFeffPath(k, pha, amp, rep, lam, reff);
}

/** Releases a table registered by registerFeffPath (its handle may then be reused). */
export function freeFeffPath(handle: number): void {
  core.freeFeffPath(handle);
}

/** True when handle names a registered FEFF path table. */
export function feffPathValid(handle: number): boolean {
  return Number.isInteger(handle) && core.feffPathValid(handle) === 1;
}

/** The 8 path parameters as the kernels read them: degen, s02, e0, ei, deltar, sigma2, third, fourth. */
export function pathParamArray(params: PathParams | Float64Array): Float64Array {
  if (params instanceof Float64Array) return params;
  return Float64Array.from(PATH_PARAM_NAMES, (name) => params[name]);
}

/**
 * Larch path χ(k) (docs/conventions.md §4.3) on k_n = n·kstep, n < nk: chi = Im χ̃, chiImag = −Re χ̃.
 * The handle must be valid (feffPathValid) and nk ≥ 3 for Larch's first-point extrapolation.
 */
export function pathChi(handle: number, params: PathParams | Float64Array, nk: number, kstep: number): { chi: Float64Array; chiImag: Float64Array } {
  const o = core.pathChi(handle, pathParamArray(params), nk, kstep);
  return { chi: o.subarray(0, nk), chiImag: o.subarray(nk) };
}

/** Larch path χ(k) at explicit k values (Å⁻¹), the first point extrapolated as on the grid. */
export function pathChiAt(handle: number, params: PathParams | Float64Array, k: Float64Array): { chi: Float64Array; chiImag: Float64Array } {
  const o = core.pathChiAt(handle, pathParamArray(params), k);
  return { chi: o.subarray(0, k.length), chiImag: o.subarray(k.length) };
}

/** Σ χ(k) of paths on k_n = n·kstep (n < nk); params holds 8 values per path, in handle order. */
export function sumPathsChi(handles: Int32Array, params: Float64Array, nk: number, kstep: number): Float64Array {
  return core.sumPathsChi(handles, params, nk, kstep);
}

/** A feffit dataset registered in the WASM core (assembly/feffit.ts). */
export interface FeffitDatasetInput {
  /** Data χ on the model grid kstep·[0..nk). */
  data: Float64Array;
  kstep: number;
  nfft: number;
  space: 'r' | 'k' | 'q';
  /** k^w·kwin (r, q) or k^w (k) on the model grid, one row of nk per k-weight. */
  weight: Float64Array;
  /** ε_r (r, q space) or ε_k (k space), one per k-weight. */
  eps: Float64Array;
  /** Residual index range [i1, i2): R indices (r) or k indices (k, q). */
  i1: number;
  i2: number;
  /** R window on the first nfft/2 points (q space), else empty. */
  rwin: Float64Array;
  /** FEFF path handles (registerFeffPath) of this dataset. */
  paths: Int32Array;
  /** Index of this dataset's first path among all paths of the fit (8 parameters each). */
  path0: number;
}

const SPACE_CODE = { r: 0, k: 1, q: 2 } as const;

export function feffitRegister(d: FeffitDatasetInput): number {
  return core.feffitDataset(d.data, d.kstep, d.nfft, SPACE_CODE[d.space], d.weight, d.eps, d.i1, d.i2, d.rwin, d.paths, d.path0);
}

export function feffitFree(handle: number): void {
  core.feffitFree(handle);
}

/**
 * The residual of all datasets of a fit, concatenated: params holds 8 values per path (degen,
 * s02, e0, ei, deltar, sigma2, third, fourth) for every path in dataset order. mode 0: data −
 * model; 1: data alone (r-factor denominator); 2: model alone.
 */
export function feffitResidual(handles: Int32Array, params: Float64Array, mode: 0 | 1 | 2): Float64Array {
  return core.feffitResidual(handles, params, mode);
}

/** The model χ(k) (sum of the dataset's paths) on its grid. */
export function feffitModelChi(handle: number, params: Float64Array): Float64Array {
  return core.feffitModelChi(handle, params);
}

// ---- XANES edge positions (assembly/xanes_edge.ts) -------------------------------------------

/** Method bits of xanesEdges' mask. */
export const EDGE_KERNEL = { half: 1, smooth: 2, integral: 4, whiteLine: 8 } as const;

export interface XanesEdgesParams {
  /** EDGE_KERNEL bits: the methods to run. */
  mask: number;
  /** Normalized level of `half`. */
  halfLevel: number;
  /** Gaussian σ (eV) of the smoothed derivative (deriv-fit, zero2). */
  sigma: number;
  /** Half-width (eV) of the window around e0 searched for the smoothed-derivative maximum. */
  searchWidth: number;
  /** Normalized levels bounding the integral method. */
  integralLevels: [number, number];
  /** White line: window above e0 (eV) and the half-width (eV) of the parabola fit at the maximum. */
  whiteLineWindow: number;
  whiteLineFit: number;
  /** σ of y (white noise); undefined: estimated from the data. */
  noise?: number;
}

/**
 * Every edge method on one normalized spectrum (energy ascending, eV) in one call; ie0 = Larch's
 * e0 index. NaN where a method was not run or found nothing; `status` 0 = found (codes in
 * src/xanes/edge.ts).
 */
export function xanesEdges(energy: Float64Array, y: Float64Array, ie0: number, p: XanesEdgesParams) {
  const o = core.xanesEdges(energy, y, ie0, Float64Array.of(p.mask, p.halfLevel, p.sigma, p.searchWidth, p.integralLevels[0], p.integralLevels[1], p.whiteLineWindow, p.whiteLineFit, p.noise ?? -1));
  return {
    noise: o[0],
    half: { energy: o[1], stderr: o[2], status: o[3], index: o[4] },
    fit: { energy: o[5], stderr: o[6], d1: o[7], d3: o[8], status: o[9], candidates: o[10], runnerUpD1: o[11], runnerUp: o[12] },
    zero2: { energy: o[13], stderr: o[14], status: o[15] },
    integral: { energy: o[16], stderr: o[17], e1: o[18], e2: o[19], status: o[20] },
    whiteLine: { energy: o[21], height: o[22], area: o[23], start: o[24], end: o[25], status: o[26] },
  };
}

/** Robust white-noise σ of y on the grid x (median of the departures from neighbour lines). */
export function noiseSigma(x: Float64Array, y: Float64Array): number {
  return core.noiseSigma(x, y);
}

/** Standard normal cumulative distribution Φ(u). */
export function normalCdf(u: number): number {
  return core.normalCdf(u);
}

/** Gaussian-smoothed (σ, eV) dy/dx and d²y/dx² of the piecewise-linear interpolant of (x, y) at e. */
export function smoothDerivatives(x: Float64Array, y: Float64Array, e: Float64Array, sigma: number): { d1: Float64Array; d2: Float64Array } {
  const o = core.smoothDerivatives(x, y, e, sigma);
  return { d1: o.subarray(0, e.length), d2: o.subarray(e.length) };
}

// ---- Data reduction: merge, rebin, deglitch, alignment (assembly/reduce.ts) --------------------

/** Larch interp(x, y, xnew, kind) with its extrapolation: 2-point line (linear) or 5-point spline (cubic). */
export function larchInterp(x: Float64Array, y: Float64Array, xnew: Float64Array, kind: 'linear' | 'cubic'): Float64Array {
  return core.reduceInterp(x, y, xnew, kind === 'cubic' ? 1 : 0);
}

/**
 * Larch merge_groups before trimming: each scan interpolated onto xout (Larch interp), then the
 * mean and population std over scans; `below`/`above` count the xout points each scan extrapolated.
 */
export function mergeKernel(xs: Float64Array[], ys: Float64Array[], xout: Float64Array, kind: 'linear' | 'cubic') {
  const lens = Int32Array.from(xs, (x) => x.length);
  const total = lens.reduce((a, b) => a + b, 0);
  const xcat = new Float64Array(total);
  const ycat = new Float64Array(total);
  let off = 0;
  xs.forEach((x, k) => {
    xcat.set(x, off);
    ycat.set(ys[k]!, off);
    off += x.length;
  });
  const m = xout.length;
  const o = core.reduceMerge(xcat, ycat, lens, xout, kind === 'cubic' ? 1 : 0);
  return {
    mean: o.subarray(0, m),
    std: o.subarray(m, 2 * m),
    below: Array.from(xs, (_, k) => o[2 * m + 2 * k]!),
    above: Array.from(xs, (_, k) => o[2 * m + 2 * k + 1]!),
  };
}

/** Larch rebin_xafs's binning onto the grid en: μ, delta_mu (NaN for an empty bin) and points per bin. */
export function rebinKernel(energy: Float64Array, mu: Float64Array, en: Float64Array, method: 'boxcar' | 'centroid') {
  const m = en.length;
  const o = core.reduceRebin(energy, mu, en, method === 'boxcar' ? 0 : 1);
  return { mu: o.subarray(0, m), deltaMu: o.subarray(m, 2 * m), counts: o.subarray(2 * m, 3 * m) };
}

/**
 * Spike scores: |μ − running median (2w+1 points)| in units of a robust local noise (second
 * differences, ±K points), the noise floored at relFloor·(max μ − min μ).
 */
export function spikeScores(mu: Float64Array, w: number, K: number, relFloor: number): Float64Array {
  return core.reduceSpikeScores(mu, w, K, relFloor);
}

/**
 * Derivative alignment: shift s ∈ [lo, hi] and scale ∈ [0, amax] minimizing
 * Σ (scale·S(xs − s) − ds)², S the cubic spline of (xd, dd); scanned in `step`, then refined.
 */
export function alignKernel(xd: Float64Array, dd: Float64Array, xs: Float64Array, ds: Float64Array, lo: number, hi: number, step: number, amax: number) {
  const o = core.reduceAlign(xd, dd, xs, ds, lo, hi, step, amax);
  return { shift: o[0]!, scale: o[1]!, shiftStderr: o[2]!, scaleStderr: o[3]!, chiSquare: o[4]!, npts: o[5]!, nfev: o[6]! };
}

/** Sub-grid edge: where the cubic spline through (x, y) is steepest within x[i − span] … x[i + span]. */
export function edgeSpline(x: Float64Array, y: Float64Array, i: number, span: number): number {
  return core.reduceEdgeSpline(x, y, i, span);
}

// ---- LCF, PCA, MCR-ALS (assembly/lcf.ts with nnls.ts, eigen.ts, mcr.ts) ----------------------

/** Lawson–Hanson NNLS of A w ≈ b (A column-major m×n); sumToOne: on the simplex Σw = 1. */
export function nnls(A: Float64Array, b: Float64Array, m: number, n: number, sumToOne = false): { w: Float64Array; chi2: number; iterations: number } {
  const o = core.nnls(A, b, m, n, sumToOne);
  return { w: o.subarray(0, n), chi2: o[n]!, iterations: o[n + 1]! };
}

/** Symmetric eigen-decomposition (tred2/tql2): values ascending, vectors row-major (column j ↔ value j). */
export function symEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const o = core.symEigen(a, n);
  return { values: o.subarray(0, n), vectors: o.subarray(n) };
}

/** Several (x, y) arrays as one pair of arrays and their start offsets: one crossing for all. */
function concatXY(xs: Float64Array[], ys: Float64Array[]): { offsets: Int32Array; xcat: Float64Array; ycat: Float64Array } {
  // one pair is its own concatenation (the glue copies it into WASM memory anyway)
  if (xs.length === 1 && ys[0]!.length === xs[0]!.length) return { offsets: Int32Array.of(0, xs[0]!.length), xcat: xs[0]!, ycat: ys[0]! };
  const offsets = new Int32Array(xs.length + 1);
  xs.forEach((x, i) => (offsets[i + 1] = offsets[i]! + x.length));
  const xcat = new Float64Array(offsets[xs.length]!);
  const ycat = new Float64Array(offsets[xs.length]!);
  xs.forEach((x, i) => {
    xcat.set(x, offsets[i]!);
    ycat.set(ys[i]!, offsets[i]!);
  });
  return { offsets, xcat, ycat };
}

/** Registers LCF standards (x strictly increasing) in WASM memory; free with lcfFreeStandards. */
export function lcfRegisterStandards(xs: Float64Array[], ys: Float64Array[]): number {
  const { offsets, xcat, ycat } = concatXY(xs, ys);
  return core.lcfRegister(xcat, ycat, offsets);
}

export function lcfFreeStandards(handle: number): void {
  core.lcfFree(handle);
}

export interface LcfKernelResult {
  chi2: number;
  /** Σ y² (R-factor denominator). */
  sumY2: number;
  nvarys: number;
  /** NNLS outer iterations, −1 when its iteration limit was reached. */
  nnlsStatus: number;
  nfev: number;
  /** False when the linearized covariance was singular (standard errors NaN). */
  covOk: boolean;
  /** Standard error of Σw (0 with sum-to-one). */
  sumStderr: number;
  /** MINPACK lmdif info of the shift fit (0 without shifts). */
  lmInfo: number;
  weights: Float64Array;
  stderr: Float64Array;
  shifts: Float64Array;
  shiftStderr: Float64Array;
  yfit?: Float64Array;
}

/**
 * LCF of spectra (xs[s], ys[s]; x ascending) by the registered standards `which`
 * (assembly/lcf.ts lcfFit), all in one call: NNLS weights (sumToOne: Σw = 1 exactly), shiftMode
 * 0 none, 1 one common shift, 2 one per standard (within ±shiftMax eV).
 */
export function lcfFitKernel(handle: number, which: Int32Array, xs: Float64Array[], ys: Float64Array[], sumToOne: boolean, shiftMode: 0 | 1 | 2, shiftMax: number, wantFit: boolean): LcfKernelResult[] {
  const { offsets, xcat, ycat } = concatXY(xs, ys);
  const o = core.lcfFit(handle, which, xcat, ycat, offsets, sumToOne, shiftMode, shiftMax, wantFit);
  const k = which.length;
  const ns = shiftMode === 0 ? 0 : shiftMode === 1 ? 1 : k;
  let i = 0;
  const take = (n: number) => o.subarray(i, (i += n));
  return xs.map((x) => {
    const h = take(8);
    return {
      chi2: h[0]!,
      sumY2: h[1]!,
      nvarys: h[2]!,
      nnlsStatus: h[3]!,
      nfev: h[4]!,
      covOk: h[5] === 1,
      sumStderr: h[6]!,
      lmInfo: h[7]!,
      weights: take(k),
      stderr: take(k),
      shifts: take(ns),
      shiftStderr: take(ns),
      yfit: wantFit ? take(x.length) : undefined,
    };
  });
}

/**
 * Larch lincombo_fit's lmfit leastsq (MINUIT bounds, last weight = 1 − Σ others clipped) on A
 * (column-major m×n) and y from w0; lo/hi ±Infinity for no bound.
 */
export function lincomboLarchKernel(A: Float64Array, y: Float64Array, m: number, n: number, w0: Float64Array, lo: Float64Array, hi: Float64Array, sumToOne: boolean) {
  const o = core.lincomboLarch(A, y, m, n, w0, lo, hi, sumToOne);
  return { chisqr: o[0]!, nfev: o[1]!, info: o[2]!, nvarys: o[3]!, errorbars: o[4] === 1, weights: o.subarray(5, 5 + n), stderr: o.subarray(5 + n, 5 + 2 * n) };
}

/** Larch pca_fit's rescale (lmfit leastsq, tolerances 1e-5, scale ≥ 0); comps p×k column-major. */
export function pcaScaleLarch(comps: Float64Array, y: Float64Array, mean: Float64Array, p: number, k: number): { scale: number; nfev: number; info: number } {
  const o = core.pcaScaleLarch(comps, y, mean, p, k);
  return { scale: o[0]!, nfev: o[1]!, info: o[2]! };
}

/** Larch pca_train's decomposition of Y (ns × p row-major): eigenvalues (descending), mean, components (ns × p). */
export function pcaTrainKernel(Y: Float64Array, ns: number, p: number): { eigenvalues: Float64Array; mean: Float64Array; components: Float64Array } {
  const o = core.pcaTrainKernel(Y, ns, p);
  return { eigenvalues: o.subarray(0, ns), mean: o.subarray(ns, ns + p), components: o.subarray(ns + p) };
}

/** Uncentered decomposition of Y (ns × p): λ of DᵀD descending (min(ns, p)), left singular vectors (rows, p each). */
export function tfaKernel(Y: Float64Array, ns: number, p: number): { eigenvalues: Float64Array; vectors: Float64Array } {
  const r = Math.min(ns, p);
  const o = core.tfaKernel(Y, ns, p);
  return { eigenvalues: o.subarray(0, r), vectors: o.subarray(r) };
}

/** SIMPLISMA on the rows of D (ns × p): the k purest (most dissimilar) spectra, in the order picked; offset in %. */
export function simplisma(D: Float64Array, ns: number, p: number, k: number, offset: number): Int32Array {
  return core.simplisma(D, ns, p, k, offset);
}

/** MCR-ALS of D (ns × p) from spectra S0 (k × p): concentrations C (ns × k), spectra S (k × p), lack of fit (%), explained variance (%). */
export function mcrAlsKernel(D: Float64Array, ns: number, p: number, S0: Float64Array, k: number, closure: boolean, nonnegC: boolean, nonnegS: boolean, maxIter: number, tol: number) {
  const o = core.mcrAls(D, ns, p, S0, k, closure, nonnegC, nonnegS, maxIter, tol);
  return { iterations: o[0]!, lof: o[1]!, explainedVariance: o[2]!, converged: o[3] === 1, C: o.subarray(4, 4 + ns * k), S: o.subarray(4 + ns * k) };
}

// ---- Wavelet transforms (assembly/wavelet.ts) ------------------------------------------------

/**
 * Cauchy (kind 0, Larch cauchy_wavelet) or Morlet (kind 1) wavelet transform of x = k^w·χ on
 * kstep·[0, x.length) (x.length ≤ nfft/2), nk output columns, rows r (Å). The wavelet spectra of
 * a grid are kept in WASM memory between calls (a few grids). {mag, re, im} row-major nr × nk.
 */
export function waveletKernel(kind: 0 | 1, x: Float64Array, nk: number, r: Float64Array, kstep: number, nfft: number, eta: number, sigma: number, wantComplex: boolean): { mag: Float64Array; re?: Float64Array; im?: Float64Array } {
  const o = core.waveletTransform(kind, x, nk, r, kstep, nfft, eta, sigma, wantComplex);
  const plane = r.length * nk;
  if (!wantComplex) return { mag: o };
  return { mag: o.subarray(0, plane), re: o.subarray(plane, 2 * plane), im: o.subarray(2 * plane) };
}

/** Frees the wavelet spectra kept by waveletKernel. */
export function waveletFree(): void {
  core.waveletFree();
}
