// Wavelet transforms (src/xafs/wavelet.ts): the Cauchy wavelet against Larch 0.9.58's
// cauchy_wavelet on six measured spectra (fixtures/wavelet/), the Morlet wavelet against a direct
// O(N²) evaluation of Funke's integral and against the analytic transform of a sine, and the
// maxima against what the papers say about light and heavy backscatterers.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { XafsError } from '../../src/errors.js';
import { readColumns, readSpectrum } from '../../src/io/index.js';
import { processSpectrum } from '../../src/process.js';
import { cauchyWavelet, morletWavelet, wavelet, waveletMaxima, type WaveletResult } from '../../src/xafs/wavelet.js';

const fixture = (rel: string) => new URL(`../../fixtures/${rel}`, import.meta.url);

interface LarchWavelet {
  source: string;
  mu: string;
  params: { kweight: number; rmax_out: number };
  k: number[];
  chi: number[];
  wavelet: { r: number[]; mag_shape: [number, number]; mag: number[]; max_at: { k: number; r: number } };
}
const larch = (name: string): LarchWavelet => JSON.parse(gunzipSync(readFileSync(fixture(`wavelet/larch_${name}.json.gz`))).toString('utf8'));

function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

function chiFile(rel: string): { k: Float64Array; chi: Float64Array } {
  const c = readColumns(fixture(rel).pathname);
  return { k: c.columns[0].values, chi: c.columns[1].values };
}

function thrown(f: () => unknown): XafsError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(XafsError);
    return e as XafsError;
  }
  throw new Error('expected an XafsError');
}

const SPECTRA = ['cu_metal_rt', 'cu_romanglass', 'fe2o3_rt1', 'feo_rt1', 'v_foil', 'znse_zn'];

