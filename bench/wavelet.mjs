#!/usr/bin/env node
/**
 * Wavelet transform benchmark (docs/architecture.md, Habits: a program, never a timed assertion in tests).
 *
 *   node bench/wavelet.mjs            full run (a few seconds, plus Larch when it is installed)
 *   node bench/wavelet.mjs --quick    shorter batches
 *   node bench/wavelet.mjs --json     print only the JSON (also written to bench/out/wavelet.json)
 *   node bench/wavelet.mjs --no-larch skip the Larch measurement
 *
 * Times `cauchyWavelet(k, chi, { kweight: 2, rmaxOut: 6 })` on cu_metal_rt's χ(k) (the Larch
 * reference settings: 196 R rows × 350 k points), the default grid (rmax_out 10: 326 rows) and the
 * Morlet wavelet, all with the wavelet spectra cached (the usual case: every spectrum of a series,
 * every figure after the first), and separately the first call on a new grid (the cache is built).
 * Larch 0.9.58's cauchy_wavelet is timed on the same χ(k) in the same run (/usr/bin/python3), in
 * rounds alternating with xafs, so that the per-round ratio holds on a loaded machine too; the
 * fastest single call of each is printed as the nearest to an idle machine. The issue's figure for
 * Larch is 13.5 ms; the target is 10× faster (< 1.35 ms per transform). Without Larch
 * (--no-larch, or not installed) the verdict compares our fastest call with the 13.5 ms.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST_INDEX = join(ROOT, 'dist', 'index.js');
const REF = join(ROOT, 'fixtures', 'wavelet', 'larch_cu_metal_rt.json.gz');
const OUT_DIR = join(ROOT, 'bench', 'out');
const LARCH_ISSUE_MS = 13.5;
const TARGET_RATIO = 10;

const USAGE = `usage: node bench/wavelet.mjs [--quick] [--json] [--no-larch]`;
const argv = process.argv.slice(2);
for (const a of argv) {
  if (a === '--help' || a === '-h') {
    console.log(USAGE);
    process.exit(0);
  }
  if (!['--quick', '--json', '--no-larch'].includes(a)) {
    console.error(`bench: unknown option '${a}'\n${USAGE}`);
    process.exit(2);
  }
}
const QUICK = argv.includes('--quick');
const JSON_ONLY = argv.includes('--json');
const NO_LARCH = argv.includes('--no-larch');
const log = (s) => {
  if (!JSON_ONLY) process.stderr.write(s + '\n');
};

if (!existsSync(DIST_INDEX)) {
  console.error('bench: dist/ is missing; build first with `npm run build`');
  process.exit(2);
}
const { cauchyWavelet, morletWavelet } = await import(pathToFileURL(DIST_INDEX).href);
const ref = JSON.parse(gunzipSync(readFileSync(REF)).toString('utf8'));
const k = Float64Array.from(ref.k);
const chi = Float64Array.from(ref.chi);

/** Median µs per call over equal batches filling about `ms` each, after a warm-up. */
function timeIt(fn, ms = QUICK ? 60 : 250, batches = QUICK ? 5 : 7) {
  fn();
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= ms / 4 || n >= 1 << 16) {
      n = Math.max(1, Math.round((n * ms) / Math.max(dt, 1e-3)));
      break;
    }
    n *= 2;
  }
  const per = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    per.push(((performance.now() - t0) * 1000) / n);
  }
  per.sort((a, b) => a - b);
  const med = per[Math.floor(per.length / 2)];
  return { us: med, best: per[0], spread: (per[per.length - 1] - per[0]) / med, calls: n * batches };
}

const rows = [];
const add = (name, t, larchUs) => rows.push({ name, us: t.us, best: t.best, spread: t.spread, larchUs });

