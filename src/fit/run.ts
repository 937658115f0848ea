/**
 * `xafs fit RECIPE`: read the recipe, resolve `from` parameters, validate every expression before
 * any data is read, load data and FEFF paths, run feffit, from one start or several
 * (`fitStarts`, shared with fit-shell: docs/fit-sanity.md "Multi-start").
 */
import { resolve } from 'node:path';
import type { Warn } from '../errors.js';
import { feffit, pathExprs, type FeffitOptions, type FitDatasetInput, type FitResult } from './feffit.js';
import { loadFeffPath, pathChi } from './feffPath.js';
import { xftf } from '../xafs/xftf.js';
import { ETOK } from '../constants.js';
import { interpLinear } from '../wasm.js';
import { ParamSet, type ParamSpec } from './params.js';
import { loadDataset, readRecipe, resolveFrom, type ParamSpecIn, type Recipe } from './recipe.js';
import type { FitCheck } from './sanity.js';
import { PATH_PARAM_NAMES, type FeffPath, type PathParamName } from './types.js';
import type { Spectrum } from '../types.js';

export interface FitRecipeOptions {
  /** Folder that data and feff.dat names resolve against. @default the recipe's folder */
  dataDir?: string;
  /** Fit even when nvarys > N_idp, or a path's absorber/edge is not the data's. @default false */
  force?: boolean;
  /** Fit from this many starts and keep the lowest χ² (the first start is the recipe's). @default 1 */
  starts?: number;
  warn?: Warn;
  /** Passed to feffit (FeffitOptions.onProblem). */
  onProblem?: FeffitOptions['onProblem'];
  /** Replaces the μ(E) of dataset i before pre_edge + autobk (Monte Carlo replicas). */
  perturbMu?: (i: number, s: Spectrum) => Spectrum;
  /** Iterations of the minimizer (tests of non-convergence). */
  maxIterations?: number;
}

/** How the starts of a multi-start fit ended (docs/fit-sanity.md). */
export interface StartsSummary {
  /** Starts run. */
  count: number;
  /** Starts that ended within Δχ² < χ²_ν (one scaled σ) of the best: "the best ones". */
  best: number;
  /** χ² of the best ones: lowest and highest. */
  chiSquare: [number, number];
  /** Per varied parameter, among the best ones: lowest, highest, and the best fit's stderr. */
  params: Record<string, { min: number; max: number; stderr: number | null }>;
  /** True when every varied parameter of the best ones lies within one stderr of the best fit. */
  agree: boolean;
}

/** One path's share of the best fit, and |χ(R)| phase-corrected by the dataset's first path. */
export interface PathContribution {
  /** The path's label (the recipe's, else its atoms) and its number over all datasets (1-based). */
  label: string;
  path: number;
  /** χ(k) of the path alone on the dataset's k grid (unweighted). */
  chi: Float64Array;
  /** |χ(R)| of the path alone, the dataset's transform (first k-weight). */
  chirMag: Float64Array;
}

export interface DatasetContributions {
  paths: PathContribution[];
  /** |χ(R)| of data and fit with the first path's scattering phase removed: peaks at the distances. */
  phaseCorrected: { by: string; dataChirMag: Float64Array; modelChirMag: Float64Array };
}

export interface RecipeFit extends FitResult {
  recipe: Recipe;
  /** Present for a multi-start fit. */
  starts?: StartsSummary;
  /** Per dataset: each path's contribution and the phase-corrected |χ(R)|, computed on first access. */
  readonly contributions: DatasetContributions[];
  /** The parameters and loaded data (not in the JSON): refits for profiles, maps (src/fit/profile.ts). */
  readonly problem?: { ps: ParamSet; inputs: FitDatasetInput[]; force: boolean };
}

export function fitRecipe(recipePath: string, options: FitRecipeOptions = {}): RecipeFit {
  const { recipe, dir } = readRecipe(recipePath);
  return fitParsedRecipe(recipe, options.dataDir ? resolve(options.dataDir) : dir, options, dir);
}

/** Runs a recipe already parsed (fit-shell builds recipes in memory). `fromDir` resolves `from` files. */
export function fitParsedRecipe(recipe: Recipe, dataDir: string, options: FitRecipeOptions = {}, fromDir = dataDir): RecipeFit {
  if ((options.starts ?? 1) > 1) return fitStarts(recipe, dataDir, startValues(recipe, options.starts!), options, fromDir);
  const prepared = prepareRecipe(recipe, dataDir, options.warn, fromDir, options.perturbMu);
  const result = prepared.run(recipe, options);
  return withContributions(Object.assign(result, { recipe }), prepared.inputs); // keeps the lazy `arrays` getter
}

