// Levenberg-Marquardt with a forward-difference Jacobian: the MINPACK lmdif algorithm (Moré,
// Garbow, Hillstrom 1980) as scipy.optimize.leastsq runs it under lmfit, written from the published
// algorithm. Larch 0.9.58 stops AUTOBK (and feffit) where this algorithm stops, not at the exact
// minimum, so reproducing Larch's numbers means reproducing its path: same scaling (mode 1),
// step bound (factor), convergence tests and enorm.

const EPSMCH: f64 = 2.220446049250313e-16;
const DWARF: f64 = 2.2250738585072014e-308;
const RDWARF: f64 = 3.834e-20;
const RGIANT: f64 = 1.304e19;

/** A residual function: fills f (m) from x (n). */
export class Residual {
  m: i32 = 0;
  n: i32 = 0;
  eval(x: Float64Array, f: Float64Array): void {}
}

/** MINPACK enorm: Euclidean norm with scaling against under/overflow (same rounding as MINPACK). */
export function enorm(n: i32, x: Float64Array, off: i32): f64 {
  let s1 = 0.0;
  let s2 = 0.0;
  let s3 = 0.0;
  let x1max = 0.0;
  let x3max = 0.0;
  const agiant = RGIANT / <f64>n;
  for (let i = 0; i < n; i++) {
    const xabs = Math.abs(unchecked(x[off + i]));
    if (xabs > RDWARF && xabs < agiant) {
      s2 += xabs * xabs;
    } else if (xabs <= RDWARF) {
      if (xabs > x3max) {
        const r = x3max / xabs;
        s3 = 1.0 + s3 * r * r;
        x3max = xabs;
      } else if (xabs != 0.0) {
        const r = xabs / x3max;
        s3 += r * r;
      }
    } else {
      if (xabs > x1max) {
        const r = x1max / xabs;
        s1 = 1.0 + s1 * r * r;
        x1max = xabs;
      } else {
        const r = xabs / x1max;
        s1 += r * r;
      }
    }
  }
  if (s1 != 0.0) return x1max * Math.sqrt(s1 + s2 / x1max / x1max);
  if (s2 != 0.0) {
    if (s2 >= x3max) return Math.sqrt(s2 * (1.0 + (x3max / s2) * (x3max * s3)));
    return Math.sqrt(x3max * (s2 / x3max + x3max * s3));
  }
  return x3max * Math.sqrt(s3);
}

// Matrices are column-major here, as in MINPACK: a[i + j*m].

/** QR with column pivoting (MINPACK qrfac, pivot = true). */
function qrfac(m: i32, n: i32, a: Float64Array, ipvt: Int32Array, rdiag: Float64Array, acnorm: Float64Array, wa: Float64Array): void {
  for (let j = 0; j < n; j++) {
    const v = enorm(m, a, j * m);
    unchecked((acnorm[j] = v));
    unchecked((rdiag[j] = v));
    unchecked((wa[j] = v));
    unchecked((ipvt[j] = j));
  }
  const minmn = m < n ? m : n;
  for (let j = 0; j < minmn; j++) {
    let kmax = j;
    for (let k = j; k < n; k++) if (unchecked(rdiag[k]) > unchecked(rdiag[kmax])) kmax = k;
    if (kmax != j) {
      for (let i = 0; i < m; i++) {
        const t = unchecked(a[i + j * m]);
        unchecked((a[i + j * m] = a[i + kmax * m]));
        unchecked((a[i + kmax * m] = t));
      }
      unchecked((rdiag[kmax] = rdiag[j]));
      unchecked((wa[kmax] = wa[j]));
      const t = unchecked(ipvt[j]);
      unchecked((ipvt[j] = ipvt[kmax]));
      unchecked((ipvt[kmax] = t));
    }
    let ajnorm = enorm(m - j, a, j + j * m);
    if (ajnorm != 0.0) {
      if (unchecked(a[j + j * m]) < 0.0) ajnorm = -ajnorm;
      for (let i = j; i < m; i++) unchecked((a[i + j * m] /= ajnorm));
      unchecked((a[j + j * m] += 1.0));
      for (let k = j + 1; k < n; k++) {
        let sum = 0.0;
        for (let i = j; i < m; i++) sum += unchecked(a[i + j * m]) * unchecked(a[i + k * m]);
        const temp = sum / unchecked(a[j + j * m]);
        for (let i = j; i < m; i++) unchecked((a[i + k * m] -= temp * a[i + j * m]));
        if (unchecked(rdiag[k]) != 0.0) {
          const t = unchecked(a[j + k * m]) / unchecked(rdiag[k]);
          unchecked((rdiag[k] *= Math.sqrt(Math.max(0.0, 1.0 - t * t))));
          const r = unchecked(rdiag[k]) / unchecked(wa[k]);
          if (0.05 * r * r <= EPSMCH) {
            const v = enorm(m - j - 1, a, j + 1 + k * m);
            unchecked((rdiag[k] = v));
            unchecked((wa[k] = v));
          }
        }
      }
    }
    unchecked((rdiag[j] = -ajnorm));
  }
}

