import { copyFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readColumns, readFile, readSpectrum, spectrumFrom } from '../../src/io/index.js';
import { catchXafs, fixture, tempFiles } from './helpers.js';
import { removeDups } from '../../src/wasm.js';

/** A small transmission scan: `rows` lines of `energy i0 itrans`, 8000 eV upward in 1 eV steps. */
function scan(rows = 12, edit?: (lines: string[]) => void): string {
  const lines = Array.from({ length: rows }, (_, i) => `${8000 + i} ${1000 + i} ${500 - 10 * i}`);
  edit?.(lines);
  return `# test scan\n# energy i0 itrans\n${lines.join('\n')}\n`;
}
const MU = { mu: 'ln(i0/itrans)' };

describe('readFile recognises the format', () => {
  test('Athena project, feff.dat, XDI and plain column files', () => {
    expect(readFile(fixture('athena/cu.prj')).format).toBe('athena');
    expect(readFile(fixture('fits/feffcu01.dat')).format).toBe('feffdat');
    expect(readFile(fixture('feff/RuN2CuN3_Ru_feff8/feff0003.dat')).format).toBe('feffdat');
    expect(readFile(fixture('spectra/cu_metal_rt.xdi')).format).toBe('xdi');
    expect(readFile(fixture('beamlines/APS13ID_2019.dat')).format).toBe('xdi');
    expect(readFile(fixture('spectra/fe2o3_rt1.xmu')).format).toBe('ascii');
    expect(readFile(fixture('beamlines/SSRL1_2006.dat')).format).toBe('ascii');
  });

  test('an Athena project is recognised by its content whatever its name', () => {
    const { dir } = tempFiles();
    const p = join(dir, 'project.dat');
    copyFileSync(fixture('athena/fe_athena.prj'), p);
    expect(readFile(p).format).toBe('athena');
  });

  test('readColumns returns the column file and refuses other formats', () => {
    expect(readColumns(fixture('spectra/feo_rt1.xdi')).labels).toEqual(['energy', 'mutrans', 'i0']);
    const prj = fixture('athena/cu.prj');
    expect(catchXafs(() => readColumns(prj), 'EFORMAT').message).toBe(
      `${prj} is an Athena project, not a column file; read it with readAthena or pick a group with --group`,
    );
    const feff = fixture('fits/feffcu01.dat');
    expect(catchXafs(() => readColumns(feff), 'EFORMAT').message).toBe(
      `${feff} is a FEFF path file (feff.dat), not a column file; read it with readFeffDat`,
    );
  });
});

