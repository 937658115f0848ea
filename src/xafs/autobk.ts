import { ETOK, KSTEP, KTOE, NFFT } from '../constants.js';
import { XafsError } from '../errors.js';
import { autobkSolve, ftwindowKernel, interpLinear } from '../wasm.js';
import { dedupEnergy } from './dedup.js';
import { preEdge, type PreEdgeOptions } from './preEdge.js';
import { windowName } from './ftWindow.js';
import { sigmaLevel, tQuantile } from '../stats.js';
import { checkFinite, checkOptions, indexNearestSorted, indexOf, maxOf, minOf } from './util.js';

export interface AutobkOptions {
  /** R (Å) below which the background is fitted: the FT of χ is minimized for R < rbkg. @default 1 */
  rbkg?: number;
  /** Number of spline knots. @default 1 + int(2·rbkg·(kmax−kmin)/π), clamped to [5, 128] */
  nknots?: number;
  /** Edge energy (eV). @default the group's e0, else pre_edge */
  e0?: number;
  /** Edge step used to normalize χ. @default the group's edgeStep, else pre_edge */
  edgeStep?: number;
  /** Start of the spline and FT window, Å⁻¹. @default 0 */
  kmin?: number;
  /** End of the spline and FT window, Å⁻¹. @default the last data point */
  kmax?: number;
  /** k-weight of the FT in the objective. @default 1 */
  kweight?: number;
  /** Window taper, Å⁻¹. @default 0.1 */
  dk?: number;
  /** Window shape. @default 'hanning' */
  window?: string;
  /** Reference χ(k) (un-normalized, as Larch subtracts it) and its k grid. */
  kStd?: Float64Array;
  chiStd?: Float64Array;
  /** FFT size. @default 2048 */
  nfft?: number;
  /** Output k step, Å⁻¹. @default 0.05 */
  kstep?: number;
  /** Number of end points of χ(k) clamped toward zero. @default 3 */
  nclamp?: number;
  /** Weight of the low-k clamp. @default 0 */
  clampLo?: number;
  /** Weight of the high-k clamp. @default 1 */
  clampHi?: number;
  /**
   * 'larch' (default) follows Larch's optimizer (MINPACK lmdif, tolerances 1e-6, from the splrep
   * start) and stops where it stops, so χ(k) matches Larch 0.9.58; 'exact' solves to the true
   * minimum of the same objective (Larch can stop short of it by ~0.3 % on noisy data).
   * @default 'larch'
   */
  solver?: 'larch' | 'exact';
  /** Options of the internal pre_edge, run when e0 or the edge step are not known. */
  preEdge?: PreEdgeOptions;
  /**
   * Compute `deltaChi` and `deltaBkg`, the uncertainty of χ(k) and μ0(E) propagated from the
   * spline coefficients' covariance (Larch's calc_uncertainties, on by default there too).
   * The fitted numbers (χ, bkg) do not depend on it. @default true
   */
  calcUncertainties?: boolean;
  /** Confidence level of deltaChi/deltaBkg in standard deviations (Larch's err_sigma). @default 1 */
  errSigma?: number;
}

export interface AutobkResult {
  e0: number;
  edgeStep: number;
  /** Uniform k grid from 0, step kstep (Å⁻¹). */
  k: Float64Array;
  /** χ(k) = (μ − bkg)/edgeStep on k. */
  chi: Float64Array;
  /** Background μ0(E) on the energy grid (μ outside the fitted range). */
  bkg: Float64Array;
  /** (μ − bkg)/edgeStep on the energy grid, 0 outside the fitted range. */
  chie: Float64Array;
  autobkDetails: {
    kmin: number;
    kmax: number;
    irbkg: number;
    nspl: number;
    /** Full knot vector of the cubic B-spline (nspl + 4 knots), Å⁻¹. */
    knotsK: Float64Array;
    /** Fitted B-spline coefficients (Larch's knots_y), raw μ units. */
    knotsY: Float64Array;
    chisqr: number;
    /** Residual evaluations of the 'larch' solver (Larch's nfev), or Gauss-Newton steps of 'exact'. */
    nfev: number;
  };
  /** What a user should know: the optimizer stopped at its evaluation limit, too short a k range, ... */
  warnings: string[];
  /**
   * Uncertainty of χ(k) on `k` (with calcUncertainties). As in Larch 0.9.58 it is in raw μ units,
   * NOT divided by the edge step like χ is (docs/fit-uncertainty.md); feffit folds it into ε_k as is.
   */
  deltaChi?: Float64Array;
  /** Uncertainty of the background on the energy grid, raw μ units, 0 outside the fitted range. */
  deltaBkg?: Float64Array;
}

