/**
 * feffit: fit a sum of FEFF paths to one or more χ(k) datasets sharing parameters, with Larch
 * 0.9.58 semantics (docs/conventions.md §4.4-4.8): transform windows and index ranges, the noise
 * estimate, residuals in r, k or q space (several k-weights at once), N_idp, χ², reduced χ²,
 * r-factor, AIC/BIC and error bars scaled as Larch scales them. The residual of every dataset is
 * computed in one WASM call per evaluation (assembly/feffit.ts).
 */
import { XafsError, type Warn } from '../errors.js';
import { feffitFree, feffitModelChi, feffitRegister, feffitResidual, interpLinear } from '../wasm.js';
import { xftf } from '../xafs/xftf.js';
import { xftr } from '../xafs/xftr.js';
import { minimize } from './minimize.js';
import { ParamSet, correlationRecord, correlations, type FitUncertainties } from './params.js';
import { exprNames, parseFitExpr, type CompiledFitExpr } from './expr.js';
import { checkPathValues, type PathValueSource } from './feffPath.js';
import { sigma2Debye, sigma2Eins } from './sigma2.js';
import { estimateNoise, fitRange, makeTransform, modelGrid, nIndependent, residualWeights, type Transform, type TransformOptions } from './transform.js';
import { PATH_PARAM_NAMES, type FeffPath, type PathParamName } from './types.js';
import { checkResult, degenerateParams, preflight, type FitCheck } from './sanity.js';

/** A path of a dataset: the FEFF path and its parameters (numbers or expressions). */
export interface FitPathInput {
  path: FeffPath;
  params: Partial<Record<PathParamName, number | string>>;
  /** The name the recipe gave the feff file (for reports). */
  feff?: string;
  /** The recipe's label of the path (reports); default the path's atoms, e.g. 'Cu-O'. */
  label?: string;
}

export interface FitDatasetInput {
  /** Where the data came from (for reports). */
  file: string;
  k: Float64Array;
  chi: Float64Array;
  /** e0 of μ(E) data, for the report (null for χ(k) files). */
  e0?: number | null;
  transform: TransformOptions;
  paths: FitPathInput[];
  /** Noise in χ(k) instead of the high-R estimate. */
  epsilonK?: number;
  /** Absorbing element and edge the data file states (XDI Element.symbol/edge), for the sanity checks. */
  element?: string;
  edge?: string;
  /**
   * AUTOBK's uncertainty of χ on `k` (autobk `deltaChi`). Without epsilonK it is added in
   * quadrature to the high-R estimate, ε_k(k) = sqrt(δχ(k)² + ε_k²), as Larch's feffit does.
   */
  deltaChi?: Float64Array;
}

/** A restraint (Ifeffit/Artemis): adds weight·(expr − value)/sigma to the fit's χ² residual. */
export interface Restraint {
  expr: string;
  /** @default 0 */
  value?: number;
  /** @default 1 */
  sigma?: number;
  /** @default 1 */
  weight?: number;
}

export interface FeffitOptions {
  /** Fit even when the varied parameters outnumber the independent points. @default false */
  force?: boolean;
  warn?: Warn;
  /**
   * Called once with the fit's residual and best fit, before the WASM datasets are freed (posterior
   * sampling, src/fit/posterior.ts). The residual is valid only during the call. @default none
   */
  onProblem?: (problem: FitProblem) => void;
  /** Penalty terms appended to the residual (docs/fit-sanity.md). */
  restraints?: Restraint[];
  /** Iterations of the minimizer (tests). */
  maxIterations?: number;
  /**
   * Propagate the carried stderr of fixed parameters (`from` a saved fit) into every parameter
   * and path value as a `total` error, by refitting with each such value at ± its stderr
   * (2 refits per parameter, started at the best fit). @default true
   */
  totalErrors?: boolean;
}

/** The least-squares problem of a finished fit (FeffitOptions.onProblem). */
export interface FitProblem {
  params: ParamSet;
  /** Residual vector at varied values x (varyNames order): one WASM call; Σ r² is the raw sum. */
  residual: (x: Float64Array) => Float64Array;
  /** Best-fit varied values and their bounds. */
  x: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  /** Σ r² at the best fit and N_idp − nvarys: the error bars are sqrt(C_ii · sumsq / dof). */
  sumsq: number;
  dof: number;
  /** The covariance of the error bars (row-major nvarys²), or null. */
  covariance: Float64Array | null;
}

