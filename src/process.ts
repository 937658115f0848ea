import { ETOK, KSTEP, KTOE, MIN_STEP_FRACTION, NFFT } from './constants.js';
import { XafsError } from './errors.js';
import type { Spectrum } from './types.js';
import { ENERGY_MAX, ENERGY_MIN, strayEnds } from './io/read.js';
import { K_LIMIT } from './xafs/util.js';
import { preEdge, type PreEdgeOptions, type PreEdgeResult } from './xafs/preEdge.js';
import { autobk, type AutobkOptions, type AutobkResult } from './xafs/autobk.js';
import { xftf, type XftfOptions, type XftfResult } from './xafs/xftf.js';
import { xftr, type XftrOptions, type XftrResult } from './xafs/xftr.js';

export interface ProcessOptions {
  preEdge?: PreEdgeOptions;
  autobk?: AutobkOptions;
  xftf?: XftfOptions;
  xftr?: XftrOptions;
}

export interface ProcessResult {
  source?: string;
  energy: Float64Array;
  mu: Float64Array;
  e0: number;
  edgeStep: number;
  pre: PreEdgeResult;
  bkg: AutobkResult;
  ft: XftfResult;
  bft: XftrResult;
  /** What a user should know: data sorted, defaults beyond the data, ranges adjusted, ... */
  warnings: string[];
}


/** Below this last k (Å⁻¹) a scan is XANES only: χ(k) and its transform hold no EXAFS. */
export const XANES_K_LIMIT = 5;
/**
 * The standard chain: pre_edge → autobk → xftf → xftr with Larch 0.9.58 semantics.
 *
 * Departures that refuse input Larch would silently turn into numbers (each an XafsError with
 * exit code 2, the message naming the spectrum's source):
 * - an explicit xftf kmax beyond the data (Larch would cut the data there without a taper);
 *   the default kmax of 20 Å⁻¹ is kept, with a warning when the data end first;
 * - an explicit e0 outside the scan (Larch ignores it and finds its own);
 * - μ(E) that falls at the edge (Larch takes |step|, e.g. for ln(itrans/i0)) or has no step;
 * - an explicit background k range shorter than 1 Å⁻¹ inside the data;
 * - a k or R window that is zero everywhere (the transform would be identically zero);
 * - any non-finite value in the results (never a silent NaN in the output).
 * Options the chain had to adjust (ranges kept inside the scan, a bkg kmax beyond the data)
 * are reported in `warnings`.
 */
export function processSpectrum(spectrum: Spectrum, options: ProcessOptions = {}): ProcessResult {
  try {
    return chain(spectrum, options);
  } catch (e) {
    // the library's messages say what and what to do; the file is known only here
    const source = spectrum.source;
    if (e instanceof XafsError && source && !e.message.startsWith(source)) {
      throw new XafsError(e.code, `${source}: ${e.message}`, e.exitCode);
    }
    throw e;
  }
}

