// Continuous wavelet transforms of k-weighted χ(k) (docs/conventions.md §5.1): Larch 0.9.58's
// cauchy_wavelet and the Morlet wavelet of Funke, Scheinost and Chukalina, PRB 71, 094110 (2005).
//
// Larch computes each R row as IFFT_{2·nfft}(F_i · FFT_{2·nfft}(x)) and keeps the first nk points:
// one 4096-point inverse FFT per row. By the convolution theorem that row is the linear
// convolution W_i[m] = Σ_n x[n]·ψ_i(m − n) (m < nk, n < nx) with the wavelet ψ_i = IFFT(F_i)
// sampled at the lags −(nx−1) … nk−1 only, which a circular convolution of size
// P ≥ 2·max(nx, nk) (1024 for χ(k) up to 25.6 Å⁻¹) reproduces exactly. The wavelets do not depend on
// the data: their P-point spectra are computed once per grid (the "plan", kept between calls),
// and a transform costs one P-point FFT of the data plus one P-point inverse FFT per row. Both
// wavelets satisfy ψ(−d) = conj ψ(d), so their spectra are real: 8·P bytes per row.
import { isPowerOfTwo } from './fft';

/** ln(2π) − ln(n!) with ln(n!) as a sum of logarithms (as Larch writes it). */
function cauchyConst(n: i32): f64 {
  let s: f64 = 0;
  for (let m = 1; m <= n; m++) s += Math.log(<f64>m);
  return Math.log(2.0 * Math.PI) - s;
}

/** Larch's Cauchy filter at bin j as Larch writes it (used for j = 0, where a·ω = 0 is replaced by 1e-19). */
function cauchyFilter(j: i32, a: f64, kstep: f64, n2: i32, csum: f64, nrf: f64): f64 {
  const omega = 2.0 * Math.PI * (((1.0 / kstep) * <f64>j) / <f64>n2);
  let aom = a * omega;
  if (aom == 0.0) aom = 1e-19;
  return Math.exp(csum + nrf * Math.log(aom) - aom);
}

// ---- Inverse FFT of bit-reversed spectra (per row) ----------------------------------------
// The wavelet spectra and the data's spectrum are kept in bit-reversed order (a pointwise product
// does not care about order), so each row's inverse FFT runs its butterflies directly, without a
// reordering pass: radix-4 decimation in time (two radix-2 stages fused, one load and store of
// the data per pair of stages), twiddles precomputed per pass, and the last pass computing only
// the first P/2 outputs (the map never needs more). The 1/P of the inverse is folded into the
// wavelet spectra.

let r4N: i32 = 0;
/** Per radix-4 pass with quarter size h, for j < h: (wA.re, wA.re), (−wA.im, wA.im), the same for wB. */
let r4Tw = new Float64Array(0);
let r4Rev = new Int32Array(0);

function log2(n: i32): i32 {
  let b = 0;
  while (1 << b < n) b++;
  return b;
}

/** Tables of the last few sizes (a map of 512 and one of 1024 points may alternate). */
let r4Sizes: i32[] = [];
let r4Tws: Float64Array[] = [];
let r4Revs: Int32Array[] = [];

function r4Prepare(P: i32): void {
  if (r4N == P) return;
  for (let i = 0; i < r4Sizes.length; i++) {
    if (unchecked(r4Sizes[i]) == P) {
      r4Tw = unchecked(r4Tws[i]);
      r4Rev = unchecked(r4Revs[i]);
      r4N = P;
      return;
    }
  }
  const bits = log2(P);
  const h0 = (bits & 1) != 0 ? 2 : 1;
  let total = 0;
  for (let h = h0; h <= P >> 2; h <<= 2) total += h;
  const tw = new Float64Array(8 * total);
  let o = 0;
  for (let h = h0; h <= P >> 2; h <<= 2) {
    for (let j = 0; j < h; j++) {
      // inverse transform: w = exp(+2πi·j/len); wA for len 2h, wB for len 4h
      const a = (Math.PI * <f64>j) / <f64>h;
      const b = (Math.PI * <f64>j) / <f64>(2 * h);
      const ca = Math.cos(a);
      const sa = Math.sin(a);
      const cb = Math.cos(b);
      const sb = Math.sin(b);
      unchecked((tw[o] = ca));
      unchecked((tw[o + 1] = ca));
      unchecked((tw[o + 2] = -sa));
      unchecked((tw[o + 3] = sa));
      unchecked((tw[o + 4] = cb));
      unchecked((tw[o + 5] = cb));
      unchecked((tw[o + 6] = -sb));
      unchecked((tw[o + 7] = sb));
      o += 8;
    }
  }
  const rev = new Int32Array(P);
  for (let i = 0; i < P; i++) {
    let r = 0;
    let x = i;
    for (let b = 0; b < bits; b++) {
      r = (r << 1) | (x & 1);
      x >>= 1;
    }
    unchecked((rev[i] = r));
  }
  r4Tw = tw;
  r4Rev = rev;
  r4N = P;
  if (r4Sizes.length >= 4) {
    r4Sizes.shift();
    r4Tws.shift();
    r4Revs.shift();
  }
  r4Sizes.push(P);
  r4Tws.push(tw);
  r4Revs.push(rev);
}

