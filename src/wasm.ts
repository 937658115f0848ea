/**
 * The only door to the WebAssembly core (style.md: one door to WASM). The generated ESM glue
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
  const key = `${p.nk}|${p.kstep}|${p.irbkg}|${p.nfft}|${p.nclamp}|${p.ftwinKey}|${p.kraw.length}|${p.kraw[0]}|${p.kraw[p.kraw.length - 1]}|${p.knots.join(',')}`;
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
  return { coefs, chiRaw, bkg, chisqr: r[o], iterations: r[o + 1], fastPath: r[o + 2] === 1, info: r[o + 3] };
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
 * Larch path χ(k) (larch-conventions §4.3) on k_n = n·kstep, n < nk: chi = Im χ̃, chiImag = −Re χ̃.
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
