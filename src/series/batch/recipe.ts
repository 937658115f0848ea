/**
 * Batch recipes (contract.md "xafs batch"): JSON or YAML, validated strictly. Every unknown key and
 * every wrong type is refused with its path in the recipe (`lcf.standards[1].file`) and, for a
 * misspelled key, the nearest allowed one. Defaults are resolved here, once: the resolved recipe is
 * what the engine runs and what it echoes into the output (DIR/recipe.json, the JSON lines
 * header), so a result says exactly how it was made. Relative file names stay as written (they
 * resolve against the recipe's folder, `baseDir`), so that shards run on different machines echo
 * the same recipe.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { XafsError } from '../../errors.js';
import type { EdgeMethod } from '../../xanes/edge.js';
import type { InputsSpec } from './inputs.js';

export const RECIPE_VERSION = 1;

const EDGE_METHOD_NAMES: readonly EdgeMethod[] = ['deriv', 'deriv-fit', 'half', 'zero2', 'integral'];
const VALENCE_METHOD_NAMES = [...EDGE_METHOD_NAMES, 'lcf'] as const;
const WINDOWS = ['hanning', 'fhanning', 'gaussian', 'kaiser', 'parzen', 'welch', 'sine', 'bessel'];

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
  /** Edge definition calibrated against valence, or lcf. @default 'half' */
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

// ---- validation helpers ------------------------------------------------------------------------

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

function suggest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const a of allowed) {
    const dist = a.toLowerCase().startsWith(key.toLowerCase()) || key.toLowerCase().startsWith(a.toLowerCase()) ? Math.min(1, levenshtein(key, a)) : levenshtein(key, a);
    if (dist < bestD) {
      bestD = dist;
      best = a;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function typeName(v: unknown): string {
  return Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'an object' : typeof v === 'string' ? `'${v}'` : String(v);
}

class Checker {
  constructor(readonly file: string) {}

  fail(message: string): never {
    throw new XafsError('EOPTION', `${this.file}: ${message}`);
  }

  object(v: unknown, where: string, allowed: readonly string[]): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(where === '' ? `a batch recipe must be an object of keys (${allowed.join(', ')}), got ${typeName(v)}` : `'${where}' must be an object, got ${typeName(v)}`);
    const o = v as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      if (!allowed.includes(key)) {
        const s = suggest(key, allowed);
        const path = where === '' ? key : `${where}.${key}`;
        this.fail(`unknown key '${path}' (${s ? `did you mean '${s}'?` : `the keys here are ${allowed.join(', ')}`})`);
      }
    }
    return o;
  }

  number(v: unknown, where: string, rule: { integer?: boolean; min?: number; above?: number; max?: number } = {}): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`'${where}' must be ${rule.integer ? 'a whole number' : 'a number'}, got ${typeName(v)}`);
    if (rule.integer && !Number.isInteger(v)) this.fail(`'${where}' must be a whole number, got ${v}`);
    if (rule.min !== undefined && v < rule.min) this.fail(`'${where}' must be ≥ ${rule.min}, got ${v}`);
    if (rule.max !== undefined && v > rule.max) this.fail(`'${where}' must be ≤ ${rule.max}, got ${v}`);
    if (rule.above !== undefined && !(v > rule.above)) this.fail(`'${where}' must be above ${rule.above}, got ${v}`);
    return v;
  }

  string(v: unknown, where: string): string {
    if (typeof v !== 'string' || v === '') this.fail(`'${where}' must be a non-empty string, got ${typeName(v)}`);
    return v;
  }

  boolean(v: unknown, where: string): boolean {
    if (typeof v !== 'boolean') this.fail(`'${where}' must be true or false, got ${typeName(v)}`);
    return v;
  }

  oneOf<T extends string>(v: unknown, where: string, allowed: readonly T[]): T {
    if (typeof v !== 'string' || !allowed.includes(v as T)) this.fail(`'${where}' must be one of ${allowed.join(', ')}, got ${typeName(v)}`);
    return v as T;
  }

  list(v: unknown, where: string, min = 1): unknown[] {
    if (!Array.isArray(v)) this.fail(`'${where}' must be a list, got ${typeName(v)}`);
    if (v.length < min) this.fail(`'${where}' must hold at least ${min} entr${min === 1 ? 'y' : 'ies'}, got ${v.length}`);
    return v;
  }

  /** Numeric options: every present key must be a finite number (windows: a window name). */
  numbers<T extends Record<string, unknown>>(v: unknown, where: string, keys: readonly string[], strings: readonly string[] = []): T {
    const o = this.object(v, where, [...keys, ...strings]);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o)) {
      if (strings.includes(k)) out[k] = this.oneOf(o[k], `${where}.${k}`, WINDOWS);
      else out[k] = this.number(o[k], `${where}.${k}`);
    }
    return out as T;
  }
}

