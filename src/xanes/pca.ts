/**
 * Principal component analysis of a series of spectra.
 *
 * - `pcaTrain`: Larch 0.9.58 pca_train exactly (docs/conventions.md §6.3): the matrix on the first
 *   spectrum's grid, the mean spectrum removed, every spectrum standardized, eigenvalues of the
 *   n×n correlation matrix (WASM, tred2/tql2), variances, Larch's IND with its duplicated first
 *   value and nsig = argmin(IND). Alongside, a factor analysis of the *uncentered* matrix
 *   (Malinowski): its eigenvalues, real error RE(k), Malinowski's IND, a noise estimate and the
 *   number of significant components `ncomponents` (the smallest k whose reconstruction leaves
 *   no more than `threshold` × the noise). Larch's nsig is kept for parity but is not a count of
 *   species (it includes the mean and, on long noisy series, drifts to large values).
 * - `pcaFit`: Larch pca_fit (weights, chi_square, the rescale factor) (§6.4).
 * - `targetTransform`: Malinowski's target test of a candidate standard (SPOIL).
 * - `pcaReconstruct`: every spectrum rebuilt from k components, with its residual.
 */
import { XafsError } from '../errors.js';
import { lstsq, pcaScaleLarch, pcaTrainKernel, tfaKernel } from '../wasm.js';
import { fmtNum, groups2matrix, larchInterp, spaceXY, stackRows, type XanesGroup, type XanesSpace } from './matrix.js';

export interface PcaOptions {
  /** The array analysed. @default 'norm' */
  space?: XanesSpace;
  /** Absolute range (eV; Å⁻¹ for chi) on the first spectrum's grid, Larch's rule: [index_of(xmin) : index_of(xmax)+1]. */
  xmin?: number;
  xmax?: number;
  /** Range relative to the first spectrum's e0 (eV), when xmin/xmax are not given. */
  emin?: number;
  emax?: number;
  /** χ space: the spectra are χ·k^kweight. @default 2 */
  kweight?: number;
  /** Noise σ of the spectra (their units); estimated from second differences when not given. */
  noise?: number;
  /** A component is significant while RE(k) > threshold × noise. @default 1.5 */
  threshold?: number;
}

export interface PcaModel {
  space: XanesSpace;
  /** The common grid (the first spectrum's points in the range). */
  x: Float64Array;
  labels: string[];
  sources: string[];
  /** The spectra on x (one row each). */
  ydat: Float64Array[];
  /** Larch pca_train: the mean spectrum. */
  mean: Float64Array;
  /** Larch pca_train: components (p-long, norm √(λ/n); signs arbitrary), largest eigenvalue first. */
  components: Float64Array[];
  /** Larch pca_train: eigenvalues of the standardized correlation matrix, descending (Σ = p). */
  eigenvalues: Float64Array;
  /** eigenvalues / Σ eigenvalues (the scree). */
  variances: Float64Array;
  /** Running sum of the variances. */
  cumulative: Float64Array;
  /** Larch's IND, its first value duplicated (length n). */
  ind: Float64Array;
  /** Larch's nsig = argmin(ind). */
  nsig: number;
  /** Factor analysis of the uncentered matrix (target transformation, reconstruction). */
  tfa: {
    /** Squared singular values of the points × spectra matrix, descending. */
    eigenvalues: Float64Array;
    /** Left singular vectors (p-long, unit), one per eigenvalue. */
    vectors: Float64Array[];
    /** Malinowski's real error RE(k) for k = 1 … r−1 (index k−1). */
    realError: Float64Array;
    /** Malinowski's IND(k) = RE(k)/(r − k)² (index k−1). */
    ind: Float64Array;
    /** The noise σ compared with RE(k) (given or estimated). */
    noise: number;
    noiseEstimated: boolean;
  };
  /** Number of significant components: the smallest k with RE(k) ≤ threshold × noise. */
  ncomponents: number;
  threshold: number;
  warnings: string[];
}

/** Robust white-noise σ of one spectrum: 1.4826·MAD of its second differences / √6. */
export function noiseFromSecondDifferences(y: Float64Array): number {
  const n = y.length;
  if (n < 5) return NaN;
  const d = new Float64Array(n - 2);
  for (let i = 1; i < n - 1; i++) d[i - 1] = y[i - 1] - 2 * y[i] + y[i + 1];
  const med = median(d);
  const dev = d.map((v) => Math.abs(v - med));
  return (1.4826 * median(dev)) / Math.sqrt(6);
}