/** MINPACK qrsolv: solves the regularized least-squares subproblem with Givens rotations. r is n×n (ldr = n). */
function qrsolv(n: i32, r: Float64Array, ldr: i32, ipvt: Int32Array, diag: Float64Array, qtb: Float64Array, x: Float64Array, sdiag: Float64Array, wa: Float64Array): void {
  for (let j = 0; j < n; j++) {
    for (let i = j; i < n; i++) unchecked((r[i + j * ldr] = r[j + i * ldr]));
    unchecked((x[j] = r[j + j * ldr]));
    unchecked((wa[j] = qtb[j]));
  }
  for (let j = 0; j < n; j++) {
    const l = unchecked(ipvt[j]);
    if (unchecked(diag[l]) != 0.0) {
      for (let k = j; k < n; k++) unchecked((sdiag[k] = 0.0));
      unchecked((sdiag[j] = diag[l]));
      let qtbpj = 0.0;
      for (let k = j; k < n; k++) {
        if (unchecked(sdiag[k]) == 0.0) continue;
        let cs: f64;
        let sn: f64;
        const rkk = unchecked(r[k + k * ldr]);
        if (Math.abs(rkk) < Math.abs(unchecked(sdiag[k]))) {
          const cotan = rkk / unchecked(sdiag[k]);
          sn = 0.5 / Math.sqrt(0.25 + 0.25 * cotan * cotan);
          cs = sn * cotan;
        } else {
          const tan = unchecked(sdiag[k]) / rkk;
          cs = 0.5 / Math.sqrt(0.25 + 0.25 * tan * tan);
          sn = cs * tan;
        }
        unchecked((r[k + k * ldr] = cs * rkk + sn * sdiag[k]));
        const temp = cs * unchecked(wa[k]) + sn * qtbpj;
        qtbpj = -sn * unchecked(wa[k]) + cs * qtbpj;
        unchecked((wa[k] = temp));
        for (let i = k + 1; i < n; i++) {
          const t = cs * unchecked(r[i + k * ldr]) + sn * unchecked(sdiag[i]);
          unchecked((sdiag[i] = -sn * r[i + k * ldr] + cs * sdiag[i]));
          unchecked((r[i + k * ldr] = t));
        }
      }
    }
    unchecked((sdiag[j] = r[j + j * ldr]));
    unchecked((r[j + j * ldr] = x[j]));
  }
  let nsing = n;
  for (let j = 0; j < n; j++) {
    if (unchecked(sdiag[j]) == 0.0 && nsing == n) nsing = j;
    if (nsing < n) unchecked((wa[j] = 0.0));
  }
  for (let k = 0; k < nsing; k++) {
    const j = nsing - 1 - k;
    let sum = 0.0;
    for (let i = j + 1; i < nsing; i++) sum += unchecked(r[i + j * ldr]) * unchecked(wa[i]);
    unchecked((wa[j] = (wa[j] - sum) / sdiag[j]));
  }
  for (let j = 0; j < n; j++) unchecked((x[ipvt[j]] = wa[j]));
}

