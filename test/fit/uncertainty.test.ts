// AUTOBK's χ(k) uncertainty (Larch's calc_uncertainties) and its use as the fit's noise, against
// Larch 0.9.58 answers in fixtures/uncertainty (made by make_uncertainty.py; see its README.md).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readSpectrum } from '../../src/io/read.js';
import { preEdge } from '../../src/xafs/preEdge.js';
import { autobk } from '../../src/xafs/autobk.js';
import { fitRecipe } from '../../src/fit/run.js';
import { formatFitReport, pm } from '../../src/fit/report.js';
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
const CU = JSON.parse(readFileSync(fixture('uncertainty/cu_1shell.larch.json'), 'utf8')) as Record<'default' | 'noDeltaChi' | 'kspace', FitRef>;

describe('the Cu first-shell fit folds δχ into its noise as Larch does', () => {
  const run = (calc: boolean | undefined, fitspace = 'r') => {
    const recipe = JSON.parse(readFileSync(fixture('uncertainty/cu_1shell.recipe.json'), 'utf8'));
    if (calc !== undefined) recipe.datasets[0].autobk.calcUncertainties = calc;
    recipe.datasets[0].transform.fitspace = fitspace;
    const { dir } = tempFiles();
    const path = join(dir, 'recipe.json');
    writeFileSync(path, JSON.stringify(recipe));
    return fitRecipe(path, { dataDir: fixture('fitref/data') });
  };
  for (const [calc, key, space] of [[undefined, 'default', 'r'], [false, 'noDeltaChi', 'r'], [undefined, 'kspace', 'k']] as const) {
    test(`calcUncertainties ${calc ?? 'by default (true)'}, ${space} space: reduced χ² ${CU[key].statistics.chi2_reduced.toPrecision(4)}, ε_r and the parameters as Larch`, () => {
      const f = run(calc, space);
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
    expect(() => run('yes' as unknown as boolean)).toThrow("'datasets[0].autobk.calcUncertainties' must be true or false, got 'yes'");
  });
});

describe('the error of a `from` parameter reaches N: statistical and total errors', () => {
  // CuO-like: S0² = 0.892 ± 0.040 from a foil, N varied. The fit fixes the product N·S0², so to
  // first order (σ_N/N)²_total = (σ_N/N)²_stat + (σ_S0²/S0²)², and N·S0² keeps its statistical error.
  const setup = (s02: object) => {
    const { write } = tempFiles();
    write('foil.json', JSON.stringify({ params: { s02: { value: 0.892, stderr: 0.04 } } }));
    const recipe = {
      datasets: [
        {
          file: 'cu_metal_rt.xdi',
          mu: 'mutrans',
          autobk: { rbkg: 1, kweight: 2 },
          transform: { kmin: 3, kmax: 14, kweight: 2, dk: 1, window: 'hanning', rmin: 1.6, rmax: 2.9, fitspace: 'r' },
          paths: [{ feff: 'feffcu01.dat', degen: 'n1', s02: 's02', e0: 'de0', sigma2: 'ss', deltar: 'dr' }],
        },
      ],
      params: { n1: { value: 10, vary: true }, s02, de0: { value: 0, vary: true }, ss: { value: 0.008, vary: true }, dr: { value: 0, vary: true }, amp: { expr: 'n1*s02' } },
    };
    return { recipe, fit: (r: object = recipe) => fitRecipe(write('recipe.json', JSON.stringify(r)), { dataDir: fixture('fitref/data') }) };
  };

  test('N: total² = stat² + (N·σ_S0²/S0²)² within 1 %; N·S0² keeps its statistical error; the rest of the report', () => {
    const f = setup({ from: 'foil.json' }).fit();
    const n = f.params.n1;
    const analytic = Math.sqrt(n.stderr! ** 2 + ((n.value * 0.04) / 0.892) ** 2);
    expect(Math.abs(n.stderrTotal! / analytic - 1)).toBeLessThan(0.01);
    expect(n.stderrTotal! / n.stderr!).toBeGreaterThan(1.3); // the carried error is not negligible here
    expect(Math.abs(f.paths[0].stderrTotal!.n! / n.stderrTotal! - 1)).toBeLessThan(1e-6);
    expect(Math.abs(f.params.amp.stderrTotal! / f.params.amp.stderr! - 1)).toBeLessThan(0.01);
    expect(f.params.s02.stderrTotal).toBe(0.04);
    expect(f.totalErrors!.carried.map((c) => [c.name, c.value, c.stderr])).toEqual([['s02', 0.892, 0.04]]);
    expect(f.totalErrors!.nfev).toBeGreaterThan(0);
    // the paper table: statistical ± (total)
    const text = formatFitReport(f, 'fit');
    expect(text).toContain(`${pm(n.value, n.stderr)} (± ${pm(n.value, n.stderrTotal).split(' ± ')[1]} total)`);
    expect(text).toMatch(/the total adds the carried error of s02 0\.892 ± 0\.040/);
  });

  test('the total error equals a finite-difference Jacobian from separate fits at S0² ± σ', () => {
    const s = setup({ from: 'foil.json' });
    const f = s.fit();
    const at = (v: number) => s.fit({ ...s.recipe, params: { ...s.recipe.params, s02: v } }).params;
    const plus = at(0.932);
    const minus = at(0.852);
    for (const name of ['n1', 'ss', 'de0', 'dr']) {
      const fd = (plus[name].value - minus[name].value) / 2;
      const want = Math.sqrt(f.params[name].stderr! ** 2 + fd * fd);
      expect(Math.abs(f.params[name].stderrTotal! / want - 1), name).toBeLessThan(1e-3);
    }
  });

  test('an exact S0² (no stderr) gives no total errors; totalErrors false skips them', () => {
    const f = setup({ value: 0.892 }).fit();
    expect(f.totalErrors).toBeUndefined();
    expect(f.params.n1.stderrTotal).toBeUndefined();
    expect(f.paths[0].stderrTotal).toBeUndefined();
  });
});
