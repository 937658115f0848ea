// xafs edge and xafs valence through the CLI: the table and the --json contract fields on the
// bundled Fe references and series, FILE#NAME selection, labelled Athena projects, and every bad
// input the issue lists (exit 2 with its exact message, or a warning where the result stands).
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoStack, expectRefused, fixture, tempDir, xafs } from './helpers.js';

const FEO = fixture('series/fe_ref_FeO.xdi');
const FE2O3 = fixture('series/fe_ref_Fe2O3.xdi');
const SERIES = fixture('series/fe_series.dat');
const REFS = ['--ref', `${FEO}=2`, '--ref', `${FE2O3}=3`];

const tmp = tempDir();
afterAll(() => tmp.remove());
const rows = (f: (e: number) => number) => ['# synthetic', '# energy mu', ...Array.from({ length: 600 }, (_, i) => `${(7000 + 0.5 * i).toFixed(1)} ${f(7000 + 0.5 * i).toFixed(8)}`)].join('\n') + '\n';
const FLAT = tmp.write('flat.dat', rows(() => 0.3));
const ARCTAN = tmp.write('arctan.dat', rows((e) => 0.5 + Math.atan((e - 7120) / 1.5) / Math.PI));
const NO_EDGE = (f: string) => `xafs: ${f}: no absorption edge found: μ(E) has no rising edge away from the ends of the scan; check the μ expression (e.g. --mu "ln(i0/itrans)")\n`;

describe('xafs edge', () => {
  it('prints one row per spectrum: every definition, the edge step and the white line', async () => {
    const r = await xafs('edge', FEO, FE2O3);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('source            deriv (find_e0)        deriv-fit             half            zero2         integral        half-main  edge step  white line (norm): eV  height  area (eV)');
    expect(lines[1]).toBe('fe_ref_FeO.xdi            7123.00  7122.60 ± <0.01  7119.40 ± <0.01  7122.60 ± <0.01  7119.44 ± <0.01  7119.40 ± <0.01     0.9961                7128.35   1.458       2.55');
    expect(lines[2]).toMatch(/^fe_ref_Fe2O3\.xdi {10}7125\.50  7125\.68 ± <0\.01  7123\.20 ± <0\.01/);
    expect(lines[3]).toBe('Energies in eV; ± one σ from the data noise.');
  });

  it('--json: methods, settings and per sample e0, edgeStep, noise, edges {energy, stderr}, whiteLine, warnings', async () => {
    const r = await xafs('edge', FEO, '--json', '--method', 'deriv,half,integral');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.methods).toEqual(['deriv', 'half', 'integral']);
    expect(j.settings).toEqual({ smooth: 1, searchWidth: 10, halfLevel: 0.5, integralLevels: [0.15, 0.85], whiteLine: { space: 'norm', window: 15 } });
    const s = j.samples[0];
    expect(Object.keys(s)).toEqual(['source', 'name', 'e0', 'edgeStep', 'noise', 'edges', 'errors', 'whiteLine', 'warnings']);
    expect([s.source, s.name, s.e0]).toEqual([FEO, 'fe_ref_FeO.xdi', 7123]);
    expect(s.edges.deriv).toEqual({ energy: 7123, stderr: null });
    expect(s.edges.half.energy).toBeCloseTo(7119.397, 3);
    expect(s.edges.integral.window).toHaveLength(2);
    expect(Object.keys(s.whiteLine)).toEqual(['energy', 'height', 'area', 'range']);
  });

  it('works on a series file (200 rows) and on one column of it or one Athena group (FILE#NAME)', async () => {
    const all = await xafs('edge', SERIES, '--method', 'half');
    expect(all.out.split('\n').filter((l) => /^s\d{4} /.test(l))).toHaveLength(200);
    const one = await xafs('edge', `${SERIES}#s0100`, `${fixture('athena/fe_athena.prj')}#feo_rt1.xmu`, '--method', 'half', '--json');
    expect(JSON.parse(one.out).samples.map((s: { name: string }) => s.name)).toEqual(['s0100', 'feo_rt1.xmu']);
  });

  it('a definition that finds nothing is a warning and a dash; the others stand (exit 0)', async () => {
    const r = await xafs('edge', ARCTAN, '--method', 'half,integral', '--integral-levels', '0.15,1');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[1]).toBe('arctan.dat  7120.01 ± <0.01         —     0.9773                      —       —          —');
    expect(r.err).toBe(`xafs: warning: ${ARCTAN}: integral: normalized μ never reaches 1 above the edge: lower the upper integral level (e.g. --integral-levels 0.15,0.9)\n`);
  });

  it('a spectrum without an edge: alone, exit 2 with the reason; among others, a failed row and exit 1', async () => {
    expectRefused(await xafs('edge', FLAT), NO_EDGE(FLAT));
    const r = await xafs('edge', FLAT, ARCTAN, '--method', 'half');
    expect(r.code).toBe(1);
    expect(r.out).toContain('flat.dat             failed');
    expect(r.out).toContain('arctan.dat  7120.01 ± <0.01');
    expect(r.err).toBe(NO_EDGE(FLAT));
    const j = JSON.parse((await xafs('edge', FLAT, ARCTAN, '--json')).out);
    expect(j.samples[0]).toEqual({ source: FLAT, name: 'flat.dat', error: NO_EDGE(FLAT).replace(`xafs: ${FLAT}: `, '').trimEnd() });
  });

  it('bad options are refused with exit 2', async () => {
    const usage = '(run with --help for usage)\n';
    expectRefused(await xafs('edge', FEO, '--method', 'steepest'), `xafs: option '--method' expects deriv, deriv-fit, half, zero2, integral, deriv-main, half-main or all (comma-separated), got 'steepest'\n${usage}`);
    expectRefused(await xafs('edge', FEO, '--half-level', '1.2'), `xafs: option '--half-level' expects a normalized-μ level between 0 and 1, got '1.2'\n${usage}`);
    expectRefused(await xafs('edge', FEO, '--integral-levels', '0.9,0.2'), `xafs: option '--integral-levels' expects two normalized-μ levels 0 < lo < hi as lo,hi (e.g. 0.15,1), got '0.9,0.2'\n${usage}`);
    expectRefused(await xafs('edge', FEO, '--smooth', '0'), `xafs: option '--smooth' expects a number > 0, got '0'\n${usage}`);
    expectRefused(await xafs('edge', `${SERIES}#s9999`), `xafs: ${SERIES} holds no spectrum named 's9999'; it holds 200 spectra: 's0000', 's0001', 's0002', 's0003', 's0004', 's0005', 's0006', 's0007', 's0008', 's0009', ...\n`);
  });
});

