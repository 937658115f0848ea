// The WASM complex FFT and Larch's xftf_fast/xftr_fast primitives (docs/conventions.md §3.4),
// checked against the independent fft.js package and against closed-form transforms.
import FFT from 'fft.js';
import { describe, expect, it } from 'vitest';
import { fft, xftfFast, xftrFast } from '../../src/wasm.js';
import { maxAbs, maxAbsDiff, rng } from '../xafs/helpers.js';

function randomComplex(n: number, seed: number): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: 2 * n }, () => 2 * r() - 1);
}

function fftjs(z: Float64Array, inverse: boolean): Float64Array {
  const n = z.length / 2;
  const f = new FFT(n);
  const out = f.createComplexArray();
  if (inverse) f.inverseTransform(out, Array.from(z));
  else f.transform(out, Array.from(z));
  return Float64Array.from(out);
}

const SIZES = [2, 4, 8, 16, 64, 256, 1024, 2048, 4096];

describe('fft (WASM radix-2, interleaved re/im)', () => {
  it.each(SIZES)('forward FFT of %i random points equals fft.js (relative error < 1e-12)', (n) => {
    const z = randomComplex(n, 1000 + n);
    const ours = fft(z, false);
    const ref = fftjs(z, false);
    expect(ours.length).toBe(2 * n);
    expect(maxAbsDiff(ours, ref) / maxAbs(ref)).toBeLessThan(1e-12);
  });

  it.each(SIZES)('inverse FFT of %i random points equals fft.js, 1/N included (relative error < 1e-12)', (n) => {
    const z = randomComplex(n, 2000 + n);
    const ours = fft(z, true);
    const ref = fftjs(z, true);
    expect(maxAbsDiff(ours, ref) / maxAbs(ref)).toBeLessThan(1e-12);
  });

  it('uses numpy\'s sign: the forward FFT of exp(+2πi·3n/N) is N at bin 3 and 0 elsewhere', () => {
    const n = 64;
    const z = new Float64Array(2 * n);
    for (let j = 0; j < n; j++) {
      z[2 * j] = Math.cos((2 * Math.PI * 3 * j) / n);
      z[2 * j + 1] = Math.sin((2 * Math.PI * 3 * j) / n);
    }
    const expected = new Float64Array(2 * n);
    expected[2 * 3] = n;
    expect(maxAbsDiff(fft(z, false), expected)).toBeLessThan(1e-12);
  });

  it.each([8, 512, 2048])('inverse(forward(z)) returns z for %i points (max abs error < 1e-14)', (n) => {
    const z = randomComplex(n, 3000 + n);
    expect(maxAbsDiff(fft(fft(z, false), true), z)).toBeLessThan(1e-14);
    expect(maxAbsDiff(fft(fft(z, true), false), z)).toBeLessThan(1e-14);
  });

  it('does not modify its input', () => {
    const z = randomComplex(16, 7);
    const copy = Float64Array.from(z);
    fft(z, false);
    fft(z, true);
    expect(Array.from(z)).toEqual(Array.from(copy));
  });
});

describe('xftfFast: (kstep/√π)·FFT, zero-padded to nfft, first nfft/2 points', () => {
  it.each([
    [2048, 0.05],
    [1024, 0.04],
  ])('a delta at n0 = 7 (nfft %i, kstep %f) gives (kstep/√π)·exp(−2πi·7m/N) for m < N/2', (nfft, kstep) => {
    const y = new Float64Array(400); // shorter than nfft: the kernel zero-pads
    const n0 = 7;
    y[n0] = 1;
    const out = xftfFast(y, nfft, kstep);
    expect(out.length).toBe(nfft); // nfft/2 complex values, interleaved
    const s = kstep / Math.sqrt(Math.PI);
    const expected = new Float64Array(nfft);
    for (let m = 0; m < nfft / 2; m++) {
      expected[2 * m] = s * Math.cos((2 * Math.PI * n0 * m) / nfft);
      expected[2 * m + 1] = -s * Math.sin((2 * Math.PI * n0 * m) / nfft);
    }
    expect(maxAbsDiff(out, expected) / s).toBeLessThan(1e-12);
  });

  it('a pure cosine cos(2π·40n/N) over all N points gives (kstep/√π)·N/2 at R index 40 and 0 elsewhere', () => {
    const nfft = 2048;
    const kstep = 0.05;
    const p = 40;
    const y = Float64Array.from({ length: nfft }, (_, j) => Math.cos((2 * Math.PI * p * j) / nfft));
    const out = xftfFast(y, nfft, kstep);
    const peak = (kstep / Math.sqrt(Math.PI)) * (nfft / 2);
    const expected = new Float64Array(nfft);
    expected[2 * p] = peak;
    expect(maxAbsDiff(out, expected) / peak).toBeLessThan(1e-12);
  });
});

