import { describe, expect, test } from 'vitest';
import { evaluateExpression, expressionColumns, parseExpression } from '../../src/io/index.js';
import { catchXafs } from './helpers.js';

const cols = [
  { label: 'energy', values: Float64Array.from([8000, 8001, 8002]) },
  { label: 'i0', values: Float64Array.from([100, 200, 400]) },
  { label: 'itrans', values: Float64Array.from([50, 50, 50]) },
  { label: 'ch1', values: Float64Array.from([1, 2, 3]) },
  { label: 'ch2', values: Float64Array.from([4, 5, 6]) },
];
const ev = (expr: string): number[] => Array.from(evaluateExpression(expr, cols));

describe('column expressions: values', () => {
  test('ln(i0/itrans) is the natural log of the ratio, element-wise', () => {
    expect(ev('ln(i0/itrans)')).toEqual([Math.log(2), Math.log(4), Math.log(8)]);
  });

  test('log is the natural logarithm (numpy log), like ln', () => {
    expect(ev('log(i0/itrans)')).toEqual(ev('ln(i0/itrans)'));
  });

  test('-ln(itrans/i0) equals ln(i0/itrans) up to rounding', () => {
    ev('-ln(itrans/i0)').forEach((v, i) => expect(v).toBeCloseTo(ev('ln(i0/itrans)')[i]!, 14));
  });

  test('(ch1+ch2)/i0, exp, sqrt, abs', () => {
    expect(ev('(ch1+ch2)/i0')).toEqual([5 / 100, 7 / 200, 9 / 400]);
    expect(ev('exp(ch1)')).toEqual([Math.exp(1), Math.exp(2), Math.exp(3)]);
    expect(ev('sqrt(i0)')).toEqual([10, Math.sqrt(200), 20]);
    expect(ev('abs(ch1-ch2)')).toEqual([3, 3, 3]);
  });

  test('numbers: 2, .5, 1e-3, 2.5E+1; a constant expression fills the column length', () => {
    expect(ev('ch1*1e-3')).toEqual([0.001, 0.002, 0.003]);
    expect(ev('.5*ch1 + 2.5E+1')).toEqual([25.5, 26, 26.5]);
    expect(ev('2')).toEqual([2, 2, 2]);
  });

  test('col1, col2, ... name columns by position (1-based); names are case-insensitive', () => {
    expect(ev('col2/col3')).toEqual([2, 4, 8]);
    expect(ev('I0/ITRANS')).toEqual([2, 4, 8]);
    expect(ev('LN(i0)')).toEqual(ev('ln(i0)'));
  });

  test('a bare column is returned as a copy', () => {
    const out = evaluateExpression('ch1', cols);
    out[0] = 99;
    expect(cols[3]!.values[0]).toBe(1);
  });

  test('division by zero gives inf and ln of a negative number NaN, as numpy (the reader reports the line)', () => {
    const z = [{ label: 'a', values: Float64Array.from([1, -1]) }, { label: 'b', values: Float64Array.from([0, 1]) }];
    expect(Array.from(evaluateExpression('a/b', z))).toEqual([Infinity, -1]);
    expect(Array.from(evaluateExpression('ln(a)', z))).toEqual([0, NaN]);
  });
});

describe('column expressions: precedence and unary minus', () => {
  test('* and / bind tighter than + and -, left to right', () => {
    expect(ev('ch1 + ch2 * 2')).toEqual([9, 12, 15]);
    expect(ev('ch2 - ch1 - 1')).toEqual([2, 2, 2]);
    expect(ev('i0 / ch1 / 2')).toEqual([50, 50, 200 / 3]);
    expect(ev('(ch1 + ch2) * 2')).toEqual([10, 14, 18]);
  });

  test('unary minus and plus, repeated and inside products', () => {
    expect(ev('-ch1')).toEqual([-1, -2, -3]);
    expect(ev('--ch1')).toEqual([1, 2, 3]);
    expect(ev('+ch1')).toEqual([1, 2, 3]);
    expect(ev('ch2*-ch1')).toEqual([-4, -10, -18]);
    expect(ev('2 - -ch1')).toEqual([3, 4, 5]);
  });

  test('the AST records operators, functions and positions', () => {
    expect(parseExpression('-ln(a)+2*b')).toEqual({
      kind: 'binary',
      op: '+',
      pos: 6,
      left: { kind: 'negate', pos: 0, arg: { kind: 'call', fn: 'ln', pos: 1, arg: { kind: 'column', name: 'a', pos: 4 } } },
      right: { kind: 'binary', op: '*', pos: 8, left: { kind: 'number', value: 2, pos: 7 }, right: { kind: 'column', name: 'b', pos: 9 } },
    });
    expect(expressionColumns(parseExpression('ln(I0/it) + i0 * col3'))).toEqual(['i0', 'it', 'col3']);
  });
});

