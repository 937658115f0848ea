// Regression set from the sweep of Larch's example collection (fixtures/README.md, "Sweep"):
// every column file and Athena project in fixtures/reference/sweep_*.json read as Larch 0.9.58
// reads it, with the scoreboard's criteria, plus the documented departures and readSpectrum's
// choice of energy and μ on each. The whole collection (167 files) is compared by
// test/io/sweep-compare.mjs; this file keeps the subset that exposed bugs or covers a format.
import { describe, expect, test } from 'vitest';
import { readAscii, readAthena, readFile, readSpectrum, spectrumFrom } from '../../src/io/index.js';
import type { AthenaProject, ColumnFile } from '../../src/types.js';
import { catchXafs, expectClose, fixture, reference, sum } from './helpers.js';

type Num = number | 'NaN' | 'Infinity' | '-Infinity';
interface SweepColumns {
  error?: string;
  note?: string;
  ncols: number;
  nrows: number;
  labels: string[];
  first_row: Num[];
  last_row: Num[];
  column_sums: Num[];
  energy_units: string | null;
  energy_column: number | null;
  nheader: number;
  nfooter: number;
  attrs: Record<string, string>;
}
interface SweepGroup {
  label: string;
  npts: number;
  energy_first: Num | null;
  energy_last: Num | null;
  mu_sum: Num | null;
  is_chi: boolean;
}
interface SweepAthena {
  error?: string;
  groups: Record<string, SweepGroup>;
}
const columnsRef = reference<Record<string, SweepColumns>>('sweep_columns.json');
const athenaRef = reference<Record<string, SweepAthena>>('sweep_athena.json');
const num = (v: Num): number => Number(v);

describe('sweep: column files read as Larch read_ascii reads them', () => {
  test('the regression set holds 29 column files', () => {
    expect(Object.keys(columnsRef)).toHaveLength(29);
  });
  for (const [rel, ref] of Object.entries(columnsRef)) {
    const what = ref.error ? `(Larch: ${ref.error.split(':')[0]}; ${ref.note})` : '';
    test(`${rel}: ${ref.ncols} columns × ${ref.nrows} rows, labels, sums, header attributes ${what}`, () => {
      const file = readFile(fixture(rel)) as ColumnFile;
      expect(['ascii', 'xdi']).toContain(file.format);
      expect(file.labels).toEqual(ref.labels);
      expect(file.columns).toHaveLength(ref.ncols);
      for (const c of file.columns) expect(c.values).toHaveLength(ref.nrows);
      expect(file.columns.map((c) => c.values[0])).toEqual(ref.first_row.map(num));
      expect(file.columns.map((c) => c.values[ref.nrows - 1])).toEqual(ref.last_row.map(num));
      file.columns.forEach((c, i) => expectClose(sum(c.values), num(ref.column_sums[i]!)));
      expect(file.energyUnits ?? null).toBe(ref.energy_units);
      expect(file.energyColumn ?? null).toBe(ref.energy_column);
      // read_ascii's header attributes, header and footer sizes (readAscii: plain read_ascii rules)
      const plain = readAscii(fixture(rel));
      expect(plain.metadata).toEqual(ref.attrs);
      expect([plain.header.length, plain.footer?.length ?? 0]).toEqual([ref.nheader, ref.nfooter]);
    });
  }
});

describe('sweep: Athena projects read as Larch read_athena reads them', () => {
  test('the regression set holds 10 projects', () => {
    expect(Object.keys(athenaRef)).toHaveLength(10);
  });
  for (const [rel, ref] of Object.entries(athenaRef)) {
    const groups = Object.values(ref.groups).filter((g) => g.npts > 0);
    test(`${rel}: ${groups.length} groups with Larch's label, points and μ sum`, () => {
      const p = readFile(fixture(rel)) as AthenaProject;
      expect(p.format).toBe('athena');
      // the scoreboard's rule: the first group with Larch's label is Larch's group
      for (const w of groups) {
        const g = p.groups.find((x) => x.label === w.label) ?? p.groups.find((x) => x.id === w.label);
        expect(g, w.label).toBeDefined();
        expect(g!.energy).toHaveLength(w.npts);
        expect(g!.energy[0]).toBe(num(w.energy_first!));
        expect(g!.energy[w.npts - 1]).toBe(num(w.energy_last!));
        expectClose(sum(g!.mu), num(w.mu_sum!), 1e-9);
      }
    });
  }
});

