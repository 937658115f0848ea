// Linear combination fitting: the NNLS kernel against closed forms, the physical fit against the
// known fractions of synthetic series (fixtures/series, fixtures/xanes/lcf/fe3_*), and the Larch
// parity mode against Larch 0.9.58 (docs/conventions.md §A, fixtures/xanes/lcf).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { XafsError } from '../../src/errors.js';
import { nnls } from '../../src/wasm.js';
import { loadSeries } from '../../src/xanes/inputs.js';
import { lcf, lcfSeries, lincomboFit, lincomboFitAll, type LcfResult } from '../../src/xanes/lcf.js';
import { prepareGroup, type XanesGroup } from '../../src/xanes/matrix.js';

const FIX = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const LARCH = JSON.parse(readFileSync(`${FIX}xanes/lcf/cyanobacteria.larch.json`, 'utf8'));
const APPENDIX_PRE_EDGE = { pre1: -150, pre2: -30, nnorm: 1, norm1: 150, norm2: 850 };

type Truth = { spectra: { fractions: Record<string, number>; energy_shift: number }[] };
const truth2: Truth = JSON.parse(readFileSync(`${FIX}series/fe_series_truth.json`, 'utf8'));
const truth3: Truth = JSON.parse(readFileSync(`${FIX}xanes/lcf/fe3_series_truth.json`, 'utf8'));

/** A normalized reference (norm column) prepared as the CLI prepares it. */
const reference = (file: string, name: string) => prepareGroup({ ...loadSeries([file])[0], name }, { normalizedInput: true });

let cyan: Record<string, XanesGroup>;
let series2: XanesGroup[];
let series3: XanesGroup[];
let FeO: XanesGroup;
let Fe2O3: XanesGroup;
let foil: XanesGroup;

beforeAll(() => {
  cyan = Object.fromEntries(loadSeries([`${FIX}athena/cyanobacteria.prj`]).map((s) => [s.name, prepareGroup(s, { preEdge: APPENDIX_PRE_EDGE })]));
  series2 = loadSeries([`${FIX}series/fe_series.dat`]).map((s) => prepareGroup(s));
  series3 = loadSeries([`${FIX}xanes/lcf/fe3_series.dat`]).map((s) => prepareGroup(s));
  FeO = reference(`${FIX}series/fe_ref_FeO.xdi`, 'FeO');
  Fe2O3 = reference(`${FIX}series/fe_ref_Fe2O3.xdi`, 'Fe2O3');
  foil = reference(`${FIX}xanes/lcf/fe3_ref_foil.xdi`, 'Fe_foil');
});

/** Largest |fitted − true| over every spectrum and standard, for weights and fractions. */
function worst(results: LcfResult[], truth: Truth) {
  let weights = 0;
  let fractions = 0;
  results.forEach((r, i) => {
    for (const [name, f] of Object.entries(truth.spectra[i]!.fractions)) {
      weights = Math.max(weights, Math.abs(r.weights[name]!.value - f));
      fractions = Math.max(fractions, Math.abs(r.fractions[name]!.value - f));
    }
  });
  return { weights, fractions };
}

describe('NNLS kernel (Lawson–Hanson)', () => {
  it('solves an unconstrained-feasible problem exactly and clamps a negative weight to 0', () => {
    // columns e1, e2, e1+e2 on 3 rows; b = (1, 2, 0): least squares wants a negative third weight
    const A = Float64Array.of(1, 0, 0, 0, 1, 0, 1, 1, 1); // column-major 3×3
    const r = nnls(A, Float64Array.of(1, 2, 0), 3, 3);
    // with w3 = 0 the rest is exact: w = (1, 2, 0), residual 0
    expect(r.w[0]).toBeCloseTo(1, 14);
    expect(r.w[1]).toBeCloseTo(2, 14);
    expect(r.w[2]).toBe(0);
    expect(r.chi2).toBeCloseTo(0, 20);
  });

  it('on the simplex: the projection of a point onto Σw = 1, w ≥ 0', () => {
    // A = I (3×3): min ‖w − b‖² on the simplex is the Euclidean projection of b
    const A = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
    const r = nnls(A, Float64Array.of(0.5, 0.4, -0.3), 3, 3, true);
    // projection: subtract τ from the positive part so that it sums to 1: (0.55, 0.45, 0)
    expect(r.w[0]).toBeCloseTo(0.55, 14);
    expect(r.w[1]).toBeCloseTo(0.45, 14);
    expect(r.w[2]).toBe(0);
    expect(r.w[0]! + r.w[1]! + r.w[2]!).toBe(1);
  });
});

