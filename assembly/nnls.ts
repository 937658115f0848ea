// Non-negative least squares: the active-set method of Lawson & Hanson (Solving Least Squares
// Problems, 1974, ch. 23, algorithm NNLS), and the same method on the probability simplex
// (w ≥ 0 and Σw = 1 exactly) for linear-combination fits with sum-to-one.
//
// Both work on the normal equations: G = AᵀA (n×n) and c = Aᵀb, formed once per problem. For
// LCF and MCR n is a handful of standards or components and m hundreds of points, so every
// active-set step costs O(n³) instead of O(m·n²); the squared condition number is harmless for
// standards that are not nearly collinear (the callers refuse those first).

/** Scratch space for one problem size (reused across calls: no allocation in the ALS loop). */
export class NnlsWork {
  nmax: i32;
  /** Passive-set indices (their number is `np`). */
  idx: Int32Array;
  np: i32 = 0;
  /** 1 when index j is in the passive set. */
  inP: Uint8Array;
  /** 1 when index j was found to be linearly dependent on the passive set (never re-added). */
  banned: Uint8Array;
  z: Float64Array;
  g: Float64Array;
  sub: Float64Array;
  u: Float64Array;
  v: Float64Array;
  constructor(nmax: i32) {
    this.nmax = nmax;
    this.idx = new Int32Array(nmax);
    this.inP = new Uint8Array(nmax);
    this.banned = new Uint8Array(nmax);
    this.z = new Float64Array(nmax);
    this.g = new Float64Array(nmax);
    this.sub = new Float64Array(nmax * nmax);
    this.u = new Float64Array(nmax);
    this.v = new Float64Array(nmax);
  }
}

/**
 * In-place Cholesky factorization of the k×k row-major SPD matrix a (lower triangle L, with
 * a = L·Lᵀ). Returns false when a pivot is not positive relative to the diagonal (rank deficiency).
 */
export function cholesky(a: Float64Array, k: i32): bool {
  let dmax = 0.0;
  for (let i = 0; i < k; i++) dmax = Math.max(dmax, Math.abs(unchecked(a[i * k + i])));
  const tiny = 1e-13 * dmax;
  for (let j = 0; j < k; j++) {
    let s = unchecked(a[j * k + j]);
    for (let p = 0; p < j; p++) s -= unchecked(a[j * k + p]) * unchecked(a[j * k + p]);
    if (!(s > tiny)) return false;
    const d = Math.sqrt(s);
    unchecked((a[j * k + j] = d));
    for (let i = j + 1; i < k; i++) {
      let t = unchecked(a[i * k + j]);
      for (let p = 0; p < j; p++) t -= unchecked(a[i * k + p]) * unchecked(a[j * k + p]);
      unchecked((a[i * k + j] = t / d));
    }
  }
  return true;
}

/** Solves L·Lᵀ x = b in place (b becomes x) with the factor from `cholesky`. */
export function choleskySolve(a: Float64Array, k: i32, b: Float64Array): void {
  for (let i = 0; i < k; i++) {
    let s = unchecked(b[i]);
    for (let p = 0; p < i; p++) s -= unchecked(a[i * k + p]) * unchecked(b[p]);
    unchecked((b[i] = s / a[i * k + i]));
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = unchecked(b[i]);
    for (let p = i + 1; p < k; p++) s -= unchecked(a[p * k + i]) * unchecked(b[p]);
    unchecked((b[i] = s / a[i * k + i]));
  }
}

/**
 * Unconstrained (sumToOne false) or affine (Σz = 1) least squares restricted to the passive set:
 * z[idx] from G[P,P]·z = c[P] (− μ·1, μ chosen so that Σz = 1). Returns false when G[P,P] is
 * singular (the caller bans the index it just added).
 */
function solvePassive(G: Float64Array, c: Float64Array, n: i32, sumToOne: bool, ws: NnlsWork): bool {
  const k = ws.np;
  const S = ws.sub;
  for (let a = 0; a < k; a++) {
    const ia = unchecked(ws.idx[a]);
    for (let b = 0; b < k; b++) unchecked((S[a * k + b] = G[ia * n + ws.idx[b]]));
    unchecked((ws.u[a] = c[ia]));
    unchecked((ws.v[a] = 1.0));
  }
  if (!cholesky(S, k)) return false;
  choleskySolve(S, k, ws.u);
  for (let j = 0; j < n; j++) unchecked((ws.z[j] = 0.0));
  if (sumToOne) {
    choleskySolve(S, k, ws.v);
    let su = 0.0;
    let sv = 0.0;
    for (let a = 0; a < k; a++) {
      su += unchecked(ws.u[a]);
      sv += unchecked(ws.v[a]);
    }
    const mu = (su - 1.0) / sv;
    for (let a = 0; a < k; a++) unchecked((ws.z[ws.idx[a]] = ws.u[a] - mu * ws.v[a]));
  } else {
    for (let a = 0; a < k; a++) unchecked((ws.z[ws.idx[a]] = ws.u[a]));
  }
  return true;
}

