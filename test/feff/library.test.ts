// The committed path library (library/paths): what the index promises is what the files hold, the
// bond lengths follow the documented rules, and FEFF8L run again on an entry's feff.inp gives the
// same path (when feff8l is installed).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { elementSymbol } from '../../src/fit/masses.js';
import { readFeffDat } from '../../src/io/feffdat.js';
import { describeFeffInp } from '../../src/feff/inp.js';
import { findLibraryPath, libraryDir, libraryEntries, libraryFeffVersion } from '../../src/feff/library.js';
import { feffAvailable, runFeff } from '../../src/feff/runner.js';

const METALS = ['Fe', 'Co', 'Ni', 'Cu', 'Zn', 'Ru', 'Rh', 'Pd', 'Ag', 'Ir', 'Pt', 'Au'];
const LIGANDS = ['C', 'N', 'O', 'S', 'P', 'Cl'];

describe('path library', () => {
  it('has every pair and foil of the issue, K edges and L3 for Ir, Pt, Au', () => {
    const all = libraryEntries();
    expect(all).toHaveLength(12 * (6 + 12) + 12);
    for (const m of METALS) {
      const edge = ['Ir', 'Pt', 'Au'].includes(m) ? 'L3' : 'K';
      for (const s of [...LIGANDS, ...METALS]) expect(all.filter((e) => e.absorber === m && e.scatterer === s && e.kind === 'pair' && e.edge === edge), `${m}-${s}`).toHaveLength(1);
      expect(all.filter((e) => e.absorber === m && e.scatterer === m && e.kind === 'foil' && e.edge === edge)).toHaveLength(1);
    }
    expect(libraryFeffVersion()).toMatch(/^feff8l Feff85L for EXAFS version 8\.5L/);
  });

  it('finds paths by absorber, scatterer and edge, any case', () => {
    const ruN = findLibraryPath('Ru', 'N');
    // Cordero covalent radii: Ru 1.46 + N 0.71 Å; six N in an octahedron
    expect(ruN).toEqual({ absorber: 'Ru', edge: 'K', scatterer: 'N', kind: 'pair', reff: 2.17, degen: 6, file: join(libraryDir(), 'Ru_K/N/feff0001.dat'), inp: join(libraryDir(), 'Ru_K/N/feff.inp') });
    expect(existsSync(ruN!.file) && existsSync(ruN!.inp)).toBe(true);
    // metal–metal: the mean of the two metals' nearest-neighbour distances (Cu fcc a/√2, Ru hcp mean of 6 + 6), twelve in a cuboctahedron
    const cuRu = findLibraryPath('cu', 'RU', 'k')!;
    expect([cuRu.reff, cuRu.degen]).toEqual([2.62, 12]);
    expect(findLibraryPath('Ru', 'Cu')!.reff).toBe(2.62);
    expect(findLibraryPath('Cu', 'N')!.reff).toBe(2.03);
    expect(findLibraryPath('Pt', 'Cl')).toMatchObject({ edge: 'L3', reff: 2.38, degen: 4 });
    expect(findLibraryPath('Pt', 'O', 'K')).toBeUndefined();
    expect(findLibraryPath('Cu', 'Xe')).toBeUndefined();
    // the pair wins over the foil for a metal around itself
    expect(findLibraryPath('Cu', 'Cu')!.kind).toBe('pair');
  });

  it('puts the foils first shells where their lattices do', () => {
    const foil = (m: string) => libraryEntries().find((e) => e.absorber === m && e.kind === 'foil')!;
    expect([foil('Cu').reff, foil('Cu').degen]).toEqual([Number((3.6149 / Math.SQRT2).toFixed(4)), 12]); // fcc a/√2
    expect([foil('Fe').reff, foil('Fe').degen]).toEqual([Number(((2.8665 * Math.sqrt(3)) / 2).toFixed(4)), 8]); // bcc a√3/2
    expect([foil('Zn').reff, foil('Zn').degen]).toEqual([2.6649, 6]); // hcp: the in-plane six (the other six at 2.913 Å)
    expect([foil('Ru').reff, foil('Ru').degen]).toEqual([Number(Math.sqrt(2.7059 ** 2 / 3 + 4.2815 ** 2 / 4).toFixed(4)), 6]); // hcp: the out-of-plane six
  });

  it('holds in each file the path the index describes', () => {
    for (const e of libraryEntries()) {
      const d = readFeffDat(e.file);
      const where = `${e.absorber}-${e.scatterer} ${e.kind}`;
      expect([d.nleg, d.degen, d.reff], where).toEqual([2, e.degen, e.reff]);
      expect(elementSymbol(d.geom[0]!.iz), where).toBe(e.absorber);
      expect(elementSymbol(d.geom[1]!.iz), where).toBe(e.scatterer);
      expect(describeFeffInp(readFileSync(e.inp, 'utf8')), where).toEqual({ absorber: e.absorber, edge: e.edge });
      expect(d.k.length, where).toBeGreaterThan(50);
    }
  });
});

describe.skipIf(feffAvailable('feff8l') === undefined)('path library against FEFF8L (skipped: feff8l not installed; apt-get install feff85exafs)', () => {
  it('is what FEFF8L gives for the stored feff.inp (Cu-N)', async () => {
    const e = findLibraryPath('Cu', 'N')!;
    const run = await runFeff({ kind: 'inp', file: e.inp }, { program: 'feff8l', cacheDir: mkdtempSync(join(tmpdir(), 'xafs-lib-')) });
    expect(readFileSync(run.paths[0]!.file, 'utf8')).toBe(readFileSync(e.file, 'utf8'));
  });
});
