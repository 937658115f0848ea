/**
 * `xafs fit-shell`: the one-command first-shell fit. From a sample (μ(E) or χ(k)), an absorber and
 * the neighbours' elements it builds a fit recipe (docs/cli.md and docs/fitting.md) on path-library or FEFF
 * paths, with starting values and bounds that converge on ordinary data, runs it with the
 * recipe machinery of src/fit (so `xafs fit RECIPE` on the written recipe gives the same numbers)
 * and reports the table papers publish: CN, R, σ², ΔE0 with their errors, the R-factor, the k and
 * R ranges and S0².
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { XafsError, type Warn } from '../errors.js';
import { readColumns } from '../io/read.js';
import { loadDataset, parseRecipe, type DatasetSpec, type ParamSpecIn, type PathSpec, type Recipe } from '../fit/recipe.js';
import { fitStarts, startValues, type RecipeFit } from '../fit/run.js';
import { xftf } from '../xafs/xftf.js';
import type { TransformOptions } from '../fit/transform.js';
import type { AutobkOptions } from '../xafs/autobk.js';
import { lookupElement } from './elements.js';
import { findLibraryPath, libraryEntries } from './library.js';
import { elementSymbol } from '../fit/masses.js';

/** One shell to fit: the neighbour's element, optionally its starting N and R (Å). */
export interface ShellRequest {
  element: string;
  /** Starting coordination number. @default the path's degeneracy for a foil path, else 4 for a light ligand (C, N, O, S, P, Cl, ...) and 1 for a metal */
  n?: number;
  /** Starting distance, Å. @default the path's reff */
  r?: number;
}

/** A scattering path for one shell, from the library or a FEFF run. */
export interface ShellPath {
  /** The feffNNNN.dat file (absolute). */
  file: string;
  /** Half path length of the path as computed, Å. */
  reff: number;
  /** Degeneracy written in the file. */
  degen: number;
  /** 'pair' (absorber + one neighbour), 'foil' (metal's first shell) or 'feff' (this run's cluster). */
  kind: 'pair' | 'foil' | 'feff';
}

/** Where paths come from: the path library (default) or FEFF run on a cluster of the shells. */
export interface PathSource {
  /** For messages and the recipe title: 'the path library (FEFF8L)', 'FEFF8L on a cluster of these shells'. */
  describe: string;
  paths(absorber: string, edge: string, shells: { element: string; n: number; r: number | undefined }[]): Promise<ShellPath[]>;
}

export interface FitShellOptions {
  /** Absorbing element ('Cu'). */
  absorber: string;
  /** Neighbours, one per shell: element symbols or {element, n, r}. */
  shells: (string | ShellRequest)[];
  /** Absorption edge. @default K (L3 for elements heavier than Ba, as the path library) */
  edge?: string;
  /** S0², fixed. @default 0.9 (with a note) unless s02From is given */
  s02?: number;
  /** S0² from a saved `xafs fit --json` result: 'FILE' or 'FILE#PARAM'; the parameter defaults to the first of s02, amp found. */
  s02From?: string;
  /**
   * The sample is the absorber's metal foil: fit S0² (start 0.9, within 0.3–1.5) with the first
   * shell's N fixed at the crystal's (FOIL_N: 12 for fcc and hcp metals, 8 for bcc; Zn and Cd 6,
   * the nearer half of their hcp shell), on the library's foil path. The shell may be left out
   * (it is the absorber's own element); a given N (`--shell Cu:12`) replaces the crystal's.
   * Save the result with --json and pass it to `s02From` for the samples. @default false
   */
  foil?: boolean;
  /** Run FEFF on a cluster of the shells instead of using the path library. @default false */
  feff?: boolean;
  /** μ(E) expression over the sample's columns. @default a mu column, else if/i0 or ln(i0/it) when the columns leave only one choice */
  mu?: string;
  /** Energy column or expression. @default the reader's choice */
  energy?: string;
  /** Transform and fit ranges; anything not given gets fit-shell's defaults (kmin 3 Å⁻¹, kmax from the data ≤ 12 Å⁻¹, k-weight 2, hanning dk 1, R from the shells). */
  transform?: TransformOptions;
  /**
   * autobk options for μ(E) samples. @default {rbkg: 0.8, kweight: 1}: Larch's k-weight, and an
   * R cut-off below Larch's 1 Å so that the spline leaves short first shells (M–N, M–O at
   * 1.9–2.1 Å, whose |χ(R)| peaks sit at 1.4–1.7 Å) alone: with rbkg 1 and k-weight 2 the
   * synthetic Cu twin's Cu–N N came out 9–12 % low, with rbkg 1 and k-weight 1 fits wandered off
   * (ΔE0 at its bound on the Ru site).
   */
  autobk?: AutobkOptions;
  /**
   * The file the recipe will be written to: data, path and `from` file names in the recipe are
   * relative to its folder when they lie inside it, absolute otherwise. FEFF paths (feff: true) are
   * run into `<recipe name>.feff/` beside it. @default SAMPLE.fitshell.recipe.json beside the sample
   */
  recipeFile?: string;
  /** Fit from several starts and keep the lowest χ² (false: only from the given or default start). @default true */
  multistart?: boolean;
  /** Replace the path source (tests, other path collections). @default the path library, or FEFF when feff is true */
  pathSource?: PathSource;
  warn?: Warn;
}

