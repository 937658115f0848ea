import { describe, expect, test } from 'vitest';
import { catchXafs } from '../io/helpers.js';
import { correlationRecord, correlations, ParamSet, type ParamSpec } from '../../src/fit/params.js';

function expectClose(actual: number, expected: number, rel: number): void {
  const tol = rel * Math.max(Math.abs(expected), 1e-300);
  if (!(Math.abs(actual - expected) <= tol)) expect.fail(`${actual} differs from ${expected} by more than ${rel} relative`);
}

const FORMS = '(a parameter is a number, {value, vary, min, max}, {expr, min, max} or {from, param})';
const specError = (params: Record<string, unknown>, code = 'EOPTION'): string =>
  catchXafs(() => new ParamSet(params as Record<string, ParamSpec>), code).message;

describe('ParamSet: specs', () => {
  test('a number is fixed, {value} is fixed (Larch param()), {value, vary: true} is varied, {expr} is constrained', () => {
    const ps = new ParamSet({
      s02: 0.9,
      e0: { value: 1 },
      amp: { value: 1, vary: true },
      theta: { value: 250, vary: true, min: 10 },
      n_ru: { expr: '4 - n_n' },
      n_n: { value: 2, vary: true, min: 0, max: 4 },
    });
    expect(ps.names).toEqual(['s02', 'e0', 'amp', 'theta', 'n_ru', 'n_n']);
    expect(ps.varyNames).toEqual(['amp', 'theta', 'n_n']);
    expect(ps.nvary).toBe(3);
    expect(Array.from(ps.init)).toEqual([1, 250, 2]);
    expect(ps.params.map((p) => p.kind)).toEqual(['fixed', 'fixed', 'vary', 'vary', 'expr', 'vary']);
    expect(ps.get('theta')).toEqual({ name: 'theta', kind: 'vary', value: 250, min: 10, max: Infinity });
    expect(ps.get('n_ru').value).toBe(2); // the expression at the starting values
    expect(ps.get('n_ru').expr!.text).toBe('4 - n_n');
    expect(ps.indexOf('n_ru')).toBe(4);
    expect(ps.indexOf('nope')).toBe(-1);
    expect(ps.toRecord(ps.initValues)).toEqual({ s02: 0.9, e0: 1, amp: 1, theta: 250, n_ru: 2, n_n: 2 });
  });

  test('a resolved {from, param} keeps its stderr and source for the report', () => {
    const ps = new ParamSet({ s02: { value: 0.86, vary: false, stderr: 0.05, from: 'cu_foil.json', param: 'amp' } });
    expect(ps.get('s02')).toEqual({
      name: 's02',
      kind: 'fixed',
      value: 0.86,
      min: -Infinity,
      max: Infinity,
      stderr: 0.05,
      from: 'cu_foil.json',
      fromParam: 'amp',
    });
    expect(new ParamSet({ s02: { value: 0.86, vary: false, stderr: 0.05 } }).get('s02').stderr).toBe(0.05);
  });

  test('null bounds mean no bound', () => {
    expect(new ParamSet({ a: { value: 1, vary: true, min: null, max: null } }).get('a')).toMatchObject({ min: -Infinity, max: Infinity });
  });

  test('a starting value outside [min, max] is clipped to the bound, with a warning', () => {
    const warnings: string[] = [];
    const ps = new ParamSet(
      { theta: { value: 5, vary: true, min: 10 }, s: { value: 3, min: 0, max: 1 } },
      { warn: (m) => warnings.push(m) },
    );
    expect(Array.from(ps.init)).toEqual([10]);
    expect(ps.initValues[1]).toBe(1);
    expect(warnings).toEqual([
      'param theta: value 5 is below min 10; it starts at 10 (Larch clips values to their bounds)',
      'param s: value 3 is above max 1; it starts at 1 (Larch clips values to their bounds)',
    ]);
  });

  test('an empty params object is fine', () => {
    const ps = new ParamSet({});
    expect(ps.names).toEqual([]);
    expect(Array.from(ps.evaluate([]))).toEqual([]);
  });
});

