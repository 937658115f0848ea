import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { readAthena } from '../../src/io/index.js';
import { catchXafs, expectClose, fixture, reference, sum, tempFiles } from './helpers.js';

interface AthenaRef {
  groups: Record<string, { label: string; npts: number; energy_first: number; energy_last: number; mu_sum: number }>;
}
const athenaRef = reference<Record<string, AthenaRef>>('athena.json');

describe('readAthena gives Larch 0.9.58 read_athena groups for every reference project', () => {
  test('the reference covers 7 projects', () => {
    expect(Object.keys(athenaRef)).toHaveLength(7);
  });
  for (const [name, ref] of Object.entries(athenaRef)) {
    const want = Object.values(ref.groups);
    test(`${name}: ${want.length} groups with Larch's labels, point counts, first/last energy and μ sums`, () => {
      const project = readAthena(fixture(`athena/${name}`));
      expect(project.format).toBe('athena');
      expect(project.groups.map((g) => g.label).sort()).toEqual(want.map((w) => w.label).sort());
      for (const w of want) {
        const g = project.groups.find((x) => x.label === w.label)!;
        expect(g.energy).toHaveLength(w.npts);
        expect(g.mu).toHaveLength(w.npts);
        expect(g.energy[0]).toBe(w.energy_first);
        expect(g.energy[w.npts - 1]).toBe(w.energy_last);
        expectClose(sum(g.mu), w.mu_sum);
        expect(g.isChi).toBe(false);
      }
    });
  }
});

describe('readAthena details', () => {
  test('Fe.prj, which stock Larch cannot read (asteval 50 000-character limit), gives all 5 groups in file order', () => {
    const p = readAthena(fixture('athena/Fe.prj'));
    expect(p.version).toBe('Demeter 0.9.20');
    expect(p.groups.map((g) => [g.label, g.id, g.energy.length])).toEqual([
      ['Fe foil', 'uhcs', 511],
      ['Ferrihydrite', 'spwm', 346],
      ['Goerthite', 'ycnsv', 429],
      ['Hematite', 'qfxa', 2404],
      ['Lepidocrocite', 'cprb', 387],
    ]);
    const hematite = p.groups[3]!;
    expect(hematite.stddev).toHaveLength(2404);
    expect(p.groups[0]!.i0).toHaveLength(511);
    expect(p.header).toEqual([
      '# Athena project file -- Demeter version 0.9.20',
      '# This file created at 2014-03-04T14:01:58',
      '# Using Demeter 0.9.20 with perl 5.014002 and using Ifeffit 1.2.11d on linux',
    ]);
    expect(p.journal).toHaveLength(19);
    expect(p.warnings).toEqual([]);
  });

  test('params hold the stored bkg_*, fft_* and bft_* values, numbers where numeric (cu.prj, Athena 0.8.059)', () => {
    const p = readAthena(fixture('athena/cu.prj'));
    expect(p.version).toBe('Athena 0.8.059');
    const g = p.groups[0]!;
    expect(g.label).toBe('cu010k.dat');
    expect(g.params).toMatchObject({
      bkg_e0: 8977.58,
      bkg_rbkg: 1,
      bkg_pre1: -150,
      bkg_pre2: -30,
      bkg_nor1: 150,
      bkg_nor2: 2284.89,
      bkg_nnorm: 3,
      bkg_eshift: 0,
      bkg_kw: 2,
      bkg_spl1: 0,
      bkg_spl2: 25.019,
      bkg_dk: 0,
      bkg_clamp1: 'None',
      bkg_clamp2: 'Strong',
      fft_kmin: 2,
      fft_kmax: 18,
      fft_dk: 1,
      fft_win: 'hanning',
      bft_rmin: 1,
      bft_rmax: 3,
    });
    expect(g.params).not.toHaveProperty('label');
    // every stored argument stays available as written
    expect(g.args!['bkg_e0']).toBe('8977.58');
    expect((g.args!['titles'] as string[])[0]).toBe('Cu foil at 10K');
  });

  test('labels are kept exactly, leading spaces included (Sn.prj)', () => {
    const labels = readAthena(fixture('athena/Sn.prj')).groups.map((g) => g.label);
    expect(labels).toEqual(['Sn foil', 'SnO2', '   Ref SnO2', 'Sn chloride', '   Ref Sn chloride']);
  });

  test('JSON variant (FeFoil_QXAFS_Compare.prj): groups in _____order, i0 and signal; a stddev of the wrong length is left out with a warning', () => {
    const p = readAthena(fixture('athena/FeFoil_QXAFS_Compare.prj'));
    expect(p.version).toBe('Demeter 0.9.26');
    expect(p.groups.map((g) => g.id)).toEqual(['sroyd', 'bhhdm', 'upwcx', 'flygf']);
    expect(p.groups[0]!.params['bkg_e0']).toBe(7110.8);
    expect(p.groups[0]!.i0).toHaveLength(504);
    expect(p.groups[0]!.signal).toHaveLength(504);
    expect(p.groups[3]!.stddev).toBeUndefined();
    expect(p.warnings).toEqual([
      `${fixture('athena/FeFoil_QXAFS_Compare.prj')}: group 'Fe_foil_500msec_qxafs_PinDiode.001' (record flygf): stddev has 1 points, not 406; left out`,
    ]);
  });

  test('a plain-text (not gzipped) project reads the same', () => {
    const { write } = tempFiles();
    const plain = write('cu_plain.prj', gunzipSync(readFileSync(fixture('athena/cu.prj'))));
    const a = readAthena(plain);
    const b = readAthena(fixture('athena/cu.prj'));
    expect(a.groups.map((g) => g.label)).toEqual(b.groups.map((g) => g.label));
    expect(a.groups[2]!.mu).toEqual(b.groups[2]!.mu);
  });
});

