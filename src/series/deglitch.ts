/**
 * Deglitching: removing points, never replacing them, and reporting each one removed.
 *
 * Explicit removals follow Larch's GUI (docs/conventions.md §8): `at` removes the single point
 * nearest an energy, `ranges` every point with E1 ≤ E ≤ E2.
 *
 * Automatic detection (Larch's library helper needs silx; this is our own rule). Two residuals of
 * point i, both in units of a robust local level σ_i:
 *   z_med = |μ_i − m_i| / σ_i, m_i the median of the 5 points centred on i (3 near the ends; the
 *           end points themselves are never flagged): a running median follows a monotonic edge
 *           exactly and ignores a spike of 1–2 points;
 *   z_4   = |μ_i − μ̂_i| / (1.39 σ_i), μ̂_i = (4(μ_{i−1} + μ_{i+1}) − μ_{i−2} − μ_{i+2})/6, the
 *           prediction from four neighbours that is exact for cubics (1.39 σ is its noise):
 *           small at a smooth peak, where a running median departs.
 * The spike score is min(z_med, z_4). The highest-scoring point above the threshold (default 8)
 * is removed and the rest scored again, until none is above it (at most 5% of the points): a
 * spike shifts its neighbours' running median, so they are judged again without it.
 * σ_i = 1.4826·median|Δ²μ_j|/√6 over the second differences 2 to 7 points away from i (a MAD of
 * the second differences, which removes the slope; those touching point i are left out): the
 * noise, or the signal's own curvature per step where that is larger (near edges and sharp
 * peaks), raised to at least the median of σ over the spectrum and to 1e-4 of the μ range
 * (noise-free data, whose σ would be rounding only). On 20 measured spectra of this project's
 * fixtures (Cu, Fe, Ni, Pt, Se, Mn K edges; step scans, quick scans, a reference channel) and
 * 200 synthetic noisy Fe spectra no point scores above 5; an isolated spike scores roughly its
 * height over 1.4–2 σ. Not found: glitches of 3 or more points, glitches smaller than about
 * 10 σ_i (σ_i is larger near sharp features, so only larger glitches are found there) or than
 * about 1e-3 of the μ range: remove those with `at` / `ranges`.
 */
import { XafsError } from '../errors.js';
import { spikeScores } from '../wasm.js';
import { indexNearest } from '../xafs/util.js';
import type { XY } from './align.js';

export interface DeglitchOptions {
  /** Detect spikes automatically (see the module comment). @default false */
  auto?: boolean;
  /** Spike score above which `auto` removes a point, in robust noise units (MAD). @default 8 */
  threshold?: number;
  /** Remove the point nearest each of these energies, eV. @default [] */
  at?: number[];
  /** Remove every point with E1 ≤ E ≤ E2, eV. @default [] */
  ranges?: [number, number][];
}

export type RemovalReason = 'auto' | 'at' | 'range';

export interface RemovedPoint {
  /** Index in the input arrays. */
  index: number;
  energy: number;
  mu: number;
  reason: RemovalReason;
  /** Spike score of the point (auto only). */
  score?: number;
}

export interface DeglitchResult {
  /** Input energies without the removed points, eV. */
  energy: Float64Array;
  mu: Float64Array;
  /** Every removed point, in energy order. */
  removed: RemovedPoint[];
  /** The threshold used, when auto detection ran. */
  threshold?: number;
  /** Largest spike score among the points kept (auto only): how far below the threshold the rest lies. */
  maxScoreKept?: number;
  warnings: string[];
}

/** Half-width of the running median and reach of the local noise estimate, points. */
const MEDIAN_HALF = 2;
const NOISE_REACH = 7;
const THRESHOLD = 8;
/** Smallest noise level, as a fraction of max μ − min μ (noise-free data: rounding is no scale). */
const NOISE_FLOOR = 1e-4;
/** Automatic detection stops after removing this fraction of the points (at least 3). */
const MAX_AUTO_FRACTION = 0.05;
/** Fewer points than this are left after deglitching: refused. */
const MIN_LEFT = 10;

/** Spike score of every point (see the module comment). */
export function spikeScore(spectrum: XY): Float64Array {
  return spikeScores(spectrum.mu, MEDIAN_HALF, NOISE_REACH, NOISE_FLOOR);
}

