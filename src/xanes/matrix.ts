/**
 * The common front of LCF, PCA and MCR-ALS: spectra prepared in one space (normalized μ, flattened
 * μ, dμ/dE or χ(k)), Larch's `interp(kind='cubic')` and `groups2matrix` (docs/conventions.md §0.2,
 * §6.1), and the fit-window rules.
 */
import { XafsError } from '../errors.js';
import { autobk, type AutobkOptions } from '../xafs/autobk.js';
import { preEdge, type PreEdgeOptions } from '../xafs/preEdge.js';
import { indexOf } from '../xafs/util.js';
import { deriv, removeDups, splineInterp } from '../wasm.js';

/** The array a linear analysis works on. */
export type XanesSpace = 'norm' | 'flat' | 'dmude' | 'chi';
export const XANES_SPACES: readonly XanesSpace[] = ['norm', 'flat', 'dmude', 'chi'];

/** A spectrum prepared for linear analysis (Larch's group after pre_edge, and autobk for χ). */
export interface XanesGroup {
  /** Short name: file name, Athena group label or series column. */
  name: string;
  /** file, file#group or file#column. */
  source: string;
  /** Energy (eV), ascending, repeated values separated as Larch's remove_dups does. */
  energy: Float64Array;
  /** Edge energy (eV) from pre_edge. */
  e0: number;
  edgeStep: number;
  norm: Float64Array;
  flat: Float64Array;
  /** Larch's dmude: dμ/dE of the raw μ (what lincombo_fit and pca_train use for 'dmude'). */
  dmude: Float64Array;
  /** d(norm)/dE: the derivative of the normalized spectrum (what `lcf` fits for 'dmude'). */
  dnorm?: Float64Array;
  /** χ(k) on k = 0, 0.05, … Å⁻¹ (only when prepared with `chi: true`). */
  k?: Float64Array;
  chi?: Float64Array;
  /** The μ(E) the group was normalized from (lets `lcf` renormalize a standard like a sample). */
  mu?: Float64Array;
  /** The pre_edge ranges that normalized it (eV relative to e0) and the polynomial degree. */
  preEdgeParams?: { pre1: number; pre2: number; norm1: number; norm2: number; nnorm: number };
  /** The input was already normalized (a norm or flat column): its edge step is 1 by definition. */
  normalizedInput?: boolean;
}

export interface PrepareOptions {
  /** pre_edge options for every spectrum (Larch defaults otherwise). */
  preEdge?: PreEdgeOptions;
  /** Also run autobk for χ(k). @default false */
  chi?: boolean;
  /** autobk options (Larch defaults otherwise) when `chi` is set. */
  autobk?: AutobkOptions;
  /** The spectrum is a normalized one (a norm or flat column): see XanesGroup.normalizedInput. @default false */
  normalizedInput?: boolean;
}

/** Normalizes one spectrum (pre_edge; autobk for χ) into a XanesGroup. */
export function prepareGroup(s: { energy: Float64Array; mu: Float64Array; name?: string; source?: string }, opts: PrepareOptions = {}): XanesGroup {
  const source = s.source ?? s.name ?? 'spectrum';
  const name = s.name ?? source;
  const where = (e: unknown): never => {
    if (e instanceof XafsError) throw new XafsError(e.code, `${source}: ${e.message}`, e.exitCode);
    throw e;
  };
  try {
    const pe = preEdge(s, opts.preEdge ?? {});
    const energy = strictlyIncreasing(s.energy) ? s.energy : removeDups(s.energy);
    const { pre1, pre2, norm1, norm2, nnorm } = pe.preEdge;
    const g: XanesGroup = {
      name,
      source,
      energy,
      e0: pe.e0,
      edgeStep: pe.edgeStep,
      norm: pe.norm,
      flat: pe.flat,
      dmude: pe.dmude,
      mu: s.mu,
      preEdgeParams: { pre1, pre2, norm1, norm2, nnorm },
      normalizedInput: opts.normalizedInput ?? false,
    };
    if (opts.chi) {
      const bk = autobk({ energy: s.energy, mu: s.mu, e0: pe.e0, edgeStep: pe.edgeStep }, opts.autobk ?? {});
      g.k = bk.k;
      g.chi = bk.chi;
    }
    return g;
  } catch (e) {
    return where(e);
  }
}

