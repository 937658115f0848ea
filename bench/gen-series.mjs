#!/usr/bin/env node
// Generates the in situ series of issue 5's benchmark (into bench/out/series/, gitignored), with the
// truth written alongside so the results can be checked, plus a batch recipe for each:
//   xanes-<N>/fe_series.dat   one multi-column file: energy then N Fe K-edge XANES spectra (1000
//                             points, 7000–7499.5 eV), each a known mixture f·FeO + (1−f)·Fe2O3 of
//                             fixtures/series/fe_ref_*.xdi shifted by a small energy jitter, times an
//                             edge step, plus an offset and a pre-edge slope, with 0.2 % Gaussian noise
//             truth.csv      index, label, FeO, Fe2O3, shift_ev, step, offset
//             recipe.json    edge (deriv-fit, half), valence, 2-standard LCF
//   exafs-<M>/cu/*.xdi        M noisy variants of fixtures/spectra/cu_metal_rt.xdi (0.2 % noise)
//             recipe.json    normalize, autobk, xftf
// Deterministic (seeded PRNG). A folder already generated with the same parameters is kept.
// Usage: node bench/gen-series.mjs [--n 100000] [--files 10000] [--only xanes|exafs] [--seed 1] [--quiet]
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SERIES_DIR = join(ROOT, 'bench', 'out', 'series');

/** mulberry32: a small, fast, seeded PRNG (uniform in [0, 1)). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates (Box–Muller, both values used). */
function gauss(rand) {
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = NaN;
      return s;
    }
    const u = 1 - rand();
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** The two numeric columns of a small XDI/column file (energy, value). */
function readTwoColumns(path) {
  const e = [];
  const y = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const w = t.split(/\s+/).map(Number);
    e.push(w[0]);
    y.push(w[1]);
  }
  return { e: Float64Array.from(e), y: Float64Array.from(y) };
}

/**
 * Writes v with 5 decimals into buf at pos (no string built): the hot loop of a 1 GB file.
 * Returns the new position.
 */
function putFixed5(buf, pos, v) {
  let n = Math.round(v * 1e5);
  if (n < 0) {
    buf[pos++] = 0x2d;
    n = -n;
  }
  const ip = Math.floor(n / 1e5);
  let fp = n - ip * 1e5;
  if (ip === 0) buf[pos++] = 0x30;
  else {
    const s = String(ip);
    for (let k = 0; k < s.length; k++) buf[pos++] = s.charCodeAt(k);
  }
  buf[pos++] = 0x2e;
  for (let k = 4; k >= 0; k--) {
    buf[pos + k] = 0x30 + (fp % 10);
    fp = Math.floor(fp / 10);
  }
  return pos + 5;
}

function sameParams(dir, params) {
  const f = join(dir, 'params.json');
  return existsSync(f) && readFileSync(f, 'utf8') === JSON.stringify(params);
}

