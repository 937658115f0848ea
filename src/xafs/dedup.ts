import { removeDups } from '../wasm.js';

/**
 * Larch remove_dups (tiny = 1e-7 eV, src/wasm.ts removeDups), skipped when it would change
 * nothing: then the energy itself is returned (the same values; callers never modify it).
 */
export function dedupEnergy(energy: Float64Array): Float64Array {
  const n = energy.length;
  // remove_dups copies every value unless a step is below tiny (a NaN step goes to the kernel too)
  for (let i = 1; i < n; i++) if (!(energy[i] - energy[i - 1] >= 1e-7)) return removeDups(energy);
  return energy;
}