function chain(spectrum: Spectrum, options: ProcessOptions): ProcessResult {
  const warnings = [...(spectrum.warnings ?? [])];
  const { energy, mu } = spectrum;
  checkOutputOptions(options);
  const n = energy.length;
  checkEnergyValues(energy);
  checkStrays(energy);
  checkEnergySpread(energy);
  const preOpts = options.preEdge ?? {};
  if (preOpts.e0 !== undefined && n >= 3 && (preOpts.e0 < energy[1]! || preOpts.e0 > energy[n - 2]!)) {
    // pre_edge would quietly replace it by its own find_e0 result
    throw new XafsError(
      'ERANGE',
      `--e0 ${preOpts.e0} eV is outside the scan (${energy[0]}–${energy[n - 1]} eV): pass an edge energy inside the data, ` +
        `or leave --e0 out to let find_e0 choose`,
    );
  }

  const pre = preEdge(spectrum, preOpts);
  if (preOpts.step === undefined) checkEdge(energy, mu, pre, preOpts.e0 !== undefined);
  const adjusted = adjustedRanges(preOpts, pre);
  if (adjusted) warnings.push(adjusted);

  const bkgOpts = options.autobk ?? {};
  const emax = energy[n - 1]!;
  const kData = emax > pre.e0 ? Math.sqrt(ETOK * (emax - pre.e0)) : 0;
  if (kData > K_LIMIT && bkgOpts.kmax === undefined) {
    // the background's k grid runs to the last point: bounded by the data's physics, not their last value
    throw new XafsError(
      'ERANGE',
      `the scan reaches k = ${kData.toFixed(1)} Å⁻¹ above e0 = ${pre.e0} eV (last energy ${emax} eV), beyond the ${K_LIMIT} Å⁻¹ where EXAFS data end: ` +
        `check the last energies (a stray point?) or give autobk kmax (at most ${K_LIMIT} Å⁻¹)`,
    );
  }
  if (bkgOpts.kmin !== undefined || bkgOpts.kmax !== undefined) {
    const lo = bkgOpts.kmin ?? 0;
    const hi = Math.min(bkgOpts.kmax ?? kData, kData);
    if (!(hi - lo > 1)) {
      throw new XafsError(
        'ERANGE',
        `background k range ${lo}–${hi.toFixed(2)} Å⁻¹ is too short: the data reach k = ${kData.toFixed(2)} Å⁻¹ above e0 = ${pre.e0} eV ` +
          `and AUTOBK needs more than 1 Å⁻¹; choose --bkg-kmin below ${Math.max(0, (bkgOpts.kmax !== undefined ? hi : kData) - 1).toFixed(2)}` +
          (bkgOpts.kmax !== undefined ? ` or a larger --bkg-kmax` : ''),
      );
    }
  }
  const bkg = autobk({ energy, mu, e0: pre.e0, edgeStep: pre.edgeStep }, { ...bkgOpts, preEdge: options.preEdge });
  warnings.push(...bkg.warnings);
  if (bkgOpts.kmax !== undefined && bkgOpts.kmax > bkg.autobkDetails.kmax + 1e-9) {
    warnings.push(
      `--bkg-kmax ${bkgOpts.kmax} Å⁻¹ is beyond the data: the background spline ends at the last point, k = ${bkg.autobkDetails.kmax.toFixed(2)} Å⁻¹`,
    );
  }

  const kLast = bkg.k[bkg.k.length - 1]!;
  if (kLast < XANES_K_LIMIT) {
    warnings.push(
      `a XANES scan: χ(k) ends at k = ${kLast.toFixed(2)} Å⁻¹ (e0 + ${(kLast * kLast * KTOE).toFixed(0)} eV), below ${XANES_K_LIMIT} Å⁻¹, ` +
        `so the background, χ(k) and |χ(R)| carry no EXAFS structure; use the XANES analyses (edges, valence, LCF) for it`,
    );
  }
  const ftOpts = options.xftf ?? {};
  const kmax = ftOpts.kmax ?? 20;
  if (kmax > kLast + 1e-9) {
    if (ftOpts.kmax !== undefined) {
      throw new XafsError('ERANGE', `--kmax ${kmax} Å⁻¹ is beyond the data: χ(k) ends at k = ${kLast.toFixed(2)} Å⁻¹ (E = ${(pre.e0 + kLast * kLast * KTOE).toFixed(1)} eV); use --kmax ${kLast.toFixed(2)} or less`);
    }
    warnings.push(`xftf kmax defaults to 20 Å⁻¹ but χ(k) ends at ${kLast.toFixed(2)} Å⁻¹: the transform is cut at the data end without a taper; pass --kmax`);
  }
  const ft = xftf(bkg, ftOpts);
  if (ft.kwin.every((w) => w === 0)) {
    throw new XafsError(
      'ERANGE',
      `the k window is zero everywhere (${ft.window}, k ${ft.kmin}–${ft.kmax} Å⁻¹, dk ${ft.dk}), so χ(R) would be zero: ` +
        (ft.window === 'kaiser' ? `for kaiser, --dk is the Bessel β (use 1 to 4)` : `widen --kmin/--kmax or the taper --dk`),
    );
  }
  const bft = xftr(ft, options.xftr);
  if (bft.rwin.every((w) => w === 0)) {
    const o = options.xftr ?? {};
    throw new XafsError(
      'ERANGE',
      `the R window is zero everywhere (--rmin ${o.rmin ?? 0}, --rmax ${o.rmax ?? 20}, --dr ${o.dr ?? 1}, --rwindow ${o.window ?? 'kaiser'}), so χ(q) would be zero: ` +
        `widen the R range or use a taper --dr of 0.1 or more`,
    );
  }
  const res: ProcessResult = { source: spectrum.source, energy, mu, e0: pre.e0, edgeStep: pre.edgeStep, pre, bkg, ft, bft, warnings };
  checkFiniteResults(res);
  return res;
}