/** (ar·wr − ai·wi, ai·wr + ar·wi) with vwr = (wr, wr), vwi = (−wi, wi). */
// @ts-ignore: decorator
@inline
function cmul(a: v128, vwr: v128, vwi: v128): v128 {
  return f64x2.add(f64x2.mul(a, vwr), f64x2.mul(v128.shuffle<f64>(a, a, 1, 0), vwi));
}

/**
 * One row: y = IFFT(X·Ψ) without the 1/P (folded into Ψ), X (P complex values at px) and the
 * real Ψ (P values at ps; ps = 0: y = IFFT(X)) in bit-reversed order, y in natural order; only
 * y[0 … P/2−1] is valid. The product is formed inside the first pass (unit twiddles), so the
 * data are read once for it.
 */
function ifftRow(px: usize, ps: usize, py: usize, P: i32): void {
  const prod = ps != 0;
  const bits = log2(P);
  const h0 = (bits & 1) != 0 ? 2 : 1;
  const negRe = f64x2(-1.0, 1.0);
  let h: i32;
  if (h0 == 2) {
    // radix-2 stage of length 2
    for (let i = 0; i < P; i += 2) {
      const o = <usize>i << 4;
      const or = <usize>i << 3;
      const a = prod ? f64x2.mul(v128.load(px + o), f64x2.splat(load<f64>(ps + or))) : v128.load(px + o);
      const b = prod ? f64x2.mul(v128.load(px + o, 16), f64x2.splat(load<f64>(ps + or, 8))) : v128.load(px + o, 16);
      v128.store(py + o, f64x2.add(a, b));
      v128.store(py + o, f64x2.sub(a, b), 16);
    }
    h = 2;
  } else {
    // radix-4 pass of quarter size 1: all twiddles are 1 (and i)
    for (let i = 0; i < P; i += 4) {
      const o = <usize>i << 4;
      const or = <usize>i << 3;
      const a0 = prod ? f64x2.mul(v128.load(px + o), f64x2.splat(load<f64>(ps + or))) : v128.load(px + o);
      const a1 = prod ? f64x2.mul(v128.load(px + o, 16), f64x2.splat(load<f64>(ps + or, 8))) : v128.load(px + o, 16);
      const a2 = prod ? f64x2.mul(v128.load(px + o, 32), f64x2.splat(load<f64>(ps + or, 16))) : v128.load(px + o, 32);
      const a3 = prod ? f64x2.mul(v128.load(px + o, 48), f64x2.splat(load<f64>(ps + or, 24))) : v128.load(px + o, 48);
      const b0 = f64x2.add(a0, a1);
      const b1 = f64x2.sub(a0, a1);
      const b2 = f64x2.add(a2, a3);
      const d3 = f64x2.sub(a2, a3);
      const b3 = f64x2.mul(v128.shuffle<f64>(d3, d3, 1, 0), negRe); // ·i
      v128.store(py + o, f64x2.add(b0, b2));
      v128.store(py + o, f64x2.add(b1, b3), 16);
      v128.store(py + o, f64x2.sub(b0, b2), 32);
      v128.store(py + o, f64x2.sub(b1, b3), 48);
    }
    h = 4;
  }
  // twiddles of the passes before h
  let tw = r4Tw.dataStart;
  for (let g = h0; g < h; g <<= 2) tw += <usize>g << 6;
  const quarter = P >> 2;
  for (; h <= quarter; h <<= 2) {
    const hs = <usize>h << 4;
    const last = h == quarter;
    for (let s = 0; s < P; s += 4 * h) {
      let tp = tw;
      let q0 = py + (<usize>s << 4);
      for (let j = 0; j < h; j++) {
        const q1 = q0 + hs;
        const q2 = q1 + hs;
        const q3 = q2 + hs;
        const wAr = v128.load(tp);
        const wAi = v128.load(tp, 16);
        const wBr = v128.load(tp, 32);
        const wBi = v128.load(tp, 48);
        const a0 = v128.load(q0);
        const t1 = cmul(v128.load(q1), wAr, wAi);
        const a2 = v128.load(q2);
        const t3 = cmul(v128.load(q3), wAr, wAi);
        const b0 = f64x2.add(a0, t1);
        const b1 = f64x2.sub(a0, t1);
        const u2 = cmul(f64x2.add(a2, t3), wBr, wBi);
        const v3 = cmul(f64x2.sub(a2, t3), wBr, wBi);
        const u3 = f64x2.mul(v128.shuffle<f64>(v3, v3, 1, 0), negRe); // ·i
        v128.store(q0, f64x2.add(b0, u2));
        v128.store(q1, f64x2.add(b1, u3));
        if (!last) {
          v128.store(q2, f64x2.sub(b0, u2));
          v128.store(q3, f64x2.sub(b1, u3));
        }
        tp += 64;
        q0 += 16;
      }
    }
    tw += <usize>h << 6;
  }
}

