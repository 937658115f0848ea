import { XafsError } from '../errors.js';
import { findE0Index, preEdgeFit } from '../wasm.js';
import { dedupEnergy } from './dedup.js';
import { checkFinite, indexNearest, indexNearestSorted, indexOf, maxOf, minOf, roundHalfEven } from './util.js';

export interface PreEdgeOptions {
  /** Edge energy (eV). Snapped to the nearest grid point, as Larch does. @default find_e0 */
  e0?: number;
  /** Edge step; computed from the pre- and post-edge curves when not given. @default computed */
  step?: number;
  /** Pre-edge range start, eV relative to e0. @default 5·round((E[1]−e0)/5) (2 eV steps when ie0 ≤ 20), half-to-even */
  pre1?: number;
  /** Pre-edge range end, eV relative to e0. @default 5·round(pre1/15) */
  pre2?: number;
  /** Post-edge range start, eV relative to e0. @default min(150, 5·round(norm2/15)) */
  norm1?: number;
  /** Post-edge range end, eV relative to e0. @default 5·round((max E − e0)/5), at most max E − e0 */
  norm2?: number;
  /** Degree of the post-edge polynomial (0–5). @default 2; 1 when norm2−norm1 < 350; 0 when < 50 */
  nnorm?: number;
  /** Exponent of the Victoreen weighting of the pre-edge line (μ·E^nvict). @default 0 */
  nvict?: number;
  /** Compute `flat` (post-edge curvature removed above e0). @default true */
  makeFlat?: boolean;
}

export interface PreEdgeDetails {
  pre1: number;
  pre2: number;
  norm1: number;
  norm2: number;
  nnorm: number;
  nvict: number;
  /** Pre-edge line slope (per eV, absolute energy). */
  slope: number;
  /** Pre-edge line offset. */
  offset: number;
  /** Post-edge polynomial coefficients, ascending powers of absolute energy (eV). */
  normCoefs: number[];
}

export interface PreEdgeResult {
  e0: number;
  edgeStep: number;
  norm: Float64Array;
  flat: Float64Array;
  dmude: Float64Array;
  d2mude: Float64Array;
  /** Pre-edge line evaluated on the energy grid. */
  preEdgeLine: Float64Array;
  /** Post-edge curve (pre-edge line + polynomial) on the energy grid. */
  postEdgeCurve: Float64Array;
  preEdge: PreEdgeDetails;
}

const MAX_NNORM = 5;

/** Larch 0.9.58 pre_edge: normalization with Larch's automatic ranges (docs/conventions.md §1.2). */
export function preEdge(group: { energy: Float64Array; mu: Float64Array }, options: PreEdgeOptions = {}): PreEdgeResult {
  return preEdgeScan(group, options).result;
}

/**
 * index_nearest on an ascending array: by bisection when the array is known to increase
 * strictly (the same index as the linear scan), else the linear scan.
 */
function nearest(arr: Float64Array, v: number, increasing: boolean): number {
  return increasing ? indexNearestSorted(arr, v) : indexNearest(arr, v);
}

function increasing(a: Float64Array): boolean {
  for (let i = 1; i < a.length; i++) if (!(a[i] > a[i - 1])) return false;
  return true;
}