/** Fewer distinct energies than this cannot be normalized (pre_edge needs 10 points). */
const MIN_DISTINCT = 10;
/** Larch remove_dups: steps below 1e-7 eV count as repeated energies. */
const DUP_TINY = 1e-7;

/**
 * A column that barely changes (a clock, a counter of ones) taken as the energy leaves almost
 * every point repeated; remove_dups would then spread them by 1e-7 eV and the derivative of
 * μ(E) becomes infinite. Refused with a pointer to --energy.
 */
function checkEnergySpread(energy: Float64Array): void {
  // a scan in order is its own sorted copy (only ±0 could swap places, which changes no step)
  let ascending = true;
  for (let i = 1; i < energy.length && ascending; i++) if (!(energy[i]! >= energy[i - 1]!)) ascending = false;
  const sorted = ascending ? energy : Float64Array.from(energy).sort();
  let distinct = sorted.length > 0 ? 1 : 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i]! - sorted[i - 1]! >= DUP_TINY) distinct++;
  if (distinct < MIN_DISTINCT) {
    throw new XafsError(
      'ETOOFEW',
      `only ${distinct} distinct energ${distinct === 1 ? 'y' : 'ies'} among ${energy.length} points (${sorted[0]}–${sorted[sorted.length - 1]} eV): ` +
        `the energy column hardly changes; check which column holds the energy and pass --energy EXPR`,
    );
  }
}

/** Energies from the API (the readers name the line): finite and between 10 eV and 1 MeV. */
function checkEnergyValues(energy: Float64Array): void {
  for (let i = 0; i < energy.length; i++) {
    const e = energy[i]!;
    if (!(e >= ENERGY_MIN && e <= ENERGY_MAX)) {
      throw new XafsError('ERANGE', `energy point ${i + 1} is ${e} eV, outside ${ENERGY_MIN} eV – 1 MeV where X-ray absorption edges lie; give energies in eV`);
    }
  }
}

/**
 * Points far beyond the rest of the scan (the readers leave them out with a warning naming the
 * line; arrays given through the API are refused): one stray energy would stretch the
 * background's k grid and make the work unbounded.
 */
function checkStrays(energy: Float64Array): void {
  const strays = strayEnds(energy);
  if (!strays) return;
  const [lo, hi] = strays.keep;
  const k = lo > 0 ? 0 : hi;
  throw new XafsError(
    'ERANGE',
    `energy point ${k + 1} (${energy[k]} eV) lies more than ${+strays.gap.toPrecision(3)} eV away from the rest of the scan ` +
      `(${energy[lo]}–${energy[hi - 1]} eV, steps of about ${+strays.step.toPrecision(3)} eV): leave it out or fix it (readSpectrum leaves such points out with a warning)`,
  );
}

