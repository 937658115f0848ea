// Option-resolution helpers: index rules and rounding exactly as Larch/numpy (larch-conventions §0.2).
import { XafsError } from '../errors.js';

/** Python round(): half to even ("banker's rounding"); 5·round(-7.5) = -40, not -35. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** C/Python int(): truncation toward zero. */
export const trunc = Math.trunc;

/** index_of: the largest i with arr[i] <= v; 0 when v < arr[0]. */
export function indexOf(arr: ArrayLike<number>, v: number): number {
  const n = arr.length;
  if (n === 0 || v < arr[0]) return 0;
  let lo = 0;
  let hi = n - 1;
  if (arr[hi] <= v) return hi;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] <= v) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** index_nearest: argmin |arr - v|, the first index on a tie. */
export function indexNearest(arr: ArrayLike<number>, v: number): number {
  let best = 0;
  let bd = Infinity;
  for (let i = 0; i < arr.length; i++) {
    const d = Math.abs(arr[i] - v);
    if (d < bd) {
      bd = d;
      best = i;
    }
  }
  return best;
}

/** index_nearest for an ascending array, by bisection (same answer, first index on a tie). */
export function indexNearestSorted(arr: ArrayLike<number>, v: number): number {
  const n = arr.length;
  if (n === 0) return 0;
  let lo = 0;
  let hi = n - 1;
  if (v <= arr[0]) return 0;
  if (v >= arr[hi]) {
    // the first of a run of equal values at the end
    while (hi > 0 && arr[hi - 1] === arr[hi]) hi--;
    return hi;
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] <= v) lo = mid;
    else hi = mid;
  }
  // arr[lo] <= v < arr[hi]; on a tie the lower index wins, as argmin does
  while (lo > 0 && arr[lo - 1] === arr[lo]) lo--;
  return Math.abs(arr[hi] - v) < Math.abs(arr[lo] - v) ? hi : lo;
}

export function maxOf(a: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}

export function minOf(a: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] < m) m = a[i];
  return m;
}

/** Validates a numeric option; `name` is the CLI-style option name used in the message. */
export function checkFinite(name: string, v: number | undefined | null, opts: { min?: number; max?: number; integer?: boolean } = {}): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new XafsError('EOPTION', `${name} must be a finite number (got ${String(v)})`);
  if (opts.integer && !Number.isInteger(v)) throw new XafsError('EOPTION', `${name} must be a whole number (got ${v})`);
  if (opts.min !== undefined && v < opts.min) throw new XafsError('EOPTION', `${name} must be at least ${opts.min} (got ${v})`);
  if (opts.max !== undefined && v > opts.max) throw new XafsError('EOPTION', `${name} must be at most ${opts.max} (got ${v})`);
}