function unchanged(a: Float64Array, b: Float64Array): boolean {
  if (a === b) return true;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * pre_edge, also returning what it computed on the way (internal: for src/xanes/edge.ts): the
 * de-duplicated energy (Larch remove_dups; the input array itself when that changes nothing, never
 * to be modified) and e0's index in it.
 */
export function preEdgeScan(group: { energy: Float64Array; mu: Float64Array }, options: PreEdgeOptions = {}): { result: PreEdgeResult; energy: Float64Array; ie0: number } {
  const { energy: energyIn, mu } = group;
  const n = energyIn.length;
  if (mu.length !== n) throw new XafsError('EOPTION', `energy and mu differ in length (${n} and ${mu.length})`);
  if (n < 10) throw new XafsError('ETOOFEW', `only ${n} points: normalization needs at least 10`);
  for (const [name, v] of Object.entries(options)) if (name !== 'makeFlat') checkFinite(`--${name}`, v as number);
  // Larch remove_dups (the energy itself when it changes nothing), then find_e0 on it
  const energy = dedupEnergy(energyIn);
  const scan = { energy, index: findE0Index(energy, mu) };

  let e0 = options.e0;
  if (e0 === undefined || e0 < energy[1] || e0 > energy[n - 2]) {
    if (scan.index === 0) {
      throw new XafsError('ENOEDGE', 'no absorption edge found: μ(E) has no rising edge away from the ends of the scan; check the μ expression (e.g. --mu "ln(i0/itrans)") or pass --e0 E');
    }
    e0 = energy[scan.index];
  }
  // remove_dups leaves the energy strictly increasing (unless it holds NaN or steps below the
  // rounding of 1e-7 eV): then bisection and the ends give index_nearest, min and max exactly,
  // and for the energy as given too when remove_dups left it unchanged
  const inc = increasing(energy);
  const inIncreasing = inc && unchanged(energyIn, energy);
  const ie0 = nearest(energy, e0, inc);
  e0 = energy[ie0];
  const emin = inc ? energy[0] : minOf(energy);
  const emax = inc ? energy[n - 1] : maxOf(energy);

  let pre1 = options.pre1 ?? (ie0 > 20 ? 5 * roundHalfEven((energy[1] - e0) / 5) : 2 * roundHalfEven((energy[1] - e0) / 2));
  pre1 = Math.max(pre1, emin - e0);
  let pre2 = options.pre2 ?? 5 * roundHalfEven(pre1 / 15);
  if (pre1 > pre2) [pre1, pre2] = [pre2, pre1];

  let norm2 = options.norm2 ?? 5 * roundHalfEven((emax - e0) / 5);
  if (norm2 < 0) norm2 = emax - e0 - norm2;
  norm2 = Math.min(norm2, emax - e0);
  let norm1 = options.norm1 ?? Math.min(150, 5 * roundHalfEven(norm2 / 15));
  if (norm1 > norm2) [norm1, norm2] = [norm2, norm1];
  let nnorm = options.nnorm;
  if (nnorm === undefined) {
    nnorm = 2;
    if (norm2 - norm1 < 350) nnorm = 1;
    if (norm2 - norm1 < 50) nnorm = 0;
  }
  nnorm = Math.max(Math.min(Math.trunc(nnorm), MAX_NNORM), 0);
  const nvict = options.nvict ?? 0;

  // pre-edge line over [p1, p2) and post-edge polynomial over [q1, q2): the index_nearest end
  // point is excluded (Larch slices); flat uses the energy as given, not de-duplicated
  const p1 = indexOf(energy, pre1 + e0);
  let p2 = nearest(energy, pre2 + e0, inc);
  if (p2 - p1 < 2) p2 = Math.min(n, p1 + 2);
  const q1 = indexOf(energy, norm1 + e0);
  let q2 = nearest(energy, norm2 + e0, inc);
  if (q2 - q1 < 2) q2 = Math.min(n, q1 + 2);
  const f1 = indexOf(energyIn, norm1 + e0);
  let f2 = nearest(energyIn, norm2 + e0, inIncreasing);
  if (f2 - f1 < 2) f2 = Math.min(n, f1 + 2);
  const fit = preEdgeFit({
    energy,
    energyOrig: energyIn,
    mu,
    ie0,
    pre: [p1, p2],
    post: [q1, q2],
    nnorm,
    nvict,
    step: options.step,
    flat: [f1, f2],
    fie0: nearest(energyIn, e0, inIncreasing),
    makeFlat: options.makeFlat !== false,
  });
  const edgeStep = fit.edgeStep;
  if (!(edgeStep > 0) || !Number.isFinite(edgeStep)) {
    throw new XafsError('ENOEDGE', `edge step is ${edgeStep} at e0 = ${e0} eV: the post-edge curve does not rise above the pre-edge line; check the μ expression, the ranges (--pre1/--pre2/--norm1/--norm2) or pass --e0 E`);
  }
  const { norm, flat, dmude, d2mude, slope, offset, normCoefs } = fit;
  const preLine = fit.preLine;
  const post = fit.postEdge;
  const result: PreEdgeResult = {
    e0,
    edgeStep,
    norm,
    flat,
    dmude,
    d2mude,
    preEdgeLine: preLine,
    postEdgeCurve: post,
    preEdge: { pre1, pre2, norm1, norm2, nnorm, nvict, slope, offset, normCoefs },
  };
  return { result, energy, ie0 };
}