/** A row of the published table. */
export interface ShellRow {
  /** 'Cu-N' */
  shell: string;
  n: number;
  nStderr: number | null;
  r: number;
  rStderr: number | null;
  sigma2: number;
  sigma2Stderr: number | null;
  e0: number;
  e0Stderr: number | null;
  /** The path file (as the recipe names it) and its reff, Å. */
  feff: string;
  reff: number;
}

export interface FitShellResult {
  absorber: string;
  edge: string;
  /** The recipe that was run (write it with JSON.stringify to reproduce the fit with `xafs fit`). */
  recipe: Recipe & { title: string };
  /** Where the recipe belongs (its file names are relative to its folder). */
  recipeFile: string;
  fit: RecipeFit;
  rows: ShellRow[];
  /** S0²: fixed, taken from a saved result (`from`), or fitted on a foil (`fitted`). */
  s02: { value: number; stderr: number | null; from?: string; fitted?: boolean };
  /** Choices made for the user (μ expression, default S0², path sources): the CLI prints them on stderr. */
  notes: string[];
  /** What the paths are. */
  pathSource: string;
}

/**
 * First-shell coordination numbers of metal foils (the crystal at room temperature): fcc 12, bcc 8,
 * hcp 12 where the two sets of six lie within 0.06 Å (Co, Ru, Ti, Zr, Re, Os), 6 for Zn and Cd
 * (the second six lie 0.25–0.35 Å further out).
 */
export const FOIL_N: Readonly<Record<string, number>> = {
  Al: 12, Ni: 12, Cu: 12, Rh: 12, Pd: 12, Ag: 12, Ir: 12, Pt: 12, Au: 12, Pb: 12,
  V: 8, Cr: 8, Fe: 8, Nb: 8, Mo: 8, Ta: 8, W: 8,
  Ti: 12, Co: 12, Zr: 12, Ru: 12, Re: 12, Os: 12,
  Zn: 6, Cd: 6,
};

/**
 * How far (Å) a shell's R may move from its start (the library's bond length, or the R given).
 * 0.3 Å, twice the 0.15 Å beyond which library phases stop being a fair model (give the R, or run
 * FEFF): with 0.5 Å, a synthetic Co–N/Co–Pt site (fixtures/fits/copt_dualatom.xdi, Co–Pt 1.2 at
 * 2.55 Å) fitted with library paths reached its lowest χ² with Co–Pt pulled onto the Co–N shell
 * at 2.19 Å; 29 other synthetic sites gave the same fits with either window.
 */
export const DR_WINDOW = 0.3;

/** Elements treated as light ligands (start N = 4). */
const LIGANDS = new Set(['H', 'B', 'C', 'N', 'O', 'F', 'Si', 'P', 'S', 'Cl', 'Se', 'Br', 'I']);

/** Parses a --shell argument: `El`, `El:N` or `El:N:R` (N and R may be empty: `El::2.05`). */
export function parseShellArg(arg: string): ShellRequest {
  const parts = arg.split(':');
  if (parts.length > 3 || parts[0]!.trim() === '') {
    throw new XafsError('EOPTION', `--shell '${arg}': give an element, optionally with a starting N and R in Å: --shell N, --shell N:4, --shell N:4:2.05`);
  }
  const element = checkElement(parts[0]!.trim(), `--shell '${arg}'`);
  const num = (s: string | undefined, what: string, ok: (x: number) => boolean): number | undefined => {
    if (s === undefined || s.trim() === '') return undefined;
    const x = Number(s);
    if (!Number.isFinite(x) || !ok(x)) throw new XafsError('EOPTION', `--shell '${arg}': ${what}, got '${s}'`);
    return x;
  };
  const n = num(parts[1], 'the starting N must be a number ≥ 0', (x) => x >= 0);
  const r = num(parts[2], 'the starting R must be a distance in Å from 0.5 to 6', (x) => x >= 0.5 && x <= 6);
  return { element, ...(n !== undefined ? { n } : {}), ...(r !== undefined ? { r } : {}) };
}

/** The canonical spelling of an element symbol, or a refusal naming where it came from. */
function checkElement(symbol: string, where: string): string {
  const z = lookupElement(symbol);
  if (z === undefined) throw new XafsError('EOPTION', `${where}: unknown element '${symbol}'; use an element symbol (N, O, Cu, Ru, ...)`);
  return elementSymbol(z);
}

/** The library's edge for an absorber: K, and L3 from Ir on (the L3 edges the library holds). */
export function defaultEdge(absorber: string): string {
  const z = lookupElement(absorber) ?? 0;
  return z > 56 ? 'L3' : 'K';
}