const stem = (file: string) => basename(file).replace(/\.[^.]*$/, '');

// ---- the recipe --------------------------------------------------------------------------------

const TOP_KEYS = ['version', 'title', 'comment', 'inputs', 'mu', 'energy', 'edge', 'valence', 'lcf', 'process', 'fit', 'globalFit', 'pca', 'mcr', 'outputs'] as const;

/** Checks and resolves a parsed recipe (no file access). `path` names it in messages, `baseDir` resolves files. */
export function parseBatchRecipe(json: unknown, path: string, baseDir: string): BatchRecipe {
  const c = new Checker(path);
  const r = c.object(json, '', TOP_KEYS);
  const version = r.version === undefined ? RECIPE_VERSION : c.number(r.version, 'version', { integer: true });
  if (version !== RECIPE_VERSION) c.fail(`'version' ${version} is not supported: this xafs reads batch recipes of version ${RECIPE_VERSION}`);
  if (r.inputs === undefined) c.fail(`'inputs' is missing: give {"files": GLOB}, {"columns": FILE}, {"athena": FILE} or {"hdf5": {"file", "energy", "mu"}}`);
  const inputs = parseInputs(c, r.inputs);
  const out: BatchRecipe = { version, inputs, process: { preEdge: {} }, outputs: { arrays: false }, path, baseDir };
  if (r.title !== undefined) out.title = c.string(r.title, 'title');
  if (r.comment !== undefined) out.comment = c.string(r.comment, 'comment');
  if (r.mu !== undefined) out.mu = c.string(r.mu, 'mu');
  if (r.energy !== undefined) out.energy = c.string(r.energy, 'energy');

  if (r.edge !== undefined) {
    const e = c.object(r.edge, 'edge', ['methods', 'smooth', 'searchWidth', 'halfLevel', 'integralLevels']);
    const methods = e.methods === undefined ? (['deriv-fit', 'half'] as EdgeMethod[]) : c.list(e.methods, 'edge.methods').map((m, i) => c.oneOf(m, `edge.methods[${i}]`, EDGE_METHOD_NAMES));
    if (new Set(methods).size !== methods.length) c.fail(`'edge.methods' names a method twice: ${methods.join(', ')}`);
    let levels: [number, number] = [0.15, 0.85];
    if (e.integralLevels !== undefined) {
      const l = c.list(e.integralLevels, 'edge.integralLevels', 2);
      if (l.length !== 2) c.fail(`'edge.integralLevels' must be two numbers [μ1, μ2], got ${l.length}`);
      levels = [c.number(l[0], 'edge.integralLevels[0]', { above: 0 }), c.number(l[1], 'edge.integralLevels[1]', { above: 0 })];
      if (!(levels[0] < levels[1])) c.fail(`'edge.integralLevels' must increase, got ${levels.join(', ')}`);
    }
    out.edge = {
      methods,
      smooth: e.smooth === undefined ? 1 : c.number(e.smooth, 'edge.smooth', { above: 0 }),
      searchWidth: e.searchWidth === undefined ? 10 : c.number(e.searchWidth, 'edge.searchWidth', { above: 0 }),
      halfLevel: e.halfLevel === undefined ? 0.5 : c.number(e.halfLevel, 'edge.halfLevel', { above: 0, max: 0.99 }),
      integralLevels: levels,
    };
  }

  if (r.valence !== undefined) {
    const v = c.object(r.valence, 'valence', ['method', 'form', 'references', 'emin', 'emax']);
    if (v.references === undefined) c.fail(`'valence.references' is missing: give at least two [{"file": F, "valence": V}]`);
    const references = c.list(v.references, 'valence.references', 2).map((x, i) => {
      const w = `valence.references[${i}]`;
      const o = c.object(x, w, ['file', 'valence', 'name']);
      if (o.file === undefined) c.fail(`'${w}.file' is missing`);
      if (o.valence === undefined) c.fail(`'${w}.valence' is missing`);
      const file = c.string(o.file, `${w}.file`);
      return { file, valence: c.number(o.valence, `${w}.valence`), name: o.name === undefined ? stem(file) : c.string(o.name, `${w}.name`) };
    });
    out.valence = {
      method: v.method === undefined ? 'half' : c.oneOf(v.method, 'valence.method', VALENCE_METHOD_NAMES),
      form: v.form === undefined ? 'linear' : c.oneOf(v.form, 'valence.form', ['linear', 'quadratic'] as const),
      references,
      emin: v.emin === undefined ? -20 : c.number(v.emin, 'valence.emin'),
      emax: v.emax === undefined ? 60 : c.number(v.emax, 'valence.emax'),
    };
    if (!(out.valence.emin < out.valence.emax)) c.fail(`'valence.emin' must be below 'valence.emax', got ${out.valence.emin} and ${out.valence.emax}`);
  }

  if (r.lcf !== undefined) {
    const l = c.object(r.lcf, 'lcf', ['standards', 'space', 'emin', 'emax', 'sumToOne', 'eshift', 'normalization']);
    if (l.standards === undefined) c.fail(`'lcf.standards' is missing: give at least two [{"file": F, "name": N}]`);
    const standards = c.list(l.standards, 'lcf.standards', 1).map((x, i) => {
      const w = `lcf.standards[${i}]`;
      if (typeof x === 'string') return { file: x, name: stem(x) };
      const o = c.object(x, w, ['file', 'name']);
      if (o.file === undefined) c.fail(`'${w}.file' is missing`);
      const file = c.string(o.file, `${w}.file`);
      const name = o.name === undefined ? stem(file) : c.string(o.name, `${w}.name`);
      if (!/^[A-Za-z0-9_.+-]+$/.test(name)) c.fail(`'${w}.name' must be letters, digits, _ . + or - (it names the column lcf_<name>), got '${name}'`);
      return { file, name };
    });
    const names = standards.map((s) => s.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) c.fail(`'lcf.standards' names '${dup}' twice: give each standard its own "name"`);
    out.lcf = {
      standards,
      space: l.space === undefined ? 'norm' : c.oneOf(l.space, 'lcf.space', ['norm', 'flat', 'dmude'] as const),
      emin: l.emin === undefined ? -20 : c.number(l.emin, 'lcf.emin'),
      emax: l.emax === undefined ? 60 : c.number(l.emax, 'lcf.emax'),
      sumToOne: l.sumToOne === undefined ? true : c.boolean(l.sumToOne, 'lcf.sumToOne'),
      eshift: l.eshift === undefined ? 'common' : c.oneOf(l.eshift, 'lcf.eshift', ['none', 'common', 'each'] as const),
      normalization: l.normalization === undefined ? 'sample' : c.oneOf(l.normalization, 'lcf.normalization', ['sample', 'own'] as const),
    };
    if (!(out.lcf.emin < out.lcf.emax)) c.fail(`'lcf.emin' must be below 'lcf.emax', got ${out.lcf.emin} and ${out.lcf.emax}`);
  }

  if (r.process !== undefined) {
    const p = c.object(r.process, 'process', ['preEdge', 'autobk', 'xftf']);
    if (p.preEdge !== undefined) out.process.preEdge = c.numbers(p.preEdge, 'process.preEdge', ['pre1', 'pre2', 'norm1', 'norm2', 'nnorm', 'nvict']);
    if (p.autobk !== undefined) out.process.autobk = c.numbers(p.autobk, 'process.autobk', ['rbkg', 'kweight', 'kmin', 'kmax', 'dk', 'nknots', 'nclamp', 'clampLo', 'clampHi'], ['window']);
    if (p.xftf !== undefined) out.process.xftf = c.numbers(p.xftf, 'process.xftf', ['kmin', 'kmax', 'dk', 'dk2', 'kweight', 'rmaxOut'], ['window']);
    if (out.process.preEdge.nnorm !== undefined) c.number(out.process.preEdge.nnorm, 'process.preEdge.nnorm', { integer: true, min: 0, max: 5 });
  }

  if (r.fit !== undefined) {
    if (typeof r.fit === 'string') out.fit = { recipe: c.string(r.fit, 'fit'), warmStart: true };
    else {
      const f = c.object(r.fit, 'fit', ['recipe', 'warmStart']);
      if (f.recipe === undefined) c.fail(`'fit.recipe' is missing: the fit recipe file (xafs fit) applied to every spectrum`);
      out.fit = { recipe: c.string(f.recipe, 'fit.recipe'), warmStart: f.warmStart === undefined ? true : c.boolean(f.warmStart, 'fit.warmStart') };
    }
  }
  if (r.globalFit !== undefined) {
    const g = typeof r.globalFit === 'string' ? { recipe: r.globalFit } : c.object(r.globalFit, 'globalFit', ['recipe', 'perSpectrum']);
    if (g.recipe === undefined) c.fail(`'globalFit.recipe' is missing: a fit recipe whose dataset is repeated for every spectrum`);
    out.globalFit = {
      recipe: c.string(g.recipe, 'globalFit.recipe'),
      perSpectrum: g.perSpectrum === undefined ? [] : c.list(g.perSpectrum, 'globalFit.perSpectrum', 0).map((x, i) => c.string(x, `globalFit.perSpectrum[${i}]`)),
    };
  }
  for (const key of ['pca', 'mcr'] as const) {
    if (r[key] === undefined) continue;
    const s = c.object(r[key], key, ['space', 'emin', 'emax', 'ncomps']);
    const sec: SeriesAnalysisSection = {
      space: s.space === undefined ? 'norm' : c.oneOf(s.space, `${key}.space`, ['norm', 'flat', 'dmude'] as const),
      emin: s.emin === undefined ? -20 : c.number(s.emin, `${key}.emin`),
      emax: s.emax === undefined ? 60 : c.number(s.emax, `${key}.emax`),
    };
    if (s.ncomps !== undefined) sec.ncomps = c.number(s.ncomps, `${key}.ncomps`, { integer: true, min: 1 });
    else if (key === 'mcr') sec.ncomps = 2;
    if (!(sec.emin < sec.emax)) c.fail(`'${key}.emin' must be below '${key}.emax', got ${sec.emin} and ${sec.emax}`);
    out[key] = sec;
  }
  if (r.outputs !== undefined) {
    const o = c.object(r.outputs, 'outputs', ['dir', 'arrays']);
    if (o.dir !== undefined) out.outputs.dir = c.string(o.dir, 'outputs.dir');
    if (o.arrays !== undefined) out.outputs.arrays = c.boolean(o.arrays, 'outputs.arrays');
  }
  // xftf, fit and globalFit need χ(k): autobk with Larch's defaults unless given
  if ((out.process.xftf || out.fit || out.globalFit) && !out.process.autobk) out.process.autobk = {};
  if (!out.edge && !out.valence && !out.lcf && !out.process.autobk && !out.fit && !out.globalFit && !out.pca && !out.mcr) {
    // nothing asked: the edge table is the least a batch does
    out.edge = { methods: ['deriv'], smooth: 1, searchWidth: 10, halfLevel: 0.5, integralLevels: [0.15, 0.85] };
  }
  return out;
}

