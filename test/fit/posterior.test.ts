// The posterior sampler (src/fit/posterior.ts): against analytic Gaussian posteriors (a linear
// least-squares problem, a half-normal at a bound), against the covariance error bars on a
// linear-regime XAFS fit (a synthetic Cu μ(E) made from the fitted path), seeded reproducibility,
// and refused options. No timed assertions: the run time is measured in docs/fit-posterior.md.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { FitProblem } from '../../src/fit/feffit.js';
import { ParamSet } from '../../src/fit/params.js';
import { integratedTime, samplePosterior, seededRandom, type PosteriorResult } from '../../src/fit/posterior.js';
import { fitRecipe } from '../../src/fit/run.js';
import { xafs, expectRefused } from '../cli/helpers.js';
import { catchXafs } from '../io/helpers.js';
import { writeSyntheticCu } from './synthMu.js';

/**
 * r(x) = A·x − b with a fixed, correlated A (m × 3): the posterior ∝ exp(−|r|²/(2 s²)) is
 * Gaussian with mean x̂ = (AᵀA)⁻¹Aᵀb and covariance s²(AᵀA)⁻¹, s² = |r(x̂)|²/dof.
 */
function linearProblem(dof: number): { problem: FitProblem; xhat: number[]; cov: number[][] } {
  const m = 40;
  const n = 3;
  const A = Array.from({ length: m }, (_, i) => {
    const t = i / (m - 1);
    return [1, t, t * t + 0.3 * t];
  });
  const rng = seededRandom(11);
  const b = A.map((row) => row[0] * 1.5 - row[1] * 0.7 + row[2] * 2.0 + 0.05 * rng.normal());
  // normal equations, solved by explicit 3×3 inverse
  const AtA = [0, 1, 2].map((a) => [0, 1, 2].map((c) => A.reduce((s, r) => s + r[a] * r[c], 0)));
  const Atb = [0, 1, 2].map((a) => A.reduce((s, r, i) => s + r[a] * b[i], 0));
  const inv = invert3(AtA);
  const xhat = [0, 1, 2].map((a) => inv[a].reduce((s, v, c) => s + v * Atb[c], 0));
  const residual = (x: Float64Array) => Float64Array.from(A, (row, i) => row[0] * x[0] + row[1] * x[1] + row[2] * x[2] - b[i]);
  let sumsq = 0;
  for (const r of residual(Float64Array.from(xhat))) sumsq += r * r;
  const cov = inv.map((row) => row.map((v) => (v * sumsq) / dof));
  const params = new ParamSet({ a: { value: 1, vary: true }, b: { value: 0, vary: true }, c: { value: 1, vary: true }, apb: { expr: 'a + b' } });
  const problem: FitProblem = {
    params,
    residual,
    x: Float64Array.from(xhat),
    lower: new Float64Array(n).fill(-Infinity),
    upper: new Float64Array(n).fill(Infinity),
    sumsq,
    dof,
    covariance: Float64Array.from(cov.flat()),
  };
  return { problem, xhat, cov };
}

function invert3(M: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = M;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    [A / det, -(b * i - c * h) / det, (b * f - c * e) / det],
    [B / det, (a * i - c * g) / det, -(a * f - c * d) / det],
    [C / det, -(a * h - b * g) / det, (a * e - b * d) / det],
  ];
}

const half68 = (p: { minus68: number; plus68: number }) => (p.minus68 + p.plus68) / 2;

