/**
 * Rebinning quick-EXAFS (continuous-scan) data onto a conventional XAFS grid: Larch 0.9.58
 * rebin_xafs (docs/conventions.md §8). Three segments relative to e0: pre-edge [pre1, pre2] in
 * energy steps, XANES [pre2, exafs1] in energy steps, EXAFS [exafs1, exafs2] in k steps; each
 * segment starts one step after its start value. Every input point but the last falls in exactly
 * one bin (bounds halfway between the index_of positions of neighbouring grid points; Larch's last
 * bin ends one point before the data do); a bin's value is
 * the centroid Σμ·E/ΣE (or the boxcar mean) of its points, linear interpolation when it holds
 * fewer than 3, and `deltaMu` is the population std of its points.
 */
import { KTOE } from '../constants.js';
import { XafsError } from '../errors.js';
import { findE0Index, interpLinear, rebinKernel, removeDups } from '../wasm.js';
import { maxOf, minOf } from '../xafs/util.js';
import type { XY } from './align.js';

export type RebinMethod = 'centroid' | 'boxcar';

export interface RebinOptions {
  /** Edge energy, eV: every range below is relative to it. @default Larch find_e0 of the data */
  e0?: number;
  /** Start of the pre-edge segment, eV from e0. @default preStep·trunc((min E − e0)/preStep) */
  pre1?: number;
  /** End of the pre-edge segment (start of XANES), eV from e0. @default -30 */
  pre2?: number;
  /** Pre-edge energy step, eV. @default 2 */
  preStep?: number;
  /**
   * XANES energy step, eV. @default max(0.1, 0.05·(1 + trunc(ΔE/0.05))), ΔE the mean data step
   * ignoring max(2, trunc(n/100)) points at each end; a smaller value is raised to it (Larch)
   */
  xanesStep?: number;
  /** End of XANES (start of EXAFS), eV from e0. @default 15 */
  exafs1?: number;
  /** End of the EXAFS segment, eV from e0. @default max E − e0 */
  exafs2?: number;
  /** EXAFS k step, Å⁻¹. @default 0.05 */
  exafsKstep?: number;
  /** Bin value: 'centroid' (Σμ·E/ΣE) or 'boxcar' (mean). @default 'centroid' */
  method?: RebinMethod;
}

export interface RebinSegment {
  name: 'pre-edge' | 'xanes' | 'exafs';
  /** Segment bounds, eV from e0 (the first grid point is one step above `from`). */
  from: number;
  to: number;
  /** Step: eV (pre-edge, XANES) or Å⁻¹ (EXAFS). */
  step: number;
  /** Grid points in the segment and input points in (from, to]. */
  npts: number;
  ndata: number;
}

export interface RebinResult {
  /** New energies, eV. */
  energy: Float64Array;
  mu: Float64Array;
  /** Population std of μ in each bin; NaN for a bin holding no input point. */
  deltaMu: Float64Array;
  /** Input points in each bin. */
  counts: Float64Array;
  e0: number;
  /** The options as resolved (defaults filled in); `xanesStepData` is the data-derived minimum. */
  grid: { pre1: number; pre2: number; preStep: number; xanesStep: number; xanesStepData: number; exafs1: number; exafs2: number; exafsKstep: number; method: RebinMethod };
  segments: RebinSegment[];
  /** Bins holding no input point (their μ is interpolated, their deltaMu NaN). */
  emptyBins: number;
  /**
   * Bins whose μ Larch leaves NaN (a bin of fewer than 3 points is interpolated between its own
   * points only, and the grid point lies outside them): here interpolated linearly over all the
   * data instead (a departure from Larch), with a warning.
   */
  filledBins: number;
  warnings: string[];
}

/** Larch etok/ktoe (larch/xafs/xafsutils.py): sqrt(E/KTOE) and k²·KTOE, exactly as written there. */
const etokLarch = (e: number) => Math.sqrt(e / KTOE);
const ktoeLarch = (k: number) => k * k * KTOE;

/** numpy linspace(start, stop, num) (endpoint included, last value set to stop). */
function linspace(start: number, stop: number, num: number): number[] {
  if (num <= 0) return [];
  const div = num - 1;
  const delta = stop - start;
  const out: number[] = [];
  if (div === 0) return [start];
  const step = delta / div;
  for (let i = 0; i < num; i++) out.push(step === 0 ? ((i / div) * delta) + start : i * step + start);
  out[num - 1] = stop;
  return out;
}

const f = (x: number, d = 2) => x.toFixed(d);

/**
 * Larch rebin_xafs (see the module comment). Refused (ERANGE): a segment with more grid points
 * than data points ("finer than the data"), an e0 outside the data, segments out of order.
 * Departure: where Larch's μ is NaN (see `filledBins`) it is interpolated over all the data.
 */
