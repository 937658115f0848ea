/**
 * Shapes shared by the fitting modules (src/fit). Units: k and q in Å⁻¹, R, reff and ΔR in Å,
 * σ² in Å², C3 in Å³, C4 in Å⁴, e0/ei in eV, temperatures in K.
 */
import type { FeffDat } from '../types.js';

/** The eight path parameters of Larch's feffpath, in this order everywhere (WASM ABI too). */
export const PATH_PARAM_NAMES = ['degen', 's02', 'e0', 'ei', 'deltar', 'sigma2', 'third', 'fourth'] as const;
export type PathParamName = (typeof PATH_PARAM_NAMES)[number];
export type PathParams = Record<PathParamName, number>;

/** A FEFF scattering path ready for χ(k): the feff.dat data plus what the σ² models need. */
export interface FeffPath {
  /** The feff.dat file it came from. */
  file: string;
  dat: FeffDat;
  reff: number;
  degen: number;
  nleg: number;
  /** Norman radius in bohr, as feff.dat gives it (used as-is by the correlated Debye model). */
  rnorman: number;
  /** Atoms of the path, absorber first: label (element), position (Å), atomic mass (amu). */
  atoms: { label: string; iz: number; x: number; y: number; z: number; mass: number }[];
  /** Reduced mass of the path, amu: 1/Σ 1/max(0.1, m_i) (Larch sigma2_eins). */
  reducedMass: number;
  /** Chemists' label: absorber and scatterers, e.g. 'Cu-N', 'Cu-Ru', 'Cu-N-C'. */
  label: string;
  /** Handle of the path's spline tables in the WASM core (see src/wasm.ts registerFeffPath). */
  handle: number;
}
