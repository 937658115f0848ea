// AUTOBK background removal (docs/conventions.md §2). The residual of Larch's objective is linear
// in the B-spline coefficients c except for the clamp scale s = 1 + 100*mean(out^2):
//   out(c) = b - H c              (first irbkg points of the windowed FT, re/im interleaved)
//   clamp(c) = s(c) * w * (u - G c)   (first/last nclamp chi points of the kout grid)
// so Gauss-Newton with the exact Jacobian reaches the minimum lmdif approaches, in a few steps.
import { twiddles, cosTable, sinTable, isPowerOfTwo } from './fft';
import { splineMoments, splineEvalInto } from './interp';
import { bsplineInterval, bsplineBasis } from './bspline';
import { lstsqInPlace, lstsq } from './linalg';
import { Residual, lmdif } from './minpack';

/** Larch's autobk FT scale uses the default kstep 0.05 whatever kstep is passed. */
const FT_SCALE: f64 = 0.05 / Math.sqrt(Math.PI);

/**
 * True when every interior knot t[4..ncoef-1] is a distinct data point kraw[i] with
 * 2 <= i <= n-3: then each B-spline lies in the space of the not-a-knot interpolant through
 * kraw, so interpolating B_j sampled at kraw gives B_j back exactly and G = B(kout).
 */
function knotsInInterpolantSpace(t: Float64Array, ncoef: i32, kraw: Float64Array, n: i32): bool {
  let i = 2;
  let prev: f64 = -Infinity;
  for (let j = 4; j < ncoef; j++) {
    const tj = unchecked(t[j]);
    if (!(tj > prev)) return false;
    prev = tj;
    while (i <= n - 3 && unchecked(kraw[i]) < tj) i++;
    if (i > n - 3 || unchecked(kraw[i]) != tj) return false;
  }
  return true;
}

/**
 * Everything of an AUTOBK problem that depends only on the energy grid, e0 and the options:
 * built once and reused for every spectrum measured on the same grid (a series).
 */
class AutobkPlan {
  nmue: i32 = 0;
  nk: i32 = 0;
  ncoef: i32 = 0;
  irbkg: i32 = 0;
  ncl: i32 = 0;
  kraw: Float64Array = new Float64Array(0);
  kout: Float64Array = new Float64Array(0);
  /** Y = scale·W·DFT rows: (2 irbkg) × nk, row-major, so that out = Y·chi. */
  Y: Float64Array = new Float64Array(0);
  /** Householder QR of H = Y·B(kout): reflectors (2 irbkg × ncoef) and R's diagonal. */
  QR: Float64Array = new Float64Array(0);
  Rdiag: Float64Array = new Float64Array(0);
  /** Clamp rows of the chi operator: (2 ncl) × ncoef. */
  Gc: Float64Array = new Float64Array(0);
  /** B-spline basis at kraw: interval index and 4 values per point. */
  Lk: Int32Array = new Int32Array(0);
  Bk: Float64Array = new Float64Array(0);
  /** Collocation matrix B(spl_k) (ncoef × ncoef, row-major): splrep's interpolation at the knots. */
  colloc: Float64Array = new Float64Array(0);
  fast: bool = false;
}

let plans = new Array<AutobkPlan | null>(0);

/**
 * Builds the grid-dependent part of the AUTOBK solve and returns its handle.
 * kraw (nmue): signed k of the working energy points; t (ncoef+4): knot vector;
 * ftwin (nk): k^kweight · window on kout = kstep·[0..nk-1].
 */
