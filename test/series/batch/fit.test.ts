// The per-spectrum EXAFS fit of a batch (recipe "fit"): the first spectrum of a chunk gives the
// numbers of `xafs fit` on the same data; the next ones start from the previous best fit; a
// spectrum the fit cannot use becomes an error row.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitRecipe } from '../../../src/fit/run.js';
import { loadBatchRecipe } from '../../../src/series/batch/recipe.js';
import { runBatch } from '../../../src/series/batch/run.js';
import { BIN, ROOT, read, tempDir } from './helpers.js';

const CU = join(ROOT, 'fixtures/spectra/cu_metal_rt.xdi');
const FOIL = join(ROOT, 'fixtures/recipes/cu_foil.recipe.json');

describe.skipIf(!existsSync(BIN))('batch fit', () => {
  it('fits every spectrum: row 0 equals xafs fit; warm starts agree; a short scan is an error row', async () => {
    const dir = tempDir('fit');
    mkdirSync(join(dir, 'spectra'));
    for (let i = 0; i < 4; i++) copyFileSync(CU, join(dir, 'spectra', `cu_${i}.xdi`));
    // a scan that stops at k ≈ 9 Å⁻¹: the fit's kmax of 17 Å⁻¹ is beyond it
    const lines = readFileSync(CU, 'utf8').split('\n');
    writeFileSync(join(dir, 'spectra', 'cu_4.xdi'), lines.filter((l) => l.startsWith('#') || !l.trim() || Number(l.trim().split(/\s+/)[0]) < 9290).join('\n'));
    const foil = JSON.parse(readFileSync(FOIL, 'utf8')) as { datasets: Record<string, unknown>[] };
    const ds = foil.datasets[0]!;
    delete ds.file;
    delete ds.mu;
    delete ds.autobk;
    ds.paths = (ds.paths as { feff: string }[]).map((p) => ({ ...p, feff: join(ROOT, 'fixtures/recipes', p.feff) }));
    writeFileSync(join(dir, 'fit.json'), JSON.stringify(foil));
    writeFileSync(join(dir, 'batch.json'), JSON.stringify({ inputs: { files: 'spectra/*.xdi' }, mu: 'mutrans', process: { autobk: { rbkg: 1, kweight: 2 } }, fit: 'fit.json', outputs: { arrays: true } }));
    const recipe = loadBatchRecipe(join(dir, 'batch.json'));
    const s = await runBatch(recipe, { jobs: 2, out: join(dir, 'out') });
    expect(s).toMatchObject({ total: 5, ok: 4, failed: 1 });
    const rows = readFileSync(join(dir, 'out', 'results.jsonl'), 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as Record<string, number | string | null>);
    const ref = fitRecipe(FOIL);
    for (const name of ['amp', 'del_e0', 'del_r', 'sig2']) {
      expect(rows[0]![name]).toBeCloseTo(ref.params[name]!.value, 12);
      expect(rows[0]![`${name}_stderr`]).toBeCloseTo(ref.params[name]!.stderr!, 12);
      // the same data from the previous best fit: the same minimum
      for (const r of rows.slice(1, 4)) expect(Math.abs((r[name] as number) - ref.params[name]!.value)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref.params[name]!.value)));
    }
    expect(rows[0]!.rfactor).toBeCloseTo(ref.statistics.rfactor, 12);
    expect(rows[4]).toMatchObject({ status: 'error', source: 'spectra/cu_4.xdi', amp: null });
    expect(rows[4]!.message).toMatch(/^spectra\/cu_4\.xdi: fit: /);
    // arrays: norm, χ(k) per spectrum
    expect(readFileSync(join(dir, 'out', 'arrays', '000000.chik.dat'), 'utf8').split('\n').slice(0, 2)).toEqual(['# spectra/cu_0.xdi', '# k chi']);
    // in-thread and workers agree
    await runBatch(recipe, { jobs: 1, out: join(dir, 'out1') });
    expect(read(join(dir, 'out1', 'results.csv')).equals(read(join(dir, 'out', 'results.csv')))).toBe(true);
  }, 60_000);

  it('globalFit: one feffit over every spectrum, E0 per spectrum, the rest shared', async () => {
    const dir = tempDir('global');
    mkdirSync(join(dir, 'spectra'));
    for (let i = 0; i < 3; i++) copyFileSync(CU, join(dir, 'spectra', `cu_${i}.xdi`));
    const foil = JSON.parse(readFileSync(FOIL, 'utf8')) as { datasets: Record<string, unknown>[] };
    const ds = foil.datasets[0]!;
    delete ds.file;
    ds.paths = (ds.paths as { feff: string }[]).map((p) => ({ ...p, feff: join(ROOT, 'fixtures/recipes', p.feff) }));
    writeFileSync(join(dir, 'fit.json'), JSON.stringify(foil));
    writeFileSync(join(dir, 'batch.json'), JSON.stringify({ inputs: { files: 'spectra/*.xdi' }, mu: 'mutrans', process: { autobk: { rbkg: 1, kweight: 2 } }, globalFit: { recipe: 'fit.json', perSpectrum: ['del_e0'] } }));
    const s = await runBatch(loadBatchRecipe(join(dir, 'batch.json')), { jobs: 1, out: join(dir, 'out') });
    expect(s).toMatchObject({ total: 3, ok: 3, failed: 0 });
    const g = JSON.parse(readFileSync(join(dir, 'out', 'globalfit.json'), 'utf8')) as { spectra: number; shared: Record<string, { value: number }>; perSpectrum: Record<string, unknown>[]; statistics: { nvarys: number } };
    const ref = fitRecipe(FOIL);
    // three copies of one spectrum: the same best fit as the single fit
    expect(g.spectra).toBe(3);
    expect(g.statistics.nvarys).toBe(6); // amp, del_r, sig2 + 3 × del_e0
    for (const name of ['amp', 'del_r', 'sig2']) expect(g.shared[name]!.value).toBeCloseTo(ref.params[name]!.value, 6);
    for (const p of g.perSpectrum) expect((p.del_e0 as { value: number }).value).toBeCloseTo(ref.params.del_e0!.value, 5);
    expect(g.perSpectrum.map((p) => p.source)).toEqual(['spectra/cu_0.xdi', 'spectra/cu_1.xdi', 'spectra/cu_2.xdi']);
  }, 60_000);
});