/** Removes spikes (auto) and points at or between given energies; reports every removed point. */
export function deglitch(spectrum: XY, options: DeglitchOptions = {}): DeglitchResult {
  const { energy, mu } = spectrum;
  const n = energy.length;
  const src = spectrum.source ?? 'the spectrum';
  const threshold = options.threshold ?? THRESHOLD;
  if (!(threshold > 0) || !Number.isFinite(threshold)) throw new XafsError('EOPTION', `threshold must be a positive number, got ${threshold}`);
  const lo = energy[0]!;
  const hi = energy[n - 1]!;
  const range = `${lo.toFixed(2)}–${hi.toFixed(2)} eV`;
  const reason = new Array<RemovalReason | undefined>(n);
  const score = new Array<number | undefined>(n);

  // half a step beyond either end still names the end point; further out is a typo
  const halfStep = (i: number) => (i === 0 ? energy[1]! - energy[0]! : energy[n - 1]! - energy[n - 2]!) / 2;
  for (const e of options.at ?? []) {
    if (!Number.isFinite(e)) throw new XafsError('EOPTION', `--at expects an energy in eV, got ${e}`);
    if (e < lo - halfStep(0) || e > hi + halfStep(n - 1)) {
      throw new XafsError('ERANGE', `${src}: --at ${e} eV is outside the data (${range})`);
    }
    const i = indexNearest(energy, e);
    reason[i] ??= 'at';
  }
  for (const [e1, e2] of options.ranges ?? []) {
    if (!(e1 <= e2)) throw new XafsError('EOPTION', `--range ${e1}:${e2}: the start must not be above the end`);
    let hits = 0;
    for (let i = 0; i < n; i++) {
      if (energy[i]! >= e1 && energy[i]! <= e2) {
        reason[i] ??= 'range';
        hits++;
      }
    }
    if (hits === 0) throw new XafsError('ERANGE', `${src}: --range ${e1}:${e2} holds no data point (the data span ${range})`);
  }
  let maxScoreKept: number | undefined;
  if (options.auto) {
    // on the points left by --at/--range: remove the highest-scoring point, score again, repeat
    // (a spike shifts its neighbours' running median; once it is gone they score normally)
    let idx: number[] = [];
    for (let i = 0; i < n; i++) if (reason[i] === undefined) idx.push(i);
    const limit = Math.max(3, Math.floor(MAX_AUTO_FRACTION * n));
    let found = 0;
    for (;;) {
      const z = spikeScores(Float64Array.from(idx, (i) => mu[i]!), MEDIAN_HALF, NOISE_REACH, NOISE_FLOOR);
      let best = 0;
      for (let k = 1; k < z.length; k++) if (z[k]! > z[best]!) best = k;
      if (!(z[best]! > threshold) || found >= limit) {
        maxScoreKept = z.length ? z[best]! : 0;
        break;
      }
      reason[idx[best]!] = 'auto';
      score[idx[best]!] = z[best]!;
      idx = idx.filter((_, k) => k !== best);
      found++;
    }
  }

  const removed: RemovedPoint[] = [];
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = reason[i];
    if (r === undefined) keep.push(i);
    else removed.push(r === 'auto' ? { index: i, energy: energy[i]!, mu: mu[i]!, reason: r, score: score[i] } : { index: i, energy: energy[i]!, mu: mu[i]!, reason: r });
  }
  if (keep.length < MIN_LEFT) {
    throw new XafsError('ETOOFEW', `${src}: deglitching would leave ${keep.length} of ${n} points; a spectrum needs at least ${MIN_LEFT}; narrow the --range or raise the --threshold`);
  }
  const warnings: string[] = [];
  const nAuto = removed.filter((p) => p.reason === 'auto').length;
  if (nAuto >= Math.max(3, Math.floor(MAX_AUTO_FRACTION * n))) {
    warnings.push(`${src}: automatic detection stopped after removing ${nAuto} of ${n} points (5%): the data may be noisier than the detector assumes; check the list or raise --threshold`);
  } else if (nAuto > Math.max(3, 0.02 * n)) {
    warnings.push(`${src}: automatic detection removed ${nAuto} of ${n} points (more than 2%): the data may be noisier than the detector assumes; check the list or raise --threshold`);
  }
  return {
    energy: Float64Array.from(keep, (i) => energy[i]!),
    mu: Float64Array.from(keep, (i) => mu[i]!),
    removed,
    ...(options.auto ? { threshold, maxScoreKept } : {}),
    warnings,
  };
}