describe('ParamSet: spec errors say what, where and what to do', () => {
  test('an unknown key names the key and the param, suggesting the nearest key', () => {
    expect(specError({ amp: { valeu: 1, vary: true } })).toBe(`param amp: unknown key 'valeu'; did you mean 'value'? ${FORMS}`);
    expect(specError({ amp: { value: 1, guess: true } })).toBe(`param amp: unknown key 'guess' ${FORMS}`);
  });

  test('min greater than max', () => {
    expect(specError({ theta: { value: 250, vary: true, min: 300, max: 10 } })).toBe(
      'param theta: min (300) is greater than max (10); swap them',
    );
  });

  test('vary together with expr', () => {
    expect(specError({ n_ru: { expr: '4 - n_n', vary: true }, n_n: 1 })).toBe(
      'param n_ru: vary: true cannot go with expr: a constrained parameter is computed from its expression, not fitted; drop vary or the expr',
    );
  });

  test('value together with expr', () => {
    expect(specError({ n_ru: { expr: '4 - n_n', value: 2 }, n_n: 1 })).toBe(
      'param n_ru: value cannot go with expr (the expression computes the value); drop one of them',
    );
  });

  test('a non-finite or non-numeric value', () => {
    expect(specError({ amp: { value: NaN, vary: true } })).toBe('param amp: value must be a finite number, got NaN');
    expect(specError({ amp: Infinity })).toBe('param amp: value must be a finite number, got Infinity');
    expect(specError({ amp: { value: '1.0', vary: true } })).toBe("param amp: value must be a finite number, got the string '1.0'");
  });

  test('no value and no expr', () => {
    expect(specError({ amp: { vary: true } })).toBe(
      `param amp: needs a value (a starting value, e.g. {"value": 1, "vary": true}) or an expr ${FORMS}`,
    );
  });

  test('a string where a spec belongs suggests {"expr": ...}', () => {
    expect(specError({ amp: '2*b' })).toBe(`param amp: got the string '2*b' ${FORMS}; for a constraint write {"expr": "2*b"}`);
    expect(specError({ amp: null })).toBe(`param amp: got null ${FORMS}`);
  });

  test('bad types for vary, min, max, expr, stderr', () => {
    expect(specError({ a: { value: 1, vary: 'yes' } })).toBe("param a: vary must be true or false, got the string 'yes'");
    expect(specError({ a: { value: 1, min: '0' } })).toBe("param a: min must be a number, got the string '0'");
    expect(specError({ a: { expr: 4 } })).toBe('param a: expr must be a string, got 4; for a fixed value write {"value": 4}');
    expect(specError({ a: { value: 1, stderr: -1 } })).toBe('param a: stderr must be a finite number ≥ 0, got -1');
    expect(specError({ a: { value: 1, vary: true, stderr: 0.1 } })).toBe(
      'param a: stderr is kept for fixed parameters only (vary: false); a varied parameter gets its stderr from the fit',
    );
  });

  test('a varied parameter with min = max', () => {
    expect(specError({ a: { value: 2, vary: true, min: 2, max: 2 } })).toBe(
      'param a: min and max are both 2: a varied parameter needs room; to fix it write {"value": 2, "vary": false}',
    );
  });

  test('from/param: unresolved is the caller’s bug; param without from, or varied, is the user’s', () => {
    expect(specError({ s02: { from: 'foil.json', param: 'amp' } }, 'EINTERNAL')).toBe(
      'param s02: {from, param} must be resolved into {value, vary: false, stderr, from} before the parameter set is built',
    );
    expect(specError({ s02: { param: 'amp' } })).toBe(
      "param s02: 'param' names a parameter of a saved fit result and needs 'from' (the result file)",
    );
    expect(specError({ s02: { value: 0.9, vary: true, from: 'foil.json' } })).toBe(
      'param s02: a parameter taken from a saved fit result is fixed; drop vary: true',
    );
  });

  test('a name that is not an identifier', () => {
    expect(specError({ 'n-ru': 1 })).toBe("param 'n-ru': a parameter name starts with a letter or _ and holds only letters, digits and _");
  });
});