/** Adds the lazy `contributions` of a fit (figures and --out ask for them; a fit alone does not pay). */
function withContributions<T extends FitResult>(res: T, inputs: FitDatasetInput[]): T & { contributions: DatasetContributions[] } {
  let cache: DatasetContributions[] | null = null;
  Object.defineProperty(res, 'contributions', { enumerable: false, configurable: true, get: () => (cache ??= contributions(res, inputs)) });
  return res as T & { contributions: DatasetContributions[] };
}

function contributions(res: FitResult, inputs: FitDatasetInput[]): DatasetContributions[] {
  let pi = 0;
  return inputs.map((d, i) => {
    const a = res.arrays[i]!;
    const t = res.datasets[i]!.transform;
    const ft = (chi: Float64Array) => xftf({ k: a.k, chi }, { kmin: t.kmin, kmax: t.kmax, dk: t.dk, dk2: t.dk2, window: t.window, kweight: t.kweights[0], nfft: t.nfft, kstep: t.kstep, rmaxOut: 10 });
    const paths = d.paths.map((p) => {
      const r = res.paths[pi++]!;
      const chi = pathChi(p.path, { degen: r.n, s02: r.s02, e0: r.e0, ei: r.ei, deltar: r.deltar, sigma2: r.sigma2, third: r.third, fourth: r.fourth }, { k: a.k }).chi;
      return { label: r.label, path: pi, chi: Float64Array.from(chi), chirMag: ft(Float64Array.from(chi)).chirMag };
    });
    // χ(k)·exp(−iφ(k)) with φ the first path's scattering phase (FEFF's real[2·phc] + phase, at the
    // fitted ΔE0): the transform of a real input done twice, for χ·cos φ and χ·sin φ
    const first = d.paths[0]!.path;
    const e0 = res.paths[pi - d.paths.length]!.e0;
    const phase = interpLinear(first.dat.k, first.dat.pha, a.k.map((k) => Math.sqrt(Math.max(0, k * k - e0 * ETOK))));
    const corrected = (chi: Float64Array) => {
      const c = ft(chi.map((v, j) => v * Math.cos(phase[j]!)));
      const s = ft(chi.map((v, j) => v * Math.sin(phase[j]!)));
      return c.r.map((_, m) => Math.hypot(c.chirRe[m]! + s.chirIm[m]!, c.chirIm[m]! - s.chirRe[m]!));
    };
    return { paths, phaseCorrected: { by: paths[0]!.label, dataChirMag: corrected(a.data), modelChirMag: corrected(a.model) } };
  });
}

/** The recipe's data and paths, loaded once; `run` fits it (or a copy with other starting values). */
function prepareRecipe(recipe: Recipe, dataDir: string, warn: Warn | undefined, fromDir: string, perturbMu?: FitRecipeOptions['perturbMu']) {
  const specsOf = (r: Recipe): Record<string, ParamSpec> => {
    const specs = Object.create(null) as Record<string, ParamSpec>; // no prototype: a name is only ever a name
    for (const [name, spec] of Object.entries(r.params)) {
      specs[name] = typeof spec === 'object' && spec !== null && 'from' in spec && typeof spec.from === 'string' ? resolveFrom(spec as { from: string; param?: string }, name, fromDir) : (spec as ParamSpec);
    }
    return specs;
  };
  const pathInputs = recipe.datasets.map((d) => ({
    paths: d.paths.map((p) => ({ params: Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'feff' && k !== 'label')) as Record<string, number | string> })),
  }));
  const extra = [...pathExprs(pathInputs), ...(recipe.restraints ?? []).map((r, i) => ({ where: `restraint ${i + 1}`, expr: r.expr }))];
  const paramSet = (r: Recipe, w: Warn | undefined) => new ParamSet(specsOf(r), { extra, warn: w });
  paramSet(recipe, warn); // every expression checked before any file is read
  const cache = new Map<string, FeffPath>();
  const inputs: FitDatasetInput[] = recipe.datasets.map((spec, i) => {
    const where = recipe.datasets.length > 1 ? `dataset ${i + 1}` : 'dataset';
    const perturb = perturbMu;
    const d = loadDataset(spec, dataDir, where, perturb && ((s) => perturb(i, s)));
    return {
      file: d.file,
      k: d.k,
      chi: d.chi,
      e0: d.e0,
      element: d.element,
      edge: d.edge,
      transform: spec.transform ?? {},
      epsilonK: spec.epsilonK,
      deltaChi: d.deltaChi,
      paths: d.paths.map((p, j) => {
        let path = cache.get(p.file);
        if (!path) {
          path = loadFeffPath(p.file);
          cache.set(p.file, path);
        }
        return { path, feff: p.spec.feff, label: p.spec.label, params: pathInputs[i].paths[j].params };
      }),
    };
  });
  return {
    inputs,
    run: (r: Recipe, o: FitRecipeOptions, w: Warn | undefined = o.warn): FitResult => {
      const ps = paramSet(r, undefined);
      const force = o.force || r.force === true;
      const result = feffit(ps, inputs, { force, warn: w, restraints: r.restraints, maxIterations: o.maxIterations, onProblem: o.onProblem });
      // the parameters and data, for refits (profiles, maps: src/fit/profile.ts); not in the JSON
      Object.defineProperty(result, 'problem', { enumerable: false, value: { ps, inputs, force } });
      return result;
    },
  };
}

