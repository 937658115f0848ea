#!/usr/bin/env node
/**
 * FEFF runner and path library benchmark (docs/architecture.md, Habits: a program, never a timed assertion
 * in tests). Needs `npm run build`.
 *
 *   node bench/feff.mjs            full run
 *   node bench/feff.mjs --quick    fewer repetitions
 *   node bench/feff.mjs --json     print only the JSON (also written to bench/out/feff.json)
 *
 * Times: a FEFF8L run from scratch on the RuN2CuN3 reference feff.inp (the cost the cache saves),
 * the same run from the cache, building a CIF cluster (Cu fcc, 192 operations, rmax 6 Å) and a
 * shells cluster, and a library lookup (findLibraryPath) — the cost of a fit-shell path without
 * FEFF. The FEFF run itself is FEFF's time (pot + xsph + paths + genfmt), not ours.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const JSON_ONLY = argv.includes('--json');
for (const a of argv) {
  if (!['--quick', '--json'].includes(a)) {
    console.error(`bench: unknown option '${a}'\nusage: node bench/feff.mjs [--quick] [--json]`);
    process.exit(2);
  }
}
const log = (s) => {
  if (!JSON_ONLY) process.stderr.write(s + '\n');
};
const feff = await import(join(ROOT, 'dist', 'feff', 'index.js'));

function time(n, f) {
  f();
  const t = performance.now();
  for (let i = 0; i < n; i++) f();
  return ((performance.now() - t) / n) * 1000; // µs
}
async function timeAsync(n, f) {
  const t = performance.now();
  for (let i = 0; i < n; i++) await f();
  return ((performance.now() - t) / n) * 1000;
}

const results = { machine: `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}`, node: process.version };
const cif = join(ROOT, 'fixtures', 'feff', 'structures', 'cu_fcc.cif');
results.cifClusterUs = time(QUICK ? 5 : 20, () => feff.buildCluster({ kind: 'cif', file: cif, absorber: 'Cu', rmax: 6 }));
results.shellsClusterUs = time(QUICK ? 5 : 20, () => feff.shellCluster('Cu', [{ element: 'N', n: 4, r: 1.95 }, { element: 'Ru', n: 1, r: 2.6 }]));
results.libraryLookupUs = time(QUICK ? 1000 : 10000, () => feff.findLibraryPath('Ru', 'Cu'));
log(`CIF cluster (Cu fcc, 192 ops, rmax 6 Å)   ${results.cifClusterUs.toFixed(0)} µs`);
log(`shells cluster (N4 + Ru1, oriented)       ${results.shellsClusterUs.toFixed(0)} µs`);
log(`library lookup (findLibraryPath)          ${results.libraryLookupUs.toFixed(2)} µs`);

if (feff.feffAvailable('feff8l')) {
  const cacheDir = mkdtempSync(join(os.tmpdir(), 'xafs-bench-feff-'));
  const input = { kind: 'inp', file: join(ROOT, 'fixtures', 'feff', 'RuN2CuN3_Ru_feff8', 'feff.inp') };
  feff.feffVersion('feff8l', feff.feffAvailable('feff8l')); // memoized: not part of a run
  results.feffRunMs = (await timeAsync(QUICK ? 1 : 3, () => feff.runFeff(input, { cacheDir, cache: false, outDir: join(cacheDir, 'out') }))) / 1000;
  await feff.runFeff(input, { cacheDir });
  results.feffCachedMs = (await timeAsync(QUICK ? 5 : 20, () => feff.runFeff(input, { cacheDir }))) / 1000;
  results.cacheSpeedup = results.feffRunMs / results.feffCachedMs;
  rmSync(cacheDir, { recursive: true, force: true });
  log(`FEFF8L run, RuN2CuN3 (4 paths)            ${results.feffRunMs.toFixed(0)} ms`);
  log(`same input from the cache                 ${results.feffCachedMs.toFixed(2)} ms  (${results.cacheSpeedup.toFixed(0)}× faster)`);
} else {
  log('feff8l not installed: FEFF timings skipped');
}

mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'out', 'feff.json'), JSON.stringify(results, null, 1) + '\n');
if (JSON_ONLY) console.log(JSON.stringify(results));