describe('ParamSet: expression errors', () => {
  test('an unknown name is named, pointed at, and the defined parameters listed', () => {
    expect(specError({ amp: { value: 1, vary: true }, n_n: 2, n_ru: { expr: '4 - n_m' } }, 'EEXPR')).toBe(
      `param n_ru: unknown name 'n_m' at character 5 of '4 - n_m'\n` +
        `  4 - n_m\n` +
        `      ^\n` +
        `the parameters are: amp, n_n, n_ru; define 'n_m' in the recipe's params or correct the spelling`,
    );
  });

  test('reff in a parameter expression says where reff is defined', () => {
    expect(specError({ a: { expr: '2*reff' } }, 'EEXPR')).toBe(
      `param a: unknown name 'reff' at character 3 of '2*reff'\n  2*reff\n    ^\n` +
        `the parameters are: a; define 'reff' in the recipe's params or correct the spelling; reff is only defined in path parameters`,
    );
  });

  test('a circular definition names the loop', () => {
    expect(specError({ a: { expr: 'b + 1' }, b: { expr: '2*a' } }, 'EEXPR')).toBe(
      'param a: circular expressions: a → b → a; one of them must be a value (varied or fixed) instead of an expression',
    );
    expect(specError({ x: 1, a: { expr: 'x + c' }, b: { expr: 'a' }, c: { expr: 'sqrt(b)' } }, 'EEXPR')).toBe(
      'param a: circular expressions: a → c → b → a; one of them must be a value (varied or fixed) instead of an expression',
    );
    expect(specError({ a: { expr: 'a*2' } }, 'EEXPR')).toBe(
      'param a: circular expressions: a → a; one of them must be a value (varied or fixed) instead of an expression',
    );
  });

  test('a syntax error in a parameter expression names the parameter', () => {
    expect(specError({ n_ru: { expr: '4 - * n_n' } }, 'EEXPR')).toMatch(/^param n_ru: cannot read expression '4 - \* n_n' at character 5/);
  });

  test('a path-only function in a parameter expression', () => {
    expect(specError({ theta: 250, s2: { expr: 'sigma2_eins(300, theta)' } }, 'EEXPR')).toBe(
      `param s2: unknown function 'sigma2_eins' at character 1 of 'sigma2_eins(300, theta)'\n` +
        `  sigma2_eins(300, theta)\n` +
        `  ^\n` +
        `the functions are: sqrt, exp, log, log10, sin, cos, tan, asin, acos, atan, abs, min, max; sigma2_eins needs a path: use it in a path parameter`,
    );
  });

  test('an expression that is not finite at the starting values', () => {
    expect(specError({ a: { value: 1, vary: true }, b: { expr: '1/(a - 1)' } }, 'EEXPR')).toBe(
      "param b: expression '1/(a - 1)' is Infinity at the starting values (a = 1); change the starting values, bound the parameters it uses (min, max) or change the expression",
    );
  });

  test('path expressions (extra) are checked against the parameters and their local names', () => {
    const params = { amp: { value: 1, vary: true }, theta: { value: 250, vary: true } };
    const extra = (expr: string) => [{ where: 'path 2 sigma2', expr, locals: ['reff'], functions: ['sigma2_eins', 'sigma2_debye'] }];
    expect(() => new ParamSet(params, { extra: extra('sigma2_eins(300, theta) + 0.001*reff') })).not.toThrow();
    expect(() => new ParamSet(params, { extra: [{ where: 'path 1 s02', expr: 0.9 }] })).not.toThrow();
    expect(catchXafs(() => new ParamSet(params, { extra: extra('sigma2_eins(300, thetaa)') }), 'EEXPR').message).toBe(
      `path 2 sigma2: unknown name 'thetaa' at character 18 of 'sigma2_eins(300, thetaa)'\n` +
        `  sigma2_eins(300, thetaa)\n` +
        `                   ^\n` +
        `the parameters are: amp, theta (and reff here); define 'thetaa' in the recipe's params or correct the spelling`,
    );
    expect(catchXafs(() => new ParamSet(params, { extra: extra('gnxas(1, 2, 3)') }), 'EEXPR').message).toBe(
      `path 2 sigma2: unknown function 'gnxas' at character 1 of 'gnxas(1, 2, 3)'\n` +
        `  gnxas(1, 2, 3)\n` +
        `  ^\n` +
        `the functions are: sqrt, exp, log, log10, sin, cos, tan, asin, acos, atan, abs, min, max, sigma2_eins, sigma2_debye`,
    );
  });

  test('a parameter named like a local name of path expressions is refused', () => {
    const extra = [{ where: 'path 1 deltar', expr: 'alpha*reff', locals: ['reff'] }];
    expect(catchXafs(() => new ParamSet({ alpha: 0, reff: 2 }, { extra }), 'EOPTION').message).toBe(
      "param reff: the name 'reff' is reserved: in path expressions (path 1 deltar) it is the path's own reff; rename the parameter",
    );
  });
});

