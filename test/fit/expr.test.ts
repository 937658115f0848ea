import { describe, expect, test } from 'vitest';
import { catchXafs } from '../io/helpers.js';
import {
  compileFitExpr,
  evalFitExpr,
  exprFunctions,
  exprNames,
  FIT_BUILTIN_FUNCTIONS,
  formatFitExpr,
  parseFitExpr,
  type FitNode,
} from '../../src/fit/expr.js';

const vars: Record<string, number> = { a: 3, b: -2, c: 0.5, theta: 250, reff: 2.5478 };
const lookup = (n: string): number => vars[n]!;
const ev = (text: string, fns?: Record<string, (...a: number[]) => number>): number =>
  evalFitExpr(parseFitExpr(text, 'test'), lookup, fns);

const HELP =
  '(expressions use parameter names, numbers, + - * / ^ **, ( ), and the functions sqrt exp log log10 sin cos tan asin acos atan abs min max)';
const syntax = (text: string): string => catchXafs(() => parseFitExpr(text, 'param n_ru'), 'EEXPR').message;

describe('fit expressions: numbers, operators and precedence', () => {
  test('numbers: 1, 1.5, 1e-3, .5, 2.5E+1, 3.', () => {
    expect(ev('1')).toBe(1);
    expect(ev('1.5')).toBe(1.5);
    expect(ev('1e-3')).toBe(0.001);
    expect(ev('.5')).toBe(0.5);
    expect(ev('2.5E+1')).toBe(25);
    expect(ev('3.')).toBe(3);
  });

  test('* and / bind tighter than + and -, all left-associative', () => {
    expect(ev('1 + 2*3')).toBe(7);
    expect(ev('(1 + 2)*3')).toBe(9);
    expect(ev('8/4/2')).toBe(1);
    expect(ev('2 - 3 - 4')).toBe(-5);
    expect(ev('a*b - c/2')).toBe(3 * -2 - 0.25);
  });

  test('** and ^ are the same power, right-associative: 2**3**2 = 512', () => {
    expect(ev('2**3**2')).toBe(512);
    expect(ev('2^3^2')).toBe(512);
    expect(ev('2^3**2')).toBe(512);
    expect(ev('(2**3)**2')).toBe(64);
    expect(ev('2*3**2')).toBe(18);
    expect(ev('a^2')).toBe(9);
  });

  test('power binds tighter than a unary minus on its left, as in Python: -2**2 = -4', () => {
    expect(ev('-2**2')).toBe(-4);
    expect(ev('-2^2')).toBe(-4);
    expect(ev('(-2)**2')).toBe(4);
    expect(ev('-a**2')).toBe(-9);
    expect(ev('2**-1')).toBe(0.5);
    expect(ev('2**-1**2')).toBe(0.5); // 2**(-(1**2))
  });

  test('unary minus and plus, repeated and inside products', () => {
    expect(ev('-a')).toBe(-3);
    expect(ev('--a')).toBe(3);
    expect(ev('+a')).toBe(3);
    expect(ev('-+-a')).toBe(3);
    expect(ev('a*-b')).toBe(6);
    expect(ev('2 - -1')).toBe(3);
    expect(ev('-a*b')).toBe(6);
  });

  test('IEEE arithmetic as numpy: 1/0 = Infinity, sqrt(-1) = NaN, log(0) = -Infinity', () => {
    expect(ev('1/0')).toBe(Infinity);
    expect(ev('sqrt(-1)')).toBeNaN();
    expect(ev('log(0)')).toBe(-Infinity);
  });

  test('whitespace anywhere, including tabs and newlines', () => {
    expect(ev(' a\t*\n b ')).toBe(-6);
  });
});

