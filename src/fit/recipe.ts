/**
 * Fit recipes (contract.md "xafs fit"): JSON with `params` and `datasets`. Loading resolves file
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
import { PATH_PARAM_NAMES } from './types.js';

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
}

export interface LoadedDataset {
  spec: DatasetSpec;
  /** The data file, resolved. */
  file: string;
  k: Float64Array;
  chi: Float64Array;
  /** e0 of the μ(E) data (null for a χ(k) file). */
  e0: number | null;
  /** AUTOBK's uncertainty of χ (autobk.calcUncertainties, default true; μ(E) data only). */
  deltaChi?: Float64Array;
  paths: { spec: PathSpec; file: string }[];
}

const RECIPE_KEYS = new Set(['params', 'datasets', 'force', 'title', 'comment', 'version']);
const DATASET_KEYS = new Set(['file', 'mu', 'energy', 'group', 'autobk', 'preEdge', 'pre_edge', 'transform', 'epsilonK', 'epsilon_k', 'paths', 'label']);
const PATH_KEYS = new Set(['feff', 'label', ...PATH_PARAM_NAMES]);

function typeName(v: unknown): string {
  return Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function expectObject(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new XafsError('EOPTION', `${where} must be an object (got ${typeName(v)})`);
  return v as Record<string, unknown>;
}

function checkKeys(o: Record<string, unknown>, allowed: Set<string>, where: string): void {
  for (const key of Object.keys(o)) {
    if (!allowed.has(key)) throw new XafsError('EOPTION', `${where}: unknown key '${key}'; the keys are ${[...allowed].join(', ')}`);
  }
}

/** Parses and checks the shape of a recipe (no file access). */
export function parseRecipe(json: unknown, where: string): Recipe {
  const r = expectObject(json, where);
  checkKeys(r, RECIPE_KEYS, where);
  const params = expectObject(r.params ?? {}, `${where}.params`) as Record<string, ParamSpecIn>;
  if (!Array.isArray(r.datasets) || r.datasets.length === 0) {
    throw new XafsError('EOPTION', `${where}.datasets must be a non-empty list of datasets (got ${typeName(r.datasets)})`);
  }
  const datasets = r.datasets.map((d, i) => {
    const w = `${where}.datasets[${i}]`;
    const o = expectObject(d, w);
    checkKeys(o, DATASET_KEYS, w);
    if (typeof o.file !== 'string' || o.file === '') throw new XafsError('EOPTION', `${w}.file must be a file name (got ${typeName(o.file)})`);
    for (const key of ['mu', 'energy', 'group'] as const) {
      if (o[key] !== undefined && typeof o[key] !== 'string') throw new XafsError('EOPTION', `${w}.${key} must be a string (got ${typeName(o[key])})`);
    }
    if (o.transform !== undefined) expectObject(o.transform, `${w}.transform`);
    if (o.autobk !== undefined) expectObject(o.autobk, `${w}.autobk`);
    const calcUnc = (o.autobk as { calcUncertainties?: unknown } | undefined)?.calcUncertainties;
    if (calcUnc !== undefined && typeof calcUnc !== 'boolean') throw new XafsError('EOPTION', `${w}.autobk.calcUncertainties must be true or false (got ${JSON.stringify(calcUnc)})`);
    const eps = o.epsilonK ?? o.epsilon_k;
    if (eps !== undefined && (typeof eps !== 'number' || !(eps > 0))) throw new XafsError('EOPTION', `${w}.epsilonK must be a positive number (got ${JSON.stringify(eps)})`);
    if (!Array.isArray(o.paths) || o.paths.length === 0) throw new XafsError('EOPTION', `${w}.paths must be a non-empty list of paths (got ${typeName(o.paths)})`);
    const paths = o.paths.map((p, j) => {
      const pw = `${w}.paths[${j}]`;
      const po = expectObject(p, pw);
      checkKeys(po, PATH_KEYS, pw);
      if (typeof po.feff !== 'string' || po.feff === '') throw new XafsError('EOPTION', `${pw}.feff must be a feff.dat file name (got ${typeName(po.feff)})`);
      for (const key of PATH_PARAM_NAMES) {
        const v = po[key];
        if (v !== undefined && typeof v !== 'number' && typeof v !== 'string') {
          throw new XafsError('EOPTION', `${pw}.${key} must be a number or an expression string (got ${typeName(v)})`);
        }
        if (typeof v === 'number' && !Number.isFinite(v)) throw new XafsError('EOPTION', `${pw}.${key} must be finite (got ${v})`);
      }
      return po as unknown as PathSpec;
    });
    return {
      ...(o as unknown as DatasetSpec),
      preEdge: (o.preEdge ?? o.pre_edge) as Record<string, number> | undefined,
      epsilonK: eps as number | undefined,
      paths,
    };
  });
  return { params, datasets, force: r.force === true };
}

/** Reads a recipe file. */
export function readRecipe(path: string): { recipe: Recipe; dir: string } {
  if (!existsSync(path)) throw new XafsError('ENOENT', `recipe not found: '${path}'; check the name and the folder`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new XafsError('EFORMAT', `${path} is not valid JSON: ${(e as Error).message}; a recipe is a JSON object with "params" and "datasets"`);
  }
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
  let json: { params?: Record<string, { value?: number; stderr?: number | null }> };
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new XafsError('EFORMAT', `param ${name}: ${file} is not valid JSON (${(e as Error).message}); it must be the output of xafs fit --json`);
  }
  const saved = json.params?.[param];
  if (!saved || typeof saved.value !== 'number') {
    const names = Object.keys(json.params ?? {});
    throw new XafsError('EOPTION', `param ${name}: ${file} has no parameter '${param}'; it has: ${names.join(', ') || 'none'}`);
  }
  return { value: saved.value, vary: false, stderr: typeof saved.stderr === 'number' ? saved.stderr : 0, from: `${file}#${param}` };
}

/** Reads a dataset's data: μ(E) through pre_edge + autobk, or χ(k) (first two columns: k, chi). */
export function loadDataset(spec: DatasetSpec, dir: string, where: string): LoadedDataset {
  const file = resolveFile(spec.file, dir);
  const paths = spec.paths.map((p) => ({ spec: p, file: resolveFile(p.feff, dir) }));
  if (spec.mu !== undefined) {
    const s = readSpectrum(file, { mu: spec.mu, energy: spec.energy, group: spec.group });
    const pe = preEdge(s, spec.preEdge ?? {});
    const bk = autobk({ ...s, ...pe }, spec.autobk ?? {});
    return { spec, file, k: bk.k, chi: bk.chi, e0: bk.e0, deltaChi: bk.deltaChi, paths };
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
