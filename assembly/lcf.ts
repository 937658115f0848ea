// Linear-combination fitting, PCA and MCR kernels: the ABI surface of src/xanes (re-exported by
// index.ts). Pure functions of numbers and Float64Arrays; one boundary crossing per spectrum.
//
// - lcfRegister/lcfFit: a set of standards resident in WASM memory (their not-a-knot splines),
//   fitted to one spectrum by NNLS (optionally on the simplex, Σw = 1) with optional energy
//   shifts found by Levenberg–Marquardt (MINPACK lmdif) on the variable-projection residual.
// - lincomboLarch: Larch 0.9.58 lincombo_fit's lmfit/leastsq path (MINUIT bounds, the last
//   weight as the expression 1 − Σ others clipped to its bounds, lmfit's scaled covariance).
// - pcaScaleLarch: Larch pca_fit's rescale fit (lmfit leastsq, tolerances 1e-5, scale ≥ 0).
// - pcaTrainKernel / tfaKernel: Larch pca_train's standardized decomposition, and the uncentered
//   decomposition used for target transformation and reconstruction.
// - simplisma / mcrAls: re-exported from mcr.ts.

import { Residual, lmdif } from './minpack';
import { splineMoments } from './interp';
import { NnlsWork, nnlsGram, gramInto, dotAt, axpyAt, cholesky, choleskySolve } from './nnls';
import { symEigenInto } from './eigen';
import { lstsqInPlace } from './linalg';

export { nnls } from './nnls';
export { symEigen } from './eigen';
export { simplisma, mcrAls } from './mcr';

// ---- standards resident in memory --------------------------------------------------------

/**
 * A standard as its not-a-knot cubic spline in polynomial form: on [x_j, x_{j+1}],
 * s(v) = y_j + t·(b_j + t·(c_j + t·d_j)), t = v − x_j (the end pieces extrapolate).
 */
class Std {
  n: i32;
  x: Float64Array;
  y: Float64Array;
  b: Float64Array;
  c: Float64Array;
  d: Float64Array;
  constructor(x: Float64Array, y: Float64Array) {
    const n = x.length;
    const M = new Float64Array(n);
    splineMoments(x, y, n, M);
    const b = new Float64Array(n);
    const c = new Float64Array(n);
    const d = new Float64Array(n);
    for (let j = 0; j < n - 1; j++) {
      const h = unchecked(x[j + 1]) - unchecked(x[j]);
      const mj = unchecked(M[j]);
      const mk = unchecked(M[j + 1]);
      unchecked((b[j] = (unchecked(y[j + 1]) - unchecked(y[j])) / h - (h * (2.0 * mj + mk)) / 6.0));
      unchecked((c[j] = mj / 2.0));
      unchecked((d[j] = (mk - mj) / (6.0 * h)));
    }
    this.n = n;
    this.x = x;
    this.y = y;
    this.b = b;
    this.c = c;
    this.d = d;
  }
}

class StdSet {
  stds: Array<Std> = [];
  /** Per standard: the index of the first standard with the same abscissae (value for value). */
  grid: Array<i32> = [];
}

function sameAbscissae(a: Std, b: Std): bool {
  if (a.n != b.n) return false;
  for (let i = 0; i < a.n; i++) if (unchecked(a.x[i]) != unchecked(b.x[i])) return false;
  return true;
}

const sets: Array<StdSet | null> = [];

/**
 * Registers standards (x ascending, strictly increasing) given concatenated: standard i holds
 * points offsets[i] … offsets[i+1]−1 of x and y. Returns a handle for lcfFit.
 */
export function lcfRegister(x: Float64Array, y: Float64Array, offsets: Int32Array): i32 {
  const s = new StdSet();
  for (let i = 0; i < offsets.length - 1; i++) {
    const a = unchecked(offsets[i]);
    const n = unchecked(offsets[i + 1]) - a;
    const xi = new Float64Array(n);
    const yi = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      unchecked((xi[j] = x[a + j]));
      unchecked((yi[j] = y[a + j]));
    }
    const st = new Std(xi, yi);
    let g = s.stds.length;
    for (let q = 0; q < s.stds.length; q++) {
      if (sameAbscissae(s.stds[q], st)) {
        g = q;
        break;
      }
    }
    s.stds.push(st);
    s.grid.push(g);
  }
  for (let h = 0; h < sets.length; h++) {
    if (sets[h] === null) {
      sets[h] = s;
      return h;
    }
  }
  sets.push(s);
  return sets.length - 1;
}

export function lcfFree(h: i32): void {
  if (h >= 0 && h < sets.length) sets[h] = null;
}

/** Interval of v (the end pieces beyond the ends), walking up from j for ascending v. */
// @ts-ignore: decorator
@inline
function locate(px: usize, n: i32, v: f64, j: i32): i32 {
  if (v < load<f64>(px + (<usize>j << 3))) j = 0;
  while (j < n - 2 && load<f64>(px + (<usize>(j + 1) << 3)) <= v) j++;
  return j;
}