describe('Cauchy wavelet = Larch 0.9.58 cauchy_wavelet', () => {
  for (const name of SPECTRA) {
    it(`${name}: |W| within relative L2 1e-6 of Larch (kweight 2, rmax_out 6), same grids and maximum`, () => {
      const ref = larch(name);
      const w = cauchyWavelet(ref.k, ref.chi, { kweight: ref.params.kweight, rmaxOut: ref.params.rmax_out });
      const [nr, nk] = ref.wavelet.mag_shape;
      expect(w.kind).toBe('cauchy');
      expect(w.r.length).toBe(nr);
      expect(w.k.length).toBe(nk);
      // r = linspace(0, 6, 196) with r[0] = 1e-19 (the reference carries 7 digits)
      expect(w.r[0]).toBe(1e-19);
      expect(relL2(w.r, ref.wavelet.r)).toBeLessThan(1e-7);
      expect(relL2(w.k, ref.k)).toBeLessThan(1e-12);
      // the reference arrays (χ and |W|) carry 7 significant digits: 1.4e-7 is their rounding
      expect(relL2(w.mag, ref.wavelet.mag)).toBeLessThan(1e-6);
      expect(w.max.k).toBeCloseTo(ref.wavelet.max_at.k, 9);
      expect(w.max.r).toBeCloseTo(ref.wavelet.max_at.r, 9);
    });
  }

  it('from μ(E) through pre_edge and autobk (cu_metal_rt.xdi, ln(i0/itrans)) the map is still Larch’s to 1e-6', () => {
    const ref = larch('cu_metal_rt');
    const res = processSpectrum(readSpectrum(fixture('spectra/cu_metal_rt.xdi').pathname, { mu: ref.mu }), { autobk: { rbkg: 1, kweight: 2 } });
    const w = wavelet(res.bkg.k, res.bkg.chi, { kweight: 2, rmaxOut: 6 });
    expect(relL2(w.mag, ref.wavelet.mag)).toBeLessThan(1e-6);
  });

  it('default grid: rmax_out 10 gives Larch’s 326 rows (round((10 − 1e-7)/(π/2048/0.05))), |W|² = Re² + Im²', () => {
    const ref = larch('feo_rt1');
    const w = wavelet(ref.k, ref.chi, { complex: true });
    expect(wavelet(ref.k, ref.chi).re).toBeUndefined();
    expect(w.r.length).toBe(326);
    expect(w.r[325]).toBe(10);
    expect(w.r[1]).toBeCloseTo(10 / 325, 15);
    expect(w.mag.length).toBe(326 * ref.k.length);
    let worst = 0;
    for (let i = 0; i < w.mag.length; i++) worst = Math.max(worst, Math.abs(Math.hypot(w.re![i], w.im![i]) - w.mag[i]));
    expect(worst).toBeLessThan(1e-15 * w.max.value + 1e-300);
    // Larch's first row (r = 1e-19, an infinitely wide wavelet) is zero
    for (let j = 0; j < w.k.length; j++) expect(w.mag[j]).toBe(0);
  });

  it('equals Larch’s formula evaluated by direct DFTs (no FFT): nfft 2048, a short χ(k), nfft 512 (χ cut to nfft/2 points)', () => {
    // cauchy_wavelet as docs/conventions.md §5.1 writes it: T = DFT_{2N}(x)[0:N], F_i(ω) the Cauchy
    // filter, W_i = IDFT_{2N}(F_i·T)[0:nk], with x = k²χ cut or padded to N/2 points
    const full = larch('cu_metal_rt');
    // 350 points (a 1024-point convolution), a short χ(k) of 60 points (128), and nfft 512 (1024 = 2·nfft: Larch's own circle)
    for (const [nfft, npts] of [
      [2048, 350],
      [2048, 60],
      [512, 350],
    ]) {
      const ref = { k: full.k.slice(0, npts), chi: full.chi.slice(0, npts) };
      const w = cauchyWavelet(ref.k, ref.chi, { kweight: 2, rmaxOut: 6, nfft, complex: true });
      const nk = ref.k.length;
      const nx = Math.min(nk, nfft / 2);
      const n2 = 2 * nfft;
      const x = ref.chi.slice(0, nx).map((c, i) => c * ref.k[i] ** 2);
      const Tre = new Float64Array(nfft);
      const Tim = new Float64Array(nfft);
      for (let j = 0; j < nfft; j++) {
        for (let n = 0; n < nx; n++) {
          Tre[j] += x[n] * Math.cos((2 * Math.PI * j * n) / n2);
          Tim[j] -= x[n] * Math.sin((2 * Math.PI * j * n) / n2);
        }
      }
      const nr = w.r.length;
      let lnFact = 0;
      for (let m = 1; m <= nr; m++) lnFact += Math.log(m);
      for (const row of [5, 60, 150]) {
        const a = nr / (2 * w.r[row]);
        const F = Float64Array.from({ length: nfft }, (_, j) => {
          const aom = a * ((2 * Math.PI * j) / (0.05 * n2)) || 1e-19;
          return Math.exp(Math.log(2 * Math.PI) - lnFact + nr * Math.log(aom) - aom);
        });
        let worst = 0;
        let scale = 0;
        for (let m = 0; m < nk; m++) {
          let re = 0;
          let im = 0;
          for (let j = 0; j < nfft; j++) {
            if (F[j] === 0) continue;
            const c = Math.cos((2 * Math.PI * j * m) / n2);
            const s = Math.sin((2 * Math.PI * j * m) / n2);
            re += F[j] * (Tre[j] * c - Tim[j] * s);
            im += F[j] * (Tre[j] * s + Tim[j] * c);
          }
          re /= n2;
          im /= n2;
          scale = Math.max(scale, Math.hypot(re, im));
          worst = Math.max(worst, Math.abs(w.re![row * nk + m] - re), Math.abs(w.im![row * nk + m] - im));
        }
        expect(scale).toBeGreaterThan(0);
        expect(worst / scale).toBeLessThan(1e-11);
      }
    }
  });

  it('a sine sin(2kR₀) has its Cauchy ridge at R₀ (the filter peaks at ω = 2r) within one grid step', () => {
    const R0 = 2.5;
    const k = Float64Array.from({ length: 401 }, (_, i) => i * 0.05);
    const chi = k.map((kk) => Math.sin(2 * kk * R0));
    const w = cauchyWavelet(k, chi, { rmaxOut: 6 });
    const step = w.r[2] - w.r[1];
    const col = 200; // k = 10, far from both ends
    let best = 1;
    for (let i = 1; i < w.r.length; i++) if (w.mag[i * w.k.length + col] > w.mag[best * w.k.length + col]) best = i;
    expect(Math.abs(w.r[best] - R0)).toBeLessThanOrEqual(step / 2 + 1e-12);
  });

  it('kmin/kmax cut the map’s columns only: the values are those of the full map', () => {
    const ref = larch('cu_metal_rt');
    const full = wavelet(ref.k, ref.chi, { kweight: 2, rmaxOut: 6 });
    const cut = wavelet(ref.k, ref.chi, { kweight: 2, rmaxOut: 6, kmin: 3, kmax: 12 });
    expect(cut.k[0]).toBeCloseTo(3, 12);
    expect(cut.k[cut.k.length - 1]).toBeCloseTo(12, 12);
    expect(cut.k.length).toBe(181);
    const nkFull = full.k.length;
    let worst = 0;
    for (let i = 0; i < cut.r.length; i++)
      for (let j = 0; j < cut.k.length; j++) worst = Math.max(worst, Math.abs(cut.mag[i * 181 + j] - full.mag[i * nkFull + 60 + j]));
    expect(worst).toBeLessThan(1e-13 * full.max.value);
  });

  it('χ(k) off the 0.05 Å⁻¹ grid is interpolated linearly onto it (χ = 0 below the first k)', () => {
    const ref = larch('cu_metal_rt');
    // the same χ(k) given at k = 0.02 + 0.05·i: on the grid, χ(0.05·m) is the straight line through its neighbours
    const k = ref.k.slice(0, -1).map((kk) => kk + 0.02);
    const chi = ref.chi.slice(0, -1).map((c, i) => c + (0.02 / 0.05) * (ref.chi[i + 1] - c));
    const w = wavelet(k, chi, { kweight: 2, rmaxOut: 6 });
    const m = Math.trunc(k[k.length - 1] / 0.05 + 1e-6) + 1;
    expect(w.k.length).toBe(m);
    const onGrid = Array.from({ length: m }, (_, i) => {
      const kk = i * 0.05;
      if (kk < k[0]) return 0;
      const j = Math.min(Math.floor((kk - 0.02) / 0.05 + 1e-9), k.length - 2);
      return chi[j] + ((kk - k[j]) / (k[j + 1] - k[j])) * (chi[j + 1] - chi[j]);
    });
    const direct = wavelet(Array.from({ length: m }, (_, i) => i * 0.05), onGrid, { kweight: 2, rmaxOut: 6 });
    expect(relL2(w.mag, direct.mag)).toBeLessThan(1e-12);
  });

  it('χ(k) on a grid that starts above 0 is the same transform as with zeros below its first k', () => {
    const ref = larch('cu_metal_rt');
    const from2 = wavelet(ref.k.slice(40), ref.chi.slice(40), { kweight: 2, rmaxOut: 6 });
    const zeros = wavelet(ref.k, ref.chi.map((c, i) => (i < 40 ? 0 : c)), { kweight: 2, rmaxOut: 6 });
    expect(from2.k[0]).toBe(0);
    expect(relL2(from2.mag, zeros.mag)).toBeLessThan(1e-12);
  });
});