describe('column expressions: errors quote the expression and point at the character', () => {
  const help = '(use column names, col1, col2, ..., numbers, + - * /, ( ), ln log exp sqrt abs)';

  test('a missing closing parenthesis', () => {
    expect(catchXafs(() => parseExpression('ln(i0/itrans'), 'EEXPR').message).toBe(
      `cannot read expression 'ln(i0/itrans' at character 13: expected ')' to close ln( opened at character 3\n` +
        `  ln(i0/itrans\n` +
        `              ^\n${help}`,
    );
  });

  test('an operator with nothing after it', () => {
    expect(catchXafs(() => parseExpression('i0/'), 'EEXPR').message).toBe(
      `cannot read expression 'i0/' at character 4: the expression ends too early; expected a number, a column name or '('\n` +
        `  i0/\n` +
        `     ^\n${help}`,
    );
  });

  test('two operators in a row', () => {
    expect(catchXafs(() => parseExpression('i0 * / it'), 'EEXPR').message).toBe(
      `cannot read expression 'i0 * / it' at character 6: unexpected '/'; expected a number, a column name or '('\n` +
        `  i0 * / it\n` +
        `       ^\n${help}`,
    );
  });

  test('an unknown character', () => {
    expect(catchXafs(() => parseExpression('i0 % it'), 'EEXPR').message).toBe(
      `cannot read expression 'i0 % it' at character 4: unexpected character '%'\n  i0 % it\n     ^\n${help}`,
    );
  });

  test('an unmatched closing parenthesis', () => {
    expect(catchXafs(() => parseExpression('ln(i0))'), 'EEXPR').message).toBe(
      `cannot read expression 'ln(i0))' at character 7: unmatched ')'\n  ln(i0))\n        ^\n${help}`,
    );
  });

  test('two names side by side', () => {
    expect(catchXafs(() => parseExpression('i0 it'), 'EEXPR').message).toMatch(/at character 4: unexpected 'it' after a complete expression\n {2}i0 it\n {5}\^/);
  });

  test('an unknown function', () => {
    expect(catchXafs(() => parseExpression('log10(i0)'), 'EEXPR').message).toBe(
      `cannot read expression 'log10(i0)' at character 1: unknown function 'log10' (functions are ln, log, exp, sqrt, abs)\n  log10(i0)\n  ^\n${help}`,
    );
  });

  test('powers are refused with a pointer at the operator', () => {
    expect(catchXafs(() => parseExpression('i0^2'), 'EEXPR').message).toMatch(/at character 3: powers are not supported/);
    expect(catchXafs(() => parseExpression('i0**2'), 'EEXPR').message).toMatch(/at character 3: powers are not supported/);
  });

  test('a number glued to a name', () => {
    expect(catchXafs(() => parseExpression('2i0'), 'EEXPR').message).toMatch(/at character 2: a number runs into a name \('2i0'\)/);
  });

  test('an empty expression', () => {
    expect(catchXafs(() => parseExpression('  '), 'EEXPR').message).toBe(
      "empty expression; use column names, col1, col2, ..., numbers, + - * /, ( ), ln log exp sqrt abs, e.g. 'ln(i0/itrans)'",
    );
  });

  test('an unknown column → ECOLUMN naming it and listing the columns', () => {
    const err = catchXafs(() => evaluateExpression('ln(i0/itran)', cols, { source: 'cu.xdi', option: '--mu' }), 'ECOLUMN');
    expect(err.message).toBe(
      "cu.xdi: no column named 'itran' in --mu 'ln(i0/itran)'; the columns are: energy, i0, itrans, ch1, ch2 (or col1..col5 by position)",
    );
  });

  test('a column number past the last column → ECOLUMN', () => {
    expect(catchXafs(() => evaluateExpression('col6', cols), 'ECOLUMN').message).toBe(
      "no column named 'col6' in expression 'col6'; the columns are: energy, i0, itrans, ch1, ch2 (or col1..col5 by position)",
    );
  });
});

describe('column expressions: hostile input stays an error', () => {
  test('names of JavaScript object members are not functions', () => {
    expect(catchXafs(() => parseExpression('constructor(i0)'), 'EEXPR').message).toMatch(/unknown function 'constructor'/);
    expect(catchXafs(() => parseExpression('__proto__(i0)'), 'EEXPR').message).toMatch(/unknown function '__proto__'/);
  });

  test('absurd nesting is refused, not a stack overflow', () => {
    expect(catchXafs(() => parseExpression('('.repeat(5000) + 'i0' + ')'.repeat(5000)), 'EEXPR').message).toMatch(/nested too deeply/);
  });
});