describe('sweep: departures from Larch where Larch loses data', () => {
  test("athena1.prj: an @args line holding undef keeps its label (Larch drops the line and names the groups 'ppey', 'qika')", () => {
    const p = readAthena(fixture('athena/athena1.prj'));
    expect(p.groups.map((g) => [g.id, g.label])).toEqual([
      ['ppey', 'AII_-25'],
      ['qika', 'AII_45'],
    ]);
    expect(Object.keys(athenaRef['athena/athena1.prj']!.groups)).toEqual(['ppey', 'qika']);
    expect(p.groups[0]!.params['bkg_e0']).toBe(7118);
    // still found by the name Larch gives it
    expect(readSpectrum(fixture('athena/athena1.prj'), { group: 'ppey' }).metadata!['label']).toBe('AII_-25');
  });

  test('bal3ybco: χ(k) records keep is_chi (Larch loses it with the undef line and hands them out as μ(E))', () => {
    const p = readAthena(fixture('sweep/bal3ybco_chi.prj'));
    expect(p.groups.map((g) => [g.label, g.isChi])).toEqual([
      ['bal3ybco_010', false],
      ['bal3ybco_011', false],
      ['bal3_010', true],
      ['bal3_100', true],
    ]);
    expect(Object.values(athenaRef['sweep/bal3ybco_chi.prj']!.groups).map((g) => g.is_chi)).toEqual([false, false, false, false]);
    const e = catchXafs(() => readSpectrum(fixture('sweep/bal3ybco_chi.prj'), { group: 'bal3_010' }), 'EFORMAT');
    expect(e.message).toMatch(/group 'bal3_010' holds χ\(k\), not μ\(E\)/);
  });

  test("AsXAFS_a: two merges labelled 'BL2 merge3': Larch's (the later one) in place, the other after all groups, with a warning", () => {
    const path = fixture('sweep/AsXAFS_a_dups.prj');
    const p = readAthena(path);
    expect(p.groups.map((g) => g.id)).toEqual(['nckuz', 'zmbnj', 'kgtzh', 'nixbf', 'ykani', 'muibd']);
    expect(Object.keys(athenaRef['sweep/AsXAFS_a_dups.prj']!.groups)).toEqual(['BL2_merge3', 'BL7_merge3', 'BL5_merge2', 'BL4_merge3', 'BL3_merge3']);
    expect(p.warnings).toContain(
      `${path}: 2 records share the group name 'BL2_merge3': 'muibd' ('BL2 merge3'), 'nckuz' ('BL2 merge3'); as in Larch the last one ` +
        `('nckuz') is listed in place, the others after all groups (pick one by its record id)`,
    );
    expect(readSpectrum(path, { group: 'BL2 merge3' }).metadata!['id']).toBe('nckuz');
    expect(readSpectrum(path, { group: 'muibd' }).metadata!['id']).toBe('muibd');
  });

  test('gzip-compressed and Latin-1 column files are read (Larch: UnicodeDecodeError)', () => {
    expect(columnsRef['sweep/mn_cpmnco3.dat.gz']!.error).toMatch(/^UnicodeDecodeError/);
    expect(columnsRef['sweep/sno2_l3_latin1.dat']!.error).toMatch(/^UnicodeDecodeError/);
    const f = readFile(fixture('sweep/sno2_l3_latin1.dat')) as ColumnFile;
    expect(f.header[0]).toBe("# Température: 25 °C, µ(E) mesuré à l'ambiante");
    expect(f.metadata['température']).toBe("25 °C, µ(E) mesuré à l'ambiante");
  });

  test('KEK-PF: header tables of numbers under a text line are header, not a broken data row (was ENUMBER)', () => {
    const f = readFile(fixture('beamlines/PFBL12C_2005.dat')) as ColumnFile;
    expect(f.beamline).toBe('KEK PF');
    expect(f.header.slice(-3)).toEqual(['Angle(c)  Angle(o)    time/s         2         3', 'Mode         0         0         1         2', 'Offset         0         0   826.150   652.975']);
    expect(f.footer).toEqual(['\x1a']); // the DOS end-of-file byte
  });
});

