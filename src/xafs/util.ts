// Option-resolution helpers: index rules and rounding exactly as Larch/numpy (docs/conventions.md §0.2).
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

/** What a numeric option accepts beyond "finite": bounds (inclusive; `above` exclusive), whole numbers, units for messages. */
export interface OptionRange {
  min?: number;
  max?: number;
  above?: number;
  integer?: boolean;
  units?: string;
}

/** Validates a numeric option; `name` is the option name used in the message. */
export function checkFinite(name: string, v: number | undefined | null, opts: OptionRange = {}): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    // a number written as a string ("3" in a recipe) is named as such, not shown as if it were 3
    const got = typeof v === 'string' ? `the string '${v}'${Number.isFinite(Number(v)) && String(v).trim() !== '' ? '; write the number without quotes' : ''}` : typeof v === 'number' ? String(v) : Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'an object' : typeof v === 'undefined' ? 'nothing' : `a ${typeof v}`;
    throw new XafsError('EOPTION', `${name} must be a finite number (got ${got})`);
  }
  if (opts.integer && !Number.isInteger(v)) throw new XafsError('EOPTION', `${name} must be a whole number (got ${v})`);
  const out = (opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max) || (opts.above !== undefined && !(v > opts.above));
  if (!out) return;
  const u = opts.units ? ` ${opts.units}` : '';
  const lo = opts.above !== undefined ? `above ${opts.above}` : opts.min !== undefined ? `from ${opts.min}` : '';
  const range =
    opts.max === undefined ? (opts.above !== undefined ? `above ${opts.above}${u}` : `at least ${opts.min}${u}`) : lo === '' ? `at most ${opts.max}${u}` : opts.above !== undefined ? `${lo} and at most ${opts.max}${u}` : `${lo} to ${opts.max}${u}`;
  throw new XafsError('EOPTION', `${name} must be ${range} (got ${v})`);
}

/**
 * Bounds of the transform and background options (docs/input-limits.md): beyond them the
 * arrays the FFTs and the spline work on would grow without bound (rbkg 1e6, dk 1e308) while
 * no EXAFS exists there (k beyond 50 Å⁻¹, R beyond 100 Å). k-weights are only required to be
 * finite: an overflowing one is caught by the non-finite result check of processSpectrum.
 */
export const K_LIMIT = 50;
export const R_LIMIT = 100;
export const OPTION_RANGES: Record<string, OptionRange> = {
  rbkg: { above: 0, max: 10, units: 'Å' }, // the recipes' and the CLI's range (src/schema/quantities.ts)
  nknots: { min: 5, max: 128, integer: true },
  kmin: { min: 0, max: K_LIMIT, units: 'Å⁻¹' },
  kmax: { min: 0, max: K_LIMIT, units: 'Å⁻¹' },
  dk: { min: 0, max: K_LIMIT, units: 'Å⁻¹' },
  dk2: { min: 0, max: K_LIMIT, units: 'Å⁻¹' },
  kstep: { min: 0.001, max: 1, units: 'Å⁻¹' },
  nfft: { min: 16, max: 1 << 20, integer: true },
  nclamp: { min: 0, max: 1000, integer: true },
  rmin: { min: 0, max: R_LIMIT, units: 'Å' },
  rmax: { min: 0, max: R_LIMIT, units: 'Å' },
  dr: { min: 0, max: R_LIMIT, units: 'Å' },
  dr2: { min: 0, max: R_LIMIT, units: 'Å' },
  rmaxOut: { above: 0, max: R_LIMIT, units: 'Å' },
};

/** checkFinite with the OPTION_RANGES bounds of each named option that is given. */
export function checkOptions(prefix: string, options: object, names: readonly string[]): void {
  const o = options as Record<string, unknown>;
  for (const name of names) {
    const v = o[name];
    if (v !== undefined && v !== null) checkFinite(`${prefix} ${name}`, v as number, OPTION_RANGES[name]);
  }
}
