// xafs align | merge | deglitch | rebin | truncate, driven in-process: exit codes, the exact
// messages of bad input, the --json documents (checked against the library, Larch's numbers and
// analytic answers) and the headers of --out files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrateEdge } from '../../src/series/index.js';
import { loadOne } from '../../src/xanes/inputs.js';
import { expectNoStack, expectRefused, fixture, readOutFile, tempDir, xafs, type Ran, type Temp } from './helpers.js';

const USAGE = '(run with --help for usage)\n';
const FE_PRJ = fixture('athena/FeFoil_QXAFS_Compare.prj');
const APS = fixture('beamlines/APS10BM_2019.dat');
const APS_DUPS = `xafs: warning: ${APS}: 2 repeated energies (first at line 20): processing separates them by 1e-7 eV as Larch's remove_dups does; average or delete repeated points if they are real\n`;
const LARCH_MERGE = JSON.parse(readFileSync(fixture('series/reduce/larch_merge.json'), 'utf8')).cases;
const LARCH_REBIN = JSON.parse(readFileSync(fixture('series/reduce/larch_rebin.json'), 'utf8')).cases;

/** stdout must be exactly one JSON document and a newline. */
function onlyJson(r: Ran): Record<string, any> {
  expect(r.code, r.err).toBe(0);
  expect(r.out.endsWith('\n')).toBe(true);
  const doc = JSON.parse(r.out);
  expect(JSON.stringify(doc) + '\n').toBe(r.out);
  return doc;
}

function maxRel(got: number[], want: number[]): number {
  expect(got.length).toBe(want.length);
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i]! - want[i]!) / Math.abs(want[i]!));
  return m;
}

const E0 = 8979;
/** A smooth Cu-like edge (no kinks), for files written by the tests. */
const cuMu = (x: number) => {
  const d = x - E0;
  return 0.5 + Math.atan(d / 1.2) / Math.PI + 0.1 * Math.exp(-(((d + 4) / 1.5) ** 2)) + 0.35 * Math.exp(-(((d - 6) / 3) ** 2)) + 0.08 * Math.sin(0.35 * d) * Math.exp(-d / 300) * 0.5 * (1 + Math.tanh((d - 15) / 3));
};

let tmp: Temp;
let FOIL: string; // the standard: energy mu
let SAMPLE: string; // energy i0 it iref: sample edge 2 eV low, foil in iref read 0.73 eV low
let SPIKY: string; // energy mu with a spike at 9150 eV
let FE_EDGE: string; // an Fe edge, 7000–7600 eV

beforeAll(() => {
  tmp = tempDir();
  const lines = (head: string[], rows: string[]) => [...head, ...rows].join('\n') + '\n';
  const range = (a: number, b: number, h: number) => Array.from({ length: Math.floor((b - a) / h) + 1 }, (_, i) => a + i * h);
  FOIL = tmp.write('cu_foil.dat', lines(['# Cu foil standard (analytic)', '# energy mu'], range(8800, 9500, 0.25).map((e) => `${e.toFixed(2)} ${cuMu(e).toFixed(9)}`)));
  SAMPLE = tmp.write(
    'sample.dat',
    lines(
      ['# sample, with a Cu foil between it and iref', '# energy i0 it iref'],
      range(8805.1, 9490, 0.3).map((e) => {
        const i0 = 1e5;
        const it = i0 * Math.exp(-(0.5 + 0.8 * cuMu(e + 2)));
        const iref = it * Math.exp(-cuMu(e + 0.73));
        return `${e.toFixed(3)} ${i0.toFixed(3)} ${it.toFixed(6)} ${iref.toFixed(7)}`;
      }),
    ),
  );
  SPIKY = tmp.write('spiky.dat', lines(['# a spectrum with one glitch', '# energy mu'], range(8800, 9599.5, 0.5).map((e, i) => `${e.toFixed(2)} ${(cuMu(e) + (i === 700 ? 0.05 : 0)).toFixed(9)}`)));
  FE_EDGE = tmp.write('fe.dat', lines(['# an Fe edge', '# energy mu'], range(7000, 7600, 0.5).map((e) => `${e.toFixed(2)} ${cuMu(e - 7112 + E0).toFixed(9)}`)));
});
afterAll(() => tmp.remove());

