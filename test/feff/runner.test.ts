// The FEFF runner against real FEFF (Debian feff85exafs). These tests run when feff8l/feff6l are
// installed (.ci/run installs feff85exafs, so CI always runs them) and are skipped otherwise.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect as globalExpect, it, type ExpectStatic } from 'vitest';
import { XafsError } from '../../src/errors.js';
import { readFeffDat } from '../../src/io/feffdat.js';
import { cacheKey } from '../../src/feff/cache.js';
import { feffAvailable, feffInpText, runFeff } from '../../src/feff/runner.js';

const FIX = join(__dirname, '..', '..', 'fixtures', 'feff');
const REF = join(FIX, 'RuN2CuN3_Ru_feff8');
const S = (f: string) => join(FIX, 'structures', f);
const HAVE8 = feffAvailable('feff8l') !== undefined;
const HAVE6 = feffAvailable('feff6l') !== undefined;
const tmp = () => mkdtempSync(join(tmpdir(), 'xafs-feffrun-'));

async function refusal(p: Promise<unknown>, expect: ExpectStatic = globalExpect): Promise<XafsError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(XafsError);
    return e as XafsError;
  }
  throw new Error('expected an XafsError');
}

/** Every header number, geometry and table column of two feff.dat files, to FEFF's printed precision (equal after parsing). */
function expectSamePath(expect: ExpectStatic, got: string, want: string, title = true): void {
  const g = readFeffDat(got);
  const w = readFeffDat(want);
  for (const k of ['nleg', 'degen', 'reff', 'rnorman', 'edge', 'gamCh', 'mu', 'kf', 'vint', 'rsInt'] as const) expect(g[k], `${want}: ${k}`).toBe(w[k]);
  if (title) expect(g.title).toBe(w.title);
  expect(g.potentials).toEqual(w.potentials);
  expect(g.geom).toEqual(w.geom);
  for (const c of ['k', 'real2phc', 'magFeff', 'phaseFeff', 'redFactor', 'lambda', 'realP'] as const) expect(Array.from(g[c]), `${want}: ${c}`).toEqual(Array.from(w[c]));
}

