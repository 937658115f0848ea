#!/usr/bin/env node
/**
 * xafs benchmark (docs/architecture.md, Habits: benchmarks are programs, never timed assertions in tests).
 *
 *   node bench/run.mjs            full run (~15-20 s on 2 cores)
 *   node bench/run.mjs --quick    shorter batches and series (~5 s), for a quick look
 *   node bench/run.mjs --json     print only the JSON (it is always written to bench/out/latest.json)
 *
 * Measures µs per spectrum of readSpectrum, preEdge, autobk, xftf+xftr and the whole pipeline on
 * the fixtures in fixtures/spectra (single thread, this process), a 2000-spectrum series sharing
 * one energy grid (autobk's plan cache in src/wasm.ts hit) and series whose grids differ, the
 * start-up time of the library and of `xafs --version` in fresh processes, and peak memory.
 * Figures are compared with Larch 0.9.58 on the same machine (the numbers), with the
 * targets, and with bench/baseline.json when it exists. See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST_INDEX = join(ROOT, 'dist', 'index.js');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const OUT_DIR = join(ROOT, 'bench', 'out');
const OUT_FILE = join(OUT_DIR, 'latest.json');
const BASELINE_FILE = join(ROOT, 'bench', 'baseline.json');

const USAGE = `usage: node bench/run.mjs [--quick] [--json] [--core]
  --quick   shorter batches and a 300-spectrum series (rough figures in a few seconds); the topic
            benches below run with --quick too
  --json    print only the core JSON report (also written to bench/out/latest.json); no topic benches
  --core    only the core figures (this file), not the topic benches

After the core figures, the topic benches run one after another, each printing its own table and
writing bench/out/<topic>.json: speed.mjs (per-step costs of the batch workloads), batch.mjs
(issue 5: xafs batch over 10^4-10^5 generated spectra, 1 and 2 workers, peak RSS, truth),
wavelet.mjs, fit-shell.mjs, feff.mjs.`;

const argv = process.argv.slice(2);
for (const a of argv) {
  if (a === '--help' || a === '-h') {
    console.log(USAGE);
    process.exit(0);
  }
  if (a !== '--quick' && a !== '--json' && a !== '--core') {
    console.error(`bench: unknown option '${a}'\n${USAGE}`);
    process.exit(2);
  }
}
const QUICK = argv.includes('--quick');
const JSON_ONLY = argv.includes('--json');
const CORE_ONLY = argv.includes('--core') || JSON_ONLY;

if (!existsSync(DIST_INDEX) || !existsSync(CLI)) {
  console.error('bench: dist/ is missing; build first with `npm run build` (or run `npm run bench`, which builds)');
  process.exit(2);
}
warnIfStale();

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const xafs = await import(pathToFileURL(DIST_INDEX).href);
const { readSpectrum, preEdge, autobk, xftf, xftr, processSpectrum } = xafs;
// Diagnostic only: the size of the WASM linear memory (same module instance as dist/wasm.js uses,
// ESM modules being singletons); the library itself reaches the bindings only through src/wasm.ts.
let wasmMemory = null;
try {
  wasmMemory = (await import(pathToFileURL(join(ROOT, 'build', 'release.js')).href)).memory ?? null;
} catch {
  wasmMemory = null;
}

// ---------------------------------------------------------------------------------------------
// Fixed inputs and settings

/** The fixture spectra and the μ expression each one needs (fixtures/README.md). */
const FIXTURES = [
  { file: 'cu_metal_rt.xdi', mu: 'ln(i0/itrans)' },
  { file: 'cu_romanglass.xdi', mu: 'ifluor/i0' },
  { file: 'fe2o3_rt1.xmu', mu: 'mu' },
  { file: 'feo_rt1.xdi', mu: 'mutrans' },
  { file: 'v_foil.xdi', mu: 'ln(i0/i1)' },
  { file: 'znse_zn_xafs.001', mu: 'ln(i0/i1)' },
];
const SERIES_SOURCE = 0; // cu_metal_rt.xdi

const AUTOBK = { rbkg: 1, kweight: 2 };
/** kmax 12 Å⁻¹, or a little below the data end where χ(k) stops earlier (cu_romanglass: 9.85 Å⁻¹). */
const KMAX = 12;
const XFTF = { kmin: 3, kmax: KMAX, dk: 1, window: 'hanning', kweight: 2 };
const XFTR = { rmin: 1, rmax: 3, dr: 0.1, window: 'hanning' };

