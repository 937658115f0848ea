/**
 * The per-spectrum analysis of a batch: prepared once (references and their calibration,
 * standards, the parsed fit recipe and its FEFF paths, the table's columns), then applied to each
 * spectrum, giving one row. Everything numeric is the library's own API: pre_edge via
 * normalizeForEdges, edgesOfNormalized (src/xanes/edge.ts), calibrate/applyCalibration and
 * lcfValenceFitter (src/xanes/valence.ts), lcf (src/xanes/lcf.ts), autobk, xftf, feffit.
 *
 * A spectrum that fails (cannot be read, has no edge, a fit that diverges or gives non-finite
 * values) becomes a row with status 'error' and a message naming the source and what to do; it
 * never stops the run. A bad recipe (a missing reference, an unreadable standard) does: it throws
 * XafsError from prepareAnalysis, before any spectrum is read.
 *
 * Fit warm start: each fit starts from the previous spectrum's best values (`FitState`), which
 * the engine resets at every chunk boundary, so that results do not depend on how chunks are
 * spread over workers.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { XafsError } from '../../errors.js';
import { readSpectrum } from '../../io/read.js';
import { autobk } from '../../xafs/autobk.js';
import { xftf } from '../../xafs/xftf.js';
import { edgesOfNormalized, normalizeForEdges, type EdgeMethod, type EdgeOptions, type NormalizedSpectrum } from '../../xanes/edge.js';
import { applyCalibration, calibrate, lcfValenceFitter, type Calibration, type LcfValence } from '../../xanes/valence.js';
import { lcf } from '../../xanes/lcf.js';
import { prepareGroup, type XanesGroup } from '../../xanes/matrix.js';
import type { pathExprs } from '../../fit/feffit.js';
import type { ParamSpec } from '../../fit/params.js';
import type { DatasetSpec } from '../../fit/recipe.js';
import type { FeffPath } from '../../fit/types.js';
import { readItem, resolveIn, type BatchItem } from './inputs.js';
import type { BatchRecipe } from './recipe.js';

/** One row of the results table: fixed fields and one value per numeric column (null = empty). */
export interface BatchRow {
  index: number;
  source: string;
  status: 'ok' | 'error';
  /** The error (status 'error'), else the warnings joined by '; ' (often empty). */
  message: string;
  /** In the order of PreparedAnalysis.columns (after the four fixed ones). */
  values: (number | null)[];
  /** Per-spectrum arrays (outputs.arrays): file suffix → header and columns. */
  arrays?: { name: string; header: string; columns: Float64Array[] }[];
}

export interface FitPrepared {
  specs: Record<string, ParamSpec>;
  varyNames: string[];
  dataset: DatasetSpec;
  paths: { path: FeffPath; feff: string; params: Record<string, number | string> }[];
  extra: ReturnType<typeof pathExprs>;
  force: boolean;
  /** The fit recipe's restraints (docs/fit-sanity.md). */
  restraints?: { expr: string; value?: number; sigma?: number; weight?: number }[];
}

/** Warm-start state of the per-spectrum fit: the previous best values. */
export interface FitState {
  values: Record<string, number> | null;
}

export function newFitState(): FitState {
  return { values: null };
}

export interface PreparedAnalysis {
  recipe: BatchRecipe;
  /** The numeric columns after index, source, status, message. */
  columns: string[];
  /** @internal */
  edgeOptions: EdgeOptions | null;
  /** @internal valence by calibration */
  calibration: Calibration | null;
  /** @internal valence by LCF */
  lcfValence: ((s: NormalizedSpectrum, label?: string) => LcfValence) | null;
  /** @internal */
  standards: XanesGroup[];
  /** @internal */
  fit: FitPrepared | null;
  /** @internal the preEdge options (flat computed only when needed) */
  preOpts: Record<string, number | boolean>;
}

/** The edge options of the recipe (edge section, else defaults) for the given methods. */
function edgeOpts(r: BatchRecipe, methods: EdgeMethod[]): EdgeOptions {
  const e = r.edge;
  return { methods, smooth: e?.smooth, searchWidth: e?.searchWidth, halfLevel: e?.halfLevel, integralLevels: e?.integralLevels, whiteLine: false };
}

function where(e: unknown, what: string): never {
  if (e instanceof XafsError) throw new XafsError(e.code, `${what}: ${e.message}`, e.exitCode);
  throw e;
}