/** Interval of v by bisection (the start of a walk). */
function locateFirst(px: usize, n: i32, v: f64): i32 {
  if (n < 3 || v < load<f64>(px + 8)) return 0;
  let lo = 0;
  let hi = n - 2;
  if (load<f64>(px + (<usize>hi << 3)) <= v) return hi;
  // x[lo] <= v < x[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (load<f64>(px + (<usize>mid << 3)) <= v) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The standard at xd[i] − d for ascending xd into out[off + i]. */
function splineAtShift(st: Std, xd: Float64Array, m: i32, d: f64, out: Float64Array, off: i32): void {
  const n = st.n;
  const px = st.x.dataStart;
  const py = st.y.dataStart;
  const pb = st.b.dataStart;
  const pc = st.c.dataStart;
  const pd = st.d.dataStart;
  const pxd = xd.dataStart;
  const po = out.dataStart + (<usize>off << 3);
  let j = m > 0 ? locateFirst(px, n, load<f64>(pxd) - d) : 0;
  for (let i = 0; i < m; i++) {
    const v = load<f64>(pxd + (<usize>i << 3)) - d;
    j = locate(px, n, v, j);
    const o = <usize>j << 3;
    const t = v - load<f64>(px + o);
    store<f64>(po + (<usize>i << 3), load<f64>(py + o) + t * (load<f64>(pb + o) + t * (load<f64>(pc + o) + t * load<f64>(pd + o))));
  }
}

/**
 * splineAtShift for k standards on the same abscissae, all shifted by d: the interval and t of
 * each point are found once and serve every standard (the same values, so the same numbers).
 * Column q of A (from q·m) gets standard stds[q].
 */
function splinesAtShiftShared(stds: StaticArray<Std>, k: i32, xd: Float64Array, m: i32, d: f64, A: Float64Array): void {
  const st0 = unchecked(stds[0]);
  const n = st0.n;
  const px = st0.x.dataStart;
  const pxd = xd.dataStart;
  const pa = A.dataStart;
  let j = m > 0 ? locateFirst(px, n, load<f64>(pxd) - d) : 0;
  for (let i = 0; i < m; i++) {
    const v = load<f64>(pxd + (<usize>i << 3)) - d;
    j = locate(px, n, v, j);
    const o = <usize>j << 3;
    const t = v - load<f64>(px + o);
    for (let q = 0; q < k; q++) {
      const st = unchecked(stds[q]);
      store<f64>(
        pa + (<usize>(q * m + i) << 3),
        load<f64>(st.y.dataStart + o) + t * (load<f64>(st.b.dataStart + o) + t * (load<f64>(st.c.dataStart + o) + t * load<f64>(st.d.dataStart + o))),
      );
    }
  }
}

/** First derivative of the standard at xd[i] − d. */
function splineDerivAtShift(st: Std, xd: Float64Array, m: i32, d: f64, out: Float64Array): void {
  const n = st.n;
  const px = st.x.dataStart;
  const pb = st.b.dataStart;
  const pc = st.c.dataStart;
  const pd = st.d.dataStart;
  const pxd = xd.dataStart;
  const po = out.dataStart;
  let j = m > 0 ? locateFirst(px, n, load<f64>(pxd) - d) : 0;
  for (let i = 0; i < m; i++) {
    const v = load<f64>(pxd + (<usize>i << 3)) - d;
    j = locate(px, n, v, j);
    const o = <usize>j << 3;
    const t = v - load<f64>(px + o);
    store<f64>(po + (<usize>i << 3), load<f64>(pb + o) + t * (2.0 * load<f64>(pc + o) + 3.0 * t * load<f64>(pd + o)));
  }
}

/**
 * gramInto for two standards in one pass over the points: the six dot products (AᵀA, Aᵀy, yᵀy)
 * each with dotAt's two partial sums (even and odd points) added in dotAt's order, so the same
 * numbers as six dotAt calls.
 */
function gram2(A: Float64Array, y: Float64Array, m: i32, G: Float64Array, c: Float64Array): f64 {
  const pa = A.dataStart;
  const pb = A.dataStart + (<usize>m << 3);
  const py = y.dataStart;
  let aa0 = 0.0, aa1 = 0.0, ab0 = 0.0, ab1 = 0.0, bb0 = 0.0, bb1 = 0.0;
  let ay0 = 0.0, ay1 = 0.0, by0 = 0.0, by1 = 0.0, yy0 = 0.0, yy1 = 0.0;
  let r = 0;
  for (; r + 1 < m; r += 2) {
    const o0 = <usize>r << 3;
    const o1 = <usize>(r + 1) << 3;
    const a0 = load<f64>(pa + o0);
    const a1 = load<f64>(pa + o1);
    const b0 = load<f64>(pb + o0);
    const b1 = load<f64>(pb + o1);
    const y0 = load<f64>(py + o0);
    const y1 = load<f64>(py + o1);
    aa0 += a0 * a0;
    aa1 += a1 * a1;
    ab0 += a0 * b0;
    ab1 += a1 * b1;
    bb0 += b0 * b0;
    bb1 += b1 * b1;
    ay0 += a0 * y0;
    ay1 += a1 * y1;
    by0 += b0 * y0;
    by1 += b1 * y1;
    yy0 += y0 * y0;
    yy1 += y1 * y1;
  }
  if (r < m) {
    const o0 = <usize>r << 3;
    const a0 = load<f64>(pa + o0);
    const b0 = load<f64>(pb + o0);
    const y0 = load<f64>(py + o0);
    aa0 += a0 * a0;
    ab0 += a0 * b0;
    bb0 += b0 * b0;
    ay0 += a0 * y0;
    by0 += b0 * y0;
    yy0 += y0 * y0;
  }
  const ab = ab0 + ab1;
  unchecked((G[0] = aa0 + aa1));
  unchecked((G[1] = ab));
  unchecked((G[2] = ab));
  unchecked((G[3] = bb0 + bb1));
  unchecked((c[0] = ay0 + ay1));
  unchecked((c[1] = by0 + by1));
  return yy0 + yy1;
}

/**
 * One LCF problem (reused across the spectra of a batch, sized for the longest): the
 * variable-projection residual of the shifts, the weights solved by NNLS inside each evaluation.
 */
class LcfProblem extends Residual {
  set: StdSet;
  which: Int32Array;
  k: i32;
  xd: Float64Array = new Float64Array(0);
  yd: Float64Array = new Float64Array(0);
  sumToOne: bool;
  shiftMode: i32;
  shiftMax: f64;
  /** Standards at the shifted points, column-major (capacity mmax × k). */
  A: Float64Array;
  G: Float64Array;
  c: Float64Array;
  w: Float64Array;
  delta: Float64Array;
  ws: NnlsWork;
  status: i32 = 0;
  /** The standards in fit order when they share their abscissae and one shift (else null). */
  shared: StaticArray<Std> | null = null;

  constructor(set: StdSet, which: Int32Array, mmax: i32, sumToOne: bool, shiftMode: i32, shiftMax: f64) {
    super();
    const k = which.length;
    this.set = set;
    this.which = which;
    this.k = k;
    this.sumToOne = sumToOne;
    this.shiftMode = shiftMode;
    this.shiftMax = shiftMax;
    this.A = new Float64Array(mmax * k);
    this.G = new Float64Array(k * k);
    this.c = new Float64Array(k);
    this.w = new Float64Array(k);
    this.delta = new Float64Array(k);
    this.ws = new NnlsWork(k);
    this.n = shiftMode == 0 ? 0 : shiftMode == 1 ? 1 : k;
    if (shiftMode != 2 && k > 1) {
      let same = true;
      const g0 = set.grid[unchecked(which[0])];
      for (let j = 1; j < k; j++) if (set.grid[unchecked(which[j])] != g0) same = false;
      if (same) {
        const sh = new StaticArray<Std>(k);
        for (let j = 0; j < k; j++) unchecked((sh[j] = set.stds[unchecked(which[j])]));
        this.shared = sh;
      }
    }
  }

  /** Points this problem fits (x ascending). */
  setData(x: Float64Array, y: Float64Array): void {
    this.xd = x;
    this.yd = y;
    this.m = x.length;
    for (let j = 0; j < this.k; j++) unchecked((this.delta[j] = 0.0));
  }

  /** Shift of standard j (eV) for the current delta. */
  shiftOf(j: i32): f64 {
    if (this.shiftMode == 0) return 0.0;
    return this.shiftMode == 1 ? unchecked(this.delta[0]) : unchecked(this.delta[j]);
  }

  /** Standards at x − δ_j into A, then the NNLS weights; the residual A w − y into f. */
  solve(f: Float64Array): void {
    const m = this.m;
    const k = this.k;
    const shared = this.shared;
    if (shared !== null) splinesAtShiftShared(shared, k, this.xd, m, this.shiftOf(0), this.A);
    else {
      for (let j = 0; j < k; j++) {
        splineAtShift(this.set.stds[unchecked(this.which[j])], this.xd, m, this.shiftOf(j), this.A, j * m);
      }
    }
    const bb = k == 2 ? gram2(this.A, this.yd, m, this.G, this.c) : gramInto(this.A, this.yd, m, k, this.G, this.c);
    this.status = nnlsGram(this.G, this.c, bb, k, this.sumToOne, this.w, this.ws);
    const pf = f.dataStart;
    const py = this.yd.dataStart;
    for (let i = 0; i < m; i++) store<f64>(pf + (<usize>i << 3), -load<f64>(py + (<usize>i << 3)));
    for (let j = 0; j < k; j++) {
      const wj = unchecked(this.w[j]);
      if (wj == 0.0) continue;
      const pa = this.A.dataStart + (<usize>(j * m) << 3);
      for (let i = 0; i < m; i++) {
        const o = <usize>i << 3;
        store<f64>(pf + o, load<f64>(pf + o) + load<f64>(pa + o) * wj);
      }
    }
  }

  // MINUIT two-sided transform with bounds ±shiftMax: δ = shiftMax·sin(u)
  eval(u: Float64Array, f: Float64Array): void {
    for (let j = 0; j < this.n; j++) unchecked((this.delta[j] = this.shiftMax * Math.sin(u[j])));
    this.solve(f);
  }
}

/** Inverse of a small SPD matrix (row-major q×q) into inv; false when singular. */
function spdInverse(H: Float64Array, q: i32, inv: Float64Array): bool {
  const L = new Float64Array(q * q);
  for (let i = 0; i < q * q; i++) unchecked((L[i] = H[i]));
  if (!cholesky(L, q)) return false;
  const e = new Float64Array(q);
  for (let j = 0; j < q; j++) {
    for (let i = 0; i < q; i++) unchecked((e[i] = i == j ? 1.0 : 0.0));
    choleskySolve(L, q, e);
    for (let i = 0; i < q; i++) unchecked((inv[i * q + j] = e[i]));
  }
  return true;
}

const LCF_HEAD: i32 = 8;

/** Size of one spectrum's block in lcfFitBatch's output. */
function blockSize(k: i32, ns: i32, m: i32, wantFit: bool): i32 {
  return LCF_HEAD + 2 * k + 2 * ns + (wantFit ? m : 0);
}

/** Fits p's current data and writes its block at out[o]. */
function fitInto(p: LcfProblem, f: Float64Array, out: Float64Array, o0: i32, wantFit: bool): void {
  const set = p.set;
  const which = p.which;
  const x = p.xd;
  const y = p.yd;
  const m = p.m;
  const k = p.k;
  const ns = p.n;
  const shiftMode = p.shiftMode;
  const sumToOne = p.sumToOne;
  let nfev = 1;
  let info = 0;
  if (ns > 0) {
    const u = new Float64Array(ns);
    const lm = lmdif(p, u, f, 1e-8, 1e-6, 0.0, 100 * (ns + 1), 1e-12, 100.0);
    nfev = lm.nfev;
    info = lm.info;
    // re-solve at the optimum so that A, w and f belong to it
    p.eval(u, f);
  } else {
    p.solve(f);
  }
  const chi2 = dotAt(f, 0, f, 0, m);
  const yy = dotAt(y, 0, y, 0, m);
  // free parameters: non-zero weights, and the shifts that act on them
  const act = new Int32Array(k);
  let na = 0;
  for (let j = 0; j < k; j++) if (unchecked(p.w[j]) > 0.0) unchecked((act[na++] = j));
  let nsh = 0;
  if (shiftMode == 1 && na > 0) nsh = 1;
  if (shiftMode == 2) nsh = na;
  const q = na + nsh;
  const nvarys = q - (sumToOne && na > 0 ? 1 : 0);
  let o = o0 + LCF_HEAD;
  const ow = o;
  const owe = o + k;
  const osh = o + 2 * k;
  const oshe = o + 2 * k + ns;
  for (let j = 0; j < 2 * k + 2 * ns; j++) unchecked((out[o + j] = 0.0));
  let covOk = 1;
  let sumErr = 0.0;
  if (q > 0) {
    // Jacobian columns (m × q, column-major): weights, then shifts
    const J = new Float64Array(m * q);
    for (let a = 0; a < na; a++) {
      const j = unchecked(act[a]);
      for (let i = 0; i < m; i++) unchecked((J[a * m + i] = p.A[j * m + i]));
    }
    if (nsh > 0) {
      const dv = new Float64Array(m);
      for (let a = 0; a < na; a++) {
        const j = unchecked(act[a]);
        splineDerivAtShift(set.stds[unchecked(which[j])], x, m, p.shiftOf(j), dv);
        const col = shiftMode == 1 ? na : na + a;
        const wj = unchecked(p.w[j]);
        for (let i = 0; i < m; i++) unchecked((J[col * m + i] -= wj * dv[i]));
      }
    }
    const H = new Float64Array(q * q);
    for (let a = 0; a < q; a++) {
      for (let b = a; b < q; b++) {
        const s = dotAt(J, a * m, J, b * m, m);
        unchecked((H[a * q + b] = s));
        unchecked((H[b * q + a] = s));
      }
    }
    const C = new Float64Array(q * q);
    if (spdInverse(H, q, C)) {
      if (sumToOne) {
        // covariance on the plane Σw = 1: C − (C a)(C a)ᵀ/(aᵀ C a), a = [1 (weights), 0 (shifts)]
        const ca = new Float64Array(q);
        let aca = 0.0;
        for (let i = 0; i < q; i++) {
          let s = 0.0;
          for (let b = 0; b < na; b++) s += unchecked(C[i * q + b]);
          unchecked((ca[i] = s));
          if (i < na) aca += s;
        }
        for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) unchecked((C[i * q + j] -= (ca[i] * ca[j]) / aca));
      }
      const dof = m - nvarys;
      const s2 = dof > 0 ? chi2 / <f64>dof : NaN;
      for (let a = 0; a < na; a++) unchecked((out[owe + act[a]] = Math.sqrt(Math.max(0.0, C[a * q + a]) * s2)));
      if (shiftMode == 1 && nsh == 1) unchecked((out[oshe] = Math.sqrt(Math.max(0.0, C[na * q + na]) * s2)));
      if (shiftMode == 2) for (let a = 0; a < na; a++) unchecked((out[oshe + act[a]] = Math.sqrt(Math.max(0.0, C[(na + a) * q + na + a]) * s2)));
      if (!sumToOne) {
        let s = 0.0;
        for (let a = 0; a < na; a++) for (let b = 0; b < na; b++) s += unchecked(C[a * q + b]);
        sumErr = Math.sqrt(Math.max(0.0, s) * s2);
      }
    } else {
      covOk = 0;
      for (let j = 0; j < k; j++) unchecked((out[owe + j] = NaN));
      for (let j = 0; j < ns; j++) unchecked((out[oshe + j] = NaN));
      sumErr = NaN;
    }
  }
  unchecked((out[o0] = chi2));
  unchecked((out[o0 + 1] = yy));
  unchecked((out[o0 + 2] = <f64>nvarys));
  unchecked((out[o0 + 3] = <f64>p.status));
  unchecked((out[o0 + 4] = <f64>nfev));
  unchecked((out[o0 + 5] = <f64>covOk));
  unchecked((out[o0 + 6] = sumErr));
  unchecked((out[o0 + 7] = <f64>info));
  for (let j = 0; j < k; j++) unchecked((out[ow + j] = p.w[j]));
  for (let j = 0; j < ns; j++) {
    // a shift that acts on a zero weight is undefined: report 0
    const used = shiftMode == 1 ? na > 0 : unchecked(p.w[j]) > 0.0;
    unchecked((out[osh + j] = used ? p.delta[j] : 0.0));
  }
  o = oshe + ns;
  if (wantFit) for (let i = 0; i < m; i++) unchecked((out[o + i] = f[i] + y[i]));
}