/** Larch 0.9.58 autobk (docs/conventions.md §2), solved directly in the WASM core. */
export function autobk(group: { energy: Float64Array; mu: Float64Array; e0?: number; edgeStep?: number }, options: AutobkOptions = {}): AutobkResult {
  const mu = group.mu;
  const n = group.energy.length;
  if (mu.length !== n) throw new XafsError('EOPTION', `energy and mu differ in length (${n} and ${mu.length})`);
  if (n < 10) throw new XafsError('ETOOFEW', `only ${n} points: background removal needs at least 10`);
  checkOptions('autobk', options, ['rbkg', 'nknots', 'e0', 'edgeStep', 'kmin', 'kmax', 'kweight', 'dk', 'nfft', 'kstep', 'nclamp', 'clampLo', 'clampHi']);
  if (options.errSigma !== undefined && options.errSigma !== null) checkFinite('autobk errSigma', options.errSigma);
  const kstep = options.kstep ?? KSTEP;
  const nfft = options.nfft ?? NFFT;
  const kmin = options.kmin ?? 0;
  const kweight = options.kweight ?? 1;
  const dk = options.dk ?? 0.1;
  const win = windowName(options.window, '--bkg-window');
  const nclamp = options.nclamp ?? 3;
  const clampLo = options.clampLo ?? 0;
  const clampHi = options.clampHi ?? 1;
  if (kstep <= 0) throw new XafsError('EOPTION', `autobk kstep must be positive (got ${kstep})`);
  if (!Number.isInteger(nfft) || nfft < 16) throw new XafsError('EOPTION', `nfft must be a whole number ≥ 16 (got ${nfft})`);

  const energy = dedupEnergy(group.energy);
  let e0 = options.e0 ?? group.e0;
  let edgeStep = options.edgeStep ?? group.edgeStep;
  if (e0 !== undefined && (e0 < minOf(energy) || e0 > maxOf(energy))) e0 = undefined;
  if (e0 === undefined || edgeStep === undefined) {
    // Larch runs pre_edge with its own automatic e0 here, even when e0 was given (pitfall 30)
    const pe = preEdge({ energy, mu }, options.preEdge ?? {});
    if (e0 === undefined) e0 = pe.e0;
    if (edgeStep === undefined) edgeStep = pe.edgeStep;
  }
  if (!(edgeStep > 0)) throw new XafsError('EOPTION', `edge step must be positive (got ${edgeStep})`);

  const ie0 = indexOf(energy, e0);
  const rgrid = Math.PI / (kstep * nfft);
  const rbkg = Math.max(options.rbkg ?? 1, 2 * rgrid);
  const nraw = n - ie0;
  const kraw = new Float64Array(nraw);
  let krawMax = -Infinity;
  for (let j = 0; j < nraw; j++) {
    const d = energy[ie0 + j] - e0;
    kraw[j] = Math.sign(d) * Math.sqrt(ETOK * Math.abs(d));
    if (kraw[j] > krawMax) krawMax = kraw[j];
  }
  let kmax: number;
  // Larch clamps a kmax beyond the data to the last point (Athena projects store bkg_spl2 = 30)
  if (options.kmax === undefined) kmax = krawMax;
  else kmax = Math.max(0, Math.min(krawMax, options.kmax));
  if (!(kmax - kmin > 1)) {
    throw new XafsError('ERANGE', `the data reach only k = ${krawMax.toFixed(3)} Å⁻¹ above e0 = ${e0} eV (background k range ${kmin}–${kmax.toFixed(3)} Å⁻¹): AUTOBK needs EXAFS data well beyond the edge; check e0 and the energy range`);
  }
  const nk = Math.trunc(1.01 + kmax / kstep);
  const kout = new Float64Array(nk);
  for (let i = 0; i < nk; i++) kout[i] = kstep * i;
  const iemax = Math.min(n, 2 + indexOf(energy, e0 + (kmax * kmax) / ETOK)) - 1;
  const nmue = iemax - ie0 + 1;
  if (nmue < 5) throw new XafsError('ETOOFEW', `only ${nmue} points above e0 = ${e0} eV: AUTOBK needs EXAFS data beyond the edge`);

  // k^kweight · window on kout: built only when the plan for this grid is not cached
  const ftwin = () => {
    const w = ftwindowKernel(kout, kmin, kmax, dk, dk, win);
    const f = new Float64Array(nk);
    for (let i = 0; i < nk; i++) f[i] = kout[i] ** kweight * w[i];
    return f;
  };

  let nspl = 1 + Math.trunc((2 * rbkg * (kmax - kmin)) / Math.PI);
  const irbkg = Math.trunc(1 + ((nspl - 1) * Math.PI) / (2 * rgrid * (kmax - kmin)));
  if (options.nknots !== undefined) nspl = Math.trunc(options.nknots);
  nspl = Math.max(5, Math.min(128, nspl));

  // knots on the data points nearest a uniform k grid; not-a-knot knot vector (FITPACK splrep)
  const splK = new Float64Array(nspl);
  const splY = new Float64Array(nspl);
  for (let i = 0; i < nspl; i++) {
    const q = kmin + (i * (kmax - kmin)) / (nspl - 1);
    const ik = indexNearestSorted(kraw, q); // kraw increases (energies de-duplicated)
    const i1 = Math.min(nraw - 1, ik + 5);
    const i2 = Math.max(0, ik - 5);
    splK[i] = kraw[ik];
    // Larch's starting values: raw μ averaged around each knot, (2μ[ik] + μ[ik+5] + μ[ik−5])/4
    splY[i] = (2 * mu[ik + ie0] + mu[i1 + ie0] + mu[i2 + ie0]) / 4;
  }
  const knots = new Float64Array(nspl + 4);
  for (let i = 0; i < 4; i++) {
    knots[i] = splK[0];
    knots[nspl + i] = splK[nspl - 1];
  }
  for (let i = 2; i <= nspl - 3; i++) knots[i + 2] = splK[i];

  let chiStd: Float64Array | undefined;
  if (options.chiStd && options.kStd) chiStd = interpLinear(options.kStd, options.chiStd, kout);

  const sol = autobkSolve({
    kraw: kraw.subarray(0, nmue),
    mu: mu.subarray(ie0, iemax + 1),
    knots,
    nk,
    kstep,
    ftwin,
    ftwinKey: `${kmin}|${kmax}|${dk}|${win}|${kweight}`,
    irbkg,
    nfft,
    nclamp,
    clampLo,
    clampHi,
    chiStd,
    splK,
    splY,
    solver: options.solver ?? 'larch',
    uncertainties: options.calcUncertainties ?? true,
  });
  const warnings: string[] = [];
  if (sol.info === 5) {
    warnings.push(`AUTOBK stopped at its limit of ${sol.iterations} evaluations without converging (χ² = ${sol.chisqr.toPrecision(4)}): the background is unreliable; check e0, the k range (${kmin}–${kmax.toFixed(2)} Å⁻¹) and rbkg, or try solver 'exact'`);
  }
  if (kmax - kmin < 3) {
    warnings.push(`the background spline covers only k = ${kmin}–${kmax.toFixed(2)} Å⁻¹ (data end ${(kmax * kmax * KTOE).toFixed(0)} eV above e0): this looks like a XANES scan; χ(k) from it means little`);
  }
  const bkg = new Float64Array(mu);
  bkg.set(sol.bkg, ie0);
  const chie = new Float64Array(n);
  for (let i = ie0; i < ie0 + nmue; i++) chie[i] = (mu[i] - bkg[i]) / edgeStep;
  const chi = new Float64Array(nk);
  for (let i = 0; i < nk; i++) chi[i] = sol.chiRaw[i] / edgeStep;
  let deltas: { deltaChi: Float64Array; deltaBkg: Float64Array } | undefined;
  if (sol.variance !== undefined) {
    if (sol.variance === null) warnings.push('AUTOBK: the spline coefficients are degenerate (singular covariance): χ(k) has no uncertainty (deltaChi)');
    else deltas = autobkDeltas(sol.variance, sol.chisqr, nspl, options.errSigma ?? 1, n, ie0);
  }
  return {
    ...deltas,
    e0,
    edgeStep,
    k: kout,
    chi,
    bkg,
    chie,
    autobkDetails: { kmin, kmax, irbkg, nspl, knotsK: knots, knotsY: sol.coefs, chisqr: sol.chisqr, nfev: sol.iterations },
    warnings,
  };
}

/**
 * Larch's calc_uncertainties scaling (docs/conventions.md §2.9): δ = t_{p,ν}·sqrt(var·redchi) with
 * redchi = χ²/(ndata − nspl), p = ½(1 + erf(errSigma/√2)), ν = N_k − nspl for χ and
 * nmue − nspl for the background (written into the energy grid from ie0, 0 elsewhere).
 */
function autobkDeltas(v: { chi: Float64Array; bkg: Float64Array; ndata: number }, chisqr: number, nspl: number, errSigma: number, n: number, ie0: number) {
  const redchi = chisqr / Math.max(1, v.ndata - nspl);
  const p = sigmaLevel(errSigma);
  const tChi = tQuantile(p, v.chi.length - nspl);
  const tBkg = tQuantile(p, v.bkg.length - nspl);
  const deltaChi = Float64Array.from(v.chi, (x) => tChi * Math.sqrt(x * redchi));
  const deltaBkg = new Float64Array(n);
  for (let i = 0; i < v.bkg.length && ie0 + i < n; i++) deltaBkg[ie0 + i] = tBkg * Math.sqrt(v.bkg[i] * redchi);
  return { deltaChi, deltaBkg };
}
