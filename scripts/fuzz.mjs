#!/usr/bin/env node
// npm run fuzz: long fuzz runs of the built CLI (dist/, `npm run build` first) over mutated fixture
// files (test/fuzz/engine.mjs; docs/fuzzing.md). Every failing case is written as a reproducible
// case file into --save (default fuzz-failures/), replayable with --replay.
//
//   npm run fuzz -- [--seed N] [--count N] [--start I] [--child N] [--save DIR] [--all] [--quiet]
//   npm run fuzz -- --replay fixtures/fuzz/regressions/some-case.json [--child 1]
//
// --seed     run seed (default 1; the CI test uses seed 17)
// --count    in-process cases (default 10000); --start: first case index (default 0)
// --child    cases run as child processes `node dist/cli/main.js` (default count/40)
// --timeout  ms a case may run (default 10000, less while known-defects.json lists a timeout cutoff)
// --only     comma-separated commands: skip the cases of other commands (e.g. --only edge,lcf)
// --all      also report the failures fixtures/fuzz/known-defects.json lists (default: counted only)
// --replay   run one case file (or every *.json in a folder) and print its outcome
// Exit status: 0 no new failure, 1 new failures (saved), 2 bad usage.
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseFromJson, caseTimeout, caseToJson, generateCase, knownDefect, loadKnownDefects, loadSeeds } from '../test/fuzz/engine.mjs';
import { built, inProcessRunner, runCase } from '../test/fuzz/runner.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  if (v === undefined) usage(`${name} needs a value`);
  return v;
};
function usage(msg) {
  process.stderr.write(`fuzz: ${msg}\nusage: npm run fuzz -- [--seed N] [--count N] [--start I] [--child N] [--save DIR] [--all] [--quiet] | --replay FILE|DIR\n`);
  process.exit(2);
}
const int = (name, dflt) => {
  const v = Number(opt(name, dflt));
  if (!Number.isInteger(v) || v < 0) usage(`${name} expects a whole number ≥ 0`);
  return v;
};
if (!built()) usage('dist/ is missing: run npm run build first');

const known = loadKnownDefects();
const timeoutMs = opt('--timeout', null) === null ? caseTimeout(known) : int('--timeout', 0);
const quiet = args.includes('--quiet');
const all = args.includes('--all');

function describe(r) {
  return r.violations.map((v) => `    ${v.category}: ${v.detail}`).join('\n');
}

const replay = opt('--replay', null);
if (replay !== null) {
  const files = statSync(replay).isDirectory() ? readdirSync(replay).filter((f) => f.endsWith('.json')).map((f) => join(replay, f)) : [replay];
  const runner = args.includes('--child') ? 'child' : inProcessRunner({ timeoutMs });
  let bad = 0;
  for (const f of files) {
    const c = caseFromJson(readFileSync(f, 'utf8'));
    const r = await runCase(c, runner, { timeoutMs });
    bad += r.violations.length > 0 ? 1 : 0;
    process.stdout.write(`${f}: exit ${r.res.code}, ${Math.round(r.res.ms)} ms, ${r.violations.length ? 'FAILS' : 'passes'}\n  argv: xafs ${c.argv.join(' ')}\n`);
    if (r.violations.length) process.stdout.write(describe(r) + '\n');
    if (!quiet) process.stdout.write(`  stderr: ${r.res.err.slice(0, 2000).replace(/\n(?=.)/g, '\n          ')}`);
  }
  if (runner !== 'child') await runner.close();
  process.exit(bad ? 1 : 0);
}

const seed = int('--seed', 1);
const count = int('--count', 10000);
const start = int('--start', 0);
const nChild = int('--child', Math.round(count / 40));
const save = opt('--save', 'fuzz-failures');
const seeds = loadSeeds();
const runner = inProcessRunner({ timeoutMs });
const tally = { cases: 0, exit: { 0: 0, 1: 0, 2: 0 }, known: {}, fresh: 0, ms: {} };
const t0 = Date.now();

const only = opt('--only', null)?.split(',');
async function one(index, mode) {
  const c = generateCase(seeds, seed, index);
  if (only && !only.includes(c.command)) return;
  const r = await runCase(c, mode, { timeoutMs });
  tally.cases++;
  const t = (tally.ms[c.command] ??= { n: 0, ms: 0, max: 0 });
  t.n++;
  t.ms += r.res.ms;
  t.max = Math.max(t.max, r.res.ms);
  tally.exit[r.res.code] = (tally.exit[r.res.code] ?? 0) + 1;
  const fresh = r.violations.filter((v) => !knownDefect(known, c, v, r.res));
  for (const v of r.violations) {
    const k = knownDefect(known, c, v, r.res);
    if (k) tally.known[`item ${k.item} (${k.category})`] = (tally.known[`item ${k.item} (${k.category})`] ?? 0) + 1;
  }
  if (fresh.length > 0 || (all && r.violations.length > 0)) {
    tally.fresh += fresh.length > 0 ? 1 : 0;
    mkdirSync(save, { recursive: true });
    const file = join(save, `case-${c.id}${mode === 'child' ? '-child' : ''}.json`);
    writeFileSync(file, caseToJson(c, { violations: r.violations, exit: r.res.code, stderr: r.res.err.slice(0, 4000) }));
    process.stdout.write(`case ${c.id} (${mode === 'child' ? 'child process' : 'in-process'}): xafs ${c.argv.join(' ')}\n  ${c.seedFile}: ${c.mutations.join('; ')}\n${describe(r)}\n  saved: ${file}\n`);
  }
}

for (let i = start; i < start + count; i++) {
  await one(i, runner);
  if (!quiet && (i - start + 1) % 500 === 0) process.stderr.write(`fuzz: ${i - start + 1}/${count} cases, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
}
await runner.close();
// child processes: cases beyond the in-process ones, two at a time
const childIdx = Array.from({ length: nChild }, (_, k) => start + count + k);
for (let k = 0; k < childIdx.length; k += 2) await Promise.all(childIdx.slice(k, k + 2).map((i) => one(i, 'child')));

process.stdout.write(
  `fuzz seed ${seed}: ${tally.cases} cases (${count} in-process, ${nChild} child processes) in ${((Date.now() - t0) / 1000).toFixed(1)} s; exit ${JSON.stringify(tally.exit)}; known defects ${JSON.stringify(tally.known)}; new failures: ${tally.fresh}\n`,
);
const times = Object.entries(tally.ms).map(([k, t]) => `${k} ${t.n} × ${(t.ms / t.n).toFixed(0)} ms (max ${t.max.toFixed(0)})`);
const cpu = process.cpuUsage();
process.stdout.write(`time per command: ${times.join(', ')}; CPU of this process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s\n`);
process.exit(tally.fresh > 0 ? 1 : 0);
