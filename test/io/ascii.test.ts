import { describe, expect, test } from 'vitest';
import { readAscii } from '../../src/io/index.js';
import { catchXafs, expectClose, fixture, reference, sum, tempFiles } from './helpers.js';

interface ColumnsRef {
  ncols: number;
  nrows: number;
  labels: string[];
  first_row: number[];
  last_row: number[];
  column_sums: number[];
}
interface AsciiRef {
  labels: string[];
  shape: [number, number];
  attrs: Record<string, string>;
  header: string[];
  footer: string[];
  energy_units: string | null;
  energy_column: number | null;
  sums: number[];
}

const columnsRef = reference<Record<string, ColumnsRef>>('columns.json');
const asciiRef = reference<Record<string, AsciiRef>>('larch_read_ascii.json');
const folderOf = (name: string): string => (/^(APS|CLS|ESRF|NSLS|SSRL)/.test(name) ? 'beamlines' : 'spectra');

describe('readAscii reproduces Larch 0.9.58 read_ascii on the 12 reference column files', () => {
  test('the reference covers 12 files', () => {
    expect(Object.keys(columnsRef)).toHaveLength(12);
  });
  for (const [name, ref] of Object.entries(columnsRef)) {
    test(`${name}: ${ref.ncols} columns × ${ref.nrows} rows, Larch's labels, rows and column sums`, () => {
      const cf = readAscii(fixture(`${folderOf(name)}/${name}`));
      expect(cf.labels).toEqual(ref.labels);
      expect(cf.columns).toHaveLength(ref.ncols);
      expect(cf.columns.map((c) => c.label)).toEqual(ref.labels);
      for (const c of cf.columns) expect(c.values).toHaveLength(ref.nrows);
      expect(cf.columns.map((c) => c.values[0])).toEqual(ref.first_row);
      expect(cf.columns.map((c) => c.values[ref.nrows - 1])).toEqual(ref.last_row);
      cf.columns.forEach((c, i) => expectClose(sum(c.values), ref.column_sums[i]!));
    });
  }
});

describe('readAscii header attributes, header/footer lines and beamline hints match Larch', () => {
  for (const [rel, ref] of Object.entries(asciiRef)) {
    test(`${rel}: attrs, header, footer, energy_units, energy_column`, () => {
      const cf = readAscii(fixture(rel));
      expect(cf.metadata).toEqual(ref.attrs);
      expect(cf.header).toEqual(ref.header);
      expect(cf.footer).toEqual(ref.footer);
      expect(cf.energyUnits ?? null).toBe(ref.energy_units);
      expect(cf.energyColumn ?? null).toBe(ref.energy_column);
      expect([cf.columns.length, cf.columns[0]!.values.length]).toEqual(ref.shape);
    });
  }

  test('the beamline parser that named the columns is reported', () => {
    const parsers = Object.fromEntries(
      Object.keys(columnsRef).map((name) => [name, readAscii(fixture(`${folderOf(name)}/${name}`)).beamline]),
    );
    expect(parsers).toEqual({
      'APS12BM_2019.dat': 'APS 12BM',
      'APS13ID_2019.dat': 'GSE EpicsScan',
      'CLSHXMA.dat': 'CLS HXMA',
      'ESRF_SNBL_2013.dat': 'generic',
      'NSLS_XDAC_2011.dat': 'NSLS XDAC',
      'SSRL1_2006.dat': 'SSRL',
      'cu_metal_rt.xdi': 'generic',
      'cu_romanglass.xdi': 'generic',
      'fe2o3_rt1.xmu': 'generic',
      'feo_rt1.xdi': 'generic',
      'v_foil.xdi': 'GSE EpicsScan',
      'znse_zn_xafs.001': 'GSE EpicsScan',
    });
  });

  test('rowLines gives the file line of each data row (ESRF file: the second scan, lines 515–1420)', () => {
    const cf = readAscii(fixture('beamlines/ESRF_SNBL_2013.dat'));
    expect(cf.rowLines![0]).toBe(515);
    expect(cf.rowLines![cf.rowLines!.length - 1]).toBe(1420);
  });
});