describe('fit expressions: functions', () => {
  test('the built-ins: sqrt exp log (natural) log10 sin cos tan asin acos atan abs min max', () => {
    expect(FIT_BUILTIN_FUNCTIONS).toEqual(['sqrt', 'exp', 'log', 'log10', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'abs', 'min', 'max']);
    expect(ev('sqrt(16)')).toBe(4);
    expect(ev('exp(1)')).toBe(Math.E);
    expect(ev('log(exp(2))')).toBe(2);
    expect(ev('log10(1000)')).toBe(3);
    expect(ev('sin(c)')).toBe(Math.sin(0.5));
    expect(ev('cos(c)')).toBe(Math.cos(0.5));
    expect(ev('tan(c)')).toBe(Math.tan(0.5));
    expect(ev('asin(c)')).toBe(Math.asin(0.5));
    expect(ev('acos(c)')).toBe(Math.acos(0.5));
    expect(ev('atan(c)')).toBe(Math.atan(0.5));
    expect(ev('abs(b)')).toBe(2);
  });

  test('min and max take any number of arguments (at least one)', () => {
    expect(ev('max(1, 5, 3)')).toBe(5);
    expect(ev('min(1, 5, 3)')).toBe(1);
    expect(ev('min(4)')).toBe(4);
    expect(ev('max(a, b*2, -1, c, 0.1, 2)')).toBe(3);
    expect(ev('min(a, max(b, c))')).toBe(0.5);
  });

  test('nested calls and expressions as arguments', () => {
    expect(ev('sqrt(abs(-16))')).toBe(4);
    expect(ev('2*sqrt(a*a + 16)')).toBe(10);
  });

  test('caller functions such as sigma2_eins are called with their arguments', () => {
    const calls: number[][] = [];
    const eins = (t: number, th: number): number => {
      calls.push([t, th]);
      return t / th;
    };
    expect(ev('sigma2_eins(300, theta) + 1', { sigma2_eins: eins })).toBe(300 / 250 + 1);
    expect(calls).toEqual([[300, 250]]);
    const v = ev('f3(1, 2, 3) + f0()', { f3: (x, y, z) => x * 100 + y * 10 + z, f0: () => 7 });
    expect(v).toBe(130);
  });

  test('a caller function may replace a built-in', () => {
    expect(ev('sqrt(4)', { sqrt: (x) => x * 10 })).toBe(40);
  });

  test('exprNames: free variables once each in order of first use, without functions', () => {
    const e = parseFitExpr('sigma2_eins(T, theta) + theta*max(a, reff) - sqrt(T)', 'x');
    expect(exprNames(e)).toEqual(['T', 'theta', 'a', 'reff']);
    expect(exprFunctions(e)).toEqual(['sigma2_eins', 'max', 'sqrt']);
    expect(exprNames(parseFitExpr('2*3', 'x'))).toEqual([]);
  });

  test('names are case-sensitive, as in Python', () => {
    const e = parseFitExpr('Amp*amp', 'x');
    expect(exprNames(e)).toEqual(['Amp', 'amp']);
    expect(evalFitExpr(e, (n) => (n === 'Amp' ? 2 : 3))).toBe(6);
  });
});

