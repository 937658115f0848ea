/**
 * Column expressions for `--mu` / `--energy` (docs/cli.md): column labels, `col1`, `col2`,
 * ... by position, numbers (`2`, `.5`, `1e-3`), `+ - * /`, parentheses, unary minus and the
 * functions ln, log (natural logarithm, as numpy's log), exp, sqrt, abs.
 * A recursive-descent parser builds an AST that is evaluated element-wise over Float64Arrays;
 * nothing is ever evaluated as JavaScript.
 */
import { XafsError } from '../errors.js';

export type ExprNode =
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'column'; name: string; pos: number }
  | { kind: 'negate'; arg: ExprNode; pos: number }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: ExprNode; right: ExprNode; pos: number }
  | { kind: 'call'; fn: ExprFunction; arg: ExprNode; pos: number };

export type ExprFunction = 'ln' | 'log' | 'exp' | 'sqrt' | 'abs';

const FUNCTIONS: Record<ExprFunction, (x: number) => number> = {
  ln: Math.log,
  log: Math.log, // numpy log is the natural logarithm; Larch scripts write log(i0/it)
  exp: Math.exp,
  sqrt: Math.sqrt, // negative → NaN, as numpy (the reader then reports the line)
  abs: Math.abs,
};

const HELP = 'use column names, col1, col2, ..., numbers, + - * /, ( ), ln log exp sqrt abs';

/** The message for a parse error: the expression quoted with a caret under character `pos`. */
function syntaxError(expr: string, pos: number, what: string): XafsError {
  const caret = ' '.repeat(pos) + '^';
  return new XafsError(
    'EEXPR',
    `cannot read expression '${expr}' at character ${pos + 1}: ${what}\n  ${expr}\n  ${caret}\n(${HELP})`,
  );
}

type Token =
  | { type: 'number'; value: number; text: string; pos: number }
  | { type: 'name'; text: string; pos: number }
  | { type: 'op'; text: '+' | '-' | '*' | '/' | '(' | ')'; pos: number }
  | { type: 'end'; pos: number };