/** Larch 0.9.58 on the same machine (the issue), ms per spectrum. */
const LARCH = { read: 0.9, preEdge: 2.4, autobk: 13.9, ft: 0.4 };
LARCH.pipeline = LARCH.read + LARCH.preEdge + LARCH.autobk + LARCH.ft; // 17.6
LARCH.process = LARCH.preEdge + LARCH.autobk + LARCH.ft; // 16.7: a series is already in memory
const TARGET = { pipelineUs: 100, importMs: 50, versionMs: 150 };

const CFG = QUICK
  ? { budgetMs: 60, batches: 5, warmMs: 20, seriesN: 300, seriesChunks: 5, startupRuns: 3, pool: 24 }
  : { budgetMs: 250, batches: 7, warmMs: 60, seriesN: 2000, seriesChunks: 8, startupRuns: 5, pool: 32 };
/** Series noise: Gaussian, σ = this × edge step (0.1 %, leaves find_e0 on the same grid point). */
const NOISE = 1e-3;
/** Series edge steps: the original times 0.8 … 1.2. */
const STEP_SPREAD = 0.4;
const SEED = 0x5eed;
/** Spectra processed before timing a series (separate from the N timed ones). */
const SERIES_WARM = 20;

// ---------------------------------------------------------------------------------------------
// Helpers

let sink; // results are stored here so that no call can be optimised away

/**
 * A full collection before each measurement, so that garbage left by the previous one (the series
 * inputs above all) is not collected on this one's time. Without --expose-gc, V8 still hands out
 * gc() to a new context once the flag is set.
 */
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc');

function progress(msg) {
  if (!JSON_ONLY) process.stderr.write(`bench: ${msg}\n`);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Seeded PRNG (mulberry32): the same series on every run and machine. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function gaussian(rand) {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** High-water marks of process.memoryUsage(), sampled during the runs (bytes). */
const peak = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0, wasm: 0 };
function sampleMemory() {
  const m = process.memoryUsage();
  for (const k of ['rss', 'heapUsed', 'external', 'arrayBuffers']) if (m[k] > peak[k]) peak[k] = m[k];
  if (wasmMemory && wasmMemory.buffer.byteLength > peak.wasm) peak.wasm = wasmMemory.buffer.byteLength;
}

/**
 * µs per call of fn(i): warm up (JIT, caches) for warmMs, estimate the cost, then run `batches`
 * batches of equal repetitions filling budgetMs; the figure is the median batch, the spread
 * (max − min)/median says how noisy the machine was.
 */
function measure(fn, { budgetMs = CFG.budgetMs, batches = CFG.batches, warmMs = CFG.warmMs } = {}) {
  collect();
  let i = 0;
  const w0 = performance.now();
  let n = 0;
  while (performance.now() - w0 < warmMs || n < 3) {
    sink = fn(i++);
    n++;
  }
  const c0 = performance.now();
  for (let j = 0; j < 3; j++) sink = fn(i++);
  const est = Math.max((performance.now() - c0) / 3, 1e-4);
  const reps = Math.max(1, Math.round(budgetMs / batches / est));
  const per = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) sink = fn(i++);
    per.push(((performance.now() - t0) / reps) * 1000);
  }
  sampleMemory();
  return summary(per, reps);
}

function summary(perUs, reps) {
  const med = median(perUs);
  const min = Math.min(...perUs);
  const max = Math.max(...perUs);
  return { us: round(med, 3), min: round(min, 3), max: round(max, 3), spread: round((max - min) / med, 3), reps, batches: perUs.length };
}

/** Another energy grid for the same μ: E·(1 + s) + δ, so E − e0 (and so autobk's plan) changes. */
function regrid(energy, s, delta) {
  return energy.map((e) => e * (1 + s) + delta);
}

function kmaxFor(kLast) {
  // 0.1 Å⁻¹ of room so re-gridded copies (whose χ(k) may end one 0.05 step earlier) still fit
  return Math.min(KMAX, round(Math.floor((kLast - 0.1) / 0.05 + 1e-9) * 0.05, 2));
}

function round(x, digits) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

// ---------------------------------------------------------------------------------------------
// 1. Stages on each fixture