/** (a) the multi-column XANES series. */
export function generateXanes({ n = 100_000, seed = 1, quiet = false } = {}) {
  const dir = join(SERIES_DIR, `xanes-${n}`);
  const params = { kind: 'xanes', n, seed, version: 1 };
  if (sameParams(dir, params)) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const feo = readTwoColumns(join(ROOT, 'fixtures/series/fe_ref_FeO.xdi'));
  const fe3 = readTwoColumns(join(ROOT, 'fixtures/series/fe_ref_Fe2O3.xdi'));
  // the references' own grid: 7000 + 0.5 i eV, 1000 points
  const npts = 1000;
  const e0 = feo.e[0];
  const de = feo.e[1] - feo.e[0];
  if (feo.e.length < npts || fe3.e.length < npts) throw new Error('references shorter than 1000 points');
  const rand = prng(seed);
  const normal = gauss(prng(seed + 1000));
  const frac = new Float64Array(n);
  const shift = new Float64Array(n);
  const step = new Float64Array(n);
  const offset = new Float64Array(n);
  const slope = new Float64Array(n);
  let truth = 'index,label,FeO,Fe2O3,shift_ev,step,offset\n';
  const label = (j) => 's' + String(j).padStart(6, '0');
  for (let j = 0; j < n; j++) {
    frac[j] = rand();
    shift[j] = (rand() - 0.5) * 0.4; // ±0.2 eV
    step[j] = 0.5 + 1.5 * rand();
    offset[j] = 0.1 + 0.9 * rand();
    slope[j] = (rand() - 0.5) * 2e-4; // per eV
    truth += `${j},${label(j)},${frac[j].toFixed(8)},${(1 - frac[j]).toFixed(8)},${shift[j].toFixed(5)},${step[j].toFixed(5)},${offset[j].toFixed(5)}\n`;
  }
  writeFileSync(join(dir, 'truth.csv'), truth);
  const fd = openSync(join(dir, 'fe_series.dat'), 'w');
  let header = `# synthetic Fe K-edge in situ series: ${n} mixtures of FeO and Fe2O3 (bench/gen-series.mjs, seed ${seed}); truth in truth.csv\n# energy`;
  for (let j = 0; j < n; j++) header += ' ' + label(j);
  writeSync(fd, header + '\n');
  const row = Buffer.allocUnsafe(n * 16 + 64);
  for (let p = 0; p < npts; p++) {
    const e = e0 + p * de;
    let pos = row.write(e.toFixed(2), 0, 'latin1');
    for (let j = 0; j < n; j++) {
      // A(E − δ): linear interpolation on the reference grid, clamped at the ends
      let t = p - shift[j] / de;
      if (t < 0) t = 0;
      if (t > npts - 1) t = npts - 1;
      const k = Math.min(Math.floor(t), npts - 2);
      const w = t - k;
      const a = feo.y[k] + w * (feo.y[k + 1] - feo.y[k]);
      const b = fe3.y[k] + w * (fe3.y[k + 1] - fe3.y[k]);
      const mix = frac[j] * a + (1 - frac[j]) * b;
      const v = offset[j] + slope[j] * (e - e0) + step[j] * (mix + 0.002 * normal());
      row[pos++] = 0x20;
      pos = putFixed5(row, pos, v);
    }
    row[pos++] = 0x0a;
    writeSync(fd, row, 0, pos);
  }
  closeSync(fd);
  copyFileSync(join(ROOT, 'fixtures/series/fe_ref_FeO.xdi'), join(dir, 'fe_ref_FeO.xdi'));
  copyFileSync(join(ROOT, 'fixtures/series/fe_ref_Fe2O3.xdi'), join(dir, 'fe_ref_Fe2O3.xdi'));
  const recipe = {
    version: 1,
    title: `bench: ${n} Fe XANES spectra from one multi-column file`,
    inputs: { columns: 'fe_series.dat' },
    edge: { methods: ['deriv-fit', 'half'] },
    valence: {
      method: 'half',
      references: [
        { file: 'fe_ref_FeO.xdi', valence: 2 },
        { file: 'fe_ref_Fe2O3.xdi', valence: 3 },
      ],
    },
    lcf: {
      standards: [
        { file: 'fe_ref_FeO.xdi', name: 'FeO' },
        { file: 'fe_ref_Fe2O3.xdi', name: 'Fe2O3' },
      ],
      space: 'norm',
      emin: -20,
      emax: 60,
      sumToOne: true,
    },
  };
  writeFileSync(join(dir, 'recipe.json'), JSON.stringify(recipe, null, 2) + '\n');
  writeFileSync(join(dir, 'params.json'), JSON.stringify(params));
  if (!quiet) console.error(`gen-series: ${dir}/fe_series.dat (${n} spectra × ${npts} points) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return dir;
}

/** (b) M separate XDI files (EXAFS): noisy copies of the Cu foil scan. */
export function generateExafs({ files = 10_000, seed = 1, quiet = false } = {}) {
  const dir = join(SERIES_DIR, `exafs-${files}`);
  const params = { kind: 'exafs', files, seed, version: 1 };
  if (sameParams(dir, params)) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'cu'), { recursive: true });
  const t0 = performance.now();
  const text = readFileSync(join(ROOT, 'fixtures/spectra/cu_metal_rt.xdi'), 'utf8').split('\n');
  const header = [];
  const energy = [];
  const mu = [];
  for (const line of text) {
    const t = line.trim();
    if (!t) continue;
    if (t.startsWith('#')) {
      if (/^# Column\.[2-4]:/.test(t) || /^# energy i0/.test(t)) continue;
      header.push(t);
      continue;
    }
    const w = t.split(/\s+/).map(Number);
    energy.push(w[0]);
    mu.push(w[3]);
  }
  // the labels line goes last, the column list after Column.1
  const labelsAt = header.indexOf('#----');
  header.splice(labelsAt + 1, 0, '# energy mutrans');
  header.splice(header.findIndex((l) => l.startsWith('# Column.1')) + 1, 0, '# Column.2: mutrans');
  const jump = Math.max(...mu) - Math.min(...mu);
  const normal = gauss(prng(seed + 2000));
  const rand = prng(seed + 3000);
  let truth = 'index,file,scale,offset\n';
  for (let j = 0; j < files; j++) {
    const scale = 0.8 + 0.4 * rand();
    const offset = (rand() - 0.5) * 0.2;
    let out = header.join('\n') + '\n';
    for (let p = 0; p < energy.length; p++) {
      out += `${energy[p].toFixed(1)} ${(offset + scale * (mu[p] + 0.002 * jump * normal())).toFixed(6)}\n`;
    }
    const name = `cu_${String(j).padStart(5, '0')}.xdi`;
    writeFileSync(join(dir, 'cu', name), out);
    truth += `${j},cu/${name},${scale.toFixed(6)},${offset.toFixed(6)}\n`;
  }
  writeFileSync(join(dir, 'truth.csv'), truth);
  const recipe = {
    version: 1,
    title: `bench: ${files} Cu EXAFS scans as separate XDI files`,
    inputs: { files: 'cu/*.xdi' },
    mu: 'mutrans',
    edge: { methods: ['deriv-fit'] },
    process: {
      autobk: { rbkg: 1.0, kweight: 2 },
      xftf: { kmin: 3, kmax: 12, dk: 1, window: 'hanning', kweight: 2 },
    },
  };
  writeFileSync(join(dir, 'recipe.json'), JSON.stringify(recipe, null, 2) + '\n');
  writeFileSync(join(dir, 'params.json'), JSON.stringify(params));
  if (!quiet) console.error(`gen-series: ${dir}/cu (${files} XDI files) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return dir;
}

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const seed = Number(arg('--seed', '1'));
  const only = arg('--only', '');
  const quiet = process.argv.includes('--quiet');
  if (only !== 'exafs') console.log(generateXanes({ n: Number(arg('--n', '100000')), seed, quiet }));
  if (only !== 'xanes') console.log(generateExafs({ files: Number(arg('--files', '10000')), seed, quiet }));
}