describe('readSpectrum chooses energy and mu', () => {
  test("cu_metal_rt.xdi with --mu 'ln(i0/itrans)': energy column, μ = ln(i0/itrans), no warnings", () => {
    const s = readSpectrum(fixture('spectra/cu_metal_rt.xdi'), MU);
    expect(s.energy).toHaveLength(408);
    expect(s.energy[0]).toBe(8779.0);
    expect(s.mu[0]).toBe(Math.log(149013.7 / 550643.089065));
    expect(s.source).toBe(fixture('spectra/cu_metal_rt.xdi'));
    expect(s.labels).toEqual(['energy', 'i0', 'itrans', 'mutrans']);
    expect(s.metadata!['mono.d_spacing']).toBe('3.13553');
    expect(s.warnings).toEqual([]);
  });

  test('without --mu a column named mu, xmu, mutrans or mufluor is used (in that order)', () => {
    expect(readSpectrum(fixture('spectra/fe2o3_rt1.xmu')).mu[0]).toBe(0.80926541);
    expect(readSpectrum(fixture('spectra/feo_rt1.xdi')).mu[0]).toBe(-0.35992590e-1);
    expect(readSpectrum(fixture('spectra/cu_romanglass.xdi')).mu[0]).toBe(4.1007205); // mutrans before mufluor
  });

  test('no mu column: refused (contract), suggesting ln(i0/it) from the ion chambers', () => {
    const p = fixture('spectra/v_foil.xdi');
    expect(catchXafs(() => readSpectrum(p), 'ECOLUMN').message).toBe(
      `${p}: no mu column (looked for mu, xmu, mutrans, mufluor); the columns are: energy, scaler_count_time, i0, i1; ` +
        `pass --mu EXPR, e.g. --mu 'ln(i0/i1)' (transmission)`,
    );
  });

  test('no mu column: fluorescence is suggested too, and a transmission ratio that is not finite says where', () => {
    const { write } = tempFiles();
    const rows = (f: (i: number) => string) => Array.from({ length: 12 }, (_, i) => f(i)).join('\n');
    const fl = write('fl.dat', `# t\n# energy i0 ifluor\n${rows((i) => `${8000 + i} ${1000 + i} ${50 + i}`)}\n`);
    expect(catchXafs(() => readSpectrum(fl), 'ECOLUMN').message).toBe(
      `${fl}: no mu column (looked for mu, xmu, mutrans, mufluor); the columns are: energy, i0, ifluor; pass --mu EXPR, e.g. --mu 'ifluor/i0' (fluorescence)`,
    );
    const dead = write('dead.dat', `# t\n# energy i0 it if\n${rows((i) => `${8000 + i} ${1000 + i} 0 ${50 + i}`)}\n`);
    expect(catchXafs(() => readSpectrum(dead), 'ECOLUMN').message).toBe(
      `${dead}: no mu column (looked for mu, xmu, mutrans, mufluor); the columns are: energy, i0, it, if; ` +
        `pass --mu EXPR, e.g. --mu 'ln(i0/it)' (transmission; not finite at line 3) or --mu 'if/i0' (fluorescence)`,
    );
  });

  test('no mu column and nothing to build it from → ECOLUMN listing the columns', () => {
    const { write } = tempFiles();
    const p = write('nomu.dat', scan(12).replace('# energy i0 itrans', '# energy ch1 ch2'));
    expect(catchXafs(() => readSpectrum(p), 'ECOLUMN').message).toBe(
      `${p}: no mu column (looked for mu, xmu, mutrans, mufluor); the columns are: energy, ch1, ch2; pass --mu EXPR, e.g. --mu 'ln(i0/itrans)'`,
    );
  });

  test('a reference or a word that only starts with mu is not taken for mu (murefer, musstenc1)', () => {
    const { write } = tempFiles();
    const p = write('ref.dat', scan(12).replace('# energy i0 itrans', '# energy murefer musstenc1'));
    expect(catchXafs(() => readSpectrum(p), 'ECOLUMN').message).toMatch(/the columns are: energy, murefer, musstenc1;/);
  });

  test('a misspelled column in --mu → ECOLUMN naming the file, the column and the columns that exist', () => {
    const p = fixture('spectra/v_foil.xdi');
    expect(catchXafs(() => readSpectrum(p, { mu: 'ln(i0/it)' }), 'ECOLUMN').message).toBe(
      `${p}: no column named 'it' in --mu 'ln(i0/it)'; the columns are: energy, scaler_count_time, i0, i1 (or col1..col4 by position)`,
    );
  });

  test('--energy EXPR picks the energy (SSRL: achieved energy)', () => {
    const s = readSpectrum(fixture('beamlines/SSRL1_2006.dat'), { energy: 'achieved_energy', mu: 'ln(i0/i1)' });
    expect(s.energy[0]).toBe(25284.998);
    expect(s.warnings).toEqual([]);
  });

  test('without an energy column the column the beamline header names is used, with a warning', () => {
    const p = fixture('beamlines/SSRL1_2006.dat');
    const s = readSpectrum(p, { mu: 'ln(i0/i1)' });
    expect(s.energy[0]).toBe(25284.998);
    expect(s.warnings).toEqual([
      `${p}: energy taken from column 3 ('achieved_energy'), which the SSRL header names as energy; pass --energy EXPR to choose another`,
    ]);
  });

  test('gzip-compressed column files are read (Larch read_ascii cannot)', () => {
    const { write } = tempFiles();
    const p = write('scan.dat.gz', gzipSync(scan(12)));
    expect(readFile(p).format).toBe('ascii');
    expect(readSpectrum(p, MU).energy).toHaveLength(12);
    const bad = write('bad.dat.gz', gzipSync(scan(12)).subarray(0, 30));
    expect(catchXafs(() => readFile(bad), 'EFORMAT').message).toMatch(/^.*bad\.dat\.gz is gzip-compressed but cannot be decompressed \(.*\); the file is truncated or damaged$/);
  });

  test('Latin-1 bytes are read as Latin-1 (Larch read_ascii: UnicodeDecodeError); UTF-8 stays UTF-8', () => {
    const { write } = tempFiles();
    const p = write('latin.dat', Buffer.concat([Buffer.from('# T\xe9mp\xe9rature: 25 \xb0C\n', 'latin1'), Buffer.from(scan(12))]));
    const f = readColumns(p);
    expect(f.metadata['témpérature']).toBe('25 °C');
    const u = write('utf8.dat', `# Mono.d_spacing: 3.1356 Å\n${scan(12)}`);
    expect(readColumns(u).metadata['mono_d_spacing']).toBe('3.1356 Å');
  });

  test('energies in keV (Larch guess_energy_units: max < 120, smallest step < 0.005) are converted to eV with a warning', () => {
    const p = fixture('beamlines/APS12BM_2019.dat');
    const s = readSpectrum(p, { mu: 'mu01' });
    expect(s.energy[0]).toBe(6339);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings![0]).toMatch(
      new RegExp(`^${p}: column 'energy' looks like keV \\(largest value 6\\.98474 < 120 and smallest step 0\\.00\\d+ < 0\\.005\\): multiplied by 1000 to get eV$`),
    );
  });

  test('an XDI angle abscissa is converted to energy with Mono.d_spacing', () => {
    const { write } = tempFiles();
    const rows = Array.from({ length: 12 }, (_, i) => `${(14.3 - 0.01 * i).toFixed(2)} ${1 + i / 10}`).join('\n');
    const p = write('angle.xdi', `# XDI/1.0\n# Column.1: angle degrees\n# Column.2: mutrans\n# Mono.d_spacing: 3.13553\n#---\n# angle mutrans\n${rows}\n`);
    const s = readSpectrum(p);
    // decreasing Bragg angles are increasing energies
    expect(s.energy[0]).toBe(12398.419843320026 / (2 * 3.13553 * Math.sin((14.3 * Math.PI) / 180)));
    expect(s.energy[11]).toBeGreaterThan(s.energy[0]!);
    expect(s.warnings).toEqual([`${p}: Column.1 is a monochromator angle: converted to energy with d = 3.13553 Å`]);
    expect(s.mu[0]).toBe(1);
  });

  test('an XDI angle column without a d-spacing is refused unless --energy says what the energy is', () => {
    const { write } = tempFiles();
    const rows = Array.from({ length: 12 }, (_, i) => `${(14.3 - 0.01 * i).toFixed(2)} ${8000 + i} ${1 + i / 10}`).join('\n');
    const p = write('angle_nod.xdi', `# XDI/1.0\n# Column.1: angle degrees\n# Column.2: energy eV\n#---\n# angle energy mutrans\n${rows}\n`);
    expect(catchXafs(() => readSpectrum(p), 'EFORMAT').message).toMatch(/Column.1 is a monochromator angle but the header has no Mono.d_spacing/);
    expect(readSpectrum(p, { energy: 'energy' }).energy[0]).toBe(8000);
  });
});

