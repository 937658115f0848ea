// Interrupted runs: a real child process killed with SIGKILL mid-run, or stopped with SIGINT
// (exit 130), then --resume: the final files equal an uninterrupted run's, byte for byte.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBatchRecipe } from '../../../src/series/batch/recipe.js';
import { runBatch } from '../../../src/series/batch/run.js';
import { BIN, ROOT, read, tempDir, writeColumns, writeRecipe } from './helpers.js';

const rows = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').length - 2 : -1);

/** Starts `xafs batch`, sends `signal` once results.csv holds at least `after` rows; resolves with the exit. */
function runAndSignal(args: string[], csv: string, after: number, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; rowsAtKill: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'batch', ...args], { cwd: ROOT, env: { ...process.env, CI: '1' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let rowsAtKill = -1;
    const poll = setInterval(() => {
      const n = rows(csv);
      if (n >= after && rowsAtKill < 0) {
        rowsAtKill = n;
        child.kill(signal);
      }
    }, 5);
    child.on('exit', (code, sig) => {
      clearInterval(poll);
      resolve({ code, signal: sig, rowsAtKill, stderr });
    });
  });
}

/** 640 spectra (10 chunks) and their uninterrupted run, shared by the kill tests. */
let shared: Promise<{ dir: string; file: string; whole: string }> | undefined;
function series640() {
  shared ??= (async () => {
    const dir = tempDir('kill');
    writeColumns(dir, 640);
    const file = writeRecipe(dir, { columns: 'series.dat' });
    const whole = join(dir, 'whole');
    await runBatch(loadBatchRecipe(file), { jobs: 2, out: whole });
    return { dir, file, whole };
  })();
  return shared;
}

describe.skipIf(!existsSync(BIN))('xafs batch --resume (spawns node dist/cli/main.js)', () => {
  it('after SIGKILL mid-run, --resume gives the same files as an uninterrupted run', async () => {
    const { dir, file, whole } = await series640();
    const out = join(dir, 'out-kill');
    const k = await runAndSignal([file, '--out', out, '--jobs', '2'], join(out, 'results.csv'), 64, 'SIGKILL');
    expect(k.signal).toBe('SIGKILL');
    expect(k.rowsAtKill).toBeGreaterThanOrEqual(64);
    const left = rows(join(out, 'results.csv'));
    expect(left).toBeLessThan(640); // killed before the end
    const s = await runBatch(loadBatchRecipe(file), { jobs: 2, out, resume: true });
    expect(s.resumed % 64).toBe(0);
    expect(s.resumed).toBeGreaterThanOrEqual(64);
    expect(s).toMatchObject({ total: 640, ok: 640, failed: 0, interrupted: false });
    for (const f of ['results.csv', 'results.jsonl', 'recipe.json']) expect(read(join(out, f)).equals(read(join(whole, f)))).toBe(true);
  }, 120_000);

  it('SIGINT: the chunks in flight are written, exit 130; --resume finishes the same files', async () => {
    const { dir, file, whole } = await series640();
    const out = join(dir, 'out-int');
    const k = await runAndSignal([file, '--out', out, '--jobs', '2'], join(out, 'results.csv'), 64, 'SIGINT');
    expect(k.code).toBe(130);
    const done = rows(join(out, 'results.csv'));
    expect(done % 64).toBe(0); // whole chunks only
    expect(rows(join(out, 'results.jsonl')) - 0).toBe(done + 0);
    expect(k.stderr).toContain(`xafs batch: interrupted after ${done} of 640 spectra; run again with --resume to finish\n`);
    const r = spawn(process.execPath, [BIN, 'batch', file, '--out', out, '--resume', '--json'], { cwd: ROOT, env: { ...process.env, CI: '1' } });
    let stdout = '';
    r.stdout.on('data', (d) => (stdout += d));
    const code = await new Promise((res) => r.on('exit', res));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ total: 640, ok: 640, failed: 0, out });
    for (const f of ['results.csv', 'results.jsonl']) expect(read(join(out, f)).equals(read(join(whole, f)))).toBe(true);
  }, 120_000);

  it('a partial trailing line and a partial chunk are dropped on --resume', async () => {
    const dir = tempDir('partial');
    writeColumns(dir, 200);
    const file = writeRecipe(dir, { columns: 'series.dat' });
    const recipe = loadBatchRecipe(file);
    const whole = join(dir, 'whole');
    await runBatch(recipe, { jobs: 1, out: whole });
    const out = join(dir, 'out');
    await runBatch(recipe, { jobs: 1, out });
    // csv: 150 rows and half a line; jsonl: 140 rows → 2 whole chunks (128 rows) are kept
    const cut = (name: string, n: number, extra: number) => {
      const text = readFileSync(join(out, name), 'utf8');
      let at = 0;
      for (let i = 0; i <= n; i++) at = text.indexOf('\n', at) + 1;
      writeFileSync(join(out, name), text.slice(0, at + extra));
    };
    cut('results.csv', 150, 17);
    cut('results.jsonl', 140, 0);
    const before = statSync(join(out, 'results.csv')).size;
    expect(before).toBeLessThan(statSync(join(whole, 'results.csv')).size);
    const s = await runBatch(recipe, { jobs: 2, out, resume: true });
    expect(s).toMatchObject({ resumed: 128, total: 200, ok: 200, failed: 0 });
    for (const f of ['results.csv', 'results.jsonl']) expect(read(join(out, f)).equals(read(join(whole, f)))).toBe(true);
    // resuming a finished run changes nothing
    const again = await runBatch(recipe, { jobs: 2, out, resume: true });
    expect(again).toMatchObject({ resumed: 200, total: 200, ok: 200, failed: 0 });
    for (const f of ['results.csv', 'results.jsonl']) expect(read(join(out, f)).equals(read(join(whole, f)))).toBe(true);
  }, 60_000);
});
