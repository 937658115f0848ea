/**
 * Merging repeated scans: Larch 0.9.58 merge_groups (docs/conventions.md §8). Every scan is
 * interpolated onto the master scan's de-duplicated energy grid (Larch interp: not-a-knot cubic,
 * extrapolating beyond a scan's ends), averaged, and the population standard deviation over scans
 * is kept as `muStd`, the spread of the scans (its standard error of the mean is muStd/√(N−1)).
 */
import { XafsError } from '../errors.js';
import { mergeKernel, removeDups } from '../wasm.js';
import { indexOf, maxOf, minOf } from '../xafs/util.js';
import type { XY } from './align.js';

export type MergeKind = 'cubic' | 'linear';

export interface MergeOptions {
  /** Index of the scan whose energy grid the merge uses. @default 0 (Larch: the first scan) */
  master?: number;
  /** Interpolation: 'cubic' (not-a-knot spline) or 'linear'. @default 'cubic' */
  kind?: MergeKind;
  /**
   * Larch's trim: keep [index_of(min of the scans' first energies), index_of(min of their last
   * energies)) of the master grid, so the high end is cut to the shortest scan (its last point
   * excluded) and the low end is not cut (points below a scan's start are extrapolated).
   * @default true
   */
  trim?: boolean;
}

export interface MergeResult {
  /** The master's energies (de-duplicated, trimmed), eV. */
  energy: Float64Array;
  /** Mean μ over scans. */
  mu: Float64Array;
  /** Population standard deviation over scans (numpy std, ddof 0), μ units. */
  muStd: Float64Array;
  /** Interpolation used: Larch falls back to 'linear' when the cubic merge is much rougher than the master. */
  kind: MergeKind;
  /** True when the cubic merge was replaced by the linear one (Larch's rule, see `mergeGroups`). */
  fallback: boolean;
  master: number;
  nScans: number;
  /** Points of the output grid outside each scan's range (so extrapolated from that scan). */
  extrapolated: { index: number; source?: string; below: number; above: number }[];
  /** Master-grid points removed by the trim at the low and high ends. */
  trimmed: { low: number; high: number };
  warnings: string[];
}

const fmt = (x: number) => x.toFixed(2);
const nameOf = (s: XY, i: number) => s.source ?? `scan ${i + 1}`;

/** Strictly increasing energies for interpolation (Larch would raise on repeated energies). */
function increasing(energy: Float64Array): Float64Array {
  for (let i = 1; i < energy.length; i++) if (!(energy[i]! > energy[i - 1]!)) return removeDups(energy);
  return energy;
}

/**
 * Larch merge_groups(scans, master, kind, trim). With kind 'cubic', Larch re-merges with linear
 * interpolation when max(diff(merged μ)) > 50·max(diff(master μ)); this is reproduced (and
 * reported as `fallback`). Departures, each refused or reported rather than computed silently:
 * scans that share no energy range are refused (Larch would extrapolate one entirely), and
 * repeated energies inside a scan are separated with remove_dups before interpolating (Larch's
 * cubic interpolation raises on them).
 */
