// One worker thread of the in-process fuzz runner (runner.mjs): runs `xafs ARGV` through the built
// program's run(argv, io) — the code path of the binary — and posts back the exit status and
// everything written to stdout and stderr (through io, and straight to process.stdout/stderr).
import { parentPort, workerData } from 'node:worker_threads';

const { run } = await import(workerData.program);
let out = '';
let err = '';
process.stdout.write = (s) => ((out += String(s)), true);
process.stderr.write = (s) => ((err += String(s)), true);
const io = { out: (s) => (out += s), err: (s) => (err += s) };

parentPort.on('message', async ({ argv }) => {
  out = '';
  err = '';
  const t0 = performance.now();
  let code;
  try {
    code = await run(argv, io);
  } catch (e) {
    // run() catches everything; reaching here is a defect of its own
    err += `run() threw: ${e?.stack ?? e}\n`;
    code = -1;
  }
  parentPort.postMessage({ code, out, err, ms: performance.now() - t0 });
});
parentPort.postMessage({ ready: true });