/** Statistical and total (with the carried errors of `from` parameters) standard errors. */
export type TotalStderr = Partial<Record<'n' | 's02' | 'r' | 'sigma2' | 'e0' | 'deltar' | 'third' | 'fourth' | 'ei', number | null>>;

export interface PathReport {
  feff: string;
  label: string;
  /** The dataset the path belongs to (1-based). */
  dataset: number;
  reff: number;
  nleg: number;
  degen: number;
  n: number;
  nStderr: number | null;
  s02: number;
  s02Stderr: number | null;
  r: number;
  rStderr: number | null;
  sigma2: number;
  sigma2Stderr: number | null;
  e0: number;
  e0Stderr: number | null;
  deltar: number;
  deltarStderr: number | null;
  third: number;
  thirdStderr: number | null;
  fourth: number;
  fourthStderr: number | null;
  ei: number;
  eiStderr: number | null;
  /**
   * Total standard errors: the statistical ones (the *Stderr fields) and the carried errors of
   * `from` parameters in quadrature (only when a fixed parameter carries a stderr).
   */
  stderrTotal?: TotalStderr;
}

export interface DatasetReport {
  file: string;
  e0: number | null;
  epsilonK: number;
  epsilonR: number;
  nIdp: number;
  npts: number;
  rfactor: number;
  /** χ² of this dataset alone (its share of the fit's χ²). */
  chiSquare: number;
  transform: Omit<Transform, 'kwin' | 'rwin'>;
}

export interface DatasetArrays {
  k: Float64Array;
  data: Float64Array;
  model: Float64Array;
  kwin: Float64Array;
  r: Float64Array;
  dataChirMag: Float64Array;
  dataChirRe: Float64Array;
  dataChirIm: Float64Array;
  modelChirMag: Float64Array;
  modelChirRe: Float64Array;
  modelChirIm: Float64Array;
  q: Float64Array;
  dataChiqRe: Float64Array;
  modelChiqRe: Float64Array;
}

export interface FitResult {
  params: ReturnType<FitUncertainties['report']>;
  correlations: Record<string, number>;
  statistics: {
    nvarys: number;
    npts: number;
    nIndependent: number;
    chiSquare: number;
    chi2Reduced: number;
    rfactor: number;
    aic: number;
    bic: number;
    nfev: number;
    converged: boolean;
  };
  datasets: DatasetReport[];
  paths: PathReport[];
  warnings: string[];
  /** Every warning with its code (docs/fit-sanity.md): what the JSON's `warnings` holds. */
  checks: FitCheck[];
  /**
   * The fixed parameters whose carried stderr went into the total errors, and the refits that
   * cost (present only when there are such parameters).
   */
  totalErrors?: { carried: { name: string; value: number; stderr: number; from?: string }[]; nfev: number };
  /** Best-fit arrays per dataset (for --out and figures), computed on first access. */
  readonly arrays: DatasetArrays[];
}

/** A correlation this close to ±1 means a degenerate pair, not a measurement (sanity.ts). */
const DEGENERATE_R = 0.9999;

const DEFAULT_PATH_VALUE: Record<PathParamName, number> = { degen: NaN, s02: 1, e0: 0, ei: 0, deltar: 0, sigma2: 0, third: 0, fourth: 0 };

/** The path-parameter expressions of a fit, for ParamSet validation before any file is read. */
export function pathExprs(datasets: { paths: { params: Partial<Record<PathParamName, number | string>> }[] }[]) {
  const extra: { where: string; expr: string; locals: string[]; functions: string[] }[] = [];
  datasets.forEach((d, i) =>
    d.paths.forEach((p, j) => {
      for (const name of PATH_PARAM_NAMES) {
        const v = p.params[name];
        if (typeof v === 'string') extra.push({ where: pathWhere(i, j, name, datasets.length), expr: v, locals: ['reff'], functions: ['sigma2_eins', 'sigma2_debye'] });
      }
    }),
  );
  return extra;
}

function pathWhere(i: number, j: number, name: string, ndata: number): string {
  return ndata > 1 ? `dataset ${i + 1} path ${j + 1} ${name}` : `path ${j + 1} ${name}`;
}