function benchFixture(fx) {
  const path = join(ROOT, 'fixtures', 'spectra', fx.file);
  const spec = readSpectrum(path, { mu: fx.mu });
  const pe = preEdge(spec);
  const group = { energy: spec.energy, mu: spec.mu, e0: pe.e0, edgeStep: pe.edgeStep };
  const bk = autobk(group, AUTOBK);
  const kmax = kmaxFor(bk.k[bk.k.length - 1]);
  const ftOpts = { ...XFTF, kmax };
  const procOpts = { autobk: AUTOBK, xftf: ftOpts, xftr: XFTR };

  // A pool of re-gridded copies, more than the 16 plans src/wasm.ts keeps, cycled so that every
  // autobk call builds its plan (the cost of a spectrum on a grid never seen before, as in Larch).
  const rand = mulberry32(SEED + fx.file.length);
  const pool = Array.from({ length: CFG.pool }, () => {
    const energy = regrid(spec.energy, (rand() - 0.5) * 2e-4, (rand() - 0.5) * 2);
    const p = preEdge({ energy, mu: spec.mu });
    return { energy, mu: spec.mu, e0: p.e0, edgeStep: p.edgeStep };
  });
  const P = pool.length;

  progress(`${fx.file}: ${spec.energy.length} points, kmax ${round(kmax, 2)} Å⁻¹`);
  const stages = {
    read: measure(() => readSpectrum(path, { mu: fx.mu })),
    preEdge: measure(() => preEdge(spec)),
    autobkNew: measure((i) => autobk(pool[i % P], AUTOBK)),
    autobkCached: measure(() => autobk(group, AUTOBK)),
    ft: measure(() => xftr(xftf(bk, ftOpts), XFTR)),
    // read the file, then process a spectrum on a grid not seen before (a fresh spectrum)
    pipeline: measure((i) => {
      sink = readSpectrum(path, { mu: fx.mu });
      const s = pool[i % P];
      return processSpectrum({ energy: s.energy, mu: s.mu }, procOpts);
    }),
  };
  return { file: fx.file, mu: fx.mu, points: spec.energy.length, e0: pe.e0, edgeStep: round(pe.edgeStep, 6), kmax: round(kmax, 2), nfev: bk.autobkDetails.nfev, stages };
}

// ---------------------------------------------------------------------------------------------
// 2. Series

/** N + SERIES_WARM copies of cu_metal_rt's μ with noise and a varying edge step, on its own grid. */
function makeSeriesMu(spec, count) {
  const pe = preEdge(spec);
  const line = pe.preEdgeLine;
  const rand = mulberry32(SEED);
  const out = [];
  for (let i = 0; i < count; i++) {
    const scale = 1 - STEP_SPREAD / 2 + STEP_SPREAD * rand();
    const sigma = NOISE * pe.edgeStep;
    const mu = new Float64Array(spec.mu.length);
    for (let j = 0; j < mu.length; j++) mu[j] = line[j] + (spec.mu[j] - line[j]) * scale + sigma * gaussian(rand);
    out.push(mu);
  }
  return out;
}

/** Time processSpectrum over a series in chunks; keeps |χ(R)| of each (what a series plot needs). */
function runSeries(name, spectra, procOpts) {
  const n = spectra.length - SERIES_WARM;
  collect();
  for (let i = n; i < spectra.length; i++) sink = processSpectrum(spectra[i], procOpts);
  sampleMemory();
  const kept = new Array(n);
  const e0s = new Float64Array(n);
  const per = [];
  const chunk = Math.ceil(n / CFG.seriesChunks);
  const t0 = performance.now();
  for (let c = 0; c < n; c += chunk) {
    const end = Math.min(n, c + chunk);
    const tc = performance.now();
    for (let i = c; i < end; i++) {
      const r = processSpectrum(spectra[i], procOpts);
      kept[i] = r.ft.chirMag;
      e0s[i] = r.e0;
      if (i % 50 === 0) sampleMemory();
    }
    per.push(((performance.now() - tc) / (end - c)) * 1000);
  }
  const totalMs = performance.now() - t0;
  sampleMemory();
  sink = kept;
  progress(`${name}: ${n} spectra in ${totalMs.toFixed(0)} ms`);
  // e0 on the same grid point for every spectrum is what lets them share autobk's plan
  const ie0 = new Set(spectra.slice(0, n).map((s, i) => s.energy.findIndex((e) => e >= e0s[i])));
  return { ...summary(per, chunk), spectra: n, totalMs: round(totalMs, 1), distinctE0Index: ie0.size };
}

