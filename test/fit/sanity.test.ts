// Sanity of fits (src/fit/sanity.ts, docs/fit-sanity.md): every warning on a fit that triggers it and
// on the Cu foil fit that must not; the refusals; zero varied parameters; restraints; multi-start;
// the degenerate pair; non-converged fits without error bars.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fitParsedRecipe, type RecipeFit } from '../../src/fit/run.js';
import type { Recipe } from '../../src/fit/recipe.js';
import { checkResult, degenerateParams, SANITY_LIMITS } from '../../src/fit/sanity.js';
import { formatFitReport } from '../../src/fit/report.js';

const F = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const CU_PATH = { feff: 'fits/feffcu01.dat', degen: 12 as number | string, s02: 'amp', e0: 'del_e0', sigma2: 'sig2', deltar: 'del_r' };
const CU_PARAMS = { amp: { value: 1, vary: true }, del_e0: { value: 0, vary: true }, del_r: { value: 0, vary: true }, sig2: { value: 0.005, vary: true } };
// Larch 0.9.58 on this recipe (test/cli/fit.test.ts): amp 0.8952 ± 0.0376, del_e0 4.358 ± 0.511, del_r −0.00602 ± 0.00261, sig2 0.008670 ± 0.000308

function cu(params: Record<string, unknown> = CU_PARAMS, paths: Record<string, unknown>[] = [CU_PATH], transform: Record<string, unknown> = {}, extra: Partial<Recipe> = {}): Recipe {
  return {
    params: params as Recipe['params'],
    datasets: [
      {
        file: 'spectra/cu_metal_rt.xdi',
        mu: 'mutrans',
        autobk: { rbkg: 1, kweight: 2 },
        transform: { kmin: 3, kmax: 17, kweight: 2, dk: 4, window: 'kaiser', rmin: 1.4, rmax: 3.0, ...transform },
        paths: paths as unknown as Recipe['datasets'][0]['paths'],
      },
    ],
    ...extra,
  };
}

/** FeO (fits/feo_xafs.dat, Fe K) Fe–O with N free over 1–3 Å: the Fe–Fe shell is in the window, unmodelled. */
function feo(rmax: number): Recipe {
  return {
    params: { n: { value: 6, vary: true }, s02: 0.7, de0: { value: 0, vary: true }, dr: { value: 0, vary: true }, ss: { value: 0.01, vary: true } } as Recipe['params'],
    datasets: [
      {
        file: 'fits/feo_xafs.dat',
        mu: 'mu',
        transform: { kmin: 3, kmax: 12, kweight: 2, dk: 1, window: 'hanning', rmin: 1.0, rmax },
        paths: [{ feff: 'fits/feff_feo01.dat', degen: 'n', s02: 's02', e0: 'de0', deltar: 'dr', sigma2: 'ss' }],
      },
    ],
  };
}

const fit = (r: Recipe, o: Parameters<typeof fitParsedRecipe>[2] = {}): RecipeFit => fitParsedRecipe(r, F, o);
const codes = (f: RecipeFit) => f.checks.map((c) => `${c.code}${c.param ? ` ${c.param}` : ''}`);

