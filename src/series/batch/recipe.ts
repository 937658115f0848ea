/**
 * Batch recipes (docs/series.md): JSON or YAML, validated strictly. Every unknown key and
 * every wrong type is refused with its path in the recipe (`lcf.standards[1].file`) and, for a
 * misspelled key, the nearest allowed one. Defaults are resolved here, once: the resolved recipe is
 * what the engine runs and what it echoes into the output (DIR/recipe.json, the JSON lines
 * header), so a result says exactly how it was made. Relative file names stay as written (they
 * resolve against the recipe's folder, `baseDir`), so that shards run on different machines echo
 * the same recipe.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { XafsError } from '../../errors.js';
import { BATCH_RECIPE, EDGE, LCF, VALENCE } from '../../schema/batchRecipe.js';
import { parseRecipeText } from '../../schema/text.js';
import { applyDefaults, validate } from '../../schema/validate.js';
import type { EdgeMethod } from '../../xanes/edge.js';
import type { InputsSpec } from './inputs.js';

export const RECIPE_VERSION = 1;


export interface EdgeSection {
  /** Edge definitions, each a column e0_<method> (eV). @default ['deriv-fit', 'half'] */
  methods: EdgeMethod[];
  /** Gaussian σ (eV) of deriv-fit and zero2. @default 1 */
  smooth: number;
  /** Half-width (eV) searched around Larch's e0 for deriv-fit. @default 10 */
  searchWidth: number;
  /** Normalized level of `half`. @default 0.5 */
  halfLevel: number;
  /** Normalized window of `integral`. @default [0.15, 0.85] */
  integralLevels: [number, number];
}

export interface ReferenceSpec {
  /** File name, relative to the recipe's folder. */
  file: string;
  valence: number;
  /** Name for messages. @default the file name */
  name: string;
}

export interface ValenceSection {
  /** Edge definition calibrated against valence, or lcf. @default 'half-main' (as xafs valence) */
  method: EdgeMethod | 'lcf';
  /** Calibration curve. @default 'linear' */
  form: 'linear' | 'quadratic';
  references: ReferenceSpec[];
  /** lcf method: fit range, eV from each spectrum's e0. @default -20, 60 */
  emin: number;
  emax: number;
}

export interface StandardSpec {
  file: string;
  /** Column name lcf_<name>. @default the file name without extension */
  name: string;
}

export interface LcfSection {
  standards: StandardSpec[];
  /** @default 'norm' */
  space: 'norm' | 'flat' | 'dmude';
  /** Fit range, eV relative to each spectrum's e0. @default -20, 60 */
  emin: number;
  emax: number;
  /** Weights sum to one. @default true */
  sumToOne: boolean;
  /** Energy shifts fitted with the weights. @default 'common' (as `xafs lcf`: one shift for all standards; monochromator drift of a few 0.1 eV otherwise costs ~0.02 in the fractions) */
  eshift: 'none' | 'common' | 'each';
  /** Standards normalized like each spectrum ('sample') or as they are ('own', faster). @default 'sample' */
  normalization: 'sample' | 'own';
}

export interface ProcessSection {
  /** Larch pre_edge options (eV relative to e0). */
  preEdge: { pre1?: number; pre2?: number; norm1?: number; norm2?: number; nnorm?: number; nvict?: number };
  /** Larch autobk options; present when χ(k) is wanted (also implied by xftf and fit). */
  autobk?: { rbkg?: number; kweight?: number; kmin?: number; kmax?: number; dk?: number; window?: string; nknots?: number; nclamp?: number; clampLo?: number; clampHi?: number };
  /** Larch xftf options; present when χ(R) is wanted. */
  xftf?: { kmin?: number; kmax?: number; dk?: number; dk2?: number; window?: string; kweight?: number; rmaxOut?: number };
}

export interface FitSection {
  /** A fit recipe (xafs fit): its first dataset's data are replaced by each spectrum's χ(k). */
  recipe: string;
  /** Start each fit from the previous spectrum's best fit (restarting at each chunk). @default true */
  warmStart: boolean;
}

export interface SeriesAnalysisSection {
  /** @default 'norm' */
  space: 'norm' | 'flat' | 'dmude';
  /** Range, eV relative to the first spectrum's e0. @default -20, 60 */
  emin: number;
  emax: number;
  /** Components (PCA: reported; MCR: required). @default 2 (mcr), all (pca) */
  ncomps?: number;
}