function benchSeries() {
  const fx = FIXTURES[SERIES_SOURCE];
  const spec = readSpectrum(join(ROOT, 'fixtures', 'spectra', fx.file), { mu: fx.mu });
  const count = CFG.seriesN + SERIES_WARM;
  const mus = makeSeriesMu(spec, count);
  const bk = autobk({ ...spec, ...preEdge(spec) }, AUTOBK);
  const procOpts = { autobk: AUTOBK, xftf: { ...XFTF, kmax: kmaxFor(bk.k[bk.k.length - 1]) }, xftr: XFTR };
  const rand = mulberry32(SEED + 1);

  // one grid: the plan is built once and reused by every spectrum
  const shared = mus.map((mu) => ({ energy: spec.energy, mu }));
  // a calibration shift per spectrum: E + δ, δ in ±1 eV; E − e0 comes out bit for bit the same
  // (both round δ on the same binade), so these share the plan too
  const shifted = mus.map((mu) => ({ energy: regrid(spec.energy, 0, (rand() - 0.5) * 2), mu }));
  // a different grid per spectrum: E·(1 + s) + δ, s in ±1e-4, δ in ±1 eV (E − e0 differs)
  const regridded = mus.map((mu) => ({ energy: regrid(spec.energy, (rand() - 0.5) * 2e-4, (rand() - 0.5) * 2), mu }));
  sampleMemory();

  return {
    source: fx.file,
    noise: NOISE,
    stepSpread: STEP_SPREAD,
    seed: SEED,
    shared: runSeries('series, shared grid', shared, procOpts),
    shifted: runSeries('series, shifted grids', shifted, procOpts),
    regridded: runSeries('series, different grids', regridded, procOpts),
  };
}

// ---------------------------------------------------------------------------------------------
// 2b. EXAFS fits from processed χ(k) (data loading and autobk excluded, as Larch's 86.5 ms)

const FITS = [
  {
    id: 'fitCu1Shell',
    label: 'fit Cu 1 shell (4 var)',
    larchMs: 86.5,
    targetUs: 1000,
    data: 'spectra/cu_metal_rt.xdi',
    mu: 'mutrans',
    autobk: { rbkg: 1, kweight: 2 },
    transform: { kmin: 3, kmax: 17, kweight: 2, dk: 4, window: 'kaiser', rmin: 1.4, rmax: 3.0, fitspace: 'r' },
    params: { amp: { value: 1, vary: true }, del_e0: { value: 0, vary: true }, sig2: { value: 0, vary: true }, del_r: { value: 0, vary: true } },
    paths: [{ feff: 'fits/feffcu01.dat', s02: 'amp', e0: 'del_e0', sigma2: 'sig2', deltar: 'del_r' }],
  },
  {
    id: 'fitDualAtom',
    label: 'fit dual-atom 2 shells (7 var)',
    larchMs: null,
    targetUs: 3000,
    data: 'fits/ru_dualatom.xdi',
    mu: 'ifluor/i0',
    autobk: { rbkg: 1, kweight: 2 },
    transform: { kmin: 3, kmax: 12, kweight: 2, dk: 1, window: 'hanning', rmin: 1.0, rmax: 3.0, fitspace: 'r' },
    params: { s02: { value: 0.92 }, de0: { value: 0, vary: true }, n1: { value: 3, vary: true }, r1: { value: 0, vary: true }, ss1: { value: 0.005, vary: true }, n2: { value: 1, vary: true }, r2: { value: 0, vary: true }, ss2: { value: 0.005, vary: true } },
    paths: [
      { feff: 'fits/ru_feff0001.dat', degen: 1, s02: 's02*n1', e0: 'de0', deltar: 'r1', sigma2: 'ss1' },
      { feff: 'fits/ru_feff0002.dat', degen: 1, s02: 's02*n2', e0: 'de0', deltar: 'r2', sigma2: 'ss2' },
    ],
  },
];

async function benchFits() {
  const { feffit, pathExprs } = await import(pathToFileURL(join(ROOT, 'dist', 'fit', 'feffit.js')).href);
  const { ParamSet } = await import(pathToFileURL(join(ROOT, 'dist', 'fit', 'params.js')).href);
  const { loadFeffPath } = await import(pathToFileURL(join(ROOT, 'dist', 'fit', 'feffPath.js')).href);
  return FITS.map((f) => {
    const s = readSpectrum(join(ROOT, 'fixtures', f.data), { mu: f.mu });
    const bk = autobk({ ...s, ...preEdge(s) }, f.autobk);
    const pathParams = f.paths.map(({ feff, ...p }) => p);
    const ps = new ParamSet(f.params, { extra: pathExprs([{ paths: pathParams.map((params) => ({ params })) }]) });
    const input = [{ file: f.data, k: bk.k, chi: bk.chi, transform: f.transform, paths: f.paths.map((p, j) => ({ path: loadFeffPath(join(ROOT, 'fixtures', p.feff)), params: pathParams[j] })) }];
    let last;
    const m = measure(() => {
      last = feffit(ps, input);
    });
    return { ...f, ...m, nfev: last.statistics.nfev, rfactor: last.statistics.rfactor };
  });
}

