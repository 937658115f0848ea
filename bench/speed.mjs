#!/usr/bin/env node
/**
 * Per-spectrum costs of the three batch workloads (issue 5), step by step, single thread:
 *
 *   A. XANES: Fe spectrum of 1000 points, as src/series/batch/analyze.ts chains it:
 *      normalizeForEdges (pre_edge with find_e0) → edgesOfNormalized (deriv-fit, half) →
 *      applyCalibration (linear) → lcf (2 standards, sum-to-one, the default common shift).
 *   B. EXAFS per XDI file: readSpectrum (XDI, μ expression) → preEdge → autobk (plan cached:
 *      files from one beamline share the grid) → xftf.
 *   C. Series on one grid: processSpectrum (pre_edge → autobk → xftf → xftr) over in-memory μ.
 *
 *   node bench/speed.mjs                 (~20 s)
 *   node bench/speed.mjs --quick         (~6 s, rough)
 *   node bench/speed.mjs --json          (the figures as JSON on stdout)
 *   node bench/speed.mjs --cpu           (process CPU time instead of the wall clock)
 *   node bench/speed.mjs --only=xanes|exafs|series
 *   node bench/speed.mjs --ab=DIR        (A/B: DIR is another built checkout, e.g. the previous
 *                                         commit; both are timed in this process, interleaved)
 *
 * Imports the built library (dist/); run `npm run build` first. Writes bench/out/speed.json. Timing: warm-up, then rounds of
 * short batches (interleaved between the two builds with --ab, so that a busy machine slows both
 * alike); the figures are the fastest batch (`min`, the better estimate of the cost on a shared
 * machine) and the median batch, in µs per call.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const JSON_ONLY = argv.includes('--json');
const ONLY = argv.find((a) => a.startsWith('--only='))?.slice(7);
const AB = argv.find((a) => a.startsWith('--ab='))?.slice(5);
const CPU = argv.includes('--cpu');
const now = CPU
  ? () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    }
  : () => performance.now();
/** Rounds of batches, each batch filling about batchMs. */
const CFG = QUICK ? { rounds: 9, batchMs: 8, warmMs: 60 } : { rounds: 25, batchMs: 15, warmMs: 200 };

async function loadLib(root) {
  const imp = (m) => import(pathToFileURL(join(root, 'dist', ...m.split('/'))).href);
  const [core, inputs, matrix, lcfm, edge, valence] = await Promise.all([
    imp('index.js'),
    imp('xanes/inputs.js'),
    imp('xanes/matrix.js'),
    imp('xanes/lcf.js'),
    imp('xanes/edge.js'),
    imp('xanes/valence.js'),
  ]);
  return { ...core, ...inputs, ...matrix, ...lcfm, ...edge, ...valence, root };
}

const libs = [await loadLib(ROOT)];
if (AB) libs.push(await loadLib(AB));
const NAMES = AB ? ['this', 'ab'] : ['this'];

let sink;
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Times fns[l](i) for each library l, interleaved round by round: µs per call, min and median. */
function measure(fns) {
  const reps = fns.map((fn) => {
    let i = 0;
    const w0 = now();
    let n = 0;
    while (now() - w0 < CFG.warmMs / fns.length || n < 3) {
      sink = fn(i++);
      n++;
    }
    const c0 = performance.now();
    for (let j = 0; j < 3; j++) sink = fn(i++);
    const est = Math.max((performance.now() - c0) / 3, 1e-4);
    return Math.max(1, Math.round(CFG.batchMs / est));
  });
  const per = fns.map(() => []);
  for (let r = 0; r < CFG.rounds; r++) {
    fns.forEach((fn, l) => {
      const t0 = now();
      for (let k = 0; k < reps[l]; k++) sink = fn(k);
      per[l].push(((now() - t0) / reps[l]) * 1000);
    });
  }
  return per.map((p) => ({ min: +Math.min(...p).toFixed(2), med: +median(p).toFixed(2) }));
}

const report = {};
const log = (s) => {
  if (!JSON_ONLY) console.log(s);
};
function line(label, r, note = '') {
  const f = (x) => `${x.min.toFixed(1).padStart(8)} (${x.med.toFixed(1).padStart(7)})`;
  const ab = r.length > 1 ? `   ab ${f(r[1])}   ${(r[1].min / r[0].min).toFixed(2)}×` : '';
  log(`  ${label.padEnd(16)} ${f(r[0])}${ab}${note ? '   ' + note : ''}`);
}
const header = () => log(`  ${''.padEnd(16)} ${'min µs'.padStart(8)} (${'median'.padStart(7)})${AB ? `      A/B ${AB} (min, median)   speed-up` : ''}`);
const named = (r) => Object.fromEntries(r.map((x, l) => [NAMES[l], x]));

