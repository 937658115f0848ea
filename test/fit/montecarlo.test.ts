// Monte Carlo uncertainties (src/fit/montecarlo.ts) on a synthetic Cu μ(E) whose model is exact
// (test/fit/synthMu.ts): the noise estimate against the σ put in, the spread against repeated
// experiments, linearity in σ, seeded reproducibility, refused inputs. No timed assertions.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { estimateMuNoise, monteCarloRecipe } from '../../src/fit/montecarlo.js';
import { fitRecipe } from '../../src/fit/run.js';
import { expectRefused, fixture, xafs } from '../cli/helpers.js';
import { catchXafs } from '../io/helpers.js';
import { SYNTH_TRUTH, writeSyntheticCu } from './synthMu.js';

const NAMES = ['amp', 'del_e0', 'del_r', 'sig2'];

function columns(recipe: string): { energy: number[]; mu: number[] } {
  const rows = readFileSync(join(dirname(recipe), 'cu_synth.dat'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(' ').map(Number));
  return { energy: rows.map((r) => r[0]), mu: rows.map((r) => r[1]) };
}

describe('the noise of μ(E)', () => {
  test('is estimated within 10 % of the σ put into a synthetic spectrum, and ~0 without noise', () => {
    const noisy = columns(writeSyntheticCu(0.002, 7));
    expect(estimateMuNoise(noisy.energy, noisy.mu, SYNTH_TRUTH.e0) / 0.002).toBeGreaterThan(0.9);
    expect(estimateMuNoise(noisy.energy, noisy.mu, SYNTH_TRUTH.e0) / 0.002).toBeLessThan(1.1);
    // the EXAFS itself leaks < 1 % of that σ into the third differences
    const clean = columns(writeSyntheticCu(0, 7));
    expect(estimateMuNoise(clean.energy, clean.mu, SYNTH_TRUTH.e0)).toBeLessThan(2e-5);
  });
});

describe('monteCarloRecipe on a linear-regime fit', () => {
  const noisy = writeSyntheticCu(0.002, 7);
  const clean = writeSyntheticCu(0, 7);
  const fitNoisy = fitRecipe(noisy);
  // 40 replicas each; the same seed draws the same noise vectors in both runs
  const mc = monteCarloRecipe(noisy, fitNoisy, { replicas: 40, seed: 3, sigma: 0.002 });

  test('the spread equals the scatter of repeated experiments (noise-free truth + the same noise draws) within 5 %', () => {
    // Resampling around one noisy measurement and repeating the experiment around the truth apply
    // the same (nearly linear) map to the same noise draws: the spreads differ only by the fit's
    // nonlinearity (seed 3: 0.8–2.8 %), not by sampling error, so 40 replicas suffice.
    const repeated = monteCarloRecipe(clean, fitRecipe(clean), { replicas: 40, seed: 3, sigma: 0.002 });
    expect(mc.succeeded).toBe(40);
    for (const n of NAMES) expect(Math.abs(mc.params[n].std / repeated.params[n].std - 1), n).toBeLessThan(0.05);
    // and the repeated experiments scatter around the truth (amp = S0² = 0.9, σ² = 0.0087)
    expect(Math.abs(repeated.params.amp.mean - SYNTH_TRUTH.s02)).toBeLessThan(2 * repeated.params.amp.std);
    expect(Math.abs(repeated.params.sig2.mean - SYNTH_TRUTH.sigma2)).toBeLessThan(2 * repeated.params.sig2.std);
  });

  test('the spread is proportional to σ (twice the noise, twice the spread, within 2 %)', () => {
    const half = monteCarloRecipe(noisy, fitNoisy, { replicas: 40, seed: 3, sigma: 0.001 });
    for (const n of NAMES) expect(mc.params[n].std / half.params[n].std, n).toBeCloseTo(2, 1);
    for (const n of NAMES) expect(Math.abs(mc.params[n].std / half.params[n].std / 2 - 1), n).toBeLessThan(0.02);
  });

  test('the covariance error bars are 1.4–3× the Monte Carlo spread on white noise (documented in docs/fit-posterior.md)', () => {
    // Larch's error bars scale (JᵀJ)⁻¹ by Σr²/(N_idp − nvarys): on this exact model with white noise
    // they come out larger than the spread of repeated experiments (150 replicas, seeds 1–2: ratios
    // 0.45–0.70; these 40 replicas: 0.32 for del_e0 to 0.7)
    for (const n of NAMES) {
      const ratio = mc.params[n].std / fitNoisy.params[n].stderr!;
      expect(ratio, n).toBeGreaterThan(0.25);
      expect(ratio, n).toBeLessThan(0.85);
    }
    expect(mc.params.amp.stderr).toBe(fitNoisy.params.amp.stderr);
    expect(mc.params.amp.best).toBe(fitNoisy.params.amp.value);
  });

  test('the same seed gives the same replicas; another seed different ones', () => {
    const a = monteCarloRecipe(noisy, fitNoisy, { replicas: 3, seed: 9 });
    const b = monteCarloRecipe(noisy, fitNoisy, { replicas: 3, seed: 9 });
    const c = monteCarloRecipe(noisy, fitNoisy, { replicas: 3, seed: 10 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(c.params.amp.mean).not.toBe(a.params.amp.mean);
    expect(a.noise[0].estimated).toBe(true);
    expect(a.noise[0].sigma / 0.002).toBeCloseTo(1, 1);
  });
});

describe('refused inputs', () => {
  test('a χ(k) dataset, too few replicas, a bad σ', () => {
    const recipe = fixture('fitref/shared/ru_dualatom_chi.recipe.json');
    const fit = fitRecipe(recipe, { dataDir: fixture('fitref/data') });
    expect(catchXafs(() => monteCarloRecipe(recipe, fit, { replicas: 5, dataDir: fixture('fitref/data') }), 'EOPTION').message).toBe(
      'Monte Carlo: dataset 1 (ru_dualatom.chi) is a χ(k) file; the Monte Carlo mode re-runs AUTOBK on μ(E) (give "mu"), or use the posterior instead',
    );
    const synth = writeSyntheticCu(0.002, 7);
    const f = fitRecipe(synth);
    expect(catchXafs(() => monteCarloRecipe(synth, f, { replicas: 1 }), 'EOPTION').message).toBe('Monte Carlo: replicas must be a whole number ≥ 2 (got 1); 100 or more gives a spread good to ~7 %');
    expect(catchXafs(() => monteCarloRecipe(synth, f, { replicas: 2, sigma: -1 }), 'EOPTION').message).toBe('Monte Carlo: sigma must be a positive number in the units of μ(E) (got -1)');
  });

  test('xafs fit --mc: table, --json field, exit 2 on bad values', async () => {
    const synth = writeSyntheticCu(0.002, 7);
    const r = await xafs('fit', synth, '--mc', '4', '--seed', '2');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Monte Carlo: 4 of 4 replicas \(seed 2\), \d+ evaluations; noise of μ\(E\): 0\.002\d* \(estimated\)$/m);
    expect(r.out).toMatch(/^parameter\s+median\s+spread \(sd\)\s+−68 %\s+\+68 %\s+95 % interval\s+best fit\s+± covariance$/m);
    expect(r.err).toContain('xafs: warning: Monte Carlo: only 4 replicas: the spread is uncertain by ~41 %; use 100 or more');
    const js = await xafs('fit', synth, '--mc', '4', '--seed', '2', '--mc-sigma', '0.002', '--json');
    const doc = JSON.parse(js.out);
    expect(doc.monteCarlo.replicas).toBe(4);
    expect(doc.monteCarlo.noise[0]).toMatchObject({ sigma: 0.002, estimated: false });
    expect(Object.keys(doc.monteCarlo.params)).toEqual(NAMES);
    const bad = await xafs('fit', synth, '--mc', '1');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("option '--mc' expects a whole number ≥ 2, got '1'");
    expectRefused(await xafs('fit', synth, '--mc-sigma', '0.01'), 'xafs: --mc-sigma sets the Monte Carlo noise: add --mc N\n');
  });
});
