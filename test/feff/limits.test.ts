// FEFF structure work is bounded before it is done (issue 17, items 2 and 18): degenerate cells,
// cells too small for the radius, XYZ files and clusters beyond the 800 atoms FEFF takes are
// refused at once with the limit and what to change (exit 2), --inp-only included.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { feffInpText } from '../../src/feff/runner.js';
import { MAX_CLUSTER_ATOMS } from '../../src/feff/structure.js';
import { expectRefused, fixture, thrownMessage as message, xafs } from '../cli/helpers.js';

const CU_CIF = readFileSync(fixture('feff/structures/cu_fcc.cif'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'xafs-feff-limits-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const cif = (name: string, edit: (t: string) => string) => file(name, edit(CU_CIF));

describe('CIF cells are checked before the cluster is expanded', () => {
  it('0.01 Å cell edges (grew past 1.7 GB): refused, --inp-only too', async () => {
    const p = cif('tiny.cif', (t) => t.replace(/^_cell_length_([abc]) .*$/gm, '_cell_length_$1 0.01'));
    const msg = `xafs: ${p} (data_Cu_fcc): _cell_length_a is 0.01 Å, shorter than 0.5 Å: every atom would lie that close to its own image; give the cell in Å\n`;
    expectRefused(await xafs('feff', p, '--absorber', 'Cu', '--inp-only'), msg);
  });

  it('_cell_angle_alpha 179.9999 (ran > 60 s) and 180 (hung): refused', async () => {
    const p = cif('a179.cif', (t) => t.replace(/^_cell_angle_alpha .*$/m, '_cell_angle_alpha 179.9999'));
    expectRefused(
      await xafs('feff', p, '--absorber', 'Cu', '--inp-only'),
      `xafs: ${p} (data_Cu_fcc): the cell angles 179.9999°, 90°, 90° make a flat cell (volume 0.0000824 Å³, 0.00017 % of a·b·c; at least 1 % needed): check _cell_angle_alpha, _beta and _gamma\n`,
    );
    const q = cif('a180.cif', (t) => t.replace(/^_cell_angle_alpha .*$/m, '_cell_angle_alpha 180'));
    expectRefused(await xafs('feff', q, '--absorber', 'Cu', '--inp-only'), `xafs: ${q} (data_Cu_fcc): _cell_angle_alpha is 180°, outside (0°, 180°); give the cell angles in degrees\n`);
  });

  it('a CIF of 1000 sites × 192 symmetry operations is refused before the expansion', () => {
    const ops = Array.from({ length: 192 }, (_, i) => `'x+${i}/192,y,z'`).join('\n');
    const sites = Array.from({ length: 1000 }, (_, i) => `Cu${i} Cu ${(i / 1000).toFixed(4)} 0.5 0.5`).join('\n');
    const p = file('many.cif', `data_many\n_cell_length_a 100\n_cell_length_b 100\n_cell_length_c 100\nloop_\n_space_group_symop_operation_xyz\n${ops}\nloop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n${sites}\n`);
    expect(message(() => feffInpText({ kind: 'cif', file: p, absorber: 'Cu', rmax: 5 }))).toBe(
      `${p}: 1000 sites × 192 symmetry operations, more than the 100000 site images this reads (a unit cell FEFF can use holds far fewer atoms): use a smaller structure or an XYZ cluster`,
    );
  });

  it('a cell too small for rmax: refused from the expected atom count (4·(4/3)π·5³/0.8³ ≈ 4091), before expanding', () => {
    const p = cif('small.cif', (t) => t.replace(/^_cell_length_([abc]) .*$/gm, '_cell_length_$1 0.8'));
    expect(message(() => feffInpText({ kind: 'cif', file: p, absorber: 'Cu', rmax: 5 }))).toBe(
      `${p}: about 4091 atoms within rmax 5 Å of Cu1 (4 atoms in a cell of 0.5120 Å³), more than FEFF takes (${MAX_CLUSTER_ATOMS}): reduce rmax, or check the cell lengths (Å)`,
    );
  });

  it('a cell whose cluster is near the limit is counted exactly (fcc, a = 3 Å, rmax 12 Å: about 4·7238/27 ≈ 1072 atoms)', () => {
    const p = cif('cu3.cif', (t) => t.replace(/^_cell_length_([abc]) .*$/gm, '_cell_length_$1 3.0'));
    expect(message(() => feffInpText({ kind: 'cif', file: p, absorber: 'Cu', rmax: 12 }))).toMatch(/^\S+cu3\.cif \(the cluster of rmax 12 Å around Cu1\): 10\d\d atoms, more than FEFF takes \(800\): reduce rmax$/);
    expect(feffInpText({ kind: 'cif', file: cif('cu.cif', (t) => t), absorber: 'Cu', rmax: 12 }).inp).toContain('ATOMS');
  });
});

describe('XYZ files and clusters are held to the 800 atoms FEFF takes', () => {
  it('a 10⁶-atom XYZ (took > 90 s) is refused from its first line', async () => {
    const n = 1_000_000;
    const p = file('big.xyz', `${n}\nbig\n${'Cu 0 0 0\n'.repeat(n)}`);
    expectRefused(
      await xafs('feff', p, '--absorber', 'Cu', '--inp-only'),
      `xafs: ${p} line 1: 1000000 atoms, more than FEFF takes (800): cut the XYZ file to the absorber and the atoms within a few Å more than rmax of it (rmax ≤ 12 Å)\n`,
    );
  });

  it('an 801-atom cluster (FEFF failed with "failed to read geom.json") is refused; 800 atoms are accepted', () => {
    const atoms = (n: number) => Array.from({ length: n }, (_, i) => ({ element: i === 0 ? 'Cu' : 'O', x: (i % 10) * 2, y: (Math.floor(i / 10) % 10) * 2, z: Math.floor(i / 100) * 2 }));
    expect(message(() => feffInpText({ kind: 'cluster', absorber: 'Cu', atoms: atoms(801) }))).toBe(
      'the cluster: 801 atoms, more than FEFF takes (800): give the absorber and the atoms within a few Å more than rmax of it (rmax ≤ 12 Å)',
    );
    expect(feffInpText({ kind: 'cluster', absorber: 'Cu', atoms: atoms(800) }).inp).toContain('ATOMS');
  });
});
