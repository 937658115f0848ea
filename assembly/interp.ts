// Interpolation kernels (docs/conventions.md §0.2).

/** numpy.interp: linear, constant beyond the ends; x ascending. */
export function interpLinear(x: Float64Array, y: Float64Array, xnew: Float64Array): Float64Array {
  const n = x.length;
  const m = xnew.length;
  const out = new Float64Array(m);
  if (n == 0) return out;
  let j = 0;
  for (let i = 0; i < m; i++) {
    const v = unchecked(xnew[i]);
    if (v <= unchecked(x[0])) {
      unchecked((out[i] = y[0]));
      continue;
    }
    if (v >= unchecked(x[n - 1])) {
      unchecked((out[i] = y[n - 1]));
      continue;
    }
    if (v < unchecked(x[j])) j = 0;
    while (j < n - 2 && unchecked(x[j + 1]) <= v) j++;
    const x0 = unchecked(x[j]);
    const x1 = unchecked(x[j + 1]);
    const y0 = unchecked(y[j]);
    const y1 = unchecked(y[j + 1]);
    const slope = (y1 - y0) / (x1 - x0);
    unchecked((out[i] = slope * (v - x0) + y0));
  }
  return out;
}

/**
 * Second derivatives M of the not-a-knot cubic interpolating spline through (x, y): the spline
 * FITPACK builds with splrep(s=0) / UnivariateSpline(s=0) and scipy CubicSpline('not-a-knot').
 * n == 2 gives a line, n == 3 the parabola through the points.
 */
export function splineMoments(x: Float64Array, y: Float64Array, n: i32, M: Float64Array): void {
  if (n < 3) {
    for (let i = 0; i < n; i++) unchecked((M[i] = 0.0));
    return;
  }
  if (n == 3) {
    const d1 = (unchecked(y[1]) - unchecked(y[0])) / (unchecked(x[1]) - unchecked(x[0]));
    const d2 = (unchecked(y[2]) - unchecked(y[1])) / (unchecked(x[2]) - unchecked(x[1]));
    const c = (2.0 * (d2 - d1)) / (unchecked(x[2]) - unchecked(x[0]));
    unchecked((M[0] = c));
    unchecked((M[1] = c));
    unchecked((M[2] = c));
    return;
  }
  // tridiagonal system for M[1..n-2]; sub a, diag d, super c, rhs r (index i-1)
  const k = n - 2;
  const a = new Float64Array(k);
  const d = new Float64Array(k);
  const c = new Float64Array(k);
  const r = new Float64Array(k);
  for (let i = 1; i <= n - 2; i++) {
    const h0 = unchecked(x[i]) - unchecked(x[i - 1]);
    const h1 = unchecked(x[i + 1]) - unchecked(x[i]);
    unchecked((a[i - 1] = h0));
    unchecked((d[i - 1] = 2.0 * (h0 + h1)));
    unchecked((c[i - 1] = h1));
    unchecked((r[i - 1] = 6.0 * ((unchecked(y[i + 1]) - unchecked(y[i])) / h1 - (unchecked(y[i]) - unchecked(y[i - 1])) / h0)));
  }
  const h0 = unchecked(x[1]) - unchecked(x[0]);
  const h1 = unchecked(x[2]) - unchecked(x[1]);
  const hm = unchecked(x[n - 2]) - unchecked(x[n - 3]);
  const hl = unchecked(x[n - 1]) - unchecked(x[n - 2]);
  // not-a-knot: M0 = ((h0+h1) M1 - h0 M2)/h1 and M_{n-1} = ((hm+hl) M_{n-2} - hl M_{n-3})/hm
  unchecked((d[0] += (h0 * (h0 + h1)) / h1));
  unchecked((c[0] -= (h0 * h0) / h1));
  unchecked((d[k - 1] += (hl * (hm + hl)) / hm));
  unchecked((a[k - 1] -= (hl * hl) / hm));
  // Thomas algorithm (diagonally dominant after the substitution)
  for (let i = 1; i < k; i++) {
    const w = unchecked(a[i]) / unchecked(d[i - 1]);
    unchecked((d[i] -= w * c[i - 1]));
    unchecked((r[i] -= w * r[i - 1]));
  }
  unchecked((M[k] = r[k - 1] / d[k - 1]));
  for (let i = k - 2; i >= 0; i--) unchecked((M[i + 1] = (r[i] - c[i] * M[i + 2]) / d[i]));
  unchecked((M[0] = ((h0 + h1) * M[1] - h0 * M[2]) / h1));
  unchecked((M[n - 1] = ((hm + hl) * M[n - 2] - hl * M[n - 3]) / hm));
}

/** Evaluate the spline (x, y, M) at ascending xnew, extrapolating with the end pieces. */
export function splineEvalInto(x: Float64Array, y: Float64Array, M: Float64Array, n: i32, xnew: Float64Array, m: i32, out: Float64Array): void {
  let j = 0;
  for (let i = 0; i < m; i++) {
    const v = unchecked(xnew[i]);
    if (v < unchecked(x[j])) j = 0;
    while (j < n - 2 && unchecked(x[j + 1]) <= v) j++;
    const h = unchecked(x[j + 1]) - unchecked(x[j]);
    const t = v - unchecked(x[j]);
    const mj = unchecked(M[j]);
    const mk = unchecked(M[j + 1]);
    const yj = unchecked(y[j]);
    const yk = unchecked(y[j + 1]);
    const b = (yk - yj) / h - (h * (2.0 * mj + mk)) / 6.0;
    unchecked((out[i] = yj + t * (b + t * (mj / 2.0 + (t * (mk - mj)) / (6.0 * h)))));
  }
}

/** Not-a-knot cubic spline interpolation of (x, y) at xnew, with extrapolation. */
export function splineInterp(x: Float64Array, y: Float64Array, xnew: Float64Array): Float64Array {
  const n = x.length;
  const M = new Float64Array(n);
  splineMoments(x, y, n, M);
  const out = new Float64Array(xnew.length);
  splineEvalInto(x, y, M, n, xnew, xnew.length, out);
  return out;
}