// ---------------------------------------------------------------------------------------------
// 2c. XANES on the bundled Fe series: LCF per spectrum and valence (half) of a 10 000-spectrum
// series built from it in memory (reading excluded; Larch 6.2 ms per spectrum with read+pre_edge)

async function benchXanes() {
  const imp = (m) => import(pathToFileURL(join(ROOT, 'dist', ...m.split('/'))).href);
  const { loadSeries } = await imp('xanes/inputs.js');
  const { prepareGroup } = await imp('xanes/matrix.js');
  const { lcfSeries } = await imp('xanes/lcf.js');
  const { valence } = await imp('xanes/valence.js');
  const series = loadSeries([join(ROOT, 'fixtures', 'series', 'fe_series.dat')]);
  const refs = ['FeO', 'Fe2O3'].map((n) => loadSeries([join(ROOT, 'fixtures', 'series', `fe_ref_${n}.xdi`)])[0]);
  const standards = refs.map((r, i) => prepareGroup({ ...r, name: ['FeO', 'Fe2O3'][i] }));
  // LCF alone (samples normalized once) and with normalization (prepareGroup = pre_edge)
  const groups = series.map((s) => prepareGroup(s));
  const lcfOnly = measure(() => lcfSeries(groups, standards, { sumToOne: true }), { budgetMs: CFG.budgetMs / 2 });
  const lcfNorm = measure(() => lcfSeries(series.map((s) => prepareGroup(s)), standards, { sumToOne: true }), { budgetMs: CFG.budgetMs / 2 });
  const n = QUICK ? 2000 : 10000;
  const big = Array.from({ length: n }, (_, i) => series[i % series.length]);
  const vrefs = refs.map((r, i) => ({ ...r, valence: i + 2 }));
  const t0 = performance.now();
  valence(vrefs, big, { method: 'half' });
  const valMs = performance.now() - t0;
  sampleMemory();
  return {
    lcf: { ...lcfOnly, us: lcfOnly.us / series.length, min: lcfOnly.min / series.length, spectra: series.length },
    lcfNorm: { ...lcfNorm, us: lcfNorm.us / series.length, min: lcfNorm.min / series.length, spectra: series.length },
    valence: { n, ms: valMs, us: (valMs * 1000) / n },
  };
}

// ---------------------------------------------------------------------------------------------
// 3. Start-up, in fresh processes

function spawnTimed(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: ROOT });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`bench: \`node ${args.join(' ')}\` failed (exit ${r.status}): ${r.stderr}`);
  return { ms, stdout: r.stdout.trim() };
}

function benchStartup() {
  const url = pathToFileURL(DIST_INDEX).href;
  const importScript = `const t = performance.now(); await import(${JSON.stringify(url)}); process.stdout.write(String(performance.now() - t));`;
  const imp = [];
  const ver = [];
  const floor = [];
  let versionOut = '';
  for (let r = 0; r < CFG.startupRuns; r++) {
    imp.push(Number(spawnTimed(['--input-type=module', '-e', importScript]).stdout));
    const v = spawnTimed([CLI, '--version']);
    ver.push(v.ms);
    versionOut = v.stdout;
    floor.push(spawnTimed(['-e', '0']).ms);
  }
  if (versionOut !== pkg.version) progress(`warning: \`xafs --version\` printed '${versionOut}', package.json says ${pkg.version}`);
  const s = (xs) => ({ ms: round(median(xs), 2), min: round(Math.min(...xs), 2), max: round(Math.max(...xs), 2), runs: xs.map((x) => round(x, 2)) });
  return { import: s(imp), version: { ...s(ver), output: versionOut }, nodeFloor: s(floor) };
}

// ---------------------------------------------------------------------------------------------
// Run

const started = performance.now();
const loadBefore = os.loadavg();
sampleMemory();

progress(`start-up (${CFG.startupRuns} fresh processes each)`);
const startup = benchStartup();

const fixtures = FIXTURES.map(benchFixture);

progress(`series of ${CFG.seriesN} spectra from ${FIXTURES[SERIES_SOURCE].file}`);
const series = benchSeries();
sampleMemory();

progress('EXAFS fits');
const fits = await benchFits();

progress('XANES: LCF and valence on the Fe series');
const xanes = await benchXanes();

const mean = (key) => fixtures.reduce((a, f) => a + f.stages[key].us, 0) / fixtures.length;
const meanBest = (key) => fixtures.reduce((a, f) => a + f.stages[key].min, 0) / fixtures.length;
const maxSpread = (key) => Math.max(...fixtures.map((f) => f.stages[key].spread));