/**
 * Fits each spectrum s (points offsets[s] … offsets[s+1]−1 of xcat/ycat, x ascending) with the
 * standards `which` of set h. shiftMode 0: no shift; 1: one shift common to all standards;
 * 2: one per standard (the model is Σ w_j·s_j(x − δ_j)), each within ±shiftMax eV, found by
 * MINPACK lmdif with the NNLS weights solved inside every evaluation. Per spectrum the output holds
 * [χ², Σy², nvarys, NNLS status, nfev, covariance ok (1/0), Σw stderr, lmdif info,
 *  w (k), stderr of w (k), δ (ns), stderr of δ (ns), yfit (m, when wantFit)],
 * ns = 0, 1 or k by shiftMode, blocks concatenated. Standard errors are from the linearized
 * covariance (JᵀJ)⁻¹ (J over the non-zero weights and their shifts; with sum-to-one projected
 * onto Σw = 1), scaled by χ²/(m − nvarys). Zero weights (at the bound) and their shifts get 0.
 */
export function lcfFit(h: i32, which: Int32Array, xcat: Float64Array, ycat: Float64Array, offsets: Int32Array, sumToOne: bool, shiftMode: i32, shiftMax: f64, wantFit: bool): Float64Array {
  const set = sets[h]!;
  const nsamp = offsets.length - 1;
  const k = which.length;
  const ns = shiftMode == 0 ? 0 : shiftMode == 1 ? 1 : k;
  let mmax = 0;
  let total = 0;
  for (let s = 0; s < nsamp; s++) {
    const m = unchecked(offsets[s + 1]) - unchecked(offsets[s]);
    if (m > mmax) mmax = m;
    total += blockSize(k, ns, m, wantFit);
  }
  const out = new Float64Array(total);
  const p = new LcfProblem(set, which, mmax, sumToOne, shiftMode, shiftMax);
  const fbuf = new Float64Array(mmax);
  let o = 0;
  for (let s = 0; s < nsamp; s++) {
    const a = unchecked(offsets[s]);
    const b = unchecked(offsets[s + 1]);
    p.setData(xcat.subarray(a, b), ycat.subarray(a, b));
    fitInto(p, fbuf.subarray(0, b - a), out, o, wantFit);
    o += blockSize(k, ns, b - a, wantFit);
  }
  return out;
}

