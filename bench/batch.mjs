#!/usr/bin/env node
// Issue 5's numbers: `xafs batch` over generated in situ series (bench/gen-series.mjs), as a user
// runs it (node dist/cli/main.js batch RECIPE --jobs J), measuring wall time, µs per spectrum,
// CPU time and peak RSS of the child (/usr/bin/time -v when present, else the child's own
// process.resourceUsage() reported at exit), the 1 → 2 worker scaling, and the truth: LCF
// fractions and valences against the generated mixtures (max and RMS error).
//   full:    100 000 Fe XANES spectra (and 10 000, for the flat-memory claim) from one
//            multi-column file; 10 000 Cu XDI files through normalize + autobk + xftf
//   --quick: 10 000 XANES spectra, 1 000 XDI files
// Also times the streaming reader alone (openInputs + items over the multi-column file).
// Prints a table; writes bench/out/batch.json. Needs `npm run build` first.
// Usage: node bench/batch.mjs [--quick] [--jobs 1,2] [--keep]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateExafs, generateXanes, SERIES_DIR } from './gen-series.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const quick = process.argv.includes('--quick');
const keep = process.argv.includes('--keep');
const jobsArg = process.argv.indexOf('--jobs');
const JOBS = (jobsArg >= 0 ? process.argv[jobsArg + 1] : '1,2').split(',').map(Number);
const XANES_N = quick ? [10_000] : [10_000, 100_000];
const EXAFS_N = quick ? 1_000 : 10_000;
const HAVE_TIME = existsSync('/usr/bin/time');

if (!existsSync(CLI)) {
  console.error(`bench/batch.mjs: ${CLI} is missing: run npm run build first`);
  process.exit(2);
}

/** Runs `xafs batch` in a child; returns wall s, cpu s, peak RSS MB and the --json summary. */
function runBatch(recipe, jobs, out) {
  rmSync(out, { recursive: true, force: true });
  const args = [CLI, 'batch', recipe, '--jobs', String(jobs), '--out', out, '--json'];
  // without /usr/bin/time the child reports its own peak RSS (threads included) at exit
  const report = `data:text/javascript,process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('\\nBENCH_RUSAGE '+JSON.stringify(u)+'\\n')})`;
  const cmd = HAVE_TIME ? '/usr/bin/time' : process.execPath;
  const argv = HAVE_TIME ? ['-v', process.execPath, ...args] : ['--import', report, ...args];
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const wall = (performance.now() - t0) / 1000;
  const err = r.stderr ?? '';
  let rssMb = NaN;
  let cpu = NaN;
  if (HAVE_TIME) {
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
    if (m) rssMb = Number(m[1]) / 1024;
    const u = /User time \(seconds\): ([\d.]+)/.exec(err);
    const s = /System time \(seconds\): ([\d.]+)/.exec(err);
    if (u && s) cpu = Number(u[1]) + Number(s[1]);
  } else {
    const m = /BENCH_RUSAGE (\{.*\})/.exec(err);
    if (m) {
      const u = JSON.parse(m[1]);
      rssMb = u.maxRSS / 1024;
      cpu = (u.userCPUTime + u.systemCPUTime) / 1e6;
    }
  }
  let summary = null;
  try {
    summary = JSON.parse((r.stdout ?? '').trim().split('\n').pop());
  } catch {
    console.error(`bench/batch.mjs: xafs batch ${recipe} --jobs ${jobs} gave no summary (exit ${r.status}):\n${err.slice(-2000)}`);
  }
  return { wall, cpu, rssMb, summary, status: r.status };
}