describe('readAthena reads Perl literals without evaluating them', () => {
  const project = (records: string) => `# Athena project file -- Demeter version 0.9.26\n# a test\n\n${records}\n@journal = ('line 1', 'line 2');\n\n1;\n`;
  const record = (id: string, args: string, x = "'1','2','3'", y = "'0.5','0.6','0.7'") =>
    `$old_group = '${id}';\n@args = (${args});\n@x = (${x});\n@y = (${y});\n[record]   # create object\n`;

  test("quoted strings with escapes, \\x{..} characters, numbers, nested lists, hashes, '=>' and undef", () => {
    const text = project(
      record(
        'abcd',
        `'label','it\\'s \\\\ here','bkg_e0','7112.5','bkg_nnorm',3,'fft_kmin','-0.5e1','titles',['a',["b"]],` +
          `'xdi_mono',{},'mark',undef,'bkg_pre1',-150,"bkg_z","Fe\\x{e9}\\n",'is_chi',0,'map',{'a' => 1, b => 'c'}`,
      ),
    );
    const p = readAthena({ data: text, path: 'mem.prj' });
    const g = p.groups[0]!;
    expect(g.label).toBe("it's \\ here");
    expect(g.params).toEqual({ bkg_e0: 7112.5, bkg_nnorm: 3, fft_kmin: -5, bkg_pre1: -150, bkg_z: 'Fe\u00e9\n' });
    expect(g.args!['titles']).toEqual(['a', ['b']]);
    expect(g.args!['xdi_mono']).toEqual({});
    expect(g.args!['mark']).toBeNull();
    expect(g.args!['map']).toEqual({ a: 1, b: 'c' });
    expect(Array.from(g.energy)).toEqual([1, 2, 3]);
    expect(p.journal).toEqual(['line 1', 'line 2']);
  });

  test("a line holding 'undef' is read (departure: Larch drops the whole line, here the group's x array)", () => {
    const text = project(record('abcd', "'label','undefined sample','bkg_e0',undef"));
    const g = readAthena({ data: text, path: 'mem.prj' }).groups[0]!;
    expect(g.label).toBe('undefined sample');
    expect(g.params['bkg_e0']).toBeNull();
  });

  test('a record flagged is_chi is reported as χ(k)', () => {
    const g = readAthena({ data: project(record('chik', "'label','chi data','is_chi',1")), path: 'mem.prj' }).groups[0]!;
    expect(g.isChi).toBe(true);
  });

  test('a group without a label is named by its record id, as Larch does', () => {
    const g = readAthena({ data: project(record('wxyz', "'bkg_e0',1")), path: 'mem.prj' }).groups[0]!;
    expect(g.label).toBe('wxyz');
  });

  test("a '__proto__' key is stored as a plain argument; runaway nesting is an error, not a crash", () => {
    const g = readAthena({ data: project(record('abcd', "'label','p','__proto__',{'polluted' => 1}")), path: 'mem.prj' }).groups[0]!;
    expect(Object.getOwnPropertyDescriptor(g.args, '__proto__')!.value).toEqual({ polluted: 1 });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const deep = project(record('abcd', `'label','d','titles',${'['.repeat(100)}${']'.repeat(100)}`));
    expect(catchXafs(() => readAthena({ data: deep, path: 'deep.prj' }), 'EFORMAT').message).toMatch(/^deep\.prj line 5: cannot read '@args': lists nested more than 64 deep/);
  });

  test('two records with one Larch name: Larch keeps the last, in the place of the first; we list the others after, with a warning', () => {
    const text = project(record('aa', "'label','Fe foil'") + record('bb', "'label','other'") + record('cc', "'label','Fe_foil'"));
    const p = readAthena({ data: text, path: 'dup.prj' });
    expect(p.groups.map((g) => [g.id, g.label])).toEqual([
      ['cc', 'Fe_foil'],
      ['bb', 'other'],
      ['aa', 'Fe foil'],
    ]);
    expect(p.warnings).toEqual([
      "dup.prj: 2 records share the group name 'Fe_foil': 'aa' ('Fe foil'), 'cc' ('Fe_foil'); as in Larch the last one ('cc') is listed in place, the others after all groups (pick one by its record id)",
    ]);
  });

  test('Latin-1 bytes in a gzip project are read as Latin-1 (Larch cannot decode them)', () => {
    const { write } = tempFiles();
    const bytes = Buffer.from(project(record('abcd', "'label','Fe\xe9 \xb5-XAS'")), 'latin1');
    const g = readAthena(write('latin1.prj', gzipSync(bytes))).groups[0]!;
    expect(g.label).toBe('Feé µ-XAS');
  });

  test('gzip content is recognised from its bytes whatever the name', () => {
    const { write } = tempFiles();
    const p = write('project.gz', gzipSync(project(record('abcd', "'label','z'"))));
    expect(readAthena(p).groups[0]!.label).toBe('z');
  });
});

