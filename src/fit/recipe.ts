/**
 * Fit recipes (docs/cli.md and docs/fitting.md): JSON with `params` and `datasets`. Loading resolves file
 * names (against --data-dir, else the recipe's folder), reads the data (μ(E) processed by
 * pre_edge + autobk, or a χ(k) file) and the FEFF paths, and resolves `{from, param}` parameters
 * from saved results. Unknown keys and wrong types are refused with their path in the recipe.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { XafsError } from '../errors.js';
import { readColumns, readSpectrum } from '../io/read.js';
import { preEdge } from '../xafs/preEdge.js';
import { autobk, type AutobkOptions } from '../xafs/autobk.js';
import type { TransformOptions } from './transform.js';
import { FIT_RECIPE } from '../schema/fitRecipe.js';
import { parseJsonText, parseRecipeText } from '../schema/text.js';
import { validate } from '../schema/validate.js';
import type { Spectrum } from '../types.js';

export type ParamSpecIn = number | { value?: number; vary?: boolean; min?: number; max?: number; expr?: string; from?: string; param?: string; stderr?: number };

export interface PathSpec {
  feff: string;
  label?: string;
  degen?: number | string;
  s02?: number | string;
  e0?: number | string;
  ei?: number | string;
  deltar?: number | string;
  sigma2?: number | string;
  third?: number | string;
  fourth?: number | string;
}

export interface DatasetSpec {
  file: string;
  mu?: string;
  energy?: string;
  group?: string;
  autobk?: AutobkOptions & { e0?: number };
  preEdge?: Record<string, number>;
  transform?: TransformOptions;
  /** Noise in χ(k) (unweighted) to use instead of Larch's high-R estimate. */
  epsilonK?: number;
  paths: PathSpec[];
}

export interface Recipe {
  params: Record<string, ParamSpecIn>;
  datasets: DatasetSpec[];
  /** Refuse nothing for nvarys > N_idp (the CLI's --force). */
  force?: boolean;
  /** Penalties (expr − value)/sigma·weight appended to the residual (docs/fit-sanity.md). */
  restraints?: { expr: string; value?: number; sigma?: number; weight?: number }[];
}

export interface LoadedDataset {
  spec: DatasetSpec;
  /** The data file, resolved. */
  file: string;
  k: Float64Array;
  chi: Float64Array;
  /** e0 of the μ(E) data (null for a χ(k) file). */
  e0: number | null;
  /** Absorber and edge the data file states (XDI Element.symbol/Element.edge, or Scan.element/Scan.edge). */
  element?: string;
  edge?: string;
  /** AUTOBK's uncertainty of χ (autobk.calcUncertainties, default true; μ(E) data only). */
  deltaChi?: Float64Array;
  paths: { spec: PathSpec; file: string }[];
}

/**
 * Parses and checks the shape of a recipe (no file access) against the one recipe description
 * (src/schema/fitRecipe.ts): unknown keys with the nearest allowed one, types and ranges, each
 * named by its key path. `where` (the file) starts every message.
 */
export function parseRecipe(json: unknown, where: string): Recipe {
  validate(FIT_RECIPE, json, where);
  const r = json as Record<string, unknown>;
  // a copy of the params without a prototype: a name can never reach Object.prototype
  const params = Object.assign(Object.create(null) as Record<string, ParamSpecIn>, r.params ?? {});
  const datasets = (r.datasets as Record<string, unknown>[]).map((o) => {
    const eps = o.epsilonK ?? o.epsilon_k;
    return {
      ...(o as unknown as DatasetSpec),
      preEdge: (o.preEdge ?? o.pre_edge) as Record<string, number> | undefined,
      epsilonK: eps as number | undefined,
      paths: o.paths as PathSpec[],
    };
  });
  const restraints = r.restraints as Recipe['restraints']; // checked by the schema
  return { params, datasets, force: r.force === true, ...(restraints ? { restraints } : {}) };
}

