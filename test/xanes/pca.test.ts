// PCA: the eigen kernel against its defining equations, pca_train/pca_fit against Larch 0.9.58
// (cyanobacteria.prj Appendix A and the Fe series, fixtures/xanes/lcf), the number of significant
// components against the known number of species, target transformation and reconstruction.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { XafsError } from '../../src/errors.js';
import { symEigen } from '../../src/wasm.js';
import { loadSeries } from '../../src/xanes/inputs.js';
import { prepareGroup, type XanesGroup } from '../../src/xanes/matrix.js';
import { pcaFit, pcaReconstruct, pcaTrain, targetTransform, type PcaModel } from '../../src/xanes/pca.js';

const FIX = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const LARCH = JSON.parse(readFileSync(`${FIX}xanes/lcf/cyanobacteria.larch.json`, 'utf8'));
const STD6 = ['Au foil', 'Au3 Cl aq', 'Au hydroxide', 'Au sulphide', 'Au thiocyanide', 'Au thiosulphate aq'];

let cyan: Record<string, XanesGroup>;
let model: PcaModel;
let series2: XanesGroup[];
let series3: XanesGroup[];
let refs: Record<string, XanesGroup>;

beforeAll(() => {
  cyan = Object.fromEntries(loadSeries([`${FIX}athena/cyanobacteria.prj`]).map((s) => [s.name, prepareGroup(s, { preEdge: { pre1: -150, pre2: -30, nnorm: 1, norm1: 150, norm2: 850 } })]));
  model = pcaTrain(STD6.map((n) => cyan[n]!), { xmin: 11870, xmax: 12030 });
  series2 = loadSeries([`${FIX}series/fe_series.dat`]).map((s) => prepareGroup(s));
  series3 = loadSeries([`${FIX}xanes/lcf/fe3_series.dat`]).map((s) => prepareGroup(s));
  refs = Object.fromEntries(
    [
      ['FeO', `${FIX}series/fe_ref_FeO.xdi`],
      ['Fe2O3', `${FIX}series/fe_ref_Fe2O3.xdi`],
      ['Fe_foil', `${FIX}xanes/lcf/fe3_ref_foil.xdi`],
    ].map(([n, f]) => [n, prepareGroup({ ...loadSeries([f!])[0]!, name: n! }, { normalizedInput: true })]),
  );
});

/** Signs that align our components with Larch's (LAPACK's signs are arbitrary). */
const signsAgainst = (m: PcaModel, larch: number[][]) =>
  m.components.map((c, i) => {
    let s = 0;
    c.forEach((v, j) => (s += v * larch[i]![j]!));
    return Math.sign(s);
  });

