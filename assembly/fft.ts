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

/**
 * The FFT with the twiddle table already loaded for a size tabN = n*stride (so a table for nfft
 * serves the half-size transform of a real signal too).
 */
export function fftCore(z: Float64Array, n: i32, inverse: bool, stride: i32): void {
  const p = z.dataStart;
  const pc = twCos.dataStart;
  const ps = twSin.dataStart;
  // bit reversal
  let j = 0;
  for (let i = 0; i < n - 1; i++) {
    if (i < j) {
      const a = p + (<usize>i << 4);
      const b = p + (<usize>j << 4);
      const re = load<f64>(a);
      const im = load<f64>(a, 8);
      store<f64>(a, load<f64>(b));
      store<f64>(a, load<f64>(b, 8), 8);
      store<f64>(b, re);
      store<f64>(b, im, 8);
    }
    let m = n >> 1;
    while (m >= 1 && j >= m) {
      j -= m;
      m >>= 1;
    }
    j += m;
  }
  const sgn: f64 = inverse ? 1.0 : -1.0;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const step = (n / len) * stride;
    for (let k = 0; k < half; k++) {
      const wr = load<f64>(pc + (<usize>(k * step) << 3));
      const wi = sgn * load<f64>(ps + (<usize>(k * step) << 3));
      for (let start = 0; start < n; start += len) {
        const a = p + (<usize>(start + k) << 4);
        const b = a + (<usize>half << 4);
        const br = load<f64>(b);
        const bi = load<f64>(b, 8);
        const tr = br * wr - bi * wi;
        const ti = br * wi + bi * wr;
        const ar = load<f64>(a);
        const ai = load<f64>(a, 8);
        store<f64>(a, ar + tr);
        store<f64>(a, ai + ti, 8);
        store<f64>(b, ar - tr);
        store<f64>(b, ai - ti, 8);
      }
    }
  }
  if (inverse) {
    const s = 1.0 / <f64>n;
    for (let i = 0; i < 2 * n; i++) store<f64>(p + (<usize>i << 3), load<f64>(p + (<usize>i << 3)) * s);
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