// ---- A. XANES ------------------------------------------------------------------------------
if (!ONLY || ONLY === 'xanes') {
  const data = libs.map((L) => {
    const series = L.loadSeries([join(ROOT, 'fixtures', 'series', 'fe_series.dat')]);
    const refsRaw = ['FeO', 'Fe2O3'].map((n) => ({ ...L.loadSeries([join(ROOT, 'fixtures', 'series', `fe_ref_${n}.xdi`)])[0], name: n }));
    const standards = refsRaw.map((r) => L.prepareGroup(r));
    const edgeOpts = { methods: ['deriv-fit', 'half'], whiteLine: false };
    // linear calibration on the references' deriv-fit edges (valences 2 and 3)
    const cal = L.calibrate(
      refsRaw.map((r, i) => {
        const e = L.edgePositions(r, edgeOpts).edges['deriv-fit'];
        return { edge: e.energy, edgeStderr: e.stderr, valence: i + 2, source: r.name };
      }),
      'linear',
    );
    const norms = series.map((s) => L.normalizeForEdges(s, { makeFlat: false }));
    const groups = norms.map((nz, i) => {
      const { pre1, pre2, norm1, norm2, nnorm } = nz.pre.preEdge;
      return { name: `s${i}`, source: `s${i}`, energy: nz.energy, e0: nz.e0, edgeStep: nz.edgeStep, norm: nz.norm, flat: nz.flat, dmude: nz.pre.dmude, preEdgeParams: { pre1, pre2, norm1, norm2, nnorm } };
    });
    return { L, series, standards, edgeOpts, cal, norms, groups };
  });
  const S = data[0].series.length;
  const lcfOpts = { sumToOne: true };
  const steps = {
    normalize: measure(data.map((d) => (i) => d.L.normalizeForEdges(d.series[i % S], { makeFlat: false }))),
    edges: measure(data.map((d) => (i) => d.L.edgesOfNormalized(d.norms[i % S], d.edgeOpts))),
    valence: measure(data.map((d) => (i) => d.L.applyCalibration(d.cal, 7125 + (i % 7) * 0.1, 0.05))),
    lcf: measure(data.map((d) => (i) => d.L.lcf(d.groups[i % S], d.standards, lcfOpts, () => {}))),
  };
  // the whole per-spectrum analysis, as the batch engine chains it (src/series/batch/analyze.ts)
  const whole = measure(
    data.map((d) => (i) => {
      const L = d.L;
      const nz = L.normalizeForEdges(d.series[i % S], { makeFlat: false });
      const rep = L.edgesOfNormalized(nz, d.edgeOpts);
      const e = rep.edges['deriv-fit'];
      const v = L.applyCalibration(d.cal, e.energy, e.stderr);
      const { pre1, pre2, norm1, norm2, nnorm } = nz.pre.preEdge;
      const g = { name: 's', source: 's', energy: nz.energy, e0: nz.e0, edgeStep: nz.edgeStep, norm: nz.norm, flat: nz.flat, dmude: nz.pre.dmude, preEdgeParams: { pre1, pre2, norm1, norm2, nnorm } };
      return [v, L.lcf(g, d.standards, lcfOpts, () => {}), rep];
    }),
  );
  report.xanes = { spectra: S, points: data[0].series[0].energy.length, steps: Object.fromEntries(Object.entries(steps).map(([k, r]) => [k, named(r)])), whole: named(whole) };
  log(`A. XANES (Fe, ${data[0].series[0].energy.length} points, ${S} spectra cycled)`);
  header();
  for (const [k, r] of Object.entries(steps)) line(k, r);
  line('whole', whole, 'target ≤ 120');
}

