/**
 * Analyses over the whole series (recipe `pca`, `mcr`, `globalFit`): unlike the per-spectrum analyses they
 * need every spectrum at once, so after the streaming pass the inputs are read a second time and
 * every spectrum's normalized array is held in memory (memory grows with the series here, and
 * only here). Spectra that failed in the table are left out. Results: DIR/pca.json, DIR/mcr.json,
 * DIR/globalfit.json.
 *
 * globalFit: one feffit whose datasets are every spectrum's χ(k) (the fit recipe's transform and
 * paths repeated); parameters listed in `perSpectrum` get one copy per spectrum (`NAME_INDEX`, the
 * series index), the others are shared by all spectra.
 */
import { writeFileAtomic } from '../../node/atomicWrite.js';
import { join } from 'node:path';
import { XafsError } from '../../errors.js';
import { mcrAls } from '../../xanes/mcr.js';
import { pcaTrain } from '../../xanes/pca.js';
import { prepareGroup, type XanesGroup } from '../../xanes/matrix.js';
import { autobk } from '../../xafs/autobk.js';
import { feffit, pathExprs, type FitDatasetInput } from '../../fit/feffit.js';
import { ParamSet, type ParamSpec } from '../../fit/params.js';
import { prepareFit, type PreparedAnalysis } from './analyze.js';
import { readItem, type InputPlan } from './inputs.js';
import type { BatchRecipe } from './recipe.js';

const arr = (a: ArrayLike<number>) => Array.from(a, (v) => (Number.isFinite(v) ? v : null));

export async function runSeriesAnalyses(recipe: BatchRecipe, prepared: PreparedAnalysis, plan: InputPlan, out: string, warn: (m: string) => void): Promise<void> {
  void prepared;
  const groups: XanesGroup[] = [];
  const chis: { index: number; source: string; k: Float64Array; chi: Float64Array; deltaChi?: Float64Array; e0: number }[] = [];
  for await (const item of plan.items(0, plan.count)) {
    if (item.error !== undefined) continue;
    try {
      const data = item.energy && item.mu ? { energy: item.energy, mu: item.mu } : readItem(item.file!, { mu: recipe.mu, energy: recipe.energy });
      const g = prepareGroup({ ...data, name: item.source, source: item.source }, { preEdge: recipe.process.preEdge });
      if (recipe.pca || recipe.mcr) groups.push(g);
      if (recipe.globalFit) {
        const bk = autobk({ ...data, e0: g.e0, edgeStep: g.edgeStep }, { ...(recipe.process.autobk ?? {}), preEdge: recipe.process.preEdge });
        chis.push({ index: item.index, source: item.source, k: bk.k, chi: bk.chi, deltaChi: bk.deltaChi, e0: g.e0 });
      }
    } catch (e) {
      if (!(e instanceof XafsError)) throw e;
    }
  }
  if (recipe.globalFit) {
    try {
      globalFit(recipe, chis, out);
    } catch (e) {
      if (!(e instanceof XafsError)) throw e;
      warn(`globalFit: ${e.message}`);
    }
  }
  if (recipe.pca) {
    const s = recipe.pca;
    try {
      const m = pcaTrain(groups, { space: s.space, emin: s.emin, emax: s.emax });
      const k = Math.min(s.ncomps ?? m.ncomponents + 2, m.components.length);
      const doc = {
        space: m.space,
        spectra: groups.length,
        ncomponents: m.ncomponents,
        nsig: m.nsig,
        variances: arr(m.variances),
        cumulative: arr(m.cumulative),
        ind: arr(m.ind),
        realError: arr(m.tfa.realError),
        noise: m.tfa.noise,
        x: arr(m.x),
        mean: arr(m.mean),
        components: m.components.slice(0, k).map(arr),
        warnings: m.warnings,
      };
      writeFileAtomic(join(out, 'pca.json'), JSON.stringify(doc) + '\n', { exitCode: 1 });
    } catch (e) {
      if (!(e instanceof XafsError)) throw e;
      warn(`pca: ${e.message}`);
    }
  }
  if (recipe.mcr) {
    const s = recipe.mcr;
    try {
      const m = mcrAls(groups, { space: s.space, emin: s.emin, emax: s.emax, components: s.ncomps });
      const doc = {
        ncomponents: m.ncomponents,
        lackOfFit: m.lackOfFit,
        explainedVariance: m.explainedVariance,
        iterations: m.iterations,
        converged: m.converged,
        x: arr(m.x),
        spectra: m.spectra.map(arr),
        concentrations: m.concentrations.map((c, i) => ({ source: m.sources[i], values: arr(c) })),
        warnings: m.warnings,
      };
      writeFileAtomic(join(out, 'mcr.json'), JSON.stringify(doc) + '\n', { exitCode: 1 });
    } catch (e) {
      if (!(e instanceof XafsError)) throw e;
      warn(`mcr: ${e.message}`);
    }
  }
}