describe('readSpectrum on Athena projects', () => {
  test('the first group by default, source file#label, params in metadata', () => {
    const p = fixture('athena/Sn.prj');
    const s = readSpectrum(p);
    expect(s.source).toBe(`${p}#Sn foil`);
    expect(s.energy).toHaveLength(132);
    expect(s.labels).toEqual(['energy', 'mu', 'i0']);
    expect((s.metadata!['params'] as Record<string, unknown>)['bkg_e0']).toBe(29200);
  });

  test('a group by label, by label ignoring case and spaces, by Larch group name, by record id', () => {
    const p = fixture('athena/Sn.prj');
    expect(readSpectrum(p, { group: 'SnO2' }).energy).toHaveLength(332);
    expect(readSpectrum(p, { group: 'ref sno2' }).source).toBe(`${p}#   Ref SnO2`);
    expect(readSpectrum(p, { group: 'd___Ref_Sn_chloride' }).energy).toHaveLength(241);
    expect(readSpectrum(p, { group: 'jsxi' }).source).toBe(`${p}#Sn chloride`);
  });

  test('--mu works on the stored arrays (energy, mu, i0, signal, stddev)', () => {
    const s = readSpectrum(fixture('athena/fe_athena.prj'), { mu: 'mu*i0' });
    expect(s.mu).toEqual(readSpectrum(fixture('athena/fe_athena.prj')).mu);
  });

  test('a missing label → EOPTION listing the labels', () => {
    const p = fixture('athena/cu.prj');
    expect(catchXafs(() => readSpectrum(p, { group: 'cu300k.dat' }), 'EOPTION').message).toBe(
      `${p}: no group labelled 'cu300k.dat'; the groups are: 'cu010k.dat', 'cu050k.dat', 'cu150k.dat'`,
    );
  });

  test('--group on a column file → EOPTION', () => {
    const p = fixture('spectra/fe2o3_rt1.xmu');
    expect(catchXafs(() => readSpectrum(p, { group: 'x' }), 'EOPTION').message).toBe(
      `--group 'x' applies to Athena projects; ${p} is a column file`,
    );
  });

  test('a χ(k) group → EFORMAT; a project without groups → EFORMAT', () => {
    const text = "# Athena project file -- Demeter version 0.9.26\n$old_group = 'ab';\n@args = ('label','chi','is_chi',1);\n@x = ('1','2');\n@y = ('1','2');\n[record]\n1;\n";
    const { write } = tempFiles();
    const p = write('chi.prj', text);
    expect(catchXafs(() => readSpectrum(p), 'EFORMAT').message).toBe(`${p}: group 'chi' holds χ(k), not μ(E); pick a μ(E) group with --group`);
    const empty = { format: 'athena' as const, path: 'k.prj', version: '', groups: [] };
    expect(catchXafs(() => spectrumFrom(empty), 'EFORMAT').message).toBe('k.prj: the Athena project holds no groups');
  });
});

