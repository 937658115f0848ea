// Multivariate curve resolution by alternating least squares (MCR-ALS; Tauler 1995, de Juan &
// Tauler), and SIMPLISMA pure-variable detection (Windig & Guilment 1991) for its start.
// D (ns spectra × p points) ≈ C (ns × k concentrations) · S (k × p spectra).

import { NnlsWork, nnlsGram, cholesky, choleskySolve, dotAt, axpyAt } from './nnls';

/** det of the SPD matrix a (k×k row-major, destroyed) by Cholesky; 0 when not positive definite. */
function detSpd(a: Float64Array, k: i32): f64 {
  if (!cholesky(a, k)) return 0.0;
  let d = 1.0;
  for (let i = 0; i < k; i++) d *= unchecked(a[i * k + i]) * unchecked(a[i * k + i]);
  return d;
}

/**
 * SIMPLISMA on the rows of D (ns × p, row-major): each spectrum is a "variable" observed over the
 * p energies, so the purest variables are the most mutually dissimilar spectra. For spectrum i:
 * mean μ_i, population standard deviation σ_i, offset α = offset%·max μ; purity σ_i/(μ_i + α);
 * length-scaled rows y_i = d_i/√(μ_i² + (σ_i + α)²) and O = Y·Yᵀ/p. The j-th pick maximizes
 * det(O over the previous picks and i)·purity_i. Returns the k row indices in the order picked.
 */
export function simplisma(D: Float64Array, ns: i32, p: i32, k: i32, offset: f64): Int32Array {
  const mu = new Float64Array(ns);
  const sd = new Float64Array(ns);
  let mmax = 0.0;
  for (let i = 0; i < ns; i++) {
    let s = 0.0;
    for (let e = 0; e < p; e++) s += unchecked(D[i * p + e]);
    const m = s / <f64>p;
    let v = 0.0;
    for (let e = 0; e < p; e++) {
      const d = unchecked(D[i * p + e]) - m;
      v += d * d;
    }
    unchecked((mu[i] = m));
    unchecked((sd[i] = Math.sqrt(v / <f64>p)));
    mmax = Math.max(mmax, m);
  }
  const alpha = (offset / 100.0) * mmax;
  const len = new Float64Array(ns);
  for (let i = 0; i < ns; i++) {
    const a = unchecked(mu[i]);
    const b = unchecked(sd[i]) + alpha;
    unchecked((len[i] = Math.sqrt(a * a + b * b)));
  }
  const picks = new Int32Array(k);
  const chosen = new Uint8Array(ns);
  const Q = new Float64Array((k + 1) * (k + 1));
  const idx = new Int32Array(k + 1);
  for (let t = 0; t < k; t++) {
    let best = -1;
    let bestP = -Infinity;
    for (let i = 0; i < ns; i++) {
      if (unchecked(chosen[i]) != 0) continue;
      for (let a = 0; a < t; a++) unchecked((idx[a] = picks[a]));
      unchecked((idx[t] = i));
      const q = t + 1;
      for (let a = 0; a < q; a++) {
        const ia = unchecked(idx[a]);
        for (let b = a; b < q; b++) {
          const ib = unchecked(idx[b]);
          let s = 0.0;
          for (let e = 0; e < p; e++) s += unchecked(D[ia * p + e]) * unchecked(D[ib * p + e]);
          s /= <f64>p * unchecked(len[ia]) * unchecked(len[ib]);
          unchecked((Q[a * q + b] = s));
          unchecked((Q[b * q + a] = s));
        }
      }
      const w = detSpd(Q, q);
      const purity = unchecked(sd[i]) / (unchecked(mu[i]) + alpha);
      const pv = w * purity;
      if (pv > bestP) {
        bestP = pv;
        best = i;
      }
    }
    if (best < 0) best = 0;
    unchecked((picks[t] = best));
    unchecked((chosen[best] = 1));
  }
  return picks;
}

/** Unconstrained (Σx = 1 optional) solve of G x = c with G SPD k×k; false when singular. */
function solveFree(G: Float64Array, c: Float64Array, k: i32, closure: bool, L: Float64Array, x: Float64Array, v: Float64Array): bool {
  for (let i = 0; i < k * k; i++) unchecked((L[i] = G[i]));
  if (!cholesky(L, k)) return false;
  for (let i = 0; i < k; i++) {
    unchecked((x[i] = c[i]));
    unchecked((v[i] = 1.0));
  }
  choleskySolve(L, k, x);
  if (closure) {
    choleskySolve(L, k, v);
    let sx = 0.0;
    let sv = 0.0;
    for (let i = 0; i < k; i++) {
      sx += unchecked(x[i]);
      sv += unchecked(v[i]);
    }
    const m = (sx - 1.0) / sv;
    for (let i = 0; i < k; i++) unchecked((x[i] -= m * v[i]));
  }
  return true;
}

/**
 * MCR-ALS on D (ns × p, row-major) from initial spectra S0 (k × p). Each iteration solves the
 * concentrations of every spectrum given S (NNLS; with closure on the simplex Σc = 1), then the
 * spectra at every energy given C (NNLS), each by its k×k normal equations. Without closure the
 * spectra are scaled to unit length (their concentrations take the scale). Stops when the lack
 * of fit changes by less than tol (relative) between iterations (or reaches the rounding level,
 * 1e-9 %), or after maxIter.
 * Returns [iterations, lack of fit %, explained variance %, converged (1/0), C (ns × k), S (k × p)],
 * lack of fit = 100·√(Σe²/Σd²), explained variance = 100·(1 − Σe²/Σd²).
 */