describe('plausibility warnings', () => {
  const good = fit(cu());

  it('the Cu foil fit (Larch values, R-factor 0.0027) warns of nothing', () => {
    expect(good.statistics.converged).toBe(true);
    expect(good.checks).toEqual([]);
    expect(good.warnings).toEqual([]);
    expect(good.params.amp!.value).toBeCloseTo(0.8952, 3);
  });

  it('FeO Fe–O with N free over 1–3 Å (the Fe–Fe shell unmodelled): σ², relative errors and R-factor, by parameter name', () => {
    const f = fit(feo(3.0));
    // N runs away (≈ 98 ± 350) with σ² (≈ 0.085 Å²) to damp it
    expect(f.params.n!.value).toBeGreaterThan(24);
    expect(codes(f)).toEqual(['CORRELATED de0,dr', 'SIGMA2_RANGE ss', 'REL_ERROR n', 'REL_ERROR ss', 'RFACTOR']);
    expect(f.checks.find((c) => c.code === 'SIGMA2_RANGE')!.message).toMatch(/^ss = 0\.08\d+ Å² \(σ² of path 1, Fe-O\): σ² > 0\.04 Å²/);
    expect(f.statistics.rfactor).toBeGreaterThan(SANITY_LIMITS.rfactor);
  });

  it('FeO to rmax 2.2 Å: ΔE0 beyond 10 eV (E0_SHIFT de0)', () => {
    const f = fit(feo(2.2));
    expect(Math.abs(f.params.de0!.value)).toBeGreaterThan(10);
    expect(codes(f)).toContain('E0_SHIFT de0');
    expect(f.checks.find((c) => c.code === 'E0_SHIFT')!.message).toMatch(/^de0 = -19\.\d eV \(ΔE0 of path 1, Fe-O\): \|ΔE0\| > 10 eV/);
  });

  it('a negative S0², a negative N, σ² ≤ 0, ΔR beyond 0.25 Å (evaluated at fixed values: each by its name)', () => {
    const f = fit(cu({ amp: -0.5, nn: 3, del_e0: 4.36, del_r: 0.3, sig2: 0 }, [{ ...CU_PATH, degen: 'nn' }]));
    expect(codes(f)).toEqual(['DELTA_R del_r', 'S02_NEGATIVE amp', 'SIGMA2_RANGE sig2', 'RFACTOR']);
    // a negative N is refused before any fit (a degeneracy counts atoms: issue 17) ...
    expect(() => fit(cu({ amp: 0.9, nn: -3, del_e0: 4.36, del_r: 0, sig2: 0.0087 }, [{ ...CU_PATH, degen: 'nn' }]))).toThrow("the degeneracy N must be above 0 (it counts atoms), but expression 'nn' is -3");
    // ... and one a fit drives below 0 is named by the checks
    const ds = [{ file: 'x', paths: [{ path: {} as never, params: { degen: 'nn', s02: 'amp', e0: 'de0', sigma2: 'ss' } }] }];
    const p = { label: 'Cu-Cu', feff: 'f', reff: 2.55, n: -3, nStderr: 1, s02: 0.9, s02Stderr: 0.01, r: 2.55, e0: 0.1, deltar: 0, sigma2: 0.005, sigma2Stderr: 0.001 };
    expect(checkResult(ds, [p], { rfactor: 0.01 }, [{ rfactor: 0.01 }]).map((c) => `${c.code} ${c.param}`)).toContain('N_NEGATIVE nn');
    // S0² outside 0.6–1.1 (but positive), and its absence at 0.9
    expect(codes(fit(cu({ amp: 0.5, del_e0: 4.36, del_r: -0.006, sig2: 0.0087 })))).toEqual(['S02_RANGE amp', 'RFACTOR']);
    expect(codes(fit(cu({ amp: 0.9, del_e0: 4.36, del_r: -0.006, sig2: 0.0087 })))).toEqual([]);
  });

  it('a compound amplitude (s02: "s02*n1", N·S0²) is not held to the S0² range', () => {
    const f = fit(cu({ ...CU_PARAMS, amp: { value: 1, vary: true }, n1: 12 }, [{ ...CU_PATH, degen: 1, s02: 'amp*n1' }]));
    expect(f.paths[0]!.s02).toBeCloseTo(0.8952 * 12, 2);
    expect(f.checks).toEqual([]);
  });

  it('paths that swap places are named (PATH_CROSSING)', () => {
    // the same Cu first-shell path twice, the second pushed 0.3 Å out by hand and pulled back by the fit
    const paths = [
      { ...CU_PATH, degen: 6 },
      { ...CU_PATH, feff: 'fitref/data/cu_feff0002.dat', degen: 6, deltar: 'dr2' },
    ];
    const f = fit(cu({ ...CU_PARAMS, dr2: -1.2 }, paths));
    expect(codes(f)).toContain('DELTA_R dr2');
    expect(codes(f)).toContain('PATH_CROSSING del_r');
    expect(codes(fit(cu({ ...CU_PARAMS, dr2: 0 }, paths)))).not.toContain('PATH_CROSSING del_r');
  });

  it('checkResult: relative error only on N, S0² and σ² parameters, once per shared parameter', () => {
    const ds = [{ file: 'x', paths: [0, 1].map(() => ({ path: {} as never, params: { degen: 'n', s02: 'amp', e0: 'de0', sigma2: 'ss' } })) }];
    const p = { label: 'Cu-O', feff: 'f', reff: 2, n: 4, nStderr: 5, s02: 0.9, s02Stderr: 0.01, r: 2, e0: 0.1, deltar: 0, sigma2: 0.005, sigma2Stderr: 0.001 };
    const out = checkResult(ds, [p, { ...p, reff: 3, r: 3 }], { rfactor: 0.01 }, [{ rfactor: 0.01 }]);
    expect(out.map((c) => `${c.code} ${c.param}`)).toEqual(['REL_ERROR n']);
  });
});

