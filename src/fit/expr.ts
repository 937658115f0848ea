/**
 * The expression language of fit parameters and path parameters (docs/cli.md and docs/fitting.md):
 * numbers (`1`, `1.5`, `1e-3`, `.5`), names, `+ - * /`, powers `^` and `**`, unary minus and
 * plus, parentheses and function calls. Python's precedence, which is what Larch users write in
 * lmfit/asteval: `**` is right-associative and binds tighter than a unary minus on its left
 * (`-2**2` = −4, `2**-1` = 0.5, `2**3**2` = 512). `^` is the same power operator (in Python it would
 * be XOR; the recipe format gives it the meaning users expect).
 *
 * A recursive-descent parser builds a tree; nothing is ever evaluated as JavaScript (no eval, no
 * Function). `compileFitExpr` turns a tree into a tree of closures over a value array, which is
 * what a fit calls thousands of times.
 *
 * Arithmetic is IEEE, as numpy's: 1/0 = Infinity, sqrt(−1) = NaN, log(0) = −Infinity. (Python
 * floats raise ZeroDivisionError instead; the parameter set refuses non-finite starting values.)
 * Names and functions are case-sensitive, as in Python.
 */
import { XafsError } from '../errors.js';

/** A node of a parsed expression; `pos` is the 0-based character of the node in the text. */
export type FitNode =
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'name'; name: string; pos: number }
  | { kind: 'negate'; arg: FitNode; pos: number }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/' | '**'; left: FitNode; right: FitNode; pos: number }
  | { kind: 'call'; fn: string; args: FitNode[]; pos: number };

/** A parsed expression: the tree, its source text and where it came from (for messages). */
export interface FitExpr {
  /** The expression as written. */
  readonly text: string;
  /** Where it came from, e.g. "param n_ru" or "path 2 sigma2"; starts every error message. */
  readonly where: string;
  readonly root: FitNode;
}

/** A function callable from expressions: numbers in, a number out. */
export type FitFunction = (...args: number[]) => number;

/** A compiled expression: values in the order of the names it was compiled with. */
export type CompiledFitExpr = (values: ArrayLike<number>) => number;

/** Built-in functions, in the order error messages list them. Arity: -1 = one or more. */
const BUILTINS: ReadonlyMap<string, { fn: FitFunction; arity: number }> = new Map<string, { fn: FitFunction; arity: number }>([
  ['sqrt', { fn: Math.sqrt, arity: 1 }],
  ['exp', { fn: Math.exp, arity: 1 }],
  ['log', { fn: Math.log, arity: 1 }], // natural logarithm, as numpy's log
  ['log10', { fn: Math.log10, arity: 1 }],
  ['sin', { fn: Math.sin, arity: 1 }],
  ['cos', { fn: Math.cos, arity: 1 }],
  ['tan', { fn: Math.tan, arity: 1 }],
  ['asin', { fn: Math.asin, arity: 1 }],
  ['acos', { fn: Math.acos, arity: 1 }],
  ['atan', { fn: Math.atan, arity: 1 }],
  ['abs', { fn: Math.abs, arity: 1 }],
  ['min', { fn: Math.min, arity: -1 }],
  ['max', { fn: Math.max, arity: -1 }],
]);

/** Names of the built-in functions, in the order messages list them. */
export const FIT_BUILTIN_FUNCTIONS: readonly string[] = [...BUILTINS.keys()];

const HELP =
  '(expressions use parameter names, numbers, + - * / ^ **, ( ), and the functions ' +
  FIT_BUILTIN_FUNCTIONS.join(' ') +
  ')';

/** Nesting of unary signs and parentheses the parser follows (each costs a few stack frames). */
const MAX_DEPTH = 200;
/**
 * Depth of the expression tree (a chain `a + b + c …` is as deep as it is long): walking,
 * compiling and evaluating recurse once per level, so the depth is bounded far above any real
 * expression and far below the JavaScript stack.
 */
export const MAX_TREE_DEPTH = 1000;
/** Length of an expression, characters. */
export const MAX_EXPR_LENGTH = 100_000;

/** Depth of a tree, without recursion (an explicit stack). */
function treeDepth(root: FitNode): number {
  let max = 0;
  const stack: [FitNode, number][] = [[root, 1]];
  while (stack.length) {
    const [n, d] = stack.pop()!;
    if (d > max) max = d;
    if (n.kind === 'negate') stack.push([n.arg, d + 1]);
    else if (n.kind === 'binary') stack.push([n.left, d + 1], [n.right, d + 1]);
    else if (n.kind === 'call') for (const a of n.args) stack.push([a, d + 1]);
  }
  return max;
}

