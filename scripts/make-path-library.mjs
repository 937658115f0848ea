#!/usr/bin/env node
// Makes the built-in path library (library/paths/) by running FEFF8L through the xafs runner
// (dist/feff: run `npm run build` first). Reproducible: running it again rewrites identical files
// (FEFF8L is deterministic, the inputs are generated from the tables below, and nothing in the
// output carries a date).
//
//   node scripts/make-path-library.mjs            regenerate library/paths
//   node scripts/make-path-library.mjs --check    regenerate into a temporary folder and compare
//   node scripts/make-path-library.mjs --table    print the bond-length table (no FEFF run)
//
// For every absorber (Fe Co Ni Cu Zn Ru Rh Pd Ag: K edge; Ir Pt Au: L3 edge) and every scatterer
// (C N O S P Cl and the twelve metals) one model cluster is run with NLEG 2 and RPATH just beyond
// the bond, and only its first single-scattering path (feff0001.dat) is kept with its feff.inp.
// The twelve metal foils are run from their crystal structures (atoms within 6 Å).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { runFeff, feffAvailable, feffVersion } = await import(join(ROOT, 'dist', 'feff', 'index.js'));
const { readFeffDat } = await import(join(ROOT, 'dist', 'io', 'feffdat.js'));

export const ABSORBERS = [
  ['Fe', 'K'], ['Co', 'K'], ['Ni', 'K'], ['Cu', 'K'], ['Zn', 'K'], ['Ru', 'K'], ['Rh', 'K'],
  ['Pd', 'K'], ['Ag', 'K'], ['Ir', 'L3'], ['Pt', 'L3'], ['Au', 'L3'],
];
const METALS = ABSORBERS.map(([m]) => m);
const LIGANDS = ['C', 'N', 'O', 'S', 'P', 'Cl'];

// Single-bond covalent radii, Å: B. Cordero et al., "Covalent radii revisited", Dalton Trans. 2008,
// 2832-2838 (Table 2). Fe and Co take the low-spin values; C the sp3 value.
// A metal–ligand bond length here is the sum of the two radii, rounded to 0.01 Å.
export const COVALENT = {
  C: 0.76, N: 0.71, O: 0.66, S: 1.05, P: 1.07, Cl: 1.02,
  Fe: 1.32, Co: 1.26, Ni: 1.24, Cu: 1.32, Zn: 1.22, Ru: 1.46, Rh: 1.42, Pd: 1.39, Ag: 1.45, Ir: 1.41, Pt: 1.36, Au: 1.36,
};

// Crystal structures of the metals at room temperature (lattice constants in Å): R. W. G. Wyckoff,
// Crystal Structures vol. 1 (1963), as tabulated in C. Kittel, Introduction to Solid State Physics,
// 8th ed., ch. 1, and the CRC Handbook ("Lattice constants of the elements").
export const CRYSTALS = {
  Fe: { lattice: 'bcc', a: 2.8665 },
  Co: { lattice: 'hcp', a: 2.5071, c: 4.0695 },
  Ni: { lattice: 'fcc', a: 3.524 },
  Cu: { lattice: 'fcc', a: 3.6149 },
  Zn: { lattice: 'hcp', a: 2.6649, c: 4.9468 },
  Ru: { lattice: 'hcp', a: 2.7059, c: 4.2815 },
  Rh: { lattice: 'fcc', a: 3.8034 },
  Pd: { lattice: 'fcc', a: 3.8907 },
  Ag: { lattice: 'fcc', a: 4.0853 },
  Ir: { lattice: 'fcc', a: 3.839 },
  Pt: { lattice: 'fcc', a: 3.9242 },
  Au: { lattice: 'fcc', a: 4.0782 },
};

