// xafs watch: rows equal to the batch's for the same files, in order of arrival, complete files
// only (.part renamed into place, a slow writer, temporary names ignored), restart resumes,
// --once, running averages.
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeGroups } from '../../../src/series/merge.js';
import { loadBatchRecipe } from '../../../src/series/batch/recipe.js';
import { runBatch } from '../../../src/series/batch/run.js';
import { watchFolder } from '../../../src/series/batch/watch.js';
import { loadOne } from '../../../src/xanes/inputs.js';
import { expectRefused, fixture, xafs } from '../../cli/helpers.js';

const series = loadOne(fixture('series/fe_series.dat'), { series: true });

/** Spectrum j of the fixture series as a small 2-column file (energy, mu). */
function scanText(j: number): string {
  const s = series[j]!;
  let t = `# scan ${j} of fixtures/series/fe_series.dat\n# energy mu\n`;
  for (let i = 0; i < s.energy.length; i++) t += `${s.energy[i]} ${s.mu[i]}\n`;
  return t;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(): { root: string; scans: string; recipe: string } {
  const root = mkdtempSync(join(tmpdir(), 'xafs-watch-'));
  dirs.push(root);
  const scans = join(root, 'scans');
  mkdirSync(scans);
  const recipe = join(root, 'fe.recipe.json');
  writeFileSync(recipe, JSON.stringify({ inputs: { files: 'scans/*.xdi' }, edge: { methods: ['half'] } }));
  return { root, scans, recipe };
}

/** The CSV rows (after the header) of a results folder, each as its cells. */
function rows(dir: string): string[][] {
  const lines = readFileSync(join(dir, 'results.csv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => l.split(','));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string, ms = 8000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('xafs watch', () => {
  it('--once processes what is there, as xafs batch does, and a restart skips it', async () => {
    const { root, scans, recipe } = setup();
    for (const j of [2, 0, 1]) writeFileSync(join(scans, `fe_${j}.xdi`), scanText(j));
    writeFileSync(join(scans, '.hidden.xdi'), scanText(3));
    writeFileSync(join(scans, 'notes.txt'), 'not a scan');
    const r = loadBatchRecipe(recipe);
    const s = await watchFolder(scans, r, { once: true, out: join(root, 'watch'), interval: 20 });
    expect(s).toMatchObject({ processed: 3, ok: 3, failed: 0, skipped: 0 });
    await runBatch(r, { jobs: 1, out: join(root, 'batch') });
    const w = rows(join(root, 'watch'));
    const b = rows(join(root, 'batch'));
    expect(w.map((c) => c[1])).toEqual(['fe_0.xdi', 'fe_1.xdi', 'fe_2.xdi']);
    // the same numbers, whatever the source naming (batch: relative to the recipe)
    expect(w.map((c) => [c[0], ...c.slice(2)])).toEqual(b.map((c) => [c[0], ...c.slice(2)]));
    expect(Number(w[0]![4])).toBeGreaterThan(7100);

    writeFileSync(join(scans, 'fe_3.xdi'), scanText(3));
    const again = await watchFolder(scans, r, { once: true, out: join(root, 'watch'), interval: 20 });
    expect(again).toMatchObject({ processed: 1, skipped: 3 });
    expect(rows(join(root, 'watch')).map((c) => c.slice(0, 3))).toEqual([
      ['0', 'fe_0.xdi', 'ok'],
      ['1', 'fe_1.xdi', 'ok'],
      ['2', 'fe_2.xdi', 'ok'],
      ['3', 'fe_3.xdi', 'ok'],
    ]);
  });

  it('takes new files in order of arrival, complete ones only, until stopped', async () => {
    const { root, scans, recipe } = setup();
    writeFileSync(join(scans, 'z_first.xdi'), scanText(0));
    const ac = new AbortController();
    const out = join(root, 'out');
    const seen: string[] = [];
    const running = watchFolder(scans, loadBatchRecipe(recipe), { out, interval: 40, settle: 500, signal: ac.signal, onRow: (row) => seen.push(row.source) });
    await until(() => seen.length === 1, 'the file already there');

    // written as .part, renamed into place
    writeFileSync(join(scans, 'm_second.xdi.part'), scanText(1));
    writeFileSync(join(scans, 'm_junk.tmp'), 'half a scan');
    await sleep(100);
    expect(seen).toEqual(['z_first.xdi']);
    renameSync(join(scans, 'm_second.xdi.part'), join(scans, 'm_second.xdi'));
    await until(() => seen.length === 2, 'the renamed file');

    // written slowly: no row while it grows
    const text = scanText(2);
    const slow = join(scans, 'a_third.xdi');
    writeFileSync(slow, text.slice(0, 2000));
    for (let k = 2000; k < text.length; k += 4000) {
      await sleep(50);
      expect(seen.length).toBe(2);
      appendFileSync(slow, text.slice(k, k + 4000));
    }
    await until(() => seen.length === 3, 'the slow file');
    ac.abort();
    const s = await running;
    expect(s).toMatchObject({ processed: 3, ok: 3, failed: 0 });
    expect(seen).toEqual(['z_first.xdi', 'm_second.xdi', 'a_third.xdi']);
    expect(rows(out).map((c) => c.slice(0, 3))).toEqual([
      ['0', 'z_first.xdi', 'ok'],
      ['1', 'm_second.xdi', 'ok'],
      ['2', 'a_third.xdi', 'ok'],
    ]);
  });

  it('a file that grows again after it was analysed (a writer paused longer than settle) is analysed again; the newer row supersedes, also after a restart', async () => {
    const { root, scans, recipe } = setup();
    const r = loadBatchRecipe(recipe);
    const text = scanText(2);
    const cut = text.indexOf('\n', text.length >> 1) + 1;
    const file = join(scans, 'fe_2.xdi');
    writeFileSync(file, text.slice(0, cut));
    const ac = new AbortController();
    const out = join(root, 'out');
    const seen: string[] = [];
    const running = watchFolder(scans, r, { out, interval: 20, settle: 60, signal: ac.signal, onRow: (row) => seen.push(row.source) });
    await until(() => seen.length === 1, 'the first half');
    appendFileSync(file, text.slice(cut));
    await until(() => seen.length === 2, 'the completed file');
    ac.abort();
    expect(await running).toMatchObject({ processed: 2 });
    // the reference: the complete file, analysed once in a fresh folder
    const fresh = join(root, 'fresh');
    mkdirSync(fresh);
    writeFileSync(join(fresh, 'fe_2.xdi'), text);
    await watchFolder(fresh, r, { once: true, out: join(root, 'ref'), interval: 20 });
    const ref = rows(join(root, 'ref'))[0]!;
    const got = rows(out);
    expect(got.map((c) => c.slice(0, 2))).toEqual([
      ['0', 'fe_2.xdi'],
      ['1', 'fe_2.xdi'],
    ]);
    expect(got[1]![2]).toBe('ok');
    expect(got[1]![3]).toBe(`re-analysed: the file changed after row 0 was made from it (${Buffer.byteLength(text.slice(0, cut))} → ${Buffer.byteLength(text)} bytes); this row supersedes row 0`);
    expect(got[1]!.slice(4)).toEqual(ref.slice(4));
    expect(got[0]!.slice(4)).not.toEqual(ref.slice(4)); // the half file gave other numbers (or none)

    // rewritten while nothing watched: a restart analyses it again (watch-files.jsonl), the unchanged one is skipped
    writeFileSync(join(scans, 'fe_3.xdi'), scanText(3));
    await watchFolder(scans, r, { once: true, out, interval: 20 });
    writeFileSync(file, scanText(4));
    const again = await watchFolder(scans, r, { once: true, out, interval: 20 });
    expect(again).toMatchObject({ processed: 1, skipped: 1 });
    const last = rows(out).at(-1)!;
    expect(last.slice(0, 3)).toEqual(['3', 'fe_2.xdi', 'ok']);
    expect(last[3]).toMatch(/^re-analysed: the file changed after row 1 was made from it \(\d+ → \d+ bytes\); this row supersedes row 1$/);
  });

  it('--average 2 writes the mean of the last two good scans, a bad file recorded and left out', async () => {
    const { root, scans, recipe } = setup();
    writeFileSync(join(scans, 'fe_0.xdi'), scanText(0));
    writeFileSync(join(scans, 'fe_1.xdi'), '# energy counts\n1 2\n'); // no mu column (a lone label line names the columns)
    writeFileSync(join(scans, 'fe_2.xdi'), scanText(2));
    writeFileSync(join(scans, 'fe_3.xdi'), scanText(3));
    const out = join(root, 'out');
    const s = await watchFolder(scans, loadBatchRecipe(recipe), { once: true, out, interval: 20, average: 2 });
    expect(s).toMatchObject({ processed: 4, ok: 3, failed: 1, averages: 2 });
    expect(rows(out)[1]!.slice(0, 3)).toEqual(['1', 'fe_1.xdi', 'error']);
    const avg = rows(join(out, 'average'));
    expect(avg.map((c) => c.slice(0, 3))).toEqual([
      ['0', 'mean(fe_0.xdi..fe_2.xdi)', 'ok'],
      ['1', 'mean(fe_2.xdi..fe_3.xdi)', 'ok'],
    ]);
    const m = mergeGroups([series[2]!, series[3]!]);
    const file = join(out, 'average', 'mean_000001.dat');
    expect(existsSync(file)).toBe(true);
    const data = readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(data.length).toBe(m.energy.length);
    const [e, mu] = data[400]!.split(' ').map(Number);
    expect(e).toBeCloseTo(m.energy[400]!, 6);
    expect(mu).toBeCloseTo(m.mu[400]!, 8);
  });

  it('xafs watch DIR --recipe R --once --json: the summary on stdout, exit 1 when a scan failed; bad options exit 2', async () => {
    const { root, scans, recipe } = setup();
    writeFileSync(join(scans, 'fe_0.xdi'), scanText(0));
    const out = join(root, 'cli');
    const r = await xafs('watch', scans, '--recipe', recipe, '--once', '--json', '--out', out, '--interval', '20');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ processed: 1, ok: 1, failed: 0, skipped: 0, averages: 0, out });
    expect(r.err).toBe(`xafs watch: row 0 fe_0.xdi: ok\nxafs watch: 1 scan (1 ok, 0 failed) → ${out}\n`);
    writeFileSync(join(scans, 'fe_1.xdi'), '# energy counts\n1 2\n'); // no mu column (a lone label line names the columns)
    const bad = await xafs('watch', scans, '--recipe', recipe, '--once', '--out', out, '--interval', '20');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^xafs watch: row 1 fe_1.xdi: error \(fe_1.xdi: no mu column \(looked for mu, xmu, mutrans, mufluor\);/);
    expect(bad.err).toMatch(/xafs watch: 1 scan \(0 ok, 1 failed\), 1 already in the table → /);
    expectRefused(await xafs('watch', scans, '--recipe', recipe, '--average', '1'), "xafs: option '--average' expects a whole number ≥ 2, got '1'\n(run with --help for usage)\n");
  });
});