describe('ParamSet: evaluate', () => {
  test('chained expressions are evaluated in dependency order, whatever the recipe order', () => {
    const ps = new ParamSet({
      d: { expr: 'c + 1' },
      a: { value: 2, vary: true },
      c: { expr: 'a*b' },
      b: { value: 3, vary: true },
      e: { expr: 'd*f' },
      f: 10,
    });
    expect(ps.varyNames).toEqual(['a', 'b']);
    expect(ps.toRecord(ps.evaluate([2, 3]))).toEqual({ d: 7, a: 2, c: 6, b: 3, e: 70, f: 10 });
    expect(ps.toRecord(ps.evaluate(Float64Array.from([-1, 0.5])))).toEqual({ d: 0.5, a: -1, c: -0.5, b: 0.5, e: 5, f: 10 });
  });

  test('each expression is clipped to its own [min, max], and later expressions see the clipped value', () => {
    const ps = new ParamSet({
      a: { value: 0.5, vary: true },
      w: { expr: '1 - a', min: 0, max: 1 },
      twice: { expr: '2*w' },
    });
    const at = (a: number) => ps.toRecord(ps.evaluate([a]));
    expect(at(0.25)).toEqual({ a: 0.25, w: 0.75, twice: 1.5 });
    expect(at(1.5)).toEqual({ a: 1.5, w: 0, twice: 0 });
    expect(at(-2)).toEqual({ a: -2, w: 1, twice: 2 });
  });

  test('varied values are clipped to their bounds (lmfit’s value getter)', () => {
    const ps = new ParamSet({ a: { value: 0.5, vary: true, min: 0, max: 1 } });
    expect(Array.from(ps.evaluate([1 + 1e-16]))).toEqual([1]);
    expect(Array.from(ps.evaluate([-3]))).toEqual([0]);
  });

  test('evaluate(x, out) fills and returns the given array', () => {
    const ps = new ParamSet({ a: { value: 1, vary: true }, b: { expr: 'a^2' } });
    const out = new Float64Array(2);
    expect(ps.evaluate([3], out)).toBe(out);
    expect(Array.from(out)).toEqual([3, 9]);
    ps.evaluate([4], out);
    expect(Array.from(out)).toEqual([4, 16]);
  });

  test('the wrong number of varied values is an internal error', () => {
    const ps = new ParamSet({ a: { value: 1, vary: true }, b: { value: 1, vary: true } });
    expect(catchXafs(() => ps.evaluate([1]), 'EINTERNAL').message).toBe('evaluate() needs 2 varied values (a, b), got 1');
  });

  test('compileExpr: a path expression over evaluate() output, with reff and sigma2_eins bound per path', () => {
    const ps = new ParamSet({ theta: { value: 250, vary: true }, alpha: { value: 0.01, vary: true }, s02: 0.9 });
    const paths = [
      { reff: 2.5, mu: 63.5 / 2 },
      { reff: 3.6, mu: 63.5 / 3 },
    ];
    const compiled = paths.map((p, i) => ({
      deltar: ps.compileExpr('alpha*reff', `path ${i + 1} deltar`, { locals: { reff: p.reff } }),
      sigma2: ps.compileExpr('sigma2_eins(300, theta)', `path ${i + 1} sigma2`, {
        locals: { reff: p.reff },
        functions: { sigma2_eins: (t: number, th: number) => 24.254367090467216 / (th * p.mu * Math.tanh(th / (2 * t))) },
      }),
    }));
    const v = ps.evaluate([250, 0.02]);
    expect(compiled[0]!.deltar(v)).toBe(0.05);
    expect(compiled[1]!.deltar(v)).toBeCloseTo(0.072, 15);
    expect(compiled[0]!.sigma2(v)).toBe(24.254367090467216 / (250 * 31.75 * Math.tanh(250 / 600)));
    expect(compiled[1]!.sigma2(v)).toBeCloseTo(compiled[0]!.sigma2(v) * 1.5, 15);
    expect(catchXafs(() => ps.compileExpr('sigma2_eins(300, theta)', 'path 1 sigma2'), 'EEXPR').message).toMatch(
      /^path 1 sigma2: unknown function 'sigma2_eins' at character 1/,
    );
  });

  test('varies(): whether a parameter or an expression depends on a varied parameter', () => {
    const ps = new ParamSet({ a: { value: 1, vary: true }, f: 2, c: { expr: 'a + 1' }, d: { expr: 'f*2' } });
    expect([ps.varies('a'), ps.varies('f'), ps.varies('c'), ps.varies('d')]).toEqual([true, false, true, false]);
    expect(ps.varies('d*c')).toBe(true);
    expect(ps.varies('f + 1')).toBe(false);
  });
});

