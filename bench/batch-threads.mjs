#!/usr/bin/env node
// The 1 → 2 worker scaling of `xafs batch`, estimated from per-thread CPU time, so that it can be
// measured on a busy machine (wall time on a shared box says more about the neighbours than
// about the engine). Runs `xafs batch RECIPE --jobs J` in a child and samples
// /proc/PID/task/*/stat every 10 ms (Linux only): the main thread (tid = pid) reads inputs and
// writes the table, the worker threads analyze. On 2 free cores the run takes at least
// max(busiest thread, total CPU / 2): the scaling estimate is T(jobs 1) / that bound for jobs 2,
// with T(jobs 1) = the main thread's CPU (everything runs there) and the parallel GC threads.
//   node bench/batch-threads.mjs [RECIPE ...]   (default: the series of bench/batch.mjs --quick,
//   which must have run once, else fixtures/batch/fe_series.recipe.json)
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const TICK = 100; // USER_HZ
const args = process.argv.slice(2);
const defaults = ['bench/out/series/xanes-10000/recipe.json', 'bench/out/series/exafs-1000/recipe.json'].map((p) => join(ROOT, p)).filter(existsSync);
const recipes = args.length > 0 ? args : defaults.length > 0 ? defaults : [join(ROOT, 'fixtures/batch/fe_series.recipe.json')];

function threadTicks(pid) {
  const out = new Map();
  let tids;
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), Number(f[11]) + Number(f[12])); // utime + stime
    } catch {
      /* the thread ended */
    }
  }
  return out;
}

function run(recipe, jobs) {
  const out = join(tmpdir(), `xafs-bench-threads-${process.pid}-${jobs}`);
  rmSync(out, { recursive: true, force: true });
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, 'batch', recipe, '--jobs', String(jobs), '--out', out, '--json'], { env: { ...process.env, CI: '1' } });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const seen = new Map();
    let hwm = 0;
    const poll = setInterval(() => {
      for (const [tid, t] of threadTicks(child.pid)) seen.set(tid, Math.max(seen.get(tid) ?? 0, t));
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwm = Math.max(hwm, Number(m[1]) / 1024);
      } catch {
        /* exited */
      }
    }, 10);
    child.on('exit', () => {
      clearInterval(poll);
      rmSync(out, { recursive: true, force: true });
      const main = (seen.get(child.pid) ?? 0) / TICK;
      const others = [...seen].filter(([tid]) => tid !== child.pid).map(([, t]) => t / TICK).sort((a, b) => b - a);
      const total = main + others.reduce((a, b) => a + b, 0);
      resolve({ wall: (performance.now() - t0) / 1000, hwm, main, workers: others.slice(0, jobs > 1 ? jobs : 0), total, summary: stdout ? JSON.parse(stdout) : null });
    });
  });
}

if (!existsSync(CLI)) {
  console.error('bench/batch-threads.mjs: run npm run build first');
  process.exit(2);
}
if (!existsSync('/proc/self/task')) {
  console.error('bench/batch-threads.mjs: needs Linux /proc');
  process.exit(2);
}
for (const recipe of recipes) {
  const r1 = await run(recipe, 1);
  const r2 = await run(recipe, 2);
  const n = r1.summary?.total ?? NaN;
  const t1 = r1.main;
  const t2 = Math.max(r2.main, ...r2.workers, r2.total / 2);
  console.log(`${recipe.replace(ROOT + '/', '')}: ${n} spectra`);
  console.log(`  jobs 1: main thread ${r1.main.toFixed(2)} s CPU (${((1e6 * r1.main) / n).toFixed(0)} µs/spectrum), all threads ${r1.total.toFixed(2)} s, wall ${r1.wall.toFixed(2)} s, peak RSS ${r1.hwm.toFixed(0)} MB`);
  console.log(`  jobs 2: main thread ${r2.main.toFixed(2)} s (${((1e6 * r2.main) / n).toFixed(0)} µs/spectrum: reading, messages, writing), workers ${r2.workers.map((w) => w.toFixed(2)).join(' + ')} s, all threads ${r2.total.toFixed(2)} s, wall ${r2.wall.toFixed(2)} s, peak RSS ${r2.hwm.toFixed(0)} MB`);
  console.log(`  2-core bound for jobs 2: ${t2.toFixed(2)} s → estimated scaling ${(t1 / t2).toFixed(2)}× (extra CPU with workers: ${(((r2.total - r1.total) * 1e6) / n).toFixed(0)} µs/spectrum, worker start-up included)`);
}
