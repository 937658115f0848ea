/**
 * Monte Carlo uncertainties of a fit: replicas of every μ(E) dataset with Gaussian noise added,
 * each re-run through pre_edge + AUTOBK + the fit (warm-started at the best fit), and the spread
 * of each parameter over the replicas (docs/fit-posterior.md).
 *
 * The noise σ of μ(E) is the user's, or estimated from the data: the third differences of μ(E)
 * above e0 + 100 eV (where the EXAFS changes little from point to point, so a third difference is
 * noise: Var(Δ³μ) = 20 σ² for white noise), robustly (1.4826 · median absolute deviation).
 */
import { XafsError } from '../errors.js';
import type { Spectrum } from '../types.js';
import { quantile, seededRandom } from './posterior.js';
import { readRecipe, type ParamSpecIn, type Recipe } from './recipe.js';
import { fitParsedRecipe, type RecipeFit } from './run.js';
import { resolve } from 'node:path';

export interface MonteCarloOptions {
  /** Number of replicas. @default 100 */
  replicas?: number;
  /** Seed of the noise: the same seed gives the same replicas. @default 1 */
  seed?: number;
  /** Noise σ of μ(E), in μ's units, for every dataset. @default estimated from each dataset */
  sigma?: number;
  /** Folder that data and feff.dat names resolve against. @default the recipe's folder */
  dataDir?: string;
  /** Fit even when nvarys > N_idp. @default false */
  force?: boolean;
}

export interface MonteCarloParam {
  best: number;
  stderr: number | null;
  mean: number;
  /** Standard deviation over the replicas. */
  std: number;
  median: number;
  minus68: number;
  plus68: number;
  lo95: number;
  hi95: number;
}

export interface MonteCarloResult {
  method: 'Monte Carlo: noise-resampled μ(E) through pre_edge + AUTOBK + fit';
  replicas: number;
  seed: number;
  /** Replicas whose fit converged (the statistics use only these). */
  succeeded: number;
  failed: { replica: number; message: string }[];
  /** σ of μ(E) per dataset and whether it was estimated. */
  noise: { file: string; sigma: number; estimated: boolean }[];
  /** Residual evaluations over all replica fits. */
  evaluations: number;
  params: Record<string, MonteCarloParam>;
  warnings: string[];
}

/** Noise σ of μ(E) from third differences above e0 + 100 eV (the last half of the scan if too few points). */
export function estimateMuNoise(energy: ArrayLike<number>, mu: ArrayLike<number>, e0: number): number {
  const n = energy.length;
  let start = 0;
  while (start < n && energy[start] < e0 + 100) start++;
  if (n - start < 24) start = Math.floor(n / 2);
  const d: number[] = [];
  for (let i = start; i + 3 < n; i++) d.push(mu[i + 3] - 3 * mu[i + 2] + 3 * mu[i + 1] - mu[i]);
  if (d.length < 8) return NaN;
  const sorted = Float64Array.from(d).sort();
  const med = quantile(sorted, 0.5);
  const dev = Float64Array.from(d, (v) => Math.abs(v - med)).sort();
  return (1.4826 * quantile(dev, 0.5)) / Math.sqrt(20);
}

function checkOptions(o: MonteCarloOptions) {
  const replicas = o.replicas ?? 100;
  if (!Number.isInteger(replicas) || replicas < 2) throw new XafsError('EOPTION', `Monte Carlo: replicas must be a whole number ≥ 2 (got ${replicas}); 100 or more gives a spread good to ~7 %`);
  const seed = o.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0) throw new XafsError('EOPTION', `Monte Carlo: seed must be a whole number ≥ 0 (got ${seed})`);
  if (o.sigma !== undefined && !(o.sigma > 0 && Number.isFinite(o.sigma))) throw new XafsError('EOPTION', `Monte Carlo: sigma must be a positive number in the units of μ(E) (got ${o.sigma})`);
  return { replicas, seed };
}

/**
 * Runs the Monte Carlo replicas of a recipe whose best fit is `best` (fitRecipe of the same
 * recipe and options). Every dataset must be μ(E) (a `mu` expression): χ(k) files have no AUTOBK
 * step to repeat.
 */
