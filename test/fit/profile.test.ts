// Confidence intervals by profiling and χ² maps (src/fit/profile.ts, map.ts; xafs fit --profile/--map)
// on the Cu first-shell fit, which is close to linear: there the profile must reproduce the
// covariance errors, and the map must have its minimum at the best fit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { fitRecipe, type RecipeFit } from '../../src/fit/run.js';
import { crossings, profileParams } from '../../src/fit/profile.js';
import { chi2Map } from '../../src/fit/map.js';
import { expectRefused, xafs } from '../cli/helpers.js';
import { fixture, tempFiles } from '../io/helpers.js';

const RECIPE = fixture('uncertainty/cu_1shell.recipe.json');
const DATA = fixture('fitref/data');
let best: RecipeFit;
beforeAll(() => {
  best = fitRecipe(RECIPE, { dataDir: DATA });
});

describe('profile confidence intervals', () => {
  test('crossings of an exact parabola are exact', () => {
    const grid = [-3, -2, -1.5, -0.5, 0, 0.5, 1, 2.5].map((v) => ({ value: 10 + v * 0.2, dchi2: v * v }));
    const c1 = crossings(grid, 10, 1);
    const c4 = crossings(grid, 10, 4);
    expect(c1.lower).toBeCloseTo(9.8, 12);
    expect(c1.upper).toBeCloseTo(10.2, 12);
    expect(c4.lower).toBeCloseTo(9.6, 12);
    expect(c4.upper).toBeCloseTo(10.4, 12);
    expect(crossings(grid.slice(0, 5), 10, 1).upper).toBeNull(); // the grid never reaches it
  });

  test('in the linear regime the 1σ and 2σ intervals equal ±σ and ±2σ of the covariance within 10 %', () => {
    const profiles = profileParams(best, ['del_r', 'amp', 'sig2']);
    for (const p of profiles) {
      const s = best.params[p.name].stderr!;
      expect(p.best).toBe(best.params[p.name].value);
      expect(Math.abs((p.best - p.sigma1.lower!) / s - 1), `${p.name} 1σ lower`).toBeLessThan(0.1);
      expect(Math.abs((p.sigma1.upper! - p.best) / s - 1), `${p.name} 1σ upper`).toBeLessThan(0.1);
      expect(Math.abs((p.best - p.sigma2.lower!) / (2 * s) - 1), `${p.name} 2σ lower`).toBeLessThan(0.1);
      expect(Math.abs((p.sigma2.upper! - p.best) / (2 * s) - 1), `${p.name} 2σ upper`).toBeLessThan(0.1);
      // the profile at the best value is the best fit itself; every other point lies above it
      expect(p.grid.find((g) => g.value === p.best)!.dchi2).toBe(0);
      for (const g of p.grid) expect(g.dchi2).toBeGreaterThan(-1e-6);
      expect(p.refits).toBe(p.grid.length - 1);
      expect(p.nfev).toBeGreaterThanOrEqual(p.refits);
    }
  });
});

describe('χ² maps', () => {
  test('the minimum of a 5×5 del_r–del_e0 map is its centre, the best fit, and the valley follows the correlation', () => {
    const m = chi2Map(best, ['del_r', 'del_e0'], { steps: 5 });
    expect(m.refits).toBe(25);
    expect(m.min.x).toBeCloseTo(best.params.del_r.value, 12);
    expect(m.min.y).toBeCloseTo(best.params.del_e0.value, 12);
    expect(Math.abs(m.min.dchi2)).toBeLessThan(1e-4);
    // del_r and del_e0 are positively correlated (r = 0.92): (+,+) lies lower than (+,−)
    const at = (i: number, j: number) => m.dchi2[j * 5 + i];
    expect(at(3, 3)).toBeLessThan(at(3, 1));
    expect(at(1, 1)).toBeLessThan(at(1, 3));
    // the covariance predicts Δχ²/χ²ν at every grid point: (d/σ)ᵀ ρ⁻¹ (d/σ) for the two fixed parameters
    const r = best.correlations['del_e0,del_r'] ?? best.correlations['del_r,del_e0'];
    const q = (u: number, v: number) => (u * u - 2 * r * u * v + v * v) / (1 - r * r);
    const du = (m.x[3] - m.best[0]) / m.stderr[0];
    expect(Math.abs(at(3, 3) / q(du, du) - 1)).toBeLessThan(0.1);
  });
});

describe('xafs fit --profile / --map', () => {
  test('prints the intervals with their cost, and writes the map grid and figure', async () => {
    const { dir } = tempFiles();
    const r = await xafs('fit', RECIPE, '--data-dir', DATA, '--profile', 'del_r', '--map', 'del_r,del_e0', '--map-steps', '3', '--out', dir, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.profiles[0].name).toBe('del_r');
    expect(j.profiles[0].refits).toBeGreaterThan(4);
    expect(j.map.refits).toBe(9);
    const grid = readFileSync(join(dir, 'chi2map_del_r_del_e0.dat'), 'utf8');
    expect(grid).toMatch(/9 refits/);
    expect(grid.split('\n').filter((l) => l && !l.startsWith('#')).length).toBe(9);
    expect(readFileSync(join(dir, 'chi2map_del_r_del_e0.svg'), 'utf8')).toMatch(/^<svg/);
  });

  test('an unknown parameter name is refused by name, with the varied ones listed (exit 2)', async () => {
    expectRefused(await xafs('fit', RECIPE, '--data-dir', DATA, '--profile', 'dr'), "xafs: --profile: 'dr' is not a varied parameter of the fit; the varied parameters are: amp, del_e0, sig2, del_r\n");
    expectRefused(await xafs('fit', RECIPE, '--data-dir', DATA, '--map', 'del_r,de0'), "xafs: --map: 'de0' is not a varied parameter of the fit; the varied parameters are: amp, del_e0, sig2, del_r\n");
    expectRefused(await xafs('fit', RECIPE, '--data-dir', DATA, '--map', 'del_r'), "xafs: --map needs two parameter names separated by a comma, e.g. --map dr,de0 (got 'del_r')\n");
    expectRefused(await xafs('fit', RECIPE, '--data-dir', DATA, '--map', 'del_r,del_r'), "xafs: --map: 'del_r,del_r' names a parameter twice\n");
    expectRefused(await xafs('fit', RECIPE, '--data-dir', DATA, '--map', 'del_r,amp', '--map-steps', '2'), 'xafs: --map-steps must be a whole number from 3 to 101 (got 2)\n');
  });
});