/** conj(w)·a = (ar·wr + ai·wi, ai·wr − ar·wi) with the inverse's vwr = (wr, wr), vwi = (−wi, wi). */
// @ts-ignore: decorator
@inline
function cmulConj(a: v128, vwr: v128, vwi: v128): v128 {
  return f64x2.sub(f64x2.mul(a, vwr), f64x2.mul(v128.shuffle<f64>(a, a, 1, 0), vwi));
}

/**
 * Forward FFT in place (numpy's sign), natural order in, bit-reversed order out: radix-4
 * decimation in frequency on the tables of r4Prepare(P) (conjugated), the mirror of ifftRow. The
 * spectra it makes are stored as they come out, in the order ifftRow reads them.
 */
function fftToBitrev(z: Float64Array, P: i32): void {
  const p = z.dataStart;
  const bits = log2(P);
  const h0 = (bits & 1) != 0 ? 2 : 1;
  const posIm = f64x2(1.0, -1.0);
  const quarter = P >> 2;
  // table offset of each pass (ascending h from h0, 64 bytes per j)
  for (let h = quarter; h >= h0; h >>= 2) {
    let tw = r4Tw.dataStart;
    for (let g = h0; g < h; g <<= 2) tw += <usize>g << 6;
    const hs = <usize>h << 4;
    for (let s = 0; s < P; s += 4 * h) {
      let tp = tw;
      let q0 = p + (<usize>s << 4);
      for (let j = 0; j < h; j++) {
        const q1 = q0 + hs;
        const q2 = q1 + hs;
        const q3 = q2 + hs;
        const wAr = v128.load(tp);
        const wAi = v128.load(tp, 16);
        const wBr = v128.load(tp, 32);
        const wBi = v128.load(tp, 48);
        const a0 = v128.load(q0);
        const a1 = v128.load(q1);
        const a2 = v128.load(q2);
        const a3 = v128.load(q3);
        // length 4h: b2 = (a0 − a2)·wB^j, b3 = (a1 − a3)·wB^j·(−i)
        const b0 = f64x2.add(a0, a2);
        const b1 = f64x2.add(a1, a3);
        const b2 = cmulConj(f64x2.sub(a0, a2), wBr, wBi);
        const d3 = cmulConj(f64x2.sub(a1, a3), wBr, wBi);
        const b3 = f64x2.mul(v128.shuffle<f64>(d3, d3, 1, 0), posIm); // ·(−i)
        // length 2h
        v128.store(q0, f64x2.add(b0, b1));
        v128.store(q1, cmulConj(f64x2.sub(b0, b1), wAr, wAi));
        v128.store(q2, f64x2.add(b2, b3));
        v128.store(q3, cmulConj(f64x2.sub(b2, b3), wAr, wAi));
        tp += 64;
        q0 += 16;
      }
    }
  }
  if (h0 == 2) {
    for (let i = 0; i < P; i += 2) {
      const q = p + (<usize>i << 4);
      const a = v128.load(q);
      const b = v128.load(q, 16);
      v128.store(q, f64x2.add(a, b));
      v128.store(q, f64x2.sub(a, b), 16);
    }
  }
}