describe('sweep: readSpectrum picks a usable energy and μ, or says which columns exist', () => {
  // file, the --mu the refusal suggests (null: a mu column is there and used silently)
  const cases: [string, string | null][] = [
    ['beamlines/APS10BM_2019.dat', 'ln(io/it)'],
    ['beamlines/APS13ID_2008.dat', 'ln(i0/i1)'],
    ['beamlines/APS20BM_2001.dat', 'ln(i0/i1)'],
    ['beamlines/APS9BM_2006.dat', 'lytle/i0'],
    ['beamlines/APS9BM_2019.dat', 'ln(i0_32/it_32)'],
    ['beamlines/NSLS6BM_2019.dat', null],
    ['beamlines/NSLS8ID_2019.dat', 'ln(i0/it)'],
    ['spectra/fe_xanes_8ch.xdi', 'ln(i0/it)'],
    ['spectra/munorm_s1.dat', 'munorm'],
    ['parity/mn_cpmnco3.dat', 'xmu_trans'],
    ['parity/fe.060', 'ln(i0/it)'],
    ['parity/pt_metal_rt.xdi', 'ln(i0/itrans)'],
    ['sweep/mn_cpmnco3.dat.gz', 'xmu_trans'],
  ];
  for (const [rel, suggested] of cases) {
    test(`${rel}: ${suggested ? `refused without --mu, suggesting ${suggested}, which then works` : 'μ column used'}`, () => {
      let s;
      if (suggested) {
        const e = catchXafs(() => readSpectrum(fixture(rel)), 'ECOLUMN');
        expect(e.message).toContain(suggested.includes('(') || suggested.includes('/') ? `--mu '${suggested}'` : `--mu ${suggested}`);
        s = readSpectrum(fixture(rel), { mu: suggested });
      } else s = readSpectrum(fixture(rel));
      expect(s.energy.length).toBeGreaterThanOrEqual(100);
      expect(s.mu.every((v) => Number.isFinite(v))).toBe(true);
      expect(s.warnings!.join('\n')).not.toMatch(/energy taken/);
    });
  }

  test('SSRL: the energy is the column the header names (achieved_energy), not column 1 (real_time_clock)', () => {
    const p = fixture('beamlines/SSRL1_2006.dat');
    const s = readSpectrum(p, { mu: 'ln(i0/i1)' });
    expect(s.energy[0]).toBe(25284.998);
    expect(s.warnings).toContain(
      `${p}: energy taken from column 3 ('achieved_energy'), which the SSRL header names as energy; pass --energy EXPR to choose another`,
    );
  });

  test('KEK-PF: the angle column the header names is converted to eV with its d-spacing', () => {
    const p = fixture('beamlines/PFBL12C_2005.dat');
    const s = readSpectrum(p, { mu: 'ln(col4/col5)' });
    // the scan runs down in angle, so up in energy: 9.44420° (first row) … 8.58580° (last row)
    const e = (deg: number): number => 12398.419843320026 / (2 * 3.13551 * Math.sin((deg * Math.PI) / 180));
    expect(s.energy[0]).toBeCloseTo(e(9.4442), 9);
    expect(s.energy[s.energy.length - 1]).toBeCloseTo(e(8.5858), 9);
    expect(s.energy[0]).toBeCloseTo(12049.083, 3); // the header's Init-Eng 12049.00
    expect(s.warnings![0]).toBe(
      `${p}: energy taken from column 2 ('angle_read'), which the KEK PF header names as energy: a monochromator angle in degrees, converted to eV with d = 3.13551 Å; pass --energy EXPR to choose another`,
    );
  });

  test('ESRF (zapenergy in keV): energy from the column named *energy*, converted to eV', () => {
    const p = fixture('beamlines/ESRF_SNBL_2013.dat');
    const s = readSpectrum(p, { mu: 'ln(mon/ion1)' });
    const zap = (readFile(p) as ColumnFile).columns[15]!.values;
    expect(s.energy[0]).toBeCloseTo(Math.min(...zap) * 1000, 9);
    expect(s.warnings![0]).toBe(`${p}: no column named energy; energy taken from column 16 ('zapenergy'); pass --energy EXPR to choose another`);
  });

  test('no usable μ: ECOLUMN lists the columns (KEK-PF detector channels, SSRL micro with a dead i1)', () => {
    const pf = fixture('beamlines/PFBL12C_2005.dat');
    expect(catchXafs(() => readSpectrum(pf), 'ECOLUMN').message).toBe(
      `${pf}: no mu column (looked for mu, xmu, mutrans, mufluor); the columns are: angle_drive, angle_read, time, col4, col5; pass --mu EXPR, e.g. --mu 'ln(i0/itrans)'`,
    );
    const micro = fixture('beamlines/SSRLmicro_2008.dat');
    expect(catchXafs(() => readSpectrum(micro), 'ECOLUMN').message).toMatch(
      new RegExp(`^${micro}: no mu column \\(.*\\); the columns are: real_time_clock, requested_energy, i0, i1, .*--mu 'ln\\(i0/i1\\)' \\(transmission; not finite at line 90\\)`),
    );
  });

  test('χ(k) files are recognised as such', () => {
    for (const rel of ['spectra/cu.chi', 'spectra/cu10k.chi', 'spectra/nonuniform.chi', 'sweep/cu_crlf.chi']) {
      const e = catchXafs(() => readSpectrum(fixture(rel)), 'EFORMAT');
      expect(e.message).toMatch(/ holds χ\(k\) \(columns k, chi(_k)?\), not μ\(E\)/);
    }
  });

  test('an Athena project starting with a χ(k) record: the default group is the first μ(E) one', () => {
    const p = readAthena(fixture('sweep/bal3ybco_chi.prj'));
    const chiFirst = { ...p, groups: [p.groups[2]!, ...p.groups] };
    expect(chiFirst.groups[0]!.isChi).toBe(true);
    expect(spectrumFrom(chiFirst).metadata!['label']).toBe('bal3ybco_010');
  });
});
