/**
 * xafs: EXAFS/XANES analysis with Larch 0.9.58-identical numbers. The WASM core is instantiated
 * when this module is imported, so every function here is synchronous.
 *
 * This entry point holds the core (readers, pre_edge, autobk, transforms); the analyses have
 * their own so that importing the core stays fast: 'xafs/fit' (EXAFS fitting), 'xafs/xanes'
 * (edges, valence, LCF, PCA, MCR), 'xafs/series' (alignment, merge, deglitch, rebin, truncate).
 */
export { XafsError, type XafsErrorCode } from './errors.js';
export type * from './types.js';
export { KTOE, ETOK, EINS_FACTOR, PLANCK_HC, NFFT, KSTEP, RSTEP, etok, ktoe } from './constants.js';
export * from './xafs/index.js';
export { processSpectrum, type ProcessOptions, type ProcessResult } from './process.js';
export * from './io/index.js';
