// A synthetic Cu K-edge μ(E) made from one FEFF path with known parameters and known white noise,
// and the one-shell recipe that fits it: a fit whose model is exact (the linear regime of the
// posterior and Monte Carlo tests). Written into a temp folder with feffcu01.dat beside it.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFeffPath, pathChi, releaseFeffPath } from '../../src/fit/feffPath.js';
import { seededRandom } from '../../src/fit/posterior.js';
import { fixture } from '../io/helpers.js';

export const SYNTH_TRUTH = { n: 12, s02: 0.9, sigma2: 0.0087, deltar: 0, e0: 8979 };

/**
 * Writes cu_synth.dat (energy, mu) and synth.recipe.json into a new temp folder; returns the
 * recipe's path. μ(E) = 0.2 − 2e-4·(E − e0) + (½ + atan((E − e0)/1.5)/π)·(1 − 2e-4·max(0, E − e0))·(1 + χ(k))
 * + σ·N(0, 1), on a 5 eV pre-edge grid, 0.5 eV across the edge and 0.05 Å⁻¹ steps in k to 16 Å⁻¹.
 */
export function writeSyntheticCu(sigma: number, seed: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'xafs-synth-'));
  const feff = fixture('fits/feffcu01.dat');
  copyFileSync(feff, join(dir, 'feffcu01.dat'));
  const path = loadFeffPath(feff);
  const { e0 } = SYNTH_TRUTH;
  const ETOK = 0.2624682843;
  const E: number[] = [];
  for (let e = e0 - 200; e < e0 - 30; e += 5) E.push(e);
  for (let e = e0 - 30; e < e0 + 30; e += 0.5) E.push(e);
  for (let k = Math.sqrt(30 * ETOK); k <= 16.0001; k += 0.05) E.push(e0 + (k * k) / ETOK);
  const k = E.map((e) => (e > e0 ? Math.sqrt((e - e0) * ETOK) : 0));
  const chi = pathChi(path, { degen: SYNTH_TRUTH.n, s02: SYNTH_TRUTH.s02, sigma2: SYNTH_TRUTH.sigma2, deltar: SYNTH_TRUTH.deltar, e0: 0 }, { k }).chi;
  releaseFeffPath(path);
  const rng = seededRandom(seed);
  const rows = E.map((e, i) => {
    const x = e - e0;
    const edge = 0.5 + Math.atan(x / 1.5) / Math.PI;
    const mu = 0.2 - 2e-4 * x + edge * (1 - 2e-4 * Math.max(0, x)) * (1 + (x > 0 ? chi[i] : 0)) + sigma * rng.normal();
    return `${e.toFixed(4)} ${mu.toPrecision(12)}`;
  });
  writeFileSync(join(dir, 'cu_synth.dat'), `# synthetic Cu K edge, one path\n# energy mu\n${rows.join('\n')}\n`);
  const recipe = {
    params: { amp: { value: 1, vary: true }, del_e0: { value: 0, vary: true }, del_r: { value: 0, vary: true }, sig2: { value: 0.005, vary: true } },
    datasets: [
      {
        file: 'cu_synth.dat',
        mu: 'mu',
        autobk: { rbkg: 1.0, kweight: 2 },
        transform: { kmin: 3, kmax: 14, kweight: 2, dk: 1, window: 'hanning', rmin: 1.4, rmax: 3.0, fitspace: 'r' },
        paths: [{ feff: 'feffcu01.dat', degen: 12, s02: 'amp', e0: 'del_e0', sigma2: 'sig2', deltar: 'del_r' }],
      },
    ],
  };
  const recipePath = join(dir, 'synth.recipe.json');
  writeFileSync(recipePath, JSON.stringify(recipe, null, 1));
  return recipePath;
}