/** Reads a recipe file: JSON, or YAML for .yaml/.yml. */
export function readRecipe(path: string): { recipe: Recipe; dir: string } {
  if (!existsSync(path)) throw new XafsError('ENOENT', `recipe not found: '${path}'; check the name and the folder`);
  const json = parseRecipeText(readFileSync(path, 'utf8'), path, 'a recipe is an object with "params" and "datasets" (docs/recipes.md)');
  return { recipe: parseRecipe(json, path), dir: dirname(resolve(path)) };
}

export function resolveFile(name: string, dir: string): string {
  return isAbsolute(name) ? name : resolve(dir, name);
}

/**
 * `{from: RESULT.json, param: NAME}` → a fixed parameter with the saved value and its standard
 * error (so reports can carry the foil's uncertainty into the sample's table).
 */
export function resolveFrom(spec: { from: string; param?: string }, name: string, dir: string): { value: number; vary: false; stderr: number; from: string } {
  const file = resolveFile(spec.from, dir);
  const param = spec.param ?? name;
  if (!existsSync(file)) throw new XafsError('ENOENT', `param ${name}: result file not found: '${file}'; save a fit with xafs fit --json > RESULT.json first`);
  const json = parseJsonText(readFileSync(file, 'utf8'), `param ${name}: ${file}`, 'it must be the output of xafs fit --json') as { params?: Record<string, { value?: number; stderr?: number | null }> } | null;
  const saved = json?.params && Object.hasOwn(json.params, param) ? json.params[param] : undefined;
  if (!saved || typeof saved.value !== 'number') {
    const names = Object.keys(json?.params ?? {});
    throw new XafsError('EOPTION', `param ${name}: ${file} has no parameter '${param}'; it has: ${names.join(', ') || 'none'}`);
  }
  return { value: saved.value, vary: false, stderr: typeof saved.stderr === 'number' ? saved.stderr : 0, from: `${file}#${param}` };
}

/**
 * Reads a dataset's data: μ(E) through pre_edge + autobk, or χ(k) (first two columns: k, chi).
 * `perturbMu` replaces μ(E) before pre_edge (Monte Carlo replicas, src/fit/montecarlo.ts).
 */
export function loadDataset(spec: DatasetSpec, dir: string, where: string, perturbMu?: (s: Spectrum) => Spectrum): LoadedDataset {
  const file = resolveFile(spec.file, dir);
  const paths = spec.paths.map((p) => ({ spec: p, file: resolveFile(p.feff, dir) }));
  if (spec.mu !== undefined) {
    const read = readSpectrum(file, { mu: spec.mu, energy: spec.energy, group: spec.group });
    const s = perturbMu ? perturbMu(read) : read;
    const pe = preEdge(s, spec.preEdge ?? {});
    const bk = autobk({ ...s, ...pe }, spec.autobk ?? {});
    const meta = (s.metadata ?? {}) as Record<string, unknown>;
    const str = (...keys: string[]) => keys.map((k) => meta[k]).find((x): x is string => typeof x === 'string' && x.trim() !== '');
    return { spec, file, k: bk.k, chi: bk.chi, e0: bk.e0, element: str('element.symbol', 'scan.element'), edge: str('element.edge', 'scan.edge'), deltaChi: bk.deltaChi, paths };
  }
  const cols = readColumns(file);
  if (cols.columns.length < 2) throw new XafsError('EFORMAT', `${where}: ${file} has ${cols.columns.length} column; a χ(k) file needs k and chi (or give "mu" to process μ(E))`);
  const k = cols.columns[0].values;
  const chi = cols.columns[1].values;
  for (let i = 0; i < k.length; i++) {
    if (!Number.isFinite(k[i]) || !Number.isFinite(chi[i])) {
      throw new XafsError('ENONFINITE', `${file} line ${cols.rowLines?.[i] ?? i + 1}: k or chi is not a number (${k[i]}, ${chi[i]}); fix or delete that line`);
    }
    if (i > 0 && !(k[i] > k[i - 1])) throw new XafsError('EORDER', `${file} line ${cols.rowLines?.[i] ?? i + 1}: k is not increasing (${k[i]} after ${k[i - 1]}); a χ(k) file needs increasing k in its first column`);
  }
  return { spec, file, k, chi, e0: null, paths };
}