class Plan {
  kind: i32 = 0;
  nfft: i32 = 0;
  kstep: f64 = 0;
  eta: f64 = 0;
  sigma: f64 = 0;
  /** The R rows (Å) the spectra were made for. */
  r: Float64Array = new Float64Array(0);
  p: i32 = 0;
  /** P-point spectra of the wavelets (real), row after row, bit-reversed, times 1/P. */
  spec: Float64Array = new Float64Array(0);
  /** 1 where a row's wavelet vanishes to the last bit (Larch's r[0] = 1e-19 row): output zeros. */
  zero: Uint8Array = new Uint8Array(0);
}

const MAX_PLANS = 3;
let plans: Plan[] = [];

function sameR(p: Plan, r: Float64Array): bool {
  const q = p.r;
  if (q.length != r.length) return false;
  for (let i = 0; i < r.length; i++) if (unchecked(q[i]) != unchecked(r[i])) return false;
  return true;
}

/**
 * The convolution size for n = max(nx, nk): the wavelet's lags −P/2 … P/2−1 cover every m − n
 * (m < nk, n < nx) when n ≤ P/2, so one plan serves all spectra up to k = (P/2)·kstep (25.6 Å⁻¹
 * for P = 1024). At P = 2·nfft the circular convolution is Larch's own.
 */
function planSize(n: i32, nfft: i32): i32 {
  let P = 16;
  while (P >> 1 < n) P <<= 1;
  return P > 2 * nfft ? 2 * nfft : P;
}

function findPlan(kind: i32, r: Float64Array, kstep: f64, nfft: i32, P: i32, eta: f64, sigma: f64): Plan | null {
  for (let i = 0; i < plans.length; i++) {
    const p = unchecked(plans[i]);
    if (p.kind == kind && p.p == P && p.nfft == nfft && p.kstep == kstep && (kind == 0 || (p.eta == eta && p.sigma == sigma)) && sameR(p, r)) return p;
  }
  return null;
}

