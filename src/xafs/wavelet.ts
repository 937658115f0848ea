// Wavelet transforms of χ(k): Larch's Cauchy wavelet and the Morlet wavelet of Funke et al. (2005).
import { KSTEP, NFFT } from '../constants.js';
import { XafsError } from '../errors.js';
import { waveletKernel } from '../wasm.js';
import { checkFinite, roundHalfEven } from './util.js';

export interface WaveletOptions {
  /** Mother wavelet. @default 'cauchy' */
  kind?: 'cauchy' | 'morlet';
  /** k-weight applied to χ(k) before the transform (no window, as Larch). @default 0 */
  kweight?: number;
  /** Largest R of the output grid, Å (r = linspace(0, rmaxOut, nrpts), Larch's grid). @default 10 */
  rmaxOut?: number;
  /** FFT size, a power of two (Larch's nfft: χ(k) is cut or padded to nfft/2 points). @default 2048 */
  nfft?: number;
  /** Morlet oscillation frequency η (Funke's η, often written κ), no unit. @default 5 (morlet only) */
  eta?: number;
  /** Morlet Gaussian width σ, no unit. @default 1 (morlet only) */
  sigma?: number;
  /** First k of the output map, Å⁻¹ (the transform still uses all of χ(k)). @default the first k */
  kmin?: number;
  /** Last k of the output map, Å⁻¹; must lie within the data. @default the last k */
  kmax?: number;
  /** Also return Re W and Im W (`re`, `im`); the magnitude alone is cheaper. @default false */
  complex?: boolean;
}

export interface WaveletResult {
  kind: 'cauchy' | 'morlet';
  /** k grid of the map columns, Å⁻¹ (the uniform grid from 0 the transform ran on, cut to [kmin, kmax]). */
  k: Float64Array;
  /** R grid of the map rows, Å: linspace(0, rmaxOut, nrpts) with r[0] = 1e-19, as Larch. */
  r: Float64Array;
  /** |W| row-major [r.length][k.length] (Å^-kweight, as k^w·χ). */
  mag: Float64Array;
  /** Re W, same layout as mag (with `complex: true`). */
  re?: Float64Array;
  /** Im W, same layout as mag (with `complex: true`). */
  im?: Float64Array;
  /** Where |W| is largest over the whole map. */
  max: { k: number; r: number; value: number };
}

/**
 * Morlet defaults η = 5, σ = 1. Funke, Scheinost and Chukalina (PRB 71, 094110, 2005) define the
 * wavelet by η (its oscillation frequency, often written κ) and σ (its Gaussian width); η·σ sets
 * the balance between k and R resolution, and ησ ≳ 5 makes the wavelet admissible without a
 * correction term (its mean, exp(−η²σ²/2), is 4e-6 at ησ = 5). "κ = 5, σ = 1" is the setting
 * most often quoted by papers that ran Funke's HAMA code (others quote κ = 10, σ = 1 for sharper
 * R); these defaults follow that practice. Source: that literature as recalled; neither the
 * HAMA source nor the 2005 paper's text could be consulted while writing this.
 */
export const MORLET_ETA = 5;
export const MORLET_SIGMA = 1;

/** A map needs χ(k) over at least this many Å⁻¹ (the wavelets at R ≈ 2 Å are ~2 Å⁻¹ wide). */
const MIN_K_SPAN = 1;

function checkInput(k: ArrayLike<number>, chi: ArrayLike<number>): void {
  if (k.length !== chi.length) throw new XafsError('EOPTION', `k and chi differ in length (${k.length} and ${chi.length} points)`);
  if (k.length === 0) throw new XafsError('ETOOFEW', 'χ(k) is empty: a wavelet transform needs χ(k) over at least 1 Å⁻¹');
  for (let i = 0; i < k.length; i++) {
    if (!Number.isFinite(k[i]) || !Number.isFinite(chi[i])) {
      throw new XafsError('ENONFINITE', `χ(k) has a non-finite value at point ${i + 1} (k = ${k[i]}, chi = ${chi[i]}): remove it before the wavelet transform`);
    }
    if (i > 0 && !(k[i] > k[i - 1])) throw new XafsError('EORDER', `k is not increasing at point ${i + 1} (${k[i]} after ${k[i - 1]} Å⁻¹): sort χ(k) first`);
  }
  if (k[k.length - 1] - k[0] < MIN_K_SPAN) {
    throw new XafsError(
      'ETOOFEW',
      `χ(k) is too short for a wavelet transform: it spans k = ${k[0]}–${k[k.length - 1]} Å⁻¹ (${k.length} points); at least ${MIN_K_SPAN} Å⁻¹ is needed`,
    );
  }
}

