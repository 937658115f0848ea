/**
 * Multivariate curve resolution by alternating least squares (MCR-ALS) for a series without pure
 * references: D (spectra × points) ≈ C·S, with C the concentration profiles and S the component
 * spectra, both non-negative, and closure (Σ concentrations = 1 per spectrum, exact). The start
 * is the k purest spectra of the series by SIMPLISMA (or spectra the caller gives); the number of
 * components is given or taken from PCA's significant-component count. The iterations run in
 * WASM (assembly/mcr.ts), every least-squares step an NNLS of k unknowns.
 */
import { XafsError } from '../errors.js';
import { mcrAlsKernel, simplisma } from '../wasm.js';
import { larchInterp, spaceXY, stackRows, type XanesGroup } from './matrix.js';
import { pcaTrain, seriesMatrix, type PcaOptions } from './pca.js';

export interface McrOptions extends PcaOptions {
  /** Number of components. @default PCA's ncomponents (at least 2) */
  components?: number;
  /** Initial spectra (prepared like the series, interpolated onto its grid); default: SIMPLISMA. */
  init?: XanesGroup[];
  /** SIMPLISMA noise offset, % of the largest mean. @default 5 */
  offset?: number;
  /** Concentrations of each spectrum sum to 1. @default true */
  closure?: boolean;
  /** Non-negative concentrations (and spectra, unless nonNegativeSpectra says otherwise). @default true */
  nonNegative?: boolean;
  /** Non-negative component spectra. @default nonNegative in the norm and flat spaces; false for dmude and chi (they change sign) */
  nonNegativeSpectra?: boolean;
  /** @default 1000 */
  maxIter?: number;
  /** Convergence: relative change of the lack of fit between iterations. @default 1e-8 */
  tol?: number;
}

export interface McrResult {
  x: Float64Array;
  labels: string[];
  sources: string[];
  ncomponents: number;
  /** How the components were started: SIMPLISMA picks (series indices) or the given spectra. */
  init: { method: 'simplisma' | 'given'; picks: { index: number; source: string }[] };
  /** Component spectra on x, one per component. */
  spectra: Float64Array[];
  /** Concentrations: one k-vector per spectrum of the series. */
  concentrations: Float64Array[];
  /** 100·√(Σe²/Σd²), %. */
  lackOfFit: number;
  /** 100·(1 − Σe²/Σd²), %. */
  explainedVariance: number;
  iterations: number;
  converged: boolean;
  /** How the number of components was chosen. */
  componentsFrom: 'option' | 'pca' | 'init';
  warnings: string[];
}

export function mcrAls(groups: XanesGroup[], options: McrOptions = {}): McrResult {
  const ns = groups.length;
  if (ns < 2) throw new XafsError('ETOOFEW', `MCR-ALS needs at least 2 spectra (got ${ns})`);
  const warnings: string[] = [];
  const { space, x, rows } = seriesMatrix(groups, options, warnings);
  const p = x.length;
  let k = options.components;
  let componentsFrom: McrResult['componentsFrom'] = 'option';
  if (options.init && options.init.length > 0) {
    if (k !== undefined && k !== options.init.length) throw new XafsError('EOPTION', `${k} components but ${options.init.length} initial spectra: give one initial spectrum per component`);
    k = options.init.length;
    componentsFrom = 'init';
  }
  if (k === undefined) {
    if (ns < 3) throw new XafsError('ETOOFEW', 'with 2 spectra give the number of components (PCA needs at least 3)');
    k = Math.max(2, pcaTrain(groups, options).ncomponents);
    componentsFrom = 'pca';
  }
  if (!Number.isInteger(k) || k < 1) throw new XafsError('EOPTION', `the number of components must be a whole number ≥ 1 (got ${k})`);
  if (k > Math.min(ns, p)) throw new XafsError('ETOOFEW', `${k} components need at least ${k} spectra and ${k} points (got ${ns} spectra, ${p} points)`);
  const D = stackRows(rows);
  let S0: Float64Array;
  let init: McrResult['init'];
  if (options.init && options.init.length > 0) {
    const kw = space === 'chi' ? (options.kweight ?? 2) : 0;
    S0 = stackRows(
      options.init.map((g) => {
        const xy = spaceXY(g, space, kw);
        return larchInterp(xy.x, xy.y, x);
      }),
    );
    init = { method: 'given', picks: options.init.map((g) => ({ index: -1, source: g.source })) };
  } else {
    const picks = Array.from(simplisma(D, ns, p, k, options.offset ?? 5)).sort((a, b) => a - b);
    S0 = stackRows(picks.map((i) => rows[i]));
    init = { method: 'simplisma', picks: picks.map((i) => ({ index: i, source: groups[i].source })) };
  }
  const nonneg = options.nonNegative !== false;
  const nonnegS = options.nonNegativeSpectra ?? (nonneg && (space === 'norm' || space === 'flat'));
  const r = mcrAlsKernel(D, ns, p, S0, k, options.closure !== false, nonneg, nonnegS, options.maxIter ?? 1000, options.tol ?? 1e-8);
  if (!r.converged) warnings.push(`MCR-ALS did not converge in ${r.iterations} iterations (lack of fit ${r.lof.toFixed(4)} %); raise maxIter`);
  const spectra = Array.from({ length: k }, (_, j) => r.S.slice(j * p, (j + 1) * p));
  spectra.forEach((s, j) => {
    if (s.every((v) => v === 0)) warnings.push(`component ${j + 1} vanished (all zero): fewer components describe the data`);
  });
  return {
    x,
    labels: groups.map((g) => g.name),
    sources: groups.map((g) => g.source),
    ncomponents: k,
    init,
    spectra,
    concentrations: Array.from({ length: ns }, (_, i) => r.C.slice(i * k, (i + 1) * k)),
    lackOfFit: r.lof,
    explainedVariance: r.explainedVariance,
    iterations: r.iterations,
    converged: r.converged,
    componentsFrom,
    warnings,
  };
}
