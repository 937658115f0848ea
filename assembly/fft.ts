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

/** In-place FFT of n complex points (z has 2n entries). */
export function fftInPlace(z: Float64Array, n: i32, inverse: bool): void {
  twiddles(n);
  // bit reversal
  let j = 0;
  for (let i = 0; i < n - 1; i++) {
    if (i < j) {
      const re = unchecked(z[2 * i]);
      const im = unchecked(z[2 * i + 1]);
      unchecked((z[2 * i] = z[2 * j]));
      unchecked((z[2 * i + 1] = z[2 * j + 1]));
      unchecked((z[2 * j] = re));
      unchecked((z[2 * j + 1] = im));
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
    const step = n / len;
    for (let start = 0; start < n; start += len) {
      for (let k = 0; k < half; k++) {
        const wr = unchecked(twCos[k * step]);
        const wi = sgn * unchecked(twSin[k * step]);
        const a = 2 * (start + k);
        const b = 2 * (start + k + half);
        const br = unchecked(z[b]);
        const bi = unchecked(z[b + 1]);
        const tr = br * wr - bi * wi;
        const ti = br * wi + bi * wr;
        const ar = unchecked(z[a]);
        const ai = unchecked(z[a + 1]);
        unchecked((z[a] = ar + tr));
        unchecked((z[a + 1] = ai + ti));
        unchecked((z[b] = ar - tr));
        unchecked((z[b + 1] = ai - ti));
      }
    }
  }
  if (inverse) {
    const s = 1.0 / <f64>n;
    for (let i = 0; i < 2 * n; i++) unchecked((z[i] *= s));
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
