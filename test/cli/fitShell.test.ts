// xafs fit-shell through the CLI: the published table, the recipe it writes (and `xafs fit RECIPE`
// reproducing the same numbers from it), --json, --out, S0² from a foil fit, FEFF paths (when
// feff8l is installed) and every bad input, refused with exit 2 and its exact message.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { feffAvailable } from '../../src/feff/runner.js';
import { expectNoStack, expectRefused, fixture, xafs } from './helpers.js';

const RU = fixture('fits/ru_dualatom.xdi');
const CU = fixture('fits/cu_dualatom.xdi');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'xafs-fitshell-cli-'));
const json = (s: string) => JSON.parse(s) as Record<string, any>;

describe('xafs fit-shell', () => {
  it('prints the table papers publish and writes a recipe that `xafs fit` reproduces exactly', async () => {
    const dir = tmp();
    const recipe = join(dir, 'ru.recipe.json');
    const r = await xafs('fit-shell', RU, '--absorber', 'Ru', '--shell', 'N', '--shell', 'Cu', '--s02', '0.92', '--recipe-out', recipe);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe(`xafs fit-shell ${RU}: Ru K edge, paths from the path library (FEFF8L)`);
    expect(lines[2]).toMatch(/^shell +CN +R \(Å\) +σ² \(Å²\) +ΔE0 \(eV\)$/);
    expect(lines[3]).toMatch(/^Ru-N +\d\.\d+ ± \d\.\d+ +2\.0\d+ ± 0\.0\d+ +0\.0\d+ ± 0\.00\d+ +-?\d+\.\d ± \d\.\d$/);
    expect(lines[4]).toMatch(/^Ru-Cu +/);
    expect(r.out).toContain('\nS0²        0.92 (fixed)\n');
    expect(r.out).toMatch(/\nR-factor   0\.0\d+ +\(reduced χ² [\d.]+, 7 variables, [\d.]+ independent points\)\n/);
    expect(r.out).toContain('\nk range    3–12 Å⁻¹ (k-weight 2, hanning dk 1)\nR range    1.5–3.2 Å (fit in R space)\nE0         22117 eV (ΔE0 is relative to it)\n');
    expect(r.err).toBe(
      'xafs: note: μ(E) = ifluor/i0 (fluorescence: the only choice the columns of ru_dualatom.xdi leave); pass --mu to choose another\n' + `wrote ${recipe}\n`,
    );
    const written = json(readFileSync(recipe, 'utf8'));
    expect(Object.keys(written)).toEqual(['title', 'params', 'datasets']);
    expect(written.datasets[0].mu).toBe('ifluor/i0');
    expect(written.datasets[0].autobk).toEqual({ rbkg: 0.8, kweight: 1 });

    const a = await xafs('fit-shell', RU, '--absorber', 'Ru', '--shell', 'N', '--shell', 'Cu', '--s02', '0.92', '--recipe-out', recipe, '--json');
    const b = await xafs('fit', recipe, '--json');
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const ja = json(a.out);
    const jb = json(b.out);
    // fit-shell fits from several starts: `starts` says whether they agree (docs/fit-sanity.md)
    expect(Object.keys(ja)).toEqual(['params', 'correlations', 'statistics', 'datasets', 'paths', 'warnings', 'starts', 'recipe']);
    // six starts, the library guess being the first start here: five distinct, all at the same minimum
    expect(ja.starts).toMatchObject({ count: 5, best: 5, agree: true });
    // the same numbers, to the last bit
    expect(jb.params).toEqual(ja.params);
    expect(jb.statistics).toEqual(ja.statistics);
    expect(jb.paths).toEqual(ja.paths);
    expect(jb.datasets).toEqual(ja.datasets);
    expect(ja.recipe.params).toEqual(written.params);
    expect(ja.paths.map((p: { label: string }) => p.label)).toEqual(['Ru-N', 'Ru-Cu']);
  });

  it('writes SAMPLE.fitshell.recipe.json beside the sample by default, and into --out with the fit arrays and result.json', async () => {
    const dir = tmp();
    const sample = join(dir, 'cu_dualatom.xdi');
    copyFileSync(CU, sample);
    const r = await xafs('fit-shell', sample, '--absorber', 'Cu', '--shell', 'N', '--shell', 'Ru', '--s02', '0.9');
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'cu_dualatom.fitshell.recipe.json'))).toBe(true);
    // the sample lies beside the recipe: named relative to it
    expect(json(readFileSync(join(dir, 'cu_dualatom.fitshell.recipe.json'), 'utf8')).datasets[0].file).toBe('cu_dualatom.xdi');

    const out = join(dir, 'fit');
    const o = await xafs('fit-shell', sample, '--absorber', 'Cu', '--shell', 'N', '--shell', 'Ru', '--s02', '0.9', '--out', out);
    expect(o.code).toBe(0);
    for (const f of ['cu_dualatom.fitshell.recipe.json', 'cu_dualatom.fit_k.dat', 'cu_dualatom.fit_r.dat', 'cu_dualatom.fit_q.dat', 'result.json']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(o.err).toContain(`wrote ${join(out, 'cu_dualatom.fitshell.recipe.json')}, ${join(out, 'cu_dualatom.fit_k.dat')}, ${join(out, 'cu_dualatom.fit_r.dat')}, ${join(out, 'cu_dualatom.fit_q.dat')}, ${join(out, 'result.json')}\n`);
    // result.json is the --json document
    expect(json(readFileSync(join(out, 'result.json'), 'utf8')).paths.map((p: { n: number }) => p.n)).toEqual(
      json((await xafs('fit', join(out, 'cu_dualatom.fitshell.recipe.json'), '--json')).out).paths.map((p: { n: number }) => p.n),
    );
  });

  it('takes S0² and its error from a saved foil fit (--s02-from FILE, parameter amp found)', async () => {
    const dir = tmp();
    const foil = join(dir, 'cu_foil.result.json');
    const f = await xafs('fit', fixture('recipes/cu_foil.recipe.json'), '--json');
    writeFileSync(foil, f.out);
    const amp = json(f.out).params.amp as { value: number; stderr: number };
    const recipe = join(dir, 'foil.recipe.json');
    const r = await xafs('fit-shell', fixture('spectra/cu_metal_rt.xdi'), '--absorber', 'Cu', '--shell', 'Cu', '--s02-from', foil, '--recipe-out', recipe, '--json');
    expect(r.code).toBe(0);
    const j = json(r.out);
    expect(j.params.s02.value).toBe(amp.value);
    expect(j.params.s02.stderr).toBe(amp.stderr);
    expect(j.params.s02.vary).toBe(false);
    expect(json(readFileSync(recipe, 'utf8')).params.s02).toEqual({ from: 'cu_foil.result.json', param: 'amp' });
    // the foil fit's own S0² gives back fcc Cu's 12 neighbours within 2σ
    const p = j.paths[0];
    expect(Math.abs(p.n - 12) / p.nStderr).toBeLessThan(2);
    const t = await xafs('fit-shell', fixture('spectra/cu_metal_rt.xdi'), '--absorber', 'Cu', '--shell', 'Cu', '--s02-from', `${foil}#amp`, '--recipe-out', recipe);
    expect(t.out).toContain(`\nS0²        ${amp.value.toFixed(3)} ± ${amp.stderr.toFixed(3)} (from ${foil}#amp)\n`);
  });

  it('--foil measures S0² on a metal foil (N fixed at 12), and --s02-from carries it and its error into the sample', async () => {
    const dir = tmp();
    const foilRecipe = join(dir, 'cu_foil.fitshell.recipe.json');
    const f = await xafs('fit-shell', fixture('spectra/cu_metal_rt.xdi'), '--absorber', 'Cu', '--foil', '--recipe-out', foilRecipe, '--json');
    expect(f.code).toBe(0);
    expect(f.err).toBe(
      `xafs: note: fitting S0² of Cu foil with N fixed at 12 (the crystal's first shell); save the result with --json and pass it to --s02-from for your samples\n` +
        `xafs: note: R range ends at 2.9 Å, the |χ(R)| minimum after the first shell's peak (2.24 Å), so that the next, unmodelled shell stays out of the fit; pass --rmax to change\nwrote ${foilRecipe}\n`,
    );
    const jf = json(f.out);
    expect(jf.params.n_cu).toMatchObject({ value: 12, vary: false });
    expect(jf.params.s02.vary).toBe(true);
    // the foil's own path from the crystal, not the Cu-in-a-Cu12-cluster pair
    expect(jf.recipe.datasets[0].paths[0].feff).toMatch(/library\/paths\/Cu_K\/foil\/feff0001\.dat$/);
    // an independent measurement of the same foil: fixtures/recipes/cu_foil.recipe.json (k 3-17, kaiser, its own FEFF path) gives amp 0.895 ± 0.038
    const ref = json((await xafs('fit', fixture('recipes/cu_foil.recipe.json'), '--json')).out).params.amp as { value: number; stderr: number };
    const s02 = jf.params.s02 as { value: number; stderr: number };
    expect(s02.value).toBeGreaterThan(0.8);
    expect(s02.value).toBeLessThan(1.0);
    expect(s02.stderr).toBeGreaterThan(0.02);
    expect(Math.abs(s02.value - ref.value)).toBeLessThan(s02.stderr);
    // `xafs fit` on the foil's recipe gives the same S0²
    expect(json((await xafs('fit', foilRecipe, '--json')).out).params.s02).toEqual(jf.params.s02);
    const t = await xafs('fit-shell', fixture('spectra/cu_metal_rt.xdi'), '--absorber', 'Cu', '--foil', '--recipe-out', foilRecipe);
    expect(t.out).toMatch(/\nCu-Cu +12 \(fixed\) +2\.5\d+ ± 0\.00\d+ +/);
    expect(t.out).toContain(`\nS0²        ${s02.value.toFixed(3)} ± ${s02.stderr.toFixed(3)} (fitted; N fixed)\n`);

    const foil = join(dir, 'foil.json');
    writeFileSync(foil, f.out);
    const recipe = join(dir, 'cu.recipe.json');
    const r = await xafs('fit-shell', CU, '--absorber', 'Cu', '--shell', 'N', '--shell', 'Ru', '--s02-from', foil, '--recipe-out', recipe);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`\nS0²        ${s02.value.toFixed(3)} ± ${s02.stderr.toFixed(3)} (from ${foil}#s02)\n`);
    expect(json(readFileSync(recipe, 'utf8')).params.s02).toEqual({ from: 'foil.json', param: 's02' });
    const a = json((await xafs('fit-shell', CU, '--absorber', 'Cu', '--shell', 'N', '--shell', 'Ru', '--s02-from', foil, '--recipe-out', recipe, '--json')).out);
    expect(a.params.s02).toMatchObject({ value: s02.value, stderr: s02.stderr, vary: false });
    expect(json((await xafs('fit', recipe, '--json')).out).params).toEqual(a.params);
  });

  it('fits several k-weights, another window and k space when asked', async () => {
    const dir = tmp();
    const r = await xafs('fit-shell', fixture('fits/cu_dualatom.chi'), '--absorber', 'Cu', '--shell', 'N', '--shell', 'Ru', '--s02', '0.9', '--kweight', '1,2', '--kweight', '3', '--kmin', '3.5', '--kmax', '11', '--dk', '2', '--window', 'kaiser', '--rmin', '1.2', '--rmax', '3', '--fit-space', 'k', '--recipe-out', join(dir, 'r.json'), '--json');
    expect(r.code).toBe(0);
    expect(json(r.out).recipe.datasets[0].transform).toEqual({ kmin: 3.5, kmax: 11, kweight: [1, 2, 3], dk: 2, window: 'kaiser', rmin: 1.2, rmax: 3, fitspace: 'k' });
  });

  it.skipIf(!feffAvailable())('--feff: FEFF8L on a cluster of the shells, its run kept beside the recipe', async () => {
    const dir = tmp();
    const recipe = join(dir, 'cu.recipe.json');
    const r = await xafs('fit-shell', fixture('fits/cu_dualatom.chi'), '--absorber', 'Cu', '--shell', 'N:3:1.93', '--shell', 'Ru:1:2.59', '--s02', '0.9', '--feff', '--recipe-out', recipe, '--json');
    expect(r.code).toBe(0);
    const j = json(r.out);
    expect(j.recipe.datasets[0].paths.map((p: { feff: string }) => p.feff)).toEqual(['cu.feff/feff0001.dat', 'cu.feff/feff0002.dat']);
    expect(existsSync(join(dir, 'cu.feff', 'feff.inp'))).toBe(true);
    expect(j.paths.map((p: { reff: number }) => p.reff)).toEqual([1.93, 2.59]);
    const truth = json(readFileSync(fixture('fits/cu_dualatom_truth.json'), 'utf8'));
    j.paths.forEach((p: { n: number; nStderr: number; r: number; rStderr: number }, i: number) => {
      expect(Math.abs(p.n - truth.paths[i].n) / p.nStderr).toBeLessThan(2);
      expect(Math.abs(p.r - truth.paths[i].r) / p.rStderr).toBeLessThan(2);
    });
  });
});