export function feffit(ps: ParamSet, inputs: FitDatasetInput[], options: FeffitOptions = {}): FitResult {
  const warnings: string[] = [];
  const checks: FitCheck[] = [];
  const warn = (m: string, code = 'NOTE', about: Omit<FitCheck, 'code' | 'message'> = {}) => {
    warnings.push(m);
    checks.push({ code, message: m, ...about });
    options.warn?.(m);
  };
  // path parameters compiled per path: sigma2_eins/sigma2_debye bound to that path's atoms
  const compiled: CompiledFitExpr[][] = [];
  const allPaths: FitPathInput[] = [];
  const sources: PathValueSource[] = [];
  inputs.forEach((d, i) =>
    d.paths.forEach((p, j) => {
      const fns: CompiledFitExpr[] = PATH_PARAM_NAMES.map((name) => {
        const v = p.params[name];
        sources.push({ where: pathWhere(i, j, name, inputs.length), given: v });
        if (typeof v === 'string') {
          return ps.compileExpr(v, pathWhere(i, j, name, inputs.length), {
            locals: { reff: p.path.reff },
            functions: {
              sigma2_eins: (t: number, theta: number) => sigma2Eins(t, theta, p.path),
              sigma2_debye: (t: number, theta: number) => sigma2Debye(t, theta, p.path),
            },
          });
        }
        const c = typeof v === 'number' ? v : name === 'degen' ? p.path.degen : DEFAULT_PATH_VALUE[name];
        return () => c;
      });
      compiled.push(fns);
      allPaths.push(p);
    }),
  );

  // datasets: transform, model grid, noise, WASM registration
  const handles: number[] = [];
  const prepared: { t: Transform; k: Float64Array; chi: Float64Array; epsK: number[]; epsR: number[]; npts: number; nIdp: number }[] = [];
  let path0 = 0;
  try {
    inputs.forEach((d, i) => {
      const where = inputs.length > 1 ? `dataset ${i + 1} transform` : 'transform';
      const t = makeTransform(d.transform, where);
      let kLast = -Infinity;
      for (const v of d.k) if (v > kLast) kLast = v;
      if (t.kmax > kLast + 1e-9) {
        throw new XafsError('ERANGE', `${where}: kmax ${t.kmax} Å⁻¹ is beyond the data: χ(k) of ${d.file} ends at k = ${kLast.toFixed(2)} Å⁻¹; use kmax ${Math.floor(kLast * 100) / 100} or less`);
      }
      // the R range must lie inside (0, rmax_out) of the transforms the fit reports (Larch: 10 Å)
      const rOut = 10;
      if (t.rmax > rOut + 1e-9) {
        throw new XafsError('ERANGE', `${where}: the R range ${t.rmin}–${t.rmax} Å reaches beyond ${rOut} Å, the end of the fit's χ(R); choose rmax ≤ ${rOut}`);
      }
      const g = modelGrid(t, d.k, d.chi);
      let epsK: number[];
      let epsR: number[];
      let epsKArray: Float64Array | undefined;
      if (d.epsilonK !== undefined) {
        // set_epsilon_k: ε_r = ε_k / (2·sqrt(π(2w+1)/(kstep(kmax^{2w+1} − kmin^{2w+1}))))
        epsK = t.kweights.map(() => d.epsilonK!);
        epsR = t.kweights.map((w) => d.epsilonK! / epsilonScale(t, w));
      } else {
        ({ epsK, epsR } = estimateNoise(t, g.chi));
        if (d.deltaChi) ({ epsK, epsR, epsKArray } = foldDeltaChi(t, g.k, interpLinear(d.k, d.deltaChi, g.k), epsK));
      }
      const [i1, i2] = fitRange(t);
      if (i2 <= i1) throw new XafsError('ERANGE', `${where}: the fit range holds no points (indices ${i1}–${i2}); widen the k or R range`);
      const eps = t.fitspace === 'k' ? epsK : epsR;
      if (eps.some((e) => !(e > 0) || !Number.isFinite(e))) {
        throw new XafsError('ENONFINITE', `${where}: the noise estimate of ${d.file} is ${eps.join(', ')}: the data have no signal at 15–30 Å; give "epsilonK" in the dataset`);
      }
      const half = t.nfft / 2;
      const handle = feffitRegister({
        data: g.chi,
        kstep: t.kstep,
        nfft: t.nfft,
        space: t.fitspace,
        weight: epsKArray && t.fitspace === 'k' ? perPointWeights(t, g.k.length, epsKArray) : residualWeights(t, g.k.length),
        eps: epsKArray && t.fitspace === 'k' ? new Float64Array(eps.length).fill(1) : Float64Array.from(eps),
        i1,
        i2,
        rwin: t.fitspace === 'q' ? t.rwin.subarray(0, half) : new Float64Array(0),
        paths: Int32Array.from(d.paths.map((p) => p.path.handle)),
        path0,
      });
      handles.push(handle);
      path0 += d.paths.length;
      const npts = (i2 - i1) * t.kweights.length * (t.fitspace === 'r' ? 2 : 1);
      prepared.push({ t, k: g.k, chi: g.chi, epsK, epsR, npts, nIdp: nIndependent(t) });
    });

    preflight(ps, inputs, {
      force: options.force,
      restraintExprs: options.restraints?.map((r) => r.expr),
      ranges: prepared.map((d) => d.t),
      warn: ({ code, message, ...about }) => warn(message, code, about),
    });
    const restraints = (options.restraints ?? []).map((rs, i) => ({
      fn: ps.compileExpr(rs.expr, `restraint ${i + 1}`),
      value: rs.value ?? 0,
      scale: (rs.weight ?? 1) / (rs.sigma ?? 1),
    }));
    const handleArr = Int32Array.from(handles);
    const npath = allPaths.length;
    const pathValues = new Float64Array(8 * npath);
    const values = new Float64Array(ps.names.length);
    const fillPaths = (vals: Float64Array) => {
      for (let p = 0; p < npath; p++) for (let q = 0; q < 8; q++) pathValues[8 * p + q] = compiled[p][q](vals);
    };
    // the expressions used by a path value, with their values (messages only)
    const inputsOf = (text: string): string => {
      const names = exprNames(parseFitExpr(text, '')).filter((n) => ps.indexOf(n) >= 0);
      return names.length ? ` (${names.map((n) => `${n} = ${values[ps.indexOf(n)]}`).join(', ')})` : '';
    };
    ps.evaluate(ps.init, values);
    fillPaths(values);
    checkPathValues(pathValues, sources, 'at the starting values', inputsOf, true);
    const nIdp = prepared.reduce((s, d) => s + d.nIdp, 0);
    const nData = prepared.reduce((s, d) => s + d.npts, 0);
    // a restraint term r adds r² to χ² (= Σ residual² · N_idp/npts), hence the sqrt(npts/N_idp)
    const rScale = Math.sqrt(nData / nIdp);
    const residual = (x: Float64Array): Float64Array => {
      ps.evaluate(x, values);
      fillPaths(values);
      checkPathValues(pathValues, sources, 'during the fit', inputsOf);
      const r = feffitResidual(handleArr, pathValues, 0);
      for (let i = 0; i < r.length; i++) {
        if (!Number.isFinite(r[i]!)) {
          const at = ps.varyNames.map((n, j) => `${n} = ${x[j]}`).join(', ');
          throw new XafsError('ENONFINITE', `the fit's residual is ${r[i]} at ${at || 'the fixed values'}: a path value is too large for χ(k) (a degeneracy, S0² or σ² of 1e300, a tiny epsilonK); check the path values and their bounds`);
        }
      }
      if (restraints.length === 0) return r;
      const out = new Float64Array(r.length + restraints.length);
      out.set(r);
      restraints.forEach((rs, i) => (out[r.length + i] = rScale * rs.scale * (rs.fn(values) - rs.value)));
      return out;
    };

    const nvarys = ps.nvary;
    if (nvarys > nIdp) {
      const msg = `${nvarys} varied parameters (${ps.varyNames.join(', ')}) but only ${nIdp.toFixed(2)} independent points: the fit is underdetermined`;
      if (!options.force) throw new XafsError('EOPTION', `${msg}; fix some parameters, widen the k or R range, or pass --force`);
      warn(msg, 'UNDERDETERMINED');
    }
    // bounds are enforced by projection: steps are clipped, and in the polish a parameter held at
    // its bound by the gradient leaves the step (projected Gauss-Newton). Larch fits through MINUIT
    // transforms instead; at an interior optimum both give the same point, and at an active bound
    // this one reaches the constrained minimum where lmdif creeps towards it.
    const lower = Float64Array.from(ps.varyNames, (n) => ps.get(n).min);
    const upper = Float64Array.from(ps.varyNames, (n) => ps.get(n).max);
    const fit = minimize({ n: nvarys, residual, x0: Float64Array.from(ps.init), lower, upper }, options.maxIterations ? { maxIterations: options.maxIterations, polishIterations: options.maxIterations } : {});
    if (!fit.converged) warn(`the fit did not converge (${fit.message}, ${fit.nfev} evaluations): the values are where it stopped, with no error bars`, 'NOT_CONVERGED');
    const r = fit.fvec;
    const chisqr = fit.chisqr;
    const npts = nData;
    const chiSquare = (chisqr * nIdp) / npts;
    const dof = nIdp - nvarys;
    const chi2Reduced = chiSquare / dof;
    // Larch: σ_i = sqrt(C_ii · chisqr/(N_idp − nvarys)), C = (JᵀJ)⁻¹
    let cov: Float64Array | null = null;
    if (!fit.converged) cov = null;
    else if (fit.covUnscaled && dof > 0) cov = fit.covUnscaled.map((c) => (c * chisqr) / dof);
    else if (nvarys > 0) {
      const pair = dof > 0 ? degenerateParams(fit.jac, r.length, nvarys, ps.varyNames) : [];
      const which = pair.length === 2 ? `: ${pair[0]} and ${pair[1]} are degenerate (the data fix only a combination of them); fix or constrain one` : pair.length === 1 ? `: ${pair[0]} changes nothing in the fit; fix it or use it in a path` : ' (no degrees of freedom)';
      warn(`the covariance could not be computed${which}; no error bars`, 'NO_COVARIANCE', pair.length ? { param: pair.join(',') } : {});
    }
    // |r| ≈ 1: JᵀJ inverted only through rounding; the error bars would be noise
    const degenerate = cov ? correlations(cov, ps.varyNames, DEGENERATE_R)[0] : undefined;
    if (degenerate) {
      cov = null;
      warn(`the covariance could not be computed: ${degenerate.a} and ${degenerate.b} are degenerate (r = ${degenerate.r.toFixed(5)}; the data fix only a combination of them); fix or constrain one; no error bars`, 'NO_COVARIANCE', { param: `${degenerate.a},${degenerate.b}` });
    }
    const u = ps.uncertainties(fit.x, cov);
    options.onProblem?.({ params: ps, residual, x: Float64Array.from(fit.x), lower, upper, sumsq: chisqr, dof, covariance: cov });

    // total errors: the best fit again with each carried value at ± its stderr (from the best fit)
    const carried = options.totalErrors === false || cov === null ? [] : ps.params.filter((p) => p.kind === 'fixed' && (p.stderr ?? 0) > 0);
    let shiftNfev = 0;
    const start = Object.fromEntries(ps.varyNames.map((name, j) => [name, fit.x[j]]));
    const shifts = carried.map((p) => {
      const at = (v: number) => {
        const ps2 = ps.withFixed({ [p.name]: v }, start);
        const vals2 = new Float64Array(ps.names.length);
        const f2 = minimize({
          n: nvarys,
          residual: (x) => {
            ps2.evaluate(x, vals2);
            fillPaths(vals2);
            return feffitResidual(handleArr, pathValues, 0);
          },
          x0: Float64Array.from(ps2.init),
          lower,
          upper,
        });
        shiftNfev += f2.nfev;
        return ps2.evaluate(f2.x);
      };
      return { plus: at(p.value + p.stderr!), minus: at(p.value - p.stderr!) };
    });
    /** sqrt(stat² + Σ_p ((f(p + σ_p) − f(p − σ_p))/2)²): each carried error through the refit. */
    const total = (stat: number | null, f: (v: Float64Array) => number): number | null => {
      if (stat === null) return null;
      let v = stat * stat;
      for (const sh of shifts) v += ((f(sh.plus) - f(sh.minus)) / 2) ** 2;
      return Math.sqrt(v);
    };

    ps.evaluate(fit.x, values);
    fillPaths(values);
    const dataOnly = feffitResidual(handleArr, pathValues, 1);
    let o = 0;
    let num = 0;
    let den = 0;
    const dsReports: DatasetReport[] = prepared.map((d, i) => {
      let n1 = 0;
      let d1 = 0;
      for (let j = 0; j < d.npts; j++, o++) {
        n1 += r[o] * r[o];
        d1 += dataOnly[o] * dataOnly[o];
      }
      num += n1;
      den += d1;
      const { kwin: _k, rwin: _r, ...tr } = d.t;
      return { file: inputs[i].file, e0: inputs[i].e0 ?? null, epsilonK: d.epsK[0], epsilonR: d.epsR[0], nIdp: d.nIdp, npts: d.npts, rfactor: n1 / d1, chiSquare: (n1 * d.nIdp) / d.npts, transform: tr };
    });
    const rfactor = num / den;
    const aic = nIdp * Math.log(chiSquare / nIdp) + 2 * nvarys;
    const bic = nIdp * Math.log(chiSquare / nIdp) + Math.log(nIdp) * nvarys;

    // paths: every parameter with its propagated error
    const datasetOf = inputs.flatMap((d, i) => d.paths.map(() => i + 1));
    const paths: PathReport[] = allPaths.map((p, pi) => {
      const val = (q: number) => u.propagate((v) => compiled[pi][q](v));
      const [degen, s02, e0, ei, deltar, sigma2, third, fourth] = [0, 1, 2, 3, 4, 5, 6, 7].map(val);
      return {
        feff: p.feff ?? p.path.file,
        label: p.label ?? p.path.label,
        dataset: datasetOf[pi]!,
        reff: p.path.reff,
        nleg: p.path.nleg,
        degen: degen.value,
        n: degen.value,
        nStderr: degen.stderr,
        s02: s02.value,
        s02Stderr: s02.stderr,
        r: p.path.reff + deltar.value,
        rStderr: deltar.stderr,
        sigma2: sigma2.value,
        sigma2Stderr: sigma2.stderr,
        e0: e0.value,
        e0Stderr: e0.stderr,
        deltar: deltar.value,
        deltarStderr: deltar.stderr,
        third: third.value,
        thirdStderr: third.stderr,
        fourth: fourth.value,
        fourthStderr: fourth.stderr,
        ei: ei.value,
        eiStderr: ei.stderr,
        ...(shifts.length > 0 && {
          stderrTotal: {
            n: total(degen.stderr, (v) => compiled[pi][0](v)),
            s02: total(s02.stderr, (v) => compiled[pi][1](v)),
            e0: total(e0.stderr, (v) => compiled[pi][2](v)),
            ei: total(ei.stderr, (v) => compiled[pi][3](v)),
            deltar: total(deltar.stderr, (v) => compiled[pi][4](v)),
            r: total(deltar.stderr, (v) => compiled[pi][4](v)),
            sigma2: total(sigma2.stderr, (v) => compiled[pi][5](v)),
            third: total(third.stderr, (v) => compiled[pi][6](v)),
            fourth: total(fourth.stderr, (v) => compiled[pi][7](v)),
          },
        }),
      };
    });

    // warnings a demanding user wants in the report
    ps.varyNames.forEach((name, j) => {
      const info = ps.get(name);
      const x = fit.x[j];
      const span = Math.max(Math.abs(x), 1e-12);
      if ((Number.isFinite(info.min) && Math.abs(x - info.min) <= 1e-6 * span) || (Number.isFinite(info.max) && Math.abs(x - info.max) <= 1e-6 * span)) {
        warn(`parameter ${name} = ${x} sits at its bound [${info.min}, ${info.max}]: its error bar is not meaningful; widen the bound or fix the parameter`, 'AT_BOUND', { param: name });
      }
    });
    paths.forEach((p, i) => {
      if (p.degen < 0) warn(`${sources[PATH_PARAM_NAMES.length * i]!.where}: N = ${p.degen} at the best fit: a negative degeneracy has no physical meaning; bound the parameter with "min": 0`);
    });
    const corr = u.correlations(0.1);
    for (const c of corr) if (Math.abs(c.r) > 0.95) warn(`parameters ${c.a} and ${c.b} are correlated (r = ${c.r.toFixed(3)}): the data cannot separate them; fix or constrain one`, 'CORRELATED', { param: `${c.a},${c.b}` });
    for (const { code, message, ...about } of checkResult(inputs, paths, { rfactor }, dsReports)) warn(message, code, about);

    // the best-fit model now (its WASM datasets are freed below); the transforms of data and model
    // only when someone asks for the arrays (--out, figures): a fit alone does not pay for them
    const models = prepared.map((_, i) => feffitModelChi(handles[i], pathValues));
    let arrays: DatasetArrays[] | null = null;
    const params = u.report();
    if (shifts.length > 0) {
      ps.params.forEach((p, i) => {
        const r = params[p.name];
        r.stderrTotal = p.kind === 'fixed' ? r.stderr : total(r.stderr, (v) => v[i]);
      });
    }
    const result = {
      params,
      correlations: correlationRecord(corr),
      statistics: { nvarys, npts, nIndependent: nIdp, chiSquare, chi2Reduced, rfactor, aic, bic, nfev: fit.nfev, converged: fit.converged },
      datasets: dsReports,
      paths,
      warnings,
      checks,
      ...(shifts.length > 0 && { totalErrors: { carried: carried.map((p) => ({ name: p.name, value: p.value, stderr: p.stderr!, ...(p.from && { from: p.from }) })), nfev: shiftNfev } }),
    } as Omit<FitResult, 'arrays'> as FitResult;
    Object.defineProperty(result, 'arrays', {
      enumerable: false,
      get: () => (arrays ??= prepared.map((d, i) => outputArrays(d.t, d.k, d.chi, models[i]))),
    });
    return result;
  } finally {
    for (const h of handles) feffitFree(h);
  }
}

