// Full and read-only output: small tmpfs mounts (root only; skipped with a printed reason
// otherwise). A batch on a full disk stops with exit 1 and a clear message, its files end at a
// complete row, and --resume after space is freed gives the uninterrupted run's files byte for
// byte; a read-only or full folder leaves no partial or empty file from batch, process, fit,
// report or plot, and each says why (exit 2), never "internal error".
// Each test spawns several xafs processes: bounded at 180 s each, for a loaded machine.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBatchRecipe } from '../../src/series/batch/recipe.js';
import { runBatch } from '../../src/series/batch/run.js';
import { CU, fixture } from '../cli/helpers.js';
import { tempDir, writeColumns, writeRecipe } from '../series/batch/helpers.js';
import { BIN, mountTmpfs, noMount, xafsChild } from './helpers.js';

const mounts: (() => void)[] = [];
afterAll(() => {
  for (const u of mounts.splice(0)) u();
});

function mount(size: string, ro = false) {
  const m = mountTmpfs(size, ro);
  mounts.push(m.umount);
  return m;
}

/** Every file under dir (relative paths), temporary names included. */
function listAll(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...listAll(join(dir, e.name)).map((f) => `${e.name}/${f}`));
    else out.push(e.name);
  }
  return out.sort();
}

/** Fills a mount: one file grown until the file system refuses (ENOSPC). */
function fill(dir: string): void {
  const fd = openSync(join(dir, 'ballast'), 'w');
  const block = Buffer.alloc(4096, 0x61);
  try {
    for (;;) writeSync(fd, block);
  } catch (e) {
    expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
  } finally {
    closeSync(fd);
  }
}

const NO_INTERNAL = /internal error|\s+at \S+:\d+/;