describe('xafs fit-shell refuses bad input (exit 2)', () => {
  const base = [RU, '--absorber', 'Ru', '--shell', 'N'];
  it.each([
    [['--shell', 'Xx', '--s02', '0.9'], "xafs: --shell 'Xx': unknown element 'Xx'; use an element symbol (N, O, Cu, Ru, ...)\n"],
    [
      ['--shell', 'H', '--s02', '0.9'],
      'xafs: --shell H: the path library has no Ru-H path at the Ru K edge; it has Ru-C, Ru-N, Ru-O, Ru-S, Ru-P, Ru-Cl, Ru-Fe, Ru-Co, Ru-Ni, Ru-Cu, Ru-Zn, Ru-Ru, Ru-Rh, Ru-Pd, Ru-Ag, Ru-Ir, Ru-Pt, Ru-Au; run FEFF for this pair with --feff\n',
    ],
    [['--s02', '0.9', '--s02-from', 'foil.json'], 'xafs: --s02 and --s02-from both given: give S0² either as a number (--s02 0.9) or from a foil fit (--s02-from FOIL.result.json), not both\n'],
    [['--edge', 'L3', '--s02', '0.9'], 'xafs: --edge L3: the path library has Ru paths for the K edge only; pass --edge K or run FEFF with --feff\n'],
    [['--s02', '0.9', '--kmax', '15'], 'xafs: --kmax 15 Å⁻¹ is beyond the data, whose χ(k) ends at 12.95 Å⁻¹; pass --kmax 12.5 or less\n'],
    [['--s02', '0.9', '--kmin', '8', '--kmax', '6'], 'xafs: k range 8–6 Å⁻¹ is empty: --kmin must be below --kmax\n'],
  ])('%j', async (extra, message) => {
    const dir = tmp();
    expectRefused(await xafs('fit-shell', ...base, ...extra, '--recipe-out', join(dir, 'r.json')), message);
  });

  it('data too short for the default k range, or for the shells asked', async () => {
    const dir = tmp();
    const rows = readFileSync(fixture('fits/cu_dualatom.chi'), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    const upTo = (kmax: number, name: string): string => {
      const f = join(dir, name);
      writeFileSync(f, ['# k chi', ...rows.filter((l) => Number(l.trim().split(/\s+/)[0]) <= kmax + 1e-9)].join('\n') + '\n');
      return f;
    };
    const k3 = upTo(3.4, 'k3.chi');
    expectRefused(
      await xafs('fit-shell', k3, '--absorber', 'Cu', '--shell', 'N', '--s02', '0.9', '--recipe-out', join(dir, 'r.json')),
      "xafs: χ(k) of k3.chi ends at 3.4 Å⁻¹, too short for fit-shell's k range (from 3 Å⁻¹ to 0.5 Å⁻¹ before the end of the data): a shell fit needs data to 8 Å⁻¹ or more; pass --kmin and --kmax inside the data to try anyway\n",
    );
    const k7 = upTo(7, 'k7.chi');
    expectRefused(
      await xafs('fit-shell', k7, '--absorber', 'Cu', '--shell', 'N', '--shell', 'Ru', '--s02', '0.9', '--recipe-out', join(dir, 'r.json')),
      'xafs: k 3–6.5 Å⁻¹ and R 1.4–3.2 Å give 5.01 independent points, fewer than the 7 parameters of 2 shells (N, R and σ² each, one ΔE0): fit fewer shells, or widen the ranges (--kmin, --rmin, --rmax; the data end at 7 Å⁻¹)\n',
    );
    expectRefused(
      await xafs('fit-shell', k7, '--absorber', 'Cu', '--shell', 'N', '--s02', '0.9', '--recipe-out', join(dir, 'r.json')),
      'xafs: k 3–6.5 Å⁻¹ and R 1.4–2.65 Å give 3.79 independent points, fewer than the 4 parameters of one shell (N, R and σ² each, one ΔE0): widen the ranges (--kmin, --rmin, --rmax; the data end at 7 Å⁻¹)\n',
    );
    // a wider R range is enough for the one shell
    expect((await xafs('fit-shell', k7, '--absorber', 'Cu', '--shell', 'N', '--s02', '0.9', '--rmin', '1', '--recipe-out', join(dir, 'r.json'))).code).toBe(0);
  });

  it('--feff for a pair the library lacks needs the distance', async () => {
    expectRefused(
      await xafs('fit-shell', fixture('spectra/znse_zn_xafs.001'), '--absorber', 'Zn', '--shell', 'Se', '--feff', '--s02', '0.9', '--recipe-out', join(tmp(), 'r.json')),
      'xafs: --shell Se: give its distance for FEFF, e.g. --shell Se:4:2.0 (N and R in Å); the path library has no Zn-Se bond length to start from\n',
    );
  });

  it('an absorber the library lacks, an unknown absorber symbol', async () => {
    expectRefused(
      await xafs('fit-shell', RU, '--absorber', 'Os', '--shell', 'N', '--s02', '0.9'),
      'xafs: --absorber Os: the path library has no Os paths; it covers Fe, Co, Ni, Cu, Zn, Ru, Rh, Pd, Ag, Ir, Pt, Au; run FEFF on your structure with --feff\n',
    );
    expectRefused(await xafs('fit-shell', RU, '--absorber', 'Qq', '--shell', 'N', '--s02', '0.9'), "xafs: --absorber: unknown element 'Qq'; use an element symbol (N, O, Cu, Ru, ...)\n");
  });

  it('a foil result without the S0² parameter, or without the one named', async () => {
    const dir = tmp();
    const foil = join(dir, 'foil.json');
    writeFileSync(foil, JSON.stringify({ params: { del_e0: { value: 1, stderr: 0.1 }, sig2: { value: 0.008 } } }));
    expectRefused(
      await xafs('fit-shell', ...base, '--s02-from', foil),
      `xafs: --s02-from: ${foil} has no S0² parameter (looked for s02, amp); its parameters are: del_e0, sig2; name one with --s02-from ${foil}#NAME\n`,
    );
    expectRefused(
      await xafs('fit-shell', ...base, '--s02-from', `${foil}#s0`),
      `xafs: --s02-from: ${foil} has no parameter 's0'; its parameters are: del_e0, sig2; name one with --s02-from ${foil}#NAME\n`,
    );
    expectRefused(
      await xafs('fit-shell', ...base, '--s02-from', join(dir, 'none.json')),
      `xafs: --s02-from: result file not found: '${join(dir, 'none.json')}'; save the foil's fit first: xafs fit-shell FOIL --absorber EL --foil --json > none.json (or xafs fit FOIL.recipe.json --json)\n`,
    );
    // a parameter that is no S0² (ΔE0 of 1 eV would pass as S0² = 1, 5 eV would not)
    writeFileSync(foil, JSON.stringify({ params: { s02: { value: 0.9, stderr: 0.05, vary: true }, de0: { value: 5.2, stderr: 1, vary: true } } }));
    expectRefused(
      await xafs('fit-shell', ...base, '--s02-from', `${foil}#de0`),
      `xafs: --s02-from: de0 in ${foil} is 5.2, not an S0² (above 0 and at most 1.5); name the foil's S0² parameter with --s02-from ${foil}#NAME\n`,
    );
  });

  it('a foil result whose S0² was fixed, not measured (fit-shell of a foil without --foil), and a data file given as the result', async () => {
    const dir = tmp();
    const foil = join(dir, 'foil.json');
    const f = await xafs('fit-shell', fixture('spectra/cu_metal_rt.xdi'), '--absorber', 'Cu', '--shell', 'Cu', '--recipe-out', join(dir, 'f.json'), '--json');
    expect(f.code).toBe(0);
    writeFileSync(foil, f.out);
    expectRefused(
      await xafs('fit-shell', CU, '--absorber', 'Cu', '--shell', 'N', '--s02-from', foil, '--recipe-out', join(dir, 'r.json')),
      `xafs: --s02-from: s02 was fixed at 0.9 in ${foil}, not measured; fit the foil with S0² free (N fixed at the crystal's): xafs fit-shell FOIL --absorber EL --foil --json > foil.json\n`,
    );
    const r = await xafs('fit-shell', CU, '--absorber', 'Cu', '--shell', 'N', '--s02-from', fixture('spectra/cu_metal_rt.xdi'), '--recipe-out', join(dir, 'r.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^xafs: --s02-from: \S+cu_metal_rt\.xdi is not valid JSON \(.*\); it must be the output of xafs fit --json or xafs fit-shell --json, e\.g\. xafs fit-shell FOIL --absorber EL --foil --json > cu_metal_rt\.xdi\n$/);
  });

  it('--foil with an S0², with other shells, or for a metal whose N is not known', async () => {
    const foil = fixture('spectra/cu_metal_rt.xdi');
    expectRefused(await xafs('fit-shell', foil, '--absorber', 'Cu', '--foil', '--s02', '0.9'), "xafs: --foil fits S0² (with N fixed at the crystal's); drop --s02, or drop --foil to fit N with S0² fixed\n");
    expectRefused(await xafs('fit-shell', foil, '--absorber', 'Cu', '--foil', '--s02-from', 'x.json'), "xafs: --foil fits S0² (with N fixed at the crystal's); drop --s02-from, or drop --foil to fit N with S0² fixed\n");
    expectRefused(await xafs('fit-shell', foil, '--absorber', 'Cu', '--foil', '--shell', 'O'), 'xafs: --foil fits the first shell of Cu metal (Cu-Cu) only; drop the --shell options, or drop --foil to fit Cu-O\n');
    expectRefused(await xafs('fit-shell', foil, '--absorber', 'Mn', '--foil'), "xafs: --foil: the first-shell N of Mn metal is not known here; give it with --shell Mn:N (12 for fcc or hcp, 8 for bcc)\n");
  });

  it('no --shell, no --absorber, a missing sample, a bad number', async () => {
    const r = await xafs('fit-shell', RU, '--absorber', 'Ru', '--s02', '0.9');
    expect(r.code).toBe(2);
    expect(r.err).toContain("xafs: required option '--shell <el[:N[:R]]>' not specified: give each neighbour, e.g. --shell N --shell Ru\n");
    const a = await xafs('fit-shell', RU, '--shell', 'N');
    expect(a.code).toBe(2);
    expect(a.err).toContain("xafs: required option '--absorber <element>' not specified\n");
    expectRefused(await xafs('fit-shell', 'nothere.xdi', '--absorber', 'Ru', '--shell', 'N', '--s02', '0.9'), "xafs: sample not found: 'nothere.xdi'; check the name and the folder\n");
    const n = await xafs('fit-shell', ...base, '--s02', 'abc');
    expect(n.code).toBe(2);
    expect(n.err).toContain("xafs: option '--s02' expects a number, got 'abc'");
    expectNoStack(n.err);
  });

  it('a file whose columns leave μ(E) open asks for --mu', async () => {
    const dir = tmp();
    const f = join(dir, 'both.dat');
    const rows = readFileSync(RU, 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .map((l) => `${l} ${Number(l.trim().split(/\s+/)[1]) * 0.5}`);
    writeFileSync(f, ['# test', '# energy i0 ifluor itrans', ...rows].join('\n') + '\n');
    expectRefused(
      await xafs('fit-shell', f, '--absorber', 'Ru', '--shell', 'N', '--s02', '0.9', '--recipe-out', join(dir, 'r.json')),
      `xafs: ${f}: which column is μ(E)? The columns are energy, i0, ifluor, itrans; pass --mu EXPR, e.g. --mu 'ln(i0/itrans)' or --mu 'ifluor/i0'\n`,
    );
  });
});
