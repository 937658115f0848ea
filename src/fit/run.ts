/**
 * `xafs fit RECIPE`: read the recipe, resolve `from` parameters, validate every expression before
 * any data is read, load data and FEFF paths, run feffit.
 */
import { resolve } from 'node:path';
import type { Warn } from '../errors.js';
import { feffit, pathExprs, type FitDatasetInput, type FitResult } from './feffit.js';
import { loadFeffPath } from './feffPath.js';
import { ParamSet, type ParamSpec } from './params.js';
import { loadDataset, readRecipe, resolveFrom, type Recipe } from './recipe.js';
import type { FeffPath } from './types.js';

export interface FitRecipeOptions {
  /** Folder that data and feff.dat names resolve against. @default the recipe's folder */
  dataDir?: string;
  /** Fit even when nvarys > N_idp. @default false */
  force?: boolean;
  warn?: Warn;
}

export interface RecipeFit extends FitResult {
  recipe: Recipe;
  /** The parameters and loaded data (not in the JSON): refits for profiles, maps (src/fit/profile.ts). */
  readonly problem?: { ps: ParamSet; inputs: FitDatasetInput[]; force: boolean };
}

export function fitRecipe(recipePath: string, options: FitRecipeOptions = {}): RecipeFit {
  const { recipe, dir } = readRecipe(recipePath);
  return fitParsedRecipe(recipe, options.dataDir ? resolve(options.dataDir) : dir, options, dir);
}

/** Runs a recipe already parsed (fit-shell builds recipes in memory). `fromDir` resolves `from` files. */
export function fitParsedRecipe(recipe: Recipe, dataDir: string, options: FitRecipeOptions = {}, fromDir = dataDir): RecipeFit {
  const specs: Record<string, ParamSpec> = {};
  for (const [name, spec] of Object.entries(recipe.params)) {
    specs[name] = typeof spec === 'object' && spec !== null && 'from' in spec && typeof spec.from === 'string' ? resolveFrom(spec as { from: string; param?: string }, name, fromDir) : (spec as ParamSpec);
  }
  const pathInputs = recipe.datasets.map((d) => ({
    paths: d.paths.map((p) => ({ params: Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'feff' && k !== 'label')) as Record<string, number | string> })),
  }));
  const ps = new ParamSet(specs, { extra: pathExprs(pathInputs), warn: options.warn });
  const cache = new Map<string, FeffPath>();
  const inputs: FitDatasetInput[] = recipe.datasets.map((spec, i) => {
    const where = recipe.datasets.length > 1 ? `dataset ${i + 1}` : 'dataset';
    const d = loadDataset(spec, dataDir, where);
    return {
      file: d.file,
      k: d.k,
      chi: d.chi,
      e0: d.e0,
      transform: spec.transform ?? {},
      epsilonK: spec.epsilonK,
      deltaChi: d.deltaChi,
      paths: d.paths.map((p, j) => {
        let path = cache.get(p.file);
        if (!path) {
          path = loadFeffPath(p.file);
          cache.set(p.file, path);
        }
        return { path, feff: p.spec.feff, params: pathInputs[i].paths[j].params };
      }),
    };
  });
  const result = feffit(ps, inputs, { force: options.force || recipe.force, warn: options.warn });
  Object.defineProperty(result, 'problem', { enumerable: false, value: { ps, inputs, force: options.force || recipe.force === true } });
  return Object.assign(result, { recipe }); // keeps the lazy `arrays` getter
}