describe('readSpectrum repairs what Larch would repair, with a warning', () => {
  test('a non-monotonic scan is sorted (stable) and the first line out of order is named', () => {
    const { write } = tempFiles();
    const p = write('unsorted.dat', scan(12, (l) => ([l[5], l[6]] = [l[6]!, l[5]!])));
    const s = readSpectrum(p, MU);
    expect(Array.from(s.energy.slice(4, 8))).toEqual([8004, 8005, 8006, 8007]);
    expect(s.mu[5]).toBe(Math.log(1005 / 450));
    expect(s.warnings).toEqual([`${p}: energy is not increasing at line 9 (8005 after 8006): sorted the scan by energy`]);
  });

  test('with sort: false a non-monotonic scan → EORDER saying how to sort it', () => {
    const { write } = tempFiles();
    const p = write('unsorted.dat', scan(12, (l) => ([l[5], l[6]] = [l[6]!, l[5]!])));
    expect(catchXafs(() => readSpectrum(p, { ...MU, sort: false }), 'EORDER').message).toBe(
      `${p}: energy is not increasing at line 9 (8005 after 8006); pass --sort (drop --no-sort) to sort the scan by energy`,
    );
  });

  test('repeated energies are kept and reported; processing separates them as Larch remove_dups does', () => {
    const { write } = tempFiles();
    const p = write('dups.dat', scan(12, (l) => {
      l[3] = `8002 1003 470`;
      l[4] = `8002 1004 460`;
    }));
    const s = readSpectrum(p, MU);
    expect(s.energy[2]).toBe(8002);
    expect(s.energy[3]).toBe(8002);
    expect(s.energy[4]).toBe(8002);
    expect(s.warnings).toEqual([
      `${p}: 2 repeated energies (first at line 6): processing separates them by 1e-7 eV as Larch's remove_dups does; average or delete repeated points if they are real`,
    ]);
    const e = removeDups(s.energy);
    expect(e[3]).toBe(8002 + 1e-7);
    expect(e[4]).toBe(8002 + 1e-7 + 1e-7);
  });
});