// column names as the readers give them (lowercased identifiers), for the μ(E) choice
const MU_COLUMNS = ['mu', 'xmu', 'mutrans', 'mufluor'];
const I0_NAME = /^(?:i0|io|i_0|izero|mon|monitor)(?:_\d+)?$/;
const IT_NAME = /^(?:it|itrans|i_t|i1|itr|trans|transmission)(?:_\d+)?$/;
const IF_NAME = /^(?:if|ifluor|iff|i_f|ifl|fluo|fluor|fluorescence|lytle)(?:_\d+)?$/;

/**
 * What the sample holds: χ(k) (first column k, in Å⁻¹) or μ(E) and the expression that gives it.
 * Unlike `xafs process`, fit-shell picks if/i0 or ln(i0/it) itself when the columns leave only one
 * choice (saying so in a note): a one-command fit should not stop at the obvious.
 */
export function sampleKind(file: string, mu: string | undefined, notes: string[]): { kind: 'chi' } | { kind: 'mu'; mu: string } {
  if (mu !== undefined) return { kind: 'mu', mu };
  const cols = readColumns(file);
  const labels = cols.labels;
  const first = cols.columns[0]?.values;
  const maxFirst = first ? Math.max(...first) : 0;
  const minFirst = first ? Math.min(...first) : 0;
  // k in Å⁻¹ starts near 0 and stays below ~30; energies (eV, or keV) do neither
  const looksLikeK = minFirst >= 0 && minFirst < 1 && maxFirst < 30;
  if (labels[0] === 'k' || (labels.some((l) => /^chi/.test(l)) && maxFirst < 40) || (cols.columns.length === 2 && looksLikeK)) return { kind: 'chi' };
  const named = MU_COLUMNS.find((n) => labels.includes(n));
  if (named) return { kind: 'mu', mu: named };
  const i0 = labels.find((l) => I0_NAME.test(l));
  const it = labels.find((l) => l !== i0 && IT_NAME.test(l));
  const fl = labels.find((l) => l !== i0 && IF_NAME.test(l));
  if (i0 && fl && !it) {
    notes.push(`μ(E) = ${fl}/${i0} (fluorescence: the only choice the columns of ${basename(file)} leave); pass --mu to choose another`);
    return { kind: 'mu', mu: `${fl}/${i0}` };
  }
  if (i0 && it && !fl) {
    notes.push(`μ(E) = ln(${i0}/${it}) (transmission: the only choice the columns of ${basename(file)} leave); pass --mu to choose another`);
    return { kind: 'mu', mu: `ln(${i0}/${it})` };
  }
  const hints = [i0 && it ? `--mu 'ln(${i0}/${it})'` : '', i0 && fl ? `--mu '${fl}/${i0}'` : ''].filter((h) => h);
  throw new XafsError(
    'ECOLUMN',
    `${file}: which column is μ(E)? The columns are ${labels.join(', ')}; pass --mu EXPR${hints.length ? `, e.g. ${hints.join(' or ')}` : ", e.g. --mu 'ln(i0/itrans)'"}`,
  );
}

/** The recipe's name for a file: relative to the recipe's folder when inside it, else absolute. */
function nameFor(file: string, recipeDir: string): string {
  const rel = relative(recipeDir, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : resolve(file);
}

/** `FILE` or `FILE#PARAM` → the saved result's parameter for S0², checked now for a clear message. */
export function s02FromResult(arg: string): { file: string; param: string; value: number; stderr: number | null } {
  const hash = arg.lastIndexOf('#');
  const file = hash > 0 ? arg.slice(0, hash) : arg;
  const asked = hash > 0 ? arg.slice(hash + 1) : undefined;
  const howTo = `xafs fit-shell FOIL --absorber EL --foil --json > ${basename(file)}`;
  if (!existsSync(file)) throw new XafsError('ENOENT', `--s02-from: result file not found: '${file}'; save the foil's fit first: ${howTo} (or xafs fit FOIL.recipe.json --json)`);
  let json: { params?: Record<string, { value?: unknown; stderr?: unknown; vary?: unknown; from?: unknown }> };
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new XafsError('EFORMAT', `--s02-from: ${file} is not valid JSON (${(e as Error).message}); it must be the output of xafs fit --json or xafs fit-shell --json, e.g. ${howTo}`);
  }
  const params = json && typeof json === 'object' && json.params && typeof json.params === 'object' ? json.params : {};
  const names = Object.keys(params);
  const param = asked ?? ['s02', 'amp', 'S02'].find((n) => typeof params[n]?.value === 'number');
  if (param === undefined || typeof params[param]?.value !== 'number') {
    const which = asked !== undefined ? `no parameter '${asked}'` : 'no S0² parameter (looked for s02, amp)';
    throw new XafsError('EOPTION', `--s02-from: ${file} has ${which}; its parameters are: ${names.join(', ') || 'none'}; name one with --s02-from ${file}#NAME`);
  }
  const p = params[param]!;
  // a parameter that was fixed by hand in that fit (no error, not taken from another result) was not measured there
  if (p.vary === false && typeof p.stderr !== 'number') {
    throw new XafsError('EOPTION', `--s02-from: ${param} was fixed at ${p.value as number} in ${file}, not measured; fit the foil with S0² free (N fixed at the crystal's): ${howTo}`);
  }
  const value = p.value as number;
  if (!(value > 0 && value <= 1.5)) throw new XafsError('EOPTION', `--s02-from: ${param} in ${file} is ${value}, not an S0² (above 0 and at most 1.5); name the foil's S0² parameter with --s02-from ${file}#NAME`);
  return { file, param, value, stderr: typeof p.stderr === 'number' ? p.stderr : null };
}