/** Rows of a results folder (results.jsonl: the first line is the header). */
function readResults(out) {
  return readFileSync(join(out, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => JSON.parse(l));
}

function truthCheck(out, dir) {
  const truth = readFileSync(join(dir, 'truth.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const rows = readResults(out);
  let maxF = 0;
  let sumF = 0;
  let maxV = 0;
  let sumV = 0;
  let n = 0;
  rows.forEach((row, i) => {
    if (row.status !== 'ok') return;
    const f = Number(truth[i][2]);
    const df = Math.abs(Number(row.lcf_FeO) - f);
    const dv = Math.abs(Number(row.valence) - (2 * f + 3 * (1 - f)));
    if (!(df <= maxF)) maxF = df;
    if (!(dv <= maxV)) maxV = dv;
    sumF += df * df;
    sumV += dv * dv;
    n++;
  });
  return { checked: n, fractionMaxErr: maxF, fractionRmsErr: Math.sqrt(sumF / n), valenceMaxErr: maxV, valenceRmsErr: Math.sqrt(sumV / n) };
}

/** The streaming reader alone, in this process: open + every item. */
async function timeReader(dir) {
  const { openInputs } = await import(pathToFileURL(join(ROOT, 'dist', 'series', 'batch', 'inputs.js')).href);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const plan = await openInputs({ columns: 'fe_series.dat' }, dir);
  const t1 = performance.now();
  let n = 0;
  for await (const item of plan.items(0, plan.count)) if (!item.error) n++;
  await plan.close();
  const t2 = performance.now();
  const cu = process.cpuUsage(c0);
  return { count: plan.count, ok: n, openSeconds: (t1 - t0) / 1000, readSeconds: (t2 - t1) / 1000, usPerSpectrum: ((t2 - t0) * 1000) / plan.count, cpuUsPerSpectrum: (cu.user + cu.system) / plan.count };
}

const results = { date: new Date().toISOString(), quick, node: process.version, cpus: (await import('node:os')).availableParallelism(), rss: HAVE_TIME ? '/usr/bin/time -v' : 'process.resourceUsage', reader: [], xanes: [], exafs: [] };
const outRoot = join(ROOT, 'bench', 'out', 'batch-runs');
mkdirSync(outRoot, { recursive: true });

for (const n of XANES_N) {
  const dir = generateXanes({ n });
  results.reader.push({ n, ...(await timeReader(dir)) });
  for (const jobs of JOBS) {
    const out = join(outRoot, `xanes-${n}-j${jobs}`);
    const r = runBatch(join(dir, 'recipe.json'), jobs, out);
    const truth = r.summary ? truthCheck(out, dir) : null;
    results.xanes.push({ n, jobs, seconds: r.wall, usPerSpectrum: (r.wall * 1e6) / n, cpuSeconds: r.cpu, peakRssMb: r.rssMb, ok: r.summary?.ok, failed: r.summary?.failed, exit: r.status, truth });
    if (!keep) rmSync(out, { recursive: true, force: true });
  }
}
{
  const dir = generateExafs({ files: EXAFS_N });
  for (const jobs of JOBS) {
    const out = join(outRoot, `exafs-${EXAFS_N}-j${jobs}`);
    const r = runBatch(join(dir, 'recipe.json'), jobs, out);
    results.exafs.push({ n: EXAFS_N, jobs, seconds: r.wall, usPerSpectrum: (r.wall * 1e6) / EXAFS_N, cpuSeconds: r.cpu, peakRssMb: r.rssMb, ok: r.summary?.ok, failed: r.summary?.failed, exit: r.status });
    if (!keep) rmSync(out, { recursive: true, force: true });
  }
}

const scaling = (rows) => {
  const out = {};
  for (const n of new Set(rows.map((r) => r.n))) {
    const a = rows.find((r) => r.n === n && r.jobs === 1);
    const b = rows.find((r) => r.n === n && r.jobs === 2);
    if (a && b) out[n] = a.seconds / b.seconds;
  }
  return out;
};
results.scaling = { xanes: scaling(results.xanes), exafs: scaling(results.exafs) };

const f = (x, d = 1) => (x === undefined || x === null || Number.isNaN(x) ? '—' : x.toFixed(d));
console.log(`xafs batch bench (${quick ? 'quick' : 'full'}; ${results.cpus} cores; peak RSS by ${results.rss})`);
console.log('\nstreaming reader alone (openInputs + items, in-process)');
for (const r of results.reader) console.log(`  ${String(r.n).padStart(7)} spectra: open ${f(r.openSeconds, 2)} s, total ${f(r.usPerSpectrum)} µs/spectrum (CPU ${f(r.cpuUsPerSpectrum)} µs)`);
console.log('\ncase                         jobs   wall s   µs/spec   CPU s   peak RSS MB   ok/failed   truth (LCF max / RMS, valence max / RMS)');
for (const r of results.xanes) {
  const t = r.truth;
  console.log(
    `Fe XANES multi-column ${String(r.n).padStart(6)} ${String(r.jobs).padStart(4)} ${f(r.seconds, 2).padStart(8)} ${f(r.usPerSpectrum).padStart(9)} ${f(r.cpuSeconds, 1).padStart(7)} ${f(r.peakRssMb, 0).padStart(13)}   ${r.ok}/${r.failed}` +
      (t ? `   ${t.fractionMaxErr.toFixed(4)} / ${t.fractionRmsErr.toFixed(4)}, ${t.valenceMaxErr.toFixed(3)} / ${t.valenceRmsErr.toFixed(3)}` : ''),
  );
}
for (const r of results.exafs) {
  console.log(`Cu EXAFS XDI files   ${String(r.n).padStart(6)} ${String(r.jobs).padStart(4)} ${f(r.seconds, 2).padStart(8)} ${f(r.usPerSpectrum).padStart(9)} ${f(r.cpuSeconds, 1).padStart(7)} ${f(r.peakRssMb, 0).padStart(13)}   ${r.ok}/${r.failed}`);
}
console.log(`\nscaling 1 → 2 workers: XANES ${Object.entries(results.scaling.xanes).map(([n, s]) => `${n}: ${s.toFixed(2)}×`).join(', ')}; EXAFS ${Object.entries(results.scaling.exafs).map(([n, s]) => `${n}: ${s.toFixed(2)}×`).join(', ')}`);
writeFileSync(join(ROOT, 'bench', 'out', 'batch.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`written: bench/out/batch.json (series in ${SERIES_DIR})`);