export interface GlobalFitSection {
  /** A fit recipe whose single dataset is repeated for every spectrum. */
  recipe: string;
  /** Parameters with one value per spectrum (the others are shared by all). @default [] */
  perSpectrum: string[];
}

export interface OutputsSection {
  /** Output folder, relative to the recipe's folder. @default '<recipe name>.results' beside the recipe */
  dir?: string;
  /** Write each spectrum's arrays (norm; χ(k), χ(R) when computed) into DIR/arrays/. @default false */
  arrays: boolean;
}

/** A resolved batch recipe (every default filled in). `path` and `baseDir` are not echoed. */
export interface BatchRecipe {
  version: number;
  /** Free text, echoed with the results. */
  title?: string;
  comment?: string;
  inputs: InputsSpec;
  /** μ expression for column files (xafs process --mu). */
  mu?: string;
  energy?: string;
  edge?: EdgeSection;
  valence?: ValenceSection;
  lcf?: LcfSection;
  process: ProcessSection;
  fit?: FitSection;
  globalFit?: GlobalFitSection;
  pca?: SeriesAnalysisSection;
  mcr?: SeriesAnalysisSection;
  outputs: OutputsSection;
  /** The recipe file as given (messages). */
  path: string;
  /** Folder relative names resolve against (absolute). */
  baseDir: string;
}

/** The part of a recipe echoed into the outputs and compared by --resume and merge-results. */
export function recipeEcho(r: BatchRecipe): Record<string, unknown> {
  const { path: _p, baseDir: _b, ...rest } = r;
  void _p;
  void _b;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}

const stem = (file: string) => basename(file).replace(/\.[^.]*$/, '');

// ---- the recipe --------------------------------------------------------------------------------

/**
 * Checks and resolves a parsed recipe (no file access). `path` names it in messages, `baseDir`
 * resolves files. Types, ranges, allowed values and unknown keys are checked by the one recipe
 * description (src/schema/batchRecipe.ts); what follows fills its defaults and checks what a
 * schema cannot say (one input kind, increasing ranges, unique names).
 */