describe('readAthena refuses bad projects with a message naming the file and what to do', () => {
  test('not an Athena project → EFORMAT', () => {
    const { write } = tempFiles();
    const p = write('notathena.prj', '# just text\n1 2\n');
    expect(catchXafs(() => readAthena(p), 'EFORMAT').message).toBe(
      `${p}: not an Athena project ('Athena project file --' is not in its first 500 characters); export the data from Athena as a .prj or a column file`,
    );
  });

  test('a damaged array → EFORMAT naming the line', () => {
    const text = "# Athena project file -- Demeter version 0.9.26\n$old_group = 'ab';\n@args = ('label','g');\n@x = ('1','2',;\n@y = ('1');\n[record]\n1;\n";
    expect(catchXafs(() => readAthena({ data: text, path: 'bad.prj' }), 'EFORMAT').message).toBe(
      "bad.prj line 4: cannot read '@x': unexpected ';'; the project file is damaged — re-save it from Athena",
    );
  });

  test('a record without y → EFORMAT naming the group', () => {
    const text = "# Athena project file -- Demeter version 0.9.26\n$old_group = 'ab';\n@args = ('label','g');\n@x = ('1','2');\n[record]\n1;\n";
    expect(catchXafs(() => readAthena({ data: text, path: 'bad.prj' }), 'EFORMAT').message).toBe(
      "bad.prj: group 'g' (record ab) has no y array; the project file is incomplete — re-save it from Athena",
    );
  });

  test('a value that is not a number in x → EFORMAT naming the group and index', () => {
    const text = "# Athena project file -- Demeter version 0.9.26\n$old_group = 'ab';\n@args = ('label','g');\n@x = ('1','two');\n@y = ('1','2');\n[record]\n1;\n";
    expect(catchXafs(() => readAthena({ data: text, path: 'bad.prj' }), 'EFORMAT').message).toBe(
      "bad.prj: group 'g' (record ab): x[1] is 'two', not a number; the project file is damaged — re-save it from Athena",
    );
  });

  test('missing file → ENOENT', () => {
    expect(catchXafs(() => readAthena('/no/such.prj'), 'ENOENT').message).toBe("file not found: '/no/such.prj'; check the name and the folder");
  });
});