describe.skipIf(!HAVE8)('runFeff with feff8l (skipped: feff8l not installed; apt-get install feff85exafs)', { concurrent: true }, () => {
  it('reproduces the RuN2CuN3 reference run: same paths, reff, degeneracy, legs and every column', async ({ expect }) => {
    const cacheDir = tmp();
    const run = await runFeff({ kind: 'inp', file: join(REF, 'feff.inp') }, { cacheDir, program: 'feff8l' });
    expect(run.cached).toBe(false);
    expect(run.program).toBe('feff8l');
    expect(run.version).toMatch(/^feff8l Feff85L for EXAFS version 8\.5L/);
    expect(run.absorber).toBe('Ru');
    expect(run.edge).toBe('K');
    expect(run.paths.map((p) => [p.index, p.label, p.nleg, p.degen, p.reff])).toEqual([
      [1, 'Ru-N', 2, 2, 2.07],
      [2, 'Ru-Cu', 2, 1, 2.57],
      [3, 'Ru-C', 2, 1, 3.1401],
      [4, 'Ru-C', 2, 1, 3.178],
    ]);
    for (const p of run.paths) expectSamePath(expect, p.file, join(REF, `feff000${p.index}.dat`));
    expect(readFileSync(join(run.dir, 'paths.dat'), 'utf8')).toBe(readFileSync(join(REF, 'paths.dat'), 'utf8'));
    expect(readFileSync(join(run.dir, 'feff.inp'), 'utf8')).toBe(readFileSync(join(REF, 'feff.inp'), 'utf8'));

    // the same structure as a cluster: our feff.inp, FEFF's identical numbers (only the title differs)
    const text = readFileSync(join(REF, 'feff.inp'), 'utf8');
    const atoms = text
      .split('ATOMS')[1]!
      .split('END')[0]!
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .map((w) => ({ element: w[4]!, x: Number(w[0]), y: Number(w[1]), z: Number(w[2]) }));
    const cl = await runFeff({ kind: 'cluster', absorber: 'Ru', atoms, rmax: 3.2, nleg: 2 }, { cacheDir });
    expect(cl.inp).not.toBe(text);
    expect(cl.paths.map((p) => [p.label, p.degen, p.reff])).toEqual(run.paths.map((p) => [p.label, p.degen, p.reff]));
    for (const p of cl.paths) expectSamePath(expect, p.file, join(REF, `feff000${p.index}.dat`), false);
  });

  it('caches by feff.inp text and FEFF version: the second run does not start FEFF', async ({ expect }) => {
    const cacheDir = tmp();
    const input = { kind: 'shells' as const, absorber: 'Cu', shells: [{ element: 'O', n: 4, r: 1.95 }], rmax: 2.5, nleg: 2 };
    const a = await runFeff(input, { cacheDir });
    const b = await runFeff(input, { cacheDir });
    expect([a.cached, b.cached]).toEqual([false, true]);
    expect(b.dir).toBe(a.dir);
    expect(b.key).toBe(a.key);
    expect(readdirSync(cacheDir)).toEqual([a.key]);
    expect(b.paths).toEqual(a.paths);
    expect(b.log).toBe(a.log);
    // another S0² is another feff.inp, so another key (checked without running FEFF again)
    expect(cacheKey(feffInpText({ ...input, s02: 0.9 }).inp, a.version)).not.toBe(a.key);
    expect(cacheKey(feffInpText(input).inp, a.version)).toBe(a.key);
    // outDir gets a copy of the run
    const out = join(tmp(), 'run');
    const d = await runFeff(input, { cacheDir, outDir: out });
    expect(d.cached).toBe(true);
    expect(d.dir).toBe(out);
    expect(readdirSync(out).sort()).toEqual(['chi.dat', 'feff.inp', 'feff.log', 'feff0001.dat', 'files.dat', 'meta.json', 'paths.dat', 'xmu.dat']);
    expect(d.paths[0]!.file).toBe(join(out, 'feff0001.dat'));
    expect(d.paths[0]).toMatchObject({ label: 'Cu-O', degen: 4, reff: 1.95, nleg: 2 });
  });

  it('runs a CIF: the Zn K edge of wurtzite ZnO gives 3 + 1 O and 6 + 6 Zn', async ({ expect }) => {
    const run = await runFeff({ kind: 'cif', file: S('zno_wurtzite.cif'), absorber: 'Zn', rmax: 3.3, nleg: 2 }, { cacheDir: tmp() });
    expect(run.paths.map((p) => [p.label, p.degen, p.reff])).toEqual([
      ['Zn-O', 3, 1.9744],
      ['Zn-O', 1, 1.9884],
      ['Zn-Zn', 6, 3.209],
      ['Zn-O', 1, 3.2182],
      ['Zn-Zn', 6, 3.2498],
    ]);
  });

  it('shows the tail of the log when FEFF fails', async ({ expect }) => {
    const dir = tmp();
    const inp = join(dir, 'feff.inp');
    writeFileSync(inp, readFileSync(join(REF, 'feff.inp'), 'utf8').replace('EXCHANGE  0', 'BOGUS 1'));
    const e = await refusal(runFeff({ kind: 'inp', file: inp }, { cacheDir: tmp() }), expect);
    expect(e.code).toBe('EFEFF');
    expect(e.message).toMatch(new RegExp(`^feff8l failed on ${inp.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(no paths.dat written\\); the end of its log:\\n`));
    // the complaint itself, although feff8l ran five more modules after it, then the very end
    expect(e.message).toContain('  |  Keyword unrecognized.\n');
    expect(e.message).toMatch(/\n {2}\| \.\.\.\n(.*\n){3} {2}\| #= Feff85l done [\d-]+ [\d:]+$/);
  });

  it('says so when no path is shorter than rmax', async ({ expect }) => {
    const e = await refusal(runFeff({ kind: 'shells', absorber: 'Cu', shells: [{ element: 'O', n: 4, r: 1.95 }], rmax: 1.5 }, { cacheDir: tmp() }), expect);
    expect(e.message).toBe('feff8l found no path shorter than rmax 1.5 Å in the generated feff.inp: increase rmax (the nearest neighbour must lie within it)');
  });
});

describe.skipIf(!HAVE6)('runFeff with feff6l (skipped: feff6l not installed; apt-get install feff85exafs)', () => {
  it('writes the feff6 cards and reads its paths (FEFF 6L.02)', async ({ expect }) => {
    const run = await runFeff({ kind: 'xyz', file: S('cu_n4_ru.xyz'), absorber: 'Cu', rmax: 2.7, nleg: 2 }, { program: 'feff6l', cacheDir: tmp() });
    expect(run.version).toMatch(/^feff6l Feff 6L\.02/);
    expect(run.inp).toContain('HOLE      1  1');
    expect(run.paths.map((p) => [p.label, p.degen, p.reff])).toEqual([
      ['Cu-N', 4, 1.95],
      ['Cu-Ru', 1, 2.57],
    ]);
    expect(readFileSync(run.paths[0]!.file, 'utf8').split('\n')[0]).toMatch(/Feff 6L\.02/);
  });

  it('falls back to feff6l when feff8l is missing, and says so', async ({ expect }) => {
    const saved = process.env.XAFS_FEFF8L;
    process.env.XAFS_FEFF8L = join(tmp(), 'no-feff8l');
    try {
      const run = await runFeff({ kind: 'shells', absorber: 'Cu', shells: [{ element: 'O', n: 4, r: 1.95 }], rmax: 2.5, nleg: 2 }, { cacheDir: tmp() });
      expect(run.program).toBe('feff6l');
      expect(run.notes).toEqual(['feff8l not found: running feff6l (FEFF 6L.02) instead; install feff85exafs for feff8l']);
      expect(run.paths.map((p) => [p.label, p.degen, p.reff])).toEqual([['Cu-O', 4, 1.95]]);
    } finally {
      if (saved === undefined) delete process.env.XAFS_FEFF8L;
      else process.env.XAFS_FEFF8L = saved;
    }
  });
});

describe('without FEFF', () => {
  const saved = { PATH: process.env.PATH, F8: process.env.XAFS_FEFF8L, F6: process.env.XAFS_FEFF6L };
  afterEach(() => {
    process.env.PATH = saved.PATH;
    for (const [k, v] of [['XAFS_FEFF8L', saved.F8], ['XAFS_FEFF6L', saved.F6]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('says how to install FEFF and that the library works without it', async ({ expect }) => {
    process.env.PATH = mkdtempSync(join(tmpdir(), 'xafs-nopath-'));
    delete process.env.XAFS_FEFF8L;
    delete process.env.XAFS_FEFF6L;
    expect(feffAvailable('feff8l')).toBeUndefined();
    const e = await refusal(runFeff({ kind: 'shells', absorber: 'Cu', shells: [{ element: 'O', n: 4, r: 1.95 }] }));
    expect(e.message).toBe('feff8l not found: install it with `apt-get install feff85exafs` (Debian/Ubuntu); the built-in path library (`xafs fit-shell`) works without FEFF');
    expect(e.exitCode).toBe(2);
    const e6 = await refusal(runFeff({ kind: 'shells', absorber: 'Cu', shells: [{ element: 'O', n: 4, r: 1.95 }] }, { program: 'feff6l' }));
    expect(e6.message).toBe('feff6l not found: install it with `apt-get install feff85exafs` (Debian/Ubuntu); the built-in path library (`xafs fit-shell`) works without FEFF');
  });

  it('stops a FEFF that hangs after the timeout, and says so', async ({ expect }) => {
    const dir = mkdtempSync(join(tmpdir(), 'xafs-slowfeff-'));
    const exe = join(dir, 'feff8l');
    writeFileSync(exe, '#!/bin/sh\nif [ "$1" = --version ]; then echo "slow feff 0.0"; exit 0; fi\necho working on it\nexec sleep 30\n', { mode: 0o755 });
    process.env.XAFS_FEFF8L = exe;
    const e = await refusal(runFeff({ kind: 'shells', absorber: 'Cu', shells: [{ element: 'O', n: 4, r: 1.95 }] }, { program: 'feff8l', timeoutMs: 300, cache: false }), expect);
    expect(e.message).toBe('feff8l did not finish within 0.3 s on the generated feff.inp and was stopped: reduce rmax or nleg, or raise the timeout; the end of its log:\n  | working on it');
  });

  it('a "FEFF" that prints nothing and writes nothing: its exit status, and where it came from', async ({ expect }) => {
    const dir = mkdtempSync(join(tmpdir(), 'xafs-fakefeff-'));
    const exe = join(dir, 'feff8l');
    writeFileSync(exe, '#!/bin/sh\nif [ "$1" = --version ]; then echo "mute feff 0.0"; exit 0; fi\nexit 3\n', { mode: 0o755 });
    process.env.XAFS_FEFF8L = exe;
    const e = await refusal(runFeff({ kind: 'shells', absorber: 'Cu', shells: [{ element: 'O', n: 4, r: 1.95 }] }, { program: 'feff8l', cache: false }), expect);
    expect(e.message).toBe(`feff8l failed on the generated feff.inp (no paths.dat written) and printed nothing (exit status 3): check that ${exe} is FEFF (XAFS_FEFF8L or the PATH), e.g. run it in a folder holding a feff.inp`);
    expect(e.exitCode).toBe(2);
  });

  it('finds FEFF through XAFS_FEFF8L', ({ expect }) => {
    const dir = mkdtempSync(join(tmpdir(), 'xafs-fakefeff-'));
    const exe = join(dir, 'myfeff');
    copyFileSync('/bin/true', exe);
    process.env.XAFS_FEFF8L = exe;
    expect(feffAvailable('feff8l')).toBe(exe);
    process.env.XAFS_FEFF8L = join(dir, 'missing');
    expect(feffAvailable('feff8l')).toBeUndefined();
    expect(existsSync(exe)).toBe(true);
  });
});
