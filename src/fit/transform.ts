/**
 * Larch's feffit_transform (docs/conventions.md §4.4-4.6): the windows of a fit on the full nfft
 * grids, the index ranges of each fit space and the noise estimate from the high-R part of |χ(R)|.
 */
import { XafsError } from '../errors.js';
import { windowOnGrid, xftfFast, interpLinear } from '../wasm.js';
import { windowName, type WindowName } from '../xafs/ftWindow.js';
import { checkFinite } from '../xafs/util.js';

export type FitSpace = 'r' | 'k' | 'q';

/** A dataset's transform as a recipe gives it; defaults are Larch's feffit_transform. */
export interface TransformOptions {
  /** @default 0 */
  kmin?: number;
  /** @default 20 */
  kmax?: number;
  /** One k-weight or several (the fit uses each; the first is used for output transforms). @default 2 */
  kweight?: number | number[];
  /** k window taper, Å⁻¹ (kaiser: the Bessel β). @default 4 */
  dk?: number;
  /** @default dk */
  dk2?: number;
  /** @default 'kaiser' */
  window?: string;
  /** @default 0 */
  rmin?: number;
  /** @default 10 */
  rmax?: number;
  /** R window taper, Å. @default 0 */
  dr?: number;
  /** @default dr */
  dr2?: number;
  /** @default 'hanning' */
  rwindow?: string;
  /** @default 'r' */
  fitspace?: FitSpace;
  /** @default 2048 */
  nfft?: number;
  /** @default 0.05 */
  kstep?: number;
}

export interface Transform {
  kmin: number;
  kmax: number;
  kweights: number[];
  dk: number;
  dk2: number;
  window: WindowName;
  rmin: number;
  rmax: number;
  dr: number;
  dr2: number;
  rwindow: WindowName;
  fitspace: FitSpace;
  nfft: number;
  kstep: number;
  rstep: number;
  /** k window on kstep·[0..nfft). */
  kwin: Float64Array;
  /** R window on rstep·[0..nfft). */
  rwin: Float64Array;
}

const KEYS = new Set(['kmin', 'kmax', 'kweight', 'dk', 'dk2', 'window', 'rmin', 'rmax', 'dr', 'dr2', 'rwindow', 'fitspace', 'nfft', 'kstep']);

export function makeTransform(o: TransformOptions, where = 'transform'): Transform {
  for (const key of Object.keys(o)) {
    if (!KEYS.has(key)) throw new XafsError('EOPTION', `${where}: unknown key '${key}'; the keys are ${[...KEYS].join(', ')}`);
  }
  for (const key of ['kmin', 'kmax', 'dk', 'dk2', 'rmin', 'rmax', 'dr', 'dr2', 'nfft', 'kstep'] as const) checkFinite(`${where}.${key}`, o[key] as number | undefined);
  const kweights = o.kweight === undefined ? [2] : Array.isArray(o.kweight) ? o.kweight : [o.kweight];
  if (kweights.length === 0 || kweights.some((w) => typeof w !== 'number' || !Number.isFinite(w))) {
    throw new XafsError('EOPTION', `${where}.kweight must be a number or a list of numbers (got ${JSON.stringify(o.kweight)})`);
  }
  const fitspace = (o.fitspace ?? 'r') as FitSpace;
  if (!['r', 'k', 'q'].includes(fitspace)) throw new XafsError('EOPTION', `${where}.fitspace must be 'r', 'k' or 'q' (got '${fitspace}')`);
  const nfft = o.nfft ?? 2048;
  const kstep = o.kstep ?? 0.05;
  const rstep = Math.PI / (kstep * nfft);
  const t = {
    kmin: o.kmin ?? 0,
    kmax: o.kmax ?? 20,
    kweights,
    dk: o.dk ?? 4,
    dk2: o.dk2 ?? o.dk ?? 4,
    window: windowName(o.window ?? 'kaiser', `${where}.window`),
    rmin: o.rmin ?? 0,
    rmax: o.rmax ?? 10,
    dr: o.dr ?? 0,
    dr2: o.dr2 ?? o.dr ?? 0,
    rwindow: windowName(o.rwindow ?? 'hanning', `${where}.rwindow`),
    fitspace,
    nfft,
    kstep,
    rstep,
  };
  if (!(t.kmax > t.kmin)) throw new XafsError('ERANGE', `${where}: kmin ${t.kmin} must be below kmax ${t.kmax} (Å⁻¹)`);
  if (!(t.rmax > t.rmin) || t.rmin < 0) throw new XafsError('ERANGE', `${where}: the R range ${t.rmin}–${t.rmax} Å must lie in (0, rmax) with rmin < rmax`);
  const rOut = rstep * (nfft / 2 - 1);
  if (t.rmax > rOut) throw new XafsError('ERANGE', `${where}: rmax ${t.rmax} Å is beyond the R grid (${rOut.toFixed(2)} Å for nfft ${nfft}, kstep ${kstep})`);
  // windows on the full grids, shared through the cache of src/wasm.ts (read-only here)
  return {
    ...t,
    kwin: windowOnGrid(nfft, kstep, t.kmin, t.kmax, t.dk, t.dk2, t.window),
    rwin: windowOnGrid(nfft, rstep, t.rmin, t.rmax, t.dr, t.dr2, t.rwindow),
  };
}

