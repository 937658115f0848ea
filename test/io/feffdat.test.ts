import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { readFeffDat } from '../../src/io/index.js';
import { catchXafs, expectClose, fixture, reference, sum, tempFiles } from './helpers.js';

interface FeffRef {
  title: string;
  version: string;
  potentials: [number, number, number, number][];
  gam_ch: number;
  exch: string;
  mu: number;
  kf: number;
  vint: number;
  rs_int: number;
  nleg: number;
  degen: number;
  reff: number;
  rnorman: number;
  edge: number;
  geom: [string, number, number, number, number, number][];
  npts: number;
  sums: Record<string, number>;
}
const feffRef = reference<Record<string, FeffRef>>('larch_feffdat.json');

describe('readFeffDat', () => {
  test('feffcu01.dat (FEFF6): Cu first shell header values', () => {
    const f = readFeffDat(fixture('fits/feffcu01.dat'));
    expect(f.format).toBe('feffdat');
    expect(f.title).toBe('Cu  metal  fcc a=3.603');
    expect(f.version).toBe('Feff XX 6.10');
    expect(f.reff).toBe(2.5478);
    expect(f.degen).toBe(12);
    expect(f.rnorman).toBe(2.63);
    expect(f.edge).toBe(-5.53502);
    expect(f.nleg).toBe(2);
    expect(f.potentials).toEqual([
      { ipot: 0, iz: 29, rmt: 1.289, rnm: 1.424 },
      { ipot: 1, iz: 29, rmt: 1.272, rnm: 1.392 },
    ]);
    expect([f.gamCh, f.exch, f.mu, f.kf, f.vint, f.rsInt]).toEqual([1.761, 'H-L exch', -5.535, 1.806, -17.96, 2.008]);
    expect(f.geom).toEqual([
      { x: 0, y: 0, z: 0, ipot: 0, iz: 29, label: 'Cu' },
      { x: 0, y: -1.8016, z: 1.8016, ipot: 1, iz: 29, label: 'Cu' },
    ]);
    expect(f.k).toHaveLength(59);
    expect([f.k[1], f.real2phc[1], f.magFeff[1], f.phaseFeff[1], f.redFactor[1], f.lambda[1], f.realP[1]]).toEqual([
      0.1, 3.502, 0.033976, -5.6318, 0.9873, 15.66, 1.8098,
    ]);
    expect(f.pha[1]).toBe(3.502 + -5.6318);
    expect(f.amp[1]).toBe(0.033976 * 0.9873);
    expect(f.lam).toEqual(f.lambda);
    expect(f.rep).toEqual(f.realP);
  });

  test('ru_feff0001.dat (FEFF8L): Ru–N path, four potentials, 59 rows', () => {
    const f = readFeffDat(fixture('fits/ru_feff0001.dat'));
    expect(f.potentials.map((p) => p.iz)).toEqual([44, 7, 29, 6]);
    expect([f.nleg, f.degen, f.reff, f.rnorman, f.edge]).toEqual([2, 2, 2.07, 2.63, 1.85229]);
    expect(f.geom.map((a) => a.label)).toEqual(['Ru', 'N']);
    expect(f.k).toHaveLength(59);
    expect(f.k[0]).toBe(-0);
  });

  for (const [rel, ref] of Object.entries(feffRef)) {
    test(`${rel}: header, geometry, ${ref.npts} rows and column sums as Larch FeffDatFile`, () => {
      const f = readFeffDat(fixture(rel));
      expect([f.title, f.version, f.gamCh, f.exch, f.mu, f.kf, f.vint, f.rsInt]).toEqual([
        ref.title, ref.version, ref.gam_ch, ref.exch, ref.mu, ref.kf, ref.vint, ref.rs_int,
      ]);
      expect([f.nleg, f.degen, f.reff, f.rnorman, f.edge]).toEqual([ref.nleg, ref.degen, ref.reff, ref.rnorman, ref.edge]);
      expect(f.potentials.map((p) => [p.ipot, p.iz, p.rmt, p.rnm])).toEqual(ref.potentials);
      expect(f.geom.map((a) => [a.label, a.iz, a.ipot, a.x, a.y, a.z])).toEqual(ref.geom);
      expect(f.k).toHaveLength(ref.npts);
      const arrays: Record<string, Float64Array> = {
        k: f.k, real_phc: f.real2phc, mag_feff: f.magFeff, pha_feff: f.phaseFeff, red_fact: f.redFactor,
        lam: f.lam, rep: f.rep, pha: f.pha, amp: f.amp,
      };
      for (const [name, values] of Object.entries(arrays)) expectClose(sum(values), ref.sums[name]!);
    });
  }

  test('a file without a final newline keeps its last digit (departure from Larch pitfall 27)', () => {
    const { write } = tempFiles();
    const text = readFileSync(fixture('fits/feffcu01.dat'), 'utf8').replace(/\n$/, '');
    const f = readFeffDat(write('feff_nonl.dat', text));
    const g = readFeffDat(fixture('fits/feffcu01.dat'));
    expect(f.realP[f.realP.length - 1]).toBe(g.realP[g.realP.length - 1]);
  });
});

describe('readFeffDat refuses a malformed file with EFEFF naming file and line', () => {
  const good = readFileSync(fixture('fits/feffcu01.dat'), 'utf8').split('\n');
  const remedy = '; is this a complete feffNNNN.dat from FEFF? rerun FEFF or restore the file';

  test('a cut-off table row', () => {
    const { write } = tempFiles();
    const lines = good.slice(0, 20);
    lines[19] = lines[19]!.slice(0, 30);
    const p = write('cut.dat', lines.join('\n') + '\n');
    expect(catchXafs(() => readFeffDat(p), 'EFEFF').message).toBe(
      `${p} line 20: a row of the k table has 3 numbers, expected 7 (k, real[2*phc], mag, phase, red factor, lambda, real[p])${remedy}`,
    );
  });

  test('a word in the table', () => {
    const { write } = tempFiles();
    const lines = [...good];
    lines[13] = lines[13]!.replace('3.5020E+00', '3.50x0E+00');
    const p = write('word.dat', lines.join('\n'));
    expect(catchXafs(() => readFeffDat(p), 'EFEFF').message).toBe(`${p} line 14: '3.50x0E+00' in the k table is not a number${remedy}`);
  });

  test('a path line that is not numbers', () => {
    const { write } = tempFiles();
    const lines = [...good];
    lines[7] = '   2  twelve   2.5478    2.6300   -5.53502 nleg, deg, reff, rnrmav(bohr), edge';
    const p = write('path.dat', lines.join('\n'));
    expect(catchXafs(() => readFeffDat(p), 'EFEFF').message).toBe(`${p} line 8: expected a number for degeneracy, found 'twelve'${remedy}`);
  });

  test('a file that is not a feff.dat at all', () => {
    const { write } = tempFiles();
    const p = write('other.dat', '# energy mu\n1 2\n3 4\n');
    expect(catchXafs(() => readFeffDat(p), 'EFEFF').message).toBe(`${p} line 3: no '-----' line before the path block (nleg, deg, reff, ...)${remedy}`);
  });

  test('an empty file', () => {
    const { write } = tempFiles();
    const p = write('empty.dat', '');
    expect(catchXafs(() => readFeffDat(p), 'EFEFF').message).toBe(`${p} is empty; expected a FEFF path file (feffNNNN.dat)`);
  });
});