// ---- Larch lincombo_fit (lmfit leastsq) ---------------------------------------------------

/** lmfit/MINUIT bound kinds: 0 none, 1 min only, 2 max only, 3 both. */
function boundKind(lo: f64, hi: f64): i32 {
  const hasLo = isFinite(lo);
  const hasHi = isFinite(hi);
  if (hasLo && hasHi) return 3;
  if (hasLo) return 1;
  if (hasHi) return 2;
  return 0;
}

function toExternal(kind: i32, u: f64, lo: f64, hi: f64): f64 {
  if (kind == 3) return lo + ((Math.sin(u) + 1.0) * (hi - lo)) / 2.0;
  if (kind == 1) return lo - 1.0 + Math.sqrt(u * u + 1.0);
  if (kind == 2) return hi + 1.0 - Math.sqrt(u * u + 1.0);
  return u;
}

function toInternal(kind: i32, v: f64, lo: f64, hi: f64): f64 {
  if (kind == 3) return Math.asin((2.0 * (v - lo)) / (hi - lo) - 1.0);
  if (kind == 1) return Math.sqrt((v - lo + 1.0) * (v - lo + 1.0) - 1.0);
  if (kind == 2) return Math.sqrt((hi - v + 1.0) * (hi - v + 1.0) - 1.0);
  return v;
}

