/**
 * The per-spectrum EXAFS fit of a batch (recipe "fit"), apart from analyze.ts so that only the
 * workers of a recipe with a fit load the fitting modules (feffit and its minimizer). Importing
 * this module registers it with analyze.ts (registerFitStep).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { XafsError } from '../../errors.js';
import { feffit, pathExprs, type FitDatasetInput } from '../../fit/feffit.js';
import { loadFeffPath } from '../../fit/feffPath.js';
import { ParamSet, type ParamSpec } from '../../fit/params.js';
import { parseRecipe, resolveFile, resolveFrom } from '../../fit/recipe.js';
import { registerFitStep, type FitPrepared, type FitState, type PreparedAnalysis } from './analyze.js';
import { resolveIn, type BatchItem } from './inputs.js';
import type { BatchRecipe } from './recipe.js';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Reads a fit recipe for the batch (one dataset; its data come from the series), with its FEFF paths. */
function prepareFit(r: BatchRecipe, file: string): FitPrepared {
  const path = resolveIn(r.baseDir, file);
  if (!existsSync(path)) throw new XafsError('ENOENT', `${r.path}: fit recipe '${file}' not found (looked for ${path}); names resolve against the recipe's folder`);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new XafsError('EFORMAT', `${r.path}: fit recipe '${file}' is not valid JSON: ${(e as Error).message}`);
  }
  // the data come from the series: a dataset's "file" is optional here
  if (json && typeof json === 'object' && Array.isArray(json.datasets)) {
    json = { ...json, datasets: json.datasets.map((d: unknown) => (d && typeof d === 'object' && !('file' in d) ? { ...d, file: '(series)' } : d)) };
  }
  const recipe = parseRecipe(json, path);
  if (recipe.datasets.length !== 1) throw new XafsError('EOPTION', `${r.path}: fit recipe '${file}' has ${recipe.datasets.length} datasets; a batch fit applies one dataset (transform and paths) to every spectrum`);
  const fitDir = dirname(path);
  const specs: Record<string, ParamSpec> = {};
  for (const [name, spec] of Object.entries(recipe.params)) {
    specs[name] = typeof spec === 'object' && spec !== null && 'from' in spec && typeof spec.from === 'string' ? resolveFrom(spec as { from: string; param?: string }, name, fitDir) : (spec as ParamSpec);
  }
  const dataset = recipe.datasets[0]!;
  const pathInputs = [{ paths: dataset.paths.map((q) => ({ params: Object.fromEntries(Object.entries(q).filter(([k]) => k !== 'feff' && k !== 'label')) as Record<string, number | string> })) }];
  const extra = [...pathExprs(pathInputs), ...(recipe.restraints ?? []).map((q, i) => ({ where: `restraint ${i + 1}`, expr: q.expr, locals: [] as string[], functions: [] as string[] }))];
  // validates every expression now, before any spectrum
  const ps = new ParamSet(specs, { extra });
  const varyNames = [...ps.varyNames];
  const paths = dataset.paths.map((q, j) => ({ path: loadFeffPath(resolveFile(q.feff, fitDir)), feff: q.feff, params: pathInputs[0]!.paths[j]!.params }));
  return { specs, varyNames, dataset, paths, extra, force: recipe.force === true, restraints: recipe.restraints };
}

/** Fits one spectrum's χ(k) (see FitStep.fitSpectrum): null when done, else the failure message. */
function fitSpectrum(p: PreparedAnalysis, item: BatchItem, chi: { k: Float64Array; chi: Float64Array; deltaChi?: Float64Array }, e0: number, state: FitState, warnings: string[], put: (x: number | null | undefined) => void): string | null {
  const r = p.recipe;
  const f = p.fit!;
  const specs: Record<string, ParamSpec> = {};
  for (const [name, spec] of Object.entries(f.specs)) {
    const warm = r.fit!.warmStart ? state.values?.[name] : undefined;
    specs[name] = warm !== undefined && typeof spec === 'object' && spec !== null && !('expr' in spec && spec.expr) ? ({ ...(spec as object), value: warm } as ParamSpec) : spec;
  }
  const ps = new ParamSet(specs, { extra: f.extra });
  const input: FitDatasetInput = { file: item.source, k: chi.k, chi: chi.chi, e0, transform: f.dataset.transform ?? {}, epsilonK: f.dataset.epsilonK, deltaChi: chi.deltaChi, paths: f.paths };
  let fit;
  try {
    fit = feffit(ps, [input], { force: f.force, restraints: f.restraints, warn: (w) => warnings.push(`fit: ${w}`) });
  } catch (e) {
    state.values = null;
    return `fit: ${message(e)}`;
  }
  const next: Record<string, number> = {};
  for (const name of f.varyNames) {
    const q = fit.params[name]!;
    if (!Number.isFinite(q.value) || (q.stderr !== null && !Number.isFinite(q.stderr))) {
      state.values = null;
      return `fit: ${name} is not finite (${q.value} ± ${q.stderr}): the fit diverged; check the fit recipe's starting values and bounds`;
    }
    next[name] = q.value;
    put(q.value);
    put(q.stderr);
  }
  if (!Number.isFinite(fit.statistics.rfactor)) {
    state.values = null;
    return `fit: the R-factor is not finite: the fit diverged; check the fit recipe's starting values and bounds`;
  }
  put(fit.statistics.rfactor);
  put(fit.statistics.chi2Reduced);
  put(fit.statistics.nfev);
  if (!fit.statistics.converged) warnings.push('fit: did not converge');
  state.values = next;
  return null;
}

registerFitStep({ prepareFit, fitSpectrum });