/** Lattice sites (Cartesian, Å) within `radius` of the site at the origin. */
function crystalCluster(el, radius) {
  const c = CRYSTALS[el];
  let cell, basis;
  if (c.lattice === 'fcc' || c.lattice === 'bcc') {
    cell = [[c.a, 0, 0], [0, c.a, 0], [0, 0, c.a]];
    basis = c.lattice === 'fcc' ? [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]] : [[0, 0, 0], [0.5, 0.5, 0.5]];
  } else {
    cell = [[c.a, 0, 0], [-c.a / 2, (c.a * Math.sqrt(3)) / 2, 0], [0, 0, c.c]];
    // P6_3/mmc 2c sites, shifted so that the first is at the origin
    basis = [[0, 0, 0], [2 / 3 - 1 / 3, 1 / 3 - 2 / 3, 0.5]];
  }
  const atoms = [];
  const n = Math.ceil(radius / Math.min(c.a, c.c ?? c.a)) + 2;
  for (let i = -n; i <= n; i++)
    for (let j = -n; j <= n; j++)
      for (let k = -n; k <= n; k++)
        for (const b of basis) {
          const f = [i + b[0], j + b[1], k + b[2]];
          const p = [0, 1, 2].map((d) => f[0] * cell[0][d] + f[1] * cell[1][d] + f[2] * cell[2][d]);
          const r = Math.hypot(...p);
          if (r <= radius + 1e-9) atoms.push({ element: el, x: Math.round(p[0] * 1e6) / 1e6 + 0, y: Math.round(p[1] * 1e6) / 1e6 + 0, z: Math.round(p[2] * 1e6) / 1e6 + 0, r });
        }
  atoms.sort((p, q) => p.r - q.r || p.x - q.x || p.y - q.y || p.z - q.z);
  return atoms.map(({ r: _r, ...a }) => a);
}

/** The first-shell distances of a metal: all distances shorter than 1.15 × the shortest, Å. */
function firstShell(el) {
  const atoms = crystalCluster(el, 4).slice(1);
  const d = atoms.map((a) => Math.hypot(a.x, a.y, a.z)).sort((p, q) => p - q);
  return d.filter((x) => x < d[0] * 1.15);
}

/** Metallic diameter: the mean nearest-neighbour distance in the metal (bcc: the 8; fcc, hcp: the 12), Å. */
export function metallicDiameter(el) {
  const s = firstShell(el);
  return s.reduce((p, q) => p + q, 0) / s.length;
}

const round2 = (x) => Math.round(x * 100) / 100;

/** The bond length of a pair, Å, and the rule that gave it. */
export function bondLength(absorber, scatterer) {
  if (METALS.includes(scatterer)) return { r: round2((metallicDiameter(absorber) + metallicDiameter(scatterer)) / 2), rule: 'mean of the metallic diameters' };
  return { r: round2(COVALENT[absorber] + COVALENT[scatterer]), rule: 'sum of covalent radii' };
}

/** How many neighbours the model cluster has: octahedral for C N O, tetrahedral for S P Cl, cuboctahedral (fcc-like) for metals. */
export function modelShell(scatterer) {
  if (['C', 'N', 'O'].includes(scatterer)) return { n: 6, geometry: 'octahedron' };
  if (['S', 'P', 'Cl'].includes(scatterer)) return { n: 4, geometry: 'tetrahedron' };
  return { n: 12, geometry: 'cuboctahedron' };
}

const fmtR = (x) => x.toFixed(4);