function readRef(r: BatchRecipe, file: string, what: string): { energy: Float64Array; mu: Float64Array } {
  const path = resolveIn(r.baseDir, file);
  if (!existsSync(path)) throw new XafsError('ENOENT', `${r.path}: ${what} '${file}' not found (looked for ${path}); names resolve against the recipe's folder`);
  try {
    const s = readSpectrum(path, {});
    return { energy: s.energy, mu: s.mu };
  } catch (e) {
    // normalized references often hold only a norm column
    try {
      const s = readSpectrum(path, { mu: 'norm' });
      return { energy: s.energy, mu: s.mu };
    } catch {
      return where(e, `${r.path}: ${what} '${file}'`);
    }
  }
}

/** Everything that does not depend on the spectrum: references, calibration, standards, fit paths, columns. */
export function prepareAnalysis(recipe: BatchRecipe): PreparedAnalysis {
  const r = recipe;
  const columns: string[] = ['e0', 'edge_step'];
  const needFlat = r.lcf?.space === 'flat';
  const preOpts: Record<string, number | boolean> = { ...r.process.preEdge, makeFlat: needFlat };
  const p: PreparedAnalysis = { recipe, columns, edgeOptions: null, calibration: null, lcfValence: null, standards: [], fit: null, preOpts };

  if (r.edge) {
    p.edgeOptions = edgeOpts(r, r.edge.methods);
    for (const m of r.edge.methods) columns.push(`e0_${m}`, `e0_${m}_stderr`);
  }
  if (r.valence) {
    const v = r.valence;
    const refs = v.references.map((x) => ({ ...x, data: readRef(r, x.file, 'valence reference') }));
    const refNorm = refs.map((x) => {
      try {
        return normalizeForEdges(x.data, { ...r.process.preEdge, makeFlat: false });
      } catch (e) {
        return where(e, `${r.path}: valence reference '${x.file}'`);
      }
    });
    if (v.method === 'lcf') {
      p.lcfValence = lcfValenceFitter(
        refNorm.map((nz, i) => ({ name: refs[i]!.name, valence: refs[i]!.valence, energy: nz.energy, norm: nz.norm })),
        { emin: v.emin, emax: v.emax },
      );
    } else {
      const method = v.method;
      const points = refNorm.map((nz, i) => {
        const rep = edgesOfNormalized(nz, edgeOpts(r, [method]));
        const e = rep.edges[method];
        if (!e) throw new XafsError('ENOEDGE', `${r.path}: valence reference '${refs[i]!.file}': ${rep.errors[method]}`);
        return { edge: e.energy, edgeStderr: e.stderr, valence: refs[i]!.valence, source: refs[i]!.file };
      });
      try {
        p.calibration = calibrate(points, v.form);
      } catch (e) {
        where(e, `${r.path}: valence`);
      }
    }
    columns.push('valence', 'valence_stderr', 'valence_edge');
  }
  if (r.lcf) {
    p.standards = r.lcf.standards.map((s) => {
      const data = readRef(r, s.file, 'LCF standard');
      try {
        return prepareGroup({ ...data, name: s.name, source: s.file }, { preEdge: r.process.preEdge });
      } catch (e) {
        return where(e, `${r.path}: LCF standard '${s.file}'`);
      }
    });
    for (const s of r.lcf.standards) columns.push(`lcf_${s.name}`, `lcf_${s.name}_stderr`);
    columns.push('lcf_rfactor', 'lcf_chi2_reduced');
    if (r.lcf.eshift !== 'none') columns.push('lcf_eshift');
  }
  if (r.process.autobk) columns.push('autobk_nspl');
  if (r.process.xftf) columns.push('chir_peak_r', 'chir_peak');
  if (r.fit) {
    p.fit = prepareFit(r, r.fit.recipe);
    for (const name of p.fit.varyNames) {
      const col = columns.includes(name) ? `fit_${name}` : name;
      columns.push(col, `${col}_stderr`);
    }
    columns.push('rfactor', 'chi2_reduced', 'fit_nfev');
  }
  return p;
}

/**
 * The per-spectrum fit (fitStep.ts) loads the fitting modules (feffit, the minimizer): a worker
 * whose recipe has no fit never loads them (they cost ~0.1 s of start-up per worker). fitStep.ts
 * registers itself here when imported: run.ts imports it statically (the main thread, xafs watch),
 * a worker imports it (loadFitStep) only for a recipe with a fit.
 */