describe('xafs align', () => {
  it('--to with --ref-channel iref: the foil channel fitted to the standard, +0.730 eV (truth +0.73)', async () => {
    const r = await xafs('align', SAMPLE, '--mu', 'ln(i0/it)', '--ref-channel', 'iref', '--to', FOIL);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(new RegExp(`^${SAMPLE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: energy shift \\+0\\.730 ± 0\\.000 eV \\(iref aligned with .*cu_foil\\.dat: dμ/dE fit over 8964\\.00–9013\\.75 eV, scale 1\\.00[0-9]\\); e0 8978\\.20 → 8978\\.93 eV\n\\(recorded, not applied: --out DIR writes the shifted spectra\\)\n$`));
  });

  it('--json: mode, standard, and per sample the shift, its error, scale, window and the record', async () => {
    const doc = onlyJson(await xafs('align', SAMPLE, '--mu', 'ln(i0/it)', '--ref-channel', 'iref', '--to', FOIL, '--json'));
    expect(Object.keys(doc)).toEqual(['mode', 'standard', 'applied', 'samples']);
    expect(doc.mode).toBe('standard');
    expect(doc.standard).toEqual({ source: FOIL, e0: 8979 });
    expect(doc.applied).toBe(false);
    const s = doc.samples[0];
    expect(Object.keys(s)).toEqual(['source', 'channel', 'expression', 'eshift', 'eshiftStderr', 'scale', 'scaleStderr', 'e0', 'e0Aligned', 'window', 'npts', 'rms', 'record', 'warnings']);
    expect(s.channel).toBe('iref');
    expect(s.expression).toBe('ln(it/iref)');
    expect(Math.abs(s.eshift - 0.73)).toBeLessThan(0.01);
    expect(s.eshiftStderr).toBeLessThan(0.01);
    expect(s.window).toEqual([8964, 9013.75]);
    expect(s.record).toBe(`energy shifted by +0.730 eV to align iref with ${FOIL}`);
  });

  it('aligns the sample itself without --ref-channel (+2.000 eV)', async () => {
    const doc = onlyJson(await xafs('align', SAMPLE, '--mu', 'ln(i0/it)', '--to', FOIL, '--json'));
    expect(doc.samples[0].channel).toBe('mu');
    expect(Math.abs(doc.samples[0].eshift - 2)).toBeLessThan(0.01);
  });

  it('--out DIR writes the shifted energy, the energy as measured, and the shift in the header', async () => {
    const dir = join(tmp.dir, 'aligned');
    const r = await xafs('align', SAMPLE, '--mu', 'ln(i0/it)', '--ref-channel', 'iref', '--to', FOIL, '--out', dir);
    expect(r.code).toBe(0);
    const path = join(dir, 'sample.aligned.dat');
    expect(r.err).toBe(`xafs: wrote ${path}\n`);
    const f = readOutFile(path);
    expect(f.header[1]).toBe(`# energy shifted by +0.730 eV to align iref with ${FOIL}`);
    expect(f.header[2]).toMatch(/^# eshift = 0\.7\d+ ± \d\.\d+e?-?\d* eV, scale 1\.00\d+: iref's dμ\/dE fitted to .*cu_foil\.dat's over 8964\.00–9013\.75 eV \(standard e0 8979\.00 eV, 200 points\)$/);
    expect(f.columns.map((c) => c.name)).toEqual(['energy', 'mu', 'energy_raw', 'mu_ref']);
    const eshift = Number(/eshift = (\S+)/.exec(f.header[2]!)![1]);
    for (const row of f.rows) expect(row[0]! - row[2]!).toBeCloseTo(eshift, 5);
    expect(f.rows[0]![2]).toBe(8805.1);
  });

  it('--e0: the shift that puts the edge of the reference channel at the given energy', async () => {
    const doc = onlyJson(await xafs('align', APS, '--mu', 'ln(io/it)', '--ref-channel', 'iref', '--e0', '6539', '--json'));
    const ref = loadOne(APS, { mu: 'ln(it/iref)' })[0]!;
    const c = calibrateEdge(ref, 6539);
    expect(doc.mode).toBe('e0');
    expect(doc.target).toBe(6539);
    expect(doc.samples[0]).toEqual({
      source: APS,
      channel: 'iref',
      expression: 'ln(it/iref)',
      eshift: c.eshift,
      edge: c.edge,
      edgeAligned: c.edge + c.eshift,
      edgeMethod: 'spline',
      record: `energy shifted by +${c.eshift.toFixed(3)} eV to put the edge of iref (found at ${c.edge.toFixed(3)} eV, spline derivative maximum) at 6539 eV`,
      warnings: [],
    });
    const deriv = onlyJson(await xafs('align', APS, '--mu', 'ln(io/it)', '--ref-channel', 'iref', '--e0', '6539', '--edge', 'deriv', '--json'));
    expect(deriv.samples[0].edge).toBe(6537.611);
    expect(deriv.samples[0].eshift).toBeCloseTo(1.389, 9);
  });

  it('--shift applies a known shift, recorded in the header', async () => {
    const dir = join(tmp.dir, 'shifted');
    const r = await xafs('align', FE_EDGE, '--shift', '-0.5', '--out', dir);
    expect(r.out).toBe(`${FE_EDGE}: energy shift −0.500 eV (given)\n(recorded, not applied: --out DIR writes the shifted spectra)\n`);
    const f = readOutFile(join(dir, 'fe.aligned.dat'));
    expect(f.header[1]).toBe('# energy shifted by −0.500 eV as given (--shift)');
    expect(f.columns.map((c) => c.name)).toEqual(['energy', 'mu', 'energy_raw']);
    expect(f.rows[0]![0]).toBe(6999.5);
    expect(f.rows[0]![2]).toBe(7000);
    expect(f.rows[0]![1]).toBeCloseTo(cuMu(7000 - 7112 + E0), 8);
  });

  it('refuses a standard the sample never overlaps (exit 2)', async () => {
    expectRefused(
      await xafs('align', FE_EDGE, '--to', FOIL),
      `xafs: ${FE_EDGE} (7000.00–7600.00 eV) does not overlap the fit window of ${FOIL} (8964.00–9013.75 eV, e0 8979.00 eV) for any shift within ±50 eV; align to a standard of the same edge, or pass a larger --max-shift\n`,
    );
  });

  it('refuses missing or conflicting targets and options of another mode', async () => {
    expectRefused(await xafs('align', SAMPLE, '--mu', 'ln(i0/it)'), "xafs: align needs what to align to: --to STANDARD (fit dμ/dE to a standard's), --e0 E (put the edge at E eV) or --shift E (a known shift, eV)\n");
    expectRefused(await xafs('align', SAMPLE, '--to', FOIL, '--e0', '8979'), 'xafs: pass only one of --to, --e0 and --shift (got --to and --e0)\n');
    expectRefused(await xafs('align', SAMPLE, '--e0', '8979', '--fit-range', '-10:20'), 'xafs: --fit-range applies to alignment with --to STANDARD\n');
    expectRefused(await xafs('align', SAMPLE, '--to', FOIL, '--edge', 'deriv'), 'xafs: --edge applies to calibration with --e0 E\n');
    expectRefused(await xafs('align', SAMPLE, '--e0', 'x'), `xafs: option '--e0' expects a number, got 'x'\n${USAGE}`);
    expectRefused(await xafs('align', SAMPLE, '--to', FOIL, '--fit-range', '20:-10'), `xafs: option '--fit-range' expects E1 < E2, got '20:-10'\n${USAGE}`);
  });

  it('refuses a reference channel that cannot exist and a standard that is not one spectrum', async () => {
    expectRefused(
      await xafs('align', `${FE_PRJ}#Fe_foil_250msec_qxafs.001`, '--ref-channel', 'iref', '--e0', '7112'),
      `xafs: ${FE_PRJ}#Fe_foil_250msec_qxafs.001: --ref-channel needs column files with the reference chamber's column; ${FE_PRJ} is an Athena project\n`,
    );
    expectRefused(
      await xafs('align', `${FE_PRJ}#Fe_foil_250msec_qxafs.001`, '--to', FE_PRJ),
      `xafs: --to ${FE_PRJ} holds 4 spectra ('Fe_foil_500msec_stepscan.001', 'Fe_foil_250msec_qxafs.001', 'Fe_foil_250msec_qxafs.002', 'Fe_foil_500msec_qxafs_PinDiode.001'); pick one with --to-group LABEL or FILE#GROUP\n`,
    );
    const r = await xafs('align', SAMPLE, '--ref-channel', 'ln(it/', '--e0', '8979', '--mu', 'ln(i0/it)');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^xafs: --ref-channel: /);
    expectNoStack(r.err);
  });

  it('aligns one Athena group to another (FILE#GROUP for both)', async () => {
    const doc = onlyJson(await xafs('align', `${FE_PRJ}#Fe_foil_250msec_qxafs.002`, '--to', `${FE_PRJ}#Fe_foil_250msec_qxafs.001`, '--json'));
    expect(Math.abs(doc.samples[0].eshift)).toBeLessThan(0.3);
  });
});

