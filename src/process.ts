import { KTOE } from './constants.js';
import { XafsError } from './errors.js';
import type { Spectrum } from './types.js';
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
  /** What a user should know: data sorted, defaults beyond the data, ... */
  warnings: string[];
}

/**
 * The standard chain: pre_edge → autobk → xftf → xftr with Larch 0.9.58 semantics.
 * An explicit xftf kmax beyond the data is refused (Larch would silently cut the data there
 * without a taper); the default kmax of 20 Å⁻¹ is kept, with a warning when the data end first.
 */
export function processSpectrum(spectrum: Spectrum, options: ProcessOptions = {}): ProcessResult {
  const warnings = [...(spectrum.warnings ?? [])];
  const pre = preEdge(spectrum, options.preEdge);
  const bkg = autobk({ energy: spectrum.energy, mu: spectrum.mu, e0: pre.e0, edgeStep: pre.edgeStep }, { ...options.autobk, preEdge: options.preEdge });
  const kLast = bkg.k[bkg.k.length - 1];
  const ftOpts = options.xftf ?? {};
  const kmax = ftOpts.kmax ?? 20;
  if (kmax > kLast + 1e-9) {
    if (ftOpts.kmax !== undefined) {
      throw new XafsError('ERANGE', `--kmax ${kmax} Å⁻¹ is beyond the data: χ(k) ends at k = ${kLast.toFixed(2)} Å⁻¹ (E = ${(pre.e0 + kLast * kLast * KTOE).toFixed(1)} eV); use --kmax ${kLast.toFixed(2)} or less`);
    }
    warnings.push(`xftf kmax defaults to 20 Å⁻¹ but χ(k) ends at ${kLast.toFixed(2)} Å⁻¹: the transform is cut at the data end without a taper; pass --kmax`);
  }
  const ft = xftf(bkg, ftOpts);
  const bft = xftr(ft, options.xftr);
  return { source: spectrum.source, energy: spectrum.energy, mu: spectrum.mu, e0: pre.e0, edgeStep: pre.edgeStep, pre, bkg, ft, bft, warnings };
}
