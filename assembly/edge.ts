// find_e0, derivatives and remove_dups exactly as Larch 0.9.58 (docs/conventions.md §0.2, §1.1).
import { itrunc } from './util';

/** numpy.gradient in index space: central differences inside, one-sided at the ends. */
export function gradIdx(y: Float64Array, n: i32, out: Float64Array): void {
  if (n < 2) {
    if (n == 1) unchecked((out[0] = 0.0));
    return;
  }
  unchecked((out[0] = y[1] - y[0]));
  unchecked((out[n - 1] = y[n - 1] - y[n - 2]));
  for (let i = 1; i < n - 1; i++) unchecked((out[i] = (y[i + 1] - y[i - 1]) / 2.0));
}

/** dy/dx = gradient(y)/gradient(x), both in index space (not numpy's non-uniform gradient). */
export function deriv(x: Float64Array, y: Float64Array): Float64Array {
  const n = x.length;
  const gx = new Float64Array(n);
  const gy = new Float64Array(n);
  gradIdx(x, n, gx);
  gradIdx(y, n, gy);
  for (let i = 0; i < n; i++) unchecked((gy[i] = gy[i] / gx[i]));
  return gy;
}

/**
 * Larch find_e0: the index of the largest derivative among points whose two neighbours are
 * also above 10% of the maximum, ignoring max(3, 5%) points at each end. 0 when none qualifies.
 */
export function findE0Index(x: Float64Array, y: Float64Array): i32 {
  const n = x.length;
  if (n < 3) return 0;
  const d = deriv(x, y);
  for (let i = 0; i < n; i++) if (!isFinite(unchecked(d[i]))) unchecked((d[i] = -1.0));
  let nmin = itrunc(0.05 * <f64>n);
  if (nmin < 3) nmin = 3;
  let maxd = -Infinity;
  for (let i = nmin; i < n - nmin; i++) maxd = Math.max(maxd, unchecked(d[i]));
  if (maxd == -Infinity) return 0;
  const thr = 0.1 * maxd;
  let best = 0;
  let bestv = 0.0;
  for (let i = 0; i < n; i++) {
    if (!(unchecked(d[i]) > thr)) continue;
    if (i < nmin || i > n - nmin) continue;
    if (i - 1 < 0 || i + 1 >= n) continue;
    if (!(unchecked(d[i - 1]) > thr) || !(unchecked(d[i + 1]) > thr)) continue;
    if (unchecked(d[i]) > bestv) {
      bestv = unchecked(d[i]);
      best = i;
    }
  }
  return best;
}

/** Larch remove_dups(tiny=1e-7, frac=1e-6): pushes non-increasing values upward; never sorts. */
export function removeDups(arr: Float64Array): Float64Array {
  const n = arr.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) unchecked((out[i] = arr[i]));
  const tiny = 1e-7;
  const frac = 1e-6;
  for (let i = 1; i < n; i++) {
    const d = unchecked(out[i]) - unchecked(out[i - 1]);
    if (d < tiny) unchecked((out[i] = out[i - 1] + Math.max(tiny, frac * Math.abs(d))));
  }
  if (n > 1 && Math.abs(unchecked(out[n - 1]) - unchecked(out[n - 2])) < tiny) unchecked((out[n - 1] = out[n - 2] + tiny));
  return out;
}

/** remove_dups then find_e0 in one call: [index, de-duplicated energy (n)]. */
export function dedupFindE0(energy: Float64Array, mu: Float64Array): Float64Array {
  const e = removeDups(energy);
  const n = e.length;
  const out = new Float64Array(n + 1);
  unchecked((out[0] = <f64>findE0Index(e, mu)));
  for (let i = 0; i < n; i++) unchecked((out[i + 1] = e[i]));
  return out;
}
