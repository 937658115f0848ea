// The batch engine end to end: results in input order and byte-identical for any number of
// workers; bad files become error rows (exit 1, summary); shards merge into the unsharded run;
// the bundled recipe's numbers against the series' known truth.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBatchRecipe } from '../../../src/series/batch/recipe.js';
import { runBatch } from '../../../src/series/batch/run.js';
import { mergeResults } from '../../../src/series/batch/merge.js';
import { csvCell } from '../../../src/series/batch/writer.js';
import { xafs } from '../../cli/helpers.js';
import { BIN, ROOT, SERIES, read, tempDir, writeColumns, writeFiles, writeRecipe } from './helpers.js';

const jsonl = (dir: string) =>
  readFileSync(join(dir, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe.skipIf(!existsSync(BIN))('xafs batch (workers run dist/: npm run build first)', () => {
  it('writes the rows in input order, byte-identical for --jobs 1, 2 and 3', async () => {
    const dir = tempDir('jobs');
    writeColumns(dir, 150); // 3 chunks (64, 64, 22)
    const recipe = loadBatchRecipe(writeRecipe(dir, { columns: 'series.dat' }));
    const outs = [];
    for (const jobs of [1, 2, 3]) {
      const out = join(dir, `out${jobs}`);
      const s = await runBatch(recipe, { jobs, out });
      expect(s).toMatchObject({ total: 150, ok: 150, failed: 0, out, interrupted: false });
      outs.push(out);
    }
    for (const out of outs.slice(1)) {
      expect(read(join(out, 'results.csv')).equals(read(join(outs[0]!, 'results.csv')))).toBe(true);
      expect(read(join(out, 'results.jsonl')).equals(read(join(outs[0]!, 'results.jsonl')))).toBe(true);
      expect(readFileSync(join(out, 'recipe.json'), 'utf8')).toBe(readFileSync(join(outs[0]!, 'recipe.json'), 'utf8'));
    }
    const rows = jsonl(outs[0]!);
    expect(rows[0]).toMatchObject({ xafs: expect.any(String), total: 150 });
    expect(rows.slice(1).map((r) => r.index)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(rows[1]!.source).toBe('series.dat#s00000');
    expect(rows[150]!.source).toBe('series.dat#s00149');
    const csv = readFileSync(join(outs[0]!, 'results.csv'), 'utf8').split('\n');
    expect(csv[0]).toBe('index,source,status,message,e0,edge_step,e0_deriv-fit,e0_deriv-fit_stderr,e0_half,e0_half_stderr,valence,valence_stderr,valence_edge,lcf_FeO,lcf_FeO_stderr,lcf_Fe2O3,lcf_Fe2O3_stderr,lcf_rfactor,lcf_chi2_reduced,lcf_eshift');
    expect(csv.length).toBe(152); // header, 150 rows, final newline
  }, 60_000);

  it('the bundled recipe recovers the known fractions and valences of fixtures/series', async () => {
    const dir = tempDir('truth');
    const s = await runBatch(loadBatchRecipe(join(ROOT, 'fixtures/batch/fe_series.recipe.json')), { jobs: 2, out: dir });
    expect(s).toMatchObject({ total: 200, ok: 200, failed: 0 });
    const truth = JSON.parse(readFileSync(join(SERIES, 'fe_series_truth.json'), 'utf8')) as { spectra: { fractions: { FeO: number; Fe2O3: number }; valence: number }[] };
    const rows = jsonl(dir).slice(1);
    let sumF = 0;
    let sumV = 0;
    for (const r of rows) {
      const t = truth.spectra[r.index as number]!;
      const f = r.lcf_Fe2O3 as number;
      // 0.2 % noise and 0.05 eV energy jitter, one common shift fitted (the default): fractions within
      // 0.01 (0.0068 seen; 0.03 without the shift), valence (half-height edge) within 0.08
      expect(Math.abs(f - t.fractions.Fe2O3)).toBeLessThan(0.01);
      expect((r.lcf_FeO as number) + f).toBeCloseTo(1, 12);
      expect(Math.abs((r.valence as number) - t.valence)).toBeLessThan(0.08);
      sumF += Math.abs(f - t.fractions.Fe2O3);
      sumV += Math.abs((r.valence as number) - t.valence);
    }
    expect(sumF / rows.length).toBeLessThan(0.01);
    expect(sumV / rows.length).toBeLessThan(0.03);
    // the series runs from FeO to Fe2O3: the table shows the trend
    expect(rows[0]!.valence as number).toBeLessThan(2.1);
    expect(rows[199]!.valence as number).toBeGreaterThan(2.9);
  }, 60_000);

  it('bad files become error rows; the others are fine; exit 1 with a summary', async () => {
    const dir = tempDir('bad');
    writeFiles(dir, 70, { 3: 'corrupt', 66: 'noedge' });
    const file = writeRecipe(dir, { files: 'spectra/*.dat' });
    const r = await xafs('batch', file, '--jobs', '2', '--out', join(dir, 'out'), '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ total: 70, ok: 68, failed: 2, out: join(dir, 'out') });
    const lines = r.err.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^xafs batch: 70 spectra: 68 ok, 2 failed, [0-9.]+ s → ${join(dir, 'out').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(lines[1]).toBe('  row 3: spectra/fe_0003.dat is a binary file, not text; export the scan as a text column file, XDI or Athena project');
    expect(lines[2]).toMatch(
      /^ {2}row 66: spectra\/fe_0066\.dat: no absorption edge found: the edge step \(\S+\) is negligible against the range of μ \(0\.0999\); check the μ expression \("mu" in the recipe, e\.g\. "ln\(i0\/itrans\)"\), or leave this spectrum out$/,
    );
    expect(lines.length).toBe(4);
    const rows = jsonl(join(dir, 'out')).slice(1);
    expect(rows.map((x) => x.status)).toEqual(rows.map((_, i) => (i === 3 || i === 66 ? 'error' : 'ok')));
    expect(rows[3]).toMatchObject({ source: 'spectra/fe_0003.dat', e0: null, valence: null, lcf_FeO: null });
    expect(rows[4]!.valence).toBeTypeOf('number');
    const csv = readFileSync(join(dir, 'out', 'results.csv'), 'utf8').split('\n');
    expect(csv[67]!.startsWith(`66,spectra/fe_0066.dat,error,${csvCell(rows[66]!.message as string)},,,`)).toBe(true);
  }, 60_000);

  it('shards 1/3, 2/3, 3/3 merge into the unsharded run, byte for byte', async () => {
    const dir = tempDir('shards');
    writeColumns(dir, 150);
    const recipe = loadBatchRecipe(writeRecipe(dir, { columns: 'series.dat' }));
    await runBatch(recipe, { jobs: 2, out: join(dir, 'all') });
    for (const i of [3, 1, 2]) {
      const s = await runBatch(recipe, { jobs: 2, out: join(dir, `s${i}`), shard: `${i}/3` });
      // 3 chunks: one each
      expect(s.range).toEqual([[0, 64], [64, 128], [128, 150]][i - 1]);
    }
    const r = await xafs('merge-results', join(dir, 's2'), join(dir, 's3'), join(dir, 's1'), '--out', join(dir, 'merged'));
    expect(r.code).toBe(0);
    for (const f of ['results.csv', 'results.jsonl', 'recipe.json']) expect(read(join(dir, 'merged', f)).equals(read(join(dir, 'all', f)))).toBe(true);
    // a missing shard, an overlap and a different recipe are refused, naming them
    expect(() => mergeResults([join(dir, 's1'), join(dir, 's3')], { out: join(dir, 'm2') })).toThrow(`rows 64–127 are missing: no shard covers them (before ${join(dir, 's3')} (shard 3/3)); add that shard's folder`);
    expect(() => mergeResults([join(dir, 's1'), join(dir, 'all')], { out: join(dir, 'm3') })).toThrow(`${join(dir, 'all')} (unsharded) overlaps the shard before it (rows 0–63 twice): give each shard once`);
    const other = loadBatchRecipe(writeRecipe(dir, { columns: 'series.dat' }, { edge: { methods: ['half'] } }, 'other.json'));
    await runBatch(other, { jobs: 1, out: join(dir, 'o2'), shard: '2/3' });
    expect(() => mergeResults([join(dir, 's1'), join(dir, 'o2')], { out: join(dir, 'm4') })).toThrow(`${join(dir, 'o2')} (shard 2/3) was made by another recipe (or xafs version, or input count) than ${join(dir, 's1')} (shard 1/3): compare their recipe.json`);
  }, 60_000);

  it('refuses to overwrite results without --force, and --resume with a changed recipe', async () => {
    const dir = tempDir('refuse');
    writeColumns(dir, 10);
    const file = writeRecipe(dir, { columns: 'series.dat' });
    const out = join(dir, 'out');
    expect((await xafs('batch', file, '--out', out, '--jobs', '1')).code).toBe(0);
    const again = await xafs('batch', file, '--out', out);
    expect(again.code).toBe(2);
    expect(again.err).toBe(`xafs: ${out} already holds results (results.csv): pass --resume to continue that run, --force to replace it, or choose another --out\n`);
    const changed = JSON.parse(readFileSync(file, 'utf8')) as { edge: { methods: string[] } };
    changed.edge.methods = ['half'];
    writeFileSync(file, JSON.stringify(changed));
    const r = await xafs('batch', file, '--out', out, '--resume');
    expect(r.code).toBe(2);
    expect(r.err).toBe(`xafs: cannot resume in ${out}: its recipe.json differs from ${file} as it is now (recipe, input count or xafs version changed); run without --resume into another folder, or restore the recipe\n`);
  }, 60_000);

  it('pca and mcr over the series: two components, MCR concentrations near the known fractions', async () => {
    const dir = tempDir('pca');
    writeFileSync(join(dir, 'r.json'), JSON.stringify({ inputs: { columns: join(SERIES, 'fe_series.dat') }, pca: {}, mcr: { ncomps: 2 } }));
    const s = await runBatch(loadBatchRecipe(join(dir, 'r.json')), { jobs: 2, out: join(dir, 'out') });
    expect(s).toMatchObject({ total: 200, ok: 200 });
    const pca = JSON.parse(readFileSync(join(dir, 'out', 'pca.json'), 'utf8')) as { ncomponents: number; spectra: number };
    expect(pca).toMatchObject({ ncomponents: 2, spectra: 200 });
    const mcr = JSON.parse(readFileSync(join(dir, 'out', 'mcr.json'), 'utf8')) as { concentrations: { source: string; values: number[] }[]; converged: boolean };
    expect(mcr.converged).toBe(true);
    const truth = JSON.parse(readFileSync(join(SERIES, 'fe_series_truth.json'), 'utf8')) as { spectra: { fractions: { Fe2O3: number } }[] };
    // SIMPLISMA picks the purest spectra: the first component is the FeO end, the second Fe2O3
    mcr.concentrations.forEach((c, i) => expect(Math.abs(c.values[1]! - truth.spectra[i]!.fractions.Fe2O3)).toBeLessThan(0.05));
  }, 60_000);
});