/** The path library as a path source (src/feff/library.ts, F1's). */
export function librarySource(foil = false): PathSource {
  return {
    describe: 'the path library (FEFF8L)',
    async paths(absorber, edge, shells) {
      const entries = libraryEntries();
      const forAbsorber = entries.filter((e) => e.absorber === absorber);
      if (forAbsorber.length === 0) {
        const absorbers = [...new Set(entries.map((e) => e.absorber))];
        throw new XafsError('EOPTION', `--absorber ${absorber}: the path library has no ${absorber} paths; it covers ${absorbers.join(', ')}; run FEFF on your structure with --feff`);
      }
      const atEdge = forAbsorber.filter((e) => e.edge === edge);
      if (atEdge.length === 0) {
        const edges = [...new Set(forAbsorber.map((e) => e.edge))];
        throw new XafsError('EOPTION', `--edge ${edge}: the path library has ${absorber} paths for the ${edges.join(', ')} edge only; pass --edge ${edges[0]} or run FEFF with --feff`);
      }
      return shells.map((sh) => {
        const own = foil && sh.element === absorber ? libraryEntries().find((x) => x.kind === 'foil' && x.absorber === absorber && x.edge === edge) : undefined;
        const e = own ?? findLibraryPath(absorber, sh.element, edge);
        if (!e) {
          const have = [...new Set(atEdge.map((x) => x.scatterer))];
          throw new XafsError('EOPTION', `--shell ${sh.element}: the path library has no ${absorber}-${sh.element} path at the ${absorber} ${edge} edge; it has ${absorber}-${have.join(`, ${absorber}-`)}; run FEFF for this pair with --feff`);
        }
        return { file: e.file, reff: e.reff, degen: e.degen, kind: e.kind };
      });
    },
  };
}

/** A fixed set of feff.dat files as a path source: `{element: file}` (tests, a user's own FEFF run). */
export function filesSource(files: Record<string, string>, describe = 'the given FEFF paths'): PathSource {
  return {
    describe,
    async paths(absorber, _edge, shells) {
      const { readFeffDat } = await import('../io/feffdat.js');
      return shells.map((sh) => {
        const file = files[sh.element];
        if (!file) throw new XafsError('EOPTION', `--shell ${sh.element}: no ${absorber}-${sh.element} path among ${describe} (${Object.keys(files).join(', ')})`);
        const dat = readFeffDat(file);
        return { file: resolve(file), reff: dat.reff, degen: dat.degen, kind: 'feff' as const };
      });
    },
  };
}

/** Round to a multiple of `step` (downwards: ranges never grow past what was asked). */
// (dividing by the whole number 1/step keeps 0.48 from becoming 0.48000000000000004)
const floorTo = (x: number, step: number): number => Math.floor(x * Math.round(1 / step) + 1e-9) / Math.round(1 / step);
const roundTo = (x: number, step: number): number => Math.round(x * Math.round(1 / step)) / Math.round(1 / step);

/** Parameter-name stem of an element, unique among the shells: 'n', 'ru', then 'o', 'o2'. */
function stems(elements: string[]): string[] {
  const seen = new Map<string, number>();
  return elements.map((el) => {
    const base = el.toLowerCase();
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return k === 1 ? base : `${base}${k}`;
  });
}

/** Where the recipe of `sample` goes by default: SAMPLE (extension dropped) + .fitshell.recipe.json. */
export function defaultRecipeFile(sample: string, outDir?: string): string {
  const stem = basename(sample).replace(/\.[^.]*$/, '') || basename(sample);
  return outDir ? join(outDir, `${stem}.fitshell.recipe.json`) : join(dirname(sample), `${stem}.fitshell.recipe.json`);
}

/**
 * Builds the recipe (paths, starting values, bounds, transform) and runs it. The result carries
 * the recipe exactly as it was run; write it as JSON to `recipeFile` to reproduce the fit.
 */