export function autobkPlan(kraw: Float64Array, t: Float64Array, splK: Float64Array, nk: i32, kstep: f64, ftwin: Float64Array, irbkg: i32, nfft: i32, nclamp: i32): i32 {
  const pl = new AutobkPlan();
  const nmue = kraw.length;
  const ncoef = t.length - 4;
  const nr = 2 * irbkg;
  const ncl = nclamp < 0 ? 0 : nclamp > nk ? nk : nclamp;
  pl.nmue = nmue;
  pl.nk = nk;
  pl.ncoef = ncoef;
  pl.irbkg = irbkg;
  pl.ncl = ncl;
  pl.kraw = new Float64Array(nmue);
  for (let i = 0; i < nmue; i++) unchecked((pl.kraw[i] = kraw[i]));
  const kout = new Float64Array(nk);
  for (let i = 0; i < nk; i++) unchecked((kout[i] = <f64>i * kstep));
  pl.kout = kout;

  twiddles(nfft);
  const cs = cosTable();
  const sn = sinTable();
  const pow2 = isPowerOfTwo(nfft);
  const mask = nfft - 1;
  const Y = new Float64Array(nr * nk);
  for (let n = 0; n < nk; n++) {
    const w = unchecked(ftwin[n]) * FT_SCALE;
    if (w == 0.0) continue;
    for (let m = 0; m < irbkg; m++) {
      const idx = pow2 ? (n * m) & mask : (n * m) % nfft;
      unchecked((Y[2 * m * nk + n] = w * cs[idx]));
      unchecked((Y[(2 * m + 1) * nk + n] = -w * sn[idx]));
    }
  }
  pl.Y = Y;

  // basis at kraw (for the background) and the chi operator's columns G_j on kout
  const bas = new Float64Array(4);
  const Lk = new Int32Array(nmue);
  const Bk = new Float64Array(nmue * 4);
  let l = 3;
  for (let i = 0; i < nmue; i++) {
    const x = unchecked(kraw[i]);
    l = bsplineInterval(t, ncoef, x, l);
    bsplineBasis(t, l, x, bas);
    unchecked((Lk[i] = l));
    for (let j = 0; j < 4; j++) unchecked((Bk[4 * i + j] = bas[j]));
  }
  pl.Lk = Lk;
  pl.Bk = Bk;
  const colloc = new Float64Array(ncoef * ncoef);
  l = 3;
  for (let i = 0; i < ncoef && i < splK.length; i++) {
    const x = unchecked(splK[i]);
    l = bsplineInterval(t, ncoef, x, l);
    bsplineBasis(t, l, x, bas);
    for (let j = 0; j < 4; j++) unchecked((colloc[i * ncoef + l - 3 + j] = bas[j]));
  }
  pl.colloc = colloc;
  const H = new Float64Array(nr * ncoef);
  const Gc = new Float64Array(2 * ncl * ncoef);
  const fast = knotsInInterpolantSpace(t, ncoef, kraw, nmue);
  pl.fast = fast;
  if (fast) {
    // each B_j lies in the interpolant's spline space: G_j(kout) = B_j(kout), 4 non-zeros a row
    l = 3;
    for (let n = 0; n < nk; n++) {
      const x = unchecked(kout[n]);
      l = bsplineInterval(t, ncoef, x, l);
      bsplineBasis(t, l, x, bas);
      for (let j = 0; j < 4; j++) {
        const bj = unchecked(bas[j]);
        if (bj == 0.0) continue;
        const col = l - 3 + j;
        for (let r = 0; r < nr; r++) unchecked((H[r * ncoef + col] += Y[r * nk + n] * bj));
        if (n < ncl) unchecked((Gc[n * ncoef + col] = bj));
        if (n >= nk - ncl) unchecked((Gc[(ncl + n - (nk - ncl)) * ncoef + col] = bj));
      }
    }
  } else {
    // general case: G_j = not-a-knot interpolation of B_j sampled at kraw, evaluated on kout
    const colv = new Float64Array(nmue);
    const Mc = new Float64Array(nmue);
    const g = new Float64Array(nk);
    for (let jc = 0; jc < ncoef; jc++) {
      for (let i = 0; i < nmue; i++) {
        const d = jc - (unchecked(Lk[i]) - 3);
        unchecked((colv[i] = d >= 0 && d < 4 ? Bk[4 * i + d] : 0.0));
      }
      splineMoments(kraw, colv, nmue, Mc);
      splineEvalInto(kraw, colv, Mc, nmue, kout, nk, g);
      for (let r = 0; r < nr; r++) {
        let acc = 0.0;
        for (let n = 0; n < nk; n++) acc += unchecked(Y[r * nk + n]) * unchecked(g[n]);
        unchecked((H[r * ncoef + jc] = acc));
      }
      for (let i = 0; i < ncl; i++) {
        unchecked((Gc[i * ncoef + jc] = g[i]));
        unchecked((Gc[(ncl + i) * ncoef + jc] = g[nk - ncl + i]));
      }
    }
  }
  pl.Gc = Gc;
  pl.Rdiag = householderQR(H, nr, ncoef);
  pl.QR = H;
  for (let i = 0; i < plans.length; i++) {
    if (plans[i] === null) {
      plans[i] = pl;
      return i;
    }
  }
  plans.push(pl);
  return plans.length - 1;
}