function parseInputs(c: Checker, v: unknown): InputsSpec {
  const o = c.object(v, 'inputs', ['files', 'columns', 'athena', 'hdf5']);
  const keys = Object.keys(o);
  if (keys.length !== 1) c.fail(`'inputs' must hold exactly one of files, columns, athena, hdf5, got ${keys.length === 0 ? 'none' : keys.join(', ')}`);
  const key = keys[0]!;
  if (key === 'hdf5') {
    const h = c.object(o.hdf5, 'inputs.hdf5', ['file', 'energy', 'mu']);
    for (const k of ['file', 'energy', 'mu']) if (h[k] === undefined) c.fail(`'inputs.hdf5.${k}' is missing`);
    return { hdf5: { file: c.string(h.file, 'inputs.hdf5.file'), energy: c.string(h.energy, 'inputs.hdf5.energy'), mu: c.string(h.mu, 'inputs.hdf5.mu') } };
  }
  const s = c.string(o[key], `inputs.${key}`);
  return { [key]: s } as InputsSpec;
}

/** Reads, checks and resolves a batch recipe file (JSON, or YAML for .yaml/.yml). */
export function loadBatchRecipe(file: string): BatchRecipe {
  if (!existsSync(file)) throw new XafsError('ENOENT', `batch recipe not found: '${file}'; check the name and the folder`);
  const text = readFileSync(file, 'utf8');
  let json: unknown;
  const ext = extname(file).toLowerCase();
  try {
    json = ext === '.yaml' || ext === '.yml' ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new XafsError('EFORMAT', `${file} is not valid ${ext === '.yaml' || ext === '.yml' ? 'YAML' : 'JSON'}: ${(e as Error).message.split('\n')[0]}; a batch recipe is an object with "inputs" and the analyses (see the README, "Processing an in situ series")`);
  }
  return parseBatchRecipe(json, file, dirname(resolve(file)));
}

/** The default output folder: outputs.dir, else `<recipe name>.results` beside the recipe. */
export function defaultOutDir(r: BatchRecipe): string {
  if (r.outputs.dir) return resolve(r.baseDir, r.outputs.dir);
  return resolve(r.baseDir, `${basename(r.path).replace(/(\.recipe)?\.(json|ya?ml)$/i, '')}.results`);
}