/** d external / d internal (lmfit Parameter.scale_gradient). */
function scaleGradient(kind: i32, u: f64, lo: f64, hi: f64): f64 {
  if (kind == 3) return (Math.cos(u) * (hi - lo)) / 2.0;
  if (kind == 1) return u / Math.sqrt(u * u + 1.0);
  if (kind == 2) return -u / Math.sqrt(u * u + 1.0);
  return 1.0;
}

function clip(v: f64, lo: f64, hi: f64): f64 {
  if (v > hi) return hi;
  if (v < lo) return lo;
  return v;
}

class LincomboResidual extends Residual {
  A: Float64Array;
  y: Float64Array;
  nc: i32;
  lo: Float64Array;
  hi: Float64Array;
  kinds: Int32Array;
  sumToOne: bool;
  c: Float64Array;
  constructor(A: Float64Array, y: Float64Array, m: i32, nc: i32, lo: Float64Array, hi: Float64Array, sumToOne: bool) {
    super();
    this.A = A;
    this.y = y;
    this.m = m;
    this.nc = nc;
    this.n = sumToOne ? nc - 1 : nc;
    this.lo = lo;
    this.hi = hi;
    this.sumToOne = sumToOne;
    const kinds = new Int32Array(nc);
    for (let j = 0; j < nc; j++) unchecked((kinds[j] = boundKind(lo[j], hi[j])));
    this.kinds = kinds;
    this.c = new Float64Array(nc);
  }
  /** Low part of the expression weight (double-double), 0 when clipped or without sum-to-one. */
  cLastLo: f64 = 0.0;
  /** External weights from internal values (the expression weight clipped to its bounds). */
  weights(u: Float64Array): void {
    let hi = 1.0;
    let lo = 0.0;
    for (let j = 0; j < this.n; j++) {
      const v = toExternal(unchecked(this.kinds[j]), unchecked(u[j]), unchecked(this.lo[j]), unchecked(this.hi[j]));
      unchecked((this.c[j] = v));
      // 1 − Σ c_j in double-double
      const s = hi - v;
      const bb = s - hi;
      lo += hi - (s - bb) + (-v - bb);
      hi = s;
    }
    this.cLastLo = 0.0;
    if (this.sumToOne) {
      const l = this.nc - 1;
      const s = hi + lo;
      const v = clip(s, this.lo[l], this.hi[l]);
      unchecked((this.c[l] = v));
      if (v == s) this.cLastLo = lo - (s - hi);
    }
  }
  /**
   * Σ c_j A_j − y accumulated in double-double and rounded once. Larch's forward-difference
   * Jacobian divides residual differences of ~1e-8 by h ≈ 1e-8: ordinary rounding of the
   * O(1) partial sums puts ~1e-8 relative noise into it and into the Gauss–Newton step, which
   * then lands ~1e-8 from the minimum in its own rounding-dependent direction. Exact sums make
   * this step land on the minimum, where Larch's lands within that noise.
   */
  eval(u: Float64Array, f: Float64Array): void {
    this.weights(u);
    const m = this.m;
    const nc = this.nc;
    const last = this.sumToOne ? nc - 1 : -1;
    for (let i = 0; i < m; i++) {
      let hi = -unchecked(this.y[i]);
      let lo = 0.0;
      for (let j = 0; j < nc; j++) {
        const a = unchecked(this.A[j * m + i]);
        const cj = unchecked(this.c[j]);
        const p = a * cj;
        const pe = twoProdErr(a, cj, p) + (j == last ? a * this.cLastLo : 0.0);
        const s = hi + p;
        const bb = s - hi;
        lo += hi - (s - bb) + (p - bb) + pe;
        hi = s;
      }
      unchecked((f[i] = hi + lo));
    }
  }
}