export interface FitStep {
  prepareFit(r: BatchRecipe, file: string): FitPrepared;
  /** Fits one spectrum's χ(k): puts the columns, or returns the failure message. */
  fitSpectrum(p: PreparedAnalysis, item: BatchItem, chi: { k: Float64Array; chi: Float64Array; deltaChi?: Float64Array }, e0: number, state: FitState, warnings: string[], put: (x: number | null | undefined) => void): string | null;
}

let fitStep: FitStep | null = null;

/** @internal called by fitStep.ts as it loads. */
export function registerFitStep(step: FitStep): void {
  fitStep = step;
}

/** Loads the per-spectrum fit (needed before prepareAnalysis of a recipe with a fit, unless run.ts is loaded). */
export async function loadFitStep(): Promise<void> {
  if (!fitStep) await import('./fitStep.js');
}

function needFitStep(): FitStep {
  if (!fitStep) throw new XafsError('EINTERNAL', 'the batch fit step is not loaded (import ./fitStep.js or await loadFitStep() first)', 3);
  return fitStep;
}

/** Reads a fit recipe for the batch (one dataset; its data come from the series), with its FEFF paths. */
export function prepareFit(r: BatchRecipe, file: string): FitPrepared {
  return needFitStep().prepareFit(r, file);
}

function noEdge(msg: string): string {
  return msg.replace(/\(e\.g\. --mu "([^"]*)"\)/, '("mu" in the recipe, e.g. "$1")') + ', or leave this spectrum out';
}