/** The expression text on one line (tabs and newlines as spaces, so a caret lines up). */
const oneLine = (text: string): string => text.replace(/\s/g, ' ');
const prefix = (where: string): string => (where ? `${where}: ` : '');

/** The text and a caret line under character `pos`, each indented by two spaces. */
function caretLines(text: string, pos: number): string {
  return `  ${oneLine(text)}\n  ${' '.repeat(pos)}^`;
}

/**
 * An EEXPR error about character `pos` of an expression:
 * "WHERE: PROBLEM at character N of 'TEXT'", the text with a caret under that character, then
 * `hint` on its own line. Used by the parameter set for its name checks, so that every
 * expression message has one shape.
 */
export function fitExprErrorAt(e: FitExpr, pos: number, problem: string, hint: string): XafsError {
  return new XafsError(
    'EEXPR',
    `${prefix(e.where)}${problem} at character ${pos + 1} of '${oneLine(e.text)}'\n${caretLines(e.text, pos)}\n${hint}`,
  );
}

function syntaxError(text: string, where: string, pos: number, what: string): XafsError {
  return new XafsError(
    'EEXPR',
    `${prefix(where)}cannot read expression '${oneLine(text)}' at character ${pos + 1}: ${what}\n${caretLines(text, pos)}\n${HELP}`,
  );
}

type Op = '+' | '-' | '*' | '/' | '**' | '(' | ')' | ',';
type Token =
  | { type: 'number'; value: number; text: string; pos: number }
  | { type: 'name'; text: string; pos: number }
  | { type: 'op'; text: Op; pos: number }
  | { type: 'end'; pos: number };

// sticky: matched at lastIndex, so that tokenizing never copies the rest of the text
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