function median(a: Float64Array): number {
  const s = Float64Array.from(a).sort();
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/** The Larch window of a series: absolute xmin/xmax, else e0 of the first spectrum + emin/emax. */
export function seriesRange(first: XanesGroup, o: { space?: XanesSpace; xmin?: number; xmax?: number; emin?: number; emax?: number }): [number, number] {
  if (o.space === 'chi') return [o.xmin ?? -Infinity, o.xmax ?? Infinity];
  const lo = o.xmin ?? (o.emin !== undefined ? first.e0 + o.emin : -Infinity);
  const hi = o.xmax ?? (o.emax !== undefined ? first.e0 + o.emax : Infinity);
  return [lo, hi];
}

/** Largest |value| of a spectrum in the matrix: beyond it sums of squares can overflow. */
const MAX_ABS_VALUE = 1e100;

/** The spectra as Larch's groups2matrix builds them, with coverage warnings. */
export function seriesMatrix(groups: XanesGroup[], o: PcaOptions, warnings: string[]) {
  const space = o.space ?? 'norm';
  const kw = space === 'chi' ? (o.kweight ?? 2) : 0;
  const xys = groups.map((g) => spaceXY(g, space, kw));
  const [lo, hi] = seriesRange(groups[0], { ...o, space });
  if (!(lo < hi)) throw new XafsError('EOPTION', `the range is empty: ${fmtNum(lo)} to ${fmtNum(hi)}`);
  const { x, rows } = groups2matrix(xys, lo, hi);
  if (x.length < 3) {
    throw new XafsError('ETOOFEW', `only ${x.length} points of ${groups[0].source} in the range ${fmtNum(lo)}–${fmtNum(hi)}; the data cover ${fmtNum(xys[0].x[0])}–${fmtNum(xys[0].x[xys[0].x.length - 1])}`);
  }
  const out = xys.map((g, i) => ({ i, below: g.x[0] > x[0] + 1e-6, above: g.x[g.x.length - 1] < x[x.length - 1] - 1e-6 })).filter((c) => c.below || c.above);
  if (out.length > 0) {
    warnings.push(`${out.length} spectrum(s) do not cover ${fmtNum(x[0])}–${fmtNum(x[x.length - 1])} and were extrapolated (Larch's cubic rule): ${out.slice(0, 5).map((c) => groups[c.i].source).join(', ')}${out.length > 5 ? ', …' : ''}`);
  }
  for (let r = 0; r < rows.length; r++) {
    for (let j = 0; j < rows[r].length; j++) {
      const v = rows[r][j];
      if (!Number.isFinite(v)) throw new XafsError('ENONFINITE', `${groups[r].source}: a non-finite value in the range; check the data`);
      // sums of squares of such values overflow (the decomposition would give NaN); no normalized
      // spectrum, dμ/dE or k-weighted χ(k) comes near them unless a cell of the data is damaged
      if (Math.abs(v) > MAX_ABS_VALUE) {
        throw new XafsError('ENONFINITE', `${groups[r].source}: ${space} is ${fmtNum(v)} at ${fmtNum(x[j])}, too large to analyse (|value| ≤ ${MAX_ABS_VALUE}); check the data near that point for a damaged value`);
      }
    }
  }
  return { space, x, rows };
}

/** Larch pca_train plus the uncentered factor analysis (see the module comment). */
export function pcaTrain(groups: XanesGroup[], options: PcaOptions = {}): PcaModel {
  const n = groups.length;
  if (n < 3) throw new XafsError('ETOOFEW', `PCA needs at least 3 spectra (got ${n})`);
  const warnings: string[] = [];
  const { space, x, rows } = seriesMatrix(groups, options, warnings);
  const p = x.length;
  const Y = stackRows(rows);
  const k = pcaTrainKernel(Y, n, p);
  const eigenvalues = Float64Array.from(k.eigenvalues);
  const components = Array.from({ length: n }, (_, i) => k.components.slice(i * p, (i + 1) * p));
  let total = 0;
  for (const v of eigenvalues) total += v;
  const variances = eigenvalues.map((v) => v / total);
  const cumulative = new Float64Array(n);
  variances.reduce((acc, v, i) => (cumulative[i] = acc + v), 0);
  // Larch IND: v_r = sqrt(p·Σ_{j≥r} λ_j / m_r)/m_r², m_r = n − r − 1; first value duplicated
  const ind = new Float64Array(n);
  for (let r = 0; r < n - 1; r++) {
    const m = n - r - 1;
    let s = 0;
    for (let j = r; j < n; j++) s += eigenvalues[j];
    // a tail of rounding-level eigenvalues can sum below 0 (Larch then gets NaN): clamp at 0
    const v = Math.sqrt((p * Math.max(s, 0)) / m) / (m * m);
    if (r === 0) ind[0] = v;
    ind[r + 1] = v;
  }
  let nsig = 0;
  for (let i = 1; i < n; i++) if (ind[i] < ind[nsig]) nsig = i;

  // factor analysis of the uncentered points × spectra matrix
  const t = tfaKernel(Y, n, p);
  const r = t.eigenvalues.length;
  const lam = Float64Array.from(t.eigenvalues);
  const vectors = Array.from({ length: r }, (_, i) => t.vectors.slice(i * p, (i + 1) * p));
  const big = Math.max(n, p);
  const realError = new Float64Array(Math.max(r - 1, 0));
  const indM = new Float64Array(Math.max(r - 1, 0));
  for (let kk = 1; kk < r; kk++) {
    let s = 0;
    for (let j = kk; j < r; j++) s += Math.max(lam[j], 0);
    realError[kk - 1] = Math.sqrt(s / (big * (r - kk)));
    indM[kk - 1] = realError[kk - 1] / (r - kk) ** 2;
  }
  let noise = options.noise;
  const noiseEstimated = noise === undefined;
  if (noise === undefined) noise = median(Float64Array.from(rows, noiseFromSecondDifferences));
  if (!(noise >= 0)) throw new XafsError('EOPTION', `the noise must be a number ≥ 0 (got ${noise})`);
  const threshold = options.threshold ?? 1.5;
  // a floor for noise-free (synthetic) data: rounding of the decomposition
  const floor = 1e-9 * Math.sqrt(Math.max(lam[0], 0) / (n * p));
  let ncomponents = r;
  for (let kk = 1; kk < r; kk++) {
    if (realError[kk - 1] <= threshold * Math.max(noise, floor)) {
      ncomponents = kk;
      break;
    }
  }
  return {
    space,
    x,
    labels: groups.map((g) => g.name),
    sources: groups.map((g) => g.source),
    ydat: rows,
    mean: Float64Array.from(k.mean),
    components,
    eigenvalues,
    variances,
    cumulative,
    ind,
    nsig,
    tfa: { eigenvalues: lam, vectors, realError, ind: indM, noise, noiseEstimated },
    ncomponents,
    threshold,
    warnings,
  };
}

export interface PcaFitResult {
  x: Float64Array;
  /** The data on the model grid (times scale). */
  ydat: Float64Array;
  yfit: Float64Array;
  weights: Float64Array;
  /** Σ of squared residuals of the final linear solve (Larch chi_square). */
  chiSquare: number;
  /** Larch data_scale (1 without rescale). */
  scale: number;
}

/** Larch 0.9.58 pca_fit: the spectrum on the model grid (cubic, extrapolating), the first ncomps components. */
export function pcaFit(group: XanesGroup, model: PcaModel, options: { ncomps?: number; rescale?: boolean; kweight?: number } = {}): PcaFitResult {
  const nc = options.ncomps ?? model.components.length;
  if (!Number.isInteger(nc) || nc < 1 || nc > model.components.length) throw new XafsError('EOPTION', `ncomps must be a whole number from 1 to ${model.components.length} (got ${nc})`);
  const p = model.x.length;
  const g = spaceXY(group, model.space, model.space === 'chi' ? (options.kweight ?? 2) : 0);
  let y = larchInterp(g.x, g.y, model.x);
  const rowMajor = new Float64Array(p * nc);
  const colMajor = new Float64Array(p * nc);
  for (let j = 0; j < nc; j++) {
    colMajor.set(model.components[j], j * p);
    for (let i = 0; i < p; i++) rowMajor[i * nc + j] = model.components[j][i];
  }
  let scale = 1;
  if (options.rescale !== false) {
    scale = pcaScaleLarch(colMajor, y, model.mean, p, nc).scale;
    y = y.map((v) => v * scale);
  }
  const b = y.map((v, i) => v - model.mean[i]);
  const w = lstsq(rowMajor, b, p, nc);
  const yfit = new Float64Array(p);
  let chi = 0;
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let j = 0; j < nc; j++) s += rowMajor[i * nc + j] * w[j];
    yfit[i] = s + model.mean[i];
    chi += (b[i] - s) ** 2;
  }
  return { x: model.x, ydat: y, yfit, weights: Float64Array.from(w), chiSquare: chi, scale };
}

