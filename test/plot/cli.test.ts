// xafs plot and xafs report in-process: files written, exit status 2 with exact messages for
// figures asked of inputs that lack what they need.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, loadFitArrays, readResultsTable, trendPanels } from '../../src/plot/index.js';
import { CU, expectRefused, fixture, xafs } from '../cli/helpers.js';

const BATCH = fileURLToPath(new URL('./data/batch/', import.meta.url));
const CSV = join(BATCH, 'results.csv');
let tmp = '';
let fitDir = '';

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'xafs-plot-'));
  fitDir = join(tmp, 'cufit');
  const r = await xafs('fit', fixture('recipes/cu_foil.recipe.json'), '--out', fitDir);
  expect(r.code).toBe(0);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('xafs plot', () => {
  it('chir FILE --out fig.svg writes the SVG (nothing on stdout); without --out the SVG is stdout', async () => {
    const out = join(tmp, 'chir.svg');
    const r = await xafs('plot', 'chir', CU, '--kmin', '3', '--kmax', '14', '--window', 'hanning', '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toBe(`xafs: wrote ${out}\n`);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('>|χ(R)| (Å⁻³)</text>');
  });

  it('fit DIR: the fit in R read from the --out folder, the fit range of the recipe shaded', async () => {
    const f = loadFitArrays(fitDir);
    expect(f.space).toBe('r');
    expect(f.kweight).toBe(2);
    expect(f.window).toEqual([1.4, 3.0]);
    // the arrays are the ones written: |χ(R)| of the data peaks near R = 2.2 Å for Cu metal
    let im = 0;
    for (let i = 1; i < f.x.length; i++) if (f.data[i]! > f.data[im]!) im = i;
    expect(f.x[im]).toBeGreaterThan(2.0);
    expect(f.x[im]).toBeLessThan(2.4);
    const r = await xafs('plot', 'fit', fitDir, '--space', 'k');
    expect(r.code).toBe(0);
    expect(r.out).toContain('>k²χ(k) (Å⁻²)</text>');
    expect(r.out).toContain('>residual</text>');
  });

  it('a fit result without arrays (xafs fit --json) is refused: pass the --out folder', async () => {
    const json = fixture('fitref/cu_foil.result.json');
    expectRefused(
      await xafs('plot', 'fit', json),
      `xafs: ${json} is a fit result without arrays (xafs fit --json): run xafs fit RECIPE --out DIR and pass DIR (or DIR/NAME.fit_r.dat) to plot the fit\n`,
    );
  });

  it('trends from a table without the column asked for: the columns it has', async () => {
    expectRefused(
      await xafs('plot', 'trends', CSV, '--y', 'cn_ru'),
      `xafs: ${CSV} has no column 'cn_ru'; its columns are: index, source, status, message, e0_half, e0_half_stderr, edge_step, valence, valence_stderr, lcf_FeO, lcf_FeO_stderr, lcf_Fe2O3, lcf_Fe2O3_stderr, lcf_rfactor, n_cu, n_cu_stderr, r_cu, r_cu_stderr, rfactor; pass --y with one of them\n`,
    );
  });

  it('an empty table (a header, no rows) and a figure without inputs are refused', async () => {
    const empty = join(tmp, 'empty.csv');
    writeFileSync(empty, 'index,source,status,message,valence,valence_stderr\n');
    expectRefused(await xafs('plot', 'trends', empty), `xafs: ${empty}: no successful row to plot (0 rows, none with status ok)\n`);
    expectRefused(await xafs('plot', 'xanes'), 'xafs: no input: pass one or more spectrum files\n');
  });

  it('an output that is neither .svg nor .png, and an unknown figure', async () => {
    expectRefused(await xafs('plot', 'xanes', CU, '--out', 'fig.pdf'), 'xafs: --out fig.pdf: the figure is written as .svg or .png; end the file name with one of them\n');
    const r = await xafs('plot', 'spectrogram', CU);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe('xafs: unknown figure \'spectrogram\': use xanes, deriv, valence, chik, chir, chiq, fit, wavelet, lcf, pca, stack, trends, corner');
  });

  it('a wavelet map beyond the data\'s k range is refused with the range there is', async () => {
    expectRefused(
      await xafs('plot', 'wavelet', CU, '--xmax', '25'),
      `xafs: ${CU}: the wavelet map cannot reach k = 25 Å⁻¹: χ(k) ends at k = 17.45 Å⁻¹; pass --xmax 17.45 or less\n`,
    );
  });

  it('--mu once per input: the foil in transmission and the sample in fluorescence in one figure', async () => {
    const sample = fixture('fits/cu_dualatom.xdi');
    const r = await xafs('plot', 'chik', CU, sample, '--mu', 'mutrans', '--mu', 'ifluor/i0');
    expect(r.code).toBe(0);
    expect(r.out).toContain('>cu_metal_rt</text>');
    expect(r.out).toContain('>cu_dualatom</text>');
    expectRefused(await xafs('plot', 'chik', CU, '--mu', 'mutrans', '--mu', 'ifluor/i0'), 'xafs: 2 --mu expressions for 1 inputs: give one --mu for all of them, or one per input in their order\n');
  });

  it('the default trends panels: valence, the LCF fractions together, each fitted parameter with an error', () => {
    const panels = trendPanels(readResultsTable(CSV));
    expect(panels.map((p) => p.title)).toEqual(['valence', 'LCF fraction', 'N (n_cu)', 'r_cu (Å)']);
    expect(panels[1]!.lines.map((l) => l.name)).toEqual(['FeO', 'Fe2O3']);
    // the failed row is an empty cell, not a zero
    expect(panels[0]!.lines[0]!.y).toEqual([2.1, 2.35, null, 2.7, 2.95]);
    // columns picked by name get the axis titles papers use, not the column names
    expect(trendPanels(readResultsTable(CSV), ['lcf_Fe2O3', 'e0_half', 'lcf_rfactor']).map((p) => p.title)).toEqual(['Fe2O3 fraction', 'edge (half, eV)', 'R-factor']);
  });
});

describe('xafs report', () => {
  it('a batch folder: summary, trends figure, results with errors, the failure, the recipe', async () => {
    const html = await buildReport(BATCH, { date: new Date('2026-01-02T03:04:05Z') });
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('data-report="batch"');
    expect(html).toContain(`· Node ${process.version} · 2026-01-02 03:04:05 UTC`);
    expect(html).toContain('<td>5</td><td>4</td><td>1</td>');
    expect(html.match(/<figure><svg/g)).toHaveLength(1);
    // valence 2.10 ± 0.02 folded with its standard error
    expect(html).toContain('<td>2.100 ± 0.020</td>');
    expect(html).toContain('<td>series.dat#s2</td><td>series.dat#s2: no absorption edge, the scan ends before e0</td>');
    expect(html).toContain('test fixture: a small batch results table');
    expect(html).not.toContain('<script');
  });

  it('a fit --json result: the tables with errors, a note on the missing figures; --out folder: three figures', async () => {
    const json = await buildReport(fixture('fitref/cu_foil.result.json'));
    expect(json).toContain('No figures: this result holds no arrays');
    expect(json).toMatch(/<td>Cu-Cu<\/td><td>feffcu01\.dat<\/td><td>12<\/td><td>2\.5\d+ ± 0\.00\d+<\/td>/);
    const out = join(tmp, 'fit.html');
    const r = await xafs('report', fitDir, '--out', out);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html.match(/<figure><svg/g)).toHaveLength(3);
    expect(html).toContain('<h2>Recipe</h2>');
    expect(existsSync(out)).toBe(true);
  });

  it('refuses a folder that is neither a fit nor a batch output', async () => {
    expectRefused(
      await xafs('report', tmp, '--out', join(tmp, 'x.html')),
      `xafs: ${tmp} is neither an xafs fit --out folder (result.json, NAME.fit_r.dat) nor an xafs batch --out folder (results.csv): pass one of them\n`,
    );
  });
});

