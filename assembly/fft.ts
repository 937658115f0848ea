// Radix-2 complex FFT on interleaved [re0, im0, re1, im1, ...] data, numpy sign convention:
// forward X[m] = sum x[n] exp(-2*pi*i*n*m/N); inverse includes the 1/N factor.

let twN: i32 = 0;
let twCos = new Float64Array(0);
let twSin = new Float64Array(0);

/** cos/sin(2*pi*j/N) for j < N, cached for the last N used (N is almost always 2048). */
export function twiddles(n: i32): void {
  if (twN == n) return;
  twCos = new Float64Array(n);
  twSin = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const a = (2.0 * Math.PI * <f64>j) / <f64>n;
    unchecked((twCos[j] = Math.cos(a)));
    unchecked((twSin[j] = Math.sin(a)));
  }
  twN = n;
}

export function cosTable(): Float64Array {
  return twCos;
}
export function sinTable(): Float64Array {
  return twSin;
}

export function isPowerOfTwo(n: i32): bool {
  return n > 0 && (n & (n - 1)) == 0;
}

/** In-place FFT of n complex points (z has 2n entries). Raw loads/stores keep the butterflies tight. */
export function fftInPlace(z: Float64Array, n: i32, inverse: bool): void {
  twiddles(n);
  fftCore(z, n, inverse, 1);
}

let revN: i32 = 0;
let revTab = new Int32Array(0);

/** Bit-reversal permutation of n (a power of two), cached for the last n. */
function bitReversal(n: i32): Int32Array {
  if (revN == n) return revTab;
  revTab = new Int32Array(n);
  let bits = 0;
  while ((1 << bits) < n) bits++;
  for (let i = 0; i < n; i++) {
    let r = 0;
    let x = i;
    for (let b = 0; b < bits; b++) {
      r = (r << 1) | (x & 1);
      x >>= 1;
    }
    unchecked((revTab[i] = r));
  }
  revN = n;
  return revTab;
}

/**
 * The FFT with the twiddle table already loaded for a size tabN = n*stride (so a table for nfft
 * serves the half-size transform of a real signal too). Complex values are v128 lanes (re, im):
 * a butterfly is two loads, a complex multiply (two multiplies, a shuffle, an add) and two stores.
 */
export function fftCore(z: Float64Array, n: i32, inverse: bool, stride: i32): void {
  const p = z.dataStart;
  const pc = twCos.dataStart;
  const ps = twSin.dataStart;
  const rev = bitReversal(n);
  for (let i = 0; i < n; i++) {
    const j = unchecked(rev[i]);
    if (i < j) {
      const a = p + (<usize>i << 4);
      const b = p + (<usize>j << 4);
      const va = v128.load(a);
      v128.store(a, v128.load(b));
      v128.store(b, va);
    }
  }
  // first stage (len 2): twiddle 1
  for (let i = 0; i < n; i += 2) {
    const a = p + (<usize>i << 4);
    const va = v128.load(a);
    const vb = v128.load(a, 16);
    v128.store(a, f64x2.add(va, vb));
    v128.store(a, f64x2.sub(va, vb), 16);
  }
  const sgn: f64 = inverse ? 1.0 : -1.0;
  for (let len = 4; len <= n; len <<= 1) {
    const half = len >> 1;
    const step = (n / len) * stride;
    for (let k = 0; k < half; k++) {
      const wr = load<f64>(pc + (<usize>(k * step) << 3));
      const wi = sgn * load<f64>(ps + (<usize>(k * step) << 3));
      const vwr = f64x2.splat(wr);
      const vwi = f64x2(-wi, wi);
      for (let start = 0; start < n; start += len) {
        const a = p + (<usize>(start + k) << 4);
        const b = a + (<usize>half << 4);
        const vb = v128.load(b);
        // t = b·w = (br·wr − bi·wi, br·wi + bi·wr)
        const t = f64x2.add(f64x2.mul(vb, vwr), f64x2.mul(v128.shuffle<f64>(vb, vb, 1, 0), vwi));
        const va = v128.load(a);
        v128.store(a, f64x2.add(va, t));
        v128.store(b, f64x2.sub(va, t));
      }
    }
  }
  if (inverse) {
    const s = f64x2.splat(1.0 / <f64>n);
    for (let i = 0; i < n; i++) {
      const a = p + (<usize>i << 4);
      v128.store(a, f64x2.mul(v128.load(a), s));
    }
  }
}

/** Complex FFT of interleaved data (length 2n, n a power of two); returns a new array. */
export function fft(z: Float64Array, inverse: bool): Float64Array {
  const n = z.length >> 1;
  assert(isPowerOfTwo(n), 'fft length must be a power of two');
  const out = new Float64Array(2 * n);
  for (let i = 0; i < 2 * n; i++) unchecked((out[i] = z[i]));
  fftInPlace(out, n, inverse);
  return out;
}

/**
 * Larch xftf_fast: (kstep/sqrt(pi)) * FFT of the real array y zero-padded to nfft; the first
 * nfft/2 complex values, interleaved.
 */
export function xftfFast(y: Float64Array, nfft: i32, kstep: f64): Float64Array {
  const z = new Float64Array(2 * nfft);
  const m = y.length < nfft ? y.length : nfft;
  for (let i = 0; i < m; i++) unchecked((z[2 * i] = y[i]));
  fftInPlace(z, nfft, false);
  const s = kstep / Math.sqrt(Math.PI);
  const half = nfft >> 1;
  const out = new Float64Array(2 * half);
  for (let i = 0; i < 2 * half; i++) unchecked((out[i] = z[i] * s));
  return out;
}

/**
 * Larch xftr_fast: (4*sqrt(pi)/kstep) * IFFT (with 1/N) of the complex interleaved array zc
 * zero-padded to nfft; the first nfft/2 complex values. No 0.5 factor here.
 */
export function xftrFast(zc: Float64Array, nfft: i32, kstep: f64): Float64Array {
  const z = new Float64Array(2 * nfft);
  const m = zc.length < 2 * nfft ? zc.length : 2 * nfft;
  for (let i = 0; i < m; i++) unchecked((z[i] = zc[i]));
  fftInPlace(z, nfft, true);
  const s = (4.0 * Math.sqrt(Math.PI)) / kstep;
  const half = nfft >> 1;
  const out = new Float64Array(2 * half);
  for (let i = 0; i < 2 * half; i++) unchecked((out[i] = z[i] * s));
  return out;
}