describe('ParamSet: MINUIT bound transforms (lmfit, Larch §0.2)', () => {
  const ps = new ParamSet({
    free: { value: -3.5, vary: true },
    both: { value: 0.7, vary: true, min: 0, max: 2 },
    lo: { value: 250, vary: true, min: 10 },
    hi: { value: -0.2, vary: true, max: 0.5 },
  });

  test('internal values follow the MINUIT formulas', () => {
    const u = ps.toInternal(ps.init);
    expect(u[0]).toBe(-3.5);
    expect(u[1]).toBe(Math.asin((2 * 0.7) / 2 - 1));
    expect(u[2]).toBe(Math.sqrt((250 - 10 + 1) ** 2 - 1));
    expect(u[3]).toBe(Math.sqrt((0.5 + 0.2 + 1) ** 2 - 1));
    // the middle of [min, max] is internal 0; a single bound itself is internal 0
    const p2 = new ParamSet({ m: { value: 1, vary: true, min: 0, max: 2 }, l: { value: 10, vary: true, min: 10 } });
    expect(Array.from(p2.toInternal(p2.init))).toEqual([0, 0]);
  });

  test('round trip external → internal → external', () => {
    for (const x of [
      [-3.5, 0.7, 250, -0.2],
      [1e3, 1e-9, 10.5, 0.49],
      [0, 1.999, 1e4, -1e3],
    ]) {
      const back = ps.toExternal(ps.toInternal(x));
      x.forEach((v, j) => expect(Math.abs(back[j]! - v)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v))));
    }
  });

  test('every internal value maps inside the bounds', () => {
    for (const u of [-100, -2, -0.3, 0, 0.3, 2, 100]) {
      const x = ps.toExternal([u, u, u, u]);
      expect(x[1]).toBeGreaterThanOrEqual(0);
      expect(x[1]).toBeLessThanOrEqual(2);
      expect(x[2]).toBeGreaterThanOrEqual(10);
      expect(x[3]).toBeLessThanOrEqual(0.5);
    }
  });

  test('d external / d internal agrees with central differences', () => {
    for (const u of [
      [0.3, 0.3, 0.3, 0.3],
      [-1.2, 1.1, -4, 7],
      [5, -0.01, 0.01, -0.5],
    ]) {
      const d = ps.externalDerivative(u);
      for (let j = 0; j < 4; j++) {
        const h = 1e-6;
        const up = u.slice();
        const dn = u.slice();
        up[j]! += h;
        dn[j]! -= h;
        const fd = (ps.toExternal(up)[j]! - ps.toExternal(dn)[j]!) / (2 * h);
        expect(Math.abs(d[j]! - fd)).toBeLessThan(1e-8 * Math.max(1, Math.abs(fd)));
      }
    }
  });

  test('covarianceToExternal is D·C·D with D the derivative', () => {
    const u = [0.3, -1.2, 2, -0.7];
    const d = ps.externalDerivative(u);
    const cint = [
      [4, 1, 0, 0.5],
      [1, 2, 0.1, 0],
      [0, 0.1, 3, -1],
      [0.5, 0, -1, 5],
    ];
    const c = ps.covarianceToExternal(cint, u);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(c[i * 4 + j]).toBe(cint[i]![j]! * d[i]! * d[j]!);
  });
});