describe('symmetric eigen kernel (tred2/tql2)', () => {
  it('A·v = λ·v with orthonormal v, eigenvalues ascending, on a random 40×40 matrix', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    const n = 40;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = rnd();
    const { values, vectors } = symEigen(A, n);
    for (let k = 1; k < n; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]!);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += A[i * n + j]! * vectors[j * n + k]!;
        expect(Math.abs(av - values[k]! * vectors[i * n + k]!)).toBeLessThan(1e-12);
      }
      for (let l = 0; l < n; l++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += vectors[i * n + k]! * vectors[i * n + l]!;
        expect(Math.abs(d - (k === l ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
  });

  it('the eigenvalues of a diagonal matrix with repeated values', () => {
    const { values } = symEigen(Float64Array.of(3, 0, 0, 0, 1, 0, 0, 0, 3), 3);
    expect(Array.from(values)).toEqual([1, 3, 3]);
  });
});

describe('Larch parity: pca_train and pca_fit (cyanobacteria.prj, Appendix A)', () => {
  const ref = LARCH.pca_train;

  it('159 points, Appendix A eigenvalues (1e-6 relative), their sum = 159', () => {
    expect(model.x.length).toBe(159);
    expect(Array.from(model.x)).toEqual(ref.x);
    const appendix = [121.990199, 27.3013468, 6.66180928, 2.9254905, 0.121153926];
    appendix.forEach((v, i) => expect(Math.abs(model.eigenvalues[i]! / v - 1)).toBeLessThan(1e-6));
    ref.eigenvalues.slice(0, 5).forEach((v: number, i: number) => expect(Math.abs(model.eigenvalues[i]! / v - 1)).toBeLessThan(1e-12));
    expect(Math.abs(model.eigenvalues[5]!)).toBeLessThan(1e-12);
    expect(model.eigenvalues.reduce((a, b) => a + b, 0)).toBeCloseTo(159, 10);
  });

  it('IND with its duplicated first value and nsig = 2', () => {
    const appendix = [2.84427847, 2.84427847, 2.39721483, 2.52040572, 3.89076014, 4.38901745];
    appendix.forEach((v, i) => expect(Math.abs(model.ind[i]! / v - 1)).toBeLessThan(5e-9));
    ref.ind.forEach((v: number, i: number) => expect(Math.abs(model.ind[i]! / v - 1)).toBeLessThan(1e-12));
    expect(model.nsig).toBe(2);
    expect(model.nsig).toBe(ref.nsig);
  });

  it('variances, mean and components (up to sign)', () => {
    ref.variances.forEach((v: number, i: number) => expect(Math.abs(model.variances[i]! - v)).toBeLessThan(1e-14));
    ref.mean.forEach((v: number, i: number) => expect(Math.abs(model.mean[i]! - v)).toBeLessThan(1e-12));
    const s = signsAgainst(model, ref.components);
    for (let i = 0; i < 5; i++) ref.components[i].forEach((v: number, j: number) => expect(Math.abs(s[i]! * model.components[i]![j]! - v)).toBeLessThan(1e-10));
  });

  it('pca_fit(d_720, ncomps=4): Appendix A weights, chi_square and scale', () => {
    const s = signsAgainst(model, ref.components);
    const f = pcaFit(cyan['720']!, model, { ncomps: 4 });
    const w = Array.from(f.weights, (v, i) => s[i]! * v);
    expect(w.map((v) => Number(v.toFixed(8)))).toEqual([0.06927097, -0.03700557, 0.10234882, 0.12203231]);
    expect(Number(f.chiSquare.toPrecision(6))).toBe(0.00694044);
    expect(Number(f.scale.toPrecision(9))).toBe(1.00493977);
  });

  it('every pca_fit of the reference file (2–4 components, with and without rescale)', () => {
    const s = signsAgainst(model, ref.components);
    for (const [key, r] of Object.entries(LARCH.pca_fit) as [string, { weights: number[]; chi_square: number; scale: number }][]) {
      const [g, nc, mode] = key.split('|');
      const f = pcaFit(cyan[g!]!, model, { ncomps: Number(nc), rescale: mode !== 'norescale' });
      r.weights.forEach((v, i) => expect(Math.abs(s[i]! * f.weights[i]! - v), `${key} w${i}`).toBeLessThan(1e-9));
      expect(Math.abs(f.chiSquare / r.chi_square - 1), `${key} chi_square`).toBeLessThan(1e-7);
      expect(Math.abs(f.scale - r.scale), `${key} scale`).toBeLessThan(1e-9);
    }
  });
});

describe('Larch parity: pca_train of the 200-spectrum Fe series', () => {
  it('e0 − 40 … e0 + 110 eV (301 points, 200 spectra: the n×n side): eigenvalues, IND, nsig', () => {
    const ref = LARCH.series_pca.windows['-40|110'];
    const m = pcaTrain(series2, { emin: -40, emax: 110 });
    expect(m.x.length).toBe(ref.npts);
    ref.eigenvalues.forEach((v: number, i: number) => expect(Math.abs(m.eigenvalues[i]! / v - 1), `λ${i}`).toBeLessThan(1e-6));
    expect(m.eigenvalues.reduce((a, b) => a + b, 0)).toBeCloseTo(ref.eigenvalue_sum, 8);
    ref.ind.forEach((v: number, i: number) => expect(Math.abs(m.ind[i]! / v - 1), `ind${i}`).toBeLessThan(1e-6));
    expect(m.nsig).toBe(ref.nsig);
  });

  it('e0 − 20 … e0 + 30 eV (101 points, fewer than the spectra: the p×p side): eigenvalues', () => {
    const ref = LARCH.series_pca.windows['-20|30'];
    const m = pcaTrain(series2, { emin: -20, emax: 30 });
    expect(m.x.length).toBe(ref.npts);
    ref.eigenvalues.forEach((v: number, i: number) => expect(Math.abs(m.eigenvalues[i]! / v - 1), `λ${i}`).toBeLessThan(1e-6));
    expect(m.eigenvalues.reduce((a, b) => a + b, 0)).toBeCloseTo(ref.eigenvalue_sum, 8);
  });
});

describe('significant components, target transformation, reconstruction', () => {
  it('reports 2 components for the two-species Fe series (Larch’s nsig does not)', () => {
    for (const [emin, emax] of [
      [-40, 110],
      [-20, 60],
      [-100, 300],
    ] as const) {
      const m = pcaTrain(series2, { emin, emax });
      expect(m.ncomponents, `${emin}…${emax}`).toBe(2);
    }
    expect(pcaTrain(series2, { emin: -40, emax: 110 }).nsig).toBe(34);
  });

  it('reports 3 components for the three-species series', () => {
    expect(pcaTrain(series3, { emin: -40, emax: 110 }).ncomponents).toBe(3);
    expect(pcaTrain(series3).ncomponents).toBe(3);
  });

  it('the noise estimate is the series’ noise (0.002 in μ, step 1.2: 0.0017 normalized) within 20 %', () => {
    const m = pcaTrain(series2, { emin: -40, emax: 110 });
    expect(m.tfa.noiseEstimated).toBe(true);
    expect(m.tfa.noise / (0.002 / 1.2)).toBeGreaterThan(0.8);
    expect(m.tfa.noise / (0.002 / 1.2)).toBeLessThan(1.2);
    // a given noise decides instead: at 1e-4 the jitter components count
    expect(pcaTrain(series2, { emin: -40, emax: 110, noise: 1e-4 }).ncomponents).toBeGreaterThan(2);
  });

  it('target transformation: the true references pass (SPOIL < 3), a wrong one fails (> 6)', () => {
    const m = pcaTrain(series3, { emin: -40, emax: 110 });
    for (const n of ['FeO', 'Fe2O3', 'Fe_foil']) expect(targetTransform(m, refs[n]!).spoil, n).toBeLessThan(3);
    const m2 = pcaTrain(series2, { emin: -40, emax: 110 });
    expect(targetTransform(m2, refs.FeO!).spoil).toBeLessThan(3);
    expect(targetTransform(m2, refs.Fe2O3!).spoil).toBeLessThan(3);
    expect(targetTransform(m2, refs.Fe_foil!).spoil).toBeGreaterThan(6);
    const shifted = { ...refs.FeO!, name: 'FeO+3eV', energy: refs.FeO!.energy.map((e) => e + 3) };
    expect(targetTransform(m2, shifted).spoil).toBeGreaterThan(6);
  });

  it('a target inside the factor space has no error: AET = 0, SPOIL = 0', () => {
    const m = pcaTrain(series2, { emin: -40, emax: 110 });
    const { spectra } = pcaReconstruct(m, 2);
    const inside: XanesGroup = { ...series2[50]!, name: 'inside', energy: m.x, norm: spectra[50]!, flat: spectra[50]!, dmude: spectra[50]! };
    const t = targetTransform(m, inside, { ncomponents: 2 });
    expect(t.aet).toBeLessThan(1e-12);
    expect(t.spoil).toBeLessThan(1e-6);
  });

  it('reconstruction from the significant components leaves about the noise', () => {
    const m = pcaTrain(series2, { emin: -40, emax: 110 });
    const { rms } = pcaReconstruct(m);
    // overall about the noise; the spectra with the largest energy jitter a little more
    const overall = Math.sqrt(rms.reduce((a, r) => a + r * r, 0) / rms.length);
    expect(overall).toBeLessThan(1.2 * m.tfa.noise);
    for (const r of rms) expect(r).toBeLessThan(2.5 * m.tfa.noise);
    const one = pcaReconstruct(m, 1).rms;
    expect(Math.max(...one)).toBeGreaterThan(10 * m.tfa.noise);
  });

  it('refuses fewer than 3 spectra', () => {
    let err: XafsError | undefined;
    try {
      pcaTrain(series2.slice(0, 2));
    } catch (e) {
      err = e as XafsError;
    }
    expect(err?.code).toBe('ETOOFEW');
    expect(err?.message).toBe('PCA needs at least 3 spectra (got 2)');
  });
});