/** One row of the table: µs per spectrum against Larch (ms) and the target (µs). */
function row(id, label, us, best, spread, larchMs, targetUs, n) {
  return {
    id,
    label,
    us: round(us, 2),
    bestUs: round(best, 2),
    perSecond: round(1e6 / us, 1),
    spread: round(spread, 3),
    larchMs: larchMs ?? null,
    speedup: larchMs ? round((larchMs * 1000) / us, 2) : null,
    targetUs: targetUs ?? null,
    vsTarget: targetUs ? round(us / targetUs, 3) : null,
    n,
  };
}
const nf = fixtures.length;
const rows = [
  row('read', 'readSpectrum', mean('read'), meanBest('read'), maxSpread('read'), LARCH.read, null, nf),
  row('preEdge', 'preEdge', mean('preEdge'), meanBest('preEdge'), maxSpread('preEdge'), LARCH.preEdge, null, nf),
  row('autobk', 'autobk, new grid', mean('autobkNew'), meanBest('autobkNew'), maxSpread('autobkNew'), LARCH.autobk, null, nf),
  row('autobkCached', 'autobk, plan cached', mean('autobkCached'), meanBest('autobkCached'), maxSpread('autobkCached'), LARCH.autobk, null, nf),
  row('ft', 'xftf + xftr', mean('ft'), meanBest('ft'), maxSpread('ft'), LARCH.ft, null, nf),
  row('pipeline', 'pipeline read→xftr', mean('pipeline'), meanBest('pipeline'), maxSpread('pipeline'), LARCH.pipeline, TARGET.pipelineUs, nf),
  row('seriesShared', 'series, one grid', series.shared.us, series.shared.min, series.shared.spread, LARCH.process, TARGET.pipelineUs, series.shared.spectra),
  row('seriesShifted', 'series, E+δ grids', series.shifted.us, series.shifted.min, series.shifted.spread, LARCH.process, TARGET.pipelineUs, series.shifted.spectra),
  row('seriesRegridded', 'series, new grids', series.regridded.us, series.regridded.min, series.regridded.spread, LARCH.process, TARGET.pipelineUs, series.regridded.spectra),
  ...fits.map((f) => row(f.id, f.label, f.us, f.min, f.spread, f.larchMs, f.targetUs, 1)),
  row('lcf', 'LCF 2 standards (normalized)', xanes.lcf.us, xanes.lcf.min, xanes.lcf.spread, null, 60, xanes.lcf.spectra),
  row('lcfNorm', 'pre_edge + LCF 2 standards', xanes.lcfNorm.us, xanes.lcfNorm.min, xanes.lcfNorm.spread, 6.2, 60, xanes.lcfNorm.spectra),
  row('valence', `valence (half), ${xanes.valence.n} spectra`, xanes.valence.us, xanes.valence.us, 0, null, 200, xanes.valence.n),
];
const startupRows = [
  { id: 'import', label: 'import + WASM', ms: startup.import.ms, spread: (startup.import.max - startup.import.min) / startup.import.ms, targetMs: TARGET.importMs },
  { id: 'version', label: 'xafs --version', ms: startup.version.ms, spread: (startup.version.max - startup.version.min) / startup.version.ms, targetMs: TARGET.versionMs },
  { id: 'nodeFloor', label: 'node -e 0 (floor)', ms: startup.nodeFloor.ms, spread: (startup.nodeFloor.max - startup.nodeFloor.min) / startup.nodeFloor.ms, targetMs: null },
].map((r) => ({ ...r, spread: round(r.spread, 3), vsTarget: r.targetMs ? round(r.ms / r.targetMs, 3) : null }));

const MB = 1024 * 1024;
const memory = {
  peakRssMB: round(peak.rss / MB, 1),
  maxRssMB: round((process.resourceUsage().maxRSS * 1024) / MB, 1),
  peakHeapUsedMB: round(peak.heapUsed / MB, 1),
  peakExternalMB: round(peak.external / MB, 1),
  peakArrayBuffersMB: round(peak.arrayBuffers / MB, 1),
  wasmMemoryMB: wasmMemory ? round(peak.wasm / MB, 1) : null,
};

