import { NFFT } from '../constants.js';
import { XafsError } from '../errors.js';
import { ftwindowKernel, xftrFast } from '../wasm.js';
import { windowName } from './ftWindow.js';
import { checkFinite } from './util.js';

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
 * Larch 0.9.58 xftr (larch-conventions §3.3): back-transform of complex χ(R) (from xftf) to
 * χ(q) = k^w·χ·W(k) filtered by the R window. kstep is derived from the R grid, as in Larch.
 */
export function xftr(group: { r: Float64Array; chirRe: Float64Array; chirIm?: Float64Array }, options: XftrOptions = {}): XftrResult {
  const { r, chirRe, chirIm } = group;
  if (r.length < 2 || chirRe.length !== r.length || (chirIm && chirIm.length !== r.length)) {
    throw new XafsError('EOPTION', 'xftr needs an R grid and χ(R) arrays of the same length (at least 2 points)');
  }
  for (const name of ['rmin', 'rmax', 'dr', 'dr2', 'rw', 'qmaxOut', 'nfft'] as const) checkFinite(`xftr ${name}`, options[name]);
  const nfft = options.nfft ?? NFFT;
  const rmin = options.rmin ?? 0;
  const rmax = options.rmax ?? 20;
  const dr = options.dr ?? 1;
  const dr2 = options.dr2 ?? dr;
  const rw = options.rw ?? 0;
  const win = windowName(options.window ?? 'kaiser', 'rwindow');
  const qmaxOut = options.qmaxOut ?? 30;
  const rstep = r[1] - r[0];
  const rmaxData = r[r.length - 1];
  if (rmin >= rmaxData || rmin >= rmax) {
    throw new XafsError('ERANGE', `R window ${rmin}–${rmax} Å is outside χ(R) (0–${rmaxData.toFixed(3)} Å): choose --rmin below --rmax and below ${rmaxData.toFixed(2)}`);
  }
  const kstep = Math.PI / (rstep * nfft);
  const rgrid = new Float64Array(nfft);
  for (let i = 0; i < nfft; i++) rgrid[i] = rstep * i;
  const w = ftwindowKernel(rgrid, rmin, rmax, dr, dr2, win);
  // complex input carries the one-sided FT: Larch scales by 0.5 (real input: 1)
  const scale = chirIm ? 0.5 : 1.0;
  const z = new Float64Array(2 * nfft);
  const m = Math.min(r.length, nfft);
  for (let i = 0; i < m; i++) {
    const f = scale * w[i] * (rw === 0 ? 1 : rgrid[i] ** rw);
    z[2 * i] = chirRe[i] * f;
    z[2 * i + 1] = (chirIm ? chirIm[i] : 0) * f;
  }
  const out = xftrFast(z, nfft, kstep);
  const nq = Math.trunc(1.05 + qmaxOut / kstep);
  const q = new Float64Array(nq);
  const chiqRe = new Float64Array(nq);
  const chiqIm = new Float64Array(nq);
  const chiqMag = new Float64Array(nq);
  const half = nfft / 2;
  for (let i = 0; i < nq; i++) {
    q[i] = nq > 1 ? (qmaxOut * i) / (nq - 1) : 0;
    if (i < half) {
      chiqRe[i] = out[2 * i];
      chiqIm[i] = out[2 * i + 1];
      chiqMag[i] = Math.hypot(chiqRe[i], chiqIm[i]);
    }
  }
  return { q, chiqRe, chiqIm, chiqMag, rwin: w.slice(0, r.length) };
}