/**
 * χ(k) on the uniform grid kstep·[0, n) the transform needs. Data already on such a grid are used
 * as they are, with Larch's kstep = round(1000·(k1 − k0))/1000; other data are interpolated
 * linearly onto the 0.05 Å⁻¹ grid, with χ = 0 below the first k (no extrapolation).
 */
function uniformGrid(k: ArrayLike<number>, chi: ArrayLike<number>): { kstep: number; k: Float64Array; chi: Float64Array } {
  const n = k.length;
  const step0 = k[1] - k[0];
  let uniform = Math.abs(k[0]) <= 1e-9 && step0 > 0;
  for (let i = 1; uniform && i < n; i++) if (Math.abs(k[i] - i * step0) > 1e-6 * step0 + 1e-9) uniform = false;
  if (uniform) return { kstep: roundHalfEven(1000 * step0) / 1000, k: Float64Array.from(k), chi: Float64Array.from(chi) };
  const kstep = KSTEP;
  const m = Math.trunc(k[n - 1] / kstep + 1e-6) + 1;
  const y = new Float64Array(m);
  const kg = Float64Array.from({ length: m }, (_, i) => i * kstep);
  let j = 0;
  for (let i = 0; i < m; i++) {
    const kk = i * kstep;
    if (kk < k[0] - 1e-9) continue;
    while (j < n - 2 && k[j + 1] < kk) j++;
    const t = (kk - k[j]) / (k[j + 1] - k[j]);
    y[i] = chi[j] + Math.min(Math.max(t, 0), 1) * (chi[j + 1] - chi[j]);
  }
  return { kstep, k: kg, chi: y };
}

/** Larch's R grid: nrpts = round((rmax − 1e-7)/rstep), rstep = (π/2048)/kstep; linspace(0, rmax); r[0] = 1e-19. */
export function waveletRGrid(rmaxOut: number, kstep: number): Float64Array {
  const rstep = Math.PI / 2048 / kstep;
  const nr = roundHalfEven((rmaxOut - 1e-7) / rstep);
  if (nr < 2) throw new XafsError('EOPTION', `--rmax-out ${rmaxOut} Å is too small: the wavelet R grid (step ${rstep.toFixed(4)} Å) would have ${nr} rows; use at least ${(1.5 * rstep).toFixed(3)} Å`);
  const r = new Float64Array(nr);
  const d = rmaxOut / (nr - 1);
  for (let i = 0; i < nr; i++) r[i] = i * d;
  r[nr - 1] = rmaxOut;
  r[0] = 1e-19;
  return r;
}

/**
 * Continuous wavelet transform of k^w·χ(k) into a (k, R) map, computed in WASM.
 *
 * - `cauchy`: Larch 0.9.58 `cauchy_wavelet(k, chi, kweight, rmax_out, nfft)` (Muñoz, Argoul and
 *   Farges, Am. Mineral. 88, 694 (2003)): the same grids, order (= number of R rows) and
 *   normalization, to rounding.
 * - `morlet`: Funke, Scheinost and Chukalina, PRB 71, 094110 (2005):
 *   W(k, r) = √s ∫ k'^w χ(k') ψ*(s(k' − k)) dk', s = 2r/η, ψ(y) = exp(iηy − y²/2σ²)/(σ√(2π)),
 *   on the same k and R grids as the Cauchy map so the two compare point by point. For a sine
 *   sin(2kR₀) the ridge lies at r = 2R₀/(1 + √(1 + 2/(ησ)²)) (0.98·R₀ for η = 5, σ = 1): the √s
 *   normalization favours small r slightly.
 *
 * χ(k) on a uniform grid from k = 0 (autobk's output) is used as is; other grids are interpolated
 * onto 0.05 Å⁻¹ (χ = 0 below the first k). No window is applied (as Larch).
 */