describe('readSpectrum refuses bad input with the file, the line and the remedy', () => {
  test('missing file → ENOENT', () => {
    expect(catchXafs(() => readSpectrum('nowhere/cu.xdi'), 'ENOENT').message).toBe("file not found: 'nowhere/cu.xdi'; check the name and the folder");
  });

  test('a folder → EFORMAT', () => {
    const { dir } = tempFiles();
    expect(catchXafs(() => readSpectrum(dir), 'EFORMAT').message).toBe(`'${dir}' is a folder, not a data file; name a file inside it`);
  });

  test('empty file → EFORMAT', () => {
    const { write } = tempFiles();
    const p = write('empty.dat', '');
    expect(catchXafs(() => readSpectrum(p), 'EFORMAT').message).toBe(
      `${p} is empty; expected a column file, an XDI file, an Athena project or a feff.dat`,
    );
  });

  test('a header without numbers → EFORMAT', () => {
    const { write } = tempFiles();
    const p = write('header.dat', '# energy mu\n# nothing measured\n');
    expect(catchXafs(() => readSpectrum(p), 'EFORMAT').message).toBe(
      `${p}: no block of numbers found; a column file needs rows of numbers (one point per line) below its header`,
    );
  });

  test('a binary file → EFORMAT', () => {
    const { write } = tempFiles();
    const p = write('scan.bin', new Uint8Array([1, 2, 0, 3, 4]));
    expect(catchXafs(() => readSpectrum(p), 'EFORMAT').message).toBe(
      `${p} is a binary file, not text; export the scan as a text column file, XDI or Athena project`,
    );
  });

  test('a .prj that is not an Athena project → EFORMAT', () => {
    const { write } = tempFiles();
    const p = write('fake.prj', scan());
    expect(catchXafs(() => readSpectrum(p), 'EFORMAT').message).toBe(
      `${p} has the .prj extension but is not an Athena project (no 'Athena project file --' header); re-save it from Athena`,
    );
  });

  test('a feff.dat → EFORMAT', () => {
    const p = fixture('fits/feffcu01.dat');
    expect(catchXafs(() => readSpectrum(p), 'EFORMAT').message).toBe(
      `${p} is a FEFF path file (feff.dat), not a spectrum; use it as a path in a fit recipe`,
    );
  });

  test('a word inside the data block → ENUMBER with line, column and word', () => {
    const { write } = tempFiles();
    const p = write('word.dat', scan(12, (l) => (l[4] = '8004 1004 4O0')));
    expect(catchXafs(() => readSpectrum(p, MU), 'ENUMBER').message).toBe(
      `${p} line 7, column 3: '4O0' is not a number (the numbers run on to line 14); fix that value, or delete or comment out the line with '#'`,
    );
  });

  test('NaN in mu → ENONFINITE naming the line and the expression', () => {
    const { write } = tempFiles();
    const p = write('neg.dat', scan(12, (l) => (l[7] = '8007 1007 -430')));
    expect(catchXafs(() => readSpectrum(p, MU), 'ENONFINITE').message).toBe(
      `${p} line 10: mu is NaN (from --mu 'ln(i0/itrans)'); fix or delete that line, or build mu from other columns`,
    );
  });

  test('inf in energy → ENONFINITE', () => {
    const { write } = tempFiles();
    const p = write('inf.dat', scan(12, (l) => (l[2] = 'inf 1002 480')));
    expect(catchXafs(() => readSpectrum(p, MU), 'ENONFINITE').message).toBe(
      `${p} line 5: energy is Infinity (from column 'energy'); fix or delete that line, or build energy from other columns`,
    );
  });

  test('a short row is dropped with a warning naming its line (Larch pads it with NaN)', () => {
    const { write } = tempFiles();
    const p = write('short.dat', scan(12, (l) => (l[9] = '8009 1009')));
    const s = readSpectrum(p, MU);
    expect(s.energy).toHaveLength(11);
    expect(Array.from(s.energy.slice(8, 10))).toEqual([8008, 8010]);
    expect(s.warnings!.join('\n')).toContain(`${p}: line 12 (2 values): not the 3 values of the other rows; dropped`);
  });

  test('more than three rows of another width → EFORMAT naming the first lines', () => {
    const { write } = tempFiles();
    const p = write('ragged.dat', scan(20, (l) => [3, 5, 7, 9].forEach((i) => (l[i] = `${8000 + i} ${1000 + i}`))));
    expect(catchXafs(() => readSpectrum(p, MU), 'EFORMAT').message).toBe(
      `${p}: 4 rows do not have the 3 values of the other rows: line 6 (2 values), line 8 (2 values), line 10 (2 values), ...; ` +
        'every data row needs one value per column: fill in the missing values or delete those lines',
    );
  });

  test('fewer than 10 points → ETOOFEW', () => {
    const { write } = tempFiles();
    const p = write('short.dat', scan(4));
    expect(catchXafs(() => readSpectrum(p, MU), 'ETOOFEW').message).toBe(
      `${p}: only 4 data points; a spectrum needs at least 10; check that the file holds a whole scan`,
    );
  });

  test('all-zero mu → EZERO', () => {
    const { write } = tempFiles();
    const p = write('zero.dat', scan(12));
    expect(catchXafs(() => readSpectrum(p, { mu: 'i0*0' }), 'EZERO').message).toBe(
      `${p}: mu is zero at every point (from --mu 'i0*0'); pick the absorption column or expression with --mu`,
    );
  });

  test('a bad expression → EEXPR with the caret', () => {
    const { write } = tempFiles();
    const p = write('ok.dat', scan(12));
    expect(catchXafs(() => readSpectrum(p, { mu: 'ln(i0/' }), 'EEXPR').message.split('\n').slice(0, 3)).toEqual([
      "cannot read expression 'ln(i0/' at character 7: the expression ends too early; expected a number, a column name or '('",
      '  ln(i0/',
      '        ^',
    ]);
  });

  test('the spectrum never aliases the file columns', () => {
    const cf = readColumns(fixture('spectra/fe2o3_rt1.xmu'));
    const s = spectrumFrom(cf);
    s.mu[0] = 42;
    s.energy[0] = 42;
    expect(cf.columns[1]!.values[0]).toBe(0.80926541);
    expect(cf.columns[0]!.values[0]).toBe(6911.8277);
  });
});