describe('refusals before a fit', () => {
  it('a varied parameter nothing uses is refused, by name', () => {
    expect(() => fit(cu({ ...CU_PARAMS, extra: { value: 1, vary: true } }))).toThrow(
      'varied parameter extra is used by no path: it would only inflate the other error bars; use it in a path or drop "vary": true',
    );
    // used through an expression parameter, or by a restraint, it is used
    expect(fit(cu({ ...CU_PARAMS, amp: { expr: 'a2' }, a2: { value: 1, vary: true } })).params.a2!.value).toBeCloseTo(0.8952, 3);
  });

  it('an Fe path on Cu data is refused (the XDI header names Cu); --force fits it and warns, S0² then far off', () => {
    const r = cu(CU_PARAMS, [{ ...CU_PATH, feff: 'fits/feff_feo02.dat' }]);
    expect(() => fit(r)).toThrow(/^dataset path 1 \(fits\/feff_feo02\.dat\): its absorber is Fe but .*cu_metal_rt\.xdi is Cu data \(its header says so\); use paths computed for the data's absorber and edge, or pass --force$/);
    const f = fit(r, { force: true });
    expect(codes(f)[0]).toBe('EDGE_MISMATCH');
  });

  it('without an element in the header, the edge energy decides (FeO data, e0 7123 eV, on a Cu path: Cu K is 8979 eV)', () => {
    const r = feo(2.2);
    r.datasets[0]!.paths[0]!.feff = 'fits/feffcu01.dat';
    expect(() => fit(r)).toThrow(/^dataset path 1 \(fits\/feffcu01\.dat\): the data's edge lies at 7122\.9 eV but the Cu K edge is at 8979 eV; use paths computed/);
    // the right absorber passes: the FeO fit above runs
  });

  it("k beyond a path's feff.dat table is refused (a table cut at k = 8.5, the fit to 17)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'xafs-sanity-'));
    const lines = readFileSync(join(F, 'fits/feffcu01.dat'), 'utf8').split('\n');
    const start = lines.findIndex((l) => /^\s*k\s+real\[2\*phc\]/.test(l));
    const cut = lines.filter((l, i) => i <= start || !(Number(l.trim().split(/\s+/)[0]) > 8.5));
    writeFileSync(join(dir, 'short.dat'), cut.join('\n'));
    copyFileSync(join(F, 'spectra/cu_metal_rt.xdi'), join(dir, 'cu.xdi'));
    const r = cu(CU_PARAMS, [{ ...CU_PATH, feff: 'short.dat' }]);
    r.datasets[0]!.file = 'cu.xdi';
    expect(() => fitParsedRecipe(r, dir)).toThrow("dataset path 1 (short.dat): its feff.dat table ends at k = 8.5 Å⁻¹ but the fit runs to kmax 17 Å⁻¹; use kmax 8.5 or less, or recompute the path to a larger k");
    r.datasets[0]!.transform!.kmax = 8.5;
    expect(fitParsedRecipe(r, dir).statistics.converged).toBe(true);
  });

  it('a path whose reff lies more than 0.5 Å beyond rmax is flagged (REFF_BEYOND_RMAX); 3.0 Å for a 2.55 Å path is fine', () => {
    const f = fit(cu(CU_PARAMS, [CU_PATH], { rmin: 1.0, rmax: 1.9 }));
    expect(codes(f)[0]).toBe('REFF_BEYOND_RMAX');
    expect(f.checks[0]!.message).toBe("dataset path 1 (fits/feffcu01.dat) has reff 2.548 Å, more than 0.5 Å beyond the fit's rmax 1.9 Å: its signal lies outside the fit range, so its amplitude is barely constrained; raise rmax or drop the path");
  });
});

describe('evaluation, restraints, starts, degeneracy, convergence', () => {
  const base = fit(cu());

  it('zero varied parameters: χ², R-factor and N_idp of the model at the given values, no error bars', () => {
    const vals = Object.fromEntries(Object.entries(base.params).map(([n, p]) => [n, p.value]));
    const f = fit(cu(vals));
    expect(f.statistics.nvarys).toBe(0);
    expect(f.statistics.converged).toBe(true);
    // the same point as the fit's minimum: the same χ² and R-factor
    expect(f.statistics.chiSquare / base.statistics.chiSquare - 1).toBeLessThan(1e-9);
    expect(f.statistics.rfactor / base.statistics.rfactor - 1).toBeLessThan(1e-9);
    expect(f.params.amp!.stderr).toBeNull();
    expect(f.checks).toEqual([]);
  });

  it('a restraint on σ² pulls it toward its value by the weighted mean of the two (linear regime)', () => {
    const x = base.params.sig2!.value;
    // the unscaled curvature of χ² in sig2 (other parameters profiled): σ_u = stderr / sqrt(χ²_ν)
    const su = base.params.sig2!.stderr! / Math.sqrt(base.statistics.chi2Reduced);
    const value = 0.007;
    const f = fit(cu(CU_PARAMS, [CU_PATH], {}, { restraints: [{ expr: 'sig2', value, sigma: su }] }));
    const expected = (x + value) / 2; // equal weights
    expect(Math.abs(f.params.sig2!.value - expected)).toBeLessThan(0.05 * (x - value));
    // χ² rises by ((x−v)/2σ_u)² from the data and as much from the restraint
    const dchi = f.statistics.chiSquare - base.statistics.chiSquare;
    expect(dchi / (2 * ((x - value) / (2 * su)) ** 2) - 1).toBeLessThan(0.05);
    // a weight of 0.001 leaves the fit where it was (to 1 % of the shift)
    const weak = fit(cu(CU_PARAMS, [CU_PATH], {}, { restraints: [{ expr: 'sig2', value, sigma: su, weight: 0.001 }] }));
    expect(Math.abs(weak.params.sig2!.value - x)).toBeLessThan(0.01 * (x - value));
  });

  it('--starts: the Cu fit from 6 starts agrees; S0² = x² from random starts finds ±x and says the starts disagree', () => {
    const s = fit(cu(), { starts: 6 });
    expect(s.starts).toMatchObject({ count: 6, best: 6, agree: true });
    expect(s.params.amp!.value).toBeCloseTo(base.params.amp!.value, 6);
    expect(s.checks).toEqual([]);
    const { amp: _a, ...rest } = CU_PARAMS;
    const two = fit(cu({ ...rest, x: { value: 0, vary: true } }, [{ ...CU_PATH, s02: 'x*x' }]), { starts: 10 });
    expect(two.starts!.agree).toBe(false);
    expect(two.starts!.params.x!.min).toBeCloseTo(-Math.sqrt(base.params.amp!.value), 4);
    expect(two.starts!.params.x!.max).toBeCloseTo(Math.sqrt(base.params.amp!.value), 4);
    expect(codes(two)).toContain('STARTS_DISAGREE');
    expect(formatFitReport(two, 't')).toContain('they DISAGREE beyond the error bars');
  });

  it('a degenerate pair (ΔE0 = e0a + e0b) is named and gets no error bars', () => {
    const { del_e0: _e, ...rest } = CU_PARAMS;
    const f = fit(cu({ ...rest, e0a: { value: 1, vary: true }, e0b: { value: 1, vary: true } }, [{ ...CU_PATH, e0: 'e0a + e0b' }]));
    expect(codes(f)).toEqual(['NO_COVARIANCE e0a,e0b']);
    expect(f.checks[0]!.message).toMatch(/^the covariance could not be computed: e0a and e0b are degenerate/);
    expect(f.params.e0a!.stderr).toBeNull();
    expect(f.params.e0a!.value + f.params.e0b!.value).toBeCloseTo(4.358, 2);
  });

  it('degenerateParams: the near-null direction of an exactly singular Jacobian', () => {
    // columns: a, b = 2a (degenerate), c independent
    const m = 5;
    const J = new Float64Array(m * 3);
    for (let i = 0; i < m; i++) {
      J[i * 3] = i + 1;
      J[i * 3 + 1] = 2 * (i + 1);
      J[i * 3 + 2] = (-1) ** i;
    }
    expect(degenerateParams(J, m, 3, ['a', 'b', 'c']).sort()).toEqual(['a', 'b']);
    J.fill(0);
    for (let i = 0; i < m; i++) J[i * 3] = i + 1;
    expect(degenerateParams(J, m, 3, ['a', 'b', 'c'])).toEqual(['b', 'c']);
  });

  it('a fit that did not converge has no error bars and says so', () => {
    const f = fit(cu(), { maxIterations: 1 });
    expect(f.statistics.converged).toBe(false);
    expect(f.params.amp!.stderr).toBeNull();
    expect(f.paths[0]!.sigma2Stderr).toBeNull();
    expect(codes(f)).toEqual(['NOT_CONVERGED']);
    expect(formatFitReport(f, 't')).toContain('the fit did not converge: the values are where it stopped, with no error bars');
  });
});

describe('batch fits', () => {
  it('a batch fit step applies the fit recipe\'s restraints (row 0 = fitParsedRecipe with them)', async () => {
    const { loadBatchRecipe } = await import('../../src/series/batch/recipe.js');
    const { runBatch } = await import('../../src/series/batch/run.js');
    const dir = mkdtempSync(join(tmpdir(), 'xafs-sanity-batch-'));
    copyFileSync(join(F, 'spectra/cu_metal_rt.xdi'), join(dir, 'cu_0.xdi'));
    const restraints = [{ expr: 'sig2', value: 0.007, sigma: 3.5e-5 }];
    const r = cu(CU_PARAMS, [{ ...CU_PATH, feff: join(F, 'fits/feffcu01.dat') }], {}, { restraints });
    const { file: _f, mu: _m, autobk: _a, ...ds } = r.datasets[0]!;
    writeFileSync(join(dir, 'fit.json'), JSON.stringify({ params: r.params, restraints, datasets: [ds] }));
    writeFileSync(join(dir, 'batch.json'), JSON.stringify({ inputs: { files: 'cu_*.xdi' }, mu: 'mutrans', process: { autobk: { rbkg: 1, kweight: 2 } }, fit: 'fit.json' }));
    const s = await runBatch(loadBatchRecipe(join(dir, 'batch.json')), { jobs: 1, out: join(dir, 'out') });
    expect(s).toMatchObject({ total: 1, ok: 1 });
    const row = JSON.parse(readFileSync(join(dir, 'out', 'results.jsonl'), 'utf8').trim().split('\n')[1]!) as Record<string, number>;
    const ref = fit(r);
    expect(row.sig2).toBeCloseTo(ref.params.sig2!.value, 10);
    expect(Math.abs(row.sig2! - 0.00867)).toBeGreaterThan(5e-4); // pulled toward 0.007
  }, 60_000);
});
