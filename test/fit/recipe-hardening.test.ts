// Fit recipes hardened (issue 17, items 5, 11, 16, 17 and the smaller ones): every refusal is exit 2
// with a message naming the key path or the expression, the value and what is allowed; valid
// recipes (JSON or YAML) give the same fit as before.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseFitExpr, evalFitExpr, MAX_TREE_DEPTH } from '../../src/fit/expr.js';
import { ParamSet } from '../../src/fit/params.js';
import { parseRecipe } from '../../src/fit/recipe.js';
import { expectNoStack, expectRefused, fixture, xafs } from '../cli/helpers.js';

// loose on purpose: the tests write wrong values
type Loose = Record<string, any>;
const CU_RECIPE: { params: Loose; datasets: Loose[] } = {
  params: { amp: { value: 1, vary: true }, del_e0: { value: 0, vary: true }, sig2: { value: 0.005, vary: true }, del_r: { value: 0, vary: true } } as Record<string, unknown>,
  datasets: [
    {
      file: 'cu_metal_rt.xdi',
      mu: 'mutrans',
      autobk: { rbkg: 1.0, kweight: 2 } as Record<string, unknown>,
      transform: { kmin: 3, kmax: 17, kweight: 2, dk: 4, window: 'kaiser', rmin: 1.4, rmax: 3.0, fitspace: 'r' } as Record<string, unknown>,
      paths: [{ feff: 'feffcu01.dat', degen: 12, s02: 'amp', e0: 'del_e0', sigma2: 'sig2', deltar: 'del_r' } as Record<string, unknown>],
    } as Record<string, unknown>,
  ],
};
type R = typeof CU_RECIPE;

function setup(edit: (r: R) => void = () => {}, text?: (json: string) => string, name = 'recipe.json'): string {
  const dir = mkdtempSync(join(tmpdir(), 'xafs-fit-hard-'));
  copyFileSync(fixture('spectra/cu_metal_rt.xdi'), join(dir, 'cu_metal_rt.xdi'));
  copyFileSync(fixture('fits/feffcu01.dat'), join(dir, 'feffcu01.dat'));
  const r = structuredClone(CU_RECIPE);
  edit(r);
  const json = JSON.stringify(r, null, 1);
  const file = join(dir, name);
  writeFileSync(file, text ? text(json) : json);
  return file;
}
const ds = (r: R) => r.datasets[0]!;
const path0 = (r: R) => (ds(r).paths as Record<string, unknown>[])[0]!;

describe('fit recipes: autobk and transform are validated (item 16)', () => {
  const cases: [string, (r: R) => void, string][] = [
    ['a misspelled key', (r) => (ds(r).autobk.rbk = 3), "unknown key 'datasets[0].autobk.rbk' (did you mean 'rbkg'?)"],
    ['rbkg -1', (r) => (ds(r).autobk.rbkg = -1), "'datasets[0].autobk.rbkg' must be a number above 0 and at most 10 (Å), got -1"],
    ['rbkg 0', (r) => (ds(r).autobk.rbkg = 0), "'datasets[0].autobk.rbkg' must be a number above 0 and at most 10 (Å), got 0"],
    ['nknots -3', (r) => (ds(r).autobk.nknots = -3), "'datasets[0].autobk.nknots' must be a whole number from 5 to 128, got -3"],
    ['nknots 100000', (r) => (ds(r).autobk.nknots = 100000), "'datasets[0].autobk.nknots' must be a whole number from 5 to 128, got 100000"],
    ['kmin -5', (r) => (ds(r).transform.kmin = -5), "'datasets[0].transform.kmin' must be a number from 0 to 50 (Å⁻¹), got -5"],
    ['dk -4', (r) => (ds(r).transform.dk = -4), "'datasets[0].transform.dk' must be a number from 0 to 50 (Å⁻¹), got -4"],
    ['a number given as a string', (r) => (ds(r).transform.dk = '4'), "'datasets[0].transform.dk' must be a number from 0 to 50 (Å⁻¹), got '4' (a string: write the number without quotes)"],
    ['a window misspelled', (r) => (ds(r).transform.window = 'kaiserr'), "'datasets[0].transform.window' must be one of hanning, fhanning, gaussian, kaiser, parzen, welch, sine, bessel, got 'kaiserr' (did you mean 'kaiser'?)"],
    ['epsilonK 1e-300', (r) => (ds(r).epsilonK = 1e-300), "'datasets[0].epsilonK' must be a number from 1e-12 to 10, got 1e-300"],
    ['a negative degeneracy (item 11)', (r) => (path0(r).degen = -12), "'datasets[0].paths[0].degen' must be a number above 0 and at most 1000, got -12"],
    ['degen 1e308 (item 17)', (r) => (path0(r).degen = 1e308), "'datasets[0].paths[0].degen' must be a number above 0 and at most 1000, got 1e+308"],
    ['a missing file', (r) => delete ds(r).file, "'datasets[0].file' is missing: the data file (μ(E) with \"mu\", or a χ(k) file)"],
  ];
  for (const [what, edit, message] of cases) {
    it(`${what}: refused, exit 2`, async () => {
      const file = setup(edit);
      expectRefused(await xafs('fit', file), `xafs: ${file}: ${message}\n`);
    });
  }

  it('"got nothing" instead of "got a undefined"', () => {
    expect(() => parseRecipe({ datasets: [{ file: 'a', paths: [{ feff: 'b', s02: null }] }] }, 'r.json')).toThrow("r.json: 'datasets[0].paths[0].s02' must be a number or a non-empty string, got null");
    expect(() => parseRecipe({ datasets: 3 }, 'r.json')).toThrow("r.json: 'datasets' must be a list, got 3");
  });

  it('a "$schema" key is accepted', () => {
    expect(parseRecipe({ $schema: '../schemas/fit-recipe.schema.json', datasets: [{ file: 'a', paths: [{ feff: 'b' }] }] }, 'r.json').datasets).toHaveLength(1);
  });
});