describe('fit expressions: the tree and its canonical text', () => {
  const strip = (n: FitNode): unknown => {
    switch (n.kind) {
      case 'number':
        return n.value;
      case 'name':
        return n.name;
      case 'negate':
        return ['neg', strip(n.arg)];
      case 'binary':
        return [n.op, strip(n.left), strip(n.right)];
      case 'call':
        return [n.fn, ...n.args.map(strip)];
    }
  };

  test('the tree records operators, calls and character positions', () => {
    expect(parseFitExpr('-a**2 + max(b, 1)', 'x').root).toEqual({
      kind: 'binary',
      op: '+',
      pos: 6,
      left: {
        kind: 'negate',
        pos: 0,
        arg: { kind: 'binary', op: '**', pos: 2, left: { kind: 'name', name: 'a', pos: 1 }, right: { kind: 'number', value: 2, pos: 4 } },
      },
      right: { kind: 'call', fn: 'max', pos: 8, args: [{ kind: 'name', name: 'b', pos: 12 }, { kind: 'number', value: 1, pos: 15 }] },
    });
    const e = parseFitExpr(' 4 - n_n ', 'param n_ru');
    expect(e.text).toBe(' 4 - n_n ');
    expect(e.where).toBe('param n_ru');
  });

  test('formatFitExpr writes parentheses only where the tree needs them', () => {
    const f = (t: string): string => formatFitExpr(parseFitExpr(t, 'x'));
    expect(f('amp*12')).toBe('amp*12');
    expect(f('(a + b) * c')).toBe('(a + b)*c');
    expect(f('a - (b - c)')).toBe('a - (b - c)');
    expect(f('(a - b) - c')).toBe('a - b - c');
    expect(f('a / (b * c)')).toBe('a/(b*c)');
    expect(f('-(a**2)')).toBe('-a**2');
    expect(f('(-a)^2')).toBe('(-a)**2');
    expect(f('(a^b)^c')).toBe('(a**b)**c');
    expect(f('a^(b^c)')).toBe('a**b**c');
    expect(f('a**(-b)')).toBe('a**-b');
    expect(f('-(a + b)')).toBe('-(a + b)');
    expect(f('+a')).toBe('a');
    expect(f('sigma2_eins( 300,theta )')).toBe('sigma2_eins(300, theta)');
    expect(f('1e-3*.5')).toBe('0.001*0.5');
  });

  test('parsing the canonical text gives the same tree', () => {
    for (const t of [
      '-(a+b)*c - (d - e) / f ** g ** h + (-a)**2 + max(a, b, 1)',
      '--a - -b*-c',
      '2**-1**2',
      'a/(b/c)/d',
      '(a*b)*(c*d)',
      'sqrt(abs(-x))^-(y+1)',
      '1e-7 + 1e21 + 0.1',
    ]) {
      const e = parseFitExpr(t, 'x');
      const again = parseFitExpr(formatFitExpr(e), 'x');
      expect(strip(again.root)).toEqual(strip(e.root));
    }
  });
});

describe('fit expressions: compiled closures', () => {
  const names = ['a', 'b', 'c', 'theta'];
  const values = Float64Array.from(names, (n) => vars[n]!);

  test('a compiled expression agrees with the tree walk', () => {
    const fns = { sigma2_eins: (t: number, th: number): number => t / th / 1000 };
    for (const t of [
      'a*b + c',
      '-a**2 + b^3/c',
      'max(a, b, c, 2) - min(a, -b)',
      '2*sqrt(abs(b)) - exp(c) + log10(a) * log(theta)',
      'sigma2_eins(300, theta) + a',
      'atan(c) + asin(c) + acos(c) + tan(c) + sin(c) + cos(c)',
      '1 - (a - (b - c))',
      '2/a/b',
      '3 - a',
      'c**a',
      '2**c',
      'a/2 - 4/a',
    ]) {
      const e = parseFitExpr(t, 'x');
      expect(compileFitExpr(e, names, fns)(values)).toBe(evalFitExpr(e, lookup, fns));
    }
  });

  test('values are read in the order of the names given', () => {
    const f = compileFitExpr(parseFitExpr('x - 2*y', 'x'), ['y', 'x']);
    expect(f([1, 10])).toBe(8);
    expect(f(Float64Array.from([3, 4]))).toBe(-2);
  });

  test('constants such as a path reff are baked in; names shadow constants', () => {
    const e = parseFitExpr('alpha*reff', 'path 1 deltar');
    const f = compileFitExpr(e, ['alpha'], undefined, { reff: 2.5 });
    expect(f([0.01])).toBe(0.025);
    expect(compileFitExpr(parseFitExpr('reff', 'x'), ['reff'], undefined, { reff: 2.5 })([7])).toBe(7);
  });

  test('a constant expression folds to its value; a caller function is called every time', () => {
    expect(compileFitExpr(parseFitExpr('2*sqrt(16) - 1', 'x'), [])([])).toBe(7);
    let n = 0;
    const f = compileFitExpr(parseFitExpr('g(1) + 1', 'x'), [], { g: (x) => x + ++n });
    expect(f([])).toBe(3);
    expect(f([])).toBe(4);
  });

  test('functions with more than two arguments get a fresh argument list per call', () => {
    const seen: number[][] = [];
    const f = compileFitExpr(parseFitExpr('h(a, 2, a*2)', 'x'), ['a'], {
      h: (...xs: number[]) => {
        seen.push(xs);
        return xs.length;
      },
    });
    expect(f([1])).toBe(3);
    expect(f([5])).toBe(3);
    expect(seen).toEqual([
      [1, 2, 2],
      [5, 2, 10],
    ]);
  });
});