describe('xftrFast: (4√π/kstep)·IFFT (1/N included), no 0.5 factor', () => {
  it.each([
    [2048, 0.05],
    [512, 0.1],
  ])('a delta at m0 = 5 (nfft %i, kstep %f) gives (4√π/kstep)·exp(+2πi·5n/N)/N for n < N/2', (nfft, kstep) => {
    const z = new Float64Array(2 * 326); // shorter than 2·nfft: zero-padded
    const m0 = 5;
    z[2 * m0] = 1;
    const out = xftrFast(z, nfft, kstep);
    expect(out.length).toBe(nfft);
    const s = (4 * Math.sqrt(Math.PI)) / kstep / nfft;
    const expected = new Float64Array(nfft);
    for (let n = 0; n < nfft / 2; n++) {
      expected[2 * n] = s * Math.cos((2 * Math.PI * m0 * n) / nfft);
      expected[2 * n + 1] = s * Math.sin((2 * Math.PI * m0 * n) / nfft);
    }
    expect(maxAbsDiff(out, expected) / s).toBeLessThan(1e-12);
  });

  it('an imaginary delta i·δ(m − 3) gives (4√π/kstep)/N·i·exp(+2πi·3n/N)', () => {
    const nfft = 256;
    const kstep = 0.05;
    const z = new Float64Array(2 * nfft);
    z[2 * 3 + 1] = 1;
    const out = xftrFast(z, nfft, kstep);
    const s = (4 * Math.sqrt(Math.PI)) / kstep / nfft;
    const expected = new Float64Array(nfft);
    for (let n = 0; n < nfft / 2; n++) {
      expected[2 * n] = -s * Math.sin((2 * Math.PI * 3 * n) / nfft);
      expected[2 * n + 1] = s * Math.cos((2 * Math.PI * 3 * n) / nfft);
    }
    expect(maxAbsDiff(out, expected) / s).toBeLessThan(1e-12);
  });

  it('xftrFast of xftfFast of a cosine returns 2× the cosine (the one-sided transform has no 0.5)', () => {
    // y = cos(2π·p·n/N): the forward keeps only the +p bin, (kstep/√π)·N/2; the reverse of that bin
    // is (4√π/kstep)·(kstep/√π)·(N/2)/N·exp(+2πipn/N) = 2·exp(+2πipn/N), whose real part is 2·y.
    const nfft = 2048;
    const kstep = 0.05;
    const p = 100;
    const y = Float64Array.from({ length: nfft }, (_, j) => Math.cos((2 * Math.PI * p * j) / nfft));
    const back = xftrFast(xftfFast(y, nfft, kstep), nfft, kstep);
    const re = Float64Array.from({ length: nfft / 2 }, (_, n) => back[2 * n]);
    const twice = Float64Array.from({ length: nfft / 2 }, (_, n) => 2 * y[n]);
    expect(maxAbsDiff(re, twice)).toBeLessThan(1e-12);
  });
});

describe('fft input checks', () => {
  it('refuses a length that is not a power of two, and keeps working afterwards', () => {
    expect(() => fft(new Float64Array(2 * 6), false)).toThrow(/fft length must be a power of two/);
    const z = randomComplex(32, 99);
    expect(maxAbsDiff(fft(z, false), fftjs(z, false))).toBeLessThan(1e-12);
  });
});