export function autobkFree(handle: i32): void {
  if (handle >= 0 && handle < plans.length) plans[handle] = null;
}

/**
 * Householder QR in place (A m×n row-major, m >= n): reflector k in column k rows k..m-1 with
 * v_k = 1 implicit scaling as in LINPACK (stored unnormalised), returns the diagonal of R.
 */
function householderQR(A: Float64Array, m: i32, n: i32): Float64Array {
  const diag = new Float64Array(n);
  const kmax = n < m ? n : m;
  for (let k = 0; k < kmax; k++) {
    let norm = 0.0;
    for (let i = k; i < m; i++) norm += unchecked(A[i * n + k]) * unchecked(A[i * n + k]);
    norm = Math.sqrt(norm);
    if (norm == 0.0) continue;
    const akk = unchecked(A[k * n + k]);
    const alpha = akk > 0 ? -norm : norm;
    unchecked((A[k * n + k] = akk - alpha));
    unchecked((diag[k] = alpha));
    let vv = 0.0;
    for (let i = k; i < m; i++) vv += unchecked(A[i * n + k]) * unchecked(A[i * n + k]);
    if (vv == 0.0) continue;
    for (let j = k + 1; j < n; j++) {
      let s = 0.0;
      for (let i = k; i < m; i++) s += unchecked(A[i * n + k]) * unchecked(A[i * n + j]);
      const f = (2.0 * s) / vv;
      for (let i = k; i < m; i++) unchecked((A[i * n + j] -= f * A[i * n + k]));
    }
  }
  return diag;
}

/** b <- Q^T b with the reflectors stored by householderQR. */
function applyQt(A: Float64Array, diag: Float64Array, m: i32, n: i32, b: Float64Array): void {
  const kmax = n < m ? n : m;
  for (let k = 0; k < kmax; k++) {
    if (unchecked(diag[k]) == 0.0) continue;
    let vv = 0.0;
    let s = 0.0;
    for (let i = k; i < m; i++) {
      const v = unchecked(A[i * n + k]);
      vv += v * v;
      s += v * unchecked(b[i]);
    }
    if (vv == 0.0) continue;
    const f = (2.0 * s) / vv;
    for (let i = k; i < m; i++) unchecked((b[i] -= f * A[i * n + k]));
  }
}

/**
 * Solves one spectrum with a plan. mu (nmue): raw mu on the working points; chiStd (nk or empty).
 * Minimizes |b − H c|² + s(c)²·|w (u − Gc c)|², s = 1 + 100·mean((b − H c)²), with H = Q R:
 * |b − H c|² = ρ² + |β − R c|², β = Qᵀb, so each Gauss-Newton step is an (ncoef + 2 ncl) × ncoef
 * least-squares problem. Returns [c (ncoef), chi_raw(kout) (nk), bkg(kraw) (nmue), chisqr, nfev or iterations, fastPath,
 * lmdif info (0 for the exact solver; 5 = evaluation limit reached)].
 */
