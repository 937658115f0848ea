// Structures without FEFF: shells on a sphere, clusters, XYZ files, feff.inp text, and the exact
// messages for broken structures.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { XafsError } from '../../src/errors.js';
import { describeFeffInp, writeFeffInp } from '../../src/feff/inp.js';
import { buildCluster, feffInpText, structureInput } from '../../src/feff/runner.js';
import { centreCluster, shellCluster, sphereDirections } from '../../src/feff/structure.js';
import { readXyz } from '../../src/feff/xyz.js';

const S = (f: string) => join(__dirname, '..', '..', 'fixtures', 'feff', 'structures', f);

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(XafsError);
    return (e as Error).message;
  }
  throw new Error('expected an XafsError');
}

function temp(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'xafs-feff-'));
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('sphereDirections', () => {
  it('gives unit vectors whose smallest angle is the ideal polyhedron angle', () => {
    // smallest angle between directions: linear 180°, trigonal 120°, tetrahedral 109.47°, octahedral 90°, cube 70.53°, cuboctahedron 60°
    const ideal: Record<number, number> = { 2: 180, 3: 120, 4: 109.4712206, 5: 90, 6: 90, 8: 70.5287794, 12: 60 };
    for (const [n, angle] of Object.entries(ideal)) {
      const d = sphereDirections(Number(n));
      expect(d).toHaveLength(Number(n));
      let min = 180;
      for (let i = 0; i < d.length; i++) {
        expect(Math.hypot(...d[i]!)).toBeCloseTo(1, 12);
        for (let j = i + 1; j < d.length; j++) {
          const dot = d[i]![0] * d[j]![0] + d[i]![1] * d[j]![1] + d[i]![2] * d[j]![2];
          min = Math.min(min, (Math.acos(Math.max(-1, Math.min(1, dot))) * 180) / Math.PI);
        }
      }
      expect(min, `N = ${n}`).toBeCloseTo(angle, 6);
    }
  });

  it('spreads other counts over the sphere (Fibonacci): no two of 7 or 20 closer than 40°', () => {
    for (const n of [7, 9, 20]) {
      const d = sphereDirections(n);
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++) {
          const dot = d[i]![0] * d[j]![0] + d[i]![1] * d[j]![1] + d[i]![2] * d[j]![2];
          expect((Math.acos(dot) * 180) / Math.PI).toBeGreaterThan(n === 20 ? 40 : 55);
        }
    }
  });
});

describe('shellCluster', () => {
  it('puts each shell at its distance, turning later shells away from earlier ones', () => {
    const c = shellCluster('cu', [
      { element: 'N', n: 4, r: 1.95 },
      { element: 'Ru', n: 1, r: 2.6 },
    ]);
    expect(c.atoms.map((a) => a.element)).toEqual(['Cu', 'N', 'N', 'N', 'N', 'Ru']);
    for (const a of c.atoms.slice(1, 5)) expect(a.r).toBeCloseTo(1.95, 5);
    expect(c.atoms[5]!.r).toBeCloseTo(2.6, 5);
    // Ru sits opposite a face of the N tetrahedron, 70.53° from three N: the farthest it can be,
    // √(1.95² + 2.6² − 2·1.95·2.6·cos 70.53°) = 2.6788 Å
    const ru = c.atoms[5]!;
    const closest = Math.min(...c.atoms.slice(1, 5).map((n) => Math.hypot(n.x - ru.x, n.y - ru.y, n.z - ru.z)));
    expect(closest).toBeCloseTo(Math.sqrt(1.95 ** 2 + 2.6 ** 2 - 2 * 1.95 * 2.6 * (1 / 3)), 3);
  });

  it('refuses shells that cannot fit, naming both atoms and the distance', () => {
    // 20 O on a 0.6 Å sphere: neighbours about 0.25 Å apart
    expect(message(() => shellCluster('Cu', [{ element: 'O', n: 20, r: 0.6 }]))).toMatch(/^shells: atoms O \(shell 1, atom \d+ of 20\) and O \(shell 1, atom \d+ of 20\) are 0\.[0-4]\d\d Å apart, closer than 0\.5 Å: a duplicated atom or coordinates not in Å; fix the structure$/);
    // two shells at the same distance with the same directions are turned apart, not stacked
    expect(shellCluster('Cu', [{ element: 'O', n: 6, r: 2 }, { element: 'N', n: 6, r: 2 }]).atoms).toHaveLength(13);
    expect(message(() => shellCluster('Cu', [{ element: 'Xx', n: 4, r: 2 }]))).toBe("unknown element 'Xx' (shell 1): use an element symbol from H to Cf (Fe, Cu, O, ...)");
    expect(message(() => shellCluster('Co', [{ element: 'N', n: 4, r: 0.3 }]))).toBe('shells: atoms Co (absorber) and N (shell 1, atom 1 of 4) are 0.300 Å apart, closer than 0.5 Å: a duplicated atom or coordinates not in Å; fix the structure');
    expect(message(() => shellCluster('Cu', [{ element: 'O', n: 2.5, r: 2 }]))).toBe('shell 1 (O): N must be a whole number from 1 to 48, got 2.5');
    expect(message(() => shellCluster('Cu', [{ elem: 'O', n: 2, r: 2 } as never]))).toBe('shell 1: expected {"element": "N", "n": 4, "r": 1.95} (r in Å), got {"elem":"O","n":2,"r":2}');
    expect(message(() => centreCluster([{ element: 'Cu', x: 0, y: 0, z: 0 }, [1, 2, 3] as never], 0, 'c.json'))).toBe('atom 2 of c.json: expected {"element": "N", "x": 1.95, "y": 0, "z": 0} (Å), got [1,2,3]');
  });
});

