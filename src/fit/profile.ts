/**
 * Confidence intervals by profiling (what Larch's conf_interval and Artemis users ask for): one
 * parameter is fixed on a grid around its best value, the others are refitted at each point, and
 * the interval is where Δχ²/χ²_ν,best — the increase of χ² in units of the best fit's reduced χ²,
 * the scale the covariance errors use — crosses 1 (1σ, 68 %) and 4 (2σ, 95 %).
 * In the linear regime the profile is ((v − v*)/σ)² and the 1σ interval is the covariance's ± σ;
 * where the model is not linear the interval is asymmetric and the profile says by how much.
 */
import { XafsError } from '../errors.js';
import { feffit } from './feffit.js';
import type { RecipeFit } from './run.js';

/** A fit's χ² with some parameters held at given values, the others refitted from the best fit. */
export interface Refit {
  chiSquare: number;
  /** Δχ²/χ²_ν,best: 1 at 1σ and 4 at 2σ in the linear regime. */
  dchi2: number;
  nfev: number;
}

/** The refit machinery of a recipe fit: names checked, the best fit as the start. */
export function refitter(best: RecipeFit, names: readonly string[], option: string): (fixed: Record<string, number>) => Refit {
  const problem = best.problem;
  if (!problem) throw new XafsError('EINTERNAL', 'the fit result carries no problem to refit (use fitRecipe)');
  const { ps, inputs } = problem;
  for (const name of names) {
    if (!ps.varyNames.includes(name)) {
      throw new XafsError('EOPTION', `${option}: '${name}' is not a varied parameter of the fit; the varied parameters are: ${ps.varyNames.join(', ')}`);
    }
  }
  if (new Set(names).size !== names.length) throw new XafsError('EOPTION', `${option}: '${names.join(',')}' names a parameter twice`);
  if (ps.nvary - names.length < 1) throw new XafsError('EOPTION', `${option}: fixing ${names.join(', ')} leaves no parameter to refit; the fit varies only ${ps.varyNames.join(', ')}`);
  if (!(best.statistics.chi2Reduced > 0)) throw new XafsError('EOPTION', `${option}: the best fit has no degrees of freedom (reduced χ² ${best.statistics.chi2Reduced}); profiles need N_idp > nvarys`);
  const start = Object.fromEntries(ps.varyNames.map((n) => [n, best.params[n].value]));
  const chi0 = best.statistics.chiSquare;
  const scale = best.statistics.chi2Reduced;
  return (fixed) => {
    // fewer varied parameters than the best fit had: no N_idp refusal; no total errors per point
    const f = feffit(ps.withFixed(fixed, start), inputs, { force: true, totalErrors: false });
    return { chiSquare: f.statistics.chiSquare, dchi2: (f.statistics.chiSquare - chi0) / scale, nfev: f.statistics.nfev };
  };
}

export interface ProfileOptions {
  /** Grid step in units of the parameter's standard error. @default 0.5 */
  step?: number;
  /** Most grid points on each side of the best value. @default 10 */
  maxSteps?: number;
}

export interface ProfileResult {
  name: string;
  best: number;
  /** Covariance standard error. */
  stderr: number;
  /** The profile: value, Δχ²/χ²_ν at that value (0 at the best fit). */
  grid: { value: number; dchi2: number }[];
  /** 1σ (Δ = 1) and 2σ (Δ = 4) intervals; null where the grid did not reach the crossing. */
  sigma1: { lower: number | null; upper: number | null };
  sigma2: { lower: number | null; upper: number | null };
  /** Refits made (one per grid point) and their function evaluations in all. */
  refits: number;
  nfev: number;
}

/**
 * Profiles each named varied parameter. Costs one refit (all other parameters varied) per grid
 * point: the grid walks out from the best value in steps of `step`·σ until Δχ²/χ²_ν > 4.5 or
 * `maxSteps`, so a linear-regime parameter takes about 2·5 refits.
 */
export function profileParams(best: RecipeFit, names: readonly string[], options: ProfileOptions = {}): ProfileResult[] {
  const step = options.step ?? 0.5;
  const maxSteps = options.maxSteps ?? 10;
  return names.map((name) => {
    const refit = refitter(best, [name], '--profile');
    const v0 = best.params[name].value;
    const s = best.params[name].stderr;
    if (!(s !== null && s > 0 && Number.isFinite(s))) throw new XafsError('EOPTION', `--profile: ${name} has no standard error to set the grid (the covariance failed); fix a degenerate parameter first`);
    const grid = [{ value: v0, dchi2: 0 }];
    let refits = 0;
    let nfev = 0;
    for (const dir of [-1, 1]) {
      for (let i = 1; i <= maxSteps; i++) {
        const value = v0 + dir * i * step * s;
        const r = refit({ [name]: value });
        refits++;
        nfev += r.nfev;
        grid.push({ value, dchi2: r.dchi2 });
        if (r.dchi2 > 4.5) break;
      }
    }
    grid.sort((a, b) => a.value - b.value);
    return { name, best: v0, stderr: s, grid, sigma1: crossings(grid, v0, 1), sigma2: crossings(grid, v0, 4), refits, nfev };
  });
}

/**
 * Where the profile crosses `level` on each side of the best value, interpolating sqrt(Δ) linearly
 * (exact for a parabola).
 */
export function crossings(grid: { value: number; dchi2: number }[], v0: number, level: number): { lower: number | null; upper: number | null } {
  const r = Math.sqrt(level);
  const find = (side: { value: number; dchi2: number }[]) => {
    for (let i = 1; i < side.length; i++) {
      const a = Math.sqrt(Math.max(0, side[i - 1].dchi2));
      const b = Math.sqrt(Math.max(0, side[i].dchi2));
      if (a <= r && b >= r && b > a) return side[i - 1].value + ((r - a) / (b - a)) * (side[i].value - side[i - 1].value);
    }
    return null;
  };
  const upper = grid.filter((g) => g.value >= v0);
  const lower = grid.filter((g) => g.value <= v0).reverse();
  return { lower: find(lower), upper: find(upper) };
}