function addPassive(ws: NnlsWork, j: i32): void {
  unchecked((ws.idx[ws.np] = j));
  ws.np++;
  unchecked((ws.inP[j] = 1));
}

function removePassive(ws: NnlsWork, j: i32): void {
  let a = 0;
  while (a < ws.np && unchecked(ws.idx[a]) != j) a++;
  if (a == ws.np) return;
  for (let b = a; b < ws.np - 1; b++) unchecked((ws.idx[b] = ws.idx[b + 1]));
  ws.np--;
  unchecked((ws.inP[j] = 0));
}

/**
 * min ‖A w − b‖² subject to w ≥ 0 (and Σw = 1 when sumToOne), given G = AᵀA (row-major n×n),
 * c = Aᵀb and bb = bᵀb. The result is written to w (n). Returns the number of outer iterations,
 * or −1 when the iteration limit was reached (w is then the last feasible point).
 *
 * With sumToOne the start is the best single column (a vertex of the simplex, feasible), the
 * optimality test uses the multiplier μ of the equality (g_j − μ ≤ tol for every zero weight),
 * and every passive-set solve enforces Σz = 1 exactly, so the iterates stay on the simplex.
 */
export function nnlsGram(G: Float64Array, c: Float64Array, bb: f64, n: i32, sumToOne: bool, w: Float64Array, ws: NnlsWork): i32 {
  ws.np = 0;
  let dmax = 0.0;
  for (let j = 0; j < n; j++) {
    unchecked((ws.inP[j] = 0));
    unchecked((ws.banned[j] = 0));
    unchecked((w[j] = 0.0));
    dmax = Math.max(dmax, unchecked(G[j * n + j]));
  }
  if (n == 0) return 0;
  // gradient tolerance: relative to the size of Aᵀb for unit weights
  const tol = 1e-11 * Math.sqrt(dmax * Math.max(bb, 1e-300)) + 1e-300;
  if (sumToOne) {
    // best single column: min G_jj − 2 c_j
    let best = 0;
    let bv = Infinity;
    for (let j = 0; j < n; j++) {
      const v = unchecked(G[j * n + j]) - 2.0 * unchecked(c[j]);
      if (v < bv) {
        bv = v;
        best = j;
      }
    }
    if (!(unchecked(G[best * n + best]) > 0.0)) return 0;
    addPassive(ws, best);
    unchecked((w[best] = 1.0));
  }
  const maxOuter = 3 * n + 30;
  let outer = 0;
  while (true) {
    // g = c − G w  (minus half the gradient of ‖Aw − b‖²)
    for (let j = 0; j < n; j++) {
      let s = unchecked(c[j]);
      for (let i = 0; i < n; i++) s -= unchecked(G[j * n + i]) * unchecked(w[i]);
      unchecked((ws.g[j] = s));
    }
    let mu = 0.0;
    if (sumToOne && ws.np > 0) {
      for (let a = 0; a < ws.np; a++) mu += unchecked(ws.g[ws.idx[a]]);
      mu /= <f64>ws.np;
    }
    let t = -1;
    let gmax = tol;
    for (let j = 0; j < n; j++) {
      if (unchecked(ws.inP[j]) != 0 || unchecked(ws.banned[j]) != 0) continue;
      const gj = unchecked(ws.g[j]) - mu;
      if (gj > gmax) {
        gmax = gj;
        t = j;
      }
    }
    if (t < 0) return outer;
    if (++outer > maxOuter) return -1;
    addPassive(ws, t);
    // inner loop: keep the passive solution feasible
    let inner = 0;
    while (true) {
      if (!solvePassive(G, c, n, sumToOne, ws)) {
        // t is (numerically) a combination of the passive columns: never use it
        removePassive(ws, t);
        unchecked((ws.banned[t] = 1));
        break;
      }
      let feasible = true;
      for (let a = 0; a < ws.np; a++) {
        if (unchecked(ws.z[ws.idx[a]]) <= 0.0) {
          feasible = false;
          break;
        }
      }
      if (feasible) {
        for (let j = 0; j < n; j++) unchecked((w[j] = ws.z[j]));
        break;
      }
      if (++inner > maxOuter) return -1;
      // step from w toward z until the first passive weight reaches zero
      let alpha = 1.0;
      let jmin = -1;
      for (let a = 0; a < ws.np; a++) {
        const j = unchecked(ws.idx[a]);
        const zj = unchecked(ws.z[j]);
        if (zj <= 0.0) {
          const wj = unchecked(w[j]);
          const r = wj / (wj - zj);
          if (r < alpha) {
            alpha = r;
            jmin = j;
          }
        }
      }
      for (let j = 0; j < n; j++) unchecked((w[j] += alpha * (ws.z[j] - w[j])));
      if (jmin >= 0) unchecked((w[jmin] = 0.0));
      // drop every passive weight that reached zero
      for (let a = ws.np - 1; a >= 0; a--) {
        const j = unchecked(ws.idx[a]);
        if (unchecked(w[j]) <= 0.0) {
          unchecked((w[j] = 0.0));
          removePassive(ws, j);
        }
      }
      if (ws.np == 0) break;
    }
  }
  return outer;
}