/**
 * Larch's feffit with a data delta_chi (docs/conventions.md §4.6 rule 2): the high-R ε_k (averaged
 * over k-weights) and δχ add in quadrature point by point, ε_k(k) = sqrt(δχ(k)² + ε_k²), floored
 * at 1e-12; set_epsilon_k then gives ε_r,w = mean over the model grid of ε_k(k)/S_w with
 * S_w = 2·sqrt(π(2w+1)/(kstep(kmax^{2w+1} − kmin^{2w+1}))). The reported ε_k is the mean of ε_k(k).
 */
function foldDeltaChi(t: Transform, k: Float64Array, dchi: Float64Array, epsK: number[]) {
  const e0 = epsK.reduce((a, b) => a + b, 0) / epsK.length;
  const epsKArray = Float64Array.from(dchi, (d) => Math.max(1e-12, Math.sqrt(d * d + e0 * e0)));
  let mean = 0;
  for (const v of epsKArray) mean += v;
  mean /= k.length;
  const epsR = t.kweights.map((w) => mean / epsilonScale(t, w));
  return { epsK: t.kweights.map(() => mean), epsR, epsKArray };
}

/** set_epsilon_k's ε_k/ε_r ratio S_w = 2·sqrt(π(2w+1)/(kstep(kmax^{2w+1} − kmin^{2w+1}))). */
function epsilonScale(t: Transform, w: number): number {
  return 2 * Math.sqrt((Math.PI * (2 * w + 1)) / (t.kstep * (t.kmax ** (2 * w + 1) - t.kmin ** (2 * w + 1))));
}

