// AUTOBK background removal (larch-conventions §2). The residual of Larch's objective is linear
// in the B-spline coefficients c except for the clamp scale s = 1 + 100*mean(out^2):
//   out(c) = b - H c              (first irbkg points of the windowed FT, re/im interleaved)
//   clamp(c) = s(c) * w * (u - G c)   (first/last nclamp chi points of the kout grid)
// so Gauss-Newton with the exact Jacobian reaches the minimum lmdif approaches, in a few steps.
import { twiddles, cosTable, sinTable, isPowerOfTwo } from './fft';
import { splineMoments, splineEvalInto } from './interp';
import { bsplineInterval, bsplineBasis } from './bspline';
import { lstsqInPlace } from './linalg';

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

/** Adds v * exp(-2 pi i n m / N) for m < irbkg to column col of H (2*irbkg x ncoef, row-major). */
@inline
function dftAccumulate(H: Float64Array, ncoef: i32, col: i32, v: f64, n: i32, irbkg: i32, mask: i32, nfft: i32, pow2: bool, cs: Float64Array, sn: Float64Array): void {
  for (let m = 0; m < irbkg; m++) {
    const idx = pow2 ? (n * m) & mask : (n * m) % nfft;
    unchecked((H[2 * m * ncoef + col] += v * cs[idx]));
    unchecked((H[(2 * m + 1) * ncoef + col] -= v * sn[idx]));
  }
}

/**
 * The AUTOBK solve.
 * kraw (nmue): signed k of the working energy points; mu (nmue): raw mu there;
 * t (ncoef+4): knot vector; ftwin (nk): k^kweight * window on kout = kstep*[0..nk-1];
 * chiStd (nk or empty): reference chi subtracted (un-normalized), on kout;
 * c0 (ncoef or empty): starting coefficients.
 * Returns [c (ncoef), chi_raw(kout) (nk), bkg(kraw) (nmue), chisqr, iterations, fastPath].
 */