export function autobkRun(handle: i32, mu: Float64Array, chiStd: Float64Array, clampLo: f64, clampHi: f64, splY: Float64Array, mode: i32): Float64Array {
  const pl = plans[handle] as AutobkPlan;
  const nmue = pl.nmue;
  const nk = pl.nk;
  const ncoef = pl.ncoef;
  const nr = 2 * pl.irbkg;
  const ncl = pl.ncl;
  const kraw = pl.kraw;
  const kout = pl.kout;
  const Y = pl.Y;

  const Mmu = new Float64Array(nmue);
  splineMoments(kraw, mu, nmue, Mmu);
  const y0 = new Float64Array(nk);
  splineEvalInto(kraw, mu, Mmu, nmue, kout, nk, y0);
  if (chiStd.length == nk) for (let i = 0; i < nk; i++) unchecked((y0[i] -= chiStd[i]));

  // b = Y·y0, then β = Qᵀb and ρ² = |rest of Qᵀb|²
  const b = new Float64Array(nr);
  const py = y0.dataStart;
  for (let r = 0; r < nr; r++) {
    const prow = Y.dataStart + ((<usize>(r * nk)) << 3);
    let acc = 0.0;
    for (let n = 0; n < nk; n++) acc += load<f64>(prow + (<usize>n << 3)) * load<f64>(py + (<usize>n << 3));
    unchecked((b[r] = acc));
  }
  applyQt(pl.QR, pl.Rdiag, nr, ncoef, b);
  let rho2 = 0.0;
  for (let i = ncoef; i < nr; i++) rho2 += unchecked(b[i]) * unchecked(b[i]);
  // R (upper triangle) as a dense ncoef × ncoef matrix
  const R = new Float64Array(ncoef * ncoef);
  for (let i = 0; i < ncoef; i++) {
    unchecked((R[i * ncoef + i] = pl.Rdiag[i]));
    for (let j = i + 1; j < ncoef; j++) unchecked((R[i * ncoef + j] = pl.QR[i * ncoef + j]));
  }
  const uc = new Float64Array(2 * ncl);
  const wc = new Float64Array(2 * ncl);
  for (let i = 0; i < ncl; i++) {
    unchecked((uc[i] = y0[i]));
    unchecked((uc[ncl + i] = y0[nk - ncl + i]));
    unchecked((wc[i] = Math.abs(clampLo)));
    unchecked((wc[ncl + i] = Math.abs(clampHi)));
  }
  const sFactor = 100.0 / <f64>nr;
  const Gc = pl.Gc;
  const nrow = ncoef + 2 * ncl;
  const J = new Float64Array(nrow * ncoef);
  const rhs = new Float64Array(nrow);
  const c = new Float64Array(ncoef);
  const ctry = new Float64Array(ncoef);
  const e = new Float64Array(ncoef); // β − R c
  const rc = new Float64Array(2 * ncl); // w (u − Gc c)
  const grad = new Float64Array(ncoef);

  let fcur: f64 = 0.0;
  let iter = 0;
  let info = 0;
  if (mode == 0) {
    // Larch: lmdif from the splrep coefficients, gtol = ftol = xtol = epsfcn = 1e-6
    const c0 = lstsq(pl.colloc, splY, ncoef, ncoef);
    for (let j = 0; j < ncoef; j++) unchecked((c[j] = c0[j]));
    const fcn = new AutobkResidual();
    fcn.m = ncoef + 1 + 2 * ncl;
    fcn.n = ncoef;
    fcn.R = R;
    fcn.beta = b;
    fcn.rho = Math.sqrt(rho2);
    fcn.rho2 = rho2;
    fcn.Gc = Gc;
    fcn.uc = uc;
    fcn.wc = wc;
    fcn.ncl = ncl;
    fcn.sFactor = sFactor;
    const fvec = new Float64Array(fcn.m);
    const lm = lmdif(fcn, c, fvec, 1e-6, 1e-6, 1e-6, 2000 * (ncoef + 1), 1e-6, 100.0);
    iter = lm.nfev;
    info = lm.info;
    fcur = 0.0;
    for (let i = 0; i < fcn.m; i++) fcur += unchecked(fvec[i]) * unchecked(fvec[i]);
    last = stashRun(handle, 0, c, fcur, lm.r, lm.ipvt, R, b, rho2, uc, wc, sFactor);
  } else {
    // start: the clamped linear problem with s at its lower bound 1 + sF·ρ²
    const s0 = 1.0 + sFactor * rho2;
    for (let i = 0; i < ncoef; i++) {
      for (let j = 0; j < ncoef; j++) unchecked((J[i * ncoef + j] = R[i * ncoef + j]));
      unchecked((rhs[i] = b[i]));
    }
    for (let i = 0; i < 2 * ncl; i++) {
      const w = s0 * unchecked(wc[i]);
      for (let j = 0; j < ncoef; j++) unchecked((J[(ncoef + i) * ncoef + j] = w * Gc[i * ncoef + j]));
      unchecked((rhs[ncoef + i] = w * uc[i]));
    }
    let x = lstsqInPlace(J, rhs, nrow, ncoef);
    for (let j = 0; j < ncoef; j++) unchecked((c[j] = x[j]));
    fcur = runObjective(c, R, b, rho2, ncoef, Gc, uc, wc, ncl, sFactor, e, rc);
    iter = 1;
    for (; iter < 100; iter++) {
      let q = rho2;
      for (let i = 0; i < ncoef; i++) q += unchecked(e[i]) * unchecked(e[i]);
      const s = 1.0 + sFactor * q;
      // ds/dc = −2 sF Rᵀ(β − R c)
      for (let j = 0; j < ncoef; j++) {
        let g = 0.0;
        for (let i = 0; i <= j; i++) g += unchecked(R[i * ncoef + j]) * unchecked(e[i]);
        unchecked((grad[j] = -2.0 * sFactor * g));
      }
      for (let i = 0; i < ncoef; i++) {
        for (let j = 0; j < ncoef; j++) unchecked((J[i * ncoef + j] = R[i * ncoef + j]));
        unchecked((rhs[i] = e[i]));
      }
      for (let i = 0; i < 2 * ncl; i++) {
        const w = unchecked(wc[i]);
        for (let j = 0; j < ncoef; j++) unchecked((J[(ncoef + i) * ncoef + j] = s * w * Gc[i * ncoef + j] - rc[i] * grad[j]));
        unchecked((rhs[ncoef + i] = s * rc[i]));
      }
      x = lstsqInPlace(J, rhs, nrow, ncoef); // J·δ ≈ r  (J here is minus the Jacobian)
      let step = 1.0;
      let fnew: f64 = 0.0;
      let accepted = false;
      for (let h = 0; h < 30; h++) {
        for (let j = 0; j < ncoef; j++) unchecked((ctry[j] = c[j] + step * x[j]));
        fnew = runObjective(ctry, R, b, rho2, ncoef, Gc, uc, wc, ncl, sFactor, e, rc);
        if (fnew <= fcur) {
          accepted = true;
          break;
        }
        step *= 0.5;
      }
      if (!accepted) {
        runObjective(c, R, b, rho2, ncoef, Gc, uc, wc, ncl, sFactor, e, rc);
        break;
      }
      let dn = 0.0;
      let cn = 0.0;
      for (let j = 0; j < ncoef; j++) {
        dn += step * step * unchecked(x[j]) * unchecked(x[j]);
        cn += unchecked(c[j]) * unchecked(c[j]);
        unchecked((c[j] = ctry[j]));
      }
      const fprev = fcur;
      fcur = fnew;
      if (dn <= 1e-28 * cn || fprev - fcur <= 1e-14 * fcur) {
        iter++;
        break;
      }
    }
    last = stashRun(handle, 1, c, fcur, new Float64Array(0), new Int32Array(0), R, b, rho2, uc, wc, sFactor);


  }

  // background on the working points and chi on kout, computed as Larch does
  const bkg = new Float64Array(nmue);
  const diff = new Float64Array(nmue);
  for (let i = 0; i < nmue; i++) {
    const l = unchecked(pl.Lk[i]);
    let sum = 0.0;
    for (let j = 0; j < 4; j++) sum += unchecked(pl.Bk[4 * i + j]) * unchecked(c[l - 3 + j]);
    unchecked((bkg[i] = sum));
    unchecked((diff[i] = mu[i] - sum));
  }
  const Md = new Float64Array(nmue);
  splineMoments(kraw, diff, nmue, Md);
  const res = new Float64Array(ncoef + nk + nmue + 4);
  const chi = new Float64Array(nk);
  splineEvalInto(kraw, diff, Md, nmue, kout, nk, chi);
  for (let j = 0; j < ncoef; j++) unchecked((res[j] = c[j]));
  for (let i = 0; i < nk; i++) unchecked((res[ncoef + i] = chi[i]));
  for (let i = 0; i < nmue; i++) unchecked((res[ncoef + nk + i] = bkg[i]));
  unchecked((res[ncoef + nk + nmue] = fcur));
  unchecked((res[ncoef + nk + nmue + 1] = <f64>iter));
  unchecked((res[ncoef + nk + nmue + 2] = pl.fast ? 1.0 : 0.0));
  unchecked((res[ncoef + nk + nmue + 3] = <f64>info));
  return res;
}

