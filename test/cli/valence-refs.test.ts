// xafs valence --ref: globs (every matched file a reference of the valence given), FILE=NAME with
// the valence in the name, and the refusals (exit 2) on the measured Mn oxides of
// fixtures/xanes/valence.
import { describe, expect, it } from 'vitest';
import { expectRefused, fixture, xafs } from './helpers.js';

const V = (f: string) => fixture(`xanes/valence/${f}`);
const MU = ['--mu', 'ln(i0/itrans)', '--ref-mu', 'ln(i0/itrans)'];

describe('xafs valence --ref', () => {
  it('a glob gives every matched file the valence; FILE=NAME reads the valence from the name; the default half-main run is quiet', async () => {
    const r = await xafs('valence', V('Mn3O4_rt_01.xdi'), '--ref', `${V('MnO_rt_01.xdi')}=MnO (2)`, '--ref', `${V('Mn2O3_rt_0*.xdi')}=3`, '--ref', `${V('MnO2_rt_01.xdi')}=4`, ...MU, '--form', 'quadratic', '--json');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const j = JSON.parse(r.out);
    expect(j.method).toBe('half-main');
    expect(j.references.map((x: { name: string; valence: number }) => [x.name, x.valence])).toEqual([
      ['MnO (2)', 2],
      ['Mn2O3_rt_01.xdi', 3],
      ['Mn2O3_rt_02.xdi', 3],
      ['Mn2O3_rt_03.xdi', 3],
      ['MnO2_rt_01.xdi', 4],
    ]);
    expect(j.calibration.warnings).toEqual([]);
    expect(j.samples[0].valence).toBeGreaterThan(2);
    expect(j.samples[0].valence).toBeLessThan(2.67);
  });

  it('--method deriv on the same references: the replicate and order warnings reach stderr', async () => {
    const r = await xafs('valence', V('Mn3O4_rt_01.xdi'), '--ref', `${V('MnO_rt_01.xdi')}=2`, '--ref', `${V('Mn2O3_rt_0*.xdi')}=3`, '--ref', `${V('MnO2_rt_01.xdi')}=4`, ...MU, '--method', 'deriv');
    expect(r.code).toBe(0);
    expect(r.err).toContain('xafs: warning: calibration: references of the same valence 3 disagree');
    expect(r.err).toContain('xafs: warning: calibration: references out of order');
  });

  it('bad --ref and --main-level values: exit 2 with what to do', async () => {
    const mno = V('MnO_rt_01.xdi');
    expectRefused(
      await xafs('valence', V('Mn3O4_rt_01.xdi'), '--ref', `${mno}=MnO`, '--ref', `${V('MnO2_rt_01.xdi')}=4`, ...MU),
      `xafs: --ref '${mno}=MnO': expected FILE=VALENCE with a number after '=' (e.g. --ref FeO.xdi=2), or FILE=NAME whose name carries the valence ('FeO (2)', 'Fe2O3 = 3', 'Fe(III) oxide'); 'MnO' carries none\n`,
    );
    const nomatch = V('nothing_*.xdi');
    expectRefused(await xafs('valence', V('Mn3O4_rt_01.xdi'), '--ref', `${nomatch}=3`, '--ref', `${mno}=2`, ...MU), `xafs: no file matches '${nomatch}'\n`);
    const r = await xafs('edge', mno, '--main-level', '1.5');
    expect(r.code).toBe(2);
    expect(r.err).toContain("option '--main-level' expects a normalized-μ level between 0 and 1, got '1.5'");
  });
});

describe('--e0 on xafs edge and xafs valence', () => {
  const FEO = fixture('series/fe_ref_FeO.xdi');

  it('normalizes about the e0 given; deriv still reports Larch find_e0 (7123 eV); the main-rise crossing stays at 7119.4 eV', async () => {
    const r = await xafs('edge', FEO, '--e0', '7119', '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out).samples[0];
    expect(s.edges.deriv.energy).toBe(7123);
    expect(s.e0).toBe(7119);
    expect(s.edges['half-main'].energy).toBeCloseTo(7119.4, 1);
  });

  it('an e0 outside the scan: exit 2 naming it', async () => {
    expectRefused(await xafs('edge', FEO, '--e0', '9000'), 'xafs: e0 = 9000 eV lies outside the scan (7000–7499.5 eV): give an e0 on the edge\n');
    const r = await xafs('valence', FEO, '--ref', `${FEO}=2`, '--ref', `${fixture('series/fe_ref_Fe2O3.xdi')}=3`, '--e0', '9000');
    expect(r.code).toBe(2);
    expect(r.err).toContain('e0 = 9000 eV lies outside the scan');
  });
});
