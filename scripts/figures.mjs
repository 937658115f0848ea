#!/usr/bin/env node
// npm run figures: every figure kind of `xafs plot` from the bundled fixtures, as SVG and PNG
// (300 dpi) in figures/ (gitignored), plus the three kinds of HTML report. The main figures are
// copied by hand into docs/img/ for the README.
//
//   node scripts/figures.mjs [--out DIR]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
process.chdir(ROOT);
const outArg = process.argv.indexOf('--out');
const OUT = outArg > 0 ? process.argv[outArg + 1] : 'figures';
mkdirSync(OUT, { recursive: true });

const { plotFigure, buildReport, toPng } = await import('../dist/plot/index.js');
const { run } = await import('../dist/cli/program.js');

const quiet = { out: () => {}, err: (s) => process.stderr.write(/^(xafs: warning|wrote )/.test(s) ? '' : s) };
const work = join(OUT, 'work');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

// fit --out folders and a batch folder made by the CLI itself, as a user would
const fits = {
  cu_foil: ['fixtures/recipes/cu_foil.recipe.json'],
  ru_dualatom: ['fixtures/recipes/ru_dualatom.recipe.json'],
  cu_5path_k: ['fixtures/fitref/cu_5path_k.recipe.json', 'fixtures/fitref/data'],
  cu_5path_q: ['fixtures/fitref/cu_5path_q.recipe.json', 'fixtures/fitref/data'],
};
for (const [name, [recipe, dataDir]] of Object.entries(fits)) {
  const status = await run(['fit', recipe, '--out', join(work, name), ...(dataDir ? ['--data-dir', dataDir] : [])], quiet);
  if (status !== 0) throw new Error(`xafs fit ${recipe} exited ${status}`);
}
const batchDir = join(work, 'fe_batch');
if ((await run(['batch', 'fixtures/batch/fe_series.recipe.json', '--out', batchDir], quiet)) !== 0) throw new Error('xafs batch failed');

// the in situ series against potential: a file mapping each spectrum to its potential, as a user writes it
const potentials = join(work, 'potentials.csv');
writeFileSync(potentials, 'index,potential (V vs RHE)\n' + Array.from({ length: 200 }, (_, i) => `${i},${(0.2 + 0.005 * i).toFixed(3)}`).join('\n') + '\n');
const stackPotentials = join(work, 'stack_potentials.csv');
writeFileSync(stackPotentials, 'potential (V vs RHE)\n' + Array.from({ length: 10 }, (_, i) => (0.2 + 0.005 * (i * 20 + 19)).toFixed(3)).join('\n') + '\n');

const CU = 'fixtures/spectra/cu_metal_rt.xdi';
const CUDA = 'fixtures/fits/cu_dualatom.xdi';
const FEO = 'fixtures/series/fe_ref_FeO.xdi';
const FE2O3 = 'fixtures/series/fe_ref_Fe2O3.xdi';
const SERIES = 'fixtures/series/fe_series.dat';
const every20 = Array.from({ length: 10 }, (_, i) => `${SERIES}#s${String(i * 20 + 19).padStart(4, '0')}`);
// clamp_hi 10: without it AUTOBK leaves the last Å⁻¹ of the noisy dual-atom scan curling up
const ft = { autobk: { clampHi: 10 }, xftf: { kmin: 3, kmax: 12, dk: 1, window: 'hanning' } };

/** name → [kind, inputs, options] */
const figures = {
  xanes_cu: ['xanes', [CU, CUDA], { mu: [undefined, 'ifluor/i0'], inset: true, title: undefined }],
  xanes_fe: ['xanes', [FEO, FE2O3, `${SERIES}#s0100`], { inset: true }],
  deriv_fe: ['deriv', [FEO, FE2O3, `${SERIES}#s0100`], { method: 'deriv' }],
  valence_fe: ['valence', [`${SERIES}#s0040`, `${SERIES}#s0100`, `${SERIES}#s0160`], { refs: [{ file: FEO, valence: 2 }, { file: FE2O3, valence: 3 }], method: 'half' }],
  chik_cu: ['chik', [CU, CUDA], { mu: [undefined, 'ifluor/i0'], kweight: 2, process: ft }],
  chir_cu: ['chir', [CU, CUDA], { mu: [undefined, 'ifluor/i0'], kweight: 2, process: ft }],
  chir_reim_cu: ['chir', [CU], { kweight: 2, process: ft, parts: ['mag', 're'] }],
  chiq_cu: ['chiq', [CU], { kweight: 2, process: { ...ft, xftr: { rmin: 1.5, rmax: 3, dr: 0.1, window: 'hanning' } } }],
  fit_r_cu_foil: ['fit', [join(work, 'cu_foil')], { space: 'r' }],
  fit_r_ru_dualatom: ['fit', [join(work, 'ru_dualatom')], { space: 'r' }],
  fit_k_ru_dualatom: ['fit', [join(work, 'ru_dualatom')], { space: 'k' }],
  fit_k_cu_5path: ['fit', [join(work, 'cu_5path_k')], { space: 'k' }],
  fit_q_cu_5path: ['fit', [join(work, 'cu_5path_q')], { space: 'q' }],
  wavelet_cu: ['wavelet', [CU, CUDA], { mu: [undefined, 'ifluor/i0'], kweight: 2, rmax: 5, process: ft }],
  lcf_fe: ['lcf', [`${SERIES}#s0100`], { standards: [`${FEO}=FeO`, `${FE2O3}=Fe2O3`], sumToOne: true }],
  pca_fe3: ['pca', ['fixtures/xanes/lcf/fe3_series.dat'], {}],
  stack_fe: ['stack', every20, { offset: 0.15, valuesFile: stackPotentials }],
  trends_fe: ['trends', [batchDir], { width: 'single' }],
  trends_fe_potential: ['trends', [batchDir], { xFile: potentials, y: ['valence', 'lcf_Fe2O3'] }],
  chir_k3_cu: ['chir', [CU, 'fixtures/fits/cu_dualatom.chi'], { kweight: 3, process: ft }],
  wavelet_cu_morlet: ['wavelet', [CU, CUDA], { mu: [undefined, 'ifluor/i0'], kweight: 2, rmaxOut: 6, process: ft, waveletKind: 'morlet', eta: 10 }],
};

const made = [];
const failed = [];
for (const [name, [kind, inputs, options]] of Object.entries(figures)) {
  const t0 = performance.now();
  try {
    const svg = await plotFigure(kind, inputs, { ...options, warn: () => {} });
    writeFileSync(join(OUT, `${name}.svg`), svg + '\n');
    writeFileSync(join(OUT, `${name}.png`), toPng(svg));
    made.push(name);
    console.log(`${name.padEnd(20)} ${kind.padEnd(8)} ${(performance.now() - t0).toFixed(0).padStart(5)} ms`);
  } catch (e) {
    failed.push(name);
    console.log(`${name.padEnd(20)} ${kind.padEnd(8)} FAILED: ${e.message}`);
  }
}

const reports = { report_fit: [join(work, 'ru_dualatom')], report_batch: [batchDir], report_spectrum: [CU, { process: ft }] };
for (const [name, [input, options]] of Object.entries(reports)) {
  writeFileSync(join(OUT, `${name}.html`), await buildReport(input, options));
  console.log(`${name.padEnd(20)} report   → ${join(OUT, `${name}.html`)}`);
}
console.log(`\n${made.length} figures in ${OUT}/ (SVG and PNG)${failed.length ? `; failed: ${failed.join(', ')}` : ''}`);
process.exitCode = failed.length ? 1 : 0;
