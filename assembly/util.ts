// Index helpers shared by the kernels. Larch 0.9.58 semantics (docs/conventions.md §0.2).

/** C/Python int(): truncation toward zero, safe for NaN and huge values (never traps). */
export function itrunc(x: f64): i32 {
  if (!isFinite(x)) return 0;
  if (x > 2147483647.0) return 2147483647;
  if (x < -2147483648.0) return -2147483648;
  return <i32>Math.trunc(x);
}

/** index_of: largest i with arr[i] <= v (0 when v < arr[0]); arr ascending. */
export function indexOf(arr: Float64Array, n: i32, v: f64): i32 {
  if (n <= 0 || v < unchecked(arr[0])) return 0;
  let lo = 0;
  let hi = n - 1;
  if (unchecked(arr[hi]) <= v) return hi;
  // invariant: arr[lo] <= v < arr[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (unchecked(arr[mid]) <= v) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** index_nearest: argmin |arr - v|, first index on a tie. */
export function indexNearest(arr: Float64Array, n: i32, v: f64): i32 {
  let best = 0;
  let bd = Infinity;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(unchecked(arr[i]) - v);
    if (d < bd) {
      bd = d;
      best = i;
    }
  }
  return best;
}
