// Two writers into one output folder, and stopping a batch that one stray spectrum holds up: real
// child processes (`node dist/cli/main.js batch`). A spectrum is held up by the worker's fault
// hook XAFS_FAULT_STALL (docs/robustness.md), which blocks the worker thread as a runaway
// computation would. The uninterrupted run and the resumes use the same recipe in-process.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockOutput } from '../../src/node/outputLock.js';
import { loadBatchRecipe } from '../../src/series/batch/recipe.js';
import { runBatch } from '../../src/series/batch/run.js';
import { watchFolder } from '../../src/series/batch/watch.js';
import { mergeResults } from '../../src/series/batch/merge.js';
import { tempDir, writeColumns, writeRecipe } from '../series/batch/helpers.js';
import { BIN, xafsChild } from './helpers.js';

const rows = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').length - 2 : -1);

/** 192 spectra (3 chunks of 64) as one series file, and the uninterrupted run's folder. */
let shared: Promise<{ dir: string; file: string; whole: string }> | undefined;
function series192() {
  shared ??= (async () => {
    const dir = tempDir('fault');
    writeColumns(dir, 192);
    const file = writeRecipe(dir, { columns: 'series.dat' });
    const whole = join(dir, 'whole');
    await runBatch(loadBatchRecipe(file), { jobs: 2, out: whole });
    return { dir, file, whole };
  })();
  return shared;
}

const LOCK = '.xafs.lock';
// spectrum 100 is in chunk 1 (rows 64–127): chunk 0 can be written, chunk 1 never completes
const STALL = { XAFS_FAULT_STALL: 'series.dat#s00100' };

describe.skipIf(!existsSync(BIN))('one writer per output folder (child processes)', () => {
  it('a second xafs batch into a folder in use exits 2 naming the holder; a lock left by a killed run is taken over', async () => {
    const { file, whole } = await series192();
    const out = join(tempDir('lock'), 'out');
    let second: Awaited<ReturnType<typeof xafsChild>> | null = null;
    let started = false;
    const first = await xafsChild(['batch', file, '--out', out, '--jobs', '2'], {
      env: STALL,
      onTick: (child) => {
        // once the first run holds the lock (and is stuck on spectrum 100), start a --resume into the same folder
        if (started || !existsSync(join(out, LOCK)) || rows(join(out, 'results.csv')) < 64) return;
        started = true;
        void xafsChild(['batch', file, '--out', out, '--resume', '--jobs', '1']).then((r) => {
          second = r;
          child.kill('SIGKILL');
        });
      },
    });
    expect(first.signal).toBe('SIGKILL');
    const s = second as unknown as Awaited<ReturnType<typeof xafsChild>>;
    expect(s.code).toBe(2);
    const holder = JSON.parse(readFileSync(join(out, LOCK), 'utf8')) as { pid: number; host: string; command: string };
    expect(holder).toMatchObject({ host: hostname(), command: 'xafs batch' });
    expect(s.stderr).toContain(`xafs: ${out} is in use by xafs batch (pid ${holder.pid} on ${hostname()}, started `);
    expect(s.stderr).toContain('wait for it to finish, stop it, or choose another --out');
    expect(s.stderr).not.toMatch(/internal error|\s+at \S+:\d+/);
    // the refused run wrote nothing: the first run's rows are intact (chunk 0 only)
    expect(rows(join(out, 'results.csv'))).toBe(64);

    // the killed run's lock is stale (same host, pid gone): taken over with a warning
    const third = await xafsChild(['batch', file, '--out', out, '--resume', '--jobs', '2']);
    expect(third.code).toBe(0);
    expect(third.stderr).toContain(`xafs: warning: ${out}: taking over the lock of an earlier run that is no longer running (pid ${holder.pid}, xafs batch, started `);
    expect(readFileSync(join(out, 'results.csv'))).toEqual(readFileSync(join(whole, 'results.csv')));
    expect(readFileSync(join(out, 'results.jsonl'))).toEqual(readFileSync(join(whole, 'results.jsonl')));
    expect(existsSync(join(out, LOCK))).toBe(false); // released at the end
  }, 180_000);

  it('a lock from another host is refused with how to remove it; watch and merge-results lock too', async () => {
    const { file, whole } = await series192();
    const out = join(tempDir('lock-host'), 'out');
    const r = loadBatchRecipe(file);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, LOCK), JSON.stringify({ pid: 1, host: 'beamline-node-7', started: '2026-01-01T00:00:00.000Z', command: 'xafs batch' }));
    await expect(runBatch(r, { jobs: 1, out })).rejects.toThrow(
      `${out} is in use by xafs batch (pid 1 on beamline-node-7, started 2026-01-01T00:00:00.000Z): if that run is no longer running, remove ${join(out, LOCK)} by hand; otherwise wait for it or choose another --out`,
    );
    const c = await xafsChild(['batch', file, '--out', out, '--jobs', '1']);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain(`remove ${join(out, LOCK)} by hand`);

    // a live holder in this process: watch and merge-results refuse the folder too
    const held = join(tempDir('lock-held'), 'out');
    mkdirSync(held, { recursive: true });
    const lock = lockOutput(held, 'test holder');
    try {
      await expect(watchFolder(join(whole, '..'), r, { out: held, once: true })).rejects.toMatchObject({ code: 'ELOCKED', exitCode: 2 });
      expect(() => mergeResults([whole], { out: held })).toThrow(`${held} is in use by test holder (pid ${process.pid} on ${hostname()}`);
    } finally {
      lock.release();
    }
    expect(existsSync(join(held, LOCK))).toBe(false);
    expect(mergeResults([whole], { out: held }).rows).toBe(192);
  }, 180_000);
});