log('bench: wavelet transforms of cu_metal_rt χ(k) (350 points) ...');
const cauchy6 = timeIt(() => cauchyWavelet(k, chi, { kweight: 2, rmaxOut: 6 }));
const cauchy10 = timeIt(() => cauchyWavelet(k, chi, { kweight: 2 }));
const morlet6 = timeIt(() => morletWavelet(k, chi, { kweight: 2, rmaxOut: 6 }));
// the fastest of many single calls: the nearest to an idle machine
let fastest = Infinity;
for (let i = 0; i < (QUICK ? 60 : 200); i++) {
  const t0 = performance.now();
  cauchyWavelet(k, chi, { kweight: 2, rmaxOut: 6 });
  fastest = Math.min(fastest, (performance.now() - t0) * 1000);
}
// a new grid every call: rmaxOut cycles through values whose grids differ (more than the 3 kept)
let c = 0;
const fresh = timeIt(() => cauchyWavelet(k, chi, { kweight: 2, rmaxOut: 6 + 0.1 * (c++ % 8) }), QUICK ? 200 : 600, QUICK ? 3 : 5);

// Larch 0.9.58 on the same χ(k), same machine, same run. On a shared machine the load drifts, so
// Larch and xafs are timed in alternating rounds (a Python process kept open, one batch per round)
// and the ratio is taken per round: its median compares the two under the same load.
let larch = null;
if (!NO_LARCH && existsSync('/usr/bin/python3')) {
  log('bench: Larch 0.9.58 cauchy_wavelet (/usr/bin/python3), alternating rounds with xafs ...');
  larch = await larchRounds();
}

async function larchRounds() {
  const py = `
import sys, json, time, gzip
import numpy as np
try:
    from larch.xafs import cauchy_wavelet
    from larch import Group
except Exception as e:
    print(json.dumps({"error": str(e)}), flush=True); sys.exit(0)
d = json.loads(gzip.open(sys.argv[1]).read())
k = np.array(d['k']); chi = np.array(d['chi'])
g = Group()
for rmax in (6, 10): cauchy_wavelet(k, chi, group=g, kweight=2, rmax_out=rmax)
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    n, rmax = line.split()
    per = []
    for i in range(int(n)):
        t0 = time.perf_counter()
        cauchy_wavelet(k, chi, group=g, kweight=2, rmax_out=float(rmax))
        per.append((time.perf_counter() - t0) * 1e6)
    print(json.dumps({"us": sum(per) / len(per), "min": min(per)}), flush=True)
`;
  const { spawn } = await import('node:child_process');
  const { createInterface } = await import('node:readline');
  const child = spawn('/usr/bin/python3', ['-c', py, REF], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    if (r.done) throw new Error('Larch process ended');
    return JSON.parse(r.value);
  };
  try {
    const first = await next();
    if (first.error) {
      log(`bench: Larch not available (${first.error}); ratios use the issue's ${LARCH_ISSUE_MS} ms`);
      return null;
    }
    const rounds = QUICK ? 5 : 9;
    const out = {};
    for (const rmax of [6, 10]) {
      const ours = [];
      const theirs = [];
      let oursMin = Infinity;
      let theirsMin = Infinity;
      for (let i = 0; i < rounds; i++) {
        ours.push(timeIt(() => cauchyWavelet(k, chi, { kweight: 2, rmaxOut: rmax }), QUICK ? 40 : 120, 1).us);
        // single calls: the fastest is the nearest to an idle machine
        for (let j = 0; j < 20; j++) {
          const t0 = performance.now();
          cauchyWavelet(k, chi, { kweight: 2, rmaxOut: rmax });
          oursMin = Math.min(oursMin, (performance.now() - t0) * 1000);
        }
        child.stdin.write(`${QUICK ? 3 : 6} ${rmax}\n`);
        const t = await next();
        theirs.push(t.us);
        theirsMin = Math.min(theirsMin, t.min);
      }
      const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
      out[`rmax${rmax}`] = {
        larchUs: med(theirs),
        larchBestUs: theirsMin,
        oursUs: med(ours),
        oursBestUs: oursMin,
        ratio: med(theirs.map((t, i) => t / ours[i])),
        ratioBest: theirsMin / oursMin,
      };
    }
    return out;
  } catch (e) {
    log(`bench: Larch run failed (${e.message}); ratios use the issue's ${LARCH_ISSUE_MS} ms`);
    return null;
  } finally {
    child.stdin.end();
    child.kill();
  }
}