describe('xafs merge', () => {
  const scans = LARCH_MERGE.fe_qxafs_2.groups.map((g: string) => `${FE_PRJ}#${g}`);

  it('--json matches Larch merge_groups and documents the merge', async () => {
    const doc = onlyJson(await xafs('merge', ...scans, '--json'));
    expect(Object.keys(doc)).toEqual(['scans', 'master', 'kind', 'fallback', 'trim', 'npts', 'energy', 'mu', 'muStd', 'extrapolated', 'trimmed', 'warnings']);
    expect(doc.scans).toEqual(scans);
    expect(doc.master).toBe(scans[0]);
    expect(doc).toMatchObject({ kind: 'cubic', fallback: false, trim: true, npts: 492, trimmed: { low: 0, high: 2 }, warnings: [] });
    expect(doc.energy).toEqual(LARCH_MERGE.fe_qxafs_2.energy);
    expect(maxRel(doc.mu, LARCH_MERGE.fe_qxafs_2.mu)).toBeLessThan(1e-14);
    doc.muStd.forEach((v: number, i: number) => expect(Math.abs(v - LARCH_MERGE.fe_qxafs_2.mu_std[i])).toBeLessThan(1e-14));
  });

  it('text: the grid, the spread and the scans (the master starred)', async () => {
    const r = await xafs('merge', ...scans);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe(`merged 2 scans (Larch merge_groups: cubic interpolation onto the grid of ${scans[0]}, trimmed to the shortest scan): 492 points, 7011.51–7647.84 eV`);
    expect(lines[1]).toMatch(/^ {2}mu_std \(spread over scans\): median \S+, largest \S+ at \S+ eV$/);
    expect(lines.slice(2)).toEqual([`  * ${scans[0]}`, `    ${scans[1]}`, '']);
  });

  it('--out FILE: energy, mu, mu_std and a header naming the scans; readable again', async () => {
    const out = join(tmp.dir, 'merged', 'fe_merged.dat');
    const r = await xafs('merge', ...scans, '--out', out);
    expect(r.err).toBe(`xafs: wrote ${out}\n`);
    const f = readOutFile(out);
    expect(f.header.slice(0, 4)).toEqual([
      `# xafs 0.1.0 merge: mean of 2 scans (Larch merge_groups: cubic interpolation onto the grid of ${scans[0]}, trimmed to the shortest scan)`,
      `# scan 1: ${scans[0]}`,
      `# scan 2: ${scans[1]}`,
      '# mu_std: population standard deviation of μ over the scans',
    ]);
    expect(f.columns.map((c) => c.name)).toEqual(['energy', 'mu', 'mu_std']);
    expect(f.rows).toHaveLength(492);
    // the merged file is an ordinary column file: truncate reads it back
    const t = onlyJson(await xafs('truncate', out, '--emin', '7100', '--emax', '7200', '--json'));
    expect(t.spectra[0].energy.every((e: number) => e >= 7100 && e <= 7200)).toBe(true);
  });

  it('refuses scans that do not overlap, a single scan and a master out of range', async () => {
    expectRefused(await xafs('merge', FOIL, FE_EDGE), `xafs: the scans do not overlap: ${FE_EDGE} ends at 7600.00 eV but ${FOIL} starts at 8800.00 eV; merge repeated scans of the same edge\n`);
    expectRefused(await xafs('merge', FOIL), `xafs: merge needs at least 2 scans, got 1 (${FOIL})\n`);
    expectRefused(await xafs('merge', ...scans, '--master', '3'), 'xafs: --master 3: there are only 2 scans\n');
    expectRefused(await xafs('merge', ...scans, '--kind', 'quadratic'), `xafs: option '--kind <kind>' argument 'quadratic' is invalid. Allowed choices are cubic, linear.\n${USAGE}`);
  });
});

