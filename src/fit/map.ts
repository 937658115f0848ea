/**
 * χ² maps over two parameters (`xafs fit --map dr,de0`): both are fixed on a grid of
 * best ± `span`·σ, the other parameters are refitted at every point (steps² refits), and the map
 * holds Δχ²/χ²_ν,best, whose contours at 1 and 4 are the joint 1σ/2σ regions of the covariance
 * where the fit is linear (ellipses tilted by the correlation) and show what it is not.
 */
import { XafsError } from '../errors.js';
import { refitter } from './profile.js';
import type { RecipeFit } from './run.js';

export interface Chi2MapOptions {
  /** Grid points along each parameter (odd, so that the best fit is a grid point). @default 11 */
  steps?: number;
  /** Half-width of the grid in standard errors of each parameter. @default 3 */
  span?: number;
}

export interface Chi2Map {
  names: [string, string];
  best: [number, number];
  stderr: [number, number];
  /** Grid values of each parameter. */
  x: number[];
  y: number[];
  /** Δχ²/χ²_ν,best, row-major: dchi2[j * x.length + i] at (x[i], y[j]). */
  dchi2: number[];
  /** χ² (Larch's chi_square) at each grid point, same layout. */
  chiSquare: number[];
  /** The grid point of the smallest χ². */
  min: { x: number; y: number; dchi2: number };
  refits: number;
  nfev: number;
}

export function chi2Map(best: RecipeFit, names: readonly string[], options: Chi2MapOptions = {}): Chi2Map {
  if (names.length !== 2) throw new XafsError('EOPTION', `--map needs two parameter names separated by a comma, e.g. --map dr,de0 (got '${names.join(',')}')`);
  const steps = options.steps ?? 11;
  const span = options.span ?? 3;
  if (!Number.isInteger(steps) || steps < 3 || steps > 101) throw new XafsError('EOPTION', `--map-steps must be a whole number from 3 to 101 (got ${steps})`);
  const refit = refitter(best, names, '--map');
  const axes = names.map((n) => {
    const s = best.params[n].stderr;
    if (!(s !== null && s > 0 && Number.isFinite(s))) throw new XafsError('EOPTION', `--map: ${n} has no standard error to set the grid (the covariance failed); fix a degenerate parameter first`);
    const v0 = best.params[n].value;
    // an odd count puts the best value on the grid
    return { v0, s, values: Array.from({ length: steps }, (_, i) => v0 + (2 * i / (steps - 1) - 1) * span * s) };
  });
  const [ax, ay] = axes;
  const dchi2: number[] = [];
  const chiSquare: number[] = [];
  let nfev = 0;
  let min = { x: ax.v0, y: ay.v0, dchi2: Infinity };
  for (const y of ay.values) {
    for (const x of ax.values) {
      const r = refit({ [names[0]]: x, [names[1]]: y });
      nfev += r.nfev;
      dchi2.push(r.dchi2);
      chiSquare.push(r.chiSquare);
      if (r.dchi2 < min.dchi2) min = { x, y, dchi2: r.dchi2 };
    }
  }
  return { names: [names[0], names[1]], best: [ax.v0, ay.v0], stderr: [ax.s, ay.s], x: ax.values, y: ay.values, dchi2, chiSquare, min, refits: steps * steps, nfev };
}
