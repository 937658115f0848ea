// xafs compare-fits (src/fit/compare.ts): Hamilton's F-test and AIC/BIC on nested Cu recipes.
import { describe, expect, test } from 'vitest';
import { fitRecipe } from '../../src/fit/run.js';
import { compareFits } from '../../src/fit/compare.js';
import { fSurvival } from '../../src/stats.js';
import { expectRefused, xafs } from '../cli/helpers.js';
import { fixture, tempFiles } from '../io/helpers.js';

const DATA = fixture('fitref/data');
const transform = { kmin: 3, kmax: 16, kweight: 2, dk: 1, window: 'hanning', rmin: 1.5, rmax: 3.9, fitspace: 'r' };
const shell1 = { feff: 'cu_feff0001.dat', s02: 'amp', e0: 'de0', sigma2: 'ss1', deltar: 'dr1' };
const shell2 = { feff: 'cu_feff0002.dat', s02: 'amp', e0: 'de0', sigma2: 'ss2', deltar: 'dr2' };
const p1 = { amp: { value: 0.9, vary: true }, de0: { value: 0, vary: true }, ss1: { value: 0.008, vary: true }, dr1: { value: 0, vary: true } };
const p2 = { ...p1, ss2: { value: 0.01, vary: true }, dr2: { value: 0, vary: true } };
const recipe = (paths: object[], params: object, t: object = transform) => ({ datasets: [{ file: 'cu_metal_rt.xdi', mu: 'mutrans', autobk: { rbkg: 1, kweight: 2 }, transform: t, paths }], params });

function files() {
  const { write } = tempFiles();
  return {
    one: write('one.json', JSON.stringify(recipe([shell1], p1))),
    two: write('two.json', JSON.stringify(recipe([shell1, shell2], p2))),
    write,
  };
}

describe('compare-fits', () => {
  test('Cu R 1.5–3.9 Å: the second shell is significant (F-test, AIC and BIC agree), whatever the argument order', () => {
    const f = files();
    const one = fitRecipe(f.one, { dataDir: DATA });
    const two = fitRecipe(f.two, { dataDir: DATA });
    const c = compareFits('one', one, 'two', two);
    expect(c.simple.recipe).toBe('one');
    expect(c.full.recipe).toBe('two');
    expect(c.hamilton.df1).toBe(2);
    expect(c.hamilton.df2).toBeCloseTo(two.statistics.nIndependent - 6, 12);
    // F from the two χ² by hand, and its tail
    const F = ((one.statistics.chiSquare - two.statistics.chiSquare) / 2) / (two.statistics.chiSquare / c.hamilton.df2);
    expect(c.hamilton.f).toBeCloseTo(F, 9);
    expect(c.hamilton.p).toBeCloseTo(fSurvival(F, 2, c.hamilton.df2), 14);
    expect(c.hamilton.p).toBeLessThan(0.001);
    expect(c.hamilton.preferred).toBe('full');
    expect(c.aic.preferred).toBe('full');
    expect(c.bic.preferred).toBe('full');
    expect(c.nfev).toBe(one.statistics.nfev + two.statistics.nfev);
    const swapped = compareFits('two', two, 'one', one);
    expect(swapped.hamilton).toEqual(c.hamilton);
  });

  test('a second shell outside the R range is not justified: the simpler model is preferred', () => {
    const { write } = tempFiles();
    const t = { ...transform, rmax: 2.9 };
    const one = fitRecipe(write('a.json', JSON.stringify(recipe([shell1], p1, t))), { dataDir: DATA });
    const two = fitRecipe(write('b.json', JSON.stringify(recipe([shell1, { ...shell2, s02: 'amp2' }], { ...p1, amp2: { value: 0.0, vary: true }, ss2: { value: 0.01 }, dr2: { value: 0 } }, t))), { dataDir: DATA });
    const c = compareFits('a', one, 'b', two);
    expect(c.hamilton.df1).toBe(1);
    expect(c.hamilton.p).toBeGreaterThan(0.05);
    expect(c.hamilton.preferred).toBe('simple');
  });

  test('the CLI names the preferred recipe, the F statistic, its degrees of freedom and the cost', async () => {
    const f = files();
    const r = await xafs('compare-fits', f.one, f.two, '--data-dir', DATA);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Hamilton F-test: F = [\d.]+ with \(2, 14\.86\d*\) degrees of freedom/);
    expect(r.out).toMatch(/preferred: \S*two\.json \(F-test\); \S*two\.json \(AIC/);
    expect(r.out).toMatch(/cost: the two fits, \d+ evaluations/);
    const j = JSON.parse((await xafs('compare-fits', f.two, f.one, '--data-dir', DATA, '--json')).out);
    expect(j.hamilton.preferred).toBe('full');
    expect(j.full.recipe).toBe(f.two);
  });

  test('bad inputs: non-nested recipes, different data, equal sizes, a bad --alpha (exit 2)', async () => {
    const f = files();
    // the same paths with the amplitude renamed: one.json's varied `amp` is not in other.json
    const otherRecipe = recipe([{ ...shell1, s02: 'amp_b' }, { ...shell2, s02: 'amp_b' }], { amp_b: p1.amp, de0: p1.de0, ss1: p1.ss1, dr1: p1.dr1, ss2: p2.ss2, dr2: p2.dr2 });
    const other = f.write('other.json', JSON.stringify(otherRecipe));
    expectRefused(
      await xafs('compare-fits', f.one, other, '--data-dir', DATA),
      `xafs: ${f.one} is not nested in ${other}: its varied parameter(s) amp are not in ${other}; the F-test needs the simpler model to be the fuller one with parameters removed (AIC/BIC of each fit are in their --json output)\n`,
    );
    const shorter = f.write('short.json', JSON.stringify(recipe([shell1, shell2], p2, { ...transform, kmax: 14 })));
    const r = await xafs('compare-fits', f.one, shorter, '--data-dir', DATA);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/fit different data or ranges \(.*k 3–16.* vs .*k 3–14.*\): a comparison needs the same data/);
    expectRefused(await xafs('compare-fits', f.one, f.one, '--data-dir', DATA), `xafs: ${f.one} and ${f.one} both vary 4 parameters: the F-test compares a model with a simpler one nested in it (fewer varied parameters)\n`);
    expectRefused(await xafs('compare-fits', f.one, f.two, '--alpha', '5'), 'xafs: --alpha must be a probability between 0 and 1, e.g. 0.05 (got 5)\n');
  });
});
