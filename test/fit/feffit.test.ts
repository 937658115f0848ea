// fitRecipe on the four shared reference fits (Larch 0.9.58 answers, copied unchanged into
// fixtures/fitref/shared), the synthetic Ru dual-atom χ(k) against its generating parameters,
// and a chained S0² (foil result → sample) carrying the foil's standard error.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { fitRecipe, type RecipeFit } from '../../src/fit/run.js';
import { fixture } from '../io/helpers.js';

const DATA = fixture('fitref/data');
const SHARED = fixture('fitref/shared');

interface LarchAnswer {
  params: Record<string, { value: number; stderr: number }>;
  statistics: { nvarys: number; npts?: number; n_independent: number; chi_square: number; chi2_reduced: number; rfactor: number };
  datasets: { e0: number | null; epsilon_k: number; epsilon_r: number; n_idp: number }[];
}

const json = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const relErr = (a: number, b: number): number => Math.abs(a / b - 1);

const fits = new Map<string, RecipeFit>();
/** Each shared recipe is fitted once (data and feff.dat names resolve against fixtures/fitref/data). */
function shared(name: string): RecipeFit {
  if (!fits.has(name)) fits.set(name, fitRecipe(`${SHARED}/${name}.recipe.json`, { dataDir: DATA }));
  return fits.get(name)!;
}

describe('the four shared reference fits against Larch 0.9.58 (scoreboard tolerances)', () => {
  for (const name of ['cu_1shell', 'feo_2path_r', 'ru_dualatom', 'ru_dualatom_chi']) {
    test(name, () => {
      const fit = shared(name);
      const ref = json<LarchAnswer>(`${SHARED}/${name}.larch.json`);
      for (const [p, r] of Object.entries(ref.params)) {
        const ours = fit.params[p]!;
        const d = Math.abs(ours.value - r.value) / r.stderr;
        expect(d, `${p}: ${ours.value} vs Larch ${r.value} ± ${r.stderr}`).toBeLessThanOrEqual(0.02);
        expect(relErr(ours.stderr!, r.stderr), `${p}: σ ${ours.stderr} vs Larch ${r.stderr}`).toBeLessThanOrEqual(0.01);
      }
      const s = fit.statistics;
      expect(s.nvarys).toBe(ref.statistics.nvarys);
      if (ref.statistics.npts !== undefined) expect(s.npts).toBe(ref.statistics.npts);
      expect(relErr(s.nIndependent, ref.statistics.n_independent)).toBeLessThanOrEqual(1e-9);
      expect(relErr(s.rfactor, ref.statistics.rfactor)).toBeLessThanOrEqual(1e-3);
      expect(relErr(s.chiSquare, ref.statistics.chi_square)).toBeLessThanOrEqual(1e-3);
      expect(relErr(s.chi2Reduced, ref.statistics.chi2_reduced)).toBeLessThanOrEqual(1e-3);
      ref.datasets.forEach((r, i) => {
        const d = fit.datasets[i]!;
        if (r.e0 === null) expect(d.e0).toBeNull();
        else expect(Math.abs(d.e0! - r.e0)).toBeLessThan(1e-6);
        expect(relErr(d.nIdp, r.n_idp)).toBeLessThanOrEqual(1e-9);
        expect(relErr(d.epsilonK, r.epsilon_k)).toBeLessThanOrEqual(1e-9);
        expect(relErr(d.epsilonR, r.epsilon_r)).toBeLessThanOrEqual(1e-9);
      });
    });
  }
});

describe('ru_dualatom_chi', () => {
  test('ru_dualatom_chi recovers the generating parameters in ru_dualatom_truth.json within two standard errors', () => {
    const truth = json<{ s02: number; de0: number; paths: { n: number; r: number; sigma2: number }[] }>(`${DATA}/ru_dualatom_truth.json`);
    const fit = shared('ru_dualatom_chi');
    // the recipe writes s02 = "s02*n1" with s02 fixed at the truth's 0.92 and degen 1: N is n1, n2
    expect(fit.params.s02!.value).toBe(truth.s02);
    const within2 = (what: string, value: number, stderr: number | null, want: number) => {
      expect(stderr, what).not.toBeNull();
      expect(Math.abs(value - want), `${what}: ${value} ± ${stderr}, truth ${want}`).toBeLessThanOrEqual(2 * stderr!);
    };
    truth.paths.forEach((t, i) => {
      const n = fit.params[`n${i + 1}`]!;
      const p = fit.paths[i]!;
      within2(`N of path ${i + 1}`, n.value, n.stderr, t.n);
      expect(p.s02 / truth.s02).toBeCloseTo(n.value, 12); // n = s02·n/s02 as the path reports it
      within2(`R of path ${i + 1} (reff + r${i + 1})`, p.r, p.rStderr, t.r);
      expect(p.r).toBeCloseTo(p.reff + fit.params[`r${i + 1}`]!.value, 12);
      within2(`σ² of path ${i + 1}`, p.sigma2, p.sigma2Stderr, t.sigma2);
    });
    within2('ΔE0', fit.params.de0!.value, fit.params.de0!.stderr, truth.de0);
  });
});