const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const ch = expr[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const rest = expr.slice(i);
    let m = NUMBER.exec(rest);
    if (m) {
      // '2e' or '3x' run together: a number glued to a name is a typo, not a product
      if (NAME.test(expr.slice(i + m[0].length))) {
        throw syntaxError(expr, i + m[0].length, `a number runs into a name ('${rest.match(/^[\w.]+/)![0]}')`);
      }
      tokens.push({ type: 'number', value: Number(m[0]), text: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    m = NAME.exec(rest);
    if (m) {
      tokens.push({ type: 'name', text: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if (ch === '^' || (ch === '*' && expr[i + 1] === '*')) {
      throw syntaxError(expr, i, `powers are not supported in column expressions`);
    }
    if ('+-*/()'.includes(ch)) {
      tokens.push({ type: 'op', text: ch as '+', pos: i });
      i++;
      continue;
    }
    throw syntaxError(expr, i, `unexpected character '${ch}'`);
  }
  tokens.push({ type: 'end', pos: expr.length });
  return tokens;
}

/**
 * Parse an expression into an AST. Grammar (usual precedence, left-associative):
 *   sum     := product (('+' | '-') product)*
 *   product := unary (('*' | '/') unary)*
 *   unary   := ('-' | '+') unary | primary
 *   primary := number | name | function '(' sum ')' | '(' sum ')'
 * Throws XafsError EEXPR with a caret under the offending character.
 */
export function parseExpression(expr: string): ExprNode {
  if (expr.trim().length === 0) {
    throw new XafsError('EEXPR', `empty expression; ${HELP}, e.g. 'ln(i0/itrans)'`);
  }
  const tokens = tokenize(expr);
  let k = 0;
  let depth = 0;
  const peek = (): Token => tokens[k]!;
  const describe = (t: Token): string => (t.type === 'end' ? 'the expression ends too early' : `unexpected '${t.text}'`);

  function sum(): ExprNode {
    let left = product();
    for (;;) {
      const t = peek();
      if (t.type === 'op' && (t.text === '+' || t.text === '-')) {
        k++;
        left = { kind: 'binary', op: t.text, left, right: product(), pos: t.pos };
      } else {
        return left;
      }
    }
  }
  function product(): ExprNode {
    let left = unary();
    for (;;) {
      const t = peek();
      if (t.type === 'op' && (t.text === '*' || t.text === '/')) {
        k++;
        left = { kind: 'binary', op: t.text, left, right: unary(), pos: t.pos };
      } else {
        return left;
      }
    }
  }
  function unary(): ExprNode {
    const t = peek();
    if (++depth > 200) throw syntaxError(expr, t.pos, 'the expression is nested too deeply');
    try {
      return unaryInner(t);
    } finally {
      depth--;
    }
  }
  function unaryInner(t: Token): ExprNode {
    if (t.type === 'op' && t.text === '-') {
      k++;
      return { kind: 'negate', arg: unary(), pos: t.pos };
    }
    if (t.type === 'op' && t.text === '+') {
      k++;
      return unary();
    }
    return primary();
  }
  function primary(): ExprNode {
    const t = peek();
    if (t.type === 'number') {
      k++;
      return { kind: 'number', value: t.value, pos: t.pos };
    }
    if (t.type === 'name') {
      k++;
      const next = peek();
      if (next.type === 'op' && next.text === '(') {
        const fn = t.text.toLowerCase();
        if (!Object.hasOwn(FUNCTIONS, fn)) {
          throw syntaxError(expr, t.pos, `unknown function '${t.text}' (functions are ln, log, exp, sqrt, abs)`);
        }
        k++;
        const arg = sum();
        const close = peek();
        if (!(close.type === 'op' && close.text === ')')) {
          throw syntaxError(expr, close.pos, `expected ')' to close ${t.text}( opened at character ${next.pos + 1}`);
        }
        k++;
        return { kind: 'call', fn: fn as ExprFunction, arg, pos: t.pos };
      }
      return { kind: 'column', name: t.text, pos: t.pos };
    }
    if (t.type === 'op' && t.text === '(') {
      k++;
      const inner = sum();
      const close = peek();
      if (!(close.type === 'op' && close.text === ')')) {
        throw syntaxError(expr, close.pos, `expected ')' to close the '(' at character ${t.pos + 1}`);
      }
      k++;
      return inner;
    }
    throw syntaxError(expr, t.pos, `${describe(t)}; expected a number, a column name or '('`);
  }

  const tree = sum();
  const t = peek();
  if (t.type !== 'end') {
    const what = t.type === 'op' && t.text === ')' ? `unmatched ')'` : `unexpected '${t.text}' after a complete expression`;
    throw syntaxError(expr, t.pos, what);
  }
  return tree;
}

/** Column names an expression refers to (lowercased, in order of first use). */
export function expressionColumns(node: ExprNode): string[] {
  const out: string[] = [];
  const walk = (n: ExprNode): void => {
    if (n.kind === 'column') {
      const name = n.name.toLowerCase();
      if (!out.includes(name)) out.push(name);
    } else if (n.kind === 'negate' || n.kind === 'call') walk(n.arg);
    else if (n.kind === 'binary') {
      walk(n.left);
      walk(n.right);
    }
  };
  walk(node);
  return out;
}

export interface EvaluateOptions {
  /** Where the columns came from (a file name), used in messages. */
  source?: string;
  /** The option that carried the expression ('--mu', '--energy'), used in messages. */
  option?: string;
}

/**
 * Evaluate an expression element-wise over named columns of equal length.
 * Names are matched case-insensitively against the labels (the readers' labels are
 * lowercase); `colN` is the N-th column (1-based) unless a column is labelled so.
 * Throws EEXPR (syntax) and ECOLUMN (unknown column, naming it and listing the columns).
 */
export function evaluateExpression(
  expr: string | ExprNode,
  columns: { label: string; values: Float64Array }[],
  options: EvaluateOptions = {},
): Float64Array {
  const tree = typeof expr === 'string' ? parseExpression(expr) : expr;
  const text = typeof expr === 'string' ? expr : undefined;
  if (columns.length === 0) throw new XafsError('ECOLUMN', `${options.source ?? 'the data'} has no columns`);
  const n = columns[0]!.values.length;
  const byName = new Map<string, Float64Array>();
  for (const c of columns) if (!byName.has(c.label.toLowerCase())) byName.set(c.label.toLowerCase(), c.values);

  const lookup = (name: string): Float64Array => {
    const key = name.toLowerCase();
    const hit = byName.get(key);
    if (hit) return hit;
    const m = /^col(\d+)$/.exec(key);
    if (m) {
      const i = Number(m[1]) - 1;
      if (i >= 0 && i < columns.length) return columns[i]!.values;
    }
    const where = options.source ? `${options.source}: ` : '';
    const inExpr = text !== undefined ? ` in ${options.option ? options.option + ' ' : 'expression '}'${text}'` : '';
    const list = columns.map((c) => c.label).join(', ');
    throw new XafsError(
      'ECOLUMN',
      `${where}no column named '${name}'${inExpr}; the columns are: ${list} (or col1..col${columns.length} by position)`,
    );
  };

  const evaluate = (node: ExprNode): Float64Array | number => {
    switch (node.kind) {
      case 'number':
        return node.value;
      case 'column':
        return lookup(node.name);
      case 'negate': {
        const a = evaluate(node.arg);
        if (typeof a === 'number') return -a;
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) out[i] = -a[i]!;
        return out;
      }
      case 'call': {
        const f = FUNCTIONS[node.fn];
        const a = evaluate(node.arg);
        if (typeof a === 'number') return f(a);
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) out[i] = f(a[i]!);
        return out;
      }
      case 'binary': {
        const a = evaluate(node.left);
        const b = evaluate(node.right);
        const op = node.op;
        const apply = (x: number, y: number): number =>
          op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y;
        if (typeof a === 'number' && typeof b === 'number') return apply(a, b);
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          out[i] = apply(typeof a === 'number' ? a : a[i]!, typeof b === 'number' ? b : b[i]!);
        }
        return out;
      }
    }
  };

  // Resolve every name before computing, so an unknown column is reported even behind a constant.
  for (const name of expressionColumns(tree)) lookup(name);
  const result = evaluate(tree);
  if (typeof result === 'number') return new Float64Array(n).fill(result);
  // A bare column comes back as a copy: callers may sort or modify the result.
  return tree.kind === 'column' ? result.slice() : result;
}
