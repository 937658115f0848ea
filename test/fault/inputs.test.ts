// Inputs that used to stop a whole run: dangling and looping symbolic links in an input folder or
// glob (one error row in a batch, one skipped input with a warning in edge and lcf), an Athena
// project among batch files (every μ(E) group is a row, as xafs edge reads them), and a series
// file with CR-only line ends (read as the whole-file reader reads it).
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBatchRecipe } from '../../src/series/batch/recipe.js';
import { runBatch } from '../../src/series/batch/run.js';
import { fixture, xafs } from '../cli/helpers.js';
import { SERIES, tempDir, writeColumns, writeFiles, writeRecipe } from '../series/batch/helpers.js';

/** CSV rows after the header, as cells (no quoted commas in these tables). */
function csvRows(dir: string): string[][] {
  return readFileSync(join(dir, 'results.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
}

/** spectra/ with 3 good files, a dangling link and a link loop named like data files. */
function folderWithBadLinks(): { dir: string; spectra: string } {
  const dir = tempDir('links');
  const spectra = writeFiles(dir, 3);
  symlinkSync(join(spectra, 'gone.dat'), join(spectra, 'fe_0001b.dat')); // dangling: sorts between fe_0001 and fe_0002
  symlinkSync(join(spectra, 'loop_b.dat'), join(spectra, 'loop_a.dat'));
  symlinkSync(join(spectra, 'loop_a.dat'), join(spectra, 'loop_b.dat'));
  return { dir, spectra };
}

const DANGLING = (target: string) => `a dangling symbolic link (its target '${target}' does not exist)`;
const LOOP = 'a symbolic link that loops (it points back to itself through links)';

describe('unreadable entries of an input folder or glob', () => {
  for (const pattern of ['spectra', 'spectra/*.dat']) {
    it(`xafs batch files '${pattern}': each bad link is one error row in its place, the others are analysed (exit 1)`, async () => {
      const { dir, spectra } = folderWithBadLinks();
      const recipe = writeRecipe(dir, { files: pattern }, {}, 'links.recipe.json');
      const out = join(dir, `out-${pattern.replace(/\W/g, '')}`);
      const r = await xafs('batch', recipe, '--out', out, '--jobs', '1');
      expect(r.code).toBe(1);
      expect(r.err).not.toMatch(/internal error/);
      const rows = csvRows(out);
      expect(rows.map((c) => [c[0], c[1], c[2]])).toEqual([
        ['0', 'spectra/fe_0000.dat', 'ok'],
        ['1', 'spectra/fe_0001.dat', 'ok'],
        ['2', 'spectra/fe_0001b.dat', 'error'],
        ['3', 'spectra/fe_0002.dat', 'ok'],
        ['4', 'spectra/loop_a.dat', 'error'],
        ['5', 'spectra/loop_b.dat', 'error'],
      ]);
      expect(rows[2]![3]).toBe(`spectra/fe_0001b.dat: cannot be read: ${DANGLING(join(spectra, 'gone.dat'))}`);
      expect(rows[4]![3]).toBe(`spectra/loop_a.dat: cannot be read: ${LOOP}`);
      // the good rows are those of a batch over the good files alone
      const clean = tempDir('links-clean');
      writeFiles(clean, 3);
      const ref = join(clean, 'out');
      await runBatch(loadBatchRecipe(writeRecipe(clean, { files: 'spectra' })), { jobs: 1, out: ref });
      expect([rows[0], rows[1], rows[3]].map((c) => c!.slice(2))).toEqual(csvRows(ref).map((c) => c.slice(2)));
    });
  }

  it('xafs edge DIR and xafs lcf DIR skip the bad links with a warning each and analyse the rest', async () => {
    const { spectra } = folderWithBadLinks();
    const e = await xafs('edge', spectra, '--method', 'half', '--json');
    expect(e.code).toBe(0);
    const warnings = [
      `xafs: warning: ${join(spectra, 'fe_0001b.dat')}: skipped: ${DANGLING(join(spectra, 'gone.dat'))}\n`,
      `xafs: warning: ${join(spectra, 'loop_a.dat')}: skipped: ${LOOP}\n`,
      `xafs: warning: ${join(spectra, 'loop_b.dat')}: skipped: ${LOOP}\n`,
    ];
    for (const w of warnings) expect(e.err).toContain(w);
    const sources = (JSON.parse(e.out) as { samples: { source: string }[] }).samples.map((s) => s.source);
    expect(sources).toEqual([0, 1, 2].map((j) => join(spectra, `fe_000${j}.dat`)));
    // the same numbers as edge over the good files named one by one
    const one = await xafs('edge', ...sources, '--method', 'half', '--json');
    expect(e.out).toBe(one.out);

    const l = await xafs('lcf', spectra, '--standard', join(SERIES, 'fe_ref_FeO.xdi'), '--standard', join(SERIES, 'fe_ref_Fe2O3.xdi'), '--json');
    expect(l.code).toBe(0);
    for (const w of warnings) expect(l.err).toContain(w);
    const l1 = await xafs('lcf', ...sources, '--standard', join(SERIES, 'fe_ref_FeO.xdi'), '--standard', join(SERIES, 'fe_ref_Fe2O3.xdi'), '--json');
    expect(l.out).toBe(l1.out);
  });
});

describe('xafs batch files: Athena projects', () => {
  it('every μ(E) group of a .prj is a row FILE#GROUP, with the numbers xafs edge gives each group', async () => {
    const dir = tempDir('prj');
    mkdirSync(join(dir, 'data'));
    copyFileSync(fixture('athena/fe_athena.prj'), join(dir, 'data', 'fe_athena.prj'));
    copyFileSync(join(writeFiles(dir, 1), 'fe_0000.dat'), join(dir, 'data', 'z_scan.dat'));
    const recipe = join(dir, 'prj.recipe.json');
    writeFileSync(recipe, JSON.stringify({ inputs: { files: 'data/*' }, edge: { methods: ['half'] } }));
    const out = join(dir, 'out');
    const s = await runBatch(loadBatchRecipe(recipe), { jobs: 1, out });
    expect(s).toMatchObject({ total: 4, ok: 4, failed: 0 });
    const rows = csvRows(out);
    expect(rows.map((c) => c[1])).toEqual(['data/fe_athena.prj#fe2o3_rt1.xmu', 'data/fe_athena.prj#fe3c_rt.xdi', 'data/fe_athena.prj#feo_rt1.xmu', 'data/z_scan.dat']);
    const header = readFileSync(join(out, 'results.csv'), 'utf8').split('\n')[0]!.split(',');
    const col = header.indexOf('e0_half');
    expect(col).toBeGreaterThan(3);
    const e = JSON.parse((await xafs('edge', join(dir, 'data', 'fe_athena.prj'), '--method', 'half', '--json')).out) as { samples: { edges: { half: { energy: number } } }[] };
    const edgeHalf = e.samples.map((x) => x.edges.half.energy);
    expect(edgeHalf).toHaveLength(3);
    expect(rows.slice(0, 3).map((c) => Number(c[col]))).toEqual(edgeHalf);
  });
});

describe('xafs batch columns: line ends', () => {
  it('a series file with CR-only line ends gives the same results as with LF', async () => {
    const dir = tempDir('cr');
    mkdirSync(join(dir, 'lf'));
    mkdirSync(join(dir, 'cr'));
    const lf = writeColumns(join(dir, 'lf'), 70);
    writeFileSync(join(dir, 'cr', 'series.dat'), readFileSync(lf, 'utf8').replace(/\n/g, '\r'));
    const outs = [];
    for (const sub of ['lf', 'cr']) {
      const recipe = join(dir, sub, 'r.json');
      writeFileSync(recipe, JSON.stringify({ inputs: { columns: 'series.dat' }, edge: { methods: ['half', 'deriv-fit'] } }));
      const out = join(dir, sub, 'out');
      const s = await runBatch(loadBatchRecipe(recipe), { jobs: 1, out });
      expect(s).toMatchObject({ total: 70, ok: 70, failed: 0 });
      outs.push(readFileSync(join(out, 'results.csv'), 'utf8'));
    }
    expect(outs[1]).toBe(outs[0]);
    expect(Number(outs[0]!.split('\n')[1]!.split(',')[4])).toBeGreaterThan(7100);
  });
});