describe('fit expressions: errors name where, quote the text and point at the character', () => {
  test('two operators in a row', () => {
    expect(syntax('4 - * n_n')).toBe(
      `param n_ru: cannot read expression '4 - * n_n' at character 5: unexpected '*'; expected a number, a name, a function call or '('\n` +
        `  4 - * n_n\n` +
        `      ^\n${HELP}`,
    );
  });

  test('an operator with nothing after it', () => {
    expect(syntax('amp*')).toBe(
      `param n_ru: cannot read expression 'amp*' at character 5: the expression ends too early; expected a number, a name, a function call or '('\n` +
        `  amp*\n` +
        `      ^\n${HELP}`,
    );
  });

  test('a missing closing parenthesis of a call', () => {
    expect(syntax('max(a, b')).toBe(
      `param n_ru: cannot read expression 'max(a, b' at character 9: expected ')' to close max( opened at character 4\n` +
        `  max(a, b\n` +
        `          ^\n${HELP}`,
    );
  });

  test('a missing closing parenthesis of a group, with what was found instead', () => {
    expect(syntax('(a + b c')).toBe(
      `param n_ru: cannot read expression '(a + b c' at character 8: expected ')' to close the '(' opened at character 1 (found 'c')\n` +
        `  (a + b c\n` +
        `         ^\n${HELP}`,
    );
  });

  test('an unmatched closing parenthesis', () => {
    expect(syntax('sqrt(a))')).toBe(
      `param n_ru: cannot read expression 'sqrt(a))' at character 8: unmatched ')'\n  sqrt(a))\n         ^\n${HELP}`,
    );
  });

  test('two names side by side', () => {
    expect(syntax('a b')).toBe(
      `param n_ru: cannot read expression 'a b' at character 3: unexpected 'b' after a complete expression\n  a b\n    ^\n${HELP}`,
    );
  });

  test('a comma outside a call', () => {
    expect(syntax('a, b')).toBe(`param n_ru: cannot read expression 'a, b' at character 2: ',' outside a function call\n  a, b\n   ^\n${HELP}`);
  });

  test('an unknown character', () => {
    expect(syntax('a % 2')).toBe(`param n_ru: cannot read expression 'a % 2' at character 3: unexpected character '%'\n  a % 2\n    ^\n${HELP}`);
  });

  test('a number glued to a name', () => {
    expect(syntax('2amp')).toBe(
      `param n_ru: cannot read expression '2amp' at character 2: a number runs into a name ('2amp'); write '*' for a product\n  2amp\n   ^\n${HELP}`,
    );
  });

  test('a number too large for a double', () => {
    expect(syntax('1e999*a')).toBe(
      `param n_ru: cannot read expression '1e999*a' at character 1: the number 1e999 is too large for a double\n  1e999*a\n  ^\n${HELP}`,
    );
  });

  test('the wrong number of arguments for a built-in', () => {
    expect(syntax('sqrt(a, b)')).toBe(
      `param n_ru: cannot read expression 'sqrt(a, b)' at character 1: sqrt() takes 1 argument, got 2\n  sqrt(a, b)\n  ^\n${HELP}`,
    );
    expect(syntax('2*max()')).toBe(
      `param n_ru: cannot read expression '2*max()' at character 3: max() needs at least one argument\n  2*max()\n    ^\n${HELP}`,
    );
  });

  test('a tab or newline in the text still lines the caret up', () => {
    expect(syntax('a +\n\t* b')).toBe(
      `param n_ru: cannot read expression 'a +  * b' at character 6: unexpected '*'; expected a number, a name, a function call or '('\n` +
        `  a +  * b\n` +
        `       ^\n${HELP}`,
    );
  });

  test('an empty expression and a non-string', () => {
    expect(syntax('  ')).toBe(`param n_ru: empty expression; write a number or an expression such as '2*amp' ${HELP}`);
    expect(catchXafs(() => parseFitExpr(3 as unknown as string, 'path 1 s02'), 'EEXPR').message).toBe(
      'path 1 s02: an expression must be a string, got 3',
    );
  });

  test('an unknown function names it and lists the known ones, with a caret', () => {
    const e = parseFitExpr('2*sigma2_einz(300, theta)', 'path 2 sigma2');
    const msg =
      `path 2 sigma2: unknown function 'sigma2_einz' at character 3 of '2*sigma2_einz(300, theta)'\n` +
      `  2*sigma2_einz(300, theta)\n` +
      `    ^\n` +
      `the functions are: sqrt, exp, log, log10, sin, cos, tan, asin, acos, atan, abs, min, max, sigma2_eins, sigma2_debye`;
    const fns = { sigma2_eins: (t: number, th: number): number => t + th, sigma2_debye: (t: number, th: number): number => t - th };
    expect(catchXafs(() => evalFitExpr(e, lookup, fns), 'EEXPR').message).toBe(msg);
    expect(catchXafs(() => compileFitExpr(e, ['theta'], fns), 'EEXPR').message).toBe(msg);
  });

  test('a caller function called with the wrong number of arguments', () => {
    const e = parseFitExpr('sigma2_eins(theta)', 'path 1 sigma2');
    expect(catchXafs(() => compileFitExpr(e, ['theta'], { sigma2_eins: (t: number, th: number) => t * th }), 'EEXPR').message).toBe(
      `path 1 sigma2: sigma2_eins() takes 2 arguments, got 1, at character 1 of 'sigma2_eins(theta)'\n` +
        `  sigma2_eins(theta)\n` +
        `  ^\n` +
        `call it as sigma2_eins(x1, x2)`,
    );
  });

  test('an unknown name when compiling lists the names and constants', () => {
    const e = parseFitExpr('alpha*reff + bet', 'path 3 deltar');
    expect(catchXafs(() => compileFitExpr(e, ['alpha', 'beta'], undefined, { reff: 2 }), 'EEXPR').message).toBe(
      `path 3 deltar: unknown name 'bet' at character 14 of 'alpha*reff + bet'\n  alpha*reff + bet\n               ^\nthe names are: alpha, beta, reff`,
    );
  });

  test('a lookup without a value for a name', () => {
    expect(catchXafs(() => evalFitExpr(parseFitExpr('a + zz', 'param q'), lookup), 'EEXPR').message).toBe(
      `param q: unknown name 'zz' at character 5 of 'a + zz'\n  a + zz\n      ^\nno value was given for 'zz'`,
    );
  });
});