describe('xafs valence', () => {
  it('--json gives the contract fields: method, calibration, references {file, valence, edge}, samples {source, edge, valence, valenceStderr, warnings}', async () => {
    const r = await xafs('valence', ...REFS, `${SERIES}#s0000`, `${SERIES}#s0100`, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.method).toBe('half-main');
    for (const k of ['slope', 'intercept', 'slopeStderr', 'interceptStderr', 'rms', 'form']) expect(j.calibration).toHaveProperty(k);
    expect(j.calibration.form).toBe('linear');
    expect(j.calibration.slope).toBeCloseTo(1 / (7123.1999 - 7119.3972), 4);
    expect(j.calibration.exact).toBe(true);
    expect(j.references.map((x: { file: string; valence: number }) => [x.file, x.valence])).toEqual([
      [FEO, 2],
      [FE2O3, 3],
    ]);
    for (const s of j.samples) for (const k of ['source', 'edge', 'valence', 'valenceStderr', 'warnings']) expect(s).toHaveProperty(k);
    // truth (fixtures/series/fe_series_truth.json): 2.0067 and 2.5063
    expect(Math.abs(j.samples[0].valence - 2.0067)).toBeLessThan(0.1);
    expect(Math.abs(j.samples[1].valence - 2.5063)).toBeLessThan(0.1);
    expect(j.samples[1].valenceStderr).toBeGreaterThan(0);
    expect(r.err).toBe("xafs: warning: calibration: 2 references for a linear calibration: the curve passes exactly through them, so their scatter cannot be judged; the coefficient errors come from the references' edge uncertainties only\n");
  });

  it('prints the calibration, the references and the samples as a table', async () => {
    const r = await xafs('valence', ...REFS, `${SERIES}#s0100`);
    expect(r.out).toBe(
      [
        'valence by half-main (last crossing of normalized μ = 0.5 below the white line)',
        'linear calibration on 2 references: valence = 0.262968·E − 1870.1753   (E in eV)',
        '  slope 0.2630 ± 4.4e-7 per eV; exact through the references',
        '',
        'reference         valence        edge (eV)  residual',
        'fe_ref_FeO.xdi          2  7119.40 ± <0.01     0.000',
        'fe_ref_Fe2O3.xdi        3  7123.20 ± <0.01     0.000',
        '',
        'sample       edge (eV)        valence',
        's0100   7121.26 ± 0.01  2.489 ± 0.003',
        "± one σ: noise of the data, the edge definition's own spread (deriv-main: competing maxima) and, for a calibration, the scatter of the references.",
        '',
      ].join('\n'),
    );
  });

  it('--method lcf: fractions per reference with errors, R-factor; no calibration', async () => {
    const r = await xafs('valence', ...REFS, '--method', 'lcf', `${SERIES}#s0100`, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.calibration).toBeNull();
    expect(j.settings).toEqual({ form: 'linear', emin: -20, emax: 60 });
    const s = j.samples[0];
    expect(Object.keys(s.fractions)).toEqual(['fe_ref_FeO.xdi', 'fe_ref_Fe2O3.xdi']);
    expect(s.fractions['fe_ref_FeO.xdi'].value + s.fractions['fe_ref_Fe2O3.xdi'].value).toBeCloseTo(1, 12);
    expect(Math.abs(s.valence - 2.5063)).toBeLessThan(0.05);
    expect(s.rfactor).toBeLessThan(1e-3);
  });

  it('a labelled Athena project as the references ("FeO (2)", "Fe2O3 (III)"); unlabelled groups are left out with a warning', async () => {
    const prj = fixture('xanes/edge/fe_refs_labelled.prj');
    const r = await xafs('valence', '--ref', prj, `${SERIES}#s0100`, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.references.map((x: { name: string; valence: number }) => [x.name, x.valence])).toEqual([
      ['FeO (2)', 2],
      ['Fe2O3 (III)', 3],
    ]);
    const byFile = JSON.parse((await xafs('valence', ...REFS, `${SERIES}#s0100`, '--json')).out);
    expect(j.samples[0].valence).toBe(byFile.samples[0].valence);
    expect(r.err.split('\n')[0]).toBe(`xafs: warning: ${prj}#unlabelled FeO copy: the label 'unlabelled FeO copy' carries no valence: not used as a reference`);
  });

  it('references that do not bracket the sample: a warning, the extrapolated valence still given (exit 0)', async () => {
    const r = await xafs('valence', ...REFS, `${SERIES}#s0195`, '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out).samples[0];
    expect(s.valence).toBeGreaterThan(3);
    expect(s.warnings).toEqual(["edge 7123.281 eV lies 0.081 eV outside the references' edges (7119.397–7123.2 eV): the valence is extrapolated"]);
    expect(r.err).toContain(`xafs: warning: ${SERIES}#s0195: edge 7123.281 eV lies 0.081 eV outside`);
  });

  it('a sample without an edge: alone, exit 2; among others, its error in the output and exit 1', async () => {
    expectRefused(await xafs('valence', ...REFS, FLAT), NO_EDGE(FLAT));
    const r = await xafs('valence', ...REFS, FLAT, `${SERIES}#s0100`, '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.samples[0]).toMatchObject({ source: FLAT, valence: null, valenceStderr: null });
    expect(j.samples[0].error).toMatch(/^no absorption edge found/);
    expect(j.samples[1].valence).toBeGreaterThan(2.4);
    expect(r.err.endsWith(NO_EDGE(FLAT))).toBe(true);
  });

  it('bad references are refused with exit 2 and what to do', async () => {
    const cases: [string[], string][] = [
      [[SERIES], 'xafs: no references: give at least two with --ref FILE=VALENCE (of different valences), e.g. --ref FeO.xdi=2 --ref Fe2O3.xdi=3\n'],
      [['--ref', `${FEO}=2`, SERIES], 'xafs: a valence needs at least two references of different valence (--ref FILE=VALENCE), got 1\n'],
      [['--ref', `${FEO}=2`, '--ref', `${FE2O3}=2`, SERIES], 'xafs: every reference has valence 2: give references of at least two different valences\n'],
      [['--ref', `${FEO}=two`, '--ref', `${FE2O3}=3`, SERIES], `xafs: --ref '${FEO}=two': expected FILE=VALENCE with a number after '=' (e.g. --ref FeO.xdi=2), or FILE=NAME whose name carries the valence ('FeO (2)', 'Fe2O3 = 3', 'Fe(III) oxide'); 'two' carries none\n`],
      [['--ref', FEO, '--ref', `${FE2O3}=3`, SERIES], `xafs: --ref '${FEO}': no valence given; write FILE=VALENCE (e.g. --ref FeO.xdi=2), or pass an Athena project whose group labels carry their valences ('FeO (2)', 'Fe2O3 = 3', 'Fe(III) oxide')\n`],
      [['--ref', `${SERIES}=2`, '--ref', `${FE2O3}=3`, FEO], `xafs: --ref '${SERIES}=2': ${SERIES} holds 200 spectra: 's0000', 's0001', 's0002', 's0003', 's0004', 's0005', 's0006', 's0007', 's0008', 's0009', ...; name one: --ref '${SERIES}#NAME=2'\n`],
      [[...REFS, '--form', 'quadratic', SERIES], 'xafs: a quadratic calibration needs at least 3 references with different edge energies, got 2\n'],
      [['--ref', `${FLAT}=2`, '--ref', `${FE2O3}=3`, FEO], `xafs: reference ${FLAT}: no absorption edge found: μ(E) has no rising edge away from the ends of the scan; check the μ expression (e.g. --mu "ln(i0/itrans)")\n`],
    ];
    for (const [args, message] of cases) expectRefused(await xafs('valence', ...args), message);
  });

  it('two references whose edges coincide for the chosen definition cannot calibrate it', async () => {
    const r = await xafs('valence', '--ref', `${SERIES}#s0000=2`, '--ref', `${SERIES}#s0001=3`, '--method', 'deriv', FEO);
    expectRefused(r, `xafs: ${SERIES}#s0000 (valence 2) and ${SERIES}#s0001 (valence 3) have the same edge energy, 7123 eV: this edge definition cannot tell them apart; use another --method (deriv-fit, half, half-main, integral or lcf)\n`);
  });

  it('an unknown method is a usage error', async () => {
    const r = await xafs('valence', ...REFS, '--method', 'steepest', FEO);
    expectRefused(r, "xafs: option '--method <method>' argument 'steepest' is invalid. Allowed choices are deriv, deriv-fit, half, zero2, integral, deriv-main, half-main, lcf.\n(run with --help for usage)\n");
    expectNoStack(r.err);
  });
});
