// Fuzzing the CLI (issue 17): a seeded run of mutated fixture files through read, process, edge, lcf
// and batch, in-process (the built program's run(), in a worker thread that is stopped at the time
// limit) and as real child processes, plus the saved reproducers of fixtures/fuzz/regressions/.
// Every run must exit 0, 1 or 2, print no stack trace and no "internal error", write no NaN or
// Infinity (stdout, JSON, written files), echo no raw control characters, and end within 10 s.
// Failures that belong to issue-17 items fixed on other branches are listed in
// fixtures/fuzz/known-defects.json and count as expected. docs/fuzzing.md says how to run more.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FUZZ_DIR,
  ROOT,
  caseFromJson,
  caseSeed,
  caseTimeout,
  caseToJson,
  check,
  generateCase,
  knownDefect,
  loadKnownDefects,
  loadSeeds,
  mulberry32,
  mutateProject,
  nonfiniteInFile,
  rng,
  type FuzzCase,
  type RunResult,
} from './engine.mjs';
import { built, inProcessRunner, runCase } from './runner.mjs';

/** The CI run: seed, in-process cases, child-process cases (about 45 s of CPU on 2 cores). */
const SEED = 17;
const IN_PROCESS = 1200;
const CHILD = 48;

const known = loadKnownDefects();
const timeoutMs = caseTimeout(known);
const seeds = loadSeeds();
const FAILURES = join(ROOT, 'fuzz-failures');

const ok = (over: Partial<RunResult> = {}): RunResult => ({ code: 0, out: '', err: '', ms: 5, files: [], ...over });
const JSON_CASE = { argv: ['read', 'x', '--json'] };
const TEXT_CASE = { argv: ['read', 'x'] };
const categories = (c: { argv: string[] }, r: RunResult) => check(c, r).map((v) => v.category);