export interface TargetResult {
  name: string;
  source: string;
  /** Components used. */
  ncomponents: number;
  /** Malinowski's SPOIL = RET/REP: < 3 acceptable, 3–6 moderately acceptable, > 6 unacceptable. */
  spoil: number;
  /** Apparent error in the target: RMS of target − projection. */
  aet: number;
  /** Real error in the predicted target: RE(k)·|T|. */
  rep: number;
  /** Real error in the target: √(AET² − REP²) (0 when AET < REP). */
  ret: number;
  /** The target on the model grid and its projection onto the first k components. */
  target: Float64Array;
  projection: Float64Array;
  /** Coefficients u_jᵀt of the projection. */
  coefficients: Float64Array;
}

/**
 * Target transformation of a candidate standard (Malinowski, Factor Analysis in Chemistry):
 * with D the points × spectra matrix, λ_j and u_j its squared singular values and left singular
 * vectors, and k components:
 *   t̂ = Σ_{j≤k} (u_jᵀt) u_j;  AET = √(Σ(t − t̂)²/p);  RE = √(Σ_{j>k} λ_j / (max(p,n)·(min(p,n) − k)));
 *   |T| = √(Σ_{j≤k} (u_jᵀt)²/λ_j);  REP = RE·|T|;  RET = √(AET² − REP²);  SPOIL = RET/REP.
 */
