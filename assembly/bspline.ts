// Cubic B-splines on a knot vector t (ncoef + 4 knots), FITPACK splev semantics: outside
// [t[3], t[ncoef]] the end polynomial pieces are extended (ext=0 extrapolation).

/** Knot interval l with t[l] <= x < t[l+1], clamped to [3, ncoef-1]. */
export function bsplineInterval(t: Float64Array, ncoef: i32, x: f64, hint: i32): i32 {
  let l = hint < 3 ? 3 : hint > ncoef - 1 ? ncoef - 1 : hint;
  while (l > 3 && x < unchecked(t[l])) l--;
  while (l < ncoef - 1 && x >= unchecked(t[l + 1])) l++;
  return l;
}

/** The four non-zero basis values B_{l-3..l}(x) (Cox-de Boor recurrence) into out[0..3]. */
export function bsplineBasis(t: Float64Array, l: i32, x: f64, out: Float64Array): void {
  // left[j] = x - t[l+1-j], right[j] = t[l+j] - x
  let n0 = 1.0;
  let n1 = 0.0;
  let n2 = 0.0;
  let n3 = 0.0;
  const l1 = x - unchecked(t[l]);
  const l2 = x - unchecked(t[l - 1]);
  const l3 = x - unchecked(t[l - 2]);
  const r1 = unchecked(t[l + 1]) - x;
  const r2 = unchecked(t[l + 2]) - x;
  const r3 = unchecked(t[l + 3]) - x;
  // j = 1
  let tmp = n0 / (r1 + l1);
  n0 = r1 * tmp;
  n1 = l1 * tmp;
  // j = 2
  tmp = n0 / (r1 + l2);
  const s0 = r1 * tmp;
  let saved = l2 * tmp;
  tmp = n1 / (r2 + l1);
  n1 = saved + r2 * tmp;
  n2 = l1 * tmp;
  n0 = s0;
  // j = 3
  tmp = n0 / (r1 + l3);
  const u0 = r1 * tmp;
  saved = l3 * tmp;
  tmp = n1 / (r2 + l2);
  const u1 = saved + r2 * tmp;
  saved = l2 * tmp;
  tmp = n2 / (r3 + l1);
  const u2 = saved + r3 * tmp;
  n3 = l1 * tmp;
  unchecked((out[0] = u0));
  unchecked((out[1] = u1));
  unchecked((out[2] = u2));
  unchecked((out[3] = n3));
}

/** splev: the spline with coefficients c on knots t evaluated at ascending x. */
export function bsplineEval(t: Float64Array, c: Float64Array, x: Float64Array): Float64Array {
  const ncoef = c.length;
  const n = x.length;
  const out = new Float64Array(n);
  const b = new Float64Array(4);
  let l = 3;
  for (let i = 0; i < n; i++) {
    const xi = unchecked(x[i]);
    l = bsplineInterval(t, ncoef, xi, l);
    bsplineBasis(t, l, xi, b);
    let s = 0.0;
    for (let j = 0; j < 4; j++) s += unchecked(b[j]) * unchecked(c[l - 3 + j]);
    unchecked((out[i] = s));
  }
  return out;
}