describe('the fuzz engine', () => {
  it('mulberry32 gives the same sequence on every platform (first values of seed 1)', () => {
    const next = mulberry32(1);
    // pinned: a change here would silently change every case and every saved seed's meaning
    expect([next(), next(), next()].map((x) => x * 2 ** 32)).toEqual([2693262067, 11749833, 2265367787]);
    expect(caseSeed(17, 0)).not.toBe(caseSeed(17, 1));
    expect(caseSeed(17, 5)).toBe(caseSeed(17, 5));
  });

  it('a case is a function of (seed, index) alone, and survives its case file', () => {
    for (const index of [0, 1, 2, 99, 1234]) {
      const a = generateCase(seeds, SEED, index);
      const b = generateCase(seeds, SEED, index);
      expect(caseToJson(b)).toBe(caseToJson(a));
      const back = caseFromJson(caseToJson(a));
      expect(back.argv).toEqual(a.argv);
      for (const [name, bytes] of Object.entries(a.files)) expect(back.files[name]!.equals(bytes), name).toBe(true);
    }
    expect(caseToJson(generateCase(seeds, SEED, 3))).not.toBe(caseToJson(generateCase(seeds, SEED, 4)));
  });

  it('mutateProject keeps a gzip project gzip (mostly) and changes its content', () => {
    const cu = seeds.find((s) => s.name === 'cu.prj')!;
    const r = rng(5);
    let changed = 0;
    for (let i = 0; i < 20; i++) {
      const m = mutateProject(cu.bytes, r);
      if (!m.bytes.equals(cu.bytes)) changed++;
    }
    expect(changed).toBeGreaterThan(15);
    expect(gzipSync(Buffer.from('x')).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it('check() finds each kind of violation, and nothing in a clean run', () => {
    expect(check(JSON_CASE, ok({ out: '{"a":[1,2,3],"b":null}\n' }))).toEqual([]);
    expect(check(TEXT_CASE, ok({ out: 'energy 7000 … 7100\n', err: 'xafs: warning: mu is NaN at line 3\n' }))).toEqual([]);
    expect(categories(JSON_CASE, ok({ code: 3 }))).toEqual(['exit-code']);
    expect(categories(JSON_CASE, ok({ code: 2, err: 'xafs: internal error: boom (please report it)\n' }))).toEqual(['internal-error']);
    expect(categories(JSON_CASE, ok({ code: 2, err: 'TypeError: x\n    at f (/a/b.js:1:2)\n' }))).toEqual(['stack']);
    expect(categories(JSON_CASE, ok({ timedOut: true, code: null, ms: 10_000 }))).toEqual(['timeout']);
    expect(categories(JSON_CASE, ok({ ms: 10_001 }))).toEqual(['timeout']);
    expect(categories(JSON_CASE, ok({ out: '{"mu":[1,null,3]}' }))).toEqual(['nonfinite']);
    expect(categories(TEXT_CASE, ok({ out: '  mu   0.1 … NaN\n' }))).toEqual(['nonfinite']);
    expect(categories(TEXT_CASE, ok({ out: 'x = -Infinity\n' }))).toEqual(['nonfinite']);
    expect(categories(JSON_CASE, ok({ code: 2, err: "xafs: line 3: '\u001b[2J' is not a number\n" }))).toEqual(['control-chars']);
    expect(categories(JSON_CASE, ok({ out: 'not json' }))).toEqual(['json']);
    expect(categories(JSON_CASE, ok({ crashed: 'worker died', code: null }))).toEqual(['crash', 'exit-code']);
  });

  it("rebin's delta_mu of an empty bin is the one documented exemption (JSON field, --out column), nothing else of rebin", () => {
    const rebin = { argv: ['rebin', 'x', '--json'] };
    expect(check(rebin, ok({ out: '{"spectra":[{"mu":[1,2,3],"deltaMu":[0.1,null,0.2]}]}' }))).toEqual([]);
    expect(categories(rebin, ok({ out: '{"spectra":[{"mu":[1,null,3],"deltaMu":[0.1,null,0.2]}]}' }))).toEqual(['nonfinite']);
    expect(categories(JSON_CASE, ok({ out: '{"spectra":[{"deltaMu":[0.1,null,0.2]}]}' }))).toEqual(['nonfinite']);
    const file = '# Column.1: energy  eV\n# Column.2: mu  x\n# Column.3: delta_mu  x\n# Column.4: npts  x\n7000 0.1 NaN 0\n';
    expect(check({ argv: ['rebin', 'x', '--out', 'o'] }, ok({ files: [['o/x.dat', Buffer.from(file)]] }))).toEqual([]);
    expect(categories({ argv: ['rebin', 'x', '--out', 'o'] }, ok({ files: [['o/x.dat', Buffer.from(file.replace('0.1 NaN', 'NaN 0.1'))]] }))).toEqual(['nonfinite']);
    expect(categories({ argv: ['merge', 'x', '--out', 'o'] }, ok({ files: [['o/x.dat', Buffer.from(file)]] }))).toEqual(['nonfinite']);
  });

  it('nonfiniteInFile reads CSV cells, JSON values and column files, not messages', () => {
    expect(nonfiniteInFile('results.csv', 'index,source,status,message,e0\n0,a.xdi,error,"line 3: mu is NaN",\n')).toBeNull();
    expect(nonfiniteInFile('results.csv', 'index,source,status,message,e0\n0,a.xdi,ok,,NaN\n')).toMatch(/line 2 cell 5/);
    expect(nonfiniteInFile('results.jsonl', '{"message":"mu is NaN","e0":7112}\n')).toBeNull();
    expect(nonfiniteInFile('results.jsonl', '{"e0":"NaN"}\n')).not.toBeNull();
    expect(nonfiniteInFile('results.jsonl', '{"mu":[1,null]}\n')).not.toBeNull();
    expect(nonfiniteInFile('norm.dat', '# mu is NaN here\n7000 0.1\n')).toBeNull();
    expect(nonfiniteInFile('norm.dat', '# energy mu\n7000 NaN\n')).not.toBeNull();
    expect(nonfiniteInFile('chi.dat', '1 inf\n')).not.toBeNull();
  });

  it('known-defects.json: each entry names its issue-17 item (or null with a note) and existing reproducers', () => {
    for (const d of known) {
      expect(d.item === null || (Number.isInteger(d.item) && d.item >= 1 && d.item <= 19), JSON.stringify(d)).toBe(true);
      expect(d.note.length).toBeGreaterThan(10);
      for (const r of d.reproducers) expect(existsSync(join(FUZZ_DIR, r)), r).toBe(true);
    }
  });
});

/** Replays case files; returns the violations no known defect explains. */
function unexplained(c: FuzzCase, res: RunResult, violations: ReturnType<typeof check>) {
  return violations.filter((v) => !knownDefect(known, c, v, res));
}

function describeFailure(c: FuzzCase, res: RunResult, violations: ReturnType<typeof check>, file: string): string {
  return `case ${c.id}: xafs ${c.argv.join(' ')}\n  ${c.seedFile}: ${c.mutations.join('; ')}\n  ${violations.map((v) => `${v.category}: ${v.detail}`).join('\n  ')}\n  exit ${res.code}; stderr: ${res.err.slice(0, 300)}\n  reproducer: ${file}`;
}

function save(c: FuzzCase, res: RunResult, violations: ReturnType<typeof check>, suffix = ''): string {
  mkdirSync(FAILURES, { recursive: true });
  const file = join(FAILURES, `case-${c.id}${suffix}.json`);
  writeFileSync(file, caseToJson(c, { violations, exit: res.code, stderr: res.err.slice(0, 4000) }));
  return file;
}

describe.skipIf(!built())(`fuzz: seed ${SEED}, ${IN_PROCESS} cases in-process and ${CHILD} as child processes (dist/: npm run build first)`, () => {
  const tally: Record<string, number> = {};
  const count = (c: FuzzCase, res: RunResult, violations: ReturnType<typeof check>) => {
    for (const v of violations) {
      const k = knownDefect(known, c, v, res);
      if (k) tally[`item ${k.item ?? '(not listed)'} ${v.category}`] = (tally[`item ${k.item ?? '(not listed)'} ${v.category}`] ?? 0) + 1;
    }
  };
  afterAll(() => {
    if (Object.keys(tally).length) console.log(`fuzz seed ${SEED}: known defects met (expected until their fixes are merged): ${JSON.stringify(tally)}`);
  });

  it('every in-process case exits 0/1/2 within the time limit, with no stack trace, internal error, NaN or raw control character', async () => {
    const runner = inProcessRunner({ timeoutMs });
    const failures: string[] = [];
    const exits: Record<string, number> = {};
    const commands = new Set<string>();
    const notes: string[] = [];
    try {
      for (let i = 0; i < IN_PROCESS; i++) {
        const c = generateCase(seeds, SEED, i);
        commands.add(c.command);
        notes.push(...c.mutations);
        const { res, violations } = await runCase(c, runner, { timeoutMs });
        exits[String(res.code)] = (exits[String(res.code)] ?? 0) + 1;
        count(c, res, violations);
        const fresh = unexplained(c, res, violations);
        if (fresh.length) failures.push(describeFailure(c, res, fresh, save(c, res, violations)));
      }
    } finally {
      await runner.close();
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
    // the run covered every command and mutator family, and both the accepted and the refused paths
    expect([...commands].sort()).toEqual(['align', 'batch', 'deglitch', 'edge', 'lcf', 'mcr', 'merge', 'pca', 'process', 'read', 'rebin', 'truncate', 'valence']);
    const all = notes.join('\n');
    for (const family of ['flip', 'truncate', 'lines', 'cell', 'column', 'ragged', 'header', 'line ends', 'utf16', 'long', 'control', 'recipe:', 'prj', 'gzip', 'option']) {
      expect(all, family).toContain(family);
    }
    expect(exits['0']).toBeGreaterThan(IN_PROCESS / 5);
    expect(exits['2']).toBeGreaterThan(IN_PROCESS / 5);
  }, 600_000);

  it('as child processes (node dist/cli/main.js): the same invariants, end to end', async () => {
    const failures: string[] = [];
    const indices = Array.from({ length: CHILD }, (_, k) => IN_PROCESS + k);
    for (let k = 0; k < indices.length; k += 2) {
      const batch = await Promise.all(indices.slice(k, k + 2).map(async (i) => ({ c: generateCase(seeds, SEED, i), ...(await runCase(generateCase(seeds, SEED, i), 'child', { timeoutMs })) })));
      for (const { c, res, violations } of batch) {
        count(c, res, violations);
        const fresh = unexplained(c, res, violations);
        if (fresh.length) failures.push(describeFailure(c, res, fresh, save(c, res, violations, '-child')));
      }
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
  }, 300_000);
});

// ---- saved reproducers: each fixed crash stays fixed; those of known defects fail until merged
const REGRESSIONS = join(FUZZ_DIR, 'regressions');
const regressionFiles = existsSync(REGRESSIONS) ? readdirSync(REGRESSIONS).filter((f) => f.endsWith('.json')).sort() : [];

describe.skipIf(!built())('fuzz regressions (fixtures/fuzz/regressions/)', () => {
  const runner = inProcessRunner({ timeoutMs });
  afterAll(() => runner.close());
  it('are listed at most once in known-defects.json', () => {
    const listed = known.flatMap((d) => d.reproducers);
    expect(new Set(listed).size).toBe(listed.length);
  });
  for (const f of regressionFiles) {
    const rel = `regressions/${f}`;
    const c = caseFromJson(readFileSync(join(REGRESSIONS, f), 'utf8'));
    const defect = known.find((d) => d.reproducers.includes(rel));
    const title = `${f}: xafs ${c.argv.join(' ').slice(0, 100)}${defect ? ` (expected to fail: issue 17 item ${defect.item ?? 'not listed'}, ${defect.note})` : ''}`;
    const body = async () => {
      const { res, violations } = await runCase(c, runner, { timeoutMs });
      expect(violations, `${res.err}`).toEqual([]);
      if (typeof c.expectExit === 'number') expect(res.code).toBe(c.expectExit);
      if (typeof c.expectErr === 'string') expect(res.err).toContain(c.expectErr);
    };
    if (defect) it.fails(title, body, 60_000);
    else it(title, body, 60_000);
  }
});