export function targetTransform(model: PcaModel, target: XanesGroup, options: { ncomponents?: number; kweight?: number } = {}): TargetResult {
  const k = options.ncomponents ?? model.ncomponents;
  const r = model.tfa.eigenvalues.length;
  if (!Number.isInteger(k) || k < 1 || k >= r) throw new XafsError('EOPTION', `target transformation needs 1 to ${r - 1} components (got ${k}): with ${model.ydat.length} spectra, at least one factor must be left for the error`);
  const g = spaceXY(target, model.space, model.space === 'chi' ? (options.kweight ?? 2) : 0);
  const t = larchInterp(g.x, g.y, model.x);
  const p = t.length;
  const proj = new Float64Array(p);
  const c = new Float64Array(k);
  let tnorm = 0;
  for (let j = 0; j < k; j++) {
    const u = model.tfa.vectors[j];
    let s = 0;
    for (let i = 0; i < p; i++) s += u[i] * t[i];
    c[j] = s;
    tnorm += (s * s) / model.tfa.eigenvalues[j];
    for (let i = 0; i < p; i++) proj[i] += s * u[i];
  }
  let ss = 0;
  for (let i = 0; i < p; i++) ss += (t[i] - proj[i]) ** 2;
  const aet = Math.sqrt(ss / p);
  const re = model.tfa.realError[k - 1];
  const rep = re * Math.sqrt(tnorm);
  const ret = Math.sqrt(Math.max(aet * aet - rep * rep, 0));
  return { name: target.name, source: target.source, ncomponents: k, spoil: rep > 0 ? ret / rep : Infinity, aet, rep, ret, target: t, projection: proj, coefficients: c };
}

/** Every spectrum rebuilt from the first k factors of the uncentered matrix, and its RMS residual. */
export function pcaReconstruct(model: PcaModel, k = model.ncomponents): { spectra: Float64Array[]; rms: Float64Array } {
  const r = model.tfa.eigenvalues.length;
  if (!Number.isInteger(k) || k < 1 || k > r) throw new XafsError('EOPTION', `reconstruction needs 1 to ${r} components (got ${k})`);
  const p = model.x.length;
  const rms = new Float64Array(model.ydat.length);
  const spectra = model.ydat.map((y, s) => {
    const out = new Float64Array(p);
    for (let j = 0; j < k; j++) {
      const u = model.tfa.vectors[j];
      let c = 0;
      for (let i = 0; i < p; i++) c += u[i] * y[i];
      for (let i = 0; i < p; i++) out[i] += c * u[i];
    }
    let ss = 0;
    for (let i = 0; i < p; i++) ss += (y[i] - out[i]) ** 2;
    rms[s] = Math.sqrt(ss / p);
    return out;
  });
  return { spectra, rms };
}
