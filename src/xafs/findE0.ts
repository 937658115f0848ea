import { XafsError } from '../errors.js';
import { findE0Index, removeDups } from '../wasm.js';

export interface FindE0Result {
  /** Edge energy (eV): always a grid point (Larch 0.9.58 find_e0 does no smoothing). */
  e0: number;
  /** Its index in the (de-duplicated) energy array. */
  index: number;
}

/**
 * Larch find_e0: the largest-derivative grid point whose two neighbours are also above 10% of the
 * maximum derivative, ignoring max(3, 5%) points at each end. Unlike Larch, which silently returns
 * the first energy when no point qualifies, this raises ENOEDGE.
 */
export function findE0(group: { energy: Float64Array; mu: Float64Array }): FindE0Result {
  const energy = removeDups(group.energy);
  const index = findE0Index(energy, group.mu);
  if (index === 0) {
    throw new XafsError('ENOEDGE', 'no absorption edge found: μ(E) has no rising edge away from the ends of the scan; check the μ expression (e.g. --mu "ln(i0/itrans)") or pass --e0 E');
  }
  return { e0: energy[index], index };
}