describe('xafs deglitch', () => {
  it('finds the glitch automatically (the default) and reports it', async () => {
    const r = await xafs('deglitch', SPIKY);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^.*spiky\\.dat: removed 1 of 1600 points \\(auto threshold 8; largest score kept \\d\\.\\d\\)\n {5}9150\\.00 eV {2}mu {5}1\\.\\d{5} {2}spike score \\d+\\.\\d\n$`));
  });

  it('--json: every removed point with its energy, value, reason and score, and the arrays', async () => {
    const doc = onlyJson(await xafs('deglitch', SPIKY, '--json'));
    const s = doc.spectra[0];
    expect(Object.keys(s)).toEqual(['source', 'auto', 'threshold', 'maxScoreKept', 'removed', 'nRemoved', 'npts', 'energy', 'mu', 'warnings']);
    expect(s.removed).toHaveLength(1);
    expect(s.removed[0]).toMatchObject({ index: 700, energy: 9150, mu: Number((cuMu(9150) + 0.05).toFixed(9)), reason: 'auto' });
    expect(s.removed[0].score).toBeGreaterThan(8);
    expect(s.npts).toBe(1599);
    expect(s.energy).not.toContain(9150);
  });

  it('--at and --range remove exactly the points asked for (auto off)', async () => {
    const doc = onlyJson(await xafs('deglitch', SPIKY, '--at', '9000.2', '--range', '9100:9101', '--json'));
    const s = doc.spectra[0];
    expect(s.auto).toBe(false);
    expect(s.threshold).toBe(null);
    expect(s.removed.map((p: { energy: number; reason: string }) => [p.energy, p.reason])).toEqual([
      [9000, 'at'],
      [9100, 'range'],
      [9100.5, 'range'],
      [9101, 'range'],
    ]);
  });

  it('--out: the header lists every removed point', async () => {
    const out = join(tmp.dir, 'spiky.deglitched.dat');
    await xafs('deglitch', SPIKY, '--out', out);
    const f = readOutFile(out);
    expect(f.header[1]).toMatch(/^# removed 1 point: 9150\.00 eV \(spike score \d+\.\d\)$/);
    expect(f.rows).toHaveLength(1599);
  });

  it('refuses malformed ranges and energies outside the data', async () => {
    expectRefused(await xafs('deglitch', SPIKY, '--range', '9100'), `xafs: option '--range' expects two energies E1:E2 in eV (e.g. 9010:9015), got '9100'\n${USAGE}`);
    expectRefused(await xafs('deglitch', SPIKY, '--at', '12000'), `xafs: ${SPIKY}: --at 12000 eV is outside the data (8800.00–9599.50 eV)\n`);
    expectRefused(await xafs('deglitch', SPIKY, '--threshold', '0'), `xafs: option '--threshold' expects a number > 0, got '0'\n${USAGE}`);
  });
});

describe('xafs rebin', () => {
  it('--json matches Larch rebin_xafs on a quick scan (3464 points onto 471)', async () => {
    const r = await xafs('rebin', APS, '--mu', 'ln(io/it)', '--json');
    expect(r.err).toBe(APS_DUPS);
    const doc = onlyJson(r);
    const s = doc.spectra[0];
    expect(Object.keys(s)).toEqual(['source', 'e0', 'method', 'grid', 'segments', 'nInput', 'npts', 'emptyBins', 'energy', 'mu', 'deltaMu', 'counts', 'warnings']);
    const c = LARCH_REBIN.aps10bm_centroid;
    expect(s.e0).toBe(c.e0);
    expect(s.energy).toEqual(c.energy);
    expect(maxRel(s.mu, c.mu)).toBeLessThan(1e-14);
    expect(s.nInput).toBe(3464);
    expect(s.npts).toBe(471);
    expect(s.counts.reduce((a: number, b: number) => a + b, 0)).toBe(3463);
  });

  it('--method boxcar and the grid options reach rebin_xafs', async () => {
    const boxcar = onlyJson(await xafs('rebin', APS, '--mu', 'ln(io/it)', '--method', 'boxcar', '--json')).spectra[0];
    expect(maxRel(boxcar.mu, LARCH_REBIN.aps10bm_boxcar.mu)).toBeLessThan(1e-14);
    const custom = onlyJson(await xafs('rebin', APS, '--mu', 'ln(io/it)', '--pre-step', '5', '--xanes-step', '0.5', '--exafs-kstep', '0.1', '--exafs1', '20', '--json')).spectra[0];
    expect(custom.energy).toEqual(LARCH_REBIN.aps10bm_custom.energy);
    expect(maxRel(custom.mu, LARCH_REBIN.aps10bm_custom.mu)).toBeLessThan(1e-14);
  });

  it('empty bins: delta_mu null in --json, NaN in --out, with a warning', async () => {
    const r = await xafs('rebin', `${FE_PRJ}#Fe_foil_500msec_qxafs_PinDiode.001`, '--pre-step', '3', '--json');
    const s = onlyJson(r).spectra[0];
    expect(s.emptyBins).toBe(38);
    expect(s.deltaMu.filter((v: number | null) => v === null)).toHaveLength(38);
    expect(r.err).toContain('38 of 181 bins hold no data point');
    const out = join(tmp.dir, 'pin.rebinned.dat');
    await xafs('rebin', `${FE_PRJ}#Fe_foil_500msec_qxafs_PinDiode.001`, '--pre-step', '3', '--out', out);
    const f = readOutFile(out);
    expect(f.columns.map((c) => c.name)).toEqual(['energy', 'mu', 'delta_mu', 'npts']);
    expect(f.header[0]).toBe(`# xafs 0.1.0 rebin ${FE_PRJ}#Fe_foil_500msec_qxafs_PinDiode.001: 406 points onto 181 (Larch rebin_xafs, centroid, e0 7110.648411 eV)`);
    expect(f.rows.filter((row) => Number.isNaN(row[2]))).toHaveLength(38);
  });

  it('refuses a grid finer than the data (exit 2)', async () => {
    expectRefused(
      await xafs('rebin', fixture('spectra/cu_metal_rt.xdi'), '--mu', 'mutrans'),
      `xafs: ${fixture('spectra/cu_metal_rt.xdi')}: the rebin grid is finer than the data: pre-edge 85 grid points for 17 data points (e0 = 8980.50 eV); pass a larger --pre-step\n`,
    );
    expectRefused(await xafs('rebin', APS, '--mu', 'ln(io/it)', '--exafs-kstep', '0'), `xafs: option '--exafs-kstep' expects a number > 0, got '0'\n${USAGE}`);
  });
});