/** Which path field each varied parameter feeds directly (by its bare name), for the starts. */
type StartRole = 'e0' | 'amp' | 'sigma2' | 'deltar' | 'other';

function roles(recipe: Recipe): Record<string, StartRole> {
  const out: Record<string, StartRole> = {};
  const of: Partial<Record<PathParamName, StartRole>> = { e0: 'e0', degen: 'amp', s02: 'amp', sigma2: 'sigma2', deltar: 'deltar' };
  for (const d of recipe.datasets) {
    for (const p of d.paths) {
      for (const f of PATH_PARAM_NAMES) {
        const v = p[f];
        if (typeof v === 'string' && /^[A-Za-z_]\w*$/.test(v.trim()) && of[f] && out[v.trim()] === undefined) out[v.trim()] = of[f]!;
      }
    }
  }
  return out;
}

/**
 * Starting values for a multi-start fit: the recipe's own, then fit-shell's classic four (ΔE0 −5
 * and +5 eV; amplitudes halved with σ² 0.003 Å²; amplitudes ×1.5 with σ² 0.008 Å²), then seeded
 * random draws (ΔE0 ±8 eV, amplitudes ×0.5–1.5, σ² 0.002–0.012 Å², ΔR ±0.1 Å, anything else ±50 %),
 * each clipped to the parameter's bounds. `extra` starts (fit-shell's library guess) go second.
 */
export function startValues(recipe: Recipe, count: number, extra: Record<string, number>[] = []): Record<string, number>[] {
  const role = roles(recipe);
  const varied = Object.entries(recipe.params).filter(([, s]) => typeof s === 'object' && s !== null && (s as { vary?: boolean }).vary === true) as [string, { value?: number; min?: number; max?: number }][];
  const clip = (name: string, v: number) => {
    const s = recipe.params[name] as { min?: number; max?: number };
    return Math.min(s.max ?? Infinity, Math.max(s.min ?? -Infinity, v));
  };
  const base: Record<string, number> = Object.fromEntries(varied.map(([n, s]) => [n, s.value ?? 0]));
  const shift = (fn: (name: string, v: number, r: StartRole) => number): Record<string, number> =>
    Object.fromEntries(varied.map(([n]) => [n, clip(n, fn(n, base[n]!, role[n] ?? 'other'))]));
  const classic = [
    shift((_, v, r) => (r === 'e0' ? v - 5 : v)),
    shift((_, v, r) => (r === 'e0' ? v + 5 : v)),
    shift((_, v, r) => (r === 'amp' ? v * 0.5 : r === 'sigma2' ? 0.003 : v)),
    shift((_, v, r) => (r === 'amp' ? v * 1.5 : r === 'sigma2' ? 0.008 : v)),
  ];
  // a small deterministic generator (LCG): the same recipe gives the same starts
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const out: Record<string, number>[] = [base, ...extra, ...classic];
  while (out.length < count) {
    out.push(
      shift((_, v, r) => {
        const u = 2 * rand() - 1;
        if (r === 'e0') return v + 8 * u;
        if (r === 'amp') return v * (1 + 0.5 * u);
        if (r === 'sigma2') return 0.007 + 0.005 * u;
        if (r === 'deltar') return v + 0.1 * u;
        return v === 0 ? u : v * (1 + 0.5 * u);
      }),
    );
  }
  return out.slice(0, Math.max(1, count));
}