const cpus = os.cpus();
const report = {
  schema: 1,
  package: `${pkg.name}@${pkg.version}`,
  date: new Date().toISOString(),
  mode: QUICK ? 'quick' : 'full',
  machine: {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    loadavg: { before: loadBefore.map((x) => round(x, 2)), after: os.loadavg().map((x) => round(x, 2)) },
  },
  settings: { autobk: AUTOBK, xftf: XFTF, xftr: XFTR, ...CFG, noise: NOISE, stepSpread: STEP_SPREAD, seed: SEED },
  larchMs: LARCH,
  targets: TARGET,
  rows,
  startup: startupRows,
  memory,
  fixtures,
  series,
  startupRuns: startup,
  elapsedS: round((performance.now() - started) / 1000, 1),
};

let baseline = null;
if (existsSync(BASELINE_FILE)) {
  try {
    baseline = JSON.parse(readFileSync(BASELINE_FILE, 'utf8'));
  } catch (e) {
    progress(`warning: bench/baseline.json is not valid JSON (${e.message}); ignored`);
  }
}
if (baseline) {
  const byId = new Map([...(baseline.rows ?? []), ...(baseline.startup ?? [])].map((r) => [r.id, r]));
  for (const r of rows) {
    const b = byId.get(r.id);
    r.vsBaseline = b?.us ? round(r.us / b.us, 3) : null;
  }
  for (const r of startupRows) {
    const b = byId.get(r.id);
    r.vsBaseline = b?.ms ? round(r.ms / b.ms, 3) : null;
  }
  const bm = baseline.memory?.peakRssMB;
  memory.vsBaseline = bm ? round(memory.peakRssMB / bm, 3) : null;
  report.baseline = { date: baseline.date ?? null, package: baseline.package ?? null, mode: baseline.mode ?? null };
}

mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(OUT_FILE, JSON.stringify(report, null, 2) + '\n');

if (JSON_ONLY) {
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
} else {
  printReport(report);
}