describe('readAscii follows read_ascii rules on small files', () => {
  const text = (s: string) => ({ text: s, path: 'mem.dat' });

  test('the data block is found from the bottom: an earlier block becomes header, trailing text footer', () => {
    const cf = readAscii(text('# first scan\n# x y\n1 2\n3 4\n# second scan\n# e mu\n5 6\n7 8\n9 10\n# end of file\n'));
    expect(cf.labels).toEqual(['e', 'mu']);
    expect(Array.from(cf.columns[0]!.values)).toEqual([5, 7, 9]);
    expect(cf.footer).toEqual(['# end of file']);
    expect(cf.rowLines).toEqual([7, 8, 9]);
  });

  test('labels come from the last header line, lowercased identifiers; #L and #C prefixes dropped', () => {
    expect(readAscii(text('#S 1 scan\n#L Energy  I0  It(k)  chi(k)\n1 2 3 4\n5 6 7 8\n')).labels).toEqual([
      'energy', 'i0', 'it_k', 'chi_k',
    ]);
    expect(readAscii(text('# title\n#C xmu(trans) I0\n1 2\n3 4\n')).labels).toEqual(['xmu_trans', 'i0']);
  });

  test("Larch's prefix quirk is kept: '#Column a b' loses '#' then 'C' → 'olumn'", () => {
    expect(readAscii(text('# title\n#Column xx\n1 2\n3 4\n')).labels).toEqual(['olumn', 'xx']);
  });

  test('repeated labels get _colN, reserved names _a; missing labels colN, extra labels are dropped', () => {
    expect(readAscii(text('# t\n# e e e data\n1 2 3 4\n5 6 7 8\n')).labels).toEqual(['e', 'e_col2', 'e_col3', 'data_a']);
    expect(readAscii(text('# t\n# energy\n1 2 3\n4 5 6\n')).labels).toEqual(['energy', 'col2', 'col3']);
    expect(readAscii(text('# t\n# a b c d\n1 2\n4 5\n')).labels).toEqual(['a', 'b']);
  });

  test('a lone header line names the columns when it has one word per column (departure: Larch gives colN)', () => {
    expect(readAscii(text('# energy mu\n1 2\n3 4\n')).labels).toEqual(['energy', 'mu']);
    expect(readAscii(text('energy, mu\n1 2\n3 4\n')).labels).toEqual(['energy', 'mu']);
    // other word counts, or numbers among the words: Larch's colN
    expect(readAscii(text('# energy mu i0\n1 2\n3 4\n')).labels).toEqual(['col1', 'col2']);
    expect(readAscii(text('# scan 12\n1 2\n3 4\n')).labels).toEqual(['col1', 'col2']);
    expect(readAscii(text('1 2\n3 4\n')).labels).toEqual(['col1', 'col2']);
  });

  test("a label line of dashes gives colN (departure: Larch names that column '')", () => {
    expect(readAscii(text('# XDI/1.0\n# Column.1: energy eV\n#----\n1 2\n3 4\n')).labels).toEqual(['col1', 'col2']);
  });

  test('commas and tabs separate values; CRLF line ends are read', () => {
    const cf = readAscii(text('# t\r\n# e,\ta\r\n1,\t2\r\n3,4\r\n'));
    expect(cf.labels).toEqual(['e', 'a']);
    expect(Array.from(cf.columns[1]!.values)).toEqual([2, 4]);
  });

  test('a short row is dropped with a warning naming its line (departure: read_ascii pads it with NaN)', () => {
    const cf = readAscii(text('# t\n# a b c\n1 2 3\n4 5\n6 7 8\n'));
    expect(Array.from(cf.columns[2]!.values)).toEqual([3, 8]);
    expect(cf.rowLines).toEqual([3, 5]);
    expect(cf.warnings).toEqual(['mem.dat: line 4 (2 values): not the 3 values of the other rows; dropped (Larch would fill the gaps with NaN); fill in the values or delete the line to silence this']);
  });

  test('one long row does not set the width: the rows of the common width stay, the long one is dropped', () => {
    const cf = readAscii(text('# t\n# a b\n1 2\n3 4 9 9 9\n5 6\n'));
    expect(cf.labels).toEqual(['a', 'b']);
    expect(Array.from(cf.columns[1]!.values)).toEqual([2, 6]);
    expect(cf.warnings![0]).toContain('line 4 (5 values)');
  });

  test('more than three short rows → EFORMAT with the first lines', () => {
    const err = catchXafs(() => readAscii(text('# a b\n1 2\n3\n4\n5\n6\n7 8\n9 10\n11 12\n13 14\n')), 'EFORMAT');
    expect(err.message).toBe(
      'mem.dat: 4 rows do not have the 2 values of the other rows: line 3 (1 value), line 4 (1 value), line 5 (1 value), ...; ' +
        'every data row needs one value per column: fill in the missing values or delete those lines',
    );
  });

  test('nan, inf, 1e-3, 1_000 are numbers (Python float); a column of dates is a time column (dateutil)', () => {
    const cf = readAscii(text('# t\n# a b c\n1_000 nan 2019-07-09\n1e-3 -inf 2019-07-09T11:02:47\n'));
    expect(Array.from(cf.columns[0]!.values)).toEqual([1000, 0.001]);
    expect(Array.from(cf.columns[1]!.values)).toEqual([NaN, -Infinity]);
    expect(cf.columns[2]!.values[0]).toBe(new Date(2019, 6, 9).getTime() / 1000);
    expect(cf.columns[2]!.values[1]).toBe(new Date(2019, 6, 9, 11, 2, 47).getTime() / 1000);
  });

  test('complete dates as dateutil reads them, in a column of dates: Y/M/D, M/D/Y, M.D.Y, month names, ISO with zone', () => {
    const stamp = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number => new Date(y, mo - 1, d, h, mi, s).getTime() / 1000;
    const cases: [string, number][] = [
      ['2019/07/09', stamp(2019, 7, 9)],
      ['07-09-2019', stamp(2019, 7, 9)],
      ['12.5.2019', stamp(2019, 12, 5)], // month first, as dateutil's default
      ['13.5.2019', stamp(2019, 5, 13)], // 13 cannot be a month
      ['9-Jul-2019', stamp(2019, 7, 9)],
      // the zone is dropped and the clock time read as standard time (timetuple() gives tm_isdst 0)
      ['1999-07-31T23:59:59Z', stamp(1999, 7, 31, 23, 59, 59) + (Math.max(...[0, 6].map((m) => new Date(1999, m, 1).getTimezoneOffset())) - new Date(1999, 6, 31).getTimezoneOffset()) * 60],
      ['20190709T1102', stamp(2019, 7, 9, 11, 2)],
      ['2019.07', 2019.07], // a float first
    ];
    for (const [token, want] of cases) {
      const cf = readAscii(text(`# t\n# a b\n1 ${token}\n2 ${token}\n`));
      expect(cf.columns[1]!.values[0], token).toBe(want);
    }
  });

  test('dateStamp: dateutil values, and which ones take a field from the day of the run', async () => {
    const { dateStamp } = await import('../../src/io/text.js');
    const stamp = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number => new Date(y, mo - 1, d, h, mi, s).getTime() / 1000;
    const now = new Date();
    const today = (h: number, mi = 0, s = 0): number => stamp(now.getFullYear(), now.getMonth() + 1, now.getDate(), h, mi, s);
    const cases: [string, number | null, boolean][] = [
      ['2019/07/09', stamp(2019, 7, 9), true],
      ['10Jan', stamp(now.getFullYear(), 1, 10), false],
      ['07-99', stamp(1999, 7, Math.min(now.getDate(), 31)), false],
      ['12h', today(12), false],
      ['1.7h', today(1, 42), false], // dateutil works in Decimal: 0.7 h is 42 min
      ['3s', today(0, 0, 3), false],
      ['14:12:52', today(14, 12, 52), false],
      ['3rd', stamp(now.getFullYear(), now.getMonth() + 1, 3), false],
      ['tues', null, false], // not a dateutil weekday
      ['thurs', null, false],
      ['32Jan', null, false], // digits glued to a month must be a day
      ['1-', null, false], // dateutil: day 1 of this month; documented departure
    ];
    for (const [token, want, complete] of cases) {
      const d = dateStamp(token);
      if (want === null) expect(d, token).toBeNull();
      else expect(d, token).toEqual({ value: want, complete });
    }
    const thu = dateStamp('Thu')!;
    expect(new Date(thu.value * 1000).getDay()).toBe(4);
    expect(thu.complete).toBe(false);
  });

  test('a date among numbers is refused with its line and column (Larch reads 1.2.3 as 2 Jan 2003)', () => {
    for (const [cell, line] of [['2019-01-01', 4], ['1.2.3', 4]] as const) {
      const err = catchXafs(() => readAscii(text(`# t\n# a b\n1 2\n2 ${cell}\n3 4\n`)), 'ENUMBER');
      expect(err.message).toBe(`mem.dat line ${line}, column 2: '${cell}' is a date in a column of numbers, not a number; fix that value, or delete or comment out the line with '#'`);
    }
  });

  test('words Larch reads as dates of today (12h, Monday, 3rd, 14:12) are not numbers: refused with line and column', () => {
    const note = '(Larch would read it as a date or time of the day it runs, so results would depend on the run date)';
    for (const word of ['12h', 'Monday', '3rd', '14:12']) {
      // inside the block
      let err = catchXafs(() => readAscii(text(`# t\n# a b\n1 2\n2 ${word}\n3 4\n4 5\n`)), 'ENUMBER');
      expect(err.message).toBe(`mem.dat line 4, column 2: '${word}' is not a number ${note} (the numbers run on to line 6); fix that value, or delete or comment out the line with '#'`);
      // the first row
      err = catchXafs(() => readAscii(text(`# t\n# a b\n1 ${word}\n3 4\n4 5\n`)), 'ENUMBER');
      expect(err.message).toContain(`mem.dat line 3, column 2: '${word}' is not a number ${note}`);
      // the last row
      err = catchXafs(() => readAscii(text(`# t\n# a b\n1 2\n3 4\n4 ${word}\n`)), 'ENUMBER');
      expect(err.message).toBe(`mem.dat line 5, column 2: '${word}' is not a number ${note}; fix that value, or delete or comment out the line with '#'`);
    }
  });

  test('a line of month names and clock times above the data stays header (Larch pitfall 23 reads it as data)', () => {
    const cf = readAscii(text('# title\n# a b\nJun 12:30\n1 2\n3 4\n'));
    expect(cf.columns[0]!.values).toHaveLength(2);
    expect(cf.labels).toEqual(['jun', '_12_30']);
  });

  test('header lines KEY: value and KEY = value become attributes (single-word keys, lowercased identifiers)', () => {
    const cf = readAscii(text('# Mono.d_spacing: 3.1355\n; E0 = 7112\n# two words: no\n# x y\n1 2\n3 4\n'));
    expect(cf.metadata).toEqual({ mono_d_spacing: '3.1355', e0: '7112' });
  });

  test('text in memory is read with its name', () => {
    expect(readAscii({ text: '# a\n# x y\n1 2\n', path: 'given.dat' }).path).toBe('given.dat');
  });
});