describe('fit expressions: hostile input stays an error', () => {
  test('names of JavaScript object members are neither functions nor values', () => {
    expect(catchXafs(() => evalFitExpr(parseFitExpr('constructor(1)', 'x'), lookup), 'EEXPR').message).toMatch(
      /unknown function 'constructor'/,
    );
    expect(catchXafs(() => compileFitExpr(parseFitExpr('toString(1)', 'x'), [], {}), 'EEXPR').message).toMatch(/unknown function 'toString'/);
    expect(catchXafs(() => compileFitExpr(parseFitExpr('__proto__ + 1', 'x'), [], undefined, {}), 'EEXPR').message).toMatch(
      /unknown name '__proto__'/,
    );
  });

  test('absurd nesting is refused, not a stack overflow', () => {
    expect(syntax('('.repeat(5000) + 'a' + ')'.repeat(5000))).toMatch(/nested too deeply/);
    expect(syntax('-'.repeat(5000) + 'a')).toMatch(/nested too deeply/);
  });

  test('JavaScript syntax is not evaluated', () => {
    expect(syntax('process.exit(1)')).toMatch(/unexpected character '\.'/);
    expect(syntax('a; b')).toMatch(/unexpected character ';'/);
    expect(syntax("'a'")).toMatch(/unexpected character '''/);
  });
});