async function build(outRoot) {
  if (!feffAvailable('feff8l')) {
    console.error('make-path-library: feff8l not found: install it with `apt-get install feff85exafs`');
    process.exit(2);
  }
  const version = feffVersion('feff8l', feffAvailable('feff8l'));
  rmSync(outRoot, { recursive: true, force: true });
  mkdirSync(outRoot, { recursive: true });
  const entries = [];
  const t0 = Date.now();
  const cacheDir = mkdtempSync(join(tmpdir(), 'xafs-library-'));
  const jobs = [];
  for (const [abs, edge] of ABSORBERS) {
    for (const sc of [...LIGANDS, ...METALS]) {
      const { r } = bondLength(abs, sc);
      const { n } = modelShell(sc);
      jobs.push({
        abs, edge, sc, kind: 'pair', r, folder: `${abs}_${edge}/${sc}`,
        input: { kind: 'shells', absorber: abs, shells: [{ element: sc, n, r }], edge, rmax: round2(r + 0.1), nleg: 2, title: `xafs path library: ${abs} ${edge} edge, ${n} ${sc} at ${r} A (${modelShell(sc).geometry})` },
      });
    }
    const shell = firstShell(abs);
    const c = CRYSTALS[abs];
    jobs.push({
      abs, edge, sc: abs, kind: 'foil', r: shell[0], folder: `${abs}_${edge}/foil`,
      input: { kind: 'cluster', absorber: 0, atoms: crystalCluster(abs, 6), edge, rmax: round2(shell[0] + 0.05), nleg: 2, title: `xafs path library: ${abs} metal (${c.lattice}, a=${c.a}${c.c ? `, c=${c.c}` : ''} A), ${edge} edge` },
    });
  }
  // FEFF is single-threaded: run a few at a time
  const workers = Math.max(1, Math.min(4, (await import('node:os')).availableParallelism?.() ?? 2));
  let next = 0;
  const timing = [];
  async function worker() {
    while (next < jobs.length) {
      const job = jobs[next++];
      const t = Date.now();
      const run = await runFeff(job.input, { program: 'feff8l', cacheDir });
      timing.push(Date.now() - t);
      const p = run.paths[0];
      if (!p || p.nleg !== 2) throw new Error(`${job.folder}: no single-scattering first path`);
      const d = readFeffDat(p.file);
      const scat = p.label.split('-')[1];
      if (scat !== job.sc) throw new Error(`${job.folder}: first path is ${p.label}, expected ${job.abs}-${job.sc}`);
      if (Math.abs(p.reff - job.r) > 2e-3) throw new Error(`${job.folder}: reff ${p.reff}, expected ${job.r}`);
      const dir = join(outRoot, job.folder);
      mkdirSync(dir, { recursive: true });
      copyFileSync(p.file, join(dir, 'feff0001.dat'));
      writeFileSync(join(dir, 'feff.inp'), run.inp);
      job.entry = { absorber: job.abs, edge: job.edge, scatterer: job.sc, kind: job.kind, reff: d.reff, degen: d.degen, file: `${job.folder}/feff0001.dat`, inp: `${job.folder}/feff.inp` };
    }
  }
  await Promise.all(Array.from({ length: workers }, worker));
  rmSync(cacheDir, { recursive: true, force: true });
  for (const j of jobs) entries.push(j.entry);
  const index = { generated: 'node scripts/make-path-library.mjs', feff: version, entries };
  writeFileSync(join(outRoot, 'index.json'), JSON.stringify(index, null, 1) + '\n');
  const secs = (Date.now() - t0) / 1000;
  const mean = timing.reduce((a, b) => a + b, 0) / timing.length;
  console.error(`make-path-library: ${entries.length} entries in ${secs.toFixed(1)} s (${workers} FEFF runs at a time; ${(mean / 1000).toFixed(2)} s per run) with ${version}`);
  return entries;
}

function listFiles(dir, base = '') {
  return readdirSync(join(dir, base), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(dir, join(base, e.name)) : [join(base, e.name)])).sort();
}

const OUT = join(ROOT, 'library', 'paths');
if (process.argv.includes('--table')) {
  // the bond-length table of library/paths/README.md
  const scat = [...LIGANDS, ...METALS];
  console.log(`| absorber (edge) | ${scat.join(' | ')} | foil |`);
  console.log(`|---|${scat.map(() => '---:').join('|')}|---|`);
  for (const [abs, edge] of ABSORBERS) {
    const c = CRYSTALS[abs];
    const shell = firstShell(abs);
    const n0 = shell.filter((x) => Math.abs(x - shell[0]) < 1e-3).length;
    console.log(`| ${abs} (${edge}) | ${scat.map((s) => bondLength(abs, s).r.toFixed(2)).join(' | ')} | ${c.lattice} ${shell[0].toFixed(4)} (${n0}) |`);
  }
} else if (process.argv.includes('--check')) {
  const tmp = mkdtempSync(join(tmpdir(), 'xafs-library-check-'));
  await build(join(tmp, 'paths'));
  const a = listFiles(join(tmp, 'paths'));
  const b = listFiles(OUT).filter((f) => f !== 'README.md');
  const differ = a.filter((f) => !b.includes(f) || readFileSync(join(tmp, 'paths', f), 'utf8') !== readFileSync(join(OUT, f), 'utf8'));
  const missing = b.filter((f) => !a.includes(f));
  rmSync(tmp, { recursive: true, force: true });
  if (differ.length || missing.length) {
    console.error(`make-path-library --check: ${differ.length + missing.length} files differ: ${[...differ, ...missing].slice(0, 10).join(', ')}`);
    process.exit(1);
  }
  console.error(`make-path-library --check: ${a.length} files identical`);
} else {
  const readme = existsSync(join(OUT, 'README.md')) ? readFileSync(join(OUT, 'README.md'), 'utf8') : undefined;
  await build(OUT);
  if (readme !== undefined) writeFileSync(join(OUT, 'README.md'), readme);
}