describe('parameter names that are properties of every object are refused (no prototype pollution)', () => {
  it('__proto__ in a recipe (JSON keeps it as an own key): exit 2, not dropped', async () => {
    const file = setup(undefined, (json) => json.replace('"params": {', '"params": {"__proto__": {"value": 1},'));
    expectRefused(await xafs('fit', file), `xafs: ${file}: 'params.__proto__': the name '__proto__' is reserved (it names a property of every JavaScript object); choose another name\n`);
    expect(({} as Record<string, unknown>).value).toBeUndefined();
  });

  it('constructor in a recipe and in a ParamSet', async () => {
    const file = setup((r) => Object.assign(r.params, JSON.parse('{"constructor": 1}')));
    expectRefused(await xafs('fit', file), `xafs: ${file}: 'params.constructor': the name 'constructor' is reserved (it names a property of every JavaScript object); choose another name\n`);
    expect(() => new ParamSet(JSON.parse('{"__proto__": {"value": 1}}'))).toThrow("param '__proto__': the name '__proto__' is reserved");
  });
});

describe('expressions that become non-finite end in a clear message, exit 2 (items 5 and 17)', () => {
  const cases: [string, (r: R) => void, string][] = [
    ['amp/0', (r) => (path0(r).s02 = 'amp/0'), "xafs: path 1 s02: expression 'amp/0' is Infinity at the starting values (amp = 1); a path value must be a finite number: change the starting values, bound the parameters it uses (min, max) or change the expression\n"],
    ['log(0)*sig2', (r) => (path0(r).sigma2 = 'log(0)*sig2'), "xafs: path 1 sigma2: expression 'log(0)*sig2' is -Infinity at the starting values (sig2 = 0.005); a path value must be a finite number: change the starting values, bound the parameters it uses (min, max) or change the expression\n"],
    ['sqrt(-1)', (r) => (path0(r).s02 = 'amp*sqrt(-1)'), "xafs: path 1 s02: expression 'amp*sqrt(-1)' is NaN at the starting values (amp = 1); a path value must be a finite number: change the starting values, bound the parameters it uses (min, max) or change the expression\n"],
    ['10^400', (r) => (path0(r).s02 = '10^400*amp'), "xafs: path 1 s02: expression '10^400*amp' is Infinity at the starting values (amp = 1); a path value must be a finite number: change the starting values, bound the parameters it uses (min, max) or change the expression\n"],
    ['sig2/0', (r) => (path0(r).sigma2 = 'sig2/0'), "xafs: path 1 sigma2: expression 'sig2/0' is Infinity at the starting values (sig2 = 0.005); a path value must be a finite number: change the starting values, bound the parameters it uses (min, max) or change the expression\n"],
    [
      'amp/(amp-amp) as a parameter',
      (r) => {
        r.params.x = { expr: 'amp/(amp-amp)' };
        path0(r).s02 = 'x';
      },
      "xafs: param x: expression 'amp/(amp-amp)' is Infinity at the starting values (amp = 1); change the starting values, bound the parameters it uses (min, max) or change the expression\n",
    ],
    [
      'a degeneracy expression below 0 at the start',
      (r) => (path0(r).degen = '-12*amp'),
      "xafs: path 1 degen: the degeneracy N must be above 0 (it counts atoms), but expression '-12*amp' is -12 at the starting values (amp = 1); give a positive N (bound a fitted N with \"min\": 0)\n",
    ],
  ];
  for (const [what, edit, message] of cases) {
    it(what, async () => expectRefused(await xafs('fit', setup(edit)), message));
  }

  it('a path value that becomes NaN during the fit names the expression and the values', async () => {
    const r = await xafs('fit', setup((x) => (path0(x).e0 = '-sqrt(del_e0+0.1)*10')));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^xafs: path 1 e0: expression '-sqrt\(del_e0\+0\.1\)\*10' is NaN during the fit \(del_e0 = -0\.\d+\); a path value must be a finite number/);
    expectNoStack(r.err);
  });

  it('a parameter that becomes NaN during the fit names the expression and the values', async () => {
    const r = await xafs(
      'fit',
      setup((x) => {
        x.params.e0x = { expr: '-sqrt(del_e0+0.1)*10' };
        path0(x).e0 = 'e0x';
      }),
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^xafs: param e0x: expression '-sqrt\(del_e0\+0\.1\)\*10' is NaN during the fit \(del_e0 = -0\.\d+\); change the starting values/);
  });

  it('a 10 000-term sum is refused with the limit, no stack overflow; 900 terms evaluate', async () => {
    const file = setup((r) => (path0(r).s02 = Array(10000).fill('amp').join('+')));
    expectRefused(await xafs('fit', file), `xafs: path 1 s02: the expression is 10000 operations deep (a chain of + - * / or nested calls), more than the ${MAX_TREE_DEPTH} allowed; split it into several parameters (e.g. partial sums)\n`);
    const e = parseFitExpr(Array(900).fill('a').join('+'), 'x');
    expect(evalFitExpr(e, () => 0.5)).toBe(450);
    expect(() => parseFitExpr('-'.repeat(10000) + '1', 'x')).toThrow('x: cannot read expression');
  });
});