// ---- B. EXAFS per XDI file -----------------------------------------------------------------
if (!ONLY || ONLY === 'exafs') {
  const FILES = [
    { file: 'cu_metal_rt.xdi', mu: 'ln(i0/itrans)' },
    { file: 'feo_rt1.xdi', mu: 'mutrans' },
    { file: 'v_foil.xdi', mu: 'ln(i0/i1)' },
    { file: 'cu_romanglass.xdi', mu: 'ifluor/i0' },
  ];
  const AUTOBK = { rbkg: 1, kweight: 2 };
  report.exafs = [];
  log('B. EXAFS per XDI file (read → preEdge → autobk (plan cached) → xftf)');
  for (const fx of FILES) {
    const path = join(ROOT, 'fixtures', 'spectra', fx.file);
    const data = libs.map((L) => {
      const spec = L.readSpectrum(path, { mu: fx.mu });
      const pe = L.preEdge(spec);
      const g = { energy: spec.energy, mu: spec.mu, e0: pe.e0, edgeStep: pe.edgeStep };
      const bk = L.autobk(g, AUTOBK);
      const kmax = Math.min(12, Math.floor((bk.k[bk.k.length - 1] - 0.1) / 0.05) * 0.05);
      return { L, spec, g, bk, ft: { kmin: 3, kmax, dk: 1, window: 'hanning', kweight: 2 } };
    });
    const steps = {
      read: measure(data.map((d) => () => d.L.readSpectrum(path, { mu: fx.mu }))),
      preEdge: measure(data.map((d) => () => d.L.preEdge(d.spec))),
      autobk: measure(data.map((d) => () => d.L.autobk(d.g, AUTOBK))),
      xftf: measure(data.map((d) => () => d.L.xftf(d.bk, d.ft))),
    };
    const whole = measure(
      data.map((d) => () => {
        const L = d.L;
        const s = L.readSpectrum(path, { mu: fx.mu });
        const p = L.preEdge(s);
        const b = L.autobk({ energy: s.energy, mu: s.mu, e0: p.e0, edgeStep: p.edgeStep }, AUTOBK);
        return L.xftf(b, d.ft);
      }),
    );
    report.exafs.push({ file: fx.file, points: data[0].spec.energy.length, steps: Object.fromEntries(Object.entries(steps).map(([k, r]) => [k, named(r)])), whole: named(whole) });
    log(`  ${fx.file} (${data[0].spec.energy.length} points)`);
    for (const [k, r] of Object.entries(steps)) line(k, r);
    line('whole', whole, 'target ≤ 800 incl. read');
  }
}

// ---- C. Series on one grid -----------------------------------------------------------------
if (!ONLY || ONLY === 'series') {
  const opts = { autobk: { rbkg: 1, kweight: 2 }, xftf: { kmin: 3, kmax: 12, dk: 1, window: 'hanning', kweight: 2 }, xftr: { rmin: 1, rmax: 3, dr: 0.1, window: 'hanning' } };
  const N = 64;
  const data = libs.map((L) => {
    const spec = L.readSpectrum(join(ROOT, 'fixtures', 'spectra', 'cu_metal_rt.xdi'), { mu: 'ln(i0/itrans)' });
    const pe = L.preEdge(spec);
    // noisy copies with varying edge steps (as bench/run.mjs makes them), the same for every build
    let seed = 0x5eed;
    const rand = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const mus = Array.from({ length: N }, () => {
      const scale = 0.8 + 0.4 * rand();
      const mu = new Float64Array(spec.mu.length);
      for (let j = 0; j < mu.length; j++) mu[j] = pe.preEdgeLine[j] + (spec.mu[j] - pe.preEdgeLine[j]) * scale + 1e-3 * pe.edgeStep * gauss();
      return { energy: spec.energy, mu };
    });
    const pes = mus.map((s) => L.preEdge(s));
    const bks = mus.map((s, i) => L.autobk({ ...s, e0: pes[i].e0, edgeStep: pes[i].edgeStep }, opts.autobk));
    const fts = bks.map((b) => L.xftf(b, opts.xftf));
    return { L, spec, mus, pes, bks, fts };
  });
  const steps = {
    preEdge: measure(data.map((d) => (i) => d.L.preEdge(d.mus[i % N]))),
    autobk: measure(data.map((d) => (i) => d.L.autobk({ ...d.mus[i % N], e0: d.pes[i % N].e0, edgeStep: d.pes[i % N].edgeStep }, opts.autobk))),
    xftf: measure(data.map((d) => (i) => d.L.xftf(d.bks[i % N], opts.xftf))),
    xftr: measure(data.map((d) => (i) => d.L.xftr(d.fts[i % N], opts.xftr))),
  };
  const whole = measure(data.map((d) => (i) => d.L.processSpectrum(d.mus[i % N], opts)));
  report.series = { points: data[0].spec.energy.length, steps: Object.fromEntries(Object.entries(steps).map(([k, r]) => [k, named(r)])), whole: named(whole) };
  log(`C. series on one grid (cu_metal_rt, ${data[0].spec.energy.length} points)`);
  header();
  for (const [k, r] of Object.entries(steps)) line(k, r);
  line('processSpectrum', whole, 'target ≤ 100');
}

report.settings = { quick: QUICK, cpu: CPU, ab: AB ?? null, rounds: CFG.rounds, batchMs: CFG.batchMs, node: process.version };
mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'out', 'speed.json'), JSON.stringify(report, null, 1) + '\n');
if (JSON_ONLY) console.log(JSON.stringify(report, null, 1));
else log('written: bench/out/speed.json');