/** Rounding error of the product a·b = p (Dekker's exact product by Veltkamp splitting). */
function twoProdErr(a: f64, b: f64, p: f64): f64 {
  const ca = 134217729.0 * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = 134217729.0 * b;
  const bh = cb - (cb - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * Larch lincombo_fit's minimization (lmfit 1.1.0 leastsq: ftol = xtol = 1.49012e-8, gtol 0,
 * epsfcn = machine eps, factor 100, maxfev 2·2000·(nvarys+1)) on A (column-major m×nc) and y,
 * from the weights w0 clipped into [lo, hi] (±inf for no bound). With sumToOne the last weight is
 * 1 − Σ others, clipped. Returns [χ², nfev, info, nvarys, error bars ok (1/0), w (nc), stderr (nc)]:
 * lmfit's covariance (MINPACK's (JᵀJ)⁻¹ from the final QR, scaled by χ²/(m − nvarys), mapped by
 * the MINUIT gradients), the expression weight's error propagated from it.
 */
export function lincomboLarch(A: Float64Array, y: Float64Array, m: i32, nc: i32, w0: Float64Array, lo: Float64Array, hi: Float64Array, sumToOne: bool): Float64Array {
  const r = new LincomboResidual(A, y, m, nc, lo, hi, sumToOne);
  const nv = r.n;
  const u = new Float64Array(nv);
  for (let j = 0; j < nv; j++) {
    const l = unchecked(lo[j]);
    const hh = unchecked(hi[j]);
    unchecked((u[j] = toInternal(unchecked(r.kinds[j]), clip(unchecked(w0[j]), l, hh), l, hh)));
  }
  const f = new Float64Array(m);
  const lm = lmdif(r, u, f, 1.49012e-8, 1.49012e-8, 0.0, 2 * 2000 * (nv + 1), 0.0, 100.0);
  r.eval(u, f);
  let chi2 = 0.0;
  for (let i = 0; i < m; i++) chi2 += unchecked(f[i]) * unchecked(f[i]);
  const out = new Float64Array(5 + 2 * nc);
  unchecked((out[0] = chi2));
  // lmfit reports nfev − 1 (its first call only checks the residual)
  unchecked((out[1] = <f64>lm.nfev));
  unchecked((out[2] = <f64>lm.info));
  unchecked((out[3] = <f64>nv));
  for (let j = 0; j < nc; j++) unchecked((out[5 + j] = r.c[j]));
  // covariance: P R⁻¹ R⁻ᵀ Pᵀ (scipy leastsq cov_x), only when lmdif converged (info 1-4)
  let ok = lm.info >= 1 && lm.info <= 4 && nv > 0;
  const Rinv = new Float64Array(nv * nv);
  if (ok) {
    // invert the upper-triangular R (column-major in lm.r)
    for (let j = 0; j < nv; j++) if (unchecked(lm.r[j + j * nv]) == 0.0) ok = false;
    if (ok) {
      for (let j = nv - 1; j >= 0; j--) {
        unchecked((Rinv[j * nv + j] = 1.0 / lm.r[j + j * nv]));
        for (let i = j - 1; i >= 0; i--) {
          let s = 0.0;
          for (let l = i + 1; l <= j; l++) s += unchecked(lm.r[i + l * nv]) * unchecked(Rinv[l * nv + j]);
          unchecked((Rinv[i * nv + j] = -s / lm.r[i + i * nv]));
        }
      }
    }
  }
  if (ok) {
    // rows permuted: row ipvt[i] of P·R⁻¹ is row i of R⁻¹
    const PR = new Float64Array(nv * nv);
    for (let i = 0; i < nv; i++) {
      const a = unchecked(lm.ipvt[i]);
      for (let l = 0; l < nv; l++) unchecked((PR[a * nv + l] = Rinv[i * nv + l]));
    }
    const redchi = m > nv ? chi2 / <f64>(m - nv) : NaN;
    const g = new Float64Array(nv);
    for (let j = 0; j < nv; j++) unchecked((g[j] = scaleGradient(unchecked(r.kinds[j]), unchecked(u[j]), unchecked(lo[j]), unchecked(hi[j]))));
    const cov = new Float64Array(nv * nv);
    for (let a = 0; a < nv; a++) {
      for (let b = 0; b < nv; b++) {
        let s = 0.0;
        for (let l = 0; l < nv; l++) s += unchecked(PR[a * nv + l]) * unchecked(PR[b * nv + l]);
        unchecked((cov[a * nv + b] = s * redchi * g[a] * g[b]));
      }
    }
    for (let j = 0; j < nv; j++) unchecked((out[5 + nc + j] = Math.sqrt(cov[j * nv + j])));
    if (sumToOne) {
      let s = 0.0;
      for (let i = 0; i < nv * nv; i++) s += unchecked(cov[i]);
      unchecked((out[5 + nc + nc - 1] = Math.sqrt(Math.max(0.0, s))));
    }
  } else {
    for (let j = 0; j < nc; j++) unchecked((out[5 + nc + j] = NaN));
  }
  unchecked((out[4] = ok ? 1.0 : 0.0));
  return out;
}

