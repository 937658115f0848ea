#!/usr/bin/env node
/**
 * fit-shell benchmark (docs/architecture.md, Habits: a program, never a timed assertion in tests). Needs
 * `npm run build`.
 *
 *   node bench/fit-shell.mjs            full run
 *   node bench/fit-shell.mjs --quick    fewer repetitions
 *   node bench/fit-shell.mjs --json     print only the JSON (also written to bench/out/fit-shell.json)
 *
 * Times one `fitShell` call with library paths (recipe building, μ(E) processing, the fits from
 * six starts) on the Ru K-edge dual-atom site in μ(E) and χ(k), the same with one start only, and
 * one `xafs fit` of the recipe it wrote (fitParsedRecipe: what a single start costs).
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
    console.error(`bench: unknown option '${a}'\nusage: node bench/fit-shell.mjs [--quick] [--json]`);
    process.exit(2);
  }
}
const log = (s) => {
  if (!JSON_ONLY) process.stderr.write(s + '\n');
};
const { fitShell } = await import(join(ROOT, 'dist', 'feff', 'fitShell.js'));
const { fitParsedRecipe } = await import(join(ROOT, 'dist', 'fit', 'run.js'));

async function timeAsync(n, f) {
  await f(); // warm-up (JIT, path tables, autobk plans)
  const t = performance.now();
  for (let i = 0; i < n; i++) await f();
  return (performance.now() - t) / n; // ms
}

const dir = mkdtempSync(join(os.tmpdir(), 'xafs-bench-fitshell-'));
const fits = (f) => join(ROOT, 'fixtures', 'fits', f);
const opts = (extra = {}) => ({ absorber: 'Ru', shells: ['N', 'Cu'], s02: 0.92, recipeFile: join(dir, 'r.json'), ...extra });
const n = QUICK ? 3 : 10;
const results = { machine: `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}`, node: process.version };
results.muSixStartsMs = await timeAsync(n, () => fitShell(fits('ru_dualatom.xdi'), opts()));
results.muOneStartMs = await timeAsync(n, () => fitShell(fits('ru_dualatom.xdi'), opts({ multistart: false })));
results.chiSixStartsMs = await timeAsync(n, () => fitShell(fits('ru_dualatom.chi'), opts()));
const res = await fitShell(fits('ru_dualatom.xdi'), opts());
results.fitRecipeMs = await timeAsync(n, async () => fitParsedRecipe(res.recipe, dir));
rmSync(dir, { recursive: true, force: true });
log(`fit-shell, μ(E) Ru site, 6 starts      ${results.muSixStartsMs.toFixed(1)} ms`);
log(`fit-shell, μ(E) Ru site, 1 start       ${results.muOneStartMs.toFixed(1)} ms`);
log(`fit-shell, χ(k) Ru site, 6 starts      ${results.chiSixStartsMs.toFixed(1)} ms`);
log(`xafs fit of the recipe it wrote        ${results.fitRecipeMs.toFixed(1)} ms`);

mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'out', 'fit-shell.json'), JSON.stringify(results, null, 1) + '\n');
if (JSON_ONLY) console.log(JSON.stringify(results));
