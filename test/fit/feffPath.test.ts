import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { ETOK } from '../../src/constants.js';
import { ff2chi, loadFeffPath, pathChi, pathParams, releaseFeffPath, reportMass } from '../../src/fit/feffPath.js';
import { atomicMass, elementSymbol } from '../../src/fit/masses.js';
import type { FeffPath, PathParams } from '../../src/fit/types.js';
import * as wasm from '../../src/wasm.js';
import { catchXafs, expectClose, fixture } from '../io/helpers.js';

interface ChiCase {
  name: string;
  file: string;
  params: Partial<PathParams>;
  options: { kmax?: number; kstep?: number; k?: number[] };
  nk: number;
  k_first: number;
  k_last: number;
  chi: number[];
  chi_imag: number[];
}
interface Sigma2Ref {
  file: string;
  rmass: number;
  geom: [string, number, number, number, number, number, number][];
}
const ref = JSON.parse(readFileSync(fixture('fit/larch_paths.json'), 'utf8')) as {
  cases: ChiCase[];
  ff2chi: { files: string[]; params: Partial<PathParams>[]; nk: number; chi: number[] };
  sigma2: Sigma2Ref[];
};
/** The reference files were named from the repository root. */
const repoFile = (f: string): string => fixture(f.replace(/^fixtures\//, ''));

/** ‖a − b‖₂/‖b‖₂ */
function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

const loaded: FeffPath[] = [];
function load(f: string): FeffPath {
  const p = loadFeffPath(repoFile(f));
  loaded.push(p);
  return p;
}
afterAll(() => loaded.forEach(releaseFeffPath));

// ---- plain complex arithmetic for the hand-evaluated cases ------------------------------------
type C = [number, number];
const add = (a: C, b: C): C => [a[0] + b[0], a[1] + b[1]];
const mul = (a: C, b: C): C => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const scl = (s: number, a: C): C => [s * a[0], s * a[1]];
const cexp = (a: C): C => [Math.exp(a[0]) * Math.cos(a[1]), Math.exp(a[0]) * Math.sin(a[1])];
/** Principal square root: the root with Re ≥ 0 (via polar form, unlike the kernel's csqrt formula). */
const csqrt = (a: C): C => {
  const r = Math.sqrt(Math.hypot(a[0], a[1]));
  const th = Math.atan2(a[1], a[0]) / 2;
  return [r * Math.cos(th), r * Math.sin(th)];
};

describe('path χ(k) of a synthetic single scatterer, evaluated by hand', () => {
  // pha = a + b·k, amp = A, rep = k, lam = L: linear tables, so the not-a-knot spline and its
  // extrapolation reproduce them exactly, and p² = (q + i/L)² (ei = 0) gives p = q + i/L for q > 0.
  const a = 1.3;
  const b = -0.42;
  const A = 0.37;
  const L = 9.5;
  const reff = 2.2;
  const kt = Float64Array.from({ length: 161 }, (_, i) => i * 0.125);
  const h = wasm.registerFeffPath(
    kt,
    kt.map((k) => a + b * k),
    kt.map(() => A),
    kt.slice(),
    kt.map(() => L),
    reff,
  );
  afterAll(() => wasm.freeFeffPath(h));

  test('equals N·S0²·A/(qR²)·exp(−2reff/L − 2σ²(q² − 1/L²) − 2D/L)·sin(2q·reff + a + bq − 4σ²q/L + 2qD), D = ΔR − 2σ²/reff', () => {
    const P = { degen: 6, s02: 0.8, e0: -3.0, ei: 0, deltar: 0.05, sigma2: 0.006, third: 0, fourth: 0 };
    const nk = 300;
    const kstep = 0.05;
    const { chi, chiImag } = wasm.pathChi(h, P, nk, kstep);
    const R = reff + P.deltar;
    const D = P.deltar - (2 * P.sigma2) / reff;
    const hand = (k: number): [number, number] => {
      const q = Math.sqrt(k * k - P.e0 * ETOK); // e0 < 0: q > 0 everywhere
      const mag = ((P.degen * P.s02 * A) / (q * R * R)) * Math.exp((-2 * reff) / L - 2 * P.sigma2 * (q * q - 1 / (L * L)) - (2 * D) / L);
      const phase = 2 * q * reff + a + b * q - (4 * P.sigma2 * q) / L + 2 * q * D;
      return [mag * Math.sin(phase), -mag * Math.cos(phase)];
    };
    const expChi = new Float64Array(nk);
    const expImag = new Float64Array(nk);
    for (let n = 1; n < nk; n++) [expChi[n], expImag[n]] = hand(n * kstep);
    // the first point is Larch's linear extrapolation from the next two
    expChi[0] = 2 * expChi[1]! - expChi[2]!;
    expImag[0] = 2 * expImag[1]! - expImag[2]!;
    expect(relL2(chi, expChi)).toBeLessThan(1e-13);
    expect(relL2(chiImag, expImag)).toBeLessThan(1e-13);
  });

  test('with e0 > 0 (q < 0 below the edge, p = −(q + i/L) there), ei, third and fourth: the complex formula by hand', () => {
    const P = { degen: 2, s02: 0.9, e0: 7.5, ei: 1.1, deltar: -0.03, sigma2: 0.004, third: 0.0008, fourth: 0.0002 };
    const nk = 320;
    const kstep = 0.05;
    const { chi, chiImag } = wasm.pathChi(h, P, nk, kstep);
    const expChi = new Float64Array(nk);
    const expImag = new Float64Array(nk);
    for (let n = 1; n < nk; n++) {
      const k = n * kstep;
      const en = k * k - P.e0 * ETOK;
      const q = Math.sign(en) * Math.sqrt(Math.abs(en));
      const pp = add(mul([q, 1 / L], [q, 1 / L]), [0, P.ei * ETOK]);
      const p = csqrt(pp);
      // −2 reff Im p − 2p²(σ² − p²c4/3) + i(2q reff + pha + 2p(ΔR − 2σ²/reff − 2p²c3/3))
      const damp = add([-2 * reff * p[1], 0], scl(-2, mul(pp, add([P.sigma2, 0], scl(-P.fourth / 3, pp)))));
      const inner = add([P.deltar - (2 * P.sigma2) / reff, 0], scl((-2 * P.third) / 3, pp));
      const ph = add([2 * q * reff + a + b * q, 0], scl(2, mul(p, inner)));
      const z = scl((P.degen * P.s02 * A) / (q * (reff + P.deltar) ** 2), cexp(add(damp, mul([0, 1], ph))));
      expChi[n] = z[1];
      expImag[n] = -z[0];
    }
    expChi[0] = 2 * expChi[1]! - expChi[2]!;
    expImag[0] = 2 * expImag[1]! - expImag[2]!;
    // the hand values go through polar-form sqrt, cos/sin of a complex exponent: a few ulps apart
    expect(relL2(chi, expChi)).toBeLessThan(1e-12);
    expect(relL2(chiImag, expImag)).toBeLessThan(1e-12);
  });

  test('pathChiAdd (through sumPathsChi) adds the same χ(k) as pathChi, whatever the order of e0 values', () => {
    // pathChiAdd keeps two e0 grids per path; walk through hits, misses and returns to old e0
    const e0s = [2.0, 2.0, 2.5, 2.0, -1.0, 2.5, 2.5, -1.0, 2.0];
    e0s.forEach((e0, i) => {
      const P = { degen: 3, s02: 0.9, e0, ei: i % 3 === 0 ? 0 : 0.5, deltar: 0.01 * i, sigma2: 0.002 + 0.001 * i, third: 0.0001 * i, fourth: 0.00002 * i };
      const expected = wasm.pathChi(h, P, 350, 0.05).chi;
      const got = wasm.sumPathsChi(Int32Array.of(h), wasm.pathParamArray(P), 350, 0.05);
      expect(relL2(got, expected)).toBeLessThan(1e-13);
    });
  });

  test('sumPathsChi adds paths: two registrations of one table give twice the χ(k)', () => {
    const h2 = wasm.registerFeffPath(kt, kt.map((k) => a + b * k), kt.map(() => A), kt.slice(), kt.map(() => L), reff);
    const P = { degen: 4, s02: 1, e0: 1, ei: 0, deltar: 0, sigma2: 0.003, third: 0, fourth: 0 };
    const one = wasm.pathChi(h, P, 200, 0.05).chi;
    const two = wasm.sumPathsChi(Int32Array.of(h, h2), Float64Array.of(...wasm.pathParamArray(P), ...wasm.pathParamArray(P)), 200, 0.05);
    expect(relL2(two, one.map((v) => 2 * v))).toBeLessThan(1e-13);
    wasm.freeFeffPath(h2);
    expect(wasm.feffPathValid(h2)).toBe(false);
  });
});

describe('pathChi matches Larch 0.9.58 path2chi (fixtures/fit/larch_paths.json)', () => {
  for (const c of ref.cases) {
    test(`${c.name}: relative L2 of chi and chi_imag < 1e-10`, () => {
      const path = load(c.file);
      const out = pathChi(path, c.params, c.options);
      expect(out.k.length).toBe(c.nk);
      expect(out.k[0]).toBe(c.k_first);
      expectClose(out.k[c.nk - 1]!, c.k_last, 1e-15);
      expect(relL2(out.chi, c.chi)).toBeLessThan(1e-10);
      expect(relL2(out.chiImag, c.chi_imag)).toBeLessThan(1e-10);
    });
  }

  test('Appendix A best fit for feffcu01 (s02 0.895189, e0 4.357769, ΔR −0.00601665, σ² 0.00866969, N 12): 401 points to k = 20', () => {
    const c = ref.cases[0]!;
    expect(c.params).toEqual({ degen: 12, s02: 0.895189, e0: 4.357769, deltar: -0.00601665, sigma2: 0.00866969 });
    const out = pathChi(load('fixtures/fits/feffcu01.dat'), c.params);
    expect(out.k.length).toBe(401);
    expect(out.k[400]).toBe(20);
    expect(relL2(out.chi, c.chi)).toBeLessThan(1e-10);
  });

  test('ff2chi of four Cu paths with their own parameters matches Larch ff2chi', () => {
    const paths = ref.ff2chi.files.map(load);
    const out = ff2chi(paths, ref.ff2chi.params);
    expect(out.k.length).toBe(ref.ff2chi.nk);
    expect(relL2(out.chi, ref.ff2chi.chi)).toBeLessThan(1e-10);
  });

  test('ff2chi on an explicit k array is the sum of the paths on that array', () => {
    const paths = ref.ff2chi.files.map(load);
    const k = Float64Array.from({ length: 90 }, (_, i) => 0.5 + 0.17 * i);
    const out = ff2chi(paths, ref.ff2chi.params, { k });
    const sum = new Float64Array(k.length);
    paths.forEach((p, i) => pathChi(p, ref.ff2chi.params[i], { k }).chi.forEach((v, n) => (sum[n] += v)));
    expect(relL2(out.chi, sum)).toBeLessThan(1e-15);
  });
});

describe('loadFeffPath', () => {
  test("labels paths as chemists write them: 'Cu-Cu', 'Ru-N', 'Ru-Cu', 'Cu-Cu-Cu', 'Cu-Cu-Cu-Cu'", () => {
    expect(load('fixtures/fits/feffcu01.dat').label).toBe('Cu-Cu');
    expect(load('fixtures/fits/ru_feff0001.dat').label).toBe('Ru-N');
    expect(load('fixtures/fits/ru_feff0002.dat').label).toBe('Ru-Cu');
    expect(load('fixtures/feff/Cu_fcc_feff6/feff0003.dat').label).toBe('Cu-Cu-Cu');
    // a 4-leg path through the absorber: Cu → Cu → (absorber) Cu → Cu
    expect(load('fixtures/feff/Cu_fcc_feff6/feff0011.dat').label).toBe('Cu-Cu-Cu-Cu');
  });

  test("names atoms by element, not by the file's labels: a 3-leg Ru-N-C path labelled Ru1, N_a, C12", () => {
    const text = readFileSync(fixture('fits/ru_feff0001.dat'), 'latin1')
      .replace(/^ {3}2 {3}2\.000 {3}2\.0700/m, '   3   4.000   3.2000')
      .replace(/(-1\.0350\s+1\.7927\s+-0\.0000\s+1\s+7) N/, '$1 N_a\n     1.5000    2.9000    0.0000  3   6 C12')
      .replace(/(-0\.0000\s+-0\.0000\s+-0\.0000\s+0\s+44) Ru /, '$1 Ru1');
    const p = loadFeffPath({ text, path: 'synthetic/ru_n_c.dat' });
    loaded.push(p);
    expect(p.nleg).toBe(3);
    expect(p.dat.geom.map((g) => g.label)).toEqual(['Ru1', 'N_a', 'C12']);
    expect(p.label).toBe('Ru-N-C');
    expect(p.atoms.map((x) => [x.label, x.iz, x.mass])).toEqual([
      ['Ru', 44, 101.07],
      ['N', 7, 14.007],
      ['C', 6, 12.011],
    ]);
    // Einstein reduced mass over every atom, absorber included
    expectClose(p.reducedMass, 1 / (1 / 101.07 + 1 / 14.007 + 1 / 12.011), 1e-15);
  });

  test('atoms, masses and reduced masses agree with Larch FeffDatFile (geom, rmass)', () => {
    for (const r of ref.sigma2) {
      const p = load(r.file);
      expect(p.atoms.map((a) => [a.iz, a.mass, a.x, a.y, a.z])).toEqual(r.geom.map((g) => [g[1], g[3], g[4], g[5], g[6]]));
      expectClose(reportMass(p), r.rmass, 1e-15);
      expectClose(p.reducedMass, r.rmass, 1e-15);
    }
  });

  test('header values and the WASM handle', () => {
    const p = load('fixtures/fits/feffcu01.dat');
    expect([p.reff, p.degen, p.nleg, p.rnorman]).toEqual([2.5478, 12, 2, 2.63]);
    expect(p.file).toBe(fixture('fits/feffcu01.dat'));
    expect(wasm.feffPathValid(p.handle)).toBe(true);
  });

  test('refuses a path with reff < 0.05 Å, naming the file', () => {
    const text = readFileSync(fixture('fits/feffcu01.dat'), 'latin1').replace('12.000   2.5478', '12.000   0.0400');
    const err = catchXafs(() => loadFeffPath({ text, path: 'short/feff0001.dat' }), 'EFEFF');
    expect(err.message).toBe('short/feff0001.dat: reff = 0.04 Å is below 0.05 Å, too short for χ(k) (Larch refuses it too); use a path with a scatterer');
  });

  test('a released path is refused by pathChi', () => {
    const p = loadFeffPath(fixture('fits/feffcu01.dat'));
    releaseFeffPath(p);
    const err = catchXafs(() => pathChi(p), 'EOPTION');
    expect(err.message).toBe(`path Cu-Cu (${fixture('fits/feffcu01.dat')}) was released (releaseFeffPath); load it again with loadFeffPath`);
  });
});

describe('path parameters', () => {
  test("Larch's defaults: degen from the file, s02 1, e0, ei, deltar, sigma2, third, fourth 0", () => {
    const p = load('fixtures/fits/ru_feff0001.dat');
    expect(pathParams(p)).toEqual({ degen: 2, s02: 1, e0: 0, ei: 0, deltar: 0, sigma2: 0, third: 0, fourth: 0 });
    expect(pathParams(p, { sigma2: 0.003, degen: 4 })).toEqual({ degen: 4, s02: 1, e0: 0, ei: 0, deltar: 0, sigma2: 0.003, third: 0, fourth: 0 });
  });

  test('pathChi(path) without parameters is the Larch-defaults case', () => {
    const c = ref.cases.find((x) => x.name.includes('Larch defaults'))!;
    expect(relL2(pathChi(load(c.file)).chi, c.chi)).toBeLessThan(1e-10);
  });

  test('a parameter that is not a finite number is refused', () => {
    const p = load('fixtures/fits/feffcu01.dat');
    const err = catchXafs(() => pathChi(p, { sigma2: NaN }), 'EOPTION');
    expect(err.message).toBe(`path Cu-Cu (${p.file}): sigma2 = NaN is not a finite number`);
  });
});

describe('masses', () => {
  test("xraydb's standard atomic masses and symbols", () => {
    expect([atomicMass(1), atomicMass(29), atomicMass(44), atomicMass(98)]).toEqual([1.0078, 63.546, 101.07, 251.0]);
    expect([elementSymbol(1), elementSymbol(7), elementSymbol(29), elementSymbol(98)]).toEqual(['H', 'N', 'Cu', 'Cf']);
    expect(catchXafs(() => atomicMass(99), 'EOPTION').message).toBe('atomic number 99 is outside 1..98: expected an element from H to Cf');
  });
});
