// MCR-ALS: exact recovery of a noise-free bilinear series, then the known concentration profiles
// of the synthetic Fe series (fixtures/series) and the three-species series (fixtures/xanes/lcf).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { XafsError } from '../../src/errors.js';
import { loadSeries } from '../../src/xanes/inputs.js';
import { prepareGroup, type XanesGroup } from '../../src/xanes/matrix.js';
import { mcrAls } from '../../src/xanes/mcr.js';

const FIX = fileURLToPath(new URL('../../fixtures/', import.meta.url));
type Truth = { spectra: { fractions: Record<string, number> }[] };
const truth2: Truth = JSON.parse(readFileSync(`${FIX}series/fe_series_truth.json`, 'utf8'));
const truth3: Truth = JSON.parse(readFileSync(`${FIX}xanes/lcf/fe3_series_truth.json`, 'utf8'));

let series2: XanesGroup[];
let series3: XanesGroup[];
let FeO: XanesGroup;
let Fe2O3: XanesGroup;

beforeAll(() => {
  series2 = loadSeries([`${FIX}series/fe_series.dat`]).map((s) => prepareGroup(s));
  series3 = loadSeries([`${FIX}xanes/lcf/fe3_series.dat`]).map((s) => prepareGroup(s));
  FeO = prepareGroup({ ...loadSeries([`${FIX}series/fe_ref_FeO.xdi`])[0]!, name: 'FeO' }, { normalizedInput: true });
  Fe2O3 = prepareGroup({ ...loadSeries([`${FIX}series/fe_ref_Fe2O3.xdi`])[0]!, name: 'Fe2O3' }, { normalizedInput: true });
});

/** A spectrum whose normalized array is given directly (no normalization: exactly bilinear data). */
function direct(name: string, energy: Float64Array, y: Float64Array): XanesGroup {
  return { name, source: name, energy, e0: 7123, edgeStep: 1, norm: y, flat: y, dmude: y };
}

describe('MCR-ALS', () => {
  it('recovers a noise-free two-component series exactly (SIMPLISMA finds the pure ends)', () => {
    const e = FeO.energy;
    const n = 21;
    const groups = Array.from({ length: n }, (_, i) => {
      const f = i / (n - 1);
      return direct(`m${i}`, e, e.map((_, k) => (1 - f) * FeO.norm[k]! + f * Fe2O3.norm[k]!));
    });
    const r = mcrAls(groups, { components: 2, emin: -40, emax: 110 });
    expect(r.init.method).toBe('simplisma');
    expect(r.init.picks.map((p) => p.index)).toEqual([0, 20]);
    expect(r.converged).toBe(true);
    expect(r.lackOfFit).toBeLessThan(1e-8);
    r.concentrations.forEach((c, i) => {
      expect(c[0]).toBeCloseTo(1 - i / (n - 1), 10);
      expect(c[1]).toBeCloseTo(i / (n - 1), 10);
    });
  });

  it('resolves the 200-spectrum Fe series: 2 components from PCA, profiles within 0.05 of the truth', () => {
    const r = mcrAls(series2, { emin: -40, emax: 110 });
    expect(r.ncomponents).toBe(2);
    expect(r.componentsFrom).toBe('pca');
    expect(r.converged).toBe(true);
    // SIMPLISMA starts from spectra near the two ends of the transformation
    expect(r.init.picks[0]!.index).toBeLessThan(20);
    expect(r.init.picks[1]!.index).toBeGreaterThan(180);
    expect(r.lackOfFit).toBeLessThan(0.3);
    expect(r.explainedVariance).toBeGreaterThan(99.999);
    let worst = 0;
    r.concentrations.forEach((c, i) => {
      expect(Math.abs(c[0]! + c[1]! - 1)).toBeLessThan(1e-12);
      expect(c[0]).toBeGreaterThanOrEqual(0);
      expect(c[1]).toBeGreaterThanOrEqual(0);
      worst = Math.max(worst, Math.abs(c[0]! - truth2.spectra[i]!.fractions.FeO!));
    });
    expect(worst).toBeLessThan(0.05);
    for (const s of r.spectra) for (const v of s) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('started from the reference spectra, the profiles follow the truth as closely', () => {
    const r = mcrAls(series2, { emin: -40, emax: 110, init: [FeO, Fe2O3] });
    expect(r.init.method).toBe('given');
    expect(r.componentsFrom).toBe('init');
    let worst = 0;
    r.concentrations.forEach((c, i) => (worst = Math.max(worst, Math.abs(c[0]! - truth2.spectra[i]!.fractions.FeO!))));
    expect(worst).toBeLessThan(0.05);
  });

  it('resolves the three-species series into 3 components that fit it to the noise', () => {
    const r = mcrAls(series3, { emin: -40, emax: 110 });
    expect(r.ncomponents).toBe(3);
    expect(r.lackOfFit).toBeLessThan(0.3);
    expect(r.explainedVariance).toBeGreaterThan(99.999);
    for (const c of r.concentrations) expect(Math.abs(c.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    // every true species is carried mostly by one resolved component (rotational ambiguity aside)
    const names = ['FeO', 'Fe2O3', 'Fe_foil'];
    const corr = names.map((n) =>
      Array.from({ length: 3 }, (_, j) => {
        const a = r.concentrations.map((c) => c[j]!);
        const b = truth3.spectra.map((s) => s.fractions[n]!);
        const ma = a.reduce((x, y) => x + y) / a.length;
        const mb = b.reduce((x, y) => x + y) / b.length;
        let sab = 0;
        let saa = 0;
        let sbb = 0;
        a.forEach((v, i) => {
          sab += (v - ma) * (b[i]! - mb);
          saa += (v - ma) ** 2;
          sbb += (b[i]! - mb) ** 2;
        });
        return sab / Math.sqrt(saa * sbb);
      }),
    );
    for (const row of corr) expect(Math.max(...row)).toBeGreaterThan(0.9);
  });

  it('without closure the spectra are unit vectors and the scale goes to the concentrations', () => {
    const r = mcrAls(series2.slice(0, 50), { components: 2, closure: false, emin: -40, emax: 110 });
    for (const s of r.spectra) expect(Math.sqrt(s.reduce((a, v) => a + v * v, 0))).toBeCloseTo(1, 12);
  });

  it('refuses an impossible number of components and too few spectra', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as XafsError;
      }
      throw new Error('expected an error');
    };
    expect(err(() => mcrAls(series2.slice(0, 1))).message).toBe('MCR-ALS needs at least 2 spectra (got 1)');
    expect(err(() => mcrAls(series2.slice(0, 3), { components: 4 })).message).toBe('4 components need at least 4 spectra and 4 points (got 3 spectra, 1000 points)');
    expect(err(() => mcrAls(series2.slice(0, 5), { components: 3, init: [FeO, Fe2O3] })).message).toBe('3 components but 2 initial spectra: give one initial spectrum per component');
  });
});