/** Output-grid options that the transforms cannot honour (they would fail inside the WASM core). */
function checkOutputOptions(options: ProcessOptions): void {
  const rmaxOut = options.xftf?.rmaxOut;
  if (rmaxOut !== undefined && !(rmaxOut > 0)) {
    throw new XafsError('EOPTION', `--rmax-out must be positive (got ${rmaxOut} Å): it is the largest R written out`);
  }
  // xftr returns nfft/2 points of χ(q) on Larch's k grid (0.05 Å⁻¹ for the R grid of xftf)
  const qmaxOut = options.xftr?.qmaxOut;
  const qLimit = (NFFT / 2 - 1) * KSTEP;
  if (qmaxOut !== undefined && !(qmaxOut > 0 && qmaxOut <= qLimit)) {
    throw new XafsError('EOPTION', `--qmax-out must be above 0 and at most ${qLimit.toFixed(2)} Å⁻¹ (got ${qmaxOut}): χ(q) holds ${NFFT / 2} points, 0.05 Å⁻¹ apart`);
  }
  for (const [name, v] of [
    ['--dk', options.xftf?.dk],
    ['--dk2', options.xftf?.dk2],
    ['--dr', options.xftr?.dr],
    ['--dr2', options.xftr?.dr2],
    ['--bkg-dk', options.autobk?.dk],
  ] as const) {
    if (v !== undefined && v < 0) throw new XafsError('EOPTION', `${name} is a window taper and cannot be negative (got ${v})`);
  }
}

/**
 * Refuses μ(E) without a rising edge. Larch takes |post − pre| at e0 as the step, so a scan
 * whose μ falls (ln(itrans/i0) instead of ln(i0/itrans)) normalizes upside down; a line or a
 * ramp gives a step of rounding size.
 */