describe.skipIf(!existsSync(BIN))('stopping a batch held up by one spectrum (child processes)', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal}: exits 130 soon, keeps the finished chunk, says how to resume; --resume completes byte-identically`, async () => {
      const { file, whole } = await series192();
      for (const jobs of signal === 'SIGINT' ? ['2', '1'] : ['2']) {
        const out = join(tempDir(`stop-${signal}`), 'out');
        let sent = false;
        const r = await xafsChild(['batch', file, '--out', out, '--jobs', jobs], {
          env: STALL,
          onTick: (child) => {
            // chunk 0 is written (with --jobs 1 it was computed before the stuck chunk); chunk 1 never finishes
            if (!sent && rows(join(out, 'results.csv')) >= 64) {
              sent = true;
              child.kill(signal);
            }
          },
        });
        expect(sent).toBe(true);
        expect(r.code).toBe(130);
        expect(r.stderr).toContain('run again with --resume to finish');
        expect(r.stderr).not.toMatch(/internal error/);
        expect(rows(join(out, 'results.csv'))).toBe(64);
        expect(rows(join(out, 'results.jsonl'))).toBe(64);
        expect(existsSync(join(out, LOCK))).toBe(false);
        const s = await runBatch(loadBatchRecipe(file), { jobs: 2, out, resume: true });
        expect(s).toMatchObject({ resumed: 64, ok: 192, failed: 0, interrupted: false });
        expect(readFileSync(join(out, 'results.csv'))).toEqual(readFileSync(join(whole, 'results.csv')));
        expect(readFileSync(join(out, 'results.jsonl'))).toEqual(readFileSync(join(whole, 'results.jsonl')));
      }
    }, 180_000);
  }
});

describe.skipIf(!existsSync(BIN))('--time-limit (child process)', () => {
  it('a spectrum over the limit is an error row saying so; every other row is the uninterrupted run\'s (exit 1)', async () => {
    const { file, whole } = await series192();
    const out = join(tempDir('limit'), 'out');
    const r = await xafsChild(['batch', file, '--out', out, '--jobs', '2', '--time-limit', '1'], { env: STALL });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('xafs batch: 192 spectra: 191 ok, 1 failed');
    const got = readFileSync(join(out, 'results.csv'), 'utf8').split('\n');
    const want = readFileSync(join(whole, 'results.csv'), 'utf8').split('\n');
    expect(got.length).toBe(want.length);
    // line 0 is the header: row 100 is line 101
    expect(got[101]).toMatch(/^100,series\.dat#s00100,error,"series\.dat#s00100: left out: its analysis took longer than 1 s, the time limit per spectrum",+$/);
    expect(got.filter((_, i) => i !== 101)).toEqual(want.filter((_, i) => i !== 101));
  }, 180_000);
});
