import { NFFT } from '../constants.js';
import { XafsError } from '../errors.js';
import { xftrKernel } from '../wasm.js';
import { windowName } from './ftWindow.js';
import { checkOptions } from './util.js';

export interface XftrOptions {
  /** R window start, Å. @default 0 */
  rmin?: number;
  /** R window end, Å. @default 20 */
  rmax?: number;
  /** R window taper at rmin, Å. @default 1 */
  dr?: number;
  /** R window taper at rmax, Å. @default dr */
  dr2?: number;
  /** R-weight. @default 0 */
  rw?: number;
  /** R window shape. @default 'kaiser' */
  window?: string;
  /** Largest q in the output, Å⁻¹. @default 30 */
  qmaxOut?: number;
  /** FFT size. @default 2048 */
  nfft?: number;
}

export interface XftrResult {
  /** q grid, Å⁻¹: linspace(0, qmaxOut, trunc(1.05 + qmaxOut/kstep)). */
  q: Float64Array;
  chiqRe: Float64Array;
  chiqIm: Float64Array;
  chiqMag: Float64Array;
  /** R window on the input R grid. */
  rwin: Float64Array;
}

/**
 * Larch 0.9.58 xftr (docs/conventions.md §3.3): back-transform of complex χ(R) (from xftf) to
 * χ(q) = k^w·χ·W(k) filtered by the R window. kstep is derived from the R grid, as in Larch.
 */
export function xftr(group: { r: Float64Array; chirRe: Float64Array; chirIm?: Float64Array }, options: XftrOptions = {}): XftrResult {
  const { r, chirRe, chirIm } = group;
  if (r.length < 2 || chirRe.length !== r.length || (chirIm && chirIm.length !== r.length)) {
    throw new XafsError('EOPTION', 'xftr needs an R grid and χ(R) arrays of the same length (at least 2 points)');
  }
  checkOptions('xftr', options, ['rmin', 'rmax', 'dr', 'dr2', 'rw', 'qmaxOut', 'nfft']);
  const nfft = options.nfft ?? NFFT;
  const rmin = options.rmin ?? 0;
  const rmax = options.rmax ?? 20;
  const dr = options.dr ?? 1;
  const dr2 = options.dr2 ?? dr;
  const rw = options.rw ?? 0;
  const win = windowName(options.window ?? 'kaiser', '--rwindow');
  const qmaxOut = options.qmaxOut ?? 30;
  const rstep = r[1] - r[0];
  const rmaxData = r[r.length - 1];
  if (rmin >= rmaxData || rmin >= rmax) {
    throw new XafsError('ERANGE', `R window ${rmin}–${rmax} Å is outside χ(R) (0–${rmaxData.toFixed(3)} Å): choose --rmin below --rmax and below ${rmaxData.toFixed(2)}`);
  }
  if (!Number.isInteger(nfft) || nfft < 16) throw new XafsError('EOPTION', `nfft must be a whole number ≥ 16 (got ${nfft})`);
  const kstep = Math.PI / (rstep * nfft);
  // the back-transform holds nfft/2 points of q = n·kstep: a longer q grid would be padded with zeros
  const qLimit = (nfft / 2 - 1) * kstep;
  if (!(qmaxOut > 0) || qmaxOut > qLimit + 1e-9) {
    throw new XafsError('EOPTION', `--qmax-out must be above 0 and at most ${qLimit.toFixed(2)} Å⁻¹ (nfft/2 points of ${kstep.toPrecision(4)} Å⁻¹; got ${qmaxOut})`);
  }
  const nq = Math.trunc(1.05 + qmaxOut / kstep);
  const o = xftrKernel(chirRe, chirIm, rstep, rmin, rmax, dr, dr2, win, rw, nfft, nq);
  const q = new Float64Array(nq);
  for (let i = 0; i < nq; i++) q[i] = nq > 1 ? (qmaxOut * i) / (nq - 1) : 0;
  const chiqRe = o.re;
  const chiqIm = o.im;
  const chiqMag = o.mag;
  return { q, chiqRe, chiqIm, chiqMag, rwin: o.win };
}