/** N_idp = 1 + 2·ΔR·Δk/π (Larch; not the "+2" variant). */
export function nIndependent(t: Transform): number {
  return 1 + (2 * (t.rmax - t.rmin) * (t.kmax - t.kmin)) / Math.PI;
}

/** The residual's index range: R indices (r space) or k indices (k, q space), half-open. */
export function fitRange(t: Transform): [number, number] {
  const half = t.nfft / 2;
  if (t.fitspace === 'r') {
    return [Math.trunc(Math.max(0, 0.01 + t.rmin / t.rstep)), Math.trunc(Math.min(half, 0.01 + t.rmax / t.rstep))];
  }
  return [Math.trunc(Math.max(0, 0.01 + t.kmin / t.kstep)), Math.trunc(Math.min(half, 0.01 + t.kmax / t.kstep))];
}

/** The model grid of a dataset: kstep·[0..trunc(1.01 + max(k)/kstep)), and the data χ on it (linear, constant beyond). */
export function modelGrid(t: Transform, k: Float64Array, chi: Float64Array): { k: Float64Array; chi: Float64Array } {
  let kmaxData = -Infinity;
  for (const v of k) if (v > kmaxData) kmaxData = v;
  const nk = Math.min(t.nfft, Math.trunc(1.01 + kmaxData / t.kstep));
  const grid = new Float64Array(nk);
  for (let i = 0; i < nk; i++) grid[i] = t.kstep * i;
  return { k: grid, chi: interpLinear(k, chi, grid) };
}

/** k^w·kwin on the model grid (r and q space) or k^w alone (k space), one row per k-weight. */
export function residualWeights(t: Transform, nk: number): Float64Array {
  const out = new Float64Array(nk * t.kweights.length);
  t.kweights.forEach((w, row) => {
    for (let i = 0; i < nk; i++) {
      const kw = (t.kstep * i) ** w;
      out[row * nk + i] = t.fitspace === 'k' ? kw : kw * t.kwin[i];
    }
  });
  return out;
}

/**
 * Larch's dataset noise estimate (§4.6 rule 2): ε_r,w = rms(re/im of χ̃_w over 15–30 Å)/⟨kwin⟩
 * with ⟨kwin⟩ = Σ kwin (all nfft points)·kstep/(kmax − kmin), and
 * ε_k,w = ε_r,w·sqrt(2π(2w+1)/(kstep(kmax^{2w+1} − kmin^{2w+1}))).
 */
export function estimateNoise(t: Transform, chiModelGrid: Float64Array): { epsK: number[]; epsR: number[] } {
  const nk = chiModelGrid.length;
  const irmin = Math.trunc(0.01 + 15 / t.rstep);
  const irmax = Math.trunc(Math.min(t.nfft / 2, 1.01 + 30 / t.rstep));
  let kwinSum = 0;
  for (let i = 0; i < t.nfft; i++) kwinSum += t.kwin[i];
  const kwinAve = (kwinSum * t.kstep) / (t.kmax - t.kmin);
  const epsK: number[] = [];
  const epsR: number[] = [];
  for (const w of t.kweights) {
    const y = new Float64Array(nk);
    for (let i = 0; i < nk; i++) y[i] = chiModelGrid[i] * t.kwin[i] * (t.kstep * i) ** w;
    const z = xftfFast(y, t.nfft, t.kstep);
    let s = 0;
    let cnt = 0;
    for (let i = irmin; i < irmax; i++) {
      s += z[2 * i] ** 2 + z[2 * i + 1] ** 2;
      cnt += 2;
    }
    const er = Math.sqrt(s / cnt) / kwinAve;
    const ek = er * Math.sqrt((2 * Math.PI * (2 * w + 1)) / (t.kstep * (t.kmax ** (2 * w + 1) - t.kmin ** (2 * w + 1))));
    epsR.push(er);
    epsK.push(ek);
  }
  return { epsK, epsR };
}
