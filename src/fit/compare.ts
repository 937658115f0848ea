/**
 * Comparing two fits of the same data (`xafs compare-fits A B`): Hamilton's test as Ifeffit and
 * Artemis report it, and the information criteria.
 *
 * Hamilton (Acta Cryst. 18, 502, 1965): for nested models, the simpler one (a parameters) is a
 * restriction of the fuller one (b > a parameters). With ν = N_idp − b degrees of freedom left to
 * the fuller model and χ² measured in the same noise units,
 *     F = ((χ²_simple − χ²_full)/(b − a)) / (χ²_full/ν)
 * follows F(b − a, ν) when the extra parameters are not needed; the fuller model is preferred
 * when P(F' > F) < α (α = 0.05, i.e. at 95 % significance). Equivalently the ratio of R-factors
 * exceeds Hamilton's R_{b−a, ν, α}. AIC and BIC are Larch's (N_idp·ln(χ²/N_idp) + penalty): the
 * lower wins. Costs the two fits, nothing more.
 */
import { XafsError } from '../errors.js';
import { fSurvival } from '../stats.js';
import type { FitResult } from './feffit.js';
import type { RecipeFit } from './run.js';

/** What the comparison shows of each fit: its statistics (as `xafs fit --json`) and varied names. */
export type FitSummary = { recipe: string; varied: string[] } & Pick<FitResult['statistics'], 'nvarys' | 'nIndependent' | 'chiSquare' | 'chi2Reduced' | 'rfactor' | 'aic' | 'bic' | 'nfev'>;

export interface CompareResult {
  /** The simpler (fewer varied parameters) and the fuller fit. */
  simple: FitSummary;
  full: FitSummary;
  hamilton: {
    /** F statistic, its degrees of freedom (b − a, N_idp − b), P(F' > F) and the significance 1 − p. */
    f: number;
    df1: number;
    df2: number;
    p: number;
    significance: number;
    /** Hamilton's R-factor ratio R_simple/R_full. */
    ratio: number;
    alpha: number;
    /** 'full' when p < alpha, else 'simple' (the extra parameters are not justified). */
    preferred: 'simple' | 'full';
  };
  aic: { delta: number; preferred: 'simple' | 'full' };
  bic: { delta: number; preferred: 'simple' | 'full' };
  /** The two fits' function evaluations. */
  nfev: number;
}

function summary(name: string, f: RecipeFit): FitSummary {
  const s = f.statistics;
  return {
    recipe: name,
    nvarys: s.nvarys,
    varied: Object.entries(f.params).filter(([, p]) => p.vary).map(([n]) => n),
    nIndependent: s.nIndependent,
    chiSquare: s.chiSquare,
    chi2Reduced: s.chi2Reduced,
    rfactor: s.rfactor,
    aic: s.aic,
    bic: s.bic,
    nfev: s.nfev,
  };
}

/** The data a fit sees: files and transforms of every dataset (a comparison needs the same). */
function dataKey(f: RecipeFit): string {
  return JSON.stringify(f.datasets.map((d) => [d.file, d.transform, d.npts]));
}

function pathSet(f: RecipeFit): string[][] {
  return f.recipe.datasets.map((d) => d.paths.map((p) => p.feff));
}

export function compareFits(nameA: string, a: RecipeFit, nameB: string, b: RecipeFit, alpha = 0.05): CompareResult {
  if (dataKey(a) !== dataKey(b)) {
    const desc = (f: RecipeFit) => f.datasets.map((d) => `${d.file} (k ${d.transform.kmin}–${d.transform.kmax}, R ${d.transform.rmin}–${d.transform.rmax}, ${d.transform.fitspace} space)`).join('; ');
    throw new XafsError('EOPTION', `${nameA} and ${nameB} fit different data or ranges (${desc(a)} vs ${desc(b)}): a comparison needs the same data, k and R ranges, windows and fit space`);
  }
  if (a.statistics.nvarys === b.statistics.nvarys) {
    throw new XafsError('EOPTION', `${nameA} and ${nameB} both vary ${a.statistics.nvarys} parameters: the F-test compares a model with a simpler one nested in it (fewer varied parameters)`);
  }
  const [sn, s, fn, f] = a.statistics.nvarys < b.statistics.nvarys ? [nameA, a, nameB, b] : [nameB, b, nameA, a];
  // nested: the simpler model's paths and varied parameters are among the fuller one's
  const sp = pathSet(s);
  const fp = pathSet(f);
  const missingPath = sp.flatMap((ps, i) => ps.filter((p) => !fp[i].includes(p)));
  const fv = new Set(summary(fn, f).varied);
  const missingVar = summary(sn, s).varied.filter((n) => !fv.has(n));
  if (missingPath.length || missingVar.length) {
    const what = [missingPath.length ? `path(s) ${missingPath.join(', ')}` : '', missingVar.length ? `varied parameter(s) ${missingVar.join(', ')}` : ''].filter(Boolean).join(' and ');
    throw new XafsError('EOPTION', `${sn} is not nested in ${fn}: its ${what} are not in ${fn}; the F-test needs the simpler model to be the fuller one with parameters removed (AIC/BIC of each fit are in their --json output)`);
  }
  const S = summary(sn, s);
  const F = summary(fn, f);
  const df1 = F.nvarys - S.nvarys;
  const df2 = F.nIndependent - F.nvarys;
  if (!(df2 > 0)) throw new XafsError('EOPTION', `${fn} varies ${F.nvarys} parameters with ${F.nIndependent.toFixed(2)} independent points: no degrees of freedom are left for the F-test`);
  const fstat = (S.chiSquare - F.chiSquare) / df1 / (F.chiSquare / df2);
  const p = fstat > 0 ? fSurvival(fstat, df1, df2) : 1;
  const pick = (d: number): 'simple' | 'full' => (d < 0 ? 'full' : 'simple');
  return {
    simple: S,
    full: F,
    hamilton: { f: fstat, df1, df2, p, significance: 1 - p, ratio: Math.sqrt(S.rfactor / F.rfactor), alpha, preferred: p < alpha ? 'full' : 'simple' },
    aic: { delta: F.aic - S.aic, preferred: pick(F.aic - S.aic) },
    bic: { delta: F.bic - S.bic, preferred: pick(F.bic - S.bic) },
    nfev: S.nfev + F.nfev,
  };
}
