import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { EINS_FACTOR } from '../../src/constants.js';
import { loadFeffPath, releaseFeffPath } from '../../src/fit/feffPath.js';
import { sigma2Debye, sigma2Eins } from '../../src/fit/sigma2.js';
import type { FeffPath } from '../../src/fit/types.js';
import { expectClose, fixture } from '../io/helpers.js';

interface Sigma2Ref {
  file: string;
  nleg: number;
  eins: [number, number, number][];
  debye: [number, number, number][];
}
const ref = JSON.parse(readFileSync(fixture('fit/larch_paths.json'), 'utf8')) as { sigma2: Sigma2Ref[] };

const loaded: FeffPath[] = [];
function load(f: string): FeffPath {
  const p = loadFeffPath(fixture(f.replace(/^fixtures\//, '')));
  loaded.push(p);
  return p;
}
afterAll(() => loaded.forEach(releaseFeffPath));

describe('sigma2Eins (Larch sigma2_eins)', () => {
  test('sigma2Eins(300, 230) for feffcu01 (Cu-Cu) = 0.0090781877 (Larch 0.9.58)', () => {
    expectClose(sigma2Eins(300, 230, load('fixtures/fits/feffcu01.dat')), 0.0090781877225322, 1e-14);
  });

  test('at T → 0 it is the zero-point value EINS_FACTOR/(θ·μ) (t floored at 1e-5 K)', () => {
    const p = load('fixtures/fits/ru_feff0002.dat');
    expectClose(sigma2Eins(0, 300, p), EINS_FACTOR / (300 * p.reducedMass), 1e-15);
  });

  test('at high T it approaches the classical 2·EINS_FACTOR·T/(θ²μ)', () => {
    const p = load('fixtures/fits/feffcu01.dat');
    const t = 1e7; // tanh(x) = x(1 − x²/3 …): relative deviation 4e-11 here
    expectClose(sigma2Eins(t, 230, p), (2 * EINS_FACTOR * t) / (230 * 230 * p.reducedMass), 1e-9);
  });

  for (const r of ref.sigma2) {
    test(`${r.file} (${r.nleg} legs) matches Larch at ${r.eins.length} (T, θ) pairs to 1e-14`, () => {
      const p = load(r.file);
      for (const [t, th, v] of r.eins) expectClose(sigma2Eins(t, th, p), v, 1e-14);
    });
  }
});

describe("sigma2Debye (Larch's correlated Debye model, sigma2_correldebye_py)", () => {
  test('sigma2Debye(300, 315) for feffcu01 (Cu-Cu) = 0.0090381502 (Larch pure-Python port)', () => {
    expectClose(sigma2Debye(300, 315, load('fixtures/fits/feffcu01.dat')), 0.009038150232917742, 1e-12);
  });

  test('multiple scattering: the 3-leg Cu path feff0003 at 300 K, θ 315 K', () => {
    const r = ref.sigma2.find((x) => x.file.endsWith('Cu_fcc_feff6/feff0003.dat'))!;
    const [, , v] = r.debye.find(([t, th]) => t === 300 && th === 315)!;
    expectClose(sigma2Debye(300, 315, load(r.file)), v, 1e-12);
  });

  for (const r of ref.sigma2) {
    test(`${r.file} (${r.nleg} legs) matches Larch at ${r.debye.length} (T, θ) pairs to 1e-12`, () => {
      const p = load(r.file);
      for (const [t, th, v] of r.debye) expectClose(sigma2Debye(t, th, p), v, 1e-12);
    });
  }

  test('rises with temperature and falls with the Debye temperature', () => {
    const p = load('fixtures/fits/ru_feff0001.dat');
    expect(sigma2Debye(10, 300, p)).toBeLessThan(sigma2Debye(300, 300, p));
    expect(sigma2Debye(300, 500, p)).toBeLessThan(sigma2Debye(300, 300, p));
  });
});