function checkEdge(energy: Float64Array, mu: Float64Array, pre: PreEdgeResult, e0Given: boolean): void {
  let ie0 = 0;
  for (let i = 1; i < energy.length; i++) if (Math.abs(energy[i]! - pre.e0) < Math.abs(energy[ie0]! - pre.e0)) ie0 = i;
  const signed = pre.postEdgeCurve[ie0]! - pre.preEdgeLine[ie0]!;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < mu.length; i++) {
    const v = mu[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo;
  if (signed < 0 && -signed > MIN_STEP_FRACTION * span) {
    throw new XafsError(
      'ENOEDGE',
      `μ(E) falls at the edge (e0 = ${pre.e0} eV: the post-edge curve lies ${(-signed).toPrecision(4)} below the pre-edge line): ` +
        (e0Given
          ? `check --e0 (the pre- and post-edge ranges are relative to it), the μ expression and --pre1/--pre2/--norm1/--norm2`
          : `for transmission pass --mu 'ln(i0/itrans)' (not ln(itrans/i0)), for fluorescence --mu 'ifluor/i0'; or check --pre1/--pre2/--norm1/--norm2`),
    );
  }
  if (!(Math.abs(signed) > MIN_STEP_FRACTION * span)) {
    throw new XafsError(
      'ENOEDGE',
      `no absorption edge: the edge step at e0 = ${pre.e0} eV is ${Math.abs(signed).toPrecision(3)}, nothing next to the μ range ${span.toPrecision(4)} ` +
        `(a straight line or a ramp has no edge); check the μ expression (e.g. --mu 'ln(i0/itrans)') and that the scan crosses the edge`,
    );
  }
}

/** One warning naming the pre_edge ranges that were given but not used as given. */
function adjustedRanges(given: PreEdgeOptions, pre: PreEdgeResult): string | null {
  const used = pre.preEdge;
  const changes: string[] = [];
  for (const key of ['pre1', 'pre2', 'norm1', 'norm2'] as const) {
    const g = given[key];
    if (g !== undefined && Math.abs(g - used[key]) > 1e-9) changes.push(`--${key} ${g} → ${+used[key].toFixed(3)} eV`);
  }
  if (given.nnorm !== undefined && given.nnorm !== used.nnorm) changes.push(`--nnorm ${given.nnorm} → ${used.nnorm}`);
  if (changes.length === 0) return null;
  return (
    `pre_edge did not use the ranges as given: ${changes.join(', ')} ` +
    `(Larch keeps them inside the scan, swaps a reversed range, counts a negative --norm2 back from the end and keeps nnorm in 0-5)`
  );
}

/** The arrays of a result, each with what it is and its grid for messages. */
function resultArrays(res: ProcessResult): [string, string, ArrayLike<number>, string, ArrayLike<number>][] {
  const { pre, bkg, ft, bft, energy } = res;
  return [
    ['energy', 'energy', energy, 'E', energy],
    ['mu', 'μ(E)', res.mu, 'E', energy],
    ['norm', 'normalized μ(E)', pre.norm, 'E', energy],
    ['flat', 'flattened μ(E)', pre.flat, 'E', energy],
    ['dmude', 'dμ/dE', pre.dmude, 'E', energy],
    ['preEdgeLine', 'the pre-edge line', pre.preEdgeLine, 'E', energy],
    ['postEdgeCurve', 'the post-edge curve', pre.postEdgeCurve, 'E', energy],
    ['bkg', 'the background μ0(E)', bkg.bkg, 'E', energy],
    ['chi', 'χ(k)', bkg.chi, 'k', bkg.k],
    ['kwin', 'the k window', ft.kwin, 'k', bkg.k],
    ['chirMag', '|χ(R)|', ft.chirMag, 'R', ft.r],
    ['chirRe', 'Re χ(R)', ft.chirRe, 'R', ft.r],
    ['chirIm', 'Im χ(R)', ft.chirIm, 'R', ft.r],
    ['chiqRe', 'Re χ(q)', bft.chiqRe, 'q', bft.q],
    ['chiqIm', 'Im χ(q)', bft.chiqIm, 'q', bft.q],
    ['chiqMag', '|χ(q)|', bft.chiqMag, 'q', bft.q],
  ];
}

/** Never a silent NaN or inf in the output: the first one found is reported with its place. */
function checkFiniteResults(res: ProcessResult): void {
  const hint =
    `the options produced an undefined result; check --kweight and --bkg-kweight (usually 0 to 3), the ranges and the windows`;
  // on the energy grid the usual cause is the grid itself: dμ/dE is Larch's gradient(μ)/gradient(E),
  // undefined where three points share one energy
  const energyHint =
    `the energy grid has points at the same energy (or a column that is not the energy); average or delete repeated points, or pass --energy EXPR`;
  const scalars: [string, number][] = [
    ['e0', res.e0],
    ['edgeStep', res.edgeStep],
    ['preEdge.slope', res.pre.preEdge.slope],
    ['preEdge.offset', res.pre.preEdge.offset],
    ...res.pre.preEdge.normCoefs.map((c, i): [string, number] => [`preEdge.normCoefs[${i}]`, c]),
  ];
  for (const [name, v] of scalars) {
    if (!Number.isFinite(v)) throw new XafsError('ENONFINITE', `${name} is ${v}: ${hint}`);
  }
  const units: Record<string, string> = { E: 'eV', k: 'Å⁻¹', R: 'Å', q: 'Å⁻¹' };
  for (const [name, what, values, axis, grid] of resultArrays(res)) {
    // a finite sum means every value is finite (a NaN or ±inf makes the sum NaN or ±inf); only
    // otherwise (or on an overflow of the sum) are the values looked at one by one
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[i]!;
    if (Number.isFinite(sum)) continue;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) {
        const at = grid[i] !== undefined ? ` at ${axis} = ${+grid[i]!.toFixed(4)} ${units[axis]}` : ` at index ${i}`;
        throw new XafsError('ENONFINITE', `${what} (${name}) is ${v}${at}: ${axis === 'E' ? energyHint : hint}`);
      }
    }
  }
}