describe('clusters and XYZ files', () => {
  it('centres the cluster on the absorber and sorts by distance', () => {
    const c = centreCluster(
      [
        { element: 'O', x: 5, y: 5, z: 7.1 },
        { element: 'cu', x: 5, y: 5, z: 5 },
        { element: 'N', x: 6.9, y: 5, z: 5 },
      ],
      1,
      'test',
    );
    expect(c.atoms.map((a) => [a.element, a.r])).toEqual([
      ['Cu', 0],
      ['N', expect.closeTo(1.9, 12)],
      ['O', expect.closeTo(2.1, 12)],
    ]);
  });

  it('reads an XYZ file and refuses broken ones with the line', () => {
    const x = readXyz(S('cu_n4_ru.xyz'));
    expect(x.atoms).toHaveLength(6);
    expect(x.atoms[5]).toEqual({ element: 'Ru', x: 0, y: 0, z: 2.57, label: 'line 8' });
    const bad = temp('bad.xyz', '2\nc\nCu 0 0 0\nQq 1.9 0 0\n');
    expect(message(() => readXyz(bad))).toBe(`unknown element 'Qq' in ${bad} line 4: use an element symbol from H to Cf (Fe, Cu, O, ...)`);
    const short = temp('short.xyz', '3\nc\nCu 0 0 0\nN 1.9 0 0\n');
    expect(message(() => readXyz(short))).toBe(`${short} line 5: expected atom 3 of 3 ('element x y z'), found the end of the file; fix the atom count on line 1`);
    const nan = temp('nan.xyz', '2\nc\nCu 0 0 0\nN 1.9 zero 0\n');
    expect(message(() => readXyz(nan))).toBe(`${nan} line 4: coordinate y 'zero' is not a number`);
  });

  it('refuses atoms closer than 0.5 Å, naming both and the distance', () => {
    const f = temp('close.xyz', '3\nc\nCu 0 0 0\nN 1.9 0 0\nC 2.2 0 0\n');
    expect(message(() => buildCluster({ kind: 'xyz', file: f, absorber: 'Cu' }))).toBe(
      `${f}: atoms N (line 4) and C (line 5) are 0.300 Å apart, closer than 0.5 Å: a duplicated atom or coordinates not in Å; fix the structure`,
    );
  });

  it('refuses an absorber that is not in the structure, listing what is', () => {
    expect(message(() => buildCluster({ kind: 'xyz', file: S('cu_n4_ru.xyz'), absorber: 'Fe' }))).toBe(`absorber Fe is not in ${S('cu_n4_ru.xyz')} (elements: Cu, N, Ru): give --absorber one of those`);
    expect(message(() => buildCluster({ kind: 'xyz', file: S('cu_n4_ru.xyz'), absorber: 'Cx' }))).toBe("unknown element 'Cx' (the absorber): use an element symbol from H to Cf (Fe, Cu, O, ...)");
  });

  it('notes which atom is the absorber when the element occurs more than once', () => {
    const c = buildCluster({ kind: 'xyz', file: S('cu_n4_ru.xyz'), absorber: 'N' });
    expect(c.notes).toEqual([`${S('cu_n4_ru.xyz')} has 4 N atoms: the absorber is the first (line 4); the others are scatterers`]);
    expect(c.atoms[0]).toMatchObject({ element: 'N', x: 0, y: 0, z: 0 });
  });
});

