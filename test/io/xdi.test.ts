import { describe, expect, test } from 'vitest';
import { angleToEnergy, readAscii, readXdi, xdiEnergy } from '../../src/io/index.js';
import { catchXafs, expectClose, fixture, tempFiles } from './helpers.js';

describe('readXdi', () => {
  test('cu_metal_rt.xdi: XDI 1.0, Larch read_ascii labels, fields as family.tag, comments, Column units', () => {
    const x = readXdi(fixture('spectra/cu_metal_rt.xdi'));
    expect(x.format).toBe('xdi');
    expect(x.xdiVersion).toBe('1.0');
    expect(x.labels).toEqual(['energy', 'i0', 'itrans', 'mutrans']);
    expect(x.metadata['column.1']).toBe('energy eV');
    expect(x.metadata['mono.d_spacing']).toBe('3.13553');
    expect(x.metadata['scan.edge_energy']).toBe('8980.0');
    expect(x.metadata['detector.i0']).toBe('10cm  N2');
    expect(x.metadata['gse.extra']).toBe('config 1');
    expect(x.comments).toEqual(['Cu foil Room Temperature']);
    expect(x.columns.map((c) => c.units)).toEqual(['eV', undefined, undefined, undefined]);
    expect(x.monoDspace).toBe(3.13553);
    expect(x.columns[0]!.values).toHaveLength(408);
  });

  test('columns and labels are exactly those of readAscii (one naming whatever the reader)', () => {
    for (const f of ['spectra/cu_metal_rt.xdi', 'spectra/cu_romanglass.xdi', 'spectra/feo_rt1.xdi', 'spectra/v_foil.xdi', 'beamlines/APS13ID_2019.dat']) {
      const x = readXdi(fixture(f));
      const a = readAscii(fixture(f));
      expect(x.labels).toEqual(a.labels);
      x.columns.forEach((c, i) => expect(c.values).toEqual(a.columns[i]!.values));
    }
  });

  test('XDI 1.1 Epics StepScan file: units before "||" addresses, Mono.dspacing spelling, last field wins', () => {
    const x = readXdi(fixture('spectra/v_foil.xdi'));
    expect(x.xdiVersion).toBe('1.1');
    expect(x.columns.map((c) => c.units)).toEqual(['eV', 'counts', 'counts', 'counts']);
    expect(x.monoDspace).toBe(3.13555);
    // 'Beamline.I0_sensitivity_value' appears twice: 1 then nA/V
    expect(x.metadata['beamline.i0_sensitivity_value']).toBe('nA/V || 13BMD:A3sens_unit.VAL');
  });

  test("a remark after '#' in a Column field is not taken for units; comment lines keep their order", () => {
    const x = readXdi(fixture('spectra/cu_romanglass.xdi'));
    expect(x.columns[3]!.label).toBe('ifluor');
    expect(x.columns[3]!.units).toBeUndefined();
    expect(x.columns[8]!.units).toBe('sec');
    expect(x.comments).toEqual(['summed cu_ka fluorescence data from CuXAFS_GlassGT1_C.001', 'Dead-time correction applied']);
  });

  test('field names are case-insensitive (lowercased), values keep their case', () => {
    const x = readXdi({ text: '# XDI/1.0\n# Element.Symbol: Fe\n# ELEMENT.edge: K\n#---\n# energy mu\n1 2\n3 4\n', path: 'm.xdi' });
    expect(x.metadata).toEqual({ 'element.symbol': 'Fe', 'element.edge': 'K' });
  });

  test('angle column: E = 12398.419843320026/(2 d sin θ) with Mono.d_spacing', () => {
    const x = readXdi({
      text: '# XDI/1.0\n# Column.1: angle degrees\n# Column.2: mutrans\n# Mono.d_spacing: 3.13553\n#---\n# angle mutrans\n14.2 1\n14.1 2\n',
      path: 'angle.xdi',
    });
    const e = xdiEnergy(x)!;
    expectClose(e.values[0]!, 12398.419843320026 / (2 * 3.13553 * Math.sin((14.2 * Math.PI) / 180)), 1e-15);
    expect(e.note).toBe('angle.xdi: Column.1 is a monochromator angle: converted to energy with d = 3.13553 Å');
    expectClose(angleToEnergy(new Float64Array([30]), 1)[0]!, 12398.419843320026, 1e-15); // sin 30° = 1/2
  });

  test('energy in keV (Column.1: energy keV) is converted to eV', () => {
    const x = readXdi({ text: '# XDI/1.0\n# Column.1: energy keV\n#---\n# energy mu\n8.9 1\n9.0 2\n', path: 'kev.xdi' });
    expect(Array.from(xdiEnergy(x)!.values)).toEqual([8900, 9000]);
  });

  test('an angle column without a d-spacing → EFORMAT saying what to add', () => {
    const x = readXdi({ text: '# XDI/1.0\n# Column.1: angle deg\n#---\n# angle mu\n14 1\n13 2\n', path: 'nod.xdi' });
    expect(catchXafs(() => xdiEnergy(x), 'EFORMAT').message).toBe(
      "nod.xdi: Column.1 is a monochromator angle but the header has no Mono.d_spacing; add '# Mono.d_spacing: 3.13553' (Å) to the header or pass --energy EXPR",
    );
  });

  test('a file without the XDI first line → EFORMAT', () => {
    const { write } = tempFiles();
    const p = write('plain.xdi', '# energy mu\n1 2\n');
    expect(catchXafs(() => readXdi(p), 'EFORMAT').message).toBe(`${p} line 1: not an XDI file (expected '# XDI/1.0' on the first line)`);
  });
});