export function parseBatchRecipe(json: unknown, path: string, baseDir: string): BatchRecipe {
  validate(BATCH_RECIPE, json, path);
  const fail = (message: string): never => {
    throw new XafsError('EOPTION', `${path}: ${message}`);
  };
  const r = json as Record<string, any>; // the shape was checked by validate
  const version: number = r.version ?? RECIPE_VERSION;
  if (version !== RECIPE_VERSION) fail(`'version' ${version} is not supported: this xafs reads batch recipes of version ${RECIPE_VERSION}`);
  const inputKeys = Object.keys(r.inputs);
  if (inputKeys.length !== 1) fail(`'inputs' must hold exactly one of files, columns, athena, hdf5, got ${inputKeys.length === 0 ? 'none' : inputKeys.join(', ')}`);
  const key = inputKeys[0]!;
  const inputs = (key === 'hdf5' ? { hdf5: { file: r.inputs.hdf5.file, energy: r.inputs.hdf5.energy, mu: r.inputs.hdf5.mu } } : { [key]: r.inputs[key] }) as InputsSpec;
  const out: BatchRecipe = { version, inputs, process: { preEdge: {} }, outputs: { arrays: false }, path, baseDir };
  for (const k of ['title', 'comment', 'mu', 'energy'] as const) if (r[k] !== undefined) out[k] = r[k];
  const increasing = (where: string, lo: number, hi: number): void => {
    if (!(lo < hi)) fail(`'${where}.emin' must be below '${where}.emax', got ${lo} and ${hi}`);
  };

  if (r.edge !== undefined) {
    const e = applyDefaults<EdgeSection & Record<string, unknown>>(EDGE, r.edge);
    if (new Set(e.methods).size !== e.methods.length) fail(`'edge.methods' names a method twice: ${e.methods.join(', ')}`);
    if (!(e.integralLevels[0] < e.integralLevels[1])) fail(`'edge.integralLevels' must increase, got ${e.integralLevels.join(', ')}`);
    out.edge = { methods: e.methods, smooth: e.smooth, searchWidth: e.searchWidth, halfLevel: e.halfLevel, integralLevels: e.integralLevels };
  }

  if (r.valence !== undefined) {
    const v = applyDefaults<ValenceSection & Record<string, unknown>>(VALENCE, r.valence);
    const references = (r.valence.references as { file: string; valence: number; name?: string }[]).map((x) => ({ file: x.file, valence: x.valence, name: x.name ?? stem(x.file) }));
    out.valence = { method: v.method, form: v.form, references, emin: v.emin, emax: v.emax };
    increasing('valence', v.emin, v.emax);
  }

  if (r.lcf !== undefined) {
    const l = applyDefaults<LcfSection & Record<string, unknown>>(LCF, r.lcf);
    const standards = (r.lcf.standards as (string | { file: string; name?: string })[]).map((x, i) => {
      if (typeof x === 'string') return { file: x, name: stem(x) };
      const name = x.name ?? stem(x.file);
      if (!/^[A-Za-z0-9_.+-]+$/.test(name)) fail(`'lcf.standards[${i}].name' must be letters, digits, _ . + or - (it names the column lcf_<name>), got '${name}'`);
      return { file: x.file, name };
    });
    const names = standards.map((s) => s.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) fail(`'lcf.standards' names '${dup}' twice: give each standard its own "name"`);
    out.lcf = { standards, space: l.space, emin: l.emin, emax: l.emax, sumToOne: l.sumToOne, eshift: l.eshift, normalization: l.normalization };
    increasing('lcf', l.emin, l.emax);
  }

  if (r.process !== undefined) {
    if (r.process.preEdge !== undefined) out.process.preEdge = { ...r.process.preEdge };
    if (r.process.autobk !== undefined) out.process.autobk = { ...r.process.autobk };
    if (r.process.xftf !== undefined) out.process.xftf = { ...r.process.xftf };
  }

  if (r.fit !== undefined) {
    const f = typeof r.fit === 'string' ? { recipe: r.fit } : r.fit;
    out.fit = { recipe: f.recipe, warmStart: f.warmStart ?? true };
  }
  if (r.globalFit !== undefined) {
    const g = typeof r.globalFit === 'string' ? { recipe: r.globalFit } : r.globalFit;
    out.globalFit = { recipe: g.recipe, perSpectrum: [...(g.perSpectrum ?? [])] };
  }
  for (const k of ['pca', 'mcr'] as const) {
    if (r[k] === undefined) continue;
    const s = r[k] as Partial<SeriesAnalysisSection>;
    const sec: SeriesAnalysisSection = { space: s.space ?? 'norm', emin: s.emin ?? -20, emax: s.emax ?? 60 };
    if (s.ncomps !== undefined) sec.ncomps = s.ncomps;
    else if (k === 'mcr') sec.ncomps = 2;
    increasing(k, sec.emin, sec.emax);
    out[k] = sec;
  }
  if (r.outputs !== undefined) {
    if (r.outputs.dir !== undefined) out.outputs.dir = r.outputs.dir;
    if (r.outputs.arrays !== undefined) out.outputs.arrays = r.outputs.arrays;
  }
  // xftf, fit and globalFit need χ(k): autobk with Larch's defaults unless given
  if ((out.process.xftf || out.fit || out.globalFit) && !out.process.autobk) out.process.autobk = {};
  if (!out.edge && !out.valence && !out.lcf && !out.process.autobk && !out.fit && !out.globalFit && !out.pca && !out.mcr) {
    // nothing asked: the edge table is the least a batch does
    out.edge = { methods: ['deriv'], smooth: 1, searchWidth: 10, halfLevel: 0.5, integralLevels: [0.15, 0.85] };
  }
  return out;
}

/** Reads, checks and resolves a batch recipe file (JSON, or YAML for .yaml/.yml). */
export function loadBatchRecipe(file: string): BatchRecipe {
  if (!existsSync(file)) throw new XafsError('ENOENT', `batch recipe not found: '${file}'; check the name and the folder`);
  const json = parseRecipeText(readFileSync(file, 'utf8'), file, 'a batch recipe is an object with "inputs" and the analyses (docs/recipes.md)');
  return parseBatchRecipe(json, file, dirname(resolve(file)));
}

/** The default output folder: outputs.dir, else `<recipe name>.results` beside the recipe. */
export function defaultOutDir(r: BatchRecipe): string {
  if (r.outputs.dir) return resolve(r.baseDir, r.outputs.dir);
  return resolve(r.baseDir, `${basename(r.path).replace(/(\.recipe)?\.(json|ya?ml)$/i, '')}.results`);
}