// Topic benches, each a standalone program (run them alone for details; see their headers).
if (!CORE_ONLY) {
  for (const topic of ['speed', 'batch', 'wavelet', 'fit-shell', 'feff']) {
    const file = join(ROOT, 'bench', `${topic}.mjs`);
    if (!existsSync(file)) continue;
    console.log(`\n=== bench/${topic}.mjs${QUICK ? ' --quick' : ''} ===`);
    const r = spawnSync(process.execPath, [file, ...(QUICK ? ['--quick'] : [])], { stdio: 'inherit' });
    if (r.status !== 0) console.log(`bench/${topic}.mjs exited with ${r.status ?? r.signal}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Printing

function fmt(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
function fmtN(x) {
  if (x === null || x === undefined) return '—';
  return Math.round(x).toLocaleString('en-US');
}
function pad(s, w, left = false) {
  s = String(s);
  return left ? s.padEnd(w) : s.padStart(w);
}
function verdict(ratio) {
  if (ratio === null) return '—';
  return `${fmt(ratio, 2)} ${ratio <= 1 ? 'ok' : 'over'}`;
}
function table(header, lines, leftCols = 1) {
  const all = [header, ...lines];
  const widths = header.map((_, c) => Math.max(...all.map((l) => String(l[c]).length)));
  const out = (l) => l.map((v, c) => pad(v, widths[c], c < leftCols)).join('  ').trimEnd();
  console.log(out(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(l === null ? '' : out(l));
}

function printReport(rep) {
  const hasBase = Boolean(rep.baseline);
  const m = rep.machine;
  console.log(
    `${rep.package} bench (${rep.mode}) · node ${m.node} · ${m.cores} × ${m.cpu} · load ${m.loadavg.before.join(' ')} → ${m.loadavg.after.join(' ')} · ${rep.elapsedS} s`,
  );
  console.log(
    `autobk rbkg 1 kweight 2 · xftf k 3–12 dk 1 hanning kw 2 · xftr R 1–3 dr 0.1 hanning · stages: mean over ${rep.fixtures.length} fixtures, median of ${CFG.batches} batches`,
  );
  console.log('');
  const head = ['stage', 'µs/spectrum', 'best µs', 'spectra/s', '±%', 'Larch ms', 'vs Larch', 'target µs', 'µs/target'];
  if (hasBase) head.push('vs base');
  table(
    head,
    rep.rows.map((r) => {
      const l = [r.label, fmt(r.us), fmt(r.bestUs), fmtN(r.perSecond), fmt(r.spread * 100, 0), fmt(r.larchMs), r.speedup ? `${fmt(r.speedup, 1)}×` : '—', r.targetUs ?? '—', verdict(r.vsTarget)];
      if (hasBase) l.push(r.vsBaseline ? fmt(r.vsBaseline, 2) : '—');
      return l;
    }),
  );
  console.log('');
  const shead = ['start-up', 'ms', '±%', 'target ms', 'ms/target'];
  if (hasBase) shead.push('vs base');
  table(
    shead,
    rep.startup.map((r) => {
      const l = [r.label, fmt(r.ms), fmt(r.spread * 100, 0), r.targetMs ?? '—', verdict(r.vsTarget)];
      if (hasBase) l.push(r.vsBaseline ? fmt(r.vsBaseline, 2) : '—');
      return l;
    }),
  );
  console.log('');
  const mem = rep.memory;
  console.log(
    `memory (high-water, sampled): rss ${fmt(mem.peakRssMB)} MB (OS maxRSS ${fmt(mem.maxRssMB)} MB) · heapUsed ${fmt(mem.peakHeapUsedMB)} MB · ` +
      `external ${fmt(mem.peakExternalMB)} MB (incl. WASM memory ${fmt(mem.wasmMemoryMB)} MB) · arrayBuffers ${fmt(mem.peakArrayBuffersMB)} MB` +
      (hasBase && mem.vsBaseline ? ` · rss vs base ${fmt(mem.vsBaseline, 2)}` : ''),
  );
  console.log('');
  table(
    ['fixture (µs/spectrum)', 'points', 'kmax', 'nfev', 'read', 'preEdge', 'autobk new', 'autobk cached', 'xftf+xftr', 'pipeline'],
    rep.fixtures.map((f) => [
      f.file,
      f.points,
      fmt(f.kmax, 2),
      f.nfev,
      fmt(f.stages.read.us),
      fmt(f.stages.preEdge.us),
      fmt(f.stages.autobkNew.us),
      fmt(f.stages.autobkCached.us),
      fmt(f.stages.ft.us),
      fmt(f.stages.pipeline.us),
    ]),
  );
  console.log('');
  const s = rep.series;
  console.log(
    `series: ${s.shared.spectra} spectra from ${s.source} (σ ${s.noise} × edge step, step × ${1 - s.stepSpread / 2}–${1 + s.stepSpread / 2}), pre_edge→xftr in memory; ` +
      `total ms: one grid ${fmtN(s.shared.totalMs)}, E+δ ${fmtN(s.shifted.totalMs)}, new grids ${fmtN(s.regridded.totalMs)}; distinct e0 grid points: ${s.shared.distinctE0Index}/${s.shifted.distinctE0Index}/${s.regridded.distinctE0Index}`,
  );
  console.log(
    'notes: pipeline = readSpectrum + processSpectrum on a grid not seen before; series rows exclude reading and compare with Larch 16.7 ms (2.4 + 13.9 + 0.4). ' +
      'best = fastest batch; ±% = (max − min)/median over batches (largest over the fixtures). µs/target ≤ 1 meets the target.',
  );
  if (hasBase) {
    const b = rep.baseline;
    console.log(`vs base = this run / bench/baseline.json (${b.package ?? '?'}, ${b.date ?? '?'}, ${b.mode ?? '?'} run): < 1 is faster.`);
    if (b.mode && b.mode !== rep.mode) console.log(`warning: the baseline is a ${b.mode} run and this is a ${rep.mode} run`);
  }
  // a median batch 15 % slower than the best one means something else took the CPU at times
  const noisy = rep.rows.filter((r) => r.us > 1.15 * r.bestUs).map((r) => r.label);
  if (m.loadavg.before[0] > m.cores * 0.5 || noisy.length > 0) {
    console.log(
      `warning: noisy figures (load ${m.loadavg.before[0]} on ${m.cores} cores before the run` +
        (noisy.length ? `; median > 1.15 × best for: ${noisy.join(', ')}` : '') +
        `); prefer the best column or run again on an idle machine`,
    );
  }
  console.log(`written: ${OUT_FILE.slice(ROOT.length)}`);
}

/** dist/ older than src/ or assembly/ gives figures for old code: say so (npm run bench builds first). */
function warnIfStale() {
  const newest = (dir) => {
    let t = 0;
    for (const name of readdirSync(dir, { recursive: true })) {
      const p = join(dir, String(name));
      if (/\.ts$/.test(p)) t = Math.max(t, statSync(p).mtimeMs);
    }
    return t;
  };
  try {
    const built = Math.min(statSync(DIST_INDEX).mtimeMs, statSync(join(ROOT, 'build', 'release.wasm')).mtimeMs);
    const src = Math.max(newest(join(ROOT, 'src')), newest(join(ROOT, 'assembly')));
    if (src > built) console.error('bench: warning: src/ or assembly/ is newer than the build; figures are for the old build (`npm run bench` rebuilds)');
  } catch {
    // a missing build/release.wasm is reported when the library fails to import
  }
}