// ---- Larch pca_fit rescale ------------------------------------------------------------------

class PcaScaleResidual extends Residual {
  comps: Float64Array; // p×k column-major
  y: Float64Array;
  mean: Float64Array;
  k: i32;
  a: Float64Array;
  b: Float64Array;
  constructor(comps: Float64Array, y: Float64Array, mean: Float64Array, p: i32, k: i32) {
    super();
    this.comps = comps;
    this.y = y;
    this.mean = mean;
    this.m = p;
    this.n = 1;
    this.k = k;
    this.a = new Float64Array(p * k);
    this.b = new Float64Array(p);
  }
  eval(u: Float64Array, f: Float64Array): void {
    // scale ≥ 0: MINUIT min-only transform
    const scale = -1.0 + Math.sqrt(u[0] * u[0] + 1.0);
    const p = this.m;
    const k = this.k;
    // lstsq(comps, scale·y − mean): row-major copy for lstsqInPlace
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < k; j++) unchecked((this.a[i * k + j] = this.comps[j * p + i]));
      unchecked((this.b[i] = scale * this.y[i] - this.mean[i]));
    }
    const w = lstsqInPlace(this.a, this.b, p, k);
    for (let i = 0; i < p; i++) {
      let s = unchecked(this.mean[i]);
      for (let j = 0; j < k; j++) s += unchecked(this.comps[j * p + i]) * unchecked(w[j]);
      unchecked((f[i] = scale * this.y[i] - s));
    }
  }
}

/**
 * Larch pca_fit(rescale=True)'s scale: lmfit leastsq on scale (start 1, min 0) with
 * gtol = ftol = xtol = epsfcn = 1e-5. comps is p×k column-major. Returns [scale, nfev, info].
 */
export function pcaScaleLarch(comps: Float64Array, y: Float64Array, mean: Float64Array, p: i32, k: i32): Float64Array {
  const r = new PcaScaleResidual(comps, y, mean, p, k);
  const u = new Float64Array(1);
  unchecked((u[0] = Math.sqrt(3.0))); // internal value of 1 with min 0: sqrt((1 − 0 + 1)² − 1)
  const f = new Float64Array(p);
  const lm = lmdif(r, u, f, 1e-5, 1e-5, 1e-5, 2 * 2000 * 2, 1e-5, 100.0);
  const out = new Float64Array(3);
  unchecked((out[0] = -1.0 + Math.sqrt(u[0] * u[0] + 1.0)));
  unchecked((out[1] = <f64>lm.nfev));
  unchecked((out[2] = <f64>lm.info));
  return out;
}

// ---- PCA --------------------------------------------------------------------------------------

/**
 * Larch 0.9.58 pca_train on Y (ns spectra × p points, row-major): the mean spectrum; each
 * mean-subtracted spectrum standardized over energy (its mean removed, divided by its population
 * standard deviation); C = ZsᵀZs/ns; eigenvalues descending; components (Zs·(−v))/ns. When
 * p < ns the p×p matrix ZsZsᵀ/ns is decomposed instead (same non-zero eigenvalues; the
 * components are ±√(λ/ns)·u), and the eigenvalue list is completed with zeros.
 * Returns [eigenvalues (ns), mean (p), components (ns × p, row-major)].
 */