/** Σ_r a[oa + r]·b[ob + r] over r < m (pointers hoisted: the loads stay in the loop body only). */
export function dotAt(a: Float64Array, oa: i32, b: Float64Array, ob: i32, m: i32): f64 {
  const pa = a.dataStart + (<usize>oa << 3);
  const pb = b.dataStart + (<usize>ob << 3);
  let s0 = 0.0;
  let s1 = 0.0;
  let r = 0;
  for (; r + 1 < m; r += 2) {
    s0 += load<f64>(pa + (<usize>r << 3)) * load<f64>(pb + (<usize>r << 3));
    s1 += load<f64>(pa + (<usize>(r + 1) << 3)) * load<f64>(pb + (<usize>(r + 1) << 3));
  }
  if (r < m) s0 += load<f64>(pa + (<usize>r << 3)) * load<f64>(pb + (<usize>r << 3));
  return s0 + s1;
}

/** y[oy + r] += alpha·x[ox + r] over r < m. */
export function axpyAt(alpha: f64, x: Float64Array, ox: i32, y: Float64Array, oy: i32, m: i32): void {
  const px = x.dataStart + (<usize>ox << 3);
  const py = y.dataStart + (<usize>oy << 3);
  for (let r = 0; r < m; r++) {
    const o = <usize>r << 3;
    store<f64>(py + o, load<f64>(py + o) + alpha * load<f64>(px + o));
  }
}

/** Forms G = AᵀA (row-major n×n) and c = Aᵀb for column-major A (m×n); returns bᵀb. */
export function gramInto(A: Float64Array, b: Float64Array, m: i32, n: i32, G: Float64Array, c: Float64Array): f64 {
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const s = dotAt(A, i * m, A, j * m, m);
      unchecked((G[i * n + j] = s));
      unchecked((G[j * n + i] = s));
    }
    unchecked((c[i] = dotAt(A, i * m, b, 0, m)));
  }
  return dotAt(b, 0, b, 0, m);
}

/**
 * NNLS for column-major A (m×n) and b (m): [w (n), ‖Aw − b‖², iterations (−1: limit reached)].
 * The ABI entry for tests and one-off solves; LCF and MCR call nnlsGram directly.
 */
export function nnls(A: Float64Array, b: Float64Array, m: i32, n: i32, sumToOne: bool): Float64Array {
  const G = new Float64Array(n * n);
  const c = new Float64Array(n);
  const bb = gramInto(A, b, m, n, G, c);
  const w = new Float64Array(n);
  const ws = new NnlsWork(n);
  const it = nnlsGram(G, c, bb, n, sumToOne, w, ws);
  const out = new Float64Array(n + 2);
  for (let j = 0; j < n; j++) unchecked((out[j] = w[j]));
  let ss = 0.0;
  for (let r = 0; r < m; r++) {
    let s = -unchecked(b[r]);
    for (let j = 0; j < n; j++) s += unchecked(A[j * m + r]) * unchecked(w[j]);
    ss += s * s;
  }
  unchecked((out[n] = ss));
  unchecked((out[n + 1] = <f64>it));
  return out;
}
