/**
 * The only door to the WebAssembly core (style.md: one door to WASM). The generated ESM glue
 * (`build/release.js`, built by `asc` from assembly/) instantiates the module at import, copies
 * typed arrays in and returns new typed arrays; kernels never mutate their inputs.
 */
import * as core from '../build/release.js';

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
  ftwin: Float64Array;
  irbkg: number;
  nfft: number;
  nclamp: number;
  clampLo: number;
  clampHi: number;
  chiStd?: Float64Array;
  coefs0?: Float64Array;
}

export interface AutobkSolveOutput {
  coefs: Float64Array;
  /** χ in raw μ units on kout (not divided by the edge step). */
  chiRaw: Float64Array;
  /** Background on the working energy points. */
  bkg: Float64Array;
  chisqr: number;
  iterations: number;
  /** True when the B-spline columns were used directly (knots on interior data points). */
  fastPath: boolean;
}

const EMPTY = new Float64Array(0);

/** The AUTOBK least-squares solve (assembly/autobk.ts). */
export function autobkSolve(p: AutobkSolveInput): AutobkSolveOutput {
  const r = core.autobkSolve(p.kraw, p.mu, p.knots, p.nk, p.kstep, p.ftwin, p.irbkg, p.nfft, p.nclamp, p.clampLo, p.clampHi, p.chiStd ?? EMPTY, p.coefs0 ?? EMPTY);
  const nc = p.knots.length - 4;
  const nmue = p.kraw.length;
  let o = 0;
  const coefs = r.slice(o, (o += nc));
  const chiRaw = r.slice(o, (o += p.nk));
  const bkg = r.slice(o, (o += nmue));
  return { coefs, chiRaw, bkg, chisqr: r[o], iterations: r[o + 1], fastPath: r[o + 2] === 1 };
}