describe('feff.inp', () => {
  it('writes one potential per element, the absorber ipot 0, with the feff8l cards', () => {
    const { inp } = feffInpText({ kind: 'xyz', file: S('cu_n4_ru.xyz'), absorber: 'Cu', rmax: 3.5, nleg: 2, s02: 0.9, edge: 'k' });
    expect(inp).toBe(
      [
        'TITLE Cu K edge, cu_n4_ru.xyz',
        'EDGE      K',
        'S02       0.9',
        'CONTROL   1      1     1     1     1      1',
        'PRINT     1      0     0     0     0      3',
        'EXCHANGE  0',
        'RPATH     3.5',
        'NLEG      2',
        'POTENTIALS',
        '*  ipot   Z  element',
        '    0   29   Cu',
        '    1    7   N',
        '    2   44   Ru',
        'ATOMS',
        '   0.000000    0.000000    0.000000   0  Cu    0.00000',
        '   1.950000    0.000000    0.000000   1  N     1.95000',
        '  -1.950000    0.000000    0.000000   1  N     1.95000',
        '   0.000000    1.950000    0.000000   1  N     1.95000',
        '   0.000000   -1.950000    0.000000   1  N     1.95000',
        '   0.000000    0.000000    2.570000   2  Ru    2.57000',
        'END',
        '',
      ].join('\n'),
    );
    expect(describeFeffInp(inp)).toEqual({ absorber: 'Cu', edge: 'K' });
  });

  it('writes HOLE and RMAX for feff6l, which refuses EDGE, S02 and RPATH', () => {
    const c = shellCluster('Pt', [{ element: 'Cl', n: 4, r: 2.3 }]);
    const inp = writeFeffInp(c, { edge: 'L3', s02: 0.8, rmax: 4, nleg: 3, title: 't', program: 'feff6l' });
    expect(inp.split('\n').slice(0, 6)).toEqual(['TITLE t', 'HOLE      4  0.8', 'CONTROL   1      1     1     1', 'PRINT     1      0     0     0', 'RMAX      4', 'NLEG      3']);
    expect(inp).not.toMatch(/EDGE|S02|RPATH/);
    expect(describeFeffInp(inp)).toEqual({ absorber: 'Pt', edge: 'L3' });
    expect(message(() => writeFeffInp(c, { edge: 'M5', s02: 1, rmax: 4, nleg: 2, title: 't', program: 'feff6l' }))).toBe('feff6l computes K, L1, L2 and L3 edges only, not M5: use feff8l (--feff 8)');
    expect(writeFeffInp(c, { edge: 'M5', s02: 1, rmax: 4, nleg: 2, title: 't', program: 'feff8l' })).toContain('EDGE      M5');
  });

  it('refuses an unknown edge and out-of-range options', () => {
    const shells = { kind: 'shells' as const, absorber: 'Cu', shells: [{ element: 'O', n: 4, r: 1.95 }] };
    expect(message(() => feffInpText({ ...shells, edge: 'N7' }))).toBe("unknown edge 'N7': use one of K, L1, L2, L3, M1, M2, M3, M4, M5");
    expect(message(() => feffInpText({ ...shells, nleg: 1 }))).toBe('nleg 1 is outside 2..8: give the most legs per path (2 = single scattering)');
    // feff6l takes ipot 0..7, feff8l 0..11
    const many = { kind: 'shells' as const, absorber: 'Cu', shells: ['O', 'N', 'C', 'S', 'Cl', 'P', 'F', 'Br'].map((element, i) => ({ element, n: 1, r: 2 + 0.1 * i })) };
    expect(feffInpText(many, 'feff8l').inp).toContain('    8   35   Br');
    expect(message(() => feffInpText(many, 'feff6l'))).toBe('shells: 9 unique potentials (Cu, O, N, C, S, Cl, P, F, Br) but feff6l takes at most 8: reduce rmax or remove minor elements (feff8l takes 12)');
  });
});

describe('structureInput', () => {
  it('tells the input kind from the file name', () => {
    expect(structureInput(S('cu_n4_ru.xyz'), { absorber: 'Cu', rmax: 4 })).toEqual({ kind: 'xyz', file: S('cu_n4_ru.xyz'), absorber: 'Cu', rmax: 4 });
    expect(structureInput(S('cu_fcc.cif'), { absorber: 'Cu' })).toEqual({ kind: 'cif', file: S('cu_fcc.cif'), absorber: 'Cu', rmax: 5 });
    const j = temp('c.json', JSON.stringify({ absorber: 'Cu', shells: [{ element: 'N', n: 4, r: 1.95 }], nleg: 2 }));
    expect(structureInput(j, { rmax: 3 })).toEqual({ kind: 'shells', absorber: 'Cu', shells: [{ element: 'N', n: 4, r: 1.95 }], nleg: 2, rmax: 3 });
    expect(message(() => structureInput(S('cu_n4_ru.xyz')))).toBe(`${S('cu_n4_ru.xyz')}: an XYZ file needs the absorbing element: give --absorber (e.g. --absorber Cu)`);
  });
});