/** The objective at c; fills e = β − R c and rc = w (u − Gc c). */
function runObjective(c: Float64Array, R: Float64Array, beta: Float64Array, rho2: f64, ncoef: i32, Gc: Float64Array, uc: Float64Array, wc: Float64Array, ncl: i32, sFactor: f64, e: Float64Array, rc: Float64Array): f64 {
  let q = rho2;
  for (let i = 0; i < ncoef; i++) {
    let v = unchecked(beta[i]);
    for (let j = i; j < ncoef; j++) v -= unchecked(R[i * ncoef + j]) * unchecked(c[j]);
    unchecked((e[i] = v));
    q += v * v;
  }
  if (ncl == 0) return q;
  const s = 1.0 + sFactor * q;
  let qc = 0.0;
  for (let i = 0; i < 2 * ncl; i++) {
    let v = unchecked(uc[i]);
    for (let j = 0; j < ncoef; j++) v -= unchecked(Gc[i * ncoef + j]) * unchecked(c[j]);
    v *= unchecked(wc[i]);
    unchecked((rc[i] = v));
    qc += v * v;
  }
  return q + s * s * qc;
}

/** The AUTOBK residual in the reduced space: [β − R c ; ρ ; s(c)·w·(u − Gc c)], |·|² = Larch's. */
class AutobkResidual extends Residual {
  R: Float64Array = new Float64Array(0);
  beta: Float64Array = new Float64Array(0);
  rho: f64 = 0.0;
  rho2: f64 = 0.0;
  Gc: Float64Array = new Float64Array(0);
  uc: Float64Array = new Float64Array(0);
  wc: Float64Array = new Float64Array(0);
  ncl: i32 = 0;
  sFactor: f64 = 0.0;
  eval(c: Float64Array, f: Float64Array): void {
    const n = this.n;
    const R = this.R;
    let q = this.rho2;
    for (let i = 0; i < n; i++) {
      let v = unchecked(this.beta[i]);
      for (let j = i; j < n; j++) v -= unchecked(R[i * n + j]) * unchecked(c[j]);
      unchecked((f[i] = v));
      q += v * v;
    }
    unchecked((f[n] = this.rho));
    const s = 1.0 + this.sFactor * q;
    for (let i = 0; i < 2 * this.ncl; i++) {
      let v = unchecked(this.uc[i]);
      for (let j = 0; j < n; j++) v -= unchecked(this.Gc[i * n + j]) * unchecked(c[j]);
      unchecked((f[n + 1 + i] = s * unchecked(this.wc[i]) * v));
    }
  }
}