/** k-space residual weights with the noise array folded in: k^w/ε_k(k) (ε passed as 1). */
function perPointWeights(t: Transform, nk: number, epsKArray: Float64Array): Float64Array {
  const w = residualWeights(t, nk);
  for (let row = 0; row < t.kweights.length; row++) for (let i = 0; i < nk; i++) w[row * nk + i] /= epsKArray[i];
  return w;
}

/** Data and best-fit model as χ(k), χ(R) and χ(q) with the dataset's transform (first k-weight). */
function outputArrays(t: Transform, k: Float64Array, data: Float64Array, model: Float64Array): DatasetArrays {
  const ftOpts = { kmin: t.kmin, kmax: t.kmax, dk: t.dk, dk2: t.dk2, window: t.window, kweight: t.kweights[0], nfft: t.nfft, kstep: t.kstep, rmaxOut: 10 };
  const df = xftf({ k, chi: data }, ftOpts);
  const mf = xftf({ k, chi: model }, ftOpts);
  const rOpts = { rmin: t.rmin, rmax: t.rmax, dr: t.dr, dr2: t.dr2, window: t.rwindow, nfft: t.nfft };
  const dq = xftr(df, rOpts);
  const mq = xftr(mf, rOpts);
  return {
    k,
    data,
    model,
    kwin: df.kwin,
    r: df.r,
    dataChirMag: df.chirMag,
    dataChirRe: df.chirRe,
    dataChirIm: df.chirIm,
    modelChirMag: mf.chirMag,
    modelChirRe: mf.chirRe,
    modelChirIm: mf.chirIm,
    q: dq.q,
    dataChiqRe: dq.chiqRe,
    modelChiqRe: mq.chiqRe,
  };
}
