// Two ways to run a fuzz case (engine.mjs): in a worker thread that keeps the WASM core loaded
// (fast: a few ms a case; stopped and replaced when a case runs over MAX_MS), or as a real child
// process `node dist/cli/main.js ARGV` (end to end: exit status and streams as a shell sees them).
// Both run the built program in dist/ (`npm run build`).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MAX_MS, ROOT, check, materialize, writtenFiles } from './engine.mjs';

export const PROGRAM = join(ROOT, 'dist/cli/program.js');
export const BIN = join(ROOT, 'dist/cli/main.js');
export const built = () => existsSync(PROGRAM) && existsSync(BIN);

/** Runs cases one at a time in a worker thread; `timeoutMs` stops a case (and replaces the worker). */
export function inProcessRunner({ timeoutMs = MAX_MS } = {}) {
  let worker = null;
  let ready = null;
  let pending = null;
  const start = () => {
    worker = new Worker(new URL('./worker.mjs', import.meta.url), {
      workerData: { program: pathToFileURL(PROGRAM).href },
      env: { ...process.env, XAFS_DEBUG: '' },
      resourceLimits: { maxOldGenerationSizeMb: 1536 },
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    ready = new Promise((resolve, reject) => {
      worker.once('message', (m) => (m.ready ? resolve() : reject(new Error('worker did not start'))));
      worker.once('error', reject);
    });
    worker.on('message', (m) => {
      if (!m.ready && pending) pending.resolve(m);
    });
    worker.on('error', (e) => pending?.resolve({ crashed: `worker died: ${e.code ?? ''} ${e.message}`.trim() }));
    worker.on('exit', (code) => pending?.resolve({ crashed: `worker exited (process.exit(${code}) or a fatal error)`, code }));
  };
  const stop = async () => {
    const w = worker;
    worker = null;
    if (w) await w.terminate();
  };
  return {
    async run(argv) {
      if (!worker) start();
      await ready;
      const t0 = performance.now();
      const reply = await new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ timedOut: true }), timeoutMs);
        pending = {
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        worker.postMessage({ argv });
      });
      pending = null;
      if (reply.timedOut || reply.crashed) {
        await stop();
        return { code: reply.code ?? null, out: '', err: '', ms: performance.now() - t0, timedOut: !!reply.timedOut, crashed: reply.crashed };
      }
      return reply;
    },
    close: stop,
  };
}

/** `node dist/cli/main.js ARGV` in folder `cwd`, killed after timeoutMs. */
export function runChild(argv, { cwd, timeoutMs = MAX_MS } = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const env = { ...process.env };
    delete env.XAFS_DEBUG;
    const child = spawn(process.execPath, [BIN, ...argv], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? null,
        signal,
        out: Buffer.concat(out).toString('utf8'),
        err: Buffer.concat(err).toString('utf8'),
        ms: performance.now() - t0,
        timedOut,
        crashed: !timedOut && signal ? `killed by ${signal}` : undefined,
      });
    });
  });
}

/**
 * Runs one case in a fresh temporary folder with `runner` ('child', or an inProcessRunner()) and
 * checks it: {case, res, violations}. The folder is removed afterwards.
 */
export async function runCase(c, runner, { timeoutMs = MAX_MS } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'xafs-fuzz-'));
  try {
    const argv = materialize(c, dir);
    const res = runner === 'child' ? await runChild(argv, { cwd: dir, timeoutMs }) : await runner.run(argv);
    res.files = writtenFiles(c, dir);
    // the folder's name changes from run to run: keep it out of what is compared and printed
    res.out = res.out.replaceAll(dir, '{dir}');
    res.err = res.err.replaceAll(dir, '{dir}');
    return { case: c, res, violations: check(c, res) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