describe('chained S0²: the foil result feeds the sample fit', () => {
  const foilFile = fixture('fitref/cu_foil.result.json');
  const foil = json<{ params: Record<string, { value: number; stderr: number }> }>(foilFile);

  test('the saved foil result is what the Cu foil fit gives now', () => {
    const now = shared('cu_1shell');
    expect(relErr(now.params.amp!.value, foil.params.amp!.value)).toBeLessThan(1e-6);
    expect(relErr(now.params.amp!.stderr!, foil.params.amp!.stderr)).toBeLessThan(1e-4);
  });

  test("params.s02 is fixed at the foil's amp, carries the foil's stderr and names the file", () => {
    const fit = fitRecipe(fixture('fitref/cu150k_s02chain.recipe.json'), { dataDir: DATA });
    const s02 = fit.params.s02!;
    expect(s02.vary).toBe(false);
    expect(s02.value).toBe(foil.params.amp!.value);
    expect(s02.stderr).toBe(foil.params.amp!.stderr);
    expect(s02.from).toMatch(/cu_foil\.result\.json/);
    expect(s02.from).toMatch(/amp/);
    // the path reports S0² as used in the model; the varied parameters have their own error bars
    expect(fit.paths[0]!.s02).toBe(foil.params.amp!.value);
    for (const p of ['de0', 'dr', 'ss']) expect(fit.params[p]!.stderr! > 0, p).toBe(true);
  });
});

describe('an active bound', () => {
  // ru_dualatom with n2 ≥ 1.3 (its free best value is 1.10): the constrained minimum is the fit
  // with n2 fixed at 1.3 (Larch reaches it too: χ² 21.1446)
  const base = JSON.parse(readFileSync(fixture('fitref/ru_dualatom_bounds.recipe.json'), 'utf8'));
  for (const k of Object.keys(base.params)) if (typeof base.params[k] === 'object') delete base.params[k].min, delete base.params[k].max;
  const run = (n2: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), 'xafs-bound-'));
    const file = join(dir, 'r.json');
    writeFileSync(file, JSON.stringify({ ...base, params: { ...base.params, n2 } }));
    const warnings: string[] = [];
    return { fit: fitRecipe(file, { dataDir: DATA, warn: (m) => warnings.push(m) }), warnings };
  };
  test('is held: the fit reaches the minimum of the problem with that parameter fixed at the bound, and says so', () => {
    const bounded = run({ value: 1.5, vary: true, min: 1.3 });
    const fixed = run({ value: 1.3 });
    expect(bounded.fit.params.n2.value).toBe(1.3);
    expect(bounded.fit.statistics.converged).toBe(true);
    expect(Math.abs(bounded.fit.statistics.chiSquare / fixed.fit.statistics.chiSquare - 1)).toBeLessThan(1e-6);
    expect(fixed.fit.statistics.chiSquare).toBeCloseTo(21.1446, 3);
    for (const name of ['de0', 'n1', 'r1', 'ss1', 'r2', 'ss2']) {
      expect(Math.abs(bounded.fit.params[name].value - fixed.fit.params[name].value)).toBeLessThan(1e-3 * fixed.fit.params[name].stderr!);
    }
    expect(bounded.warnings).toContain('parameter n2 = 1.3 sits at its bound [1.3, Infinity]: its error bar is not meaningful; widen the bound or fix the parameter');
    // the error bars stay defined (the local, unconstrained curvature)
    expect(bounded.fit.params.n2.stderr).toBeGreaterThan(0);
  });
});
