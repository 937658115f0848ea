// AUTOBK's χ(k) uncertainty (Larch's calc_uncertainties) and its use as the fit's noise, against
// Larch 0.9.58 answers in fixtures/uncertainty (made by make_uncertainty.py; see its README.md).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readSpectrum } from '../../src/io/read.js';
import { preEdge } from '../../src/xafs/preEdge.js';
import { autobk } from '../../src/xafs/autobk.js';
import { fitRecipe } from '../../src/fit/run.js';
import { betaInc, fSurvival, sigmaLevel, tQuantile } from '../../src/stats.js';
import { fixture, tempFiles } from '../io/helpers.js';

interface DeltaChiRef {
  spectra: Record<string, { mu: string; e0: number; edge_step: number; nspl: number; chi: number[]; delta_chi: number[]; delta_bkg_first: number; delta_bkg: number[] }>;
}
const REF = JSON.parse(readFileSync(fixture('uncertainty/delta_chi.json'), 'utf8')) as DeltaChiRef;

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>, offset = 0): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i + offset] / b[i] - 1));
  return m;
}

describe('the distributions behind delta_chi and the F-test (scipy 1.10 values)', () => {
  test('Student-t quantiles and the 1σ level', () => {
    expect(sigmaLevel(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(sigmaLevel(2)).toBeCloseTo(0.9772498680518208, 14);
    expect(tQuantile(sigmaLevel(1), 300)).toBeCloseTo(1.0016694467585705, 12);
    expect(tQuantile(sigmaLevel(1), 5)).toBeCloseTo(1.1105065783609567, 12);
    expect(tQuantile(0.975, 3)).toBeCloseTo(3.1824463052837078, 12);
  });
  test('F tail and the incomplete beta', () => {
    expect(fSurvival(2.5, 3, 10)).toBeCloseTo(0.11903956265827809, 12);
    expect(betaInc(0.3, 2, 3)).toBeCloseTo(0.3483, 12); // I_0.3(2,3) = 1 − 0.7⁴ − 4·0.3·0.7³, exact
  });
});

describe('autobk deltaChi and deltaBkg equal Larch calc_uncertainties', () => {
  // The 12 significant digits of the stored reference bound the agreement (observed ≤ 2e-11).
  for (const [name, ref] of Object.entries(REF.spectra)) {
    test(`${name}: δχ(k) and δμ0(E) within 1e-9 relative`, () => {
      const s = readSpectrum(fixture(`spectra/${name}`), { mu: ref.mu });
      const bk = autobk({ ...s, ...preEdge(s) }, { rbkg: 1, kweight: 2 });
      expect(bk.autobkDetails.nspl).toBe(ref.nspl);
      expect(bk.deltaChi!.length).toBe(ref.delta_chi.length);
      expect(maxRel(bk.deltaChi!, ref.delta_chi)).toBeLessThan(1e-9);
      expect(maxRel(bk.deltaBkg!, ref.delta_bkg, ref.delta_bkg_first)).toBeLessThan(1e-9);
      expect(bk.deltaBkg![ref.delta_bkg_first - 1]).toBe(0);
    });
  }

  test('calcUncertainties false leaves χ and bkg bit-identical and adds no deltas', () => {
    const ref = REF.spectra['cu_metal_rt.xdi'];
    const s = readSpectrum(fixture('spectra/cu_metal_rt.xdi'), { mu: ref.mu });
    const g = { ...s, ...preEdge(s) };
    const on = autobk(g, { rbkg: 1, kweight: 2 });
    const off = autobk(g, { rbkg: 1, kweight: 2, calcUncertainties: false });
    expect(off.deltaChi).toBeUndefined();
    expect(Array.from(off.chi)).toEqual(Array.from(on.chi));
    expect(Array.from(off.bkg)).toEqual(Array.from(on.bkg));
  });

  test("the 'exact' solver's analytic Jacobian gives the same δχ within 1 %", () => {
    const ref = REF.spectra['cu_metal_rt.xdi'];
    const s = readSpectrum(fixture('spectra/cu_metal_rt.xdi'), { mu: ref.mu });
    const bk = autobk({ ...s, ...preEdge(s) }, { rbkg: 1, kweight: 2, solver: 'exact' });
    expect(maxRel(bk.deltaChi!, ref.delta_chi)).toBeLessThan(0.01);
  });

  test('errSigma 2 scales δχ by the ratio of the Student-t quantiles', () => {
    const ref = REF.spectra['v_foil.xdi'];
    const s = readSpectrum(fixture('spectra/v_foil.xdi'), { mu: ref.mu });
    const g = { ...s, ...preEdge(s) };
    const two = autobk(g, { rbkg: 1, kweight: 2, errSigma: 2 });
    const nu = ref.delta_chi.length - ref.nspl;
    const ratio = tQuantile(sigmaLevel(2), nu) / tQuantile(sigmaLevel(1), nu);
    expect(maxRel(two.deltaChi!, ref.delta_chi.map((d) => d * ratio))).toBeLessThan(1e-9);
  });
});

interface FitRef {
  params: Record<string, { value: number; stderr: number }>;
  statistics: { chi2_reduced: number; chi_square: number; rfactor: number };
  datasets: { epsilon_r: number }[];
}
const CU = JSON.parse(readFileSync(fixture('uncertainty/cu_1shell.larch.json'), 'utf8')) as Record<'default' | 'noDeltaChi', FitRef>;

describe('the Cu first-shell fit folds δχ into its noise as Larch does', () => {
  const run = (calc: boolean | undefined) => {
    const recipe = JSON.parse(readFileSync(fixture('uncertainty/cu_1shell.recipe.json'), 'utf8'));
    if (calc !== undefined) recipe.datasets[0].autobk.calcUncertainties = calc;
    const { dir } = tempFiles();
    const path = join(dir, 'recipe.json');
    writeFileSync(path, JSON.stringify(recipe));
    return fitRecipe(path, { dataDir: fixture('fitref/data') });
  };
  for (const [calc, key] of [[undefined, 'default'], [false, 'noDeltaChi']] as const) {
    test(`calcUncertainties ${calc ?? 'by default (true)'}: reduced χ² ${CU[key].statistics.chi2_reduced.toFixed(2)}, ε_r and the parameters as Larch`, () => {
      const f = run(calc);
      const L = CU[key];
      expect(Math.abs(f.statistics.chi2Reduced / L.statistics.chi2_reduced - 1)).toBeLessThan(1e-6);
      expect(Math.abs(f.datasets[0].epsilonR / L.datasets[0].epsilon_r - 1)).toBeLessThan(1e-9);
      expect(Math.abs(f.statistics.rfactor / L.statistics.rfactor - 1)).toBeLessThan(1e-3);
      for (const [name, p] of Object.entries(L.params)) {
        expect(Math.abs(f.params[name].value - p.value) / p.stderr).toBeLessThan(0.02);
        expect(Math.abs(f.params[name].stderr! / p.stderr - 1)).toBeLessThan(0.01);
      }
    });
  }
  test('δχ lowers the Cu reduced χ² by the factor Larch finds (75.4 → 9.42)', () => {
    expect(run(false).statistics.chi2Reduced / run(true).statistics.chi2Reduced).toBeCloseTo(CU.noDeltaChi.statistics.chi2_reduced / CU.default.statistics.chi2_reduced, 5);
  });
  test('a recipe key of the wrong type is refused by name', () => {
    expect(() => run('yes' as unknown as boolean)).toThrow("autobk.calcUncertainties must be true or false (got \"yes\")");
  });
});
