// xafs fit and xafs paths through the CLI: the shared Cu 1-shell case end to end, and every bad
// input the issue lists, each refused with exit 2 and its exact message.
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoStack, expectRefused, fixture, xafs } from './helpers.js';

const CU_RECIPE = {
  datasets: [
    {
      file: 'cu_metal_rt.xdi',
      mu: 'mutrans',
      autobk: { rbkg: 1.0, kweight: 2, calcUncertainties: false }, // as the Larch reference was made
      transform: { kmin: 3, kmax: 17, kweight: 2, dk: 4, window: 'kaiser', rmin: 1.4, rmax: 3.0, fitspace: 'r' },
      paths: [{ feff: 'feffcu01.dat', s02: 'amp', e0: 'del_e0', sigma2: 'sig2', deltar: 'del_r' }],
    },
  ],
  params: { amp: { value: 1, vary: true }, del_e0: { value: 0, vary: true }, sig2: { value: 0, vary: true }, del_r: { value: 0, vary: true } },
};

/** A folder holding the Cu data, its feff path and a recipe built from `edit(CU_RECIPE)`. */
function setup(edit: (r: typeof CU_RECIPE) => unknown = (r) => r): { dir: string; recipe: string } {
  const dir = mkdtempSync(join(tmpdir(), 'xafs-fit-'));
  copyFileSync(fixture('spectra/cu_metal_rt.xdi'), join(dir, 'cu_metal_rt.xdi'));
  copyFileSync(fixture('fits/feffcu01.dat'), join(dir, 'feffcu01.dat'));
  const recipe = join(dir, 'recipe.json');
  writeFileSync(recipe, JSON.stringify(edit(structuredClone(CU_RECIPE)), null, 1));
  return { dir, recipe };
}

// Larch 0.9.58 feffit on this recipe (fixtures/fitref/shared/cu_1shell.larch.json)
const LARCH = { amp: [0.8951890001178086, 0.03763412439264479], del_e0: [4.357769400151244, 0.5113492061238115], del_r: [-0.006016648922974804, 0.002613313004090882], sig2: [0.008669688058990132, 0.0003078435467093036] };

describe('xafs fit', () => {
  it('fits the Cu first shell as Larch does and prints the table papers use', async () => {
    const { recipe } = setup();
    const r = await xafs('fit', recipe);
    expect(r.code).toBe(0);
    expect(r.out).toContain('path   feff          N   N·S0²  R (Å)            σ² (Å²)            ΔE0 (eV)');
    expect(r.out).toContain('Cu-Cu  feffcu01.dat  12  10.74  2.5418 ± 0.0026  0.00867 ± 0.00031  4.36 ± 0.51');
    expect(r.out).toContain('amp – sig2               0.928');
  });

  it('--json gives the contract fields with Larch values, --out the arrays and result.json', async () => {
    const { dir, recipe } = setup();
    const out = join(dir, 'out');
    const r = await xafs('fit', recipe, '--json', '--out', out);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    for (const [name, [v, e]] of Object.entries(LARCH)) {
      expect(Math.abs(j.params[name].value - v) / e).toBeLessThan(0.02);
      expect(Math.abs(j.params[name].stderr / e - 1)).toBeLessThan(0.01);
      expect(j.params[name].vary).toBe(true);
    }
    expect(j.statistics.nIndependent).toBeCloseTo(15.260282901033824, 9);
    expect(j.statistics.npts).toBe(104);
    expect(j.statistics.rfactor / 0.002721812230898787 - 1).toBeLessThan(1e-3);
    expect(Object.keys(j.statistics).sort()).toEqual(['aic', 'bic', 'chi2Reduced', 'chiSquare', 'converged', 'nIndependent', 'nfev', 'npts', 'nvarys', 'rfactor']);
    expect(j.datasets[0].epsilonK).toBeCloseTo(0.00015346310638079787, 12);
    const p = j.paths[0];
    expect(p.label).toBe('Cu-Cu');
    expect(p.n).toBe(12);
    expect(p.r).toBeCloseTo(2.5478 + LARCH.del_r[0], 4);
    expect(p.rStderr).toBeCloseTo(LARCH.del_r[1], 4);
    expect(j.correlations['amp,sig2']).toBeCloseTo(0.928, 3);
    const saved = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(saved.params.amp.value).toBe(j.params.amp.value);
    const fitK = readFileSync(join(out, 'cu_metal_rt.fit_k.dat'), 'utf8');
    expect(fitK).toContain('# Column.3: chi_fit  χ(k) best fit');
    expect(r.err).toBe(`wrote ${join(out, 'cu_metal_rt.fit_k.dat')}, ${join(out, 'cu_metal_rt.fit_r.dat')}, ${join(out, 'cu_metal_rt.fit_q.dat')}, ${join(out, 'result.json')}\n`);
  });

  it('a chained fit takes S0² from a saved result and carries its error', async () => {
    const { dir, recipe } = setup();
    const foil = await xafs('fit', recipe, '--json');
    writeFileSync(join(dir, 'cu_foil.result.json'), foil.out);
    const { recipe: sample } = setup((r) => {
      (r.params as Record<string, unknown>).amp = { from: join(dir, 'cu_foil.result.json'), param: 'amp' };
      return r;
    });
    const j = JSON.parse((await xafs('fit', sample, '--json')).out);
    const amp = JSON.parse(foil.out).params.amp;
    expect(j.params.amp).toMatchObject({ value: amp.value, stderr: amp.stderr, vary: false, from: `${join(dir, 'cu_foil.result.json')}#amp` });
    expect(j.statistics.nvarys).toBe(3);
  });
});

