// xftf and xftr as single kernels (Larch 0.9.58 semantics, docs/conventions.md §3.2-3.3), so a
// transform is one boundary crossing with small arrays instead of several with nfft-sized ones.
import { twiddles, cosTable, sinTable, fftCore, isPowerOfTwo, fftInPlace } from './fft';
import { interpLinear } from './interp';

/**
 * Forward transform of a real array y (length <= nfft, zero-padded): the first nout values of
 * scale·FFT_nfft(y), interleaved. For a power-of-two nfft the real-input FFT runs as one complex
 * FFT of nfft/2 points.
 */
export function realFftHead(y: Float64Array, ny: i32, nfft: i32, nout: i32, scale: f64): Float64Array {
  const out = new Float64Array(2 * nout);
  if (!isPowerOfTwo(nfft) || nfft < 4) {
    const z = new Float64Array(2 * nfft);
    for (let i = 0; i < ny && i < nfft; i++) unchecked((z[2 * i] = y[i]));
    fftInPlace(z, nfft, false);
    for (let i = 0; i < 2 * nout; i++) unchecked((out[i] = z[i] * scale));
    return out;
  }
  const h = nfft >> 1;
  const z = new Float64Array(2 * h);
  const m = ny < nfft ? ny : nfft;
  for (let i = 0; i < m; i++) unchecked((z[i] = y[i])); // z_j = y[2j] + i·y[2j+1]
  twiddles(nfft);
  fftCore(z, h, false, 2);
  const cs = cosTable();
  const sn = sinTable();
  for (let k = 0; k < nout; k++) {
    const k2 = k == 0 ? 0 : h - k;
    const ar = unchecked(z[2 * k]);
    const ai = unchecked(z[2 * k + 1]);
    const br = unchecked(z[2 * k2]);
    const bi = -unchecked(z[2 * k2 + 1]); // conj(Z[h-k])
    // even part E = (A + B)/2, odd part O = (A - B)/(2i)
    const er = 0.5 * (ar + br);
    const ei = 0.5 * (ai + bi);
    const or_ = 0.5 * (ai - bi);
    const oi = -0.5 * (ar - br);
    // Y[k] = E + exp(-2πik/N)·O
    const c = unchecked(cs[k]);
    const s = -unchecked(sn[k]);
    unchecked((out[2 * k] = scale * (er + c * or_ - s * oi)));
    unchecked((out[2 * k + 1] = scale * (ei + c * oi + s * or_)));
  }
  return out;
}

/**
 * xftf. k, chi: the data; w: the window on the uniform grid kstep·[0..next), which covers
 * max(k_data, kmax + dk2);
 * npts = trunc(1.01 + max(k)/kstep) points are transformed. Returns
 * [re (irmax), im (irmax), mag (irmax), kwin (npts)].
 */
export function xftfFull(k: Float64Array, chi: Float64Array, w: Float64Array, kweight: f64, nfft: i32, kstep: f64, npts: i32, next: i32, irmax: i32): Float64Array {
  const kg = new Float64Array(next);
  for (let i = 0; i < next; i++) unchecked((kg[i] = kstep * <f64>i));
  const chiU = interpLinear(k, chi, kg);
  let m = npts < next ? npts : next;
  if (m > nfft) m = nfft;
  const y = new Float64Array(m);
  const iw = <i32>kweight;
  const intW = <f64>iw == kweight && iw >= 0 && iw <= 8;
  for (let i = 0; i < m; i++) {
    const kk = unchecked(kg[i]);
    let p: f64 = 1.0;
    if (intW) for (let j = 0; j < iw; j++) p *= kk;
    else p = Math.pow(kk, kweight);
    unchecked((y[i] = chiU[i] * p * w[i]));
  }
  const nout = irmax < nfft / 2 ? irmax : nfft / 2;
  const z = realFftHead(y, m, nfft, nout, kstep / Math.sqrt(Math.PI));
  const out = new Float64Array(3 * irmax + npts);
  for (let i = 0; i < nout; i++) {
    const re = unchecked(z[2 * i]);
    const im = unchecked(z[2 * i + 1]);
    unchecked((out[i] = re));
    unchecked((out[irmax + i] = im));
    unchecked((out[2 * irmax + i] = Math.sqrt(re * re + im * im)));
  }
  for (let i = 0; i < npts && i < next; i++) unchecked((out[3 * irmax + i] = w[i]));
  return out;
}

/**
 * xftr. chirRe/chirIm (nr; chirIm empty for real input) on the R grid rstep·[0..nr); w: the R
 * window on rstep·[0..nfft) (at least nr points). kstep is
 * π/(rstep·nfft) whatever the forward step was (Larch ignores the kstep argument here).
 * Returns [re (nq), im (nq), mag (nq), rwin (nr)].
 */
export function xftrFull(chirRe: Float64Array, chirIm: Float64Array, w: Float64Array, rstep: f64, rw: f64, nfft: i32, nq: i32): Float64Array {
  const nr = chirRe.length;
  const cplx = chirIm.length == nr;
  const scale: f64 = cplx ? 0.5 : 1.0;
  const z = new Float64Array(2 * nfft);
  const m = nr < nfft ? nr : nfft;
  for (let i = 0; i < m; i++) {
    const f = scale * unchecked(w[i]) * (rw == 0.0 ? 1.0 : Math.pow(rstep * <f64>i, rw));
    unchecked((z[2 * i] = chirRe[i] * f));
    if (cplx) unchecked((z[2 * i + 1] = chirIm[i] * f));
  }
  fftInPlace(z, nfft, true);
  const kstep = Math.PI / (rstep * <f64>nfft);
  const s = (4.0 * Math.sqrt(Math.PI)) / kstep;
  const half = nfft >> 1;
  const out = new Float64Array(3 * nq + nr);
  for (let i = 0; i < nq && i < half; i++) {
    const re = unchecked(z[2 * i]) * s;
    const im = unchecked(z[2 * i + 1]) * s;
    unchecked((out[i] = re));
    unchecked((out[nq + i] = im));
    unchecked((out[2 * nq + i] = Math.sqrt(re * re + im * im)));
  }
  for (let i = 0; i < nr && i < nfft; i++) unchecked((out[3 * nq + i] = w[i]));
  return out;
}