function buildPlan(kind: i32, r: Float64Array, kstep: f64, nfft: i32, n: i32, eta: f64, sigma: f64): Plan {
  const nr = r.length;
  const n2 = 2 * nfft;
  const P = planSize(n, nfft);
  const p = new Plan();
  p.kind = kind;
  p.nfft = nfft;
  p.kstep = kstep;
  p.eta = eta;
  p.sigma = sigma;
  p.r = new Float64Array(nr);
  for (let i = 0; i < nr; i++) unchecked((p.r[i] = r[i]));
  p.p = P;
  p.spec = new Float64Array(P * nr);
  p.zero = new Uint8Array(nr);
  // the lag tables h_i(d), d = −P/2 … P/2−1 (slot d mod P), complex
  const lagTab = new Float64Array(2 * P * nr);
  const half = P >> 1;
  if (kind == 0) {
    // Cauchy (Muñoz, Argoul and Farges 2003, as Larch): F_i(ω) = exp(ln 2π − ln n! + n·ln(a_i ω) − a_i ω),
    // n = nrpts, a_i = n/(2 r_i), ω_j = 2π·(j/kstep)/(2·nfft), a_i ω = 0 replaced by 1e-19.
    // Pass 1 (all rows, 2·nfft-point inverse FFTs): the wavelet ψ_i = IFFT(F_i) at the lags the
    // convolution needs, stored in the row's slot; pass 2 (P-point FFTs): their spectra. Two
    // passes keep each FFT size's tables loaded.
    const csum = cauchyConst(nr);
    const z = new Float64Array(2 * n2);
    const psi = new Float64Array(2 * n2);
    const nrf = <f64>nr;
    r4Prepare(n2);
    const rev2 = r4Rev;
    // ω_j and ln ω_j, shared by the rows: ln(a·ω) = ln a + ln ω (differs from Larch's log(a·ω) by
    // rounding only, ~1e-13 relative in F)
    const om = new Float64Array(nfft);
    const lnOm = new Float64Array(nfft);
    for (let j = 1; j < nfft; j++) {
      const w = 2.0 * Math.PI * (((1.0 / kstep) * <f64>j) / <f64>n2);
      unchecked((om[j] = w));
      unchecked((lnOm[j] = Math.log(w)));
    }
    for (let i = 0; i < nr; i++) {
      const a = nrf / (2.0 * unchecked(r[i]));
      let any = false;
      z.fill(0.0);
      // ln F is concave in ω with its maximum at a·ω = n: walk out from the peak both ways and
      // stop where exp underflows to 0 (it stays 0 beyond); bins never reached are Larch's zeros.
      // F goes in bit-reversed order, for the inverse FFT below.
      let jp = <i32>Math.floor(nrf / (a * 2.0 * Math.PI * ((1.0 / kstep) / <f64>n2)));
      if (jp >= nfft) jp = nfft - 1;
      if (jp < 1) jp = 1;
      const c0 = csum + nrf * Math.log(a);
      for (let j = jp; j < nfft; j++) {
        const f = Math.exp(c0 + nrf * unchecked(lnOm[j]) - a * unchecked(om[j]));
        if (f == 0.0) break;
        any = true;
        unchecked((z[2 * rev2[j]] = f));
      }
      for (let j = jp - 1; j >= 1; j--) {
        const f = Math.exp(c0 + nrf * unchecked(lnOm[j]) - a * unchecked(om[j]));
        if (f == 0.0) break;
        any = true;
        unchecked((z[2 * rev2[j]] = f));
      }
      const f0 = cauchyFilter(0, a, kstep, n2, csum, nrf);
      if (f0 != 0.0) any = true;
      unchecked((z[0] = f0));
      if (!any) {
        unchecked((p.zero[i] = 1));
        continue;
      }
      // ψ_i(d) = IFFT_{2·nfft}(F_i)(d) with Larch's 1/(2·nfft), for d = 0 … nfft−1; F is real, so
      // ψ_i(−d) = conj ψ_i(d)
      ifftRow(z.dataStart, 0, psi.dataStart, n2);
      const sc = 1.0 / <f64>n2;
      const o = 2 * P * i;
      for (let d = 0; d < half; d++) {
        unchecked((lagTab[o + 2 * d] = psi[2 * d] * sc));
        unchecked((lagTab[o + 2 * d + 1] = psi[2 * d + 1] * sc));
      }
      // d = −1 … −P/2; at P = 2·nfft the slot of lag −P/2 = −nfft holds ψ(nfft) (= ψ(−nfft), real),
      // which the half-length inverse does not produce: it is summed directly
      const dmax = half < nfft ? half : nfft - 1;
      for (let d = 1; d <= dmax; d++) {
        unchecked((lagTab[o + 2 * (P - d)] = psi[2 * d] * sc));
        unchecked((lagTab[o + 2 * (P - d) + 1] = -psi[2 * d + 1] * sc));
      }
      if (dmax < half) {
        // ψ(nfft) = (1/n2)·Σ_j F_j·(−1)^j (real)
        let sum: f64 = 0;
        for (let j = 0; j < nfft; j++) sum += (j & 1) != 0 ? -unchecked(z[2 * rev2[j]]) : unchecked(z[2 * rev2[j]]);
        unchecked((lagTab[o + 2 * (P - half)] = sum * sc));
        unchecked((lagTab[o + 2 * (P - half) + 1] = 0.0));
      }
    }
  } else {
    // Morlet (Funke et al. 2005, eq. 3-4): W(k, r) = √s ∫ x(k') ψ*(s(k' − k)) dk' with s = 2r/η and
    // ψ(y) = exp(iηy)·exp(−y²/2σ²)/(σ√(2π)); on the grid, W[m] = Σ_n x[n]·h(m − n) with
    // h(d) = kstep·√s·exp(−(s·d·kstep)²/2σ²)·exp(2i·r·d·kstep)/(σ√(2π)).
    const c = kstep / (sigma * Math.sqrt(2.0 * Math.PI));
    for (let i = 0; i < nr; i++) {
      const ri = unchecked(r[i]);
      const s = (2.0 * ri) / eta;
      const amp = c * Math.sqrt(s);
      const g = (s * kstep) / sigma;
      const w = 2.0 * ri * kstep;
      const o = 2 * P * i;
      let any = false;
      // h(−d) = conj h(d); the Gaussian falls with |d|, so stop where it underflows
      for (let d = 0; d <= half; d++) {
        const u = g * <f64>d;
        const e = amp * Math.exp(-0.5 * u * u);
        if (e == 0.0) break;
        any = true;
        const re = e * Math.cos(w * <f64>d);
        const im = e * Math.sin(w * <f64>d);
        if (d < half) {
          unchecked((lagTab[o + 2 * d] = re));
          unchecked((lagTab[o + 2 * d + 1] = im));
        }
        if (d > 0) {
          unchecked((lagTab[o + 2 * (P - d)] = re));
          unchecked((lagTab[o + 2 * (P - d) + 1] = -im));
        }
      }
      if (!any) unchecked((p.zero[i] = 1));
    }
  }
  // pass 2: the lag tables' P-point spectra, in bit-reversed order and times 1/P. Both wavelets
  // have h(−d) = conj h(d) (Cauchy: F is real; Morlet: a Gaussian times exp(2i·r·d·kstep)), so
  // with the unused slot −P/2 made real the spectrum is real: only its real part is kept.
  r4Prepare(P);
  const row = new Float64Array(2 * P);
  const inv = 1.0 / <f64>P;
  const spec = p.spec;
  for (let i = 0; i < nr; i++) {
    if (unchecked(p.zero[i]) != 0) continue;
    const o = 2 * P * i;
    for (let j = 0; j < 2 * P; j++) unchecked((row[j] = lagTab[o + j]));
    unchecked((row[2 * half + 1] = 0.0));
    fftToBitrev(row, P);
    const oR = P * i;
    for (let j = 0; j < P; j++) unchecked((spec[oR + j] = row[2 * j] * inv));
  }
  return p;
}