describe('xafs fit refuses bad input with exit 2', () => {
  it('a missing feff.dat', async () => {
    const { dir, recipe } = setup((r) => {
      r.datasets[0].paths[0].feff = 'feff0009.dat';
      return r;
    });
    const res = await xafs('fit', recipe);
    expect(res.code).toBe(2);
    expect(res.err).toContain(join(dir, 'feff0009.dat'));
    expectNoStack(res.err);
  });

  it('a malformed feff.dat names the line', async () => {
    const { dir, recipe } = setup();
    const lines = readFileSync(join(dir, 'feffcu01.dat'), 'utf8').split('\n');
    const at = lines.findIndex((l) => /^\s+0\.\d+\s/.test(l) || /^\s+\d+\.\d+\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s*$/.test(l));
    lines[at + 3] = lines[at + 3].replace(/\d\.\d+/, 'x.yz');
    writeFileSync(join(dir, 'feffcu01.dat'), lines.join('\n'));
    const res = await xafs('fit', recipe);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/feffcu01\.dat.*line \d+/);
  });

  it('an unknown parameter in an expression: named, with the defined ones listed', async () => {
    const { recipe } = setup((r) => {
      r.datasets[0].paths[0].sigma2 = 'sig22';
      return r;
    });
    const res = await xafs('fit', recipe);
    expect(res.code).toBe(2);
    expect(res.err).toContain("unknown name 'sig22'");
    expect(res.err).toContain('the parameters are: amp, del_e0, sig2, del_r (and reff here)');
  });

  it('a circular expression', async () => {
    const { recipe } = setup((r) => {
      (r.params as Record<string, unknown>).a = { expr: 'b + 1' };
      (r.params as Record<string, unknown>).b = { expr: 'a * 2' };
      return r;
    });
    const res = await xafs('fit', recipe);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/circular expressions: a → b → a/);
  });

  it('a transform kmax beyond the data', async () => {
    const { recipe } = setup((r) => {
      r.datasets[0].transform.kmax = 19;
      return r;
    });
    expectRefused(await xafs('fit', recipe), 'xafs: transform: kmax 19 Å⁻¹ is beyond the data: χ(k) of ' + recipe.replace('recipe.json', 'cu_metal_rt.xdi') + ' ends at k = 17.45 Å⁻¹; use kmax 17.45 or less\n');
  });

  it('an R range outside (0, rmax_out)', async () => {
    const { recipe } = setup((r) => {
      r.datasets[0].transform.rmax = 12;
      return r;
    });
    expectRefused(await xafs('fit', recipe), "xafs: transform: the R range 1.4–12 Å reaches beyond 10 Å, the end of the fit's χ(R); choose rmax ≤ 10\n");
    const { recipe: neg } = setup((r) => {
      r.datasets[0].transform.rmin = -1;
      return r;
    });
    expectRefused(await xafs('fit', neg), `xafs: ${neg}: 'datasets[0].transform.rmin' must be a number from 0 to 30 (Å), got -1\n`);
  });

  it('more variables than independent points: refused unless --force', async () => {
    const narrow = (r: typeof CU_RECIPE) => {
      Object.assign(r.datasets[0].transform, { kmin: 3, kmax: 5, rmin: 1.8, rmax: 2.6 });
      return r;
    };
    const { recipe } = setup(narrow);
    expectRefused(
      await xafs('fit', recipe),
      'xafs: 4 varied parameters (amp, del_e0, sig2, del_r) but only 2.02 independent points: the fit is underdetermined; fix some parameters, widen the k or R range, or pass --force\n',
    );
    const forced = await xafs('fit', recipe, '--force', '--json');
    expect(forced.code).toBe(0);
    expect(forced.err).toContain('warning: 4 varied parameters (amp, del_e0, sig2, del_r) but only 2.02 independent points');
  });

  it('NaN in a χ(k) file names the line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xafs-fit-'));
    copyFileSync(fixture('fits/feffcu01.dat'), join(dir, 'feffcu01.dat'));
    const rows = Array.from({ length: 300 }, (_, i) => `${(i * 0.05).toFixed(2)} ${i === 120 ? 'nan' : Math.sin(i * 0.2) * 0.01}`);
    writeFileSync(join(dir, 'cu.chi'), `# k chi\n# k chi\n${rows.join('\n')}\n`);
    const recipe = join(dir, 'r.json');
    writeFileSync(recipe, JSON.stringify({ ...CU_RECIPE, datasets: [{ ...CU_RECIPE.datasets[0], file: 'cu.chi', mu: undefined, autobk: undefined, transform: { ...CU_RECIPE.datasets[0].transform, kmax: 14 } }] }));
    expectRefused(await xafs('fit', recipe), `xafs: ${join(dir, 'cu.chi')} line 123: k or chi is not a number (6, NaN); fix or delete that line\n`);
  });

  it('an unknown key in the recipe, with its path', async () => {
    const { recipe } = setup((r) => ({ ...r, datasets: [{ ...r.datasets[0], tranform: {} }] }));
    const res = await xafs('fit', recipe);
    expect(res.code).toBe(2);
    expect(res.err).toBe(`xafs: ${recipe}: unknown key 'datasets[0].tranform' (did you mean 'transform'?)\n`);
  });
});

describe('xafs paths', () => {
  it('lists a FEFF run with labels, legs, degeneracy, reff and importance', async () => {
    const r = await xafs('paths', fixture('feff/RuN2CuN3_Ru_feff8'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.paths.map((p: { label: string }) => p.label)).toEqual(['Ru-N', 'Ru-Cu', 'Ru-C', 'Ru-C']);
    expect(j.paths[0]).toMatchObject({ index: 1, nleg: 2, degen: 2, reff: 2.07, importance: 100 });
  });

  it('a folder without feff.dat files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xafs-paths-'));
    expectRefused(await xafs('paths', dir), `xafs: ${dir} holds no feffNNNN.dat files: run FEFF there first (xafs feff, or feff8l/feff6l)\n`);
  });
});
