/**
 * The white line: the first strong peak of normalized μ(E) above the edge (studies of Pt
 * single-atom sites compare Pt L3 white-line areas; 3d-metal K edges use its position).
 *
 * Definitions (assembly/xanes_edge.ts, `whiteLine`):
 * - position and height: the largest point of `norm` (or `flat`) over [e0, e0 + window]
 *   (e0 = Larch find_e0; window 15 eV by default), refined by a least-squares parabola over the
 *   points within ±fitWidth (1 eV) of it; the grid point is kept when the parabola does not open
 *   downward or its vertex leaves the fitted points. When the spectrum still rises at the end of
 *   the window there is no peak and no white line is reported.
 * - area: ∫(y − 1) dE (eV) over the contiguous region around the maximum where y > 1, the two
 *   crossings of 1 interpolated linearly; 0 when the maximum stays at or below 1 (no white line
 *   above the edge step).
 */
import { checkEdgeOptions, normalizeForEdges, type NormalizedSpectrum } from './edge.js';
import { EDGE_KERNEL, xanesEdges } from '../wasm.js';
import type { PreEdgeOptions } from '../xafs/preEdge.js';

export interface WhiteLineOptions {
  /** Normalized array the white line is measured on. @default 'norm' */
  space?: 'norm' | 'flat';
  /** Window above e0 searched for the maximum, eV. @default 15 */
  window?: number;
  /** Half-width of the parabola fitted at the maximum, eV. @default 1 */
  fitWidth?: number;
}

export interface WhiteLine {
  /** Position of the maximum, eV. */
  energy: number;
  /** Height of the maximum (normalized units). */
  height: number;
  /** ∫(y − 1) dE over the region around the maximum where y > 1, eV; 0 without a white line. */
  area: number;
  /** Energies where the area region starts and ends (eV); null when there is no region above 1. */
  range: [number, number] | null;
  space: 'norm' | 'flat';
  /** True when the region above 1 runs to the end of the scan (the area is truncated). */
  truncated: boolean;
}

/** Kernel status codes of the white line (assembly/xanes_edge.ts). */
const WL_TRUNCATED = 4;
const WL_NO_PEAK = 5;

/** A kernel white-line record as a WhiteLine (null when the spectrum has no peak in the window). */
export function whiteLineFromKernel(w: { energy: number; height: number; area: number; start: number; end: number; status: number }, space: 'norm' | 'flat'): WhiteLine | null {
  if (w.status === WL_NO_PEAK || !Number.isFinite(w.energy)) return null;
  const region = w.status === 0 || w.status === WL_TRUNCATED;
  return { energy: w.energy, height: w.height, area: w.area, range: region ? [w.start, w.end] : null, space, truncated: w.status === WL_TRUNCATED };
}

/** The white line of a normalized spectrum. */
export function whiteLineOfNormalized(n: NormalizedSpectrum, options: WhiteLineOptions = {}): WhiteLine | null {
  const o = checkEdgeOptions({ methods: ['deriv'], whiteLine: options });
  const wl = o.whiteLine as Required<WhiteLineOptions>;
  const y = wl.space === 'flat' ? n.flat : n.norm;
  const k = xanesEdges(n.energy, y, n.ie0, {
    mask: EDGE_KERNEL.whiteLine,
    halfLevel: 0.5,
    sigma: 1,
    searchWidth: 10,
    integralLevels: [0.15, 0.85],
    whiteLineWindow: wl.window,
    whiteLineFit: wl.fitWidth,
    noise: 0,
  });
  return whiteLineFromKernel(k.whiteLine, wl.space);
}

/** Normalizes the spectrum (Larch pre_edge) and measures its white line. */
export function whiteLine(spectrum: { energy: Float64Array; mu: Float64Array }, options: WhiteLineOptions & { preEdge?: Omit<PreEdgeOptions, 'e0'> } = {}): WhiteLine | null {
  const { preEdge, ...wl } = options;
  return whiteLineOfNormalized(normalizeForEdges(spectrum, { ...(preEdge ?? {}), makeFlat: wl.space === 'flat' }), wl);
}