/**
 * Funke et al. (2005) eq. 3-4 evaluated directly: W(k_m, r) = √s·Δk·Σ_n x_n ψ*(s(k_n − k_m)),
 * s = 2r/η, ψ(y) = exp(iηy − y²/2σ²)/(σ√(2π)); O(N²) per row, no FFT.
 */
function morletDirect(k: ArrayLike<number>, x: ArrayLike<number>, r: number, eta: number, sigma: number): { re: Float64Array; im: Float64Array } {
  const n = k.length;
  const dk = k[1] - k[0];
  const s = (2 * r) / eta;
  const c = 1 / (sigma * Math.sqrt(2 * Math.PI));
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    let a = 0;
    let b = 0;
    for (let j = 0; j < n; j++) {
      const y = s * (k[j] - k[m]);
      const g = c * Math.exp((-y * y) / (2 * sigma * sigma));
      // ψ*(y) = g·(cos ηy − i sin ηy)
      a += x[j] * g * Math.cos(eta * y);
      b -= x[j] * g * Math.sin(eta * y);
    }
    re[m] = Math.sqrt(s) * dk * a;
    im[m] = Math.sqrt(s) * dk * b;
  }
  return { re, im };
}

describe('Morlet wavelet (Funke, Scheinost, Chukalina, PRB 71, 094110 (2005))', () => {
  it('equals the direct O(N²) evaluation of Funke’s integral (cu_metal_rt, k², η = 5, σ = 1 and η = 10, σ = 0.7)', () => {
    const ref = larch('cu_metal_rt');
    const x = ref.chi.map((c, i) => c * ref.k[i] ** 2);
    for (const [eta, sigma] of [
      [5, 1],
      [10, 0.7],
    ]) {
      const w = morletWavelet(ref.k, ref.chi, { kweight: 2, rmaxOut: 6, eta, sigma, complex: true });
      const nk = w.k.length;
      for (const row of [1, 20, 73, 120, 195]) {
        const d = morletDirect(ref.k, x, w.r[row], eta, sigma);
        const scale = Math.max(...d.re.map(Math.abs), ...d.im.map(Math.abs));
        let worst = 0;
        for (let m = 0; m < nk; m++) {
          worst = Math.max(worst, Math.abs(w.re![row * nk + m] - d.re[m]), Math.abs(w.im![row * nk + m] - d.im[m]));
        }
        expect(worst / scale).toBeLessThan(1e-12);
      }
    }
  });

  it('uses the Cauchy map’s grids (k and R compare point by point); defaults η = 5, σ = 1', () => {
    const ref = larch('v_foil');
    const c = cauchyWavelet(ref.k, ref.chi, { kweight: 2 });
    const m = morletWavelet(ref.k, ref.chi, { kweight: 2 });
    const m51 = morletWavelet(ref.k, ref.chi, { kweight: 2, eta: 5, sigma: 1 });
    expect(m.kind).toBe('morlet');
    expect(Array.from(m.r)).toEqual(Array.from(c.r));
    expect(Array.from(m.k)).toEqual(Array.from(c.k));
    expect(Array.from(m.mag)).toEqual(Array.from(m51.mag));
  });

  it('a sine sin(2kR₀): ridge at the analytic 2R₀/(1 + √(1 + 2/(ησ)²)) within one grid step, |W| = ½√(η/2r) there', () => {
    const R0 = 2.5;
    const k = Float64Array.from({ length: 401 }, (_, i) => i * 0.05);
    const chi = k.map((kk) => Math.sin(2 * kk * R0));
    for (const [eta, sigma] of [
      [5, 1],
      [10, 1],
    ]) {
      const w = morletWavelet(k, chi, { rmaxOut: 6, eta, sigma });
      const step = w.r[2] - w.r[1];
      const col = 200; // k = 10 Å⁻¹: the wavelet (width ση/2r ≤ 2 Å⁻¹) is far from the data ends
      let best = 1;
      for (let i = 1; i < w.r.length; i++) if (w.mag[i * w.k.length + col] > w.mag[best * w.k.length + col]) best = i;
      // |W(r)| = ½·(η/2r)^½·exp(−(ησ)²(R₀/r − 1)²/2): its maximum
      const rRidge = (2 * R0) / (1 + Math.sqrt(1 + 2 / (eta * sigma) ** 2));
      expect(Math.abs(w.r[best] - rRidge)).toBeLessThanOrEqual(step / 2 + 1e-12);
      expect(Math.abs(w.r[best] - R0)).toBeLessThan(0.025 * R0);
      const rb = w.r[best];
      const analytic = 0.5 * Math.sqrt(eta / (2 * rb)) * Math.exp(-((eta * sigma) ** 2) * (R0 / rb - 1) ** 2 / 2);
      expect(w.mag[best * w.k.length + col] / analytic).toBeCloseTo(1, 6);
    }
  });
});

