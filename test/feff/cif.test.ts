// CIF structures: symmetry expansion checked against distances worked out by hand, and every
// unsupported feature refused with its exact message.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { XafsError } from '../../src/errors.js';
import { parseSymOp, readCif, readCifCluster } from '../../src/feff/cif.js';
import type { Cluster } from '../../src/feff/structure.js';

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

function temp(text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'xafs-cif-')), 'x.cif');
  writeFileSync(p, text);
  return p;
}

/** Shells of a cluster: [element, distance rounded to 1e-3 Å, count], nearest first. */
function shells(c: Cluster): [string, number, number][] {
  const m = new Map<string, number>();
  for (const a of c.atoms.slice(1)) {
    const k = `${a.element} ${a.r.toFixed(3)}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m].map(([k, n]) => [k.split(' ')[0]!, Number(k.split(' ')[1]), n]);
}

const CELL = `_cell_length_a 4
_cell_length_b 4
_cell_length_c 4
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
`;

describe('symmetry operations', () => {
  it('parses the forms CIFs use', () => {
    expect(parseSymOp('x,y,z', '')).toEqual([
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ]);
    expect(parseSymOp('-x+1/2, X-Y, z+0.25', '')).toEqual([
      [-1, 0, 0, 0.5],
      [1, -1, 0, 0],
      [0, 0, 1, 0.25],
    ]);
    expect(parseSymOp('1/2+x,-y,2/3-z', '')).toEqual([
      [1, 0, 0, 0.5],
      [0, -1, 0, 0],
      [0, 0, -1, 2 / 3],
    ]);
    expect(message(() => parseSymOp('x,y', 'f line 3'))).toBe("f line 3: symmetry operation 'x,y' does not have three parts (like 'x,y,z' or '-x+1/2,y,-z')");
    expect(message(() => parseSymOp('x,y,w', 'f line 3'))).toBe("f line 3: cannot read 'w' in symmetry operation 'x,y,w'");
  });
});

describe('CIF clusters', () => {
  it('expands Cu fcc (Fm-3m, 192 operations) into 12 neighbours at a/√2 and 6 at a', () => {
    const cif = readCif(S('cu_fcc.cif'));
    expect(cif.ops).toHaveLength(192);
    expect(cif.cell).toEqual([3.6149, 3.6149, 3.6149, 90, 90, 90]);
    const c = readCifCluster(S('cu_fcc.cif'), 'Cu', 4);
    const a = 3.6149;
    expect(shells(c)).toEqual([
      ['Cu', Number((a / Math.SQRT2).toFixed(3)), 12],
      ['Cu', Number(a.toFixed(3)), 6],
    ]);
    expect(c.notes).toEqual([]);
  });

  it('expands wurtzite ZnO (P6_3mc, hexagonal cell) into 3 + 1 O, then 6 + 6 Zn', () => {
    const [a, c, u] = [3.2498, 5.2066, 0.3819];
    const cl = readCifCluster(S('zno_wurtzite.cif'), 'Zn', 3.3);
    // basal O: √(a²/3 + ((½ − u)c)²); apical O: u·c; Zn: √(a²/3 + c²/4) and a
    const got = cl.atoms.slice(1).map((x) => [x.element, x.r] as const);
    const o = got.filter(([e]) => e === 'O').map(([, r]) => r);
    const zn = got.filter(([e]) => e === 'Zn').map(([, r]) => r);
    expect(o.slice(0, 3).every((r) => Math.abs(r - Math.sqrt(a ** 2 / 3 + ((0.5 - u) * c) ** 2)) < 2e-4)).toBe(true); // CIF gives 1/3 as 0.33333
    expect(o[3]).toBeCloseTo(u * c, 4);
    expect(zn).toHaveLength(12);
    expect(zn.slice(0, 6).every((r) => Math.abs(r - Math.sqrt(a ** 2 / 3 + c ** 2 / 4)) < 2e-4)).toBe(true);
    expect(zn.slice(6).every((r) => Math.abs(r - a) < 2e-4)).toBe(true);
    expect(o).toHaveLength(5); // 4 bonded O and the one at 3.218 Å along c
    expect(cl.atoms[0]!.label).toBe('Zn1');
  });

  it('notes the choice among inequivalent absorber sites, and takes --site', () => {
    const f = temp(`data_x\n${CELL}loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nFe1 0 0 0\nFe2 0.5 0.5 0.5\nO1 0.5 0 0\n`);
    const c = readCifCluster(f, 'Fe', 3);
    expect(c.notes).toEqual([
      `${f}: no symmetry operations and no space group: taken as P 1 (the sites are the whole cell)`,
      `${f} has 2 inequivalent Fe sites (Fe1, Fe2): the absorber is Fe1; choose another with --site`,
    ]);
    expect(shells(c)[0]).toEqual(['O', 2, 2]);
    const c2 = readCifCluster(f, 'Fe', 3, 'Fe2');
    expect(shells(c2)[0]).toEqual(['O', 2.828, 4]);
    expect(message(() => readCifCluster(f, 'Fe', 3, 'Fe3'))).toBe(`site 'Fe3' is not a Fe site of ${f} (the Fe sites: Fe1, Fe2): give --site one of those`);
    expect(message(() => readCifCluster(f, 'Cu', 3))).toBe(`absorber Cu is not in ${f} (elements: Fe, O): give --absorber one of those`);
  });

  it('takes the one structure of a file that also has a data_global block, and says so', () => {
    const f = temp(`data_global\n_journal_year 2003\ndata_cu\n${CELL}loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nCu1 0 0 0\n`);
    const c = readCifCluster(f, 'Cu', 4.5);
    expect(c.notes[0]).toBe(`${f}: using data_cu, the only block with atom sites`);
    expect(shells(c)).toEqual([['Cu', 4, 6]]);
  });

  it('refuses what it does not support, saying what to do', () => {
    const sites = 'loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\nCu1 0 0 0 1\n';
    let f = temp(`data_a\n${CELL}${sites}data_b\n${CELL}${sites}`);
    expect(message(() => readCifCluster(f, 'Cu', 3))).toBe(`${f} holds 2 data blocks (data_a, data_b): CIF files with several structures are not supported; save the one you want on its own`);
    f = temp(`data_a\n${CELL}_symmetry_space_group_name_H-M 'F m -3 m'\n${sites}`);
    expect(message(() => readCifCluster(f, 'Cu', 3))).toBe(
      `${f} (data_a) gives the space group only as 'F m -3 m' (line 8) without symmetry operations: space-group symbols are not expanded; add the _space_group_symop_operation_xyz loop (any CIF exported by VESTA, Mercury or the ICSD/COD has it)`,
    );
    f = temp(`data_a\n${CELL}${sites.replace('Cu1 0 0 0 1', 'Cu1 0 0 0 0.5')}`);
    expect(message(() => readCifCluster(f, 'Cu', 3))).toBe(
      `${f} (site Cu1, line 10): occupancy 0.5: partial occupancy (disorder) is not supported; make an ordered model (one element per site, occupancy 1) or write an XYZ cluster`,
    );
    f = temp(`data_a\n${CELL}loop_\n_atom_site_label\n_atom_site_Cartn_x\n_atom_site_Cartn_y\n_atom_site_Cartn_z\nCu1 0 0 0\n`);
    expect(message(() => readCifCluster(f, 'Cu', 3))).toBe(
      `${f} (data_a) gives Cartesian coordinates only (_atom_site_Cartn_x at line 10): not supported; export fractional coordinates (_atom_site_fract_x/y/z) or write an XYZ file`,
    );
    f = temp(`data_a\n${CELL}_chemical_formula_sum 'Cu'\n`);
    expect(message(() => readCifCluster(f, 'Cu', 3))).toBe(`${f} (data_a) has no atomic coordinates (no _atom_site_fract_x/y/z loop): it cannot be turned into a cluster; use a CIF with atom sites`);
    f = temp(`data_a\n${CELL}${sites.replace('Cu1 0 0 0 1', 'Cu1 ? ? ? 1')}`);
    expect(message(() => readCifCluster(f, 'Cu', 3))).toBe(`${f} (site Cu1, line 10): fractional coordinates '? ? ?' are not numbers: a CIF without coordinates cannot be turned into a cluster`);
    f = temp(`data_a\n${CELL}${sites.replace('Cu1 0 0 0 1', 'Qz1 0 0 0 1')}`);
    expect(message(() => readCifCluster(f, 'Cu', 3))).toBe(`unknown element 'Qz1' in ${f} (site Qz1, line 10): use an element symbol from H to Cf (Fe, Cu, O, ...)`);
    f = temp(`data_a\n${CELL}${sites}Cu2 0.05 0 0 1\n`);
    expect(message(() => readCifCluster(f, 'Cu', 3))).toBe(`${f}: atoms Cu (Cu1) and Cu (Cu2) are 0.200 Å apart, closer than 0.5 Å: a duplicated atom or coordinates not in Å; fix the structure`);
  });
});