describe('YAML fit recipes', () => {
  it('xafs fit reads a YAML recipe and gives the JSON recipe\'s result', async () => {
    const json = setup();
    const yaml = json.replace(/\.json$/, '.yaml');
    copyFileSync(json, yaml); // JSON is YAML
    const a = await xafs('fit', json, '--json');
    const b = await xafs('fit', yaml, '--json');
    expect(a.code).toBe(0);
    expect(b.out).toBe(a.out);
    expect(JSON.parse(a.out).params.amp.value).toBeCloseTo(0.8951890001178086, 4); // Larch 0.9.58, test/cli/fit.test.ts
  });

  it('a !!js/function tag is refused with its line, and Node prints no warning of its own', async () => {
    const warn = vi.spyOn(process, 'emitWarning');
    const file = setup(undefined, () => 'title: !!js/function "function(){}"\ndatasets: []\n', 'recipe.yaml');
    expectRefused(await xafs('fit', file), `xafs: ${file} is not valid YAML (line 1, column 8: Unresolved tag: tag:yaml.org,2002:js/function); a recipe is an object with "params" and "datasets" (docs/recipes.md)\n`);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('malformed JSON names the line and column', async () => {
    const file = setup(undefined, () => '{\n  "params": {},\n  "datasets": [,]\n}\n');
    expectRefused(await xafs('fit', file), `xafs: ${file} is not valid JSON (line 3, column 16: Unexpected token ','); a recipe is an object with "params" and "datasets" (docs/recipes.md)\n`);
  });
});