describe('readAscii refuses bad files with a message naming the file, the line and what to do', () => {
  test('missing file → ENOENT', () => {
    const err = catchXafs(() => readAscii('/no/such/dir/scan.dat'), 'ENOENT');
    expect(err.message).toBe("file not found: '/no/such/dir/scan.dat'; check the name and the folder");
  });

  test('empty file → EFORMAT', () => {
    const { write } = tempFiles();
    const p = write('empty.dat', '\n\n');
    expect(catchXafs(() => readAscii(p), 'EFORMAT').message).toBe(`${p} is empty; expected rows of numbers below a header`);
  });

  test('no numbers at all → EFORMAT', () => {
    const { write } = tempFiles();
    const p = write('words.dat', '# only\nwords here\n');
    expect(catchXafs(() => readAscii(p), 'EFORMAT').message).toBe(
      `${p}: no block of numbers found; a column file needs rows of numbers (one point per line) below its header`,
    );
  });

  test('a word inside the data block → ENUMBER with line, column and the word (Larch would silently drop the rows above)', () => {
    const { write } = tempFiles();
    const rows = Array.from({ length: 6 }, (_, i) => `${8000 + i} ${1 + i / 10} ${2 + i}`);
    rows[2] = '8002 1.2 abc';
    const p = write('bad.dat', `# energy i0 it\n# e i0 it\n${rows.join('\n')}\n`);
    expect(catchXafs(() => readAscii(p), 'ENUMBER').message).toBe(
      `${p} line 5, column 3: 'abc' is not a number (the numbers run on to line 8); ` +
        `fix that value, or delete or comment out the line with '#'`,
    );
  });

  test('lines of mostly numbers under a text line are a header table, not a broken row (KEK-PF: Mode / Offset)', () => {
    const cf = readAscii({ text: '# t\n Angle  time  2  3\n Mode 0 0 1\n Offset 0 826.1 652.9\n9.44 1 252916 592687\n9.43 1 256349 604260\n', path: 'kek.dat' });
    expect(cf.header.slice(-2)).toEqual(['Mode 0 0 1', 'Offset 0 826.1 652.9']);
    expect(cf.columns[0]!.values).toHaveLength(2);
  });

  test('the first bad row in file order is named when several are broken', () => {
    const { write } = tempFiles();
    const p = write('bad2.dat', '# t\n# a b\n1 2\nx 3\n4 5\n5 --\n6 7\n7 8\n');
    expect(catchXafs(() => readAscii(p), 'ENUMBER').message).toMatch(/line 4, column 1: 'x' is not a number/);
  });
});