export function rebinXafs(spectrum: XY, options: RebinOptions = {}): RebinResult {
  const { energy, mu } = spectrum;
  const n = energy.length;
  const src = spectrum.source ?? 'the spectrum';
  const method = options.method ?? 'centroid';
  if (method !== 'centroid' && method !== 'boxcar') throw new XafsError('EOPTION', `rebin method must be centroid or boxcar, got '${method}'`);
  for (const [k, v] of Object.entries(options)) {
    if (k !== 'method' && v !== undefined && !Number.isFinite(v)) throw new XafsError('EOPTION', `rebin option ${k} must be a number, got ${v}`);
  }
  const emin = minOf(energy);
  const emax = maxOf(energy);
  let e0 = options.e0;
  if (e0 === undefined) {
    const e = removeDups(energy);
    const i = findE0Index(e, mu);
    if (i === 0) throw new XafsError('ENOEDGE', `${src}: no absorption edge found for the rebin grid; pass --e0 E`);
    e0 = e[i]!;
  }
  if (!(e0 > emin && e0 < emax)) throw new XafsError('ERANGE', `${src}: e0 = ${e0} eV is outside the data (${f(emin)}–${f(emax)} eV)`);
  const preStep = options.preStep ?? 2;
  const exafsKstep = options.exafsKstep ?? 0.05;
  for (const [k, v] of [['--pre-step', preStep], ['--exafs-kstep', exafsKstep], ['--xanes-step', options.xanesStep ?? 1]] as const) {
    if (!(v > 0)) throw new XafsError('EOPTION', `${k} must be positive, got ${v}`);
  }
  const pre1 = options.pre1 ?? preStep * Math.trunc((emin - e0) / preStep);
  const pre2 = options.pre2 ?? -30;
  const exafs1 = options.exafs1 ?? 15;
  const exafs2 = options.exafs2 ?? emax - e0;

  // XANES step from the data: mean step ignoring the first and last max(2, n/100) points
  const n1 = Math.max(2, Math.trunc(n / 100));
  if (n - 2 * n1 < 2) throw new XafsError('ETOOFEW', `${src}: only ${n} points; rebinning needs more`);
  const deMean = (energy[n - n1 - 1]! - energy[n1]!) / (n - 2 * n1 - 1);
  const xanesStepData = Math.max(0.1, 0.05 * (1 + Math.trunc(deMean / 0.05)));
  const xanesStep = options.xanesStep === undefined ? xanesStepData : Math.max(options.xanesStep, xanesStepData);
  const warnings: string[] = [];
  if (options.xanesStep !== undefined && options.xanesStep < xanesStepData) {
    warnings.push(`${src}: --xanes-step ${options.xanesStep} eV raised to ${f(xanesStepData, 3)} eV, the data's mean step (Larch rebin_xafs)`);
  }
  if (!(pre1 < pre2 && pre2 < exafs1 && exafs1 < exafs2)) {
    throw new XafsError(
      'ERANGE',
      `${src}: the rebin segments must increase: pre1 ${f(pre1)} < pre2 ${f(pre2)} < exafs1 ${f(exafs1)} < exafs2 ${f(exafs2)} eV from e0 = ${f(e0)} eV is not true; check --e0 and the ranges`,
    );
  }

  // grid: three segments, each linspace(start + step, stop, trunc(0.1 + |stop − start|/step))
  const en: number[] = [];
  const segments: RebinSegment[] = [];
  const defs = [
    ['pre-edge', pre1, pre2, preStep, false],
    ['xanes', pre2, exafs1, xanesStep, false],
    ['exafs', exafs1, exafs2, exafsKstep, true],
  ] as const;
  for (const [nm, a, b, step, isK] of defs) {
    const start = isK ? etokLarch(a) : a;
    const stop = isK ? etokLarch(b) : b;
    let reg = linspace(start + step, stop, Math.trunc(0.1 + Math.abs(stop - start) / step));
    if (isK) reg = reg.map(ktoeLarch);
    for (const r of reg) en.push(e0 + r);
    let ndata = 0;
    for (let i = 0; i < n; i++) if (energy[i]! - e0 > a && energy[i]! - e0 <= b) ndata++;
    segments.push({ name: nm, from: a, to: b, step, npts: reg.length, ndata });
  }
  const fine = segments.filter((s) => s.npts > s.ndata);
  if (fine.length > 0) {
    const option = { 'pre-edge': '--pre-step', xanes: '--xanes-step', exafs: '--exafs-kstep' } as const;
    throw new XafsError(
      'ERANGE',
      `${src}: the rebin grid is finer than the data: ${fine.map((s) => `${s.name} ${s.npts} grid points for ${s.ndata} data points`).join(', ')} (e0 = ${f(e0)} eV); pass a larger ${fine.map((s) => option[s.name]).join(', ')}`,
    );
  }
  const grid = Float64Array.from(en);
  const k = rebinKernel(energy, mu, grid, method);
  const outMu = k.mu.slice();
  // Larch interpolates a bin of fewer than 3 points between that bin's points only and leaves μ
  // NaN when the grid point lies outside them; we interpolate over all the data instead.
  const filled: number[] = [];
  for (let i = 0; i < grid.length; i++) {
    if (!Number.isFinite(outMu[i]!)) {
      outMu[i] = interpLinear(energy, mu, grid.subarray(i, i + 1))[0]!;
      filled.push(i);
    }
  }
  let emptyBins = 0;
  let firstEmpty = -1;
  for (let i = 0; i < grid.length; i++) {
    if (k.counts[i] === 0) {
      if (firstEmpty < 0) firstEmpty = i;
      emptyBins++;
    }
  }
  if (filled.length > 0) {
    warnings.push(
      `${src}: ${filled.length} bin${filled.length === 1 ? '' : 's'} (first at ${f(grid[filled[0]!]!)} eV) ${filled.length === 1 ? 'falls' : 'fall'} outside the 1–2 points Larch's rebin_xafs interpolates between, where Larch gives NaN: μ interpolated linearly over all the data instead`,
    );
  }
  if (emptyBins > 0) {
    warnings.push(
      `${src}: ${emptyBins} of ${grid.length} bins hold no data point (first at ${f(grid[firstEmpty]!)} eV): their μ is interpolated and their delta_mu undefined (null in --json, NaN in files); a coarser --pre-step, --xanes-step or --exafs-kstep avoids them`,
    );
  }
  return {
    energy: grid,
    mu: outMu,
    deltaMu: k.deltaMu.slice(),
    counts: k.counts.slice(),
    e0,
    grid: { pre1, pre2, preStep, xanesStep, xanesStepData, exafs1, exafs2, exafsKstep, method },
    segments,
    emptyBins,
    filledBins: filled.length,
    warnings,
  };
}