export function wavelet(k: ArrayLike<number>, chi: ArrayLike<number>, opts: WaveletOptions = {}): WaveletResult {
  const kind = opts.kind ?? 'cauchy';
  if (kind !== 'cauchy' && kind !== 'morlet') throw new XafsError('EOPTION', `unknown wavelet kind '${String(kind)}': use cauchy or morlet`);
  checkFinite('--kweight', opts.kweight);
  checkFinite('--rmax-out', opts.rmaxOut);
  checkFinite('--kmin', opts.kmin);
  checkFinite('--kmax', opts.kmax);
  checkFinite('--eta', opts.eta);
  checkFinite('--sigma', opts.sigma);
  checkFinite('nfft', opts.nfft, { integer: true });
  if (kind === 'cauchy' && (opts.eta !== undefined || opts.sigma !== undefined)) {
    throw new XafsError('EOPTION', '--eta and --sigma set the Morlet wavelet: add --kind morlet, or leave them out for the Cauchy wavelet');
  }
  const kweight = opts.kweight ?? 0;
  const rmaxOut = opts.rmaxOut ?? 10;
  const nfft = opts.nfft ?? NFFT;
  const eta = opts.eta ?? MORLET_ETA;
  const sigma = opts.sigma ?? MORLET_SIGMA;
  if (!(rmaxOut > 0)) throw new XafsError('EOPTION', `--rmax-out must be above 0 Å (got ${rmaxOut})`);
  if (kweight < 0) throw new XafsError('EOPTION', `--kweight must be ≥ 0 (got ${kweight}): k^w at k = 0 would be infinite`);
  if (nfft < 16 || (nfft & (nfft - 1)) !== 0) throw new XafsError('EOPTION', `nfft must be a power of two ≥ 16 (got ${nfft})`);
  if (!(eta > 0)) throw new XafsError('EOPTION', `--eta must be above 0 (got ${eta})`);
  if (!(sigma > 0)) throw new XafsError('EOPTION', `--sigma must be above 0 (got ${sigma})`);
  checkInput(k, chi);
  const kLast = k[k.length - 1];
  if (opts.kmax !== undefined && opts.kmax > kLast + 1e-9) {
    throw new XafsError('ERANGE', `--kmax ${opts.kmax} Å⁻¹ is beyond the data (χ(k) ends at k = ${kLast} Å⁻¹): choose --kmax ≤ ${kLast}`);
  }
  if (opts.kmin !== undefined && opts.kmin >= (opts.kmax ?? kLast)) {
    throw new XafsError('ERANGE', `--kmin ${opts.kmin} Å⁻¹ must be below ${opts.kmax !== undefined ? `--kmax ${opts.kmax} Å⁻¹` : `the end of the data, k = ${kLast} Å⁻¹`}`);
  }
  if (opts.kmin !== undefined && opts.kmin < 0) throw new XafsError('ERANGE', `--kmin must be ≥ 0 Å⁻¹ (got ${opts.kmin})`);

  const g = uniformGrid(k, chi);
  const { kstep } = g;
  const ntot = g.chi.length;
  if (ntot > nfft) throw new XafsError('ERANGE', `χ(k) extends to k = ${kLast} Å⁻¹, beyond what nfft = ${nfft} covers (${(nfft * kstep).toFixed(1)} Å⁻¹): raise nfft`);
  // the map's columns [i0, i1] on kstep·[0, ntot)
  const i0 = opts.kmin === undefined ? 0 : Math.max(0, Math.ceil(opts.kmin / kstep - 1e-6));
  const i1 = opts.kmax === undefined ? ntot - 1 : Math.min(ntot - 1, Math.floor(opts.kmax / kstep + 1e-6));
  if (i1 < i0) throw new XafsError('ERANGE', `no k grid point between --kmin ${opts.kmin} and --kmax ${opts.kmax} Å⁻¹ (grid step ${kstep})`);
  // k-weighting as Larch: chi·k**kweight, only when kweight ≠ 0
  const nx = Math.min(ntot, nfft / 2);
  const x = new Float64Array(nx);
  for (let i = 0; i < nx; i++) {
    const kk = g.k[i];
    x[i] = kweight === 0 ? g.chi[i] : kweight === 2 ? g.chi[i] * (kk * kk) : g.chi[i] * kk ** kweight;
  }
  // χ(k) sampled every kstep holds distances up to R = π/(2·kstep) (31.4 Å on 0.05 Å⁻¹)
  const rNyquist = Math.PI / (2 * kstep);
  if (rmaxOut > rNyquist) {
    throw new XafsError('EOPTION', `--rmax-out ${rmaxOut} Å is beyond the largest R that χ(k) on a ${kstep} Å⁻¹ grid holds (π/(2·kstep) = ${rNyquist.toFixed(1)} Å): use --rmax-out ${Math.floor(rNyquist * 10) / 10} or less`);
  }
  const r = waveletRGrid(rmaxOut, kstep);
  const nk = i1 + 1;
  const o = waveletKernel(kind === 'cauchy' ? 0 : 1, x, nk, r, kstep, nfft, eta, sigma, opts.complex === true);
  const nc = i1 - i0 + 1;
  const kOut = new Float64Array(nc);
  for (let j = 0; j < nc; j++) kOut[j] = g.k[i0 + j];
  let mag = o.mag;
  let re = o.re;
  let im = o.im;
  if (i0 > 0) {
    const crop = (a: Float64Array) => {
      const out = new Float64Array(r.length * nc);
      for (let i = 0; i < r.length; i++) out.set(a.subarray(i * nk + i0, i * nk + i1 + 1), i * nc);
      return out;
    };
    mag = crop(mag);
    re = re && crop(re);
    im = im && crop(im);
  }
  const res: WaveletResult = { kind, k: kOut, r, mag, ...(re && im ? { re, im } : {}), max: { k: NaN, r: NaN, value: NaN } };
  const m = maxIn(res, 0, r.length - 1);
  res.max = { k: m.k, r: m.r, value: m.value };
  return res;
}