describe('ParamSet: uncertainties', () => {
  const a = 2.5;
  const b = -0.75;
  const sa = 0.1;
  const sb = 0.04;
  const cab = 0.3 * sa * sb;
  const cov = [
    [sa * sa, cab],
    [cab, sb * sb],
  ];

  test('f = a*b: σ_f² = b²σ_a² + a²σ_b² + 2ab·C_ab (expression parameter and propagate())', () => {
    const ps = new ParamSet({ a: { value: 1, vary: true }, b: { value: 1, vary: true }, f: { expr: 'a*b' } });
    const u = ps.uncertainties([a, b], cov);
    const expected = Math.sqrt(b * b * sa * sa + a * a * sb * sb + 2 * a * b * cab);
    expectClose(u.stderrOf('f')!, expected, 1e-7);
    expect(u.value('f')).toBe(a * b);
    expect(u.stderrOf('a')).toBe(sa);
    expect(u.stderrOf('b')).toBe(sb);
    const p = u.propagate((v) => v[0]! * v[1]!);
    expect(p.value).toBe(a * b);
    expectClose(p.stderr!, expected, 1e-7);
  });

  test('the covariance may be given as one row-major Float64Array', () => {
    const ps = new ParamSet({ a: { value: 1, vary: true }, b: { value: 1, vary: true }, f: { expr: 'a*b' } });
    const u = ps.uncertainties([a, b], Float64Array.from([sa * sa, cab, cab, sb * sb]));
    expectClose(u.stderrOf('f')!, Math.sqrt(b * b * sa * sa + a * a * sb * sb + 2 * a * b * cab), 1e-7);
  });

  test('nonlinear and chained: g = exp(c), c = a/b', () => {
    const ps = new ParamSet({ a: { value: 1, vary: true }, b: { value: 1, vary: true }, c: { expr: 'a/b' }, g: { expr: 'exp(c)' } });
    const u = ps.uncertainties([a, b], cov);
    const c = a / b;
    const ga = 1 / b;
    const gb = -a / (b * b);
    const sc = Math.sqrt(ga * ga * sa * sa + gb * gb * sb * sb + 2 * ga * gb * cab);
    expectClose(u.stderrOf('c')!, sc, 1e-7);
    expectClose(u.stderrOf('g')!, Math.exp(c) * sc, 1e-7);
  });

  test('a path parameter through a compiled path expression: σ(alpha·reff) = reff·σ_alpha', () => {
    const ps = new ParamSet({ alpha: { value: 0, vary: true }, e0: { value: 0, vary: true } });
    const deltar = ps.compileExpr('alpha*reff', 'path 1 deltar', { locals: { reff: 2.5478 } });
    const u = ps.uncertainties([0.004, 1.2], [
      [1e-6, 2e-5],
      [2e-5, 0.64],
    ]);
    const p = u.propagate(deltar);
    expect(p.value).toBe(0.004 * 2.5478);
    expectClose(p.stderr!, 2.5478 * 1e-3, 1e-7);
  });

  test('a parameter whose best value is zero, or nearly, still gets its derivative (step ∝ max(|x|, σ))', () => {
    const ps = new ParamSet({ a: { value: 1, vary: true }, b: { value: 0, vary: true }, s: { expr: 'a + b' } });
    for (const bx of [0, 1e-12, -1e-300]) {
      const u = ps.uncertainties([1, bx], [
        [0.01, 0],
        [0, 0.25],
      ]);
      expectClose(u.stderrOf('s')!, Math.sqrt(0.01 + 0.25), 1e-7);
    }
  });

  test('a varied parameter at its bound: propagation does not clip it (full derivative)', () => {
    const ps = new ParamSet({ a: { value: 1, vary: true, min: 0, max: 1 }, f: { expr: '3*a' } });
    const u = ps.uncertainties([1], [[0.04]]);
    expect(u.value('f')).toBe(3);
    expectClose(u.stderrOf('f')!, 0.6, 1e-7);
  });

  test('an expression clipped at its bound has stderr 0 (lmfit)', () => {
    const ps = new ParamSet({ a: { value: 1, vary: true }, f: { expr: '2*a', max: 1 } });
    const u = ps.uncertainties([1], [[0.04]]);
    expect(u.value('f')).toBe(1);
    expect(u.stderrOf('f')).toBe(0);
  });

  test('fixed parameters: carried stderr (from) or null; not propagated unless asked', () => {
    const ps = new ParamSet({
      s02: { value: 0.8, vary: false, stderr: 0.05, from: 'foil.json' },
      k: 3,
      n: { value: 6, vary: true },
      amp: { expr: 's02*n' },
    });
    const cov = [[0.25]];
    const u = ps.uncertainties([6], cov);
    expect(u.stderrOf('s02')).toBe(0.05);
    expect(u.stderrOf('k')).toBeNull();
    expectClose(u.stderrOf('amp')!, 0.8 * 0.5, 1e-7);
    const w = ps.uncertainties([6], cov, { includeFixedStderr: true });
    expectClose(w.stderrOf('amp')!, Math.sqrt(0.8 * 0.8 * 0.25 + 6 * 6 * 0.05 * 0.05), 1e-7);
    expect(w.stderrOf('s02')).toBe(0.05);
  });

  test('without a covariance every stderr is null except carried ones', () => {
    const ps = new ParamSet({ a: { value: 1, vary: true }, f: { expr: '2*a' }, s: { value: 1, stderr: 0.1 } });
    const u = ps.uncertainties([2], null);
    expect([u.stderrOf('a'), u.stderrOf('f'), u.stderrOf('s')]).toEqual([null, null, 0.1]);
    expect(u.propagate((v) => v[1]! + 1)).toEqual({ value: 5, stderr: null });
    expect(u.correlations()).toEqual([]);
  });

  test('report(): value, stderr, init and vary for every parameter, plus expr and from', () => {
    const ps = new ParamSet({
      amp: { value: 1, vary: true },
      s02: { value: 0.9, stderr: 0.02, from: 'foil.json' },
      n: { expr: '12*amp' },
    });
    expect(ps.uncertainties([0.5], [[0.0001]]).report()).toEqual({
      amp: { value: 0.5, stderr: 0.01, init: 1, vary: true },
      s02: { value: 0.9, stderr: 0.02, init: 0.9, vary: false, from: 'foil.json' },
      n: { value: 6, stderr: expect.closeTo(0.12, 9), init: 12, vary: false, expr: '12*amp' },
    });
  });

  test('unknown names are internal errors', () => {
    const ps = new ParamSet({ a: { value: 1, vary: true } });
    const u = ps.uncertainties([1], [[1]]);
    expect(catchXafs(() => u.stderrOf('b'), 'EINTERNAL').message).toBe("no parameter named 'b'; the parameters are: a");
    expect(catchXafs(() => ps.uncertainties([1], [[1, 0]]), 'EINTERNAL').message).toBe(
      'the covariance must be 1×1 (one row and column per varied parameter)',
    );
  });
});