export function autobkSolve(kraw: Float64Array, mu: Float64Array, t: Float64Array, nk: i32, kstep: f64, ftwin: Float64Array, irbkg: i32, nfft: i32, nclamp: i32, clampLo: f64, clampHi: f64, chiStd: Float64Array, c0: Float64Array): Float64Array {
  const nmue = kraw.length;
  const ncoef = t.length - 4;
  const kout = new Float64Array(nk);
  for (let i = 0; i < nk; i++) unchecked((kout[i] = <f64>i * kstep));

  // chi of mu alone on kout (the part of chi independent of c)
  const Mmu = new Float64Array(nmue);
  splineMoments(kraw, mu, nmue, Mmu);
  const y0 = new Float64Array(nk);
  splineEvalInto(kraw, mu, Mmu, nmue, kout, nk, y0);
  if (chiStd.length == nk) for (let i = 0; i < nk; i++) unchecked((y0[i] -= chiStd[i]));

  twiddles(nfft);
  const cs = cosTable();
  const sn = sinTable();
  const pow2 = isPowerOfTwo(nfft);
  const mask = nfft - 1;
  const nr = 2 * irbkg;
  const H = new Float64Array(nr * ncoef);
  const b = new Float64Array(nr);
  const ncl = nclamp < 0 ? 0 : nclamp > nk ? nk : nclamp;
  const Gc = new Float64Array(2 * ncl * ncoef);
  const uc = new Float64Array(2 * ncl);
  const wc = new Float64Array(2 * ncl);
  for (let i = 0; i < ncl; i++) {
    unchecked((uc[i] = y0[i]));
    unchecked((uc[ncl + i] = y0[nk - ncl + i]));
    unchecked((wc[i] = Math.abs(clampLo)));
    unchecked((wc[ncl + i] = Math.abs(clampHi)));
  }
  for (let n = 0; n < nk; n++) {
    const v = unchecked(ftwin[n]) * FT_SCALE * unchecked(y0[n]);
    if (v != 0.0) {
      for (let m = 0; m < irbkg; m++) {
        const idx = pow2 ? (n * m) & mask : (n * m) % nfft;
        unchecked((b[2 * m] += v * cs[idx]));
        unchecked((b[2 * m + 1] -= v * sn[idx]));
      }
    }
  }

  const fast = knotsInInterpolantSpace(t, ncoef, kraw, nmue);
  const bas = new Float64Array(4);
  if (fast) {
    let l = 3;
    for (let n = 0; n < nk; n++) {
      const x = unchecked(kout[n]);
      l = bsplineInterval(t, ncoef, x, l);
      bsplineBasis(t, l, x, bas);
      const w = unchecked(ftwin[n]) * FT_SCALE;
      if (w != 0.0) {
        for (let j = 0; j < 4; j++) {
          const v = w * unchecked(bas[j]);
          if (v != 0.0) dftAccumulate(H, ncoef, l - 3 + j, v, n, irbkg, mask, nfft, pow2, cs, sn);
        }
      }
      for (let j = 0; j < 4; j++) {
        if (n < ncl) unchecked((Gc[n * ncoef + l - 3 + j] = bas[j]));
        if (n >= nk - ncl) unchecked((Gc[(ncl + n - (nk - ncl)) * ncoef + l - 3 + j] = bas[j]));
      }
    }
  } else {
    // general case: G_j = spline interpolation of B_j sampled at kraw
    const Bk = new Float64Array(nmue * 4);
    const Lk = new Int32Array(nmue);
    let l = 3;
    for (let i = 0; i < nmue; i++) {
      const x = unchecked(kraw[i]);
      l = bsplineInterval(t, ncoef, x, l);
      bsplineBasis(t, l, x, bas);
      unchecked((Lk[i] = l));
      for (let j = 0; j < 4; j++) unchecked((Bk[4 * i + j] = bas[j]));
    }
    const col = new Float64Array(nmue);
    const Mc = new Float64Array(nmue);
    const g = new Float64Array(nk);
    for (let jc = 0; jc < ncoef; jc++) {
      for (let i = 0; i < nmue; i++) {
        const d = jc - (unchecked(Lk[i]) - 3);
        unchecked((col[i] = d >= 0 && d < 4 ? Bk[4 * i + d] : 0.0));
      }
      splineMoments(kraw, col, nmue, Mc);
      splineEvalInto(kraw, col, Mc, nmue, kout, nk, g);
      for (let n = 0; n < nk; n++) {
        const v = unchecked(ftwin[n]) * FT_SCALE * unchecked(g[n]);
        if (v != 0.0) dftAccumulate(H, ncoef, jc, v, n, irbkg, mask, nfft, pow2, cs, sn);
      }
      for (let i = 0; i < ncl; i++) {
        unchecked((Gc[i * ncoef + jc] = g[i]));
        unchecked((Gc[(ncl + i) * ncoef + jc] = g[nk - ncl + i]));
      }
    }
  }

  // Gauss-Newton on r(c) = [b - H c ; s(c) * wc * (uc - Gc c)]
  const nrow = nr + 2 * ncl;
  const c = new Float64Array(ncoef);
  const out = new Float64Array(nr);
  const rc = new Float64Array(2 * ncl);
  const grad = new Float64Array(ncoef);
  const J = new Float64Array(nrow * ncoef);
  const rhs = new Float64Array(nrow);
  const ctry = new Float64Array(ncoef);
  const sFactor = 100.0 / <f64>nr;
  if (c0.length == ncoef) for (let j = 0; j < ncoef; j++) unchecked((c[j] = c0[j]));
  let fcur = autobkObjective(c, H, b, nr, ncoef, Gc, uc, wc, ncl, sFactor, out, rc);
  let iter = 0;
  for (; iter < 100; iter++) {
    // residuals at c (out, rc filled by autobkObjective) and the exact Jacobian
    let q = 0.0;
    for (let i = 0; i < nr; i++) q += unchecked(out[i]) * unchecked(out[i]);
    const s = 1.0 + sFactor * q;
    for (let j = 0; j < ncoef; j++) {
      let g = 0.0;
      for (let i = 0; i < nr; i++) g += unchecked(H[i * ncoef + j]) * unchecked(out[i]);
      unchecked((grad[j] = -2.0 * sFactor * g)); // ds/dc_j
    }
    for (let i = 0; i < nr; i++) {
      for (let j = 0; j < ncoef; j++) unchecked((J[i * ncoef + j] = -H[i * ncoef + j]));
      unchecked((rhs[i] = -out[i]));
    }
    for (let i = 0; i < 2 * ncl; i++) {
      const row = nr + i;
      const w = unchecked(wc[i]);
      for (let j = 0; j < ncoef; j++) unchecked((J[row * ncoef + j] = -s * w * Gc[i * ncoef + j] + rc[i] * grad[j]));
      unchecked((rhs[row] = -s * rc[i]));
    }
    const delta = lstsqInPlace(J, rhs, nrow, ncoef);
    let step = 1.0;
    let fnew: f64 = 0.0;
    let accepted = false;
    for (let h = 0; h < 40; h++) {
      for (let j = 0; j < ncoef; j++) unchecked((ctry[j] = c[j] + step * delta[j]));
      fnew = autobkObjective(ctry, H, b, nr, ncoef, Gc, uc, wc, ncl, sFactor, out, rc);
      if (fnew <= fcur) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    let dn = 0.0;
    let cn = 0.0;
    for (let j = 0; j < ncoef; j++) {
      dn += step * step * unchecked(delta[j]) * unchecked(delta[j]);
      cn += unchecked(c[j]) * unchecked(c[j]);
    }
    if (!accepted) {
      autobkObjective(c, H, b, nr, ncoef, Gc, uc, wc, ncl, sFactor, out, rc);
      break;
    }
    for (let j = 0; j < ncoef; j++) unchecked((c[j] = ctry[j]));
    const fprev = fcur;
    fcur = fnew;
    if (dn <= 1e-30 * cn || fprev - fcur <= 1e-15 * fcur) {
      iter++;
      break;
    }
  }

  // background on the working points and chi on kout, as Larch computes them
  const bkg = new Float64Array(nmue);
  let l = 3;
  for (let i = 0; i < nmue; i++) {
    const x = unchecked(kraw[i]);
    l = bsplineInterval(t, ncoef, x, l);
    bsplineBasis(t, l, x, bas);
    let sum = 0.0;
    for (let j = 0; j < 4; j++) sum += unchecked(bas[j]) * unchecked(c[l - 3 + j]);
    unchecked((bkg[i] = sum));
  }
  const diff = new Float64Array(nmue);
  for (let i = 0; i < nmue; i++) unchecked((diff[i] = mu[i] - bkg[i]));
  const Md = new Float64Array(nmue);
  splineMoments(kraw, diff, nmue, Md);
  const chi = new Float64Array(nk);
  splineEvalInto(kraw, diff, Md, nmue, kout, nk, chi);

  const res = new Float64Array(ncoef + nk + nmue + 3);
  for (let j = 0; j < ncoef; j++) unchecked((res[j] = c[j]));
  for (let i = 0; i < nk; i++) unchecked((res[ncoef + i] = chi[i]));
  for (let i = 0; i < nmue; i++) unchecked((res[ncoef + nk + i] = bkg[i]));
  unchecked((res[ncoef + nk + nmue] = fcur));
  unchecked((res[ncoef + nk + nmue + 1] = <f64>iter));
  unchecked((res[ncoef + nk + nmue + 2] = fast ? 1.0 : 0.0));
  return res;
}

/** Sum of squared residuals at c; fills out (FT part) and rc (unscaled clamp part). */
function autobkObjective(c: Float64Array, H: Float64Array, b: Float64Array, nr: i32, ncoef: i32, Gc: Float64Array, uc: Float64Array, wc: Float64Array, ncl: i32, sFactor: f64, out: Float64Array, rc: Float64Array): f64 {
  let q = 0.0;
  for (let i = 0; i < nr; i++) {
    let v = unchecked(b[i]);
    for (let j = 0; j < ncoef; j++) v -= unchecked(H[i * ncoef + j]) * unchecked(c[j]);
    unchecked((out[i] = v));
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