/** MINPACK lmpar: the Levenberg-Marquardt parameter for the trust region delta. Returns par. */
function lmpar(n: i32, r: Float64Array, ldr: i32, ipvt: Int32Array, diag: Float64Array, qtb: Float64Array, delta: f64, parIn: f64, x: Float64Array, sdiag: Float64Array, wa1: Float64Array, wa2: Float64Array): f64 {
  let par = parIn;
  let nsing = n;
  for (let j = 0; j < n; j++) {
    unchecked((wa1[j] = qtb[j]));
    if (unchecked(r[j + j * ldr]) == 0.0 && nsing == n) nsing = j;
    if (nsing < n) unchecked((wa1[j] = 0.0));
  }
  for (let k = 0; k < nsing; k++) {
    const j = nsing - 1 - k;
    unchecked((wa1[j] /= r[j + j * ldr]));
    const temp = unchecked(wa1[j]);
    for (let i = 0; i < j; i++) unchecked((wa1[i] -= r[i + j * ldr] * temp));
  }
  for (let j = 0; j < n; j++) unchecked((x[ipvt[j]] = wa1[j]));
  let iter = 0;
  for (let j = 0; j < n; j++) unchecked((wa2[j] = diag[j] * x[j]));
  let dxnorm = enorm(n, wa2, 0);
  let fp = dxnorm - delta;
  if (fp <= 0.1 * delta) return 0.0;
  let parl = 0.0;
  if (nsing >= n) {
    for (let j = 0; j < n; j++) {
      const l = unchecked(ipvt[j]);
      unchecked((wa1[j] = diag[l] * (wa2[l] / dxnorm)));
    }
    for (let j = 0; j < n; j++) {
      let sum = 0.0;
      for (let i = 0; i < j; i++) sum += unchecked(r[i + j * ldr]) * unchecked(wa1[i]);
      unchecked((wa1[j] = (wa1[j] - sum) / r[j + j * ldr]));
    }
    const temp = enorm(n, wa1, 0);
    parl = fp / delta / temp / temp;
  }
  for (let j = 0; j < n; j++) {
    let sum = 0.0;
    for (let i = 0; i <= j; i++) sum += unchecked(r[i + j * ldr]) * unchecked(qtb[i]);
    unchecked((wa1[j] = sum / diag[ipvt[j]]));
  }
  const gnorm = enorm(n, wa1, 0);
  let paru = gnorm / delta;
  if (paru == 0.0) paru = DWARF / Math.min(delta, 0.1);
  par = Math.max(par, parl);
  par = Math.min(par, paru);
  if (par == 0.0) par = gnorm / dxnorm;
  while (true) {
    iter++;
    if (par == 0.0) par = Math.max(DWARF, 0.001 * paru);
    const sq = Math.sqrt(par);
    for (let j = 0; j < n; j++) unchecked((wa1[j] = sq * diag[j]));
    qrsolv(n, r, ldr, ipvt, wa1, qtb, x, sdiag, wa2);
    for (let j = 0; j < n; j++) unchecked((wa2[j] = diag[j] * x[j]));
    dxnorm = enorm(n, wa2, 0);
    const temp0 = fp;
    fp = dxnorm - delta;
    if (Math.abs(fp) <= 0.1 * delta || (parl == 0.0 && fp <= temp0 && temp0 < 0.0) || iter == 10) break;
    for (let j = 0; j < n; j++) {
      const l = unchecked(ipvt[j]);
      unchecked((wa1[j] = diag[l] * (wa2[l] / dxnorm)));
    }
    for (let j = 0; j < n; j++) {
      unchecked((wa1[j] /= sdiag[j]));
      const temp = unchecked(wa1[j]);
      for (let i = j + 1; i < n; i++) unchecked((wa1[i] -= r[i + j * ldr] * temp));
    }
    const temp = enorm(n, wa1, 0);
    const parc = fp / delta / temp / temp;
    if (fp > 0.0) parl = Math.max(parl, par);
    if (fp < 0.0) paru = Math.min(paru, par);
    par = Math.max(parl, par + parc);
  }
  return par;
}