export function mcrAls(D: Float64Array, ns: i32, p: i32, S0: Float64Array, k: i32, closure: bool, nonnegC: bool, nonnegS: bool, maxIter: i32, tol: f64): Float64Array {
  const S = new Float64Array(k * p);
  for (let i = 0; i < k * p; i++) unchecked((S[i] = S0[i]));
  const C = new Float64Array(ns * k);
  const G = new Float64Array(k * k);
  const L = new Float64Array(k * k);
  const cv = new Float64Array(k);
  const x = new Float64Array(k);
  const v = new Float64Array(k);
  const ws = new NnlsWork(k);
  let sst = 0.0;
  for (let i = 0; i < ns * p; i++) sst += unchecked(D[i]) * unchecked(D[i]);
  // Σ d² of every spectrum (row) and every energy (column), for the NNLS tolerances
  const rowSS = new Float64Array(ns);
  const colSS = new Float64Array(p);
  for (let i = 0; i < ns; i++) {
    for (let e = 0; e < p; e++) {
      const v = unchecked(D[i * p + e]);
      unchecked((rowSS[i] += v * v));
      unchecked((colSS[e] += v * v));
    }
  }
  const CtD = new Float64Array(k * p);
  const resid = new Float64Array(p);
  let lofPrev = Infinity;
  let lof = Infinity;
  let r2 = 0.0;
  let it = 0;
  let converged = false;
  while (it < maxIter) {
    it++;
    // concentrations: G = S Sᵀ, c = S d_i
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) {
        const s = dotAt(S, a * p, S, b * p, p);
        unchecked((G[a * k + b] = s));
        unchecked((G[b * k + a] = s));
      }
    }
    for (let i = 0; i < ns; i++) {
      const bb = unchecked(rowSS[i]);
      for (let a = 0; a < k; a++) unchecked((cv[a] = dotAt(S, a * p, D, i * p, p)));
      if (nonnegC || !solveFree(G, cv, k, closure, L, x, v)) nnlsGram(G, cv, bb, k, closure, x, ws);
      for (let a = 0; a < k; a++) unchecked((C[i * k + a] = x[a]));
    }
    // spectra: G = CᵀC, c = Cᵀ d(e)
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) {
        let s = 0.0;
        for (let i = 0; i < ns; i++) s += unchecked(C[i * k + a]) * unchecked(C[i * k + b]);
        unchecked((G[a * k + b] = s));
        unchecked((G[b * k + a] = s));
      }
    }
    // CᵀD (k × p) by rows of D (contiguous)
    for (let i = 0; i < k * p; i++) unchecked((CtD[i] = 0.0));
    for (let i = 0; i < ns; i++) for (let a = 0; a < k; a++) axpyAt(unchecked(C[i * k + a]), D, i * p, CtD, a * p, p);
    for (let e = 0; e < p; e++) {
      const bb = unchecked(colSS[e]);
      for (let a = 0; a < k; a++) unchecked((cv[a] = CtD[a * p + e]));
      if (nonnegS || !solveFree(G, cv, k, false, L, x, v)) nnlsGram(G, cv, bb, k, false, x, ws);
      for (let a = 0; a < k; a++) unchecked((S[a * p + e] = x[a]));
    }
    if (!closure) {
      for (let a = 0; a < k; a++) {
        let nn = 0.0;
        for (let e = 0; e < p; e++) nn += unchecked(S[a * p + e]) * unchecked(S[a * p + e]);
        nn = Math.sqrt(nn);
        if (nn > 0.0) {
          for (let e = 0; e < p; e++) unchecked((S[a * p + e] /= nn));
          for (let i = 0; i < ns; i++) unchecked((C[i * k + a] *= nn));
        }
      }
    }
    let sse = 0.0;
    for (let i = 0; i < ns; i++) {
      for (let e = 0; e < p; e++) unchecked((resid[e] = D[i * p + e]));
      for (let a = 0; a < k; a++) axpyAt(-unchecked(C[i * k + a]), S, a * p, resid, 0, p);
      sse += dotAt(resid, 0, resid, 0, p);
    }
    lof = 100.0 * Math.sqrt(sse / sst);
    r2 = 100.0 * (1.0 - sse / sst);
    // relative change below tol, or an exact fit (lack of fit at the rounding level)
    if (Math.abs(lofPrev - lof) <= tol * lof || lof < 1e-9) {
      converged = true;
      break;
    }
    lofPrev = lof;
  }
  const out = new Float64Array(4 + ns * k + k * p);
  unchecked((out[0] = <f64>it));
  unchecked((out[1] = lof));
  unchecked((out[2] = r2));
  unchecked((out[3] = converged ? 1.0 : 0.0));
  for (let i = 0; i < ns * k; i++) unchecked((out[4 + i] = C[i]));
  for (let i = 0; i < k * p; i++) unchecked((out[4 + ns * k + i] = S[i]));
  return out;
}
