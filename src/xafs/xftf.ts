import { KSTEP, NFFT } from '../constants.js';
import { XafsError } from '../errors.js';
import { xftfKernel } from '../wasm.js';
import { windowName } from './ftWindow.js';
import { checkOptions, K_LIMIT, maxOf, minOf } from './util.js';

export interface XftfOptions {
  /** Window start, Å⁻¹. @default 0 */
  kmin?: number;
  /** Window end, Å⁻¹. @default 20 */
  kmax?: number;
  /** k-weight applied before the transform. @default 0 */
  kweight?: number;
  /** Window taper at kmin, Å⁻¹ (the Bessel β for kaiser). @default 1 */
  dk?: number;
  /** Window taper at kmax. @default dk */
  dk2?: number;
  /** Window shape. @default 'kaiser' */
  window?: string;
  /** Largest R kept in the output, Å. @default 10 */
  rmaxOut?: number;
  /** FFT size. @default 2048 */
  nfft?: number;
  /** k grid step, Å⁻¹. @default 0.05 */
  kstep?: number;
}

export interface XftfResult {
  /** R grid, Å: m·π/(kstep·nfft). */
  r: Float64Array;
  chirMag: Float64Array;
  chirRe: Float64Array;
  chirIm: Float64Array;
  /** The k window on the uniform grid from 0 (length trunc(1.01 + max(k)/kstep)). */
  kwin: Float64Array;
  /** k-weight used (the q-space output of xftr is k^kweight·χ·window). */
  kweight: number;
  /** The window parameters, kept so xftr and reports can say how χ(R) was made. */
  kmin: number;
  kmax: number;
  dk: number;
  dk2: number;
  window: string;
  rstep: number;
}

/**
 * Larch 0.9.58 xftf (docs/conventions.md §3.2): χ(R) = (1/√π)∫ k^w χ(k) W(k) e^{−2ikR} dk, numpy's sign,
 * after linear interpolation of χ onto the uniform grid from k = 0 (constant beyond the data).
 */
export function xftf(group: { k: Float64Array; chi: Float64Array }, options: XftfOptions = {}): XftfResult {
  const { k, chi } = group;
  if (k.length !== chi.length) throw new XafsError('EOPTION', `k and chi differ in length (${k.length} and ${chi.length})`);
  if (k.length < 2) throw new XafsError('ETOOFEW', 'χ(k) needs at least 2 points for a Fourier transform');
  checkOptions('xftf', options, ['kmin', 'kmax', 'kweight', 'dk', 'dk2', 'rmaxOut', 'nfft', 'kstep']);
  const kstep = options.kstep ?? KSTEP;
  const nfft = options.nfft ?? NFFT;
  const kmin = options.kmin ?? 0;
  const kmax = options.kmax ?? 20;
  const kweight = options.kweight ?? 0;
  const dk = options.dk ?? 1;
  const dk2 = options.dk2 ?? dk;
  const win = windowName(options.window ?? 'kaiser', '--window');
  const rmaxOut = options.rmaxOut ?? 10;
  const kdataMax = maxOf(k);
  if (!(kdataMax <= K_LIMIT) || !(minOf(k) >= -1e-9)) {
    const bad = !(kdataMax <= K_LIMIT) ? kdataMax : minOf(k);
    throw new XafsError('ERANGE', `χ(k) has k = ${bad} Å⁻¹, outside 0–${K_LIMIT} Å⁻¹ where EXAFS data lie: check the k column (it must be the photo-electron wavenumber in Å⁻¹)`);
  }
  if (kmin >= kdataMax) {
    throw new XafsError('ERANGE', `kmin = ${kmin} Å⁻¹ is beyond the data (χ(k) ends at k = ${kdataMax.toFixed(3)} Å⁻¹): choose --kmin below ${kdataMax.toFixed(2)}`);
  }
  if (kmin >= kmax) throw new XafsError('ERANGE', `--kmin ${kmin} must be below --kmax ${kmax} (Å⁻¹)`);
  if (!(rmaxOut > 0)) throw new XafsError('EOPTION', `--rmax-out must be above 0 Å (got ${rmaxOut})`);
  if (!(kstep > 0)) throw new XafsError('EOPTION', `kstep must be above 0 Å⁻¹ (got ${kstep})`);
  if (!Number.isInteger(nfft) || nfft < 16) throw new XafsError('EOPTION', `nfft must be a whole number ≥ 16 (got ${nfft})`);
  const npts = Math.trunc(1.01 + kdataMax / kstep);
  const next = Math.trunc(1.01 + Math.max(kdataMax, kmax + dk2) / kstep);
  const rstep = Math.PI / (kstep * nfft);
  const irmax = Math.trunc(Math.min(nfft / 2, 1.01 + rmaxOut / rstep));
  const o = xftfKernel(k, chi, kmin, kmax, dk, dk2, win, kweight, nfft, kstep, npts, next, irmax);
  const r = new Float64Array(irmax);
  for (let i = 0; i < irmax; i++) r[i] = rstep * i;
  const chirRe = o.re;
  const chirIm = o.im;
  const chirMag = o.mag;
  return { r, chirMag, chirRe, chirIm, kwin: o.win.slice(0, Math.min(npts, chi.length)), kweight, kmin, kmax, dk, dk2, window: win, rstep };
}