export function monteCarloRecipe(recipePath: string, best: RecipeFit, options: MonteCarloOptions = {}): MonteCarloResult {
  const { replicas, seed } = checkOptions(options);
  const { recipe, dir } = readRecipe(recipePath);
  const dataDir = options.dataDir ? resolve(options.dataDir) : dir;
  recipe.datasets.forEach((d, i) => {
    if (d.mu === undefined) {
      throw new XafsError('EOPTION', `Monte Carlo: dataset ${i + 1} (${d.file}) is a χ(k) file; the Monte Carlo mode re-runs AUTOBK on μ(E) (give "mu"), or use the posterior instead`);
    }
  });
  // warm start: every varied parameter starts at its best-fit value
  const params: Record<string, ParamSpecIn> = {};
  for (const [name, spec] of Object.entries(recipe.params)) {
    const p = best.params[name];
    params[name] = p && p.vary && typeof spec === 'object' && spec !== null ? { ...spec, value: p.value } : spec;
  }
  const warm: Recipe = { ...recipe, params };

  const rng = seededRandom(seed);
  const noise: MonteCarloResult['noise'] = recipe.datasets.map((d, i) => ({ file: best.datasets[i]?.file ?? d.file, sigma: options.sigma ?? NaN, estimated: options.sigma === undefined }));
  const perturbMu = (i: number, s: Spectrum): Spectrum => {
    if (!Number.isFinite(noise[i].sigma)) {
      const sigma = estimateMuNoise(s.energy, s.mu, best.datasets[i]?.e0 ?? s.energy[0]);
      if (!(sigma > 0)) throw new XafsError('EOPTION', `Monte Carlo: the noise of ${noise[i].file} could not be estimated (too few points above e0 + 100 eV, or noiseless data); give sigma`);
      noise[i].sigma = sigma;
    }
    const sigma = noise[i].sigma;
    return { ...s, mu: Float64Array.from(s.mu, (v) => v + sigma * rng.normal()) };
  };

  const names = Object.entries(best.params)
    .filter(([, p]) => p.vary || (p.expr !== undefined && (p.stderr ?? 0) > 0))
    .map(([n]) => n);
  const values: number[][] = names.map(() => []);
  const failed: MonteCarloResult['failed'] = [];
  let evaluations = 0;
  for (let r = 0; r < replicas; r++) {
    try {
      const res = fitParsedRecipe(warm, dataDir, { force: options.force, perturbMu }, dir);
      evaluations += res.statistics.nfev;
      if (!res.statistics.converged) {
        failed.push({ replica: r + 1, message: 'the fit did not converge' });
        continue;
      }
      names.forEach((n, j) => values[j].push(res.params[n].value));
    } catch (e) {
      if (!(e instanceof XafsError)) throw e;
      failed.push({ replica: r + 1, message: e.message });
    }
  }
  const succeeded = replicas - failed.length;
  if (succeeded < 2) throw new XafsError('EOPTION', `Monte Carlo: ${failed.length} of ${replicas} replica fits failed (${failed[0]?.message ?? ''}); the spread cannot be computed`);

  const out: Record<string, MonteCarloParam> = {};
  names.forEach((n, j) => {
    const v = values[j];
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1));
    const sorted = Float64Array.from(v).sort();
    const median = quantile(sorted, 0.5);
    out[n] = {
      best: best.params[n].value,
      stderr: best.params[n].stderr,
      mean,
      std,
      median,
      minus68: median - quantile(sorted, 0.158655254),
      plus68: quantile(sorted, 0.841344746) - median,
      lo95: quantile(sorted, 0.025),
      hi95: quantile(sorted, 0.975),
    };
  });
  const warnings: string[] = [];
  if (failed.length) warnings.push(`${failed.length} of ${replicas} replica fits failed or did not converge (first: replica ${failed[0].replica}, ${failed[0].message}); the spread uses the other ${succeeded}`);
  if (succeeded < 30) warnings.push(`only ${succeeded} replicas: the spread is uncertain by ~${Math.round(100 / Math.sqrt(2 * (succeeded - 1)))} %; use 100 or more`);
  return { method: 'Monte Carlo: noise-resampled μ(E) through pre_edge + AUTOBK + fit', replicas, seed, succeeded, failed, noise, evaluations, params: out, warnings };
}