function strictlyIncreasing(x: Float64Array): boolean {
  for (let i = 1; i < x.length; i++) if (!(x[i] > x[i - 1])) return false;
  return true;
}

/**
 * The (x, y) a space analyses: energy and norm/flat/dmude, or k and χ·k^kweight. 'dmude' is
 * Larch's derivative of the raw μ unless `normalizedDerivative` (then d(norm)/dE).
 */
export function spaceXY(g: XanesGroup, space: XanesSpace, kweight = 0, normalizedDerivative = false): { x: Float64Array; y: Float64Array } {
  if (space === 'dmude' && normalizedDerivative) return { x: g.energy, y: g.dnorm ?? deriv(g.energy, g.norm) };
  if (space === 'chi') {
    if (!g.k || !g.chi) throw new XafsError('EOPTION', `${g.source}: no χ(k): prepare the spectrum with chi: true`);
    if (kweight === 0) return { x: g.k, y: g.chi };
    const y = new Float64Array(g.chi.length);
    for (let i = 0; i < y.length; i++) y[i] = g.chi[i] * g.k[i] ** kweight;
    return { x: g.k, y };
  }
  return { x: g.energy, y: g[space] };
}

/**
 * Larch `interp(x, y, xnew, kind='cubic')`: the not-a-knot cubic spline through all points inside
 * [x₀, x_last]; outside, the not-a-knot spline through the 5 end points on that side, extrapolated.
 */
export function larchInterp(x: Float64Array, y: Float64Array, xnew: Float64Array): Float64Array {
  const n = x.length;
  const out = splineInterp(x, y, xnew);
  let nb = 0;
  let na = 0;
  for (let i = 0; i < xnew.length; i++) {
    if (xnew[i] < x[0]) nb++;
    else if (xnew[i] > x[n - 1]) na++;
  }
  if (nb === 0 && na === 0) return out;
  const e = Math.min(5, n);
  const fill = (xs: Float64Array, ys: Float64Array, test: (v: number) => boolean) => {
    const idx: number[] = [];
    for (let i = 0; i < xnew.length; i++) if (test(xnew[i])) idx.push(i);
    const v = splineInterp(xs, ys, Float64Array.from(idx, (i) => xnew[i]));
    idx.forEach((i, j) => (out[i] = v[j]));
  };
  if (nb > 0) fill(x.subarray(0, e), y.subarray(0, e), (v) => v < x[0]);
  if (na > 0) fill(x.subarray(n - e), y.subarray(n - e), (v) => v > x[n - 1]);
  return out;
}

/**
 * Larch groups2matrix: x from the first group over [index_of(xmin) : index_of(xmax) + 1] (so the
 * point at or below xmin is included), every other group cubic-interpolated onto it with
 * extrapolation. Returns the grid and one row per group.
 */
export function groups2matrix(xys: { x: Float64Array; y: Float64Array }[], xmin = -Infinity, xmax = Infinity): { x: Float64Array; rows: Float64Array[] } {
  const first = xys[0];
  const i0 = indexOf(first.x, xmin);
  const i1 = xmax === Infinity ? first.x.length : indexOf(first.x, xmax) + 1;
  const x = first.x.slice(i0, i1);
  const rows = [first.y.slice(i0, i1), ...xys.slice(1).map((g) => larchInterp(g.x, g.y, x))];
  return { x, rows };
}

/** Indices [i0, i1) of the points of ascending x with lo ≤ x ≤ hi (by bisection). */
export function windowIndices(x: Float64Array, lo: number, hi: number): [number, number] {
  // first index with x ≥ lo, and first index with x > hi
  const first = (pred: (v: number) => boolean) => {
    let a = 0;
    let b = x.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (pred(x[m])) b = m;
      else a = m + 1;
    }
    return a;
  };
  const i0 = first((v) => v >= lo);
  const i1 = Math.max(i0, first((v) => v > hi));
  return [i0, i1];
}

/** Rows (each p long) as one row-major Float64Array. */
export function stackRows(rows: Float64Array[]): Float64Array {
  const p = rows[0]?.length ?? 0;
  const out = new Float64Array(rows.length * p);
  rows.forEach((r, i) => out.set(r, i * p));
  return out;
}

/** A number for messages: up to 4 decimals, no trailing zeros. */
export function fmtNum(v: number, digits = 4): string {
  return String(Number(v.toFixed(digits)));
}