describe.skipIf(noMount !== null || !existsSync(BIN))('full and read-only output folders (tmpfs mounts)', () => {
  it('xafs batch on a full disk: exit 1, "no space left on DEVICE while writing FILE", whole rows only; --resume completes after space is freed', async () => {
    const dir = tempDir('full');
    writeColumns(dir, 192);
    const file = writeRecipe(dir, { columns: 'series.dat' });
    const whole = join(dir, 'whole');
    await runBatch(loadBatchRecipe(file), { jobs: 2, out: whole });
    const csvWhole = readFileSync(join(whole, 'results.csv'));
    const jsonlWhole = readFileSync(join(whole, 'results.jsonl'));
    // room for about half of the results (tmpfs counts whole pages)
    const half = Math.floor((csvWhole.length + jsonlWhole.length) / 2 / 4096) * 4096 + 8192;
    const m = mount(`${half}`);
    const out = join(m.dir, 'out');
    const r = await xafsChild(['batch', file, '--out', out, '--jobs', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^xafs: no space left on ${m.dir} while writing ${out}/results\\.(csv|jsonl): the complete rows written before are kept: free some space \\(or make the folder writable\\) and run again with --resume \\((\\d+) rows kept in ${out}\\)\\n$`, 'm'));
    expect(r.stderr).not.toMatch(NO_INTERNAL);
    const kept = Number(/\((\d+) rows kept in/.exec(r.stderr)![1]);
    expect(kept % 64).toBe(0);
    expect(kept).toBeLessThan(192);
    // no torn line: both files end with a newline and hold exactly the kept rows, the whole run's first rows
    const csv = readFileSync(join(out, 'results.csv'));
    const jsonl = readFileSync(join(out, 'results.jsonl'));
    expect(csv.at(-1)).toBe(10);
    expect(jsonl.at(-1)).toBe(10);
    expect(csv.toString().split('\n').length - 2).toBe(kept);
    expect(jsonl.toString().split('\n').length - 2).toBe(kept);
    expect(csvWhole.subarray(0, csv.length)).toEqual(csv);
    expect(jsonlWhole.subarray(0, jsonl.length)).toEqual(jsonl);
    expect(JSON.parse(readFileSync(join(out, 'recipe.json'), 'utf8'))).toMatchObject({ total: 192 });
    expect(listAll(out)).toEqual(['recipe.json', 'results.csv', 'results.jsonl']);

    m.remount('size=16m');
    const again = await xafsChild(['batch', file, '--out', out, '--resume', '--jobs', '2']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`(${kept} kept from the earlier run)`);
    expect(readFileSync(join(out, 'results.csv'))).toEqual(csvWhole);
    expect(readFileSync(join(out, 'results.jsonl'))).toEqual(jsonlWhole);
  }, 180_000);

  it('a read-only file system: batch, process --out, fit --out, report and plot exit 2 with the reason and write nothing', async () => {
    const dir = tempDir('ro');
    writeColumns(dir, 10);
    const file = writeRecipe(dir, { columns: 'series.dat' });
    const m = mount('1m', true);
    const ro = `read-only file system (${m.dir}) while`;
    const cases: [string[], string][] = [
      [['batch', file, '--out', join(m.dir, 'b'), '--jobs', '1'], `xafs: ${ro} creating ${join(m.dir, 'b')}: pass --out a folder you can write to\n`],
      [['process', CU, '--out', join(m.dir, 'p')], `xafs: --out ${join(m.dir, 'p')}: cannot create the folder (read-only file system); pass --out a folder you can write to\n`],
      [['fit', fixture('recipes/cu_foil.recipe.json'), '--out', join(m.dir, 'f')], `xafs: ${ro} creating ${join(m.dir, 'f')}: pass --out a folder you can write to\n`],
      [['report', CU, '--out', join(m.dir, 'r.html')], `xafs: ${ro} writing ${join(m.dir, 'r.html')}: write to a folder you can write to\n`],
      [['plot', 'xanes', CU, '--out', join(m.dir, 'x.svg')], `xafs: ${ro} writing ${join(m.dir, 'x.svg')}: write to a folder you can write to\n`],
    ];
    for (const [args, message] of cases) {
      const r = await xafsChild(args);
      expect(r.stderr.split('\n').filter((l) => !l.startsWith('xafs: warning')).join('\n')).toBe(message);
      expect(r.code).toBe(2);
    }
    expect(listAll(m.dir)).toEqual([]);

    // a folder that turns read-only under an existing output folder: the lock cannot be taken
    const m2 = mount('1m');
    mkdirSync(join(m2.dir, 'out'));
    m2.remount('ro');
    const r = await xafsChild(['batch', file, '--out', join(m2.dir, 'out'), '--jobs', '1']);
    expect(r.stderr).toBe(`xafs: read-only file system (${m2.dir}) while writing ${join(m2.dir, 'out', '.xafs.lock')}: pass --out a folder you can write to\n`);
    expect(r.code).toBe(2);
  }, 180_000);

  it('a full disk: process --out, fit --out, report and plot leave no partial or empty file', async () => {
    const m = mount('256k');
    mkdirSync(join(m.dir, 'p'));
    mkdirSync(join(m.dir, 'f'));
    fill(m.dir);
    const full = `no space left on ${m.dir} while writing`;
    const cases: [string[], string][] = [
      [['process', CU, '--out', join(m.dir, 'p')], `xafs: ${full} ${join(m.dir, 'p', 'cu_metal_rt.norm.dat')}: free some space or pass --out a folder you can write to\n`],
      [['fit', fixture('recipes/cu_foil.recipe.json'), '--out', join(m.dir, 'f')], `xafs: ${full} ${join(m.dir, 'f', 'cu_metal_rt.fit_k.dat')}: free some space or pass --out a folder you can write to\n`],
      [['report', CU, '--out', join(m.dir, 'r.html')], `xafs: ${full} ${join(m.dir, 'r.html')}: free some space and run again\n`],
      [['plot', 'xanes', CU, '--out', join(m.dir, 'x.png')], `xafs: ${full} ${join(m.dir, 'x.png')}: free some space and run again\n`],
    ];
    for (const [args, message] of cases) {
      const r = await xafsChild(args);
      expect(r.stderr.split('\n').filter((l) => !l.startsWith('xafs: warning')).join('\n')).toBe(message);
      expect(r.code).toBe(2);
    }
    expect(listAll(m.dir)).toEqual(['ballast']);
    expect(statSync(join(m.dir, 'ballast')).size).toBeGreaterThan(0);
  }, 180_000);
});