export function pcaTrainKernel(Y: Float64Array, ns: i32, p: i32): Float64Array {
  const mean = new Float64Array(p);
  for (let s = 0; s < ns; s++) for (let e = 0; e < p; e++) unchecked((mean[e] += Y[s * p + e]));
  for (let e = 0; e < p; e++) unchecked((mean[e] /= <f64>ns));
  const Z = new Float64Array(ns * p);
  for (let s = 0; s < ns; s++) {
    let mu = 0.0;
    for (let e = 0; e < p; e++) {
      const v = unchecked(Y[s * p + e]) - unchecked(mean[e]);
      unchecked((Z[s * p + e] = v));
      mu += v;
    }
    mu /= <f64>p;
    let ss = 0.0;
    for (let e = 0; e < p; e++) {
      const v = unchecked(Z[s * p + e]) - mu;
      unchecked((Z[s * p + e] = v));
      ss += v * v;
    }
    const sd = Math.sqrt(ss / <f64>p);
    for (let e = 0; e < p; e++) unchecked((Z[s * p + e] /= sd));
  }
  const out = new Float64Array(ns + p + ns * p);
  for (let e = 0; e < p; e++) unchecked((out[ns + e] = mean[e]));
  const oc = ns + p;
  if (ns <= p) {
    const C = new Float64Array(ns * ns);
    for (let a = 0; a < ns; a++) {
      for (let b = a; b < ns; b++) {
        const s = dotAt(Z, a * p, Z, b * p, p) / <f64>ns;
        unchecked((C[a * ns + b] = s));
        unchecked((C[b * ns + a] = s));
      }
    }
    const d = new Float64Array(ns);
    const V = new Float64Array(ns * ns);
    symEigenInto(C, ns, d, V);
    for (let i = 0; i < ns; i++) {
      const src = ns - 1 - i; // descending
      unchecked((out[i] = d[src]));
      // component i = −(1/ns)·Σ_a V[a][src]·Z_a (rows are contiguous)
      for (let a = 0; a < ns; a++) axpyAt(-unchecked(V[a * ns + src]) / <f64>ns, Z, a * p, out, oc + i * p, p);
    }
  } else {
    const C = new Float64Array(p * p);
    for (let e = 0; e < p; e++) {
      for (let f = e; f < p; f++) {
        let s = 0.0;
        for (let a = 0; a < ns; a++) s += unchecked(Z[a * p + e]) * unchecked(Z[a * p + f]);
        s /= <f64>ns;
        unchecked((C[e * p + f] = s));
        unchecked((C[f * p + e] = s));
      }
    }
    const d = new Float64Array(p);
    const V = new Float64Array(p * p);
    symEigenInto(C, p, d, V);
    for (let i = 0; i < p; i++) {
      const src = p - 1 - i;
      const lam = Math.max(0.0, unchecked(d[src]));
      unchecked((out[i] = d[src]));
      const sc = Math.sqrt(lam / <f64>ns);
      for (let e = 0; e < p; e++) unchecked((out[oc + i * p + e] = sc * V[e * p + src]));
    }
  }
  return out;
}

/**
 * Uncentered decomposition of D = Yᵀ (p points × ns spectra) for target transformation and
 * reconstruction: eigenvalues λ of DᵀD (= squared singular values, descending, r = min(ns, p))
 * and the left singular vectors u_i (p-long, unit). Returns [λ (r), U (r × p row-major)].
 */
export function tfaKernel(Y: Float64Array, ns: i32, p: i32): Float64Array {
  const r = ns < p ? ns : p;
  const out = new Float64Array(r + r * p);
  if (ns <= p) {
    const C = new Float64Array(ns * ns);
    for (let a = 0; a < ns; a++) {
      for (let b = a; b < ns; b++) {
        const s = dotAt(Y, a * p, Y, b * p, p);
        unchecked((C[a * ns + b] = s));
        unchecked((C[b * ns + a] = s));
      }
    }
    const d = new Float64Array(ns);
    const V = new Float64Array(ns * ns);
    symEigenInto(C, ns, d, V);
    const tiny = 1e-13 * Math.max(Math.abs(unchecked(d[ns - 1])), 1e-300);
    for (let i = 0; i < ns; i++) {
      const src = ns - 1 - i;
      const lam = unchecked(d[src]);
      unchecked((out[i] = lam));
      if (!(lam > tiny)) continue;
      // u = D v / ‖D v‖
      const o = r + i * p;
      for (let a = 0; a < ns; a++) axpyAt(unchecked(V[a * ns + src]), Y, a * p, out, o, p);
      const nn = Math.sqrt(dotAt(out, o, out, o, p));
      for (let e = 0; e < p; e++) unchecked((out[o + e] /= nn));
    }
  } else {
    const C = new Float64Array(p * p);
    for (let e = 0; e < p; e++) {
      for (let f = e; f < p; f++) {
        let s = 0.0;
        for (let a = 0; a < ns; a++) s += unchecked(Y[a * p + e]) * unchecked(Y[a * p + f]);
        unchecked((C[e * p + f] = s));
        unchecked((C[f * p + e] = s));
      }
    }
    const d = new Float64Array(p);
    const V = new Float64Array(p * p);
    symEigenInto(C, p, d, V);
    for (let i = 0; i < r; i++) {
      const src = p - 1 - i;
      unchecked((out[i] = d[src]));
      for (let e = 0; e < p; e++) unchecked((out[r + i * p + e] = V[e * p + src]));
    }
  }
  return out;
}