export class LmdifResult {
  info: i32 = 0;
  nfev: i32 = 0;
  /** Final R of the QR of the Jacobian (n×n, column-major, upper) and its pivots: (JᵀJ)⁻¹ = P R⁻¹ R⁻ᵀ Pᵀ. */
  r: Float64Array = new Float64Array(0);
  ipvt: Int32Array = new Int32Array(0);
  fnorm: f64 = 0.0;
}

/**
 * MINPACK lmdif with mode 1 (automatic diagonal scaling), nprint 0. x (n) is updated in place;
 * fvec (m) holds the residuals at the solution.
 */
export function lmdif(fcn: Residual, x: Float64Array, fvec: Float64Array, ftol: f64, xtol: f64, gtol: f64, maxfev: i32, epsfcn: f64, factor: f64): LmdifResult {
  const m = fcn.m;
  const n = fcn.n;
  const res = new LmdifResult();
  const fjac = new Float64Array(m * n);
  const diag = new Float64Array(n);
  const qtf = new Float64Array(n);
  const wa1 = new Float64Array(n);
  const wa2 = new Float64Array(n);
  const wa3 = new Float64Array(n);
  const wa4 = new Float64Array(m);
  const ipvt = new Int32Array(n);
  const xt = new Float64Array(n);
  let info = 0;
  let nfev = 0;
  fcn.eval(x, fvec);
  nfev = 1;
  let fnorm = enorm(m, fvec, 0);
  let par = 0.0;
  let iter = 1;
  let delta = 0.0;
  let xnorm = 0.0;
  const eps = Math.sqrt(Math.max(epsfcn, EPSMCH));
  let done = false;
  while (!done) {
    // forward-difference Jacobian (MINPACK fdjac2)
    for (let j = 0; j < n; j++) {
      const temp = unchecked(x[j]);
      let h = eps * Math.abs(temp);
      if (h == 0.0) h = eps;
      for (let i = 0; i < n; i++) unchecked((xt[i] = x[i]));
      unchecked((xt[j] = temp + h));
      fcn.eval(xt, wa4);
      for (let i = 0; i < m; i++) unchecked((fjac[i + j * m] = (wa4[i] - fvec[i]) / h));
    }
    nfev += n;
    qrfac(m, n, fjac, ipvt, wa1, wa2, wa3);
    if (iter == 1) {
      for (let j = 0; j < n; j++) {
        unchecked((diag[j] = wa2[j]));
        if (unchecked(wa2[j]) == 0.0) unchecked((diag[j] = 1.0));
      }
      for (let j = 0; j < n; j++) unchecked((wa3[j] = diag[j] * x[j]));
      xnorm = enorm(n, wa3, 0);
      delta = factor * xnorm;
      if (delta == 0.0) delta = factor;
    }
    for (let i = 0; i < m; i++) unchecked((wa4[i] = fvec[i]));
    for (let j = 0; j < n; j++) {
      const ajj = unchecked(fjac[j + j * m]);
      if (ajj != 0.0) {
        let sum = 0.0;
        for (let i = j; i < m; i++) sum += unchecked(fjac[i + j * m]) * unchecked(wa4[i]);
        const temp = -sum / ajj;
        for (let i = j; i < m; i++) unchecked((wa4[i] += fjac[i + j * m] * temp));
      }
      unchecked((fjac[j + j * m] = wa1[j]));
      unchecked((qtf[j] = wa4[j]));
    }
    let gnorm = 0.0;
    if (fnorm != 0.0) {
      for (let j = 0; j < n; j++) {
        const l = unchecked(ipvt[j]);
        if (unchecked(wa2[l]) != 0.0) {
          let sum = 0.0;
          for (let i = 0; i <= j; i++) sum += unchecked(fjac[i + j * m]) * (unchecked(qtf[i]) / fnorm);
          gnorm = Math.max(gnorm, Math.abs(sum / unchecked(wa2[l])));
        }
      }
    }
    if (gnorm <= gtol) info = 4;
    if (info != 0) break;
    for (let j = 0; j < n; j++) unchecked((diag[j] = Math.max(diag[j], wa2[j])));
    // inner loop
    while (true) {
      par = lmpar(n, fjac, m, ipvt, diag, qtf, delta, par, wa1, wa2, wa3, wa4);
      for (let j = 0; j < n; j++) {
        unchecked((wa1[j] = -wa1[j]));
        unchecked((wa2[j] = x[j] + wa1[j]));
        unchecked((wa3[j] = diag[j] * wa1[j]));
      }
      const pnorm = enorm(n, wa3, 0);
      if (iter == 1) delta = Math.min(delta, pnorm);
      fcn.eval(wa2, wa4);
      nfev++;
      const fnorm1 = enorm(m, wa4, 0);
      let actred = -1.0;
      if (0.1 * fnorm1 < fnorm) {
        const t = fnorm1 / fnorm;
        actred = 1.0 - t * t;
      }
      for (let j = 0; j < n; j++) {
        unchecked((wa3[j] = 0.0));
        const temp = unchecked(wa1[ipvt[j]]);
        for (let i = 0; i <= j; i++) unchecked((wa3[i] += fjac[i + j * m] * temp));
      }
      const temp1 = enorm(n, wa3, 0) / fnorm;
      const temp2 = (Math.sqrt(par) * pnorm) / fnorm;
      const prered = temp1 * temp1 + (temp2 * temp2) / 0.5;
      const dirder = -(temp1 * temp1 + temp2 * temp2);
      let ratio = 0.0;
      if (prered != 0.0) ratio = actred / prered;
      if (ratio <= 0.25) {
        let temp: f64 = 0.5;
        if (actred < 0.0) temp = (0.5 * dirder) / (dirder + 0.5 * actred);
        if (0.1 * fnorm1 >= fnorm || temp < 0.1) temp = 0.1;
        delta = temp * Math.min(delta, pnorm / 0.1);
        par = par / temp;
      } else if (par == 0.0 || ratio >= 0.75) {
        delta = pnorm / 0.5;
        par = 0.5 * par;
      }
      if (ratio >= 1e-4) {
        for (let j = 0; j < n; j++) {
          unchecked((x[j] = wa2[j]));
          unchecked((wa2[j] = diag[j] * x[j]));
        }
        for (let i = 0; i < m; i++) unchecked((fvec[i] = wa4[i]));
        xnorm = enorm(n, wa2, 0);
        fnorm = fnorm1;
        iter++;
      }
      if (Math.abs(actred) <= ftol && prered <= ftol && 0.5 * ratio <= 1.0) info = 1;
      if (delta <= xtol * xnorm) info = 2;
      if (Math.abs(actred) <= ftol && prered <= ftol && 0.5 * ratio <= 1.0 && info == 2) info = 3;
      if (info != 0) {
        done = true;
        break;
      }
      if (nfev >= maxfev) info = 5;
      if (Math.abs(actred) <= EPSMCH && prered <= EPSMCH && 0.5 * ratio <= 1.0) info = 6;
      if (delta <= EPSMCH * xnorm) info = 7;
      if (gnorm <= EPSMCH) info = 8;
      if (info != 0) {
        done = true;
        break;
      }
      if (ratio >= 1e-4) break;
    }
  }
  res.info = info;
  res.nfev = nfev;
  res.fnorm = fnorm;
  // R (n×n upper, column-major) from fjac's leading block
  const r = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i <= j; i++) unchecked((r[i + j * n] = fjac[i + j * m]));
  res.r = r;
  res.ipvt = ipvt;
  return res;
}