add('Cauchy, R 0-6 Å (196×350)', cauchy6, larch?.rmax6.larchUs);
add('Cauchy, R 0-10 Å (326×350)', cauchy10, larch?.rmax10.larchUs);
add('Morlet, R 0-6 Å (196×350)', morlet6, undefined);
add('Cauchy, new grid each call', fresh, larch?.rmax6.larchUs);

// the paired (same-round) ratio when Larch ran, else the issue's figure over our fastest call
const ratioIssue = (LARCH_ISSUE_MS * 1000) / fastest;
const ratio = larch ? larch.rmax6.ratio : ratioIssue;
const report = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  loadavg: os.loadavg(),
  input: 'cu_metal_rt χ(k) (fixtures/wavelet/larch_cu_metal_rt.json.gz), kweight 2',
  rows,
  larch: larch ?? { issueMs: LARCH_ISSUE_MS },
  ratioSameMachine: larch ? { rmax6: larch.rmax6.ratio, rmax10: larch.rmax10.ratio } : null,
  fastestCallUs: fastest,
  ratioToIssueFigure: ratioIssue,
  target: `${TARGET_RATIO}× Larch (< ${(LARCH_ISSUE_MS / TARGET_RATIO).toFixed(2)} ms)`,
  met: ratio >= TARGET_RATIO,
};
mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(join(OUT_DIR, 'wavelet.json'), JSON.stringify(report, null, 2) + '\n');
if (JSON_ONLY) {
  console.log(JSON.stringify(report, null, 2));
} else {
  const f = (us) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(0)} µs`);
  console.log(`wavelet transforms, cu_metal_rt χ(k), kweight 2 (node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)})`);
  console.log('');
  console.log('transform                       per call      best    ±%     Larch   ×faster');
  for (const r of rows) {
    const lr = r.larchUs ? `${f(r.larchUs).padStart(9)} ${(r.larchUs / r.us).toFixed(1).padStart(8)}` : '        -        -';
    console.log(`${r.name.padEnd(30)} ${f(r.us).padStart(9)} ${f(r.best).padStart(9)} ${(100 * r.spread).toFixed(0).padStart(5)} ${lr}`);
  }
  console.log('');
  if (larch) {
    console.log(`Larch 0.9.58 in alternating rounds: ${f(larch.rmax6.larchUs)} for R 0-6 Å, ${f(larch.rmax10.larchUs)} for R 0-10 Å; the issue's figure is ${LARCH_ISSUE_MS} ms`);
    console.log(`xafs in the same rounds: ${f(larch.rmax6.oursUs)} (R 0-6 Å), ${f(larch.rmax10.oursUs)} (R 0-10 Å); ratio per round, median: ${larch.rmax6.ratio.toFixed(1)}× (R 0-6 Å), ${larch.rmax10.ratio.toFixed(1)}× (R 0-10 Å)`);
    console.log(`fastest single calls (nearest to an idle machine): xafs ${f(larch.rmax6.oursBestUs)}, Larch ${f(larch.rmax6.larchBestUs)}: ${larch.rmax6.ratioBest.toFixed(1)}× (R 0-6 Å); xafs ${f(larch.rmax10.oursBestUs)}, Larch ${f(larch.rmax10.larchBestUs)}: ${larch.rmax10.ratioBest.toFixed(1)}× (R 0-10 Å)`);
  }
  console.log(`fastest single Cauchy call (R 0-6 Å): ${f(fastest)}, ${ratioIssue.toFixed(1)}× below the issue's ${LARCH_ISSUE_MS} ms for Larch`);
  console.log(`Cauchy (R 0-6 Å): ${ratio.toFixed(1)}× faster than Larch${larch ? ' (paired rounds, same machine)' : ` (fastest call against the issue's ${LARCH_ISSUE_MS} ms)`}; target ${TARGET_RATIO}×: ${report.met ? 'met' : 'NOT met'}`);
}