describe('xafs truncate', () => {
  it('keeps emin ≤ E ≤ emax (absolute) and says what it removed', async () => {
    const r = await xafs('truncate', FOIL, '--emin', '8900', '--emax', '8901');
    expect(r.out).toBe(`${FOIL}: kept 5 points in 8900.00–8901.00 eV; removed 400 below, 2396 above\n`);
  });

  it('--relative --json, and --out with the range in the header', async () => {
    const doc = onlyJson(await xafs('truncate', FOIL, '--emin', '-1', '--emax', '1', '--relative', '--json'));
    expect(doc.spectra[0]).toEqual({ source: FOIL, emin: 8978, emax: 8980, e0: 8979, removedBelow: 712, removedAbove: 2080, npts: 9, energy: [8978, 8978.25, 8978.5, 8978.75, 8979, 8979.25, 8979.5, 8979.75, 8980], mu: doc.spectra[0].mu });
    const out = join(tmp.dir, 'cut.dat');
    await xafs('truncate', FOIL, '--emin', '-1', '--emax', '1', '--relative', '--out', out);
    expect(readOutFile(out).header[1]).toBe('# kept 8978.00–8980.00 eV (e0−1.0 to e0+1.0 eV, e0 = 8979.00 eV): removed 712 points below and 2080 above');
  });

  it('refuses no limits, --e0 without --relative and ranges that keep nothing', async () => {
    expectRefused(await xafs('truncate', FOIL), 'xafs: truncate needs --emin, --emax or both\n');
    expectRefused(await xafs('truncate', FOIL, '--emin', '-10', '--e0', '8979'), 'xafs: --e0 applies with --relative (limits relative to e0)\n');
    expectRefused(await xafs('truncate', FOIL, '--emin', '9600'), `xafs: ${FOIL}: 0 points between 9600.00 and inf eV; the data span 8800.00–9500.00 eV\n`);
  });
});

describe('several spectra', () => {
  it('--out PATH is a folder when there are several spectra', async () => {
    const dir = join(tmp.dir, 'many');
    const r = await xafs('truncate', FE_PRJ, '--emin', '7100', '--emax', '7200', '--out', dir);
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `xafs: wrote ${['Fe_foil_500msec_stepscan.001', 'Fe_foil_250msec_qxafs.001', 'Fe_foil_250msec_qxafs.002', 'Fe_foil_500msec_qxafs_PinDiode.001'].map((g) => join(dir, `FeFoil_QXAFS_Compare_${g}.truncated.dat`)).join(', ')}\n`,
    );
  });
});