describe('samplePosterior on analytic posteriors', () => {
  // 16 walkers × 6000 steps, τ ≈ 10–20 steps for a 3-D Gaussian: ≥ 4000 independent samples, so
  // a 68 % half-width is known to ~2 % and a median to ~0.03 σ; the tolerances are 3× that
  const { problem, xhat, cov } = linearProblem(25);
  const post = samplePosterior(problem, { steps: 6000, burn: 1000, seed: 3 });

  test('medians and 68 % half-widths of a linear problem are x̂ and the covariance errors', () => {
    ['a', 'b', 'c'].forEach((name, j) => {
      const p = post.params[name];
      const sd = Math.sqrt(cov[j][j]);
      expect(p.stderr).toBeCloseTo(sd, 12);
      expect(Math.abs(p.median - xhat[j]) / sd, name).toBeLessThan(0.1);
      expect(half68(p) / sd, name).toBeGreaterThan(0.94);
      expect(half68(p) / sd, name).toBeLessThan(1.06);
      // 95 % interval: x̂ ± 1.96 σ
      expect((p.hi95 - p.lo95) / (2 * 1.959964 * sd), name).toBeCloseTo(1, 1);
    });
    expect(post.warnings).toEqual([]);
    expect(post.tauMax! * 50).toBeLessThan(post.steps - post.burn);
    expect(post.acceptance).toBeGreaterThan(0.2);
    expect(post.acceptance).toBeLessThan(0.8);
  });

  test('an expression parameter gets the propagated Gaussian width; chain correlations match the covariance', () => {
    const p = post.params.apb;
    expect(p.derived).toBe(true);
    const sd = Math.sqrt(cov[0][0] + cov[1][1] + 2 * cov[0][1]);
    expect(Math.abs(p.median - (xhat[0] + xhat[1])) / sd).toBeLessThan(0.1);
    expect(half68(p) / sd).toBeGreaterThan(0.94);
    expect(half68(p) / sd).toBeLessThan(1.06);
    const r = cov[0][1] / Math.sqrt(cov[0][0] * cov[1][1]);
    expect(post.correlations['a,b']).toBeCloseTo(r, 1);
    expect(post.evaluations).toBeLessThanOrEqual(16 * 6000 + 16);
    expect(post.samples).toBe(16 * 5000);
  });

  test('a lower bound at the best fit gives the half-normal: median 0.674 σ, 68 % quantile 0.994 σ', () => {
    const params = new ParamSet({ x: { value: 0, vary: true, min: 0 } });
    const problem: FitProblem = {
      params,
      residual: (x) => Float64Array.of(x[0], 0),
      x: Float64Array.of(0),
      lower: Float64Array.of(0),
      upper: Float64Array.of(Infinity),
      sumsq: 1,
      dof: 1, // s² = 1: log p = −x²/2, σ = 1
      covariance: Float64Array.of(1),
    };
    const p = samplePosterior(problem, { steps: 6000, burn: 1000, seed: 5 }).params.x;
    // half-normal quantiles: F(x) = 2Φ(x) − 1 → median Φ⁻¹(0.75) = 0.6745, 84.13 % → Φ⁻¹(0.9207) = 1.4101
    expect(p.median).toBeCloseTo(0.6745, 1);
    expect(p.median + p.plus68).toBeCloseTo(1.4101, 1);
    expect(p.lo95).toBeGreaterThanOrEqual(0);
  });

  test('a runaway or non-Gaussian parameter is named in a warning', () => {
    // r = exp(x) − 1 for x ≥ −5: the likelihood flattens for x → −∞ (like N when σ² grows)
    const params = new ParamSet({ x: { value: 0, vary: true, min: -5 } });
    const problem: FitProblem = {
      params,
      residual: (x) => Float64Array.of(Math.exp(x[0]) - 1),
      x: Float64Array.of(0),
      lower: Float64Array.of(-5),
      upper: Float64Array.of(Infinity),
      sumsq: 0.25,
      dof: 1,
      covariance: Float64Array.of(0.25),
    };
    const post = samplePosterior(problem, { steps: 2000, seed: 2 });
    expect(post.warnings.join('\n')).toMatch(/the posterior is not Gaussian around the best fit for x \(68 % half-width/);
  });
});

describe('posterior of a linear-regime XAFS fit (synthetic Cu μ(E), one path, σ = 0.002)', () => {
  test('68 % half-widths agree with the covariance error bars within 10 %; medians within 0.25 σ of the best fit', () => {
    // τ ≈ 40–50 steps for this 4-parameter fit: 3000 steps after burn-in are ≥ 50 τ (asserted), and
    // 16 walkers give ~1000 independent samples: a half-width is known to ~3.5 %, so 10 % is ~3 σ
    // (seeds 1 and 2 give 0.96–1.06). The medians sit up to 0.16 σ above the best fit for amp and
    // sig2: their joint posterior is slightly curved (amp·exp(−2k²σ²)), a real skew, not noise.
    const recipe = writeSyntheticCu(0.002, 7);
    let post: PosteriorResult | undefined;
    const fit = fitRecipe(recipe, { onProblem: (p) => (post = samplePosterior(p, { steps: 3500, burn: 500, seed: 1 })) });
    expect(post).toBeDefined();
    const P = post!;
    expect(P.tauMax).not.toBeNull();
    expect(P.tauMax! * 50).toBeLessThan(3000);
    for (const name of ['amp', 'del_e0', 'del_r', 'sig2']) {
      const p = P.params[name];
      const se = fit.params[name].stderr!;
      expect(p.stderr).toBe(se);
      expect(p.best).toBe(fit.params[name].value);
      expect(Math.abs(half68(p) / se - 1), `${name}: half-width ${half68(p)} vs error bar ${se}`).toBeLessThan(0.1);
      expect(Math.abs(p.median - p.best) / se, name).toBeLessThan(0.25);
    }
    // the N–σ² (here amp–sig2) correlation of the chain is the covariance's
    expect(P.correlations['amp,sig2']).toBeCloseTo(fit.correlations['amp,sig2'], 1);
  });
});

describe('the autocorrelation time', () => {
  test('of AR(1) chains x_t = φ x_{t−1} + e_t is (1 + φ)/(1 − φ) within 10 %', () => {
    // 16 chains × 20 000 steps of φ = 0.9 (τ = 19): the estimate's relative error is
    // ~sqrt(2·5τ/(16·20000)) ≈ 2.5 %, so 10 % is 4 σ
    const steps = 20000;
    const walkers = 16;
    const phi = 0.9;
    const rng = seededRandom(8);
    const trace = new Float64Array(steps * walkers);
    for (let w = 0; w < walkers; w++) {
      let x = rng.normal() / Math.sqrt(1 - phi * phi);
      for (let t = 0; t < steps; t++) {
        x = phi * x + rng.normal();
        trace[t * walkers + w] = x;
      }
    }
    const tau = integratedTime(trace, steps, walkers, 1, 0);
    expect(Math.abs(tau / ((1 + phi) / (1 - phi)) - 1)).toBeLessThan(0.1);
    // white noise: τ = 1
    for (let i = 0; i < trace.length; i++) trace[i] = rng.normal();
    expect(integratedTime(trace, steps, walkers, 1, 0)).toBeCloseTo(1, 1);
  });
});

describe('reproducibility and options', () => {
  test('the same seed gives the same chain; another seed a different one', () => {
    const { problem } = linearProblem(10);
    const a = samplePosterior(problem, { steps: 200, seed: 42 });
    const b = samplePosterior(problem, { steps: 200, seed: 42 });
    const c = samplePosterior(problem, { steps: 200, seed: 43 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(Array.from(b.chain.samples)).toEqual(Array.from(a.chain.samples));
    expect(c.params.a.median).not.toBe(a.params.a.median);
  });

  test('τ of walkers that never moved is Infinity (null in the result); a short chain is warned about', () => {
    expect(integratedTime(new Float64Array(40).fill(3), 20, 2, 1, 0)).toBe(Infinity);
    const { problem } = linearProblem(10);
    const p = samplePosterior(problem, { steps: 12, burn: 2, seed: 1 });
    expect(p.warnings[0]).toMatch(/^the chains are short: 10 steps after burn-in but the autocorrelation time is [\d.]+ steps; intervals are reliable from 50 τ \(\d+ steps\): raise steps$/);
  });

  test('bad options are refused with the option named', () => {
    const { problem } = linearProblem(10);
    expect(catchXafs(() => samplePosterior(problem, { walkers: 3 }), 'EOPTION').message).toBe(
      'posterior: walkers must be more than the 3 varied parameters (got 3): the ensemble would stay in a subspace; use at least 16',
    );
    expect(catchXafs(() => samplePosterior(problem, { steps: 100, burn: 100 }), 'EOPTION').message).toBe('posterior: burn (100) must be less than steps (100): nothing would be kept');
    expect(catchXafs(() => samplePosterior(problem, { steps: 10.5 }), 'EOPTION').message).toBe('posterior: steps must be a whole number ≥ 2 (got 10.5)');
    expect(catchXafs(() => samplePosterior(problem, { a: 1 }), 'EOPTION').message).toBe('posterior: the stretch scale a must be a number > 1 (got 1); 2 is the usual value');
    expect(catchXafs(() => samplePosterior({ ...problem, dof: 0 }), 'EOPTION').message).toMatch(/^posterior: the fit has 0\.00 degrees of freedom/);
  });
});

describe('xafs fit --posterior', () => {
  test('prints the interval table, adds "posterior" to --json and writes the chain and the corner plot with --out', async () => {
    const recipe = writeSyntheticCu(0.002, 7);
    const out = join(mkdtempSync(join(tmpdir(), 'xafs-post-')), 'out');
    const text = await xafs('fit', recipe, '--posterior', '--steps', '300', '--burn', '100', '--seed', '4');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/posterior: 16 walkers × 300 steps \(burn-in 100, thin 1, seed 4\), \d+ evaluations, 3200 samples/);
    expect(text.out).toMatch(/^parameter\s+median\s+−68 %\s+\+68 %\s+95 % interval\s+best fit\s+± covariance\s+τ$/m);
    expect(text.out).toMatch(/^sig2\s+0\.009\d+\s+−0\.000\d+\s+\+0\.000\d+\s+\[/m);
    // 200 kept steps are short of 50 τ: said on stderr
    expect(text.err).toMatch(/xafs: warning: posterior: the chains are short: 200 steps after burn-in/);
    const js = await xafs('fit', recipe, '--posterior', '--steps', '300', '--burn', '100', '--seed', '4', '--json', '--out', out);
    expect(js.code).toBe(0);
    const doc = JSON.parse(js.out);
    expect(doc.posterior.walkers).toBe(16);
    expect(doc.posterior.params.amp.median).toBeGreaterThan(0.8);
    expect(Object.keys(doc.posterior.params.amp).sort()).toEqual(['best', 'hi95', 'lo95', 'median', 'minus68', 'plus68', 'stderr', 'tau'].sort());
    expect(doc.posterior.chain).toBeUndefined();
    // same seed, same numbers, whether printed as text or JSON
    expect(text.out).toContain(`${doc.posterior.evaluations} evaluations`);
    const csv = readFileSync(join(out, 'posterior_chain.csv'), 'utf8').trim().split('\n');
    expect(csv[1]).toBe('logp,amp,del_e0,del_r,sig2');
    expect(csv.length).toBe(2 + 3200);
    const png = readFileSync(join(out, 'posterior_corner.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(existsSync(join(out, 'posterior_corner.svg'))).toBe(true);
    // xafs plot corner redraws it from the folder, best-fit marks from result.json
    const fig = join(out, 'again.svg');
    const p = await xafs('plot', 'corner', out, '--out', fig);
    expect(p.code).toBe(0);
    const svg = readFileSync(fig, 'utf8');
    for (const name of ['amp', 'del_e0', 'del_r', 'sig2']) expect(svg).toContain(`>${name}</text>`);
    expect(svg).toContain(`amp = ${doc.posterior.params.amp.median.toFixed(3)}`);
  });

  test('bad options exit 2 with a clear message', async () => {
    const recipe = writeSyntheticCu(0.002, 7);
    expectRefused(await xafs('fit', recipe, '--walkers', '20'), 'xafs: --walkers set the posterior sampler: add --posterior\n');
    expectRefused(await xafs('fit', recipe, '--posterior', '--steps', '100', '--burn', '100'), 'xafs: posterior: burn (100) must be less than steps (100): nothing would be kept\n');
    const r = await xafs('fit', recipe, '--posterior', '--walkers', '1');
    expect(r.code).toBe(2);
    expect(r.err).toContain("option '--walkers' expects a whole number ≥ 2, got '1'");
    expectRefused(await xafs('fit', recipe, '--seed', '3'), 'xafs: --seed seeds --posterior and --mc: add one of them\n');
  });
});