describe('correlations (Larch report: |r| ≥ 0.1, largest |r| first)', () => {
  const names = ['a', 'b', 'c', 'd'];
  const s = [1, 2, 0.5, 4];
  const r: Record<string, number> = { 'a,b': 0.5, 'a,c': -0.95, 'a,d': 0.05, 'b,c': 0.1, 'b,d': -0.3, 'c,d': 0.0999 };
  const cov = names.map((p, i) =>
    names.map((q, j) => (i === j ? s[i]! ** 2 : r[i < j ? `${p},${q}` : `${q},${p}`]! * s[i]! * s[j]!)),
  );

  test('pairs with |r| ≥ 0.1 in order of decreasing |r|', () => {
    const list = correlations(cov, names);
    expect(list.map((c) => `${c.a},${c.b}`)).toEqual(['a,c', 'a,b', 'b,d', 'b,c']);
    list.forEach((c) => expectClose(c.r, r[`${c.a},${c.b}`]!, 1e-12));
    expect(correlations(cov, names, 0.4).map((c) => `${c.a},${c.b}`)).toEqual(['a,c', 'a,b']);
  });

  test('the contract object keeps that order', () => {
    const rec = correlationRecord(correlations(cov, names));
    expect(Object.keys(rec)).toEqual(['a,c', 'a,b', 'b,d', 'b,c']);
    expectClose(rec['a,c']!, -0.95, 1e-12);
  });

  test('equal |r| come out in reverse pair order, as Larch (ascending sort, then reverse)', () => {
    const c = [
      [1, 0.5, -0.5],
      [0.5, 1, 0.5],
      [-0.5, 0.5, 1],
    ];
    expect(correlations(c, ['x', 'y', 'z']).map((p) => `${p.a},${p.b}`)).toEqual(['y,z', 'x,z', 'x,y']);
  });

  test('the uncertainties object gives the correlations of the varied parameters', () => {
    const ps = new ParamSet({ a: { value: 1, vary: true }, k: 1, b: { value: 1, vary: true }, f: { expr: 'a*b' } });
    const u = ps.uncertainties([1, 2], [
      [4, -3],
      [-3, 9],
    ]);
    expect(u.correlations()).toEqual([{ a: 'a', b: 'b', r: -0.5 }]);
  });
});
