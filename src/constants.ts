/**
 * Numeric constants shared by src/ and the kernels. Values are those of Larch 0.9.58 running on
 * scipy 1.10 (CODATA 2018); hard-coded so that results do not depend on any library version.
 */

/** E - E0 = k^2 * KTOE: 1e20 * hbar^2 / (2 m_e e) in eV·Å² (docs/conventions.md §0.1). */
export const KTOE = 3.8099821161548597;
/** k^2 = ETOK * (E - E0), Å⁻²/eV. */
export const ETOK = 0.2624684236075176;
/** Einstein σ² factor 1e20 hbar^2 / (2 k_B amu), Å²·K·amu. */
export const EINS_FACTOR = 24.254367090467216;
/** h c / e in eV·Å (XDI angle <-> energy). */
export const PLANCK_HC = 12398.419843320026;
/** Default FFT size and k step (Larch xftf, autobk, feffit). */
export const NFFT = 2048;
export const KSTEP = 0.05;
/** R step of the default grids: π/(kstep·nfft) = 0.030679615757712823 Å. */
export const RSTEP = Math.PI / (KSTEP * NFFT);

/** Photo-electron wavenumber (Å⁻¹) for an energy above e0 (eV); negative below e0. */
export function etok(energy: number): number {
  return energy < 0 ? -Math.sqrt(-energy * ETOK) : Math.sqrt(energy * ETOK);
}

/** Energy above e0 (eV) for a wavenumber k (Å⁻¹). */
export function ktoe(k: number): number {
  return k * k * KTOE;
}

/**
 * An edge step below this fraction of the μ range is no edge: a straight line or a ramp fits
 * the pre- and post-edge curves exactly and leaves a step of rounding size (1e-17), which
 * would otherwise blow χ(k) up by 1e17 without a word. Real edges, even of dilute samples,
 * are many orders of magnitude above it. (A noisy line can still pass; that needs judgement.)
 * Used by processSpectrum (src/process.ts) and the XANES normalization (src/xanes/edge.ts).
 */
export const MIN_STEP_FRACTION = 1e-6;