function tokenize(text: string, where: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    NUMBER.lastIndex = i;
    let m = NUMBER.exec(text);
    if (m) {
      const end = i + m[0].length;
      // '2e', '3x' or '1e5x' run together: a number glued to a name is a typo, not a product
      NAME.lastIndex = end;
      if (NAME.test(text)) {
        throw syntaxError(text, where, end, `a number runs into a name ('${/^[\w.]+/.exec(text.slice(i, i + 80))![0]}'); write '*' for a product`);
      }
      const value = Number(m[0]);
      if (!Number.isFinite(value)) throw syntaxError(text, where, i, `the number ${m[0]} is too large for a double`);
      tokens.push({ type: 'number', value, text: m[0], pos: i });
      i = end;
      continue;
    }
    NAME.lastIndex = i;
    m = NAME.exec(text);
    if (m) {
      tokens.push({ type: 'name', text: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if (ch === '*' && text[i + 1] === '*') {
      tokens.push({ type: 'op', text: '**', pos: i });
      i += 2;
      continue;
    }
    if (ch === '^') {
      tokens.push({ type: 'op', text: '**', pos: i });
      i++;
      continue;
    }
    if ('+-*/(),'.includes(ch)) {
      tokens.push({ type: 'op', text: ch as Op, pos: i });
      i++;
      continue;
    }
    throw syntaxError(text, where, i, `unexpected character '${ch}'`);
  }
  tokens.push({ type: 'end', pos: text.length });
  return tokens;
}

/**
 * Parse a fit expression. Grammar (Python's precedence):
 *   sum     := product (('+' | '-') product)*
 *   product := unary (('*' | '/') unary)*
 *   unary   := ('-' | '+') unary | power
 *   power   := primary (('**' | '^') unary)?        right-associative through `unary`
 *   primary := number | name | name '(' sum (',' sum)* ')' | '(' sum ')'
 * Built-in functions are checked for their number of arguments here; other function names are
 * accepted (the caller supplies them at evaluation) and checked by evalFitExpr/compileFitExpr.
 * Throws XafsError EEXPR naming `where`, quoting the text, with a caret under the offending character.
 */
export function parseFitExpr(text: string, where: string): FitExpr {
  if (typeof text !== 'string') {
    throw new XafsError('EEXPR', `${prefix(where)}an expression must be a string, got ${JSON.stringify(text) ?? String(text)}`);
  }
  if (text.trim().length === 0) {
    throw new XafsError('EEXPR', `${prefix(where)}empty expression; write a number or an expression such as '2*amp' ${HELP}`);
  }
  if (text.length > MAX_EXPR_LENGTH) {
    throw new XafsError('EEXPR', `${prefix(where)}the expression is ${text.length} characters long, more than the ${MAX_EXPR_LENGTH} allowed; split it into several parameters`);
  }
  const tokens = tokenize(text, where);
  let k = 0;
  let depth = 0;
  const peek = (): Token => tokens[k]!;
  const isOp = (t: Token, op: Op): boolean => t.type === 'op' && t.text === op;
  const describe = (t: Token): string => (t.type === 'end' ? 'the expression ends too early' : `unexpected '${t.text}'`);

  function sum(): FitNode {
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
  function product(): FitNode {
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
  function unary(): FitNode {
    const t = peek();
    if (++depth > MAX_DEPTH) throw syntaxError(text, where, t.pos, 'the expression is nested too deeply');
    try {
      if (isOp(t, '-')) {
        k++;
        return { kind: 'negate', arg: unary(), pos: t.pos };
      }
      if (isOp(t, '+')) {
        k++;
        return unary();
      }
      return power();
    } finally {
      depth--;
    }
  }
  function power(): FitNode {
    const base = primary();
    const t = peek();
    if (isOp(t, '**')) {
      k++;
      return { kind: 'binary', op: '**', left: base, right: unary(), pos: t.pos };
    }
    return base;
  }
  function closeParen(open: Token, what: string): void {
    const close = peek();
    if (!isOp(close, ')')) {
      const found = close.type === 'end' ? '' : ` (found '${close.text}')`;
      throw syntaxError(text, where, close.pos, `expected ')' to close ${what} opened at character ${open.pos + 1}${found}`);
    }
    k++;
  }
  function primary(): FitNode {
    const t = peek();
    if (t.type === 'number') {
      k++;
      return { kind: 'number', value: t.value, pos: t.pos };
    }
    if (t.type === 'name') {
      k++;
      const open = peek();
      if (!isOp(open, '(')) return { kind: 'name', name: t.text, pos: t.pos };
      k++;
      const args: FitNode[] = [];
      if (!isOp(peek(), ')')) {
        args.push(sum());
        while (isOp(peek(), ',')) {
          k++;
          args.push(sum());
        }
      }
      closeParen(open, `${t.text}(`);
      const builtin = BUILTINS.get(t.text);
      if (builtin) {
        if (builtin.arity === -1 && args.length === 0) {
          throw syntaxError(text, where, t.pos, `${t.text}() needs at least one argument`);
        }
        if (builtin.arity > 0 && args.length !== builtin.arity) {
          throw syntaxError(text, where, t.pos, `${t.text}() takes ${builtin.arity} argument${builtin.arity === 1 ? '' : 's'}, got ${args.length}`);
        }
      }
      return { kind: 'call', fn: t.text, args, pos: t.pos };
    }
    if (isOp(t, '(')) {
      k++;
      const inner = sum();
      closeParen(t, `the '('`);
      return inner;
    }
    throw syntaxError(text, where, t.pos, `${describe(t)}; expected a number, a name, a function call or '('`);
  }

  const root = sum();
  const t = peek();
  if (t.type !== 'end') {
    const what = isOp(t, ')')
      ? `unmatched ')'`
      : isOp(t, ',')
        ? `',' outside a function call`
        : `unexpected '${t.text}' after a complete expression`;
    throw syntaxError(text, where, t.pos, what);
  }
  const treeLevels = treeDepth(root);
  if (treeLevels > MAX_TREE_DEPTH) {
    throw new XafsError(
      'EEXPR',
      `${prefix(where)}the expression is ${treeLevels} operations deep (a chain of + - * / or nested calls), more than the ${MAX_TREE_DEPTH} allowed; split it into several parameters (e.g. partial sums)`,
    );
  }
  return { text, where, root };
}

/** Walk every node, depth first, left to right (text order). */
function walk(node: FitNode, visit: (n: FitNode) => void): void {
  visit(node);
  switch (node.kind) {
    case 'negate':
      walk(node.arg, visit);
      break;
    case 'binary':
      walk(node.left, visit);
      walk(node.right, visit);
      break;
    case 'call':
      for (const a of node.args) walk(a, visit);
      break;
    default:
      break;
  }
}

/** Free variable names (not functions), each once, in order of first use. */
export function exprNames(e: FitExpr): string[] {
  const out: string[] = [];
  walk(e.root, (n) => {
    if (n.kind === 'name' && !out.includes(n.name)) out.push(n.name);
  });
  return out;
}

/** Names of the functions called, each once, in order of first use. */
export function exprFunctions(e: FitExpr): string[] {
  const out: string[] = [];
  walk(e.root, (n) => {
    if (n.kind === 'call' && !out.includes(n.fn)) out.push(n.fn);
  });
  return out;
}

/** The first node (text order) satisfying `test`, for messages that point at a use. */
export function findNode(e: FitExpr, test: (n: FitNode) => boolean): FitNode | undefined {
  let found: FitNode | undefined;
  walk(e.root, (n) => {
    if (!found && test(n)) found = n;
  });
  return found;
}

/**
 * Resolve every function an expression calls: the caller's first (they may override a built-in),
 * then the built-ins. Unknown function → EEXPR naming it and listing the known ones; a caller
 * function declared with a fixed number of parameters (fn.length > 0) is checked for its count.
 */
function resolveFunctions(e: FitExpr, functions: Record<string, FitFunction> | undefined): Map<string, FitFunction> {
  const out = new Map<string, FitFunction>();
  walk(e.root, (n) => {
    if (n.kind !== 'call') return;
    const own = functions !== undefined && Object.hasOwn(functions, n.fn) ? functions[n.fn] : undefined;
    if (typeof own === 'function') {
      if (own.length > 0 && own.length !== n.args.length) {
        throw fitExprErrorAt(
          e,
          n.pos,
          `${n.fn}() takes ${own.length} argument${own.length === 1 ? '' : 's'}, got ${n.args.length},`,
          `call it as ${n.fn}(${Array.from({ length: own.length }, (_, i) => `x${i + 1}`).join(', ')})`,
        );
      }
      out.set(n.fn, own);
      return;
    }
    const builtin = BUILTINS.get(n.fn);
    if (builtin) {
      out.set(n.fn, builtin.fn);
      return;
    }
    const known = [...FIT_BUILTIN_FUNCTIONS, ...Object.keys(functions ?? {}).filter((f) => !BUILTINS.has(f))];
    throw fitExprErrorAt(e, n.pos, `unknown function '${n.fn}'`, `the functions are: ${known.join(', ')}`);
  });
  return out;
}

function unknownName(e: FitExpr, node: FitNode & { kind: 'name' }, known: readonly string[]): XafsError {
  return fitExprErrorAt(
    e,
    node.pos,
    `unknown name '${node.name}'`,
    known.length ? `the names are: ${known.join(', ')}` : 'no names are defined here',
  );
}

function applyBinary(op: '+' | '-' | '*' | '/' | '**', a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '**':
      return a ** b;
  }
}

/**
 * Evaluate by walking the tree (for one-off evaluations; a fit should compile). `lookup` returns
 * a name's value; a non-number from it (undefined) is reported as an unknown name.
 */
export function evalFitExpr(e: FitExpr, lookup: (name: string) => number, functions?: Record<string, FitFunction>): number {
  const fns = resolveFunctions(e, functions);
  const ev = (n: FitNode): number => {
    switch (n.kind) {
      case 'number':
        return n.value;
      case 'name': {
        const v = lookup(n.name) as unknown;
        if (typeof v !== 'number') {
          throw fitExprErrorAt(e, n.pos, `unknown name '${n.name}'`, `no value was given for '${n.name}'`);
        }
        return v;
      }
      case 'negate':
        return -ev(n.arg);
      case 'binary':
        return applyBinary(n.op, ev(n.left), ev(n.right));
      case 'call':
        return fns.get(n.fn)!(...n.args.map(ev));
    }
  };
  return ev(e.root);
}

type Compiled = { constant: true; value: number } | { constant: false; fn: CompiledFitExpr };

/**
 * Compile to a tree of closures reading `values[i]` for `names[i]`. Names not in `names` are
 * looked up in `constants` (baked in: e.g. a path's `reff`), else EEXPR "unknown name" listing
 * both. Arithmetic and built-in calls on constants are folded at compile time; caller functions
 * are always called (they may be bound to per-path data).
 */
export function compileFitExpr(
  e: FitExpr,
  names: readonly string[],
  functions?: Record<string, FitFunction>,
  constants?: Record<string, number>,
): CompiledFitExpr {
  const fns = resolveFunctions(e, functions);
  const index = new Map<string, number>();
  names.forEach((n, i) => {
    if (!index.has(n)) index.set(n, i);
  });
  const builtinFns = new Set<FitFunction>([...BUILTINS.values()].map((b) => b.fn));

  const c = (n: FitNode): Compiled => {
    switch (n.kind) {
      case 'number':
        return { constant: true, value: n.value };
      case 'name': {
        const i = index.get(n.name);
        if (i !== undefined) return { constant: false, fn: (v) => v[i]! };
        if (constants !== undefined && Object.hasOwn(constants, n.name) && typeof constants[n.name] === 'number') {
          return { constant: true, value: constants[n.name]! };
        }
        throw unknownName(e, n, [...names, ...Object.keys(constants ?? {})]);
      }
      case 'negate': {
        const a = c(n.arg);
        if (a.constant) return { constant: true, value: -a.value };
        const f = a.fn;
        return { constant: false, fn: (v) => -f(v) };
      }
      case 'binary': {
        const a = c(n.left);
        const b = c(n.right);
        if (a.constant && b.constant) return { constant: true, value: applyBinary(n.op, a.value, b.value) };
        return { constant: false, fn: binaryClosure(n.op, a, b) };
      }
      case 'call': {
        const fn = fns.get(n.fn)!;
        const args = n.args.map(c);
        if (builtinFns.has(fn) && args.every((a) => a.constant)) {
          return { constant: true, value: fn(...args.map((a) => (a as { value: number }).value)) };
        }
        const fs = args.map(asClosure);
        if (fs.length === 1) {
          const f0 = fs[0]!;
          return { constant: false, fn: (v) => fn(f0(v)) };
        }
        if (fs.length === 2) {
          const f0 = fs[0]!;
          const f1 = fs[1]!;
          return { constant: false, fn: (v) => fn(f0(v), f1(v)) };
        }
        const m = fs.length;
        return {
          constant: false,
          fn: (v) => {
            const a = new Array<number>(m);
            for (let j = 0; j < m; j++) a[j] = fs[j]!(v);
            return fn(...a);
          },
        };
      }
    }
  };
  const top = c(e.root);
  if (top.constant) {
    const value = top.value;
    return () => value;
  }
  return top.fn;
}

function asClosure(a: Compiled): CompiledFitExpr {
  if (a.constant) {
    const value = a.value;
    return () => value;
  }
  return a.fn;
}

function binaryClosure(op: '+' | '-' | '*' | '/' | '**', a: Compiled, b: Compiled): CompiledFitExpr {
  // Specialise the common "expression op constant" and "constant op expression" shapes.
  if (b.constant) {
    const f = (a as { fn: CompiledFitExpr }).fn;
    const y = b.value;
    switch (op) {
      case '+':
        return (v) => f(v) + y;
      case '-':
        return (v) => f(v) - y;
      case '*':
        return (v) => f(v) * y;
      case '/':
        return (v) => f(v) / y;
      case '**':
        return (v) => f(v) ** y;
    }
  }
  if (a.constant) {
    const x = a.value;
    const g = b.fn;
    switch (op) {
      case '+':
        return (v) => x + g(v);
      case '-':
        return (v) => x - g(v);
      case '*':
        return (v) => x * g(v);
      case '/':
        return (v) => x / g(v);
      case '**':
        return (v) => x ** g(v);
    }
  }
  const f = a.fn;
  const g = b.fn;
  switch (op) {
    case '+':
      return (v) => f(v) + g(v);
    case '-':
      return (v) => f(v) - g(v);
    case '*':
      return (v) => f(v) * g(v);
    case '/':
      return (v) => f(v) / g(v);
    case '**':
      return (v) => f(v) ** g(v);
  }
}

// Precedence levels for formatting: sum < product < unary < power < atom.
const P_SUM = 1;
const P_PRODUCT = 2;
const P_UNARY = 3;
const P_ATOM = 5;

/**
 * The expression in a canonical form for reports: spaces around + and -, none around * / **,
 * `**` for powers (whether written ^ or **), parentheses only where the tree needs them, so that
 * parsing the result gives the same tree. The text as written is `e.text`.
 */
export function formatFitExpr(e: FitExpr): string {
  const wrap = (s: string, prec: number, ctx: number): string => (prec < ctx ? `(${s})` : s);
  const f = (n: FitNode, ctx: number): string => {
    switch (n.kind) {
      case 'number':
        return String(n.value);
      case 'name':
        return n.name;
      case 'call':
        return `${n.fn}(${n.args.map((a) => f(a, P_SUM)).join(', ')})`;
      case 'negate':
        return wrap(`-${f(n.arg, P_UNARY)}`, P_UNARY, ctx);
      case 'binary':
        if (n.op === '+' || n.op === '-') return wrap(`${f(n.left, P_SUM)} ${n.op} ${f(n.right, P_PRODUCT)}`, P_SUM, ctx);
        if (n.op === '*' || n.op === '/') return wrap(`${f(n.left, P_PRODUCT)}${n.op}${f(n.right, P_UNARY)}`, P_PRODUCT, ctx);
        // the base of a power is a primary; the exponent may carry a unary sign
        return wrap(`${f(n.left, P_ATOM)}**${f(n.right, P_UNARY)}`, P_ATOM - 1, ctx);
    }
  };
  return f(e.root, P_SUM);
}