describe('xafs plot against potential, wavelet options', () => {
  it('trends --x-file: x from a file mapping index → potential, the header as the axis title', async () => {
    const pot = join(tmp, 'potentials.csv');
    writeFileSync(pot, 'index,potential (V vs RHE)\n0,0.1\n1,0.2\n2,0.3\n3,0.4\n4,0.5\n');
    const r = await xafs('plot', 'trends', CSV, '--x-file', pot, '--y', 'valence');
    expect(r.code).toBe(0);
    expect(r.out).toContain('>potential (V vs RHE)</text>');
    // the failed row 2 is left out: the points sit at 0.1, 0.2, 0.4, 0.5
    const xs = [...r.out.matchAll(/aria-label="x: ([\d.]+); y: [\d.]+; s: valence"/g)].map((m) => Number(m[1]));
    expect(xs).toEqual([0.1, 0.2, 0.4, 0.5]);
  });

  it('trends --x potential on a table without it: the columns it has and --x-file', async () => {
    expectRefused(
      await xafs('plot', 'trends', CSV, '--x', 'potential'),
      `xafs: ${CSV} has no column 'potential'; its columns are: index, source, status, message, e0_half, e0_half_stderr, edge_step, valence, valence_stderr, lcf_FeO, lcf_FeO_stderr, lcf_Fe2O3, lcf_Fe2O3_stderr, lcf_rfactor, n_cu, n_cu_stderr, r_cu, r_cu_stderr, rfactor; pass --x with one of them, or --x-file FILE, a table with columns index,potential giving each spectrum's potential\n`,
    );
  });

  it('wavelet: --eta without --wavelet morlet is refused; --wavelet morlet --eta 10 --rmax-out 6 draws R up to 6 Å', async () => {
    expectRefused(await xafs('plot', 'wavelet', fixture('fits/cu_dualatom.chi'), '--eta', '10'), 'xafs: --eta and --sigma set the Morlet wavelet: add --wavelet morlet, or leave them out for the Cauchy wavelet\n');
    const r = await xafs('plot', 'wavelet', fixture('fits/cu_dualatom.chi'), '--wavelet', 'morlet', '--eta', '10', '--rmax-out', '6', '--kweight', '3');
    expect(r.code).toBe(0);
    expect(r.out).toContain('>R (Å)</text>');
    expect(r.out).toMatch(/maximum at k = [\d.]+ Å⁻¹, R = [\d.]+ Å/);
  });
});