/** The recipe with other starting values for its varied parameters. */
export function withStart(recipe: Recipe, start: Record<string, number>): Recipe {
  const params: Record<string, ParamSpecIn> = { ...recipe.params };
  for (const [n, v] of Object.entries(start)) {
    const s = params[n];
    if (typeof s === 'object' && s !== null) params[n] = { ...s, value: v };
  }
  return { ...recipe, params };
}

/**
 * Fits from each start and keeps the lowest χ² (its recipe, with that start, is the result's), with
 * a summary of how the starts agree and a STARTS_DISAGREE warning when starts that fit as well
 * (Δχ² below χ²_ν) end more than one error bar apart.
 */
export function fitStarts(recipe: Recipe, dataDir: string, starts: Record<string, number>[], options: FitRecipeOptions = {}, fromDir = dataDir): RecipeFit & { starts: StartsSummary } {
  const prepared = prepareRecipe(recipe, dataDir, options.warn, fromDir, options.perturbMu);
  const seen = new Set<string>();
  const runs: { fit: FitResult; recipe: Recipe; warnings: string[] }[] = [];
  for (const st of starts) {
    const key = JSON.stringify(st);
    if (seen.has(key)) continue;
    seen.add(key);
    const r = withStart(recipe, st);
    const warnings: string[] = [];
    runs.push({ fit: prepared.run(r, { ...options, onProblem: undefined }, (m) => warnings.push(m)), recipe: r, warnings });
  }
  let best = runs[0]!;
  for (const x of runs.slice(1)) {
    const c = x.fit.statistics.chiSquare;
    if ((Number.isFinite(c) && c < best.fit.statistics.chiSquare * (1 - 1e-9)) || !Number.isFinite(best.fit.statistics.chiSquare)) best = x;
  }
  if (options.warn) for (const w of best.warnings) options.warn(w);
  // the problem of the best start only (posterior sampling): that start fitted once more, the same fit
  if (options.onProblem) prepared.run(best.recipe, options, () => {});
  const b = best.fit;
  const scale = Number.isFinite(b.statistics.chi2Reduced) && b.statistics.chi2Reduced > 0 ? b.statistics.chi2Reduced : 1;
  const good = runs.filter((x) => Number.isFinite(x.fit.statistics.chiSquare) && x.fit.statistics.chiSquare - b.statistics.chiSquare < scale);
  const names = Object.entries(b.params).filter(([, p]) => p.vary).map(([n]) => n);
  const params: StartsSummary['params'] = {};
  let agree = true;
  for (const n of names) {
    const vals = good.map((x) => x.fit.params[n]!.value);
    const stderr = b.params[n]!.stderr;
    params[n] = { min: Math.min(...vals), max: Math.max(...vals), stderr };
    const far = Math.max(...vals.map((v) => Math.abs(v - b.params[n]!.value)));
    if (stderr !== null ? far > stderr : far > 1e-6 * Math.max(1, Math.abs(b.params[n]!.value))) agree = false;
  }
  const chis = good.map((x) => x.fit.statistics.chiSquare);
  const summary: StartsSummary = { count: runs.length, best: good.length, chiSquare: [Math.min(...chis), Math.max(...chis)], params, agree };
  if (!agree) {
    const spread = names.filter((n) => params[n]!.max - params[n]!.min > (params[n]!.stderr ?? 0)).map((n) => `${n} ${fmt(params[n]!.min)}…${fmt(params[n]!.max)}`);
    const msg = `${good.length} of ${runs.length} starts fit equally well (Δχ² < χ²_ν) but disagree by more than the error bars: ${spread.join(', ')}; the minimum is not unique: fix or restrain a parameter`;
    const check: FitCheck = { code: 'STARTS_DISAGREE', message: msg };
    b.warnings.push(msg);
    b.checks.push(check);
    options.warn?.(msg);
  }
  return withContributions(Object.assign(b, { recipe: best.recipe, starts: summary }), prepared.inputs);
}

function fmt(v: number): string {
  return Number(v.toPrecision(4)).toString();
}