describe('maxima: where |W| peaks, overall and per R window', () => {
  const maxAt = (w: WaveletResult, windows: Array<[number, number]>) => waveletMaxima(w, windows);

  it('Cu foil: the Cu–Cu maximum lies near 8 Å⁻¹ (k³ weight, as papers quote ~8.0 Å⁻¹)', () => {
    const ref = larch('cu_metal_rt');
    const w = cauchyWavelet(ref.k, ref.chi, { kweight: 3, rmaxOut: 6 });
    const [cuCu] = maxAt(w, [[1.5, 2.8]]);
    expect(cuCu.k).toBeCloseTo(8.1, 6);
    expect(cuCu.r).toBeCloseTo(2.246, 3);
    expect(w.max).toEqual({ k: cuCu.k, r: cuCu.r, value: cuCu.value });
  });

  it('a heavier neighbour peaks at higher k: Cu–N below Cu–Ru (cu_dualatom.chi), Ru–N below Ru–Cu (ru_dualatom.chi)', () => {
    const cu = chiFile('fits/cu_dualatom.chi');
    const [cuN, cuRu] = maxAt(cauchyWavelet(cu.k, cu.chi, { kweight: 3, rmaxOut: 6 }), [
      [1.2, 1.9],
      [2.0, 2.7],
    ]);
    // Cu–N at ~6.6 Å⁻¹ (papers: "~6.7 Å⁻¹ for Cu–N"), Cu–Ru far higher
    expect(cuN.k).toBeCloseTo(6.6, 6);
    expect(cuRu.k).toBeCloseTo(10.65, 6);
    expect(cuN.r).toBeGreaterThan(1.2);
    expect(cuN.r).toBeLessThan(1.9);
    const ru = chiFile('fits/ru_dualatom.chi');
    const [ruN, ruCu] = maxAt(cauchyWavelet(ru.k, ru.chi, { kweight: 3, rmaxOut: 6 }), [
      [1.2, 1.9],
      [2.0, 2.7],
    ]);
    expect(ruCu.k - ruN.k).toBeGreaterThan(1.5);
    // and the Cu foil's Cu–Cu (8.1 Å⁻¹) lies between Cu–N (light) and Cu–Ru (heavy)
    expect(cuN.k).toBeLessThan(8.1);
    expect(cuRu.k).toBeGreaterThan(8.1);
  });

  it('without windows: one entry over the whole map, equal to max', () => {
    const ref = larch('znse_zn');
    const w = wavelet(ref.k, ref.chi, { kweight: 2, rmaxOut: 6 });
    const all = waveletMaxima(w);
    expect(all).toEqual([{ rmin: 0, rmax: 6, ...w.max }]);
    // brute force
    let best = 0;
    for (let i = 1; i < w.mag.length; i++) if (w.mag[i] > w.mag[best]) best = i;
    expect(w.max.value).toBe(w.mag[best]);
    expect(w.max.k).toBe(w.k[best % w.k.length]);
  });
});