/** What autobkUncertainty needs of the last autobkRun: its solution and final Jacobian. */
class LastRun {
  handle: i32 = -1;
  mode: i32 = 0;
  c: Float64Array = new Float64Array(0);
  chisqr: f64 = 0.0;
  /** lmdif's final QR: R (n×n, column-major, upper) and the column pivots. */
  lmR: Float64Array = new Float64Array(0);
  ipvt: Int32Array = new Int32Array(0);
  /** The reduced residual's pieces (for the exact solver's analytic Jacobian). */
  R: Float64Array = new Float64Array(0);
  beta: Float64Array = new Float64Array(0);
  rho2: f64 = 0.0;
  uc: Float64Array = new Float64Array(0);
  wc: Float64Array = new Float64Array(0);
  sFactor: f64 = 0.0;
}

let last: LastRun | null = null;

function stashRun(handle: i32, mode: i32, c: Float64Array, chisqr: f64, lmR: Float64Array, ipvt: Int32Array, R: Float64Array, beta: Float64Array, rho2: f64, uc: Float64Array, wc: Float64Array, sFactor: f64): LastRun {
  const s = new LastRun();
  s.handle = handle;
  s.mode = mode;
  s.c = c;
  s.chisqr = chisqr;
  s.lmR = lmR;
  s.ipvt = ipvt;
  s.R = R;
  s.beta = beta;
  s.rho2 = rho2;
  s.uc = uc;
  s.wc = wc;
  s.sFactor = sFactor;
  return s;
}