/**
 * The wavelet transform of x (k^w·χ on kstep·[0, nx), nx ≤ nfft/2) on the rows r (Å), nk output
 * columns (kstep·[0, nk)). kind 0: Cauchy (Larch: the order is r.length), 1: Morlet (eta, sigma).
 * Returns [|W| (nr·nk) | Re W (nr·nk) | Im W (nr·nk)], row-major; only |W| when wantComplex is false.
 */
export function waveletTransform(kind: i32, x: Float64Array, nk: i32, r: Float64Array, kstep: f64, nfft: i32, eta: f64, sigma: f64, wantComplex: bool): Float64Array {
  const nr = r.length;
  const nx = x.length;
  assert(isPowerOfTwo(nfft) && nx > 0 && nx <= nfft / 2 && nk > 0 && nk <= nfft && nr > 0, 'waveletTransform: bad sizes');
  const found = findPlan(kind, r, kstep, nfft, planSize(nk > nx ? nk : nx, nfft), eta, sigma);
  let pl: Plan;
  if (found == null) {
    pl = buildPlan(kind, r, kstep, nfft, nk > nx ? nk : nx, eta, sigma);
    if (plans.length >= MAX_PLANS) plans.shift();
    plans.push(pl);
  } else pl = found;
  const P = pl.p;
  r4Prepare(P);
  const X = new Float64Array(2 * P);
  for (let n = 0; n < nx; n++) unchecked((X[2 * n] = x[n]));
  fftToBitrev(X, P);
  const plane = nr * nk;
  const out = new Float64Array(wantComplex ? 3 * plane : plane);
  const y = new Float64Array(2 * P);
  const spec = pl.spec;
  const px = X.dataStart;
  const py = y.dataStart;
  for (let i = 0; i < nr; i++) {
    const row = i * nk;
    if (unchecked(pl.zero[i]) != 0) continue; // already zeros
    ifftRow(px, spec.dataStart + (<usize>(P * i) << 3), py, P);
    if (wantComplex) {
      for (let m = 0; m < nk; m++) {
        const re = unchecked(y[2 * m]);
        const im = unchecked(y[2 * m + 1]);
        unchecked((out[row + m] = Math.sqrt(re * re + im * im)));
        unchecked((out[plane + row + m] = re));
        unchecked((out[2 * plane + row + m] = im));
      }
    } else {
      for (let m = 0; m < nk; m++) {
        const re = unchecked(y[2 * m]);
        const im = unchecked(y[2 * m + 1]);
        unchecked((out[row + m] = Math.sqrt(re * re + im * im)));
      }
    }
  }
  return out;
}

/** Drops the cached wavelet spectra (memory: 16·P·nr bytes each). */
export function waveletFree(): void {
  plans = [];
}
