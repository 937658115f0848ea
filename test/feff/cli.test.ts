// xafs feff through the CLI: the path table, --json, --out, and every bad input the issue lists,
// each refused with exit 2 and its exact message.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feffAvailable } from '../../src/feff/runner.js';
import { expectRefused, fixture, xafs } from '../cli/helpers.js';

const XYZ = fixture('feff/structures/cu_n4_ru.xyz');
const HAVE8 = feffAvailable('feff8l') !== undefined;
const saved = process.env.XAFS_CACHE;
const temp = () => mkdtempSync(join(tmpdir(), 'xafs-feffcli-'));

beforeAll(() => {
  process.env.XAFS_CACHE = temp();
});
afterAll(() => {
  if (saved === undefined) delete process.env.XAFS_CACHE;
  else process.env.XAFS_CACHE = saved;
});

describe.skipIf(!HAVE8)('xafs feff (skipped: feff8l not installed; apt-get install feff85exafs)', () => {
  it('runs FEFF on an XYZ file and prints the paths as xafs paths does', async () => {
    const out = join(temp(), 'run');
    const r = await xafs('feff', XYZ, '--absorber', 'Cu', '--rmax', '2.7', '--nleg', '2', '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toBe(['index  label  nleg  degen  reff (Å)  importance (%)', '1      Cu-N   2     4      1.9500    100.0', '2      Cu-Ru  2     1      2.5700    8.4', ''].join('\n'));
    expect(r.err).toMatch(new RegExp(`^feff8l Feff85L for EXAFS version 8\\.5L, build 001.*: 2 paths in ${out}\\n$`));
    expect(readdirSync(out)).toContain('feff0002.dat');
    // the same folder listed by xafs paths: the same table
    expect((await xafs('paths', out)).out).toBe(r.out);
    // again: from the cache, and said so
    const again = await xafs('feff', XYZ, '--absorber', 'Cu', '--rmax', '2.7', '--nleg', '2', '--json');
    expect(again.err).toMatch(/\(cached: FEFF did not run\)\n$/);
    const j = JSON.parse(again.out) as { program: string; cached: boolean; absorber: string; edge: string; paths: { label: string; degen: number; reff: number; file: string }[]; inp: string };
    expect([j.program, j.cached, j.absorber, j.edge]).toEqual(['feff8l', true, 'Cu', 'K']);
    expect(j.paths.map((p) => [p.label, p.degen, p.reff])).toEqual([
      ['Cu-N', 4, 1.95],
      ['Cu-Ru', 1, 2.57],
    ]);
    expect(existsSync(j.paths[0]!.file)).toBe(true);
    expect(j.inp).toContain('RPATH     2.7');
  });

  it('shows the end of the log when FEFF fails', async () => {
    const inp = join(temp(), 'feff.inp');
    writeFileSync(inp, 'TITLE broken\nEDGE K\nBOGUS 3\nPOTENTIALS\n 0 29 Cu\n 1 8 O\nATOMS\n 0 0 0 0\n 1.9 0 0 1\nEND\n');
    const r = await xafs('feff', inp);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(new RegExp(`^xafs: feff8l failed on ${inp} \\(no paths\\.dat written\\); the end of its log:\\n(  \\| .*\\n)+$`));
    expect(r.err).toContain('Keyword unrecognized');
  });
});

describe('xafs feff --inp-only', () => {
  it('prints the feff.inp without FEFF, with the cards of the FEFF asked for', async () => {
    const path = process.env.PATH;
    process.env.PATH = temp(); // no FEFF at all: still works
    try {
      const r = await xafs('feff', XYZ, '--absorber', 'Cu', '--rmax', '3', '--inp-only');
      expect(r.code).toBe(0);
      expect(r.out.split('\n').slice(0, 7)).toEqual(['TITLE Cu K edge, cu_n4_ru.xyz', 'EDGE      K', 'S02       1', 'CONTROL   1      1     1     1     1      1', 'PRINT     1      0     0     0     0      3', 'EXCHANGE  0', 'RPATH     3']);
      const r6 = await xafs('feff', XYZ, '--absorber', 'Cu', '--edge', 'L3', '--feff', '6', '--inp-only');
      expect(r6.out.split('\n').slice(1, 2)).toEqual(['HOLE      4  1']);
      const out = temp();
      const w = await xafs('feff', XYZ, '--absorber', 'Cu', '--inp-only', '--out', out);
      expect([w.out, w.err]).toEqual(['', `wrote ${join(out, 'feff.inp')} (feff8l cards)\n`]);
      expect(readFileSync(join(out, 'feff.inp'), 'utf8')).toContain('    2   44   Ru');
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('xafs feff refuses bad input', () => {
  it('FEFF not installed: how to install it, and the library works without it', async () => {
    const path = process.env.PATH;
    const f8 = process.env.XAFS_FEFF8L;
    process.env.PATH = temp();
    delete process.env.XAFS_FEFF8L;
    try {
      expectRefused(
        await xafs('feff', XYZ, '--absorber', 'Cu', '--feff', '8'),
        'xafs: feff8l not found: install it with `apt-get install feff85exafs` (Debian/Ubuntu); the built-in path library (`xafs fit-shell`) works without FEFF\n',
      );
    } finally {
      process.env.PATH = path;
      if (f8 !== undefined) process.env.XAFS_FEFF8L = f8;
    }
  });

  it('an absorber missing from the structure', async () => {
    expectRefused(await xafs('feff', XYZ, '--absorber', 'Fe'), `xafs: absorber Fe is not in ${XYZ} (elements: Cu, N, Ru): give --absorber one of those\n`);
    expectRefused(await xafs('feff', XYZ), `xafs: ${XYZ}: an XYZ file needs the absorbing element: give --absorber (e.g. --absorber Cu)\n`);
  });

  it('atoms closer than 0.5 Å, an unknown element, a CIF without coordinates', async () => {
    const d = temp();
    const close = join(d, 'close.xyz');
    writeFileSync(close, '3\n\nCu 0 0 0\nO 0 0 1.9\nO 0.1 0.2 1.9\n');
    expectRefused(await xafs('feff', close, '--absorber', 'Cu'), `xafs: ${close}: atoms O (line 4) and O (line 5) are 0.224 Å apart, closer than 0.5 Å: a duplicated atom or coordinates not in Å; fix the structure\n`);
    const unknown = join(d, 'unknown.xyz');
    writeFileSync(unknown, '2\n\nCu 0 0 0\nXy 0 0 1.9\n');
    expectRefused(await xafs('feff', unknown, '--absorber', 'Cu'), `xafs: unknown element 'Xy' in ${unknown} line 4: use an element symbol from H to Cf (Fe, Cu, O, ...)\n`);
    const cif = join(d, 'empty.cif');
    writeFileSync(cif, 'data_empty\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\n');
    expectRefused(await xafs('feff', cif, '--absorber', 'Cu'), `xafs: ${cif} (data_empty) has no atomic coordinates (no _atom_site_fract_x/y/z loop): it cannot be turned into a cluster; use a CIF with atom sites\n`);
  });

  it('bad options', async () => {
    const r = await xafs('feff', XYZ, '--absorber', 'Cu', '--feff', '7');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^xafs: option '--feff' expects 8 or 6, got '7'\n/);
    expectRefused(await xafs('feff', XYZ, '--absorber', 'Cu', '--edge', 'Q'), "xafs: unknown edge 'Q': use one of K, L1, L2, L3, M1, M2, M3, M4, M5\n");
    const missing = join(temp(), 'nothing.xyz');
    expectRefused(await xafs('feff', missing), `xafs: file not found: '${missing}'; give a structure: .xyz, .cif, feff.inp or a JSON cluster\n`);
  });
});