/**
 * Larch's calc_uncertainties (docs/conventions.md §2.9) for the last autobkRun on this plan: the
 * spline coefficients' unscaled covariance C = (JᵀJ)⁻¹ from the final Jacobian (lmdif's QR for the
 * 'larch' solver, the analytic Jacobian at the solution for 'exact'), propagated to χ(kout) and
 * bkg(kraw), which are linear in the coefficients: var(k) = g(k)ᵀ C g(k) = |R⁻ᵀ Pᵀ g(k)|².
 * Returns [varChi (nk), varBkg (nmue), chisqr, ndata (Larch's residual length), ok (1/0)]; the
 * caller scales by redchi and the Student-t quantile. Empty when the last run was another plan.
 */
export function autobkUncertainty(handle: i32): Float64Array {
  const st = last;
  if (st === null || st.handle != handle || handle < 0 || handle >= plans.length || plans[handle] === null) return new Float64Array(0);
  const pl = plans[handle] as AutobkPlan;
  const n = pl.ncoef;
  const nk = pl.nk;
  const nmue = pl.nmue;
  const ncl = pl.ncl;
  // U upper triangular (row-major) and pivots with J P = Q U
  const U = new Float64Array(n * n);
  const perm = new Int32Array(n);
  if (st.mode == 0) {
    for (let j = 0; j < n; j++) {
      unchecked((perm[j] = st.ipvt[j]));
      for (let i = 0; i <= j; i++) unchecked((U[i * n + j] = st.lmR[i + j * n]));
    }
  } else {
    // J of [β − R c ; s(c)·w·(u − Gc c)]: −R, and w(u − Gc c)·∇s − s·w·Gc with ∇s = −2 sF Rᵀ(β − R c)
    const m = n + 2 * ncl;
    const J = new Float64Array(m * n);
    const e = new Float64Array(n);
    let q = 0.0;
    for (let i = 0; i < n; i++) {
      let v = unchecked(st.beta[i]);
      for (let j = i; j < n; j++) {
        v -= unchecked(st.R[i * n + j]) * unchecked(st.c[j]);
        unchecked((J[i * n + j] = -st.R[i * n + j]));
      }
      unchecked((e[i] = v));
      q += v * v;
    }
    const s = 1.0 + st.sFactor * (q + st.rho2); // ρ is constant: it has no Jacobian row
    const grad = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      let g = 0.0;
      for (let i = 0; i <= j; i++) g += unchecked(st.R[i * n + j]) * unchecked(e[i]);
      unchecked((grad[j] = -2.0 * st.sFactor * g));
    }
    for (let i = 0; i < 2 * ncl; i++) {
      let v = unchecked(st.uc[i]);
      for (let j = 0; j < n; j++) v -= unchecked(pl.Gc[i * n + j]) * unchecked(st.c[j]);
      const w = unchecked(st.wc[i]);
      for (let j = 0; j < n; j++) unchecked((J[(n + i) * n + j] = w * v * grad[j] - s * w * pl.Gc[i * n + j]));
    }
    const diag = householderQR(J, m, n);
    for (let i = 0; i < n; i++) {
      unchecked((perm[i] = i));
      unchecked((U[i * n + i] = diag[i]));
      for (let j = i + 1; j < n; j++) unchecked((U[i * n + j] = J[i * n + j]));
    }
  }
  const out = new Float64Array(nk + nmue + 3);
  let ok = true;
  for (let j = 0; j < n; j++) if (!(Math.abs(unchecked(U[j * n + j])) > 0.0)) ok = false;
  unchecked((out[nk + nmue] = st.chisqr));
  unchecked((out[nk + nmue + 1] = <f64>(2 * pl.irbkg + 2 * ncl)));
  unchecked((out[nk + nmue + 2] = ok ? 1.0 : 0.0));
  if (!ok) return out;
  // ∂χ(kout)/∂c_j: the not-a-knot interpolant of B_j(kraw), evaluated on kout (χ is linear in c)
  const Gk = new Float64Array(nk * n);
  const colv = new Float64Array(nmue);
  const Mc = new Float64Array(nmue);
  const g = new Float64Array(nk);
  for (let jc = 0; jc < n; jc++) {
    for (let i = 0; i < nmue; i++) {
      const d = jc - (unchecked(pl.Lk[i]) - 3);
      unchecked((colv[i] = d >= 0 && d < 4 ? pl.Bk[4 * i + d] : 0.0));
    }
    splineMoments(pl.kraw, colv, nmue, Mc);
    splineEvalInto(pl.kraw, colv, Mc, nmue, pl.kout, nk, g);
    for (let i = 0; i < nk; i++) unchecked((Gk[i * n + jc] = g[i]));
  }
  const h = new Float64Array(n);
  for (let i = 0; i < nk; i++) {
    for (let j = 0; j < n; j++) unchecked((h[j] = Gk[i * n + perm[j]]));
    unchecked((out[i] = normOfTriangularSolve(U, n, h)));
  }
  for (let i = 0; i < nmue; i++) {
    const l = unchecked(pl.Lk[i]);
    for (let j = 0; j < n; j++) {
      const d = unchecked(perm[j]) - (l - 3);
      unchecked((h[j] = d >= 0 && d < 4 ? pl.Bk[4 * i + d] : 0.0));
    }
    unchecked((out[nk + i] = normOfTriangularSolve(U, n, h)));
  }
  return out;
}

/** |y|² with Uᵀ y = h (U upper triangular, row-major); h is overwritten by y. */
function normOfTriangularSolve(U: Float64Array, n: i32, h: Float64Array): f64 {
  let s2 = 0.0;
  for (let j = 0; j < n; j++) {
    let v = unchecked(h[j]);
    for (let i = 0; i < j; i++) v -= unchecked(U[i * n + j]) * unchecked(h[i]);
    v /= unchecked(U[j * n + j]);
    unchecked((h[j] = v));
    s2 += v * v;
  }
  return s2;
}