export function mergeGroups(scans: XY[], options: MergeOptions = {}): MergeResult {
  const kind0 = options.kind ?? 'cubic';
  const trim = options.trim ?? true;
  const master = options.master ?? 0;
  if (scans.length < 2) {
    throw new XafsError('ETOOFEW', `merge needs at least 2 scans, got ${scans.length}${scans.length ? ` (${nameOf(scans[0]!, 0)})` : ''}`);
  }
  if (!Number.isInteger(master) || master < 0 || master >= scans.length) {
    throw new XafsError('EOPTION', `master scan index ${master} is not one of 0–${scans.length - 1}`);
  }
  if (kind0 !== 'cubic' && kind0 !== 'linear') throw new XafsError('EOPTION', `interpolation kind must be cubic or linear, got '${kind0}'`);
  scans.forEach((s, i) => {
    if (s.energy.length < 5) throw new XafsError('ETOOFEW', `${nameOf(s, i)}: only ${s.energy.length} points; merging needs at least 5 per scan`);
  });

  // Scans that share no energies with another cannot be merged (the common range is empty).
  const mins = scans.map((s) => minOf(s.energy));
  const maxs = scans.map((s) => maxOf(s.energy));
  const lowScan = maxs.indexOf(Math.min(...maxs));
  const highScan = mins.indexOf(Math.max(...mins));
  if (!(mins[highScan]! < maxs[lowScan]!)) {
    throw new XafsError(
      'ERANGE',
      `the scans do not overlap: ${nameOf(scans[lowScan]!, lowScan)} ends at ${fmt(maxs[lowScan]!)} eV but ${nameOf(scans[highScan]!, highScan)} starts at ${fmt(mins[highScan]!)} eV; merge repeated scans of the same edge`,
    );
  }

  const xout = removeDups(scans[master]!.energy);
  const xs = scans.map((s) => increasing(s.energy));
  const ys = scans.map((s) => s.mu);

  const run = (kind: MergeKind) => {
    const k = mergeKernel(xs, ys, xout, kind);
    let i0 = 0;
    let i1 = xout.length;
    if (trim) {
      const xmin = Math.min(minOf(xout), ...mins);
      const xmax = Math.min(maxOf(xout), ...maxs);
      i0 = indexOf(xout, xmin);
      i1 = indexOf(xout, xmax);
    }
    return { kind, i0, i1, mean: k.mean.slice(i0, i1), std: k.std.slice(i0, i1) };
  };

  let r = run(kind0);
  let fallback = false;
  if (kind0 === 'cubic' && r.mean.length > 1) {
    const y0 = scans[master]!.mu;
    let dmax = -Infinity;
    for (let i = 1; i < r.mean.length; i++) dmax = Math.max(dmax, r.mean[i]! - r.mean[i - 1]!);
    let d0 = -Infinity;
    for (let i = 1; i < y0.length; i++) d0 = Math.max(d0, y0[i]! - y0[i - 1]!);
    if (dmax > 50 * d0) {
      r = run('linear');
      fallback = true;
    }
  }
  if (r.mean.length < 2) {
    throw new XafsError('ERANGE', `the merged scans share fewer than 2 points of the master grid (${nameOf(scans[master]!, master)}, ${fmt(xout[0]!)}–${fmt(xout[xout.length - 1]!)} eV); merge scans that cover the same energies`);
  }
  const energy = xout.slice(r.i0, r.i1);
  const warnings: string[] = [];
  if (fallback) {
    warnings.push(`the cubic merge rose by more than 50× the master's largest step somewhere; merged with linear interpolation instead (Larch merge_groups' rule)`);
  }
  const e0 = energy[0]!;
  const e1 = energy[energy.length - 1]!;
  const extrapolated = scans.map((s, index) => {
    const x = xs[index]!;
    let below = 0;
    let above = 0;
    for (const e of energy) {
      if (e < x[0]!) below++;
      else if (e > x[x.length - 1]!) above++;
    }
    if (below + above > 0) {
      const where = [below ? `${below} below its start (${fmt(x[0]!)} eV)` : '', above ? `${above} above its end (${fmt(x[x.length - 1]!)} eV)` : ''].filter(Boolean).join(' and ');
      warnings.push(`${nameOf(s, index)}: ${where} of the merged grid (${fmt(e0)}–${fmt(e1)} eV) extrapolated, as Larch merge_groups does`);
    }
    return { index, source: s.source, below, above };
  });
  return {
    energy,
    mu: r.mean,
    muStd: r.std,
    kind: r.kind,
    fallback,
    master,
    nScans: scans.length,
    extrapolated,
    trimmed: { low: r.i0, high: xout.length - r.i1 },
    warnings,
  };
}