function globalFit(recipe: BatchRecipe, chis: { index: number; source: string; k: Float64Array; chi: Float64Array; deltaChi?: Float64Array; e0: number }[], out: string): void {
  const g = recipe.globalFit!;
  if (chis.length === 0) throw new XafsError('ETOOFEW', 'no spectrum could be processed: nothing to fit');
  const f = prepareFit(recipe, g.recipe);
  if (f.restraints?.length) throw new XafsError('EOPTION', `${recipe.path}: the fit recipe '${g.recipe}' has restraints, which a global fit does not apply yet; drop them or fit each spectrum (fit step)`);
  for (const name of g.perSpectrum) {
    if (!(name in f.specs)) throw new XafsError('EOPTION', `${recipe.path}: 'globalFit.perSpectrum' names '${name}', which the fit recipe does not define; its parameters are ${Object.keys(f.specs).join(', ')}`);
  }
  const per = new Set(g.perSpectrum);
  const rename = (expr: string, i: number) => (per.size === 0 ? expr : expr.replace(/[A-Za-z_][A-Za-z0-9_]*/g, (w) => (per.has(w) ? `${w}_${i}` : w)));
  const specs: Record<string, ParamSpec> = {};
  for (const [name, spec] of Object.entries(f.specs)) {
    if (per.has(name)) continue;
    const expr = typeof spec === 'object' && spec !== null && 'expr' in spec && typeof spec.expr === 'string' ? spec.expr : '';
    if (expr && rename(expr, 0) !== expr) throw new XafsError('EOPTION', `${recipe.path}: globalFit: the shared parameter '${name}' is an expression of a per-spectrum parameter; list it in perSpectrum too`);
    specs[name] = spec;
  }
  for (const c of chis) {
    for (const name of per) {
      const spec = f.specs[name]!;
      specs[`${name}_${c.index}`] = typeof spec === 'object' && spec !== null && 'expr' in spec && typeof spec.expr === 'string' ? { ...spec, expr: rename(spec.expr, c.index) } : spec;
    }
  }
  const datasets = chis.map((c) => ({
    paths: f.paths.map((p) => ({ ...p, params: Object.fromEntries(Object.entries(p.params).map(([k, v]) => [k, typeof v === 'string' ? rename(v, c.index) : v])) as Record<string, number | string> })),
  }));
  const ps = new ParamSet(specs, { extra: pathExprs(datasets) });
  const inputs: FitDatasetInput[] = chis.map((c, i) => ({ file: c.source, k: c.k, chi: c.chi, e0: c.e0, transform: f.dataset.transform ?? {}, epsilonK: f.dataset.epsilonK, deltaChi: c.deltaChi, paths: datasets[i]!.paths }));
  const warnings: string[] = [];
  const res = feffit(ps, inputs, { force: f.force, warn: (w) => warnings.push(w) });
  const val = (n: string) => ({ value: res.params[n]!.value, stderr: res.params[n]!.stderr });
  const doc = {
    spectra: chis.length,
    shared: Object.fromEntries(Object.keys(f.specs).filter((n) => !per.has(n)).map((n) => [n, val(n)])),
    perSpectrum: chis.map((c) => ({ index: c.index, source: c.source, ...Object.fromEntries([...per].map((n) => [n, val(`${n}_${c.index}`)])) })),
    statistics: res.statistics,
    datasets: res.datasets.map((d) => ({ file: d.file, rfactor: d.rfactor })),
    warnings: [...warnings, ...res.warnings],
  };
  writeFileAtomic(join(out, 'globalfit.json'), JSON.stringify(doc) + '\n', { exitCode: 1 });
}