describe('bad input: clear messages', () => {
  const ref = larch('feo_rt1');
  const last = ref.k[ref.k.length - 1];

  it('empty χ(k), too short χ(k), kmax beyond the data, Morlet options on a Cauchy map, an R window outside the map', () => {
    expect(thrown(() => wavelet([], [])).message).toBe('χ(k) is empty: a wavelet transform needs χ(k) over at least 1 Å⁻¹');
    expect(thrown(() => wavelet([0, 0.05, 0.1], [1, 2, 3])).message).toBe(
      'χ(k) is too short for a wavelet transform: it spans k = 0–0.1 Å⁻¹ (3 points); at least 1 Å⁻¹ is needed',
    );
    expect(thrown(() => wavelet(ref.k, ref.chi, { kmax: 18 })).message).toBe(`--kmax 18 Å⁻¹ is beyond the data (χ(k) ends at k = ${last} Å⁻¹): choose --kmax ≤ ${last}`);
    expect(thrown(() => wavelet(ref.k, ref.chi, { kmin: 9, kmax: 8 })).message).toBe('--kmin 9 Å⁻¹ must be below --kmax 8 Å⁻¹');
    expect(thrown(() => wavelet(ref.k, ref.chi, { kmin: 30 })).message).toBe(`--kmin 30 Å⁻¹ must be below the end of the data, k = ${last} Å⁻¹`);
    expect(thrown(() => wavelet(ref.k, ref.chi, { eta: 10 })).message).toBe(
      '--eta and --sigma set the Morlet wavelet: add --kind morlet, or leave them out for the Cauchy wavelet',
    );
    expect(thrown(() => wavelet(ref.k, ref.chi, { kind: 'morlet', sigma: 0 })).message).toBe('--sigma must be above 0 (got 0)');
    expect(thrown(() => wavelet(ref.k, ref.chi, { kweight: -1 })).message).toBe('--kweight must be ≥ 0 (got -1): k^w at k = 0 would be infinite');
    expect(thrown(() => wavelet(ref.k, ref.chi, { rmaxOut: 40 })).message).toBe(
      '--rmax-out 40 Å is beyond the largest R that χ(k) on a 0.05 Å⁻¹ grid holds (π/(2·kstep) = 31.4 Å): use --rmax-out 31.4 or less',
    );
    expect(thrown(() => wavelet(ref.k, ref.chi.slice(1))).message).toBe(`k and chi differ in length (${ref.k.length} and ${ref.k.length - 1} points)`);
    expect(thrown(() => wavelet([0, 1, Number.NaN], [1, 2, 3])).message).toBe('χ(k) has a non-finite value at point 3 (k = NaN, chi = 3): remove it before the wavelet transform');
    const w = wavelet(ref.k, ref.chi, { rmaxOut: 6 });
    expect(thrown(() => waveletMaxima(w, [[7, 8]])).message).toBe(
      'R window 7–8 Å holds no row of the map (R from 0 to 6 Å, step 0.0308 Å): widen it or raise --rmax-out',
    );
    expect(thrown(() => waveletMaxima(w, [[3, 2]])).message).toBe('R window 3,2: give two numbers rmin,rmax (Å) with rmin < rmax');
  });
});