describe('lcf: the physical fit (NNLS, sum-to-one, energy shifts)', () => {
  it('recovers the fractions of every spectrum of the 200-spectrum Fe series within 0.01', () => {
    for (const eshift of ['common', 'each'] as const) {
      const res = lcfSeries(series2, [FeO, Fe2O3], { sumToOne: true, eshift });
      expect(res).toHaveLength(200);
      const w = worst(res, truth2);
      expect(w.fractions, `eshift ${eshift}: fractions`).toBeLessThan(0.01);
      expect(w.weights, `eshift ${eshift}: weights`).toBeLessThan(0.01);
      for (const r of res) {
        expect(Math.abs(r.sum - 1)).toBeLessThan(1e-12);
        expect(r.weights.FeO!.value).toBeGreaterThanOrEqual(0);
        expect(r.weights.Fe2O3!.value).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('the fitted common shift follows the monochromator jitter of the series', () => {
    const res = lcfSeries(series2, [FeO, Fe2O3], { sumToOne: true, eshift: 'common' });
    const a = res.map((r) => r.eshift!.FeO!.value);
    const b = truth2.spectra.map((s) => s.energy_shift);
    const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
    const ma = mean(a);
    const mb = mean(b);
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    a.forEach((v, i) => {
      sab += (v - ma) * (b[i]! - mb);
      saa += (v - ma) ** 2;
      sbb += (b[i]! - mb) ** 2;
    });
    // model Σ w·s(E − δ): a spectrum shifted up by the jitter needs standards shifted up
    expect(sab / Math.sqrt(saa * sbb)).toBeGreaterThan(0.95);
  });

  it('without a shift the jitter costs accuracy (why a common shift is the default)', () => {
    const res = lcfSeries(series2, [FeO, Fe2O3], { sumToOne: true, eshift: 'none' });
    expect(worst(res, truth2).fractions).toBeGreaterThan(0.01);
  });

  it('recovers the fractions of the three-reference series within 0.01', () => {
    for (const eshift of ['common', 'each'] as const) {
      const res = lcfSeries(series3, [FeO, Fe2O3, foil], { sumToOne: true, eshift });
      expect(worst(res, truth3).fractions, `eshift ${eshift}`).toBeLessThan(0.01);
    }
  });

  it('is exact on a noise-free mixture in μ, whatever its offset and edge step', () => {
    const e = FeO.energy;
    const mu = e.map((_, i) => 0.7 + 2.5 * (0.3 * FeO.mu![i]! + 0.7 * Fe2O3.mu![i]!));
    const s = prepareGroup({ energy: e, mu, name: 'mix' });
    const free = lcf(s, [FeO, Fe2O3]);
    expect(free.fractions.FeO!.value).toBeCloseTo(0.3, 9);
    expect(free.fractions.Fe2O3!.value).toBeCloseTo(0.7, 9);
    expect(free.rfactor).toBeLessThan(1e-20);
    const sto = lcf(s, [FeO, Fe2O3], { sumToOne: true });
    expect(sto.fractions.FeO!.value).toBeCloseTo(0.3, 9);
  });

  it('finds a known energy shift of a noise-free mixture', () => {
    const e = FeO.energy;
    const at = (g: XanesGroup, x: number) => {
      // linear interpolation is enough to build a test spectrum on a 0.5 eV grid shifted by 0.5 eV
      const i = Math.floor((x - e[0]!) / 0.5);
      return g.mu![i]! + ((g.mu![i + 1]! - g.mu![i]!) * (x - e[i]!)) / 0.5;
    };
    // shifted by exactly one grid step (0.5 eV): the mixture at E − 0.5 is the array shifted by one
    const mu = e.map((x, i) => (i === 0 ? 0 : 0.5 * at(FeO, x - 0.5) + 0.5 * at(Fe2O3, x - 0.5)));
    const s = prepareGroup({ energy: e.slice(1), mu: mu.slice(1), name: 'shifted' });
    const r = lcf(s, [FeO, Fe2O3], { sumToOne: true, eshift: 'common' });
    // within 2 meV: the sample's normalization windows (relative to its own e0) move by one grid
    // step with the shift, so the standards' renormalization is consistent only to that order
    expect(Math.abs(r.eshift!.FeO!.value - 0.5)).toBeLessThan(0.002);
    expect(Math.abs(r.fractions.FeO!.value - 0.5)).toBeLessThan(0.002);
  });

  it('keeps weights non-negative: a pure standard gets 0 for the other, with stderr 0', () => {
    const s = prepareGroup({ energy: FeO.energy, mu: FeO.mu!.map((v) => 0.2 + 1.1 * v), name: 'pureFeO' });
    const r = lcf(s, [FeO, Fe2O3, foil]);
    expect(r.weights.FeO!.value).toBeCloseTo(1, 9);
    expect(r.weights.Fe2O3!.value).toBe(0);
    expect(r.weights.Fe_foil!.value).toBe(0);
    expect(r.weights.Fe2O3!.stderr).toBe(0);
  });

  it('gives Larch’s weights and lmfit’s standard errors when the NNLS solution is interior', () => {
    // same grid as lincombo_fit (a window starting and ending on data points), own normalization
    const d = cyan['720']!;
    const comps = ['Au foil', 'Au3 Cl aq', 'Au hydroxide'].map((n) => cyan[n]!);
    const ref = LARCH.lincombo_fit['720|sum'];
    const x0 = d.energy[d.energy.findIndex((v) => v > 11870) - 1]!;
    const x1 = d.energy[d.energy.findIndex((v) => v > 12030) - 1]!;
    const r = lcf(d, comps, { sumToOne: true, normalization: 'own', xmin: x0, xmax: x1, eshift: 'none' });
    expect(r.npts).toBe(ref.ndata);
    expect(r.nvarys).toBe(ref.nvarys);
    comps.forEach((c, j) => {
      expect(r.weights[c.name]!.value).toBeCloseTo(ref.weights[j], 8);
      expect(r.weights[c.name]!.stderr / ref.stderr[j] - 1).toBeLessThan(1e-6);
    });
    expect(r.chi2Reduced / ref.redchi - 1).toBeLessThan(1e-7);
    expect(r.rfactor / ref.rfactor - 1).toBeLessThan(1e-7);
  });

  it('ranks every combination of up to N standards by reduced χ²', () => {
    const r = lcf(series3[7]!, [FeO, Fe2O3, foil], { sumToOne: true, eshift: 'common', combinations: 3 });
    expect(r.combinations).toHaveLength(7);
    const red = r.combinations!.map((c) => c.chi2Reduced);
    expect(red).toEqual([...red].sort((a, b) => a - b));
    expect(r.standards).toEqual(r.combinations![0]!.standards);
    expect(r.chi2Reduced).toBe(red[0]);
    const two = lcf(series3[7]!, [FeO, Fe2O3, foil], { sumToOne: true, combinations: 2 });
    expect(two.combinations).toHaveLength(6);
  });
});

describe('lcf: a sample that matches none of the standards (found by fuzzing)', () => {
  it('every weight 0: the fractions are undefined (NaN, with a warning), never 0/0 shown as a number', () => {
    // −FeO: any non-negative mixture of FeO and Fe2O3 only moves away from it, so NNLS keeps both weights at 0
    const neg: XanesGroup = { ...FeO, name: 'minus_FeO', source: 'minus_FeO', norm: FeO.norm.map((v) => -v) };
    const r = lcf(neg, [FeO, Fe2O3], { eshift: 'none' });
    expect(r.weights.FeO!.value).toBe(0);
    expect(r.weights.Fe2O3!.value).toBe(0);
    expect(r.fractions.FeO!.value).toBeNaN();
    expect(r.fractions.Fe2O3!.value).toBeNaN();
    expect(r.warnings).toContain("every weight is 0: the sample matches none of 'FeO', 'Fe2O3' in the fit range, so its fractions are undefined; check the range and the normalization");
    // a sample that does match has fractions summing to one and no such warning
    const ok = lcf(series2[0]!, [FeO, Fe2O3]);
    expect(ok.fractions.FeO!.value + ok.fractions.Fe2O3!.value).toBeCloseTo(1, 12);
    expect(ok.warnings.some((w) => w.startsWith('every weight is 0'))).toBe(false);
  });
});

describe('lcf: bad input', () => {
  const catchErr = (f: () => unknown): XafsError => {
    try {
      f();
    } catch (e) {
      return e as XafsError;
    }
    throw new Error('expected an error');
  };

  it('refuses a standard that does not cover the fit range, naming it and its range', () => {
    const cut = { ...FeO, name: 'FeO_cut', source: 'cut.xdi', energy: FeO.energy.slice(0, 300), norm: FeO.norm.slice(0, 300), flat: FeO.flat.slice(0, 300), dmude: FeO.dmude.slice(0, 300), mu: FeO.mu!.slice(0, 300) };
    const e = catchErr(() => lcf(series2[0]!, [cut, Fe2O3]));
    expect(e.code).toBe('ERANGE');
    expect(e.message).toBe(`standard 'FeO_cut' (cut.xdi) covers 7000–7149.5 eV but the fit range of ${series2[0]!.source} is 7083–7233 eV: narrow the range (--emin/--emax) or use a standard measured over it`);
  });

  it('refuses collinear standards, naming them', () => {
    const twin = { ...FeO, name: 'FeO_again' };
    const e = catchErr(() => lcf(series2[0]!, [FeO, twin, Fe2O3]));
    expect(e.code).toBe('EOPTION');
    expect(e.message).toBe("standards 'FeO' and 'FeO_again' are collinear over 7083–7233 eV (one is a multiple of the other): their weights cannot be separated; drop one of them");
  });

  it('refuses an empty selection and too few points', () => {
    const e = catchErr(() => lcf(series2[0]!, [FeO, Fe2O3], { emin: 500, emax: 600 }));
    expect(e.code).toBe('ERANGE');
    expect(e.message).toBe(`${series2[0]!.source}: no data points in the fit range 7623–7723 eV (e0 = 7123 eV, 500 to 600 eV); the data cover 7000–7499.5 eV`);
    const f = catchErr(() => lcf(series2[0]!, [FeO, Fe2O3], { emin: 0, emax: 0.5, eshift: 'none' }));
    expect(f.code).toBe('ETOOFEW');
    expect(f.message).toMatch(/only 2 data points in the fit range .* too few for 2 standard\(s\); widen the range$/);
  });

  it('refuses two standards with one name and an empty range', () => {
    expect(catchErr(() => lcf(series2[0]!, [FeO, FeO])).message).toBe("two standards are named 'FeO': name them (--standard FILE=NAME)");
    expect(catchErr(() => lcf(series2[0]!, [FeO, Fe2O3], { emin: 10, emax: -10 })).message).toBe('the fit range is empty: emin (10) must be below emax (-10)');
  });
});

describe('Larch parity: lincombo_fit and lincombo_fitall (cyanobacteria.prj, Appendix A)', () => {
  const LCF3 = ['Au foil', 'Au3 Cl aq', 'Au hydroxide'];

  it('lincombo_fit(d_720, [Au foil, Au3 Cl aq, Au hydroxide], 11870–12030 eV) as Appendix A', () => {
    const r = lincomboFit(cyan['720']!, LCF3.map((n) => cyan[n]!), { xmin: 11870, xmax: 12030 });
    const w = LCF3.map((n) => r.weights[n]!);
    // Appendix A, to its 8 printed digits
    expect(w.map((v) => Number(v.toFixed(8)))).toEqual([0.76332296, 0.17122112, 0.06545592]);
    expect(LCF3.map((n) => Number(r.weightsLstsq[n]!.toFixed(8)))).toEqual([0.77693886, 0.16195491, 0.06899024]);
    expect(r.ndata).toBe(160);
    expect(r.nvarys).toBe(2);
    expect(Number(r.redchi.toPrecision(8))).toBe(6.8389124e-5);
    expect(Number(r.rfactor.toPrecision(7))).toBe(1.303852e-4);
    expect(r.total).toBeCloseTo(1, 14);
  });

  it('matches every lincombo_fit of the reference file (sum-to-one, free, bounds [0, 1])', () => {
    for (const [key, ref] of Object.entries(LARCH.lincombo_fit) as [string, { weights: number[]; stderr: number[]; weights_lstsq: number[]; redchi: number; rfactor: number; chisqr: number; ndata: number; nvarys: number }][]) {
      const [data, mode, bounds] = key.split('|');
      const r = lincomboFit(cyan[data!]!, LCF3.map((n) => cyan[n]!), {
        xmin: 11870,
        xmax: 12030,
        sumToOne: mode === 'sum',
        minvals: bounds ? [0, 0, 0] : undefined,
        maxvals: bounds ? [1, 1, 1] : undefined,
      });
      expect(r.ndata, key).toBe(ref.ndata);
      expect(r.nvarys, key).toBe(ref.nvarys);
      LCF3.forEach((n, j) => {
        // Larch's answer carries the ~1e-8 rounding noise of its forward-difference Jacobian
        // (more through the MINUIT sine of bounded weights): within 1e-5 standard errors
        expect(Math.abs(r.weights[n]! - ref.weights[j]!) / ref.stderr[j]!, `${key} ${n}`).toBeLessThan(1e-5);
        expect(Math.abs(r.weightsLstsq[n]! - ref.weights_lstsq[j]!), `${key} ${n} lstsq`).toBeLessThan(1e-12);
        expect(Math.abs(r.stderr[n]! / ref.stderr[j]! - 1), `${key} ${n} stderr`).toBeLessThan(1e-6);
      });
      expect(Math.abs(r.redchi / ref.redchi - 1), key).toBeLessThan(1e-7);
      expect(Math.abs(r.rfactor / ref.rfactor - 1), key).toBeLessThan(1e-7);
    }
  });

  it('lincombo_fitall over 4 standards with bounds [0, 1]: 11 fits, best redchi 2.907e-5, Larch’s order', () => {
    const ref = LARCH.lincombo_fitall;
    const all = lincomboFitAll(cyan['720']!, ref.standards.map((n: string) => cyan[n]!), { xmin: 11870, xmax: 12030, minvals: [0, 0, 0, 0], maxvals: [1, 1, 1, 1] });
    expect(all).toHaveLength(11);
    expect(Number(all[0]!.redchi.toPrecision(4))).toBe(2.907e-5);
    all.forEach((r, i) => {
      const f = ref.fits[i];
      expect(r.standards, `fit ${i}`).toEqual(f.labels);
      expect(Math.abs(r.redchi / f.redchi - 1), `fit ${i} redchi`).toBeLessThan(1e-6);
      r.standards.forEach((n, j) => expect(Math.abs(r.weights[n]! - f.weights[j]), `fit ${i} ${n}`).toBeLessThan(1e-6));
    });
  });

  it('lincombo_fit of series spectra with the two references (nvarys 1)', () => {
    const refs = ['FeO', 'Fe2O3'].map((n) => prepareGroup({ ...loadSeries([`${FIX}series/fe_ref_${n}.xdi`])[0]!, name: n }));
    for (const [name, ref] of Object.entries(LARCH.series_lincombo_fit) as [string, { weights: number[]; stderr: number[]; redchi: number; rfactor: number; ndata: number; nvarys: number }][]) {
      const s = series2[Number(name.slice(1))]!;
      const r = lincomboFit(s, refs, { xmin: s.e0 - 40, xmax: s.e0 + 110 });
      expect(r.ndata).toBe(ref.ndata);
      expect(r.nvarys).toBe(1);
      ['FeO', 'Fe2O3'].forEach((n, j) => {
        expect(Math.abs(r.weights[n]! - ref.weights[j]!), `${name} ${n}`).toBeLessThan(3e-8);
        expect(Math.abs(r.stderr[n]! / ref.stderr[j]! - 1), `${name} ${n} stderr`).toBeLessThan(1e-6);
      });
      expect(Math.abs(r.redchi / ref.redchi - 1)).toBeLessThan(1e-7);
      expect(Math.abs(r.rfactor / ref.rfactor - 1)).toBeLessThan(1e-7);
    }
  });
});
