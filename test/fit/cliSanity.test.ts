// xafs fit through the CLI with the sanity checks: coded warnings in the JSON and under the text
// table, --starts, the refusals (exit 2), and a fit that did not converge (exit 1, no error bars;
// the minimizer is held to one iteration through a mock of fitRecipe's options).
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { expectRefused, fixture, xafs } from '../cli/helpers.js';

const state = vi.hoisted(() => ({ maxIterations: undefined as number | undefined }));
vi.mock('../../src/fit/run.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/fit/run.js')>();
  return { ...m, fitRecipe: (p: string, o: Parameters<typeof m.fitRecipe>[1] = {}) => m.fitRecipe(p, { ...o, maxIterations: state.maxIterations }) };
});

function setup(edit: (r: Record<string, any>) => void = () => {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'xafs-fitsane-'));
  copyFileSync(fixture('spectra/cu_metal_rt.xdi'), join(dir, 'cu.xdi'));
  copyFileSync(fixture('fits/feffcu01.dat'), join(dir, 'feffcu01.dat'));
  copyFileSync(fixture('fits/feff_feo01.dat'), join(dir, 'feff_feo01.dat'));
  const r: Record<string, any> = {
    params: { amp: { value: 1, vary: true }, del_e0: { value: 0, vary: true }, del_r: { value: 0, vary: true }, sig2: { value: 0.005, vary: true } },
    datasets: [
      {
        file: 'cu.xdi',
        mu: 'mutrans',
        autobk: { rbkg: 1, kweight: 2 },
        transform: { kmin: 3, kmax: 17, kweight: 2, dk: 4, window: 'kaiser', rmin: 1.4, rmax: 3.0 },
        paths: [{ feff: 'feffcu01.dat', degen: 12, s02: 'amp', e0: 'del_e0', sigma2: 'sig2', deltar: 'del_r' }],
      },
    ],
  };
  edit(r);
  const file = join(dir, 'recipe.json');
  writeFileSync(file, JSON.stringify(r));
  return file;
}

describe('xafs fit: sanity through the CLI', () => {
  it('--starts 5: the summary in the text and the JSON; the starts agree on the Cu foil', async () => {
    const recipe = setup();
    const t = await xafs('fit', recipe, '--starts', '5');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/\nstarts: 5 run, 5 within Δχ² < χ²_ν of the best \(χ² 106\.02–106\.02\): they agree within the error bars\n/);
    const j = JSON.parse((await xafs('fit', recipe, '--starts', '5', '--json')).out);
    expect(j.starts).toMatchObject({ count: 5, best: 5, agree: true });
    expect(j.warnings).toEqual([]);
    expectRefused(await xafs('fit', recipe, '--starts', '0'), "xafs: option '--starts' expects a whole number from 1 to 200, got '0'\n(run with --help for usage)\n");
  });

  it('JSON warnings carry codes and parameters; the text table lists them', async () => {
    const recipe = setup((r) => (r.params.amp = 0.5));
    const j = JSON.parse((await xafs('fit', recipe, '--json')).out);
    expect(j.warnings.map((w: { code: string; param?: string }) => [w.code, w.param])).toEqual([['S02_RANGE', 'amp']]);
    const t = await xafs('fit', recipe);
    expect(t.out).toContain('\nwarnings:\n  [S02_RANGE] amp = 0.5 (S0² of path 1, Cu-Cu): S0² outside 0.6–1.1');
  });

  it('refusals exit 2: an unused varied parameter; an Fe path on Cu data (unless --force)', async () => {
    const unused = setup((r) => (r.params.extra = { value: 1, vary: true }));
    expectRefused(await xafs('fit', unused), 'xafs: varied parameter extra is used by no path: it would only inflate the other error bars; use it in a path or drop "vary": true\n');
    const fe = setup((r) => (r.datasets[0].paths[0].feff = 'feff_feo01.dat'));
    const refused = await xafs('fit', fe);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/^xafs: dataset path 1 \(feff_feo01\.dat\): its absorber is Fe but .*cu\.xdi is Cu data/);
    const forced = await xafs('fit', fe, '--force', '--json');
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.out).warnings[0].code).toBe('EDGE_MISMATCH');
  });

  it('a fit that did not converge: exit 1, values printed without error bars', async () => {
    state.maxIterations = 1;
    try {
      const r = await xafs('fit', setup(), '--json');
      expect(r.code).toBe(1);
      const j = JSON.parse(r.out);
      expect(j.statistics.converged).toBe(false);
      expect(j.params.amp.stderr).toBeNull();
      expect(j.warnings.map((w: { code: string }) => w.code)).toEqual(['NOT_CONVERGED']);
    } finally {
      state.maxIterations = undefined;
    }
  });
});