const finite = (x: number | null | undefined): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : x);

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Analyzes one spectrum into a row (never throws for a bad spectrum). `state` carries the fit warm start. */
export function analyzeSpectrum(prepared: PreparedAnalysis, item: BatchItem, state: FitState = newFitState()): BatchRow {
  const p = prepared;
  const r = p.recipe;
  const values: (number | null)[] = new Array<number | null>(p.columns.length).fill(null);
  const row: BatchRow = { index: item.index, source: item.source, status: 'ok', message: '', values };
  const fail = (msg: string): BatchRow => {
    row.status = 'error';
    // the reader names the file by its full path: the table names it by its source
    row.message = item.file && msg.startsWith(item.file) ? item.source + msg.slice(item.file.length) : msg.startsWith(item.source) ? msg : `${item.source}: ${msg}`;
    values.fill(null);
    delete row.arrays;
    return row;
  };
  if (item.error !== undefined) return fail(item.error);
  let energy = item.energy;
  let mu = item.mu;
  if (!energy || !mu) {
    if (!item.file) return fail('no data (neither a file nor arrays)');
    try {
      ({ energy, mu } = readItem(item.file, { mu: r.mu, energy: r.energy }));
    } catch (e) {
      return fail(message(e));
    }
  }
  const warnings: string[] = [];
  let col = 0;
  const put = (x: number | null | undefined) => {
    values[col++] = finite(x);
  };
  try {
    const spectrum = { energy, mu };
    let nz: NormalizedSpectrum;
    try {
      nz = normalizeForEdges(spectrum, p.preOpts);
    } catch (e) {
      if (e instanceof XafsError && e.code === 'ENOEDGE') return fail(noEdge(message(e)));
      throw e;
    }
    put(nz.e0);
    put(nz.edgeStep);
    let edges: ReturnType<typeof edgesOfNormalized> | null = null;
    if (p.edgeOptions) {
      edges = edgesOfNormalized(nz, p.edgeOptions);
      for (const m of r.edge!.methods) {
        const e = edges.edges[m];
        put(e?.energy);
        put(e?.stderr);
        if (!e && edges.errors[m]) warnings.push(`e0_${m}: ${edges.errors[m]}`);
      }
      warnings.push(...edges.warnings);
    }
    if (r.valence) {
      if (p.lcfValence) {
        const v = p.lcfValence(nz, item.source);
        put(v.valence);
        put(v.valenceStderr);
        put(nz.e0);
        warnings.push(...v.warnings);
      } else {
        const method = r.valence.method as EdgeMethod;
        let e = edges?.edges[method];
        let why = edges?.errors[method];
        if (!e && !why) {
          const rep = edgesOfNormalized(nz, edgeOpts(r, [method]));
          e = rep.edges[method];
          why = rep.errors[method];
        }
        if (e) {
          const v = applyCalibration(p.calibration!, e.energy, e.stderr);
          put(v.valence);
          put(v.valenceStderr);
          put(e.energy);
          warnings.push(...v.warnings.map((w) => `valence: ${w}`));
        } else {
          col += 3;
          warnings.push(`valence: no ${method} edge (${why})`);
        }
      }
    }
    if (r.lcf) {
      const l = r.lcf;
      const pre = nz.pre!;
      const { pre1, pre2, norm1, norm2, nnorm } = pre.preEdge;
      const group: XanesGroup = {
        name: item.source,
        source: item.source,
        energy: nz.energy,
        e0: nz.e0,
        edgeStep: nz.edgeStep,
        norm: nz.norm,
        flat: nz.flat,
        dmude: pre.dmude,
        preEdgeParams: { pre1, pre2, norm1, norm2, nnorm },
      };
      const res = lcf(group, p.standards, { space: l.space, emin: l.emin, emax: l.emax, sumToOne: l.sumToOne, eshift: l.eshift, normalization: l.normalization }, (w) => warnings.push(`lcf: ${w}`));
      for (const s of l.standards) {
        const f = res.fractions[s.name];
        put(f?.value ?? 0);
        put(f?.stderr ?? 0);
      }
      put(res.rfactor);
      put(res.chi2Reduced);
      if (l.eshift !== 'none') {
        const sh = res.eshift ? Object.values(res.eshift)[0] : undefined;
        put(sh?.value);
      }
      warnings.push(...res.warnings.map((w) => `lcf: ${w}`));
    }
    let chi: { k: Float64Array; chi: Float64Array; deltaChi?: Float64Array } | null = null;
    let ft: ReturnType<typeof xftf> | null = null;
    if (r.process.autobk) {
      // AUTOBK's δχ only where a fit folds it into its noise (it costs ~0.5 ms a spectrum)
      const bk = autobk({ energy, mu, e0: nz.e0, edgeStep: nz.edgeStep }, { calcUncertainties: r.fit !== undefined, ...r.process.autobk, preEdge: r.process.preEdge });
      chi = { k: bk.k, chi: bk.chi, deltaChi: bk.deltaChi };
      put(bk.autobkDetails.nspl);
      warnings.push(...bk.warnings);
      if (r.process.xftf) {
        ft = xftf(bk, r.process.xftf);
        let im = 0;
        for (let i = 1; i < ft.chirMag.length; i++) if (ft.chirMag[i]! > ft.chirMag[im]!) im = i;
        put(ft.r[im]);
        put(ft.chirMag[im]);
      }
      for (let i = 0; i < bk.chi.length; i++) if (!Number.isFinite(bk.chi[i]!)) return fail(`χ(k) is not finite at k = ${bk.k[i]} Å⁻¹: check the data near the edge (e0 = ${nz.e0} eV)`);
    }
    if (p.fit && chi) {
      const why = needFitStep().fitSpectrum(p, item, chi, nz.e0, state, warnings, put);
      if (why !== null) return fail(why);
    }
    if (r.outputs.arrays) {
      row.arrays = [{ name: 'norm', header: 'energy norm flat', columns: [nz.energy, nz.norm, nz.flat] }];
      if (chi) row.arrays.push({ name: 'chik', header: 'k chi', columns: [chi.k, chi.chi] });
      if (ft) row.arrays.push({ name: 'chir', header: 'r chir_mag chir_re chir_im', columns: [ft.r, ft.chirMag, ft.chirRe, ft.chirIm] });
    }
  } catch (e) {
    if (e instanceof XafsError) return fail(message(e));
    // an internal error in one spectrum: recorded, with a request to report it
    return fail(`internal error: ${message(e).split('\n')[0]} (please report it; the other spectra are unaffected)`);
  }
  row.message = [...new Set(warnings)].join('; ');
  return row;
}

/** Analyzes consecutive items; the fit warm start begins afresh (a chunk is the unit of determinism). */
export function analyzeChunk(prepared: PreparedAnalysis, items: BatchItem[], onItem?: (i: number) => void): BatchRow[] {
  const state = newFitState();
  return items.map((it, i) => {
    onItem?.(i);
    return analyzeSpectrum(prepared, it, state);
  });
}