export function cauchyWavelet(k: ArrayLike<number>, chi: ArrayLike<number>, opts: Omit<WaveletOptions, 'kind'> = {}): WaveletResult {
  return wavelet(k, chi, { ...opts, kind: 'cauchy' });
}

export function morletWavelet(k: ArrayLike<number>, chi: ArrayLike<number>, opts: Omit<WaveletOptions, 'kind'> = {}): WaveletResult {
  return wavelet(k, chi, { ...opts, kind: 'morlet' });
}

/** The largest |W| on rows [ia, ib]: the first (lowest R, then lowest k) on a tie. */
function maxIn(w: WaveletResult, ia: number, ib: number): { k: number; r: number; value: number } {
  const nk = w.k.length;
  let best = -1;
  let value = -Infinity;
  for (let i = ia; i <= ib; i++) {
    for (let j = 0; j < nk; j++) {
      const v = w.mag[i * nk + j];
      if (v > value) {
        value = v;
        best = i * nk + j;
      }
    }
  }
  const i = Math.floor(best / nk);
  // Larch's r[0] = 1e-19 stands for R = 0
  return { k: w.k[best - i * nk], r: i === 0 ? 0 : w.r[i], value };
}

/**
 * The (k, R) of the largest |W| within each R window [rmin, rmax] (Å; both ends included), or
 * over the whole map when no window is given. Papers compare these k positions: a heavier
 * backscatterer's maximum lies at higher k (its backscattering amplitude peaks there), e.g. the
 * Cu–Cu maximum of Cu foil near 8 Å⁻¹ against ~6.7 Å⁻¹ for Cu–N.
 */
export function waveletMaxima(w: WaveletResult, rWindows?: Array<[number, number]>): Array<{ rmin: number; rmax: number; k: number; r: number; value: number }> {
  const nr = w.r.length;
  const rEnd = w.r[nr - 1];
  const windows = rWindows && rWindows.length > 0 ? rWindows : [[0, rEnd] as [number, number]];
  return windows.map(([rmin, rmax]) => {
    if (!(Number.isFinite(rmin) && Number.isFinite(rmax)) || !(rmin < rmax)) {
      throw new XafsError('EOPTION', `R window ${rmin},${rmax}: give two numbers rmin,rmax (Å) with rmin < rmax`);
    }
    let ia = -1;
    let ib = -1;
    for (let i = 0; i < nr; i++) {
      const ri = i === 0 ? 0 : w.r[i];
      if (ri >= rmin - 1e-12 && ri <= rmax + 1e-12) {
        if (ia < 0) ia = i;
        ib = i;
      }
    }
    if (ia < 0) {
      throw new XafsError('ERANGE', `R window ${rmin}–${rmax} Å holds no row of the map (R from 0 to ${rEnd} Å, step ${(w.r[2] - w.r[1]).toFixed(4)} Å): widen it or raise --rmax-out`);
    }
    return { rmin, rmax, ...maxIn(w, ia, ib) };
  });
}