export async function fitShell(sample: string, options: FitShellOptions): Promise<FitShellResult> {
  const notes: string[] = [];
  const absorber = checkElement(options.absorber, '--absorber');
  const foil = options.foil === true;
  if (options.shells.length === 0 && !foil) throw new XafsError('EOPTION', 'no shells: give each neighbour with --shell EL (e.g. --shell N --shell Ru)');
  const shells = options.shells.map((s) => (typeof s === 'string' ? parseShellArg(s) : { ...s, element: checkElement(s.element, `--shell ${s.element}`) }));
  const edge = (options.edge ?? defaultEdge(absorber)).toUpperCase();
  if (options.s02 !== undefined && options.s02From !== undefined) {
    throw new XafsError('EOPTION', '--s02 and --s02-from both given: give S0² either as a number (--s02 0.9) or from a foil fit (--s02-from FOIL.result.json), not both');
  }
  if (foil) {
    if (options.s02 !== undefined || options.s02From !== undefined) {
      throw new XafsError('EOPTION', `--foil fits S0² (with N fixed at the crystal's); drop ${options.s02 !== undefined ? '--s02' : '--s02-from'}, or drop --foil to fit N with S0² fixed`);
    }
    const bcc = FOIL_N[absorber] === 8;
    if (shells.length > (bcc ? 2 : 1) || shells.some((s) => s.element !== absorber)) {
      throw new XafsError('EOPTION', `--foil fits the ${bcc ? 'first two shells' : 'first shell'} of ${absorber} metal (${absorber}-${absorber}) only; drop the --shell options, or drop --foil to fit ${shells.map((s) => `${absorber}-${s.element}`).join(', ')}`);
    }
    if (shells.length === 0) shells.push({ element: absorber });
    // bcc: the second shell (6 at a, 15 % beyond the first 8 at a·√3/2) is too close to leave out
    if (bcc && shells.length === 1) shells.push({ element: absorber, n: 6 });
    if (bcc && shells[1]!.n === undefined) shells[1] = { ...shells[1]!, n: 6 };
    if (shells[0]!.n === undefined) {
      const n = FOIL_N[absorber];
      if (n === undefined) throw new XafsError('EOPTION', `--foil: the first-shell N of ${absorber} metal is not known here; give it with --shell ${absorber}:N (12 for fcc or hcp, 8 for bcc)`);
      shells[0] = { ...shells[0]!, n };
    }
    if (!(shells[0]!.n! > 0)) throw new XafsError('EOPTION', `--foil: the foil's N must be above 0, got ${shells[0]!.n}`);
    if (shells.length > 1 && !(shells[1]!.n! > 0)) throw new XafsError('EOPTION', `--foil: the second shell's N must be above 0, got ${shells[1]!.n}`);
    const ns = shells.map((s) => s.n).join(' + ');
    notes.push(`fitting S0² of ${absorber} foil with N fixed at ${ns}${FOIL_N[absorber] === shells[0]!.n ? ` (the crystal's ${shells.length > 1 ? 'first two shells, bcc' : 'first shell'})` : ''}; save the result with --json and pass it to --s02-from for your samples`);
  }
  if (options.s02 !== undefined && !(options.s02 > 0 && options.s02 <= 1.5)) throw new XafsError('EOPTION', `--s02 must be a number above 0 and at most 1.5, got ${options.s02}`);
  if (!existsSync(sample)) throw new XafsError('ENOENT', `sample not found: '${sample}'; check the name and the folder`);
  const samplePath = resolve(sample);
  const kind = sampleKind(samplePath, options.mu, notes);
  const recipeFile = resolve(options.recipeFile ?? defaultRecipeFile(samplePath));
  const recipeDir = dirname(recipeFile);

  // S0²
  let s02Param: ParamSpecIn;
  let s02Report: FitShellResult['s02'];
  if (foil) {
    s02Param = { value: 0.9, vary: true, min: 0.3, max: 1.5 };
    s02Report = { value: 0.9, stderr: null, fitted: true };
  } else if (options.s02From !== undefined) {
    const saved = s02FromResult(options.s02From);
    s02Param = { from: nameFor(resolve(saved.file), recipeDir), param: saved.param };
    s02Report = { value: saved.value, stderr: saved.stderr, from: `${saved.file}#${saved.param}` };
  } else {
    const value = options.s02 ?? 0.9;
    if (options.s02 === undefined) notes.push('S0² fixed at 0.9, a typical value; measure it on a metal foil and pass --s02-from FOIL.result.json (or --s02)');
    s02Param = { value, vary: false };
    s02Report = { value, stderr: null };
  }

  // data: μ(E) goes through pre_edge + autobk as the recipe will do, to learn where χ(k) ends
  const dataName = nameFor(samplePath, recipeDir);
  const autobkOpts: AutobkOptions = { rbkg: 0.8, kweight: 1, ...(options.autobk ?? {}) };
  const base: DatasetSpec = kind.kind === 'mu' ? { file: dataName, mu: kind.mu, ...(options.energy ? { energy: options.energy } : {}), autobk: autobkOpts, paths: [] } : { file: dataName, paths: [] };
  const loaded = loadDataset({ ...base, paths: [] }, recipeDir, 'sample');
  const kEnd = loaded.k[loaded.k.length - 1]!;
  const kmaxAsked = options.transform?.kmax;
  if (kmaxAsked !== undefined && kmaxAsked > kEnd + 1e-9) throw new XafsError('ERANGE', `--kmax ${kmaxAsked} Å⁻¹ is beyond the data, whose χ(k) ends at ${round3(kEnd)} Å⁻¹; pass --kmax ${floorTo(kEnd, 0.5)} or less`);

  // paths
  const source = options.pathSource ?? (options.feff ? await feffSource(recipeFile) : librarySource(foil));
  const provisional = shells.map((s) => ({ element: s.element, n: s.n ?? startN(absorber, s.element, undefined), r: s.r }));
  const paths = await source.paths(absorber, edge, provisional);

  const names = stems(shells.map((s) => s.element));
  const start = shells.map((s, i) => {
    const p = paths[i]!;
    const n = s.n ?? startN(absorber, s.element, p);
    // a bcc foil's second shell lies at a = (2/√3)·(a·√3/2) on the first shell's path
    const r = s.r ?? (foil && i === 1 ? roundTo((paths[0]!.reff * 2) / Math.sqrt(3), 1e-4) : p.reff);
    return { n, r, dr: roundTo(r - p.reff, 1e-4) };
  });
  const t = transformDefaults(options.transform ?? {}, kEnd, start.map((s) => s.r), foil);
  if (t.kmax! > kEnd + 1e-9) throw new XafsError('ERANGE', `--kmax ${t.kmax} Å⁻¹ is beyond the data, whose χ(k) ends at ${round3(kEnd)} Å⁻¹; pass --kmax ${floorTo(kEnd, 0.5)} or less`);
  if (!(t.kmin! < t.kmax!)) {
    if (options.transform?.kmin === undefined && options.transform?.kmax === undefined) {
      throw new XafsError('ERANGE', `χ(k) of ${basename(samplePath)} ends at ${round3(kEnd)} Å⁻¹, too short for fit-shell's k range (from 3 Å⁻¹ to 0.5 Å⁻¹ before the end of the data): a shell fit needs data to 8 Å⁻¹ or more; pass --kmin and --kmax inside the data to try anyway`);
    }
    throw new XafsError('ERANGE', `k range ${t.kmin}–${t.kmax} Å⁻¹ is empty: --kmin must be below --kmax`);
  }
  if (!(t.rmin! < t.rmax!)) throw new XafsError('ERANGE', `R range ${t.rmin}–${t.rmax} Å is empty: --rmin must be below --rmax`);
  // a first-shell fit (or a foil's modelled shells) ends where the data's next shell begins; with
  // several shells the window keeps its default (cutting at the minimum after a weak, unresolved
  // outer shell — Ru–Cu on Ru–N — left fewer independent points than parameters)
  if (options.transform?.rmax === undefined && (shells.length === 1 || foil)) {
    const end = firstShellEnd(loaded.k, loaded.chi, t, Math.max(...start.map((s) => s.r)));
    if (end && end.rmax < t.rmax! - 1e-9 && end.rmax > t.rmin!) {
      notes.push(`R range ends at ${end.rmax} Å, the |χ(R)| minimum after the ${shells.length > 1 ? 'last fitted shell' : 'first shell'}'s peak (${end.peak} Å), so that the next, unmodelled shell stays out of the fit; pass --rmax to change`);
      t.rmax = end.rmax;
    }
  }
  // as feffit counts them (Larch's 1 + 2ΔkΔR/π), checked here so that the advice fits fit-shell's options
  const nIdp = 1 + (2 * (t.rmax! - t.rmin!) * (t.kmax! - t.kmin!)) / Math.PI;
  const nVary = foil ? 2 + 2 * shells.length : 1 + 3 * shells.length;
  if (nVary > nIdp) {
    throw new XafsError(
      'ERANGE',
      `k ${t.kmin}–${t.kmax} Å⁻¹ and R ${t.rmin}–${t.rmax} Å give ${nIdp.toFixed(2)} independent points, fewer than the ${nVary} parameters of ${shells.length === 1 ? 'one shell' : `${shells.length} shells`} (N, R and σ² each, one ΔE0): ${shells.length > 1 ? 'fit fewer shells, or ' : ''}widen the ranges (--kmin, --rmin, --rmax; the data end at ${round3(kEnd)} Å⁻¹)`,
    );
  }

  const title = `xafs fit-shell ${basename(samplePath)}: ${absorber} ${edge} edge, shells ${shells.map((s) => `${absorber}-${s.element}`).join(', ')}, paths from ${source.describe}`;
  const build = (st: Start): Recipe & { title: string } => {
    const s02 = foil ? { ...(s02Param as object), value: st.s02 ?? 0.9 } : s02Param;
    const params: Record<string, ParamSpecIn> = { s02, de0: { value: st.de0, vary: true, min: -15, max: 15 } };
    const pathSpecs: PathSpec[] = [];
    shells.forEach((s, i) => {
      const nm = names[i]!;
      // a foil's N is the crystal's, fixed: S0² is what is measured
      params[`n_${nm}`] = foil ? { value: start[i]!.n, vary: false } : { value: st.shells[i]!.n, vary: true, min: 0, max: 24 };
      // ΔR may wander DR_WINDOW either side of the distance asked for (R = reff + ΔR)
      const dr0 = start[i]!.dr;
      params[`dr_${nm}`] = { value: st.shells[i]!.dr, vary: true, min: roundTo(dr0 - DR_WINDOW, 1e-4), max: roundTo(dr0 + DR_WINDOW, 1e-4) };
      params[`ss_${nm}`] = { value: st.shells[i]!.ss, vary: true, min: 0.0001, max: 0.05 };
      pathSpecs.push({ feff: nameFor(paths[i]!.file, recipeDir), label: `${absorber}-${s.element}`, degen: `n_${nm}`, s02: 's02', e0: 'de0', deltar: `dr_${nm}`, sigma2: `ss_${nm}` });
    });
    const raw = { title, params, datasets: [{ ...base, transform: t, paths: pathSpecs }] };
    // the recipe as `xafs fit` will read it back: parsed from its JSON text
    return Object.assign(parseRecipe(JSON.parse(JSON.stringify(raw)), 'fit-shell recipe'), { title });
  };

  // Several starts, the lowest χ² wins (src/fit/run.ts fitStarts, as `xafs fit --starts`): from far
  // starts (a weak second shell started small and long, say) the fit can end in a local minimum
  // with that shell's N at 0. The recipe keeps the winning start, so `xafs fit RECIPE` retraces the
  // same path to the same numbers.
  const first: Start = { de0: 0, shells: start.map((s) => ({ n: s.n, dr: s.dr, ss: 0.005 })) };
  const recipe0 = build(first);
  const guess: Record<string, number> = { de0: 0 };
  shells.forEach((s, i) => {
    if (!foil) guess[`n_${names[i]}`] = startN(absorber, s.element, paths[i]!);
    guess[`dr_${names[i]}`] = 0;
    guess[`ss_${names[i]}`] = 0.005;
  });
  const starts = options.multistart === false ? startValues(recipe0, 1) : startValues(recipe0, foil ? 5 : 6, foil ? [] : [guess]);
  const warnings: string[] = [];
  const fit = fitStarts(recipe0, recipeDir, starts, { warn: (m) => warnings.push(m) }, recipeDir);
  const recipe = Object.assign(fit.recipe, { title }) as Recipe & { title: string };
  // a bcc foil's second shell rides on the first shell's path, 0.38 Å out by construction: its ΔR
  // is the model's, not a path gone astray
  if (foil && shells.length > 1) {
    const moved = new Set(fit.checks.filter((c) => c.code === 'DELTA_R' && c.param === `dr_${names[1]}`).map((c) => c.message));
    fit.checks.splice(0, fit.checks.length, ...fit.checks.filter((c) => !moved.has(c.message)));
    fit.warnings.splice(0, fit.warnings.length, ...fit.warnings.filter((m) => !moved.has(m)));
    warnings.splice(0, warnings.length, ...warnings.filter((m) => !moved.has(m)));
  }
  if (foil) {
    const p = fit.params.s02;
    s02Report = { value: p?.value ?? Number.NaN, stderr: p?.stderr ?? null, fitted: true };
  }
  if (options.warn) for (const w of warnings) options.warn(w);

  // a shell at the edge of its R window: the library's bond length (or the R given) was too far off
  shells.forEach((sh, i) => {
    const dr = fit.params[`dr_${names[i]}`]?.value;
    if (dr !== undefined && Math.abs(dr - start[i]!.dr) > DR_WINDOW - 1e-3) {
      const r = round3(paths[i]!.reff + dr);
      notes.push(`${absorber}-${sh.element} R ${r} Å is at the edge of its window (${round3(start[i]!.r)} ± ${DR_WINDOW} Å): the shell may lie further ${dr > start[i]!.dr ? 'out' : 'in'}; give its distance with --shell ${sh.element}::R (R in Å), or run FEFF on your structure`);
    }
  });

  const rows: ShellRow[] = fit.paths.map((p, i) => ({
    shell: `${absorber}-${shells[i]!.element}`,
    n: p.n,
    nStderr: p.nStderr,
    r: p.r,
    rStderr: p.rStderr,
    sigma2: p.sigma2,
    sigma2Stderr: p.sigma2Stderr,
    e0: p.e0,
    e0Stderr: p.e0Stderr,
    feff: p.feff,
    reff: p.reff,
  }));
  return { absorber, edge, recipe, recipeFile, fit, rows, s02: s02Report, notes, pathSource: source.describe };
}

/** Starting values of one fit: ΔE0 (eV) and, per shell, N, ΔR (Å) and σ² (Å²). */
interface Start {
  de0: number;
  /** S0² (foil fits only, where it is varied). @default 0.9 */
  s02?: number;
  shells: { n: number; dr: number; ss: number }[];
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Starting N: the path's degeneracy for a metal foil's first shell, else 4 for a light ligand and 1 for a metal. */
function startN(_absorber: string, element: string, path: ShellPath | undefined): number {
  if (path?.kind === 'foil') return path.degen;
  return LIGANDS.has(element) ? 4 : 1;
}

/**
 * fit-shell's transform defaults: k 3 … min(12, end of the data − 0.5) Å⁻¹ (rounded down to
 * 0.5), k-weight 2, hanning dk 1; R from max(1, shortest shell − 0.65) to longest shell + 0.6 Å,
 * which keeps the low-R background (autobk leaves it below ~rbkg + 0.2 Å) out of the fit.
 */
export function transformDefaults(t: TransformOptions, kEnd: number, shellR: number[], foil = false): TransformOptions {
  // a foil's data are clean to high k: capping kmax at 12 would double the error of its S0²
  const kmax = t.kmax ?? Math.min(foil ? FOIL_KMAX : 12, floorTo(kEnd - 0.5, 0.5));
  const rmin = t.rmin ?? Math.max(1, roundTo(Math.min(...shellR) - 0.65, 0.05));
  const rmax = t.rmax ?? roundTo(Math.max(...shellR) + 0.6, 0.05);
  return {
    kmin: t.kmin ?? 3,
    kmax,
    kweight: t.kweight ?? 2,
    dk: t.dk ?? 1,
    ...(t.dk2 !== undefined ? { dk2: t.dk2 } : {}),
    window: t.window ?? 'hanning',
    rmin: Number(rmin.toFixed(2)),
    rmax: Number(rmax.toFixed(2)),
    ...(t.dr !== undefined ? { dr: t.dr } : {}),
    ...(t.rwindow !== undefined ? { rwindow: t.rwindow } : {}),
    fitspace: t.fitspace ?? 'r',
  };
}

/** The largest kmax fit-shell takes by default for a foil, Å⁻¹ (the library's tables end at 20). */
const FOIL_KMAX = 18;

/**
 * Where the fitted shells end in |χ(R)| of the data (the transform's k range, window and first
 * k-weight): the highest local maximum within 0.9 Å below the longest shell's R (a path's peak sits
 * 0.3–0.5 Å below its distance), then the first minimum after it, rounded down to 0.05 Å. Null when
 * no peak is found there.
 */
export function firstShellEnd(k: Float64Array, chi: Float64Array, t: TransformOptions, shellR: number): { rmax: number; peak: number } | null {
  const kw = Array.isArray(t.kweight) ? t.kweight[0]! : (t.kweight ?? 2);
  const ft = xftf({ k, chi }, { kmin: t.kmin, kmax: t.kmax, dk: t.dk, window: t.window, kweight: kw, rmaxOut: 10 });
  const r = ft.r;
  const m = ft.chirMag;
  let peak = -1;
  for (let i = 1; i + 1 < r.length; i++) {
    if (r[i]! < shellR - 0.9 || r[i]! > shellR + 0.1) continue;
    if (m[i]! >= m[i - 1]! && m[i]! >= m[i + 1]! && (peak < 0 || m[i]! > m[peak]!)) peak = i;
  }
  if (peak < 0) return null;
  let j = peak;
  while (j + 1 < r.length && m[j + 1]! <= m[j]!) j++;
  if (j + 1 >= r.length) return null;
  return { rmax: floorTo(r[j]!, 0.05), peak: Math.round(r[peak]! * 100) / 100 };
}

/** FEFF on a cluster of the shells (runFeff of src/feff/runner.ts); the paths used are copied beside the recipe. */
async function feffSource(recipeFile: string): Promise<PathSource> {
  const { runFeff } = await import('./runner.js');
  return {
    describe: 'FEFF8L on a cluster of these shells',
    async paths(absorber, edge, shells) {
      const lib = await libraryReff(absorber, edge, shells.map((s) => s.element));
      const cluster = shells.map((s, i) => {
        const r = s.r ?? lib[i];
        if (r === undefined) throw new XafsError('EOPTION', `--shell ${s.element}: give its distance for FEFF, e.g. --shell ${s.element}:${s.n}:2.0 (N and R in Å); the path library has no ${absorber}-${s.element} bond length to start from`);
        return { element: s.element, n: Math.max(1, Math.round(s.n)), r };
      });
      const dir = `${recipeFile.replace(/\.json$/, '').replace(/\.recipe$/, '')}.feff`;
      mkdirSync(dir, { recursive: true });
      const run = await runFeff({ kind: 'shells', absorber, shells: cluster, edge, nleg: 2, rmax: Math.max(...cluster.map((c) => c.r)) + 0.1 }, { outDir: dir });
      return cluster.map((c) => {
        const single = run.paths.filter((p) => p.nleg === 2 && p.label.split('-')[1] === c.element);
        if (single.length === 0) throw new XafsError('EINTERNAL', `FEFF gave no ${absorber}-${c.element} path for the cluster (paths: ${run.paths.map((p) => p.label).join(', ')})`, 3);
        const best = single.reduce((a, b) => (Math.abs(b.reff - c.r) < Math.abs(a.reff - c.r) ? b : a));
        return { file: best.file, reff: best.reff, degen: best.degen, kind: 'feff' as const };
      });
    },
  };
}

/** The library's bond length for each pair (undefined where it has none): FEFF's starting distances. */
async function libraryReff(absorber: string, edge: string, elements: string[]): Promise<(number | undefined)[]> {
  return elements.map((el) => findLibraryPath(absorber, el, edge)?.reff);
}
