/**
 * The parameters of a fit (docs/cli.md and docs/fitting.md; docs/conventions.md §0.2, §4.8,
 * §4.10): varied, fixed and constrained (expression) parameters, their evaluation in dependency
 * order, the MINUIT bound transforms that lmfit applies for MINPACK, and first-order propagation of
 * the covariance to expression and path parameters (what lmfit does with the `uncertainties`
 * package).
 *
 * Spaces: "x" is the vector of varied parameters in external (user) units, in `varyNames` order;
 * "internal" is what the least-squares engine moves (MINUIT transforms for bounded parameters);
 * "values" is every parameter, in `names` order, as `evaluate(x)` returns it.
 */
import { XafsError, type Warn } from '../errors.js';
import { didYouMean, RESERVED_KEYS } from '../schema/validate.js';
import {
  compileFitExpr,
  exprFunctions,
  exprNames,
  findNode,
  fitExprErrorAt,
  FIT_BUILTIN_FUNCTIONS,
  parseFitExpr,
  type CompiledFitExpr,
  type FitExpr,
  type FitFunction,
} from './expr.js';

/** A fixed value or a starting value. `vary` defaults to false, as Larch's `param()`. */
export interface ValueParamSpec {
  value: number;
  vary?: boolean;
  min?: number | null;
  max?: number | null;
  /** Standard error carried with a fixed value (a `from` parameter resolved by the caller). */
  stderr?: number;
  /** The result file a fixed value was taken from (kept for reports). */
  from?: string;
  /** The parameter's name in that result file. */
  param?: string;
}
/** A constrained parameter: computed from other parameters, clipped to its own [min, max]. */
export interface ExprParamSpec {
  expr: string;
  min?: number | null;
  max?: number | null;
  vary?: false;
}
/** A value taken from a saved fit result; the fit command resolves it into a ValueParamSpec. */
export interface FromParamSpec {
  from: string;
  param: string;
}
/** One entry of a recipe's `params`: a number is a fixed value. */
export type ParamSpec = number | ValueParamSpec | ExprParamSpec | FromParamSpec;

export type ParamKind = 'vary' | 'fixed' | 'expr';

/** A validated parameter. Absent bounds are ±Infinity. */
export interface ParamInfo {
  readonly name: string;
  readonly kind: ParamKind;
  /** Starting value (vary, after clipping to the bounds), the value (fixed), the value at the starting values (expr). */
  readonly value: number;
  readonly min: number;
  readonly max: number;
  readonly expr?: FitExpr;
  /** Carried standard error of a fixed parameter (from a previous fit). */
  readonly stderr?: number;
  /** The result file a fixed parameter came from, and its name there. */
  readonly from?: string;
  readonly fromParam?: string;
}

/** An expression outside the params (a path parameter) to validate against the parameter names. */
export interface ExtraExpr {
  /** Where it comes from, for messages, e.g. "path 2 sigma2". */
  where: string;
  /** A number is accepted and needs no check. */
  expr: string | number | FitExpr;
  /** Names defined locally besides the parameters, e.g. ['reff']. */
  locals?: readonly string[];
  /** Functions available besides the built-ins, e.g. ['sigma2_eins', 'sigma2_debye']. */
  functions?: readonly string[];
}

export interface ParamSetOptions {
  /** Path parameter expressions to check now, so that a recipe fails before any file is read. */
  extra?: readonly ExtraExpr[];
  /** Receives warnings (a starting value outside its bounds, clipped). */
  warn?: Warn;
}

/** A covariance matrix of the varied parameters: rows, or one row-major Float64Array (n·n). */
export type Covariance = ArrayLike<ArrayLike<number>> | Float64Array;

export interface Correlation {
  a: string;
  b: string;
  r: number;
}

export interface Propagated {
  value: number;
  /** First-order standard error; null when there is no covariance. */
  stderr: number | null;
}

/** One parameter in a fit report (the contract's `params` entries, plus expr/from when set). */
export interface ParamReport {
  value: number;
  /** Varied: sqrt(C_ii); expr: propagated; fixed: the carried stderr, else null. Null without covariance. */
  stderr: number | null;
  init: number;
  vary: boolean;
  expr?: string;
  from?: string;
  /** With the carried errors of `from` parameters in quadrature (feffit's total errors). */
  stderrTotal?: number | null;
}

export interface UncertaintyOptions {
  /**
   * Also propagate the carried stderr of fixed parameters (from previous fits) into expression and
   * path parameters, as independent errors. Default false: Larch/lmfit propagate only the
   * covariance of the varied parameters.
   * @default false
   */
  includeFixedStderr?: boolean;
}

/** Uncertainties at a best fit (ParamSet.uncertainties). */
export interface FitUncertainties {
  /** Best-fit varied values (external), in varyNames order. */
  readonly x: Float64Array;
  /** Every parameter at the best fit, in names order (evaluate(x)). */
  readonly values: Float64Array;
  /** The covariance (external space), row-major nvary·nvary; null if the fit gave none. */
  readonly covariance: Float64Array | null;
  value(name: string): number;
  stderrOf(name: string): number | null;
  /** Value and first-order stderr of any function of the parameter values (e.g. a path parameter). */
  propagate(fn: (values: Float64Array) => number): Propagated;
  /** Pairs of varied parameters with |r| ≥ minCorrel, largest |r| first (Larch's report). */
  correlations(minCorrel?: number): Correlation[];
  /** Every parameter, in names order: {value, stderr, init, vary, expr?, from?}. */
  report(): Record<string, ParamReport>;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SPEC_KEYS = ['value', 'vary', 'min', 'max', 'expr', 'stderr', 'from', 'param'] as const;
const SPEC_FORMS = '(a parameter is a number, {value, vary, min, max}, {expr, min, max} or {from, param})';
/** sqrt(machine epsilon): the `uncertainties` package's derivative step (relative). */
const SQRT_EPS = Math.sqrt(Number.EPSILON);

/** Kinds of MINUIT transform. */
const Bound = { None: 0, Both: 1, Min: 2, Max: 3 } as const;

const show = (v: unknown): string =>
  typeof v === 'string'
    ? `the string '${v}'`
    : typeof v === 'number' || v === undefined
      ? String(v)
      : (JSON.stringify(v) ?? String(v));

const optionError = (where: string, what: string): XafsError => new XafsError('EOPTION', `${where}: ${what}`);

function checkBound(where: string, key: 'min' | 'max', v: unknown): number {
  if (v === undefined || v === null) return key === 'min' ? -Infinity : Infinity;
  if (typeof v !== 'number' || Number.isNaN(v)) throw optionError(where, `${key} must be a number, got ${show(v)}`);
  if (key === 'min' && v === Infinity) throw optionError(where, `min cannot be +Infinity`);
  if (key === 'max' && v === -Infinity) throw optionError(where, `max cannot be -Infinity`);
  return v;
}

/** Validate one spec (not its expression's names: that needs every parameter). */
function checkSpec(name: string, spec: unknown, warn: Warn | undefined): ParamInfo {
  const where = `param ${name}`;
  if (typeof spec === 'number') {
    if (!Number.isFinite(spec)) throw optionError(where, `value must be a finite number, got ${show(spec)}`);
    return { name, kind: 'fixed', value: spec, min: -Infinity, max: Infinity };
  }
  if (typeof spec === 'string') {
    throw optionError(where, `got ${show(spec)} ${SPEC_FORMS}; for a constraint write {"expr": ${JSON.stringify(spec)}}`);
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw optionError(where, `got ${show(spec)} ${SPEC_FORMS}`);
  }
  const s = spec as Record<string, unknown>;
  for (const key of Object.keys(s)) {
    if ((SPEC_KEYS as readonly string[]).includes(key)) continue;
    const near = didYouMean(key, SPEC_KEYS);
    const hint = near ? `; did you mean '${near}'?` : '';
    throw optionError(where, `unknown key '${key}'${hint} ${SPEC_FORMS}`);
  }
  const has = (k: string): boolean => Object.hasOwn(s, k) && s[k] !== undefined;

  if (has('vary') && typeof s.vary !== 'boolean') throw optionError(where, `vary must be true or false, got ${show(s.vary)}`);
  const min = checkBound(where, 'min', s.min);
  const max = checkBound(where, 'max', s.max);
  if (min > max) throw optionError(where, `min (${min}) is greater than max (${max}); swap them`);

  if (has('expr')) {
    if (typeof s.expr !== 'string') {
      throw optionError(where, `expr must be a string, got ${show(s.expr)}${typeof s.expr === 'number' ? `; for a fixed value write {"value": ${s.expr}}` : ''}`);
    }
    if (s.vary === true) {
      throw optionError(where, `vary: true cannot go with expr: a constrained parameter is computed from its expression, not fitted; drop vary or the expr`);
    }
    for (const k of ['value', 'stderr', 'from', 'param'] as const) {
      if (has(k)) throw optionError(where, `${k} cannot go with expr (the expression computes the value); drop one of them`);
    }
    const expr = parseFitExpr(s.expr, where);
    return { name, kind: 'expr', value: NaN, min, max, expr };
  }

  if (!has('value')) {
    if (has('from') || has('param')) {
      if (!has('from')) throw optionError(where, `'param' names a parameter of a saved fit result and needs 'from' (the result file)`);
      throw new XafsError(
        'EINTERNAL',
        `${where}: {from, param} must be resolved into {value, vary: false, stderr, from} before the parameter set is built`,
      );
    }
    throw optionError(where, `needs a value (a starting value, e.g. {"value": 1, "vary": true}) or an expr ${SPEC_FORMS}`);
  }
  if (typeof s.value !== 'number' || !Number.isFinite(s.value)) {
    throw optionError(where, `value must be a finite number, got ${show(s.value)}`);
  }
  const vary = s.vary === true;
  let stderr: number | undefined;
  if (has('stderr')) {
    if (typeof s.stderr !== 'number' || !(s.stderr >= 0) || s.stderr === Infinity) {
      throw optionError(where, `stderr must be a finite number ≥ 0, got ${show(s.stderr)}`);
    }
    if (vary) throw optionError(where, `stderr is kept for fixed parameters only (vary: false); a varied parameter gets its stderr from the fit`);
    stderr = s.stderr;
  }
  if (has('from') && typeof s.from !== 'string') throw optionError(where, `from must be a file name, got ${show(s.from)}`);
  if (has('param') && typeof s.param !== 'string') throw optionError(where, `param must be a parameter name, got ${show(s.param)}`);
  if (vary && (has('from') || has('param'))) {
    throw optionError(where, `a parameter taken from a saved fit result is fixed; drop vary: true`);
  }
  if (vary && min === max) {
    throw optionError(where, `min and max are both ${min}: a varied parameter needs room; to fix it write {"value": ${min}, "vary": false}`);
  }
  let value = s.value;
  if (value < min || value > max) {
    const clipped = value < min ? min : max;
    warn?.(`${where}: value ${value} is ${value < min ? 'below min' : 'above max'} ${clipped}; it starts at ${clipped} (Larch clips values to their bounds)`);
    value = clipped;
  }
  return {
    name,
    kind: vary ? 'vary' : 'fixed',
    value,
    min,
    max,
    ...(stderr !== undefined ? { stderr } : {}),
    ...(typeof s.from === 'string' ? { from: s.from } : {}),
    ...(typeof s.param === 'string' ? { fromParam: s.param } : {}),
  };
}

/** Normalise a covariance to a row-major Float64Array of n·n. */
function flatCovariance(cov: Covariance, n: number): Float64Array {
  const out = new Float64Array(n * n);
  if (cov.length === n * n && (n === 0 || typeof (cov as ArrayLike<unknown>)[0] === 'number')) {
    out.set(cov as ArrayLike<number>);
    return out;
  }
  const rows = cov as ArrayLike<ArrayLike<number>>;
  if (rows.length !== n || Array.from({ length: n }, (_, i) => rows[i]).some((r) => r === undefined || r.length !== n)) {
    throw new XafsError('EINTERNAL', `the covariance must be ${n}×${n} (one row and column per varied parameter)`);
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = rows[i]![j]!;
  return out;
}

/**
 * Correlations r_ij = C_ij/sqrt(C_ii C_jj) for the pairs i < j (in `names` order) with
 * |r| ≥ minCorrel, largest |r| first. Ties keep Larch's order: its report sorts ascending (a
 * stable sort) and then reverses, so equal |r| come out in reverse pair order.
 */
export function correlations(covariance: Covariance, names: readonly string[], minCorrel = 0.1): Correlation[] {
  const n = names.length;
  const c = flatCovariance(covariance, n);
  const pairs: Correlation[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const r = c[i * n + j]! / Math.sqrt(c[i * n + i]! * c[j * n + j]!);
      if (Math.abs(r) >= minCorrel) pairs.push({ a: names[i]!, b: names[j]!, r });
    }
  }
  return pairs.sort((p, q) => Math.abs(p.r) - Math.abs(q.r)).reverse();
}

/** Correlations as the contract's JSON object: {"a,b": r, ...}, in the same order. */
export function correlationRecord(list: readonly Correlation[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of list) out[`${c.a},${c.b}`] = c.r;
  return out;
}

/**
 * A recipe's parameters, validated and precompiled.
 *
 *     const ps = new ParamSet(recipe.params, { extra: [{ where: 'path 1 sigma2', expr: 'sigma2_eins(300, theta)',
 *                                                        locals: ['reff'], functions: ['sigma2_eins', 'sigma2_debye'] }] });
 *     const values = ps.evaluate(x);           // every parameter, names order
 *     const s2 = ps.compileExpr('sigma2_eins(300, theta)', 'path 1 sigma2',
 *                               { locals: { reff: 2.55 }, functions: { sigma2_eins: (t, th) => eins(path, t, th) } });
 *     s2(values);
 */
export class ParamSet {
  /** Every parameter name, in the recipe's order. */
  readonly names: readonly string[];
  /** The varied parameters, in the recipe's order: the order of x. */
  readonly varyNames: readonly string[];
  readonly params: readonly ParamInfo[];
  /** Starting x (external, clipped to the bounds). */
  readonly init: Float64Array;
  /** Every parameter at the starting x. */
  readonly initValues: Float64Array;

  private readonly byName: Map<string, number>;
  /** Fixed values at their index, 0 elsewhere: the first layer of every evaluation. */
  private readonly base: Float64Array;
  private readonly varyIndex: Int32Array;
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  private readonly bound: Uint8Array;
  /** Expression parameters in dependency order. */
  private readonly exprIndex: Int32Array;
  private readonly exprLo: Float64Array;
  private readonly exprHi: Float64Array;
  private readonly exprFns: CompiledFitExpr[];
  /** Per parameter: does it depend (transitively) on a varied parameter? */
  private readonly dependsOnVary: boolean[];
  /** The parsed expression of parameter i (before `params` is set). */
  private exprOf: (i: number) => FitExpr = () => {
    throw new XafsError('EINTERNAL', 'no expression');
  };
  /** What the set was built from (withFixed rebuilds from it). */
  private readonly specs: Readonly<Record<string, ParamSpec | Record<string, unknown>>>;
  private readonly options: ParamSetOptions;

  /**
   * @param params the recipe's params: each a ParamSpec. Typed loosely on purpose: a recipe read
   *   from JSON is checked here, entry by entry, with messages naming the parameter.
   */
  constructor(params: Readonly<Record<string, ParamSpec | Record<string, unknown>>>, options: ParamSetOptions = {}) {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      throw new XafsError('EOPTION', `params must be an object of named parameters, got ${show(params)}`);
    }
    this.specs = params;
    this.options = options;
    const names = Object.keys(params);
    for (const name of names) {
      if (RESERVED_KEYS.includes(name)) {
        throw new XafsError('EOPTION', `param '${name}': the name '${name}' is reserved (it names a property of every JavaScript object); choose another name`);
      }
      if (!NAME_RE.test(name)) {
        throw new XafsError(
          'EOPTION',
          `param '${name}': a parameter name starts with a letter or _ and holds only letters, digits and _`,
        );
      }
    }
    const infos = names.map((name) => checkSpec(name, params[name], options.warn));
    this.names = names;
    this.byName = new Map(names.map((n, i) => [n, i]));

    // Every name an expression uses must be a parameter, every function a built-in.
    for (const p of infos) {
      if (!p.expr) continue;
      this.checkNames(p.expr, []);
      this.checkFunctions(p.expr, []);
    }

    // Dependency order of the expressions, refusing cycles (depth first, recipe order).
    const state = new Uint8Array(names.length); // 0 new, 1 on the stack, 2 done
    const stack: number[] = [];
    const order: number[] = [];
    const visit = (i: number): void => {
      if (state[i] === 2) return;
      if (state[i] === 1) {
        const loop = [...stack.slice(stack.indexOf(i)), i].map((k) => names[k]!);
        throw new XafsError(
          'EEXPR',
          `param ${names[i]}: circular expressions: ${loop.join(' → ')}; one of them must be a value (varied or fixed) instead of an expression`,
        );
      }
      state[i] = 1;
      stack.push(i);
      for (const dep of exprNames(infos[i]!.expr!)) {
        const k = this.byName.get(dep)!;
        if (infos[k]!.kind === 'expr') visit(k);
      }
      stack.pop();
      state[i] = 2;
      order.push(i);
    };
    infos.forEach((p, i) => {
      if (p.kind === 'expr') visit(i);
    });

    this.base = new Float64Array(names.length);
    infos.forEach((p, i) => {
      if (p.kind === 'fixed') this.base[i] = p.value;
    });
    const vary = infos.flatMap((p, i) => (p.kind === 'vary' ? [i] : []));
    this.varyIndex = Int32Array.from(vary);
    this.varyNames = vary.map((i) => names[i]!);
    this.lo = Float64Array.from(vary, (i) => infos[i]!.min);
    this.hi = Float64Array.from(vary, (i) => infos[i]!.max);
    this.bound = Uint8Array.from(vary, (i) => {
      const lo = infos[i]!.min > -Infinity;
      const hi = infos[i]!.max < Infinity;
      return lo && hi ? Bound.Both : lo ? Bound.Min : hi ? Bound.Max : Bound.None;
    });
    this.exprIndex = Int32Array.from(order);
    this.exprLo = Float64Array.from(order, (i) => infos[i]!.min);
    this.exprHi = Float64Array.from(order, (i) => infos[i]!.max);
    this.exprFns = order.map((i) => compileFitExpr(infos[i]!.expr!, names));

    this.dependsOnVary = infos.map((p) => p.kind === 'vary');
    for (const i of order) {
      this.dependsOnVary[i] = exprNames(infos[i]!.expr!).some((d) => this.dependsOnVary[this.byName.get(d)!]);
    }

    this.init = Float64Array.from(vary, (i) => infos[i]!.value);
    this.initValues = this.evaluate(this.init);
    // A non-finite constraint at the start would make every residual NaN: say which and why now.
    this.exprOf = (i: number) => infos[i]!.expr!;
    for (const i of order) if (!Number.isFinite(this.initValues[i]!)) this.nonFinite(i, this.initValues, 'at the starting values');
    this.params = infos.map((p, i) => (p.kind === 'expr' ? { ...p, value: this.initValues[i]! } : p));

    for (const x of options.extra ?? []) {
      if (typeof x.expr === 'number') continue;
      this.validateExpr(x.expr, x.where, { locals: x.locals, functions: x.functions });
    }
  }

  /**
   * The same parameters with some fixed at given values (carrying no stderr) and varied ones
   * started at `start`: profiles, χ² maps and the sensitivity of a fit to a `from` value.
   */
  withFixed(fixed: Readonly<Record<string, number>>, start: Readonly<Record<string, number>> = {}): ParamSet {
    const specs: Record<string, ParamSpec | Record<string, unknown>> = { ...this.specs };
    for (const [name, v] of Object.entries(start)) {
      if (this.params[this.mustIndex(name)]!.kind === 'vary') specs[name] = { ...(specs[name] as Record<string, unknown>), value: v };
    }
    for (const [name, v] of Object.entries(fixed)) {
      if (this.params[this.mustIndex(name)]!.kind === 'expr') throw new XafsError('EOPTION', `${name} is a constrained parameter (expr); only varied or fixed parameters can be set`);
      specs[name] = { value: v, vary: false };
    }
    return new ParamSet(specs, { ...this.options, warn: undefined });
  }

  get nvary(): number {
    return this.varyNames.length;
  }

  /** Position of a parameter in `names` (and in evaluate()'s output), or -1. */
  indexOf(name: string): number {
    return this.byName.get(name) ?? -1;
  }

  /** The validated parameter; EINTERNAL for an unknown name. */
  get(name: string): ParamInfo {
    return this.params[this.mustIndex(name)]!;
  }

  private mustIndex(name: string): number {
    const i = this.byName.get(name);
    if (i === undefined) throw new XafsError('EINTERNAL', `no parameter named '${name}'; the parameters are: ${this.names.join(', ')}`);
    return i;
  }

  /**
   * Every parameter value for the varied values x (external units, varyNames order): varied
   * values clipped to their bounds (lmfit's value getter), fixed values, then the expressions in
   * dependency order, each clipped to its own [min, max]. Pass `out` to reuse an array in a hot loop.
   */
  evaluate(x: ArrayLike<number>, out?: Float64Array): Float64Array {
    if (x.length !== this.varyIndex.length) {
      throw new XafsError('EINTERNAL', `evaluate() needs ${this.varyIndex.length} varied values (${this.varyNames.join(', ')}), got ${x.length}`);
    }
    const v = out ?? new Float64Array(this.base.length);
    v.set(this.base);
    const vi = this.varyIndex;
    const lo = this.lo;
    const hi = this.hi;
    for (let j = 0; j < vi.length; j++) {
      const y = x[j]!;
      v[vi[j]!] = y > hi[j]! ? hi[j]! : y < lo[j]! ? lo[j]! : y;
    }
    this.evaluateExprs(v);
    // during a fit (after the constructor's own check of the starting values): a constraint that
    // becomes NaN or ±Infinity would poison every residual; say which, where and why
    if (this.initValues !== undefined) {
      for (let k = 0; k < this.exprIndex.length; k++) {
        const i = this.exprIndex[k]!;
        if (!Number.isFinite(v[i]!)) this.nonFinite(i, v, 'during the fit');
      }
    }
    return v;
  }

  /** EEXPR: parameter i's expression is v[i] (NaN or ±Infinity) `when`, with the values it used. */
  private nonFinite(i: number, v: ArrayLike<number>, when: string): never {
    const e = this.params?.[i]?.expr ?? this.exprOf(i);
    const deps = exprNames(e).map((d) => `${d} = ${v[this.byName.get(d)!]}`);
    throw new XafsError(
      'EEXPR',
      `param ${this.names[i]}: expression '${e.text}' is ${v[i]} ${when}${deps.length ? ` (${deps.join(', ')})` : ''}; change the starting values, bound the parameters it uses (min, max) or change the expression`,
    );
  }

  /** The expressions, in dependency order, each clipped to its bounds. */
  private evaluateExprs(v: Float64Array): void {
    const ei = this.exprIndex;
    const fns = this.exprFns;
    const lo = this.exprLo;
    const hi = this.exprHi;
    for (let k = 0; k < ei.length; k++) {
      const y = fns[k]!(v);
      v[ei[k]!] = y > hi[k]! ? hi[k]! : y < lo[k]! ? lo[k]! : y;
    }
  }

  /** Values (as evaluate() returns them) as a name → value object, in names order. */
  toRecord(values: ArrayLike<number>): Record<string, number> {
    const out: Record<string, number> = {};
    this.names.forEach((n, i) => (out[n] = values[i]!));
    return out;
  }

  /** MINUIT internal values for the varied values x (lmfit setup_bounds; Larch §0.2). */
  toInternal(x: ArrayLike<number>): Float64Array {
    const n = this.varyIndex.length;
    const u = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const lo = this.lo[j]!;
      const hi = this.hi[j]!;
      const v = Math.min(hi, Math.max(lo, x[j]!));
      switch (this.bound[j]) {
        case Bound.Both:
          // rounding can push the argument a hair past ±1
          u[j] = Math.asin(Math.min(1, Math.max(-1, (2 * (v - lo)) / (hi - lo) - 1)));
          break;
        case Bound.Min:
          u[j] = Math.sqrt((v - lo + 1) ** 2 - 1);
          break;
        case Bound.Max:
          u[j] = Math.sqrt((hi - v + 1) ** 2 - 1);
          break;
        default:
          u[j] = v;
      }
    }
    return u;
  }

  /** External (user) values of the varied parameters from MINUIT internal values. */
  toExternal(internal: ArrayLike<number>): Float64Array {
    const n = this.varyIndex.length;
    const x = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const u = internal[j]!;
      const lo = this.lo[j]!;
      const hi = this.hi[j]!;
      switch (this.bound[j]) {
        case Bound.Both:
          x[j] = lo + ((Math.sin(u) + 1) * (hi - lo)) / 2;
          break;
        case Bound.Min:
          x[j] = lo - 1 + Math.sqrt(u * u + 1);
          break;
        case Bound.Max:
          x[j] = hi + 1 - Math.sqrt(u * u + 1);
          break;
        default:
          x[j] = u;
      }
    }
    return x;
  }

  /** d external / d internal for each varied parameter (lmfit scale_gradient). */
  externalDerivative(internal: ArrayLike<number>): Float64Array {
    const n = this.varyIndex.length;
    const d = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const u = internal[j]!;
      switch (this.bound[j]) {
        case Bound.Both:
          d[j] = (Math.cos(u) * (this.hi[j]! - this.lo[j]!)) / 2;
          break;
        case Bound.Min:
          d[j] = u / Math.sqrt(u * u + 1);
          break;
        case Bound.Max:
          d[j] = -u / Math.sqrt(u * u + 1);
          break;
        default:
          d[j] = 1;
      }
    }
    return d;
  }

  /**
   * A covariance in internal space mapped to external space: C_ext = D C_int D with
   * D = diag(d external/d internal). This is what lmfit obtains by dividing the Jacobian columns by
   * the gradient scale before inverting JᵀJ. Returns row-major n·n.
   */
  covarianceToExternal(covInternal: Covariance, internal: ArrayLike<number>): Float64Array {
    const n = this.varyIndex.length;
    const c = flatCovariance(covInternal, n);
    const d = this.externalDerivative(internal);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c[i * n + j] = c[i * n + j]! * d[i]! * d[j]!;
    return c;
  }

  /** Does this parameter, or any expression, depend (transitively) on a varied parameter? */
  varies(nameOrExpr: string | FitExpr): boolean {
    if (typeof nameOrExpr === 'string' && this.byName.has(nameOrExpr)) return this.dependsOnVary[this.byName.get(nameOrExpr)!]!;
    const e = typeof nameOrExpr === 'string' ? parseFitExpr(nameOrExpr, 'expression') : nameOrExpr;
    return exprNames(e).some((n) => this.byName.has(n) && this.dependsOnVary[this.byName.get(n)!]);
  }

  /**
   * Check an expression used outside the params (a path parameter): its syntax, that every name
   * is a parameter or one of `locals`, that every function is a built-in or one of `functions`.
   * Returns the parsed expression.
   */
  validateExpr(
    expr: string | FitExpr,
    where: string,
    options: { locals?: readonly string[]; functions?: readonly string[] } = {},
  ): FitExpr {
    const locals = options.locals ?? [];
    this.checkLocals(locals, where);
    const e = typeof expr === 'string' ? parseFitExpr(expr, where) : expr;
    this.checkNames(e, locals);
    this.checkFunctions(e, options.functions ?? []);
    return e;
  }

  /**
   * Compile an expression over the parameter values (evaluate()'s output), with local names bound
   * to constants (e.g. a path's reff) and caller functions (e.g. sigma2_eins bound to one path).
   * The result is called as `fn(values)`.
   */
  compileExpr(
    expr: string | FitExpr,
    where: string,
    options: { locals?: Record<string, number>; functions?: Record<string, FitFunction> } = {},
  ): CompiledFitExpr {
    const locals = options.locals ?? {};
    const e = this.validateExpr(expr, where, { locals: Object.keys(locals), functions: Object.keys(options.functions ?? {}) });
    return compileFitExpr(e, this.names, options.functions, locals);
  }

  private checkLocals(locals: readonly string[], where: string): void {
    for (const l of locals) {
      if (this.byName.has(l)) {
        throw new XafsError(
          'EOPTION',
          `param ${l}: the name '${l}' is reserved: in path expressions (${where}) it is the path's own ${l}; rename the parameter`,
        );
      }
    }
  }

  private checkNames(e: FitExpr, locals: readonly string[]): void {
    for (const name of exprNames(e)) {
      if (this.byName.has(name) || locals.includes(name)) continue;
      const node = findNode(e, (n) => n.kind === 'name' && n.name === name)!;
      const here = locals.length ? ` (and ${locals.join(', ')} here)` : '';
      const list = this.names.length ? `the parameters are: ${this.names.join(', ')}${here}` : `no parameters are defined${here}`;
      const reff = name === 'reff' && !locals.includes('reff') ? `; reff is only defined in path parameters` : '';
      throw fitExprErrorAt(e, node.pos, `unknown name '${name}'`, `${list}; define '${name}' in the recipe's params or correct the spelling${reff}`);
    }
  }

  private checkFunctions(e: FitExpr, functions: readonly string[]): void {
    for (const fn of exprFunctions(e)) {
      if (FIT_BUILTIN_FUNCTIONS.includes(fn) || functions.includes(fn)) continue;
      const node = findNode(e, (n) => n.kind === 'call' && n.fn === fn)!;
      const known = [...FIT_BUILTIN_FUNCTIONS, ...functions.filter((f) => !FIT_BUILTIN_FUNCTIONS.includes(f))];
      const pathOnly = /^sigma2_/.test(fn) && !functions.length ? `; ${fn} needs a path: use it in a path parameter` : '';
      throw fitExprErrorAt(e, node.pos, `unknown function '${fn}'`, `the functions are: ${known.join(', ')}${pathOnly}`);
    }
  }

  /**
   * Uncertainties at the best fit x given the covariance of the varied parameters in external
   * space (already scaled as Larch does, §4.8), or null if the fit produced none.
   *
   * Propagation is first order, σ_f² = g·C·g with g = ∂f/∂x by central differences. The step for
   * x_j is h_j = sqrt(ε)·max(|x_j|, σ_j) (ε = 2⁻⁵², σ_j = sqrt(C_jj)), or sqrt(ε) if both are 0:
   * the `uncertainties` package's relative step sqrt(ε)·|x_j|, made safe for a parameter whose
   * best value is (nearly) zero on the scale of its own error. The varied values are not clipped
   * to their bounds in the perturbed evaluations (they are independent variables, as
   * `uncertainties` treats them); expression parameters are still clipped to theirs, so one that
   * sits beyond a bound gets stderr 0, like lmfit.
   */
  uncertainties(x: ArrayLike<number>, covariance: Covariance | null, options: UncertaintyOptions = {}): FitUncertainties {
    const n = this.varyIndex.length;
    if (x.length !== n) {
      throw new XafsError('EINTERNAL', `uncertainties() needs ${n} varied values (${this.varyNames.join(', ')}), got ${x.length}`);
    }
    const xb = Float64Array.from(x);
    const values = this.evaluate(xb);
    const cov = covariance === null ? null : flatCovariance(covariance, n);
    const sigma = cov === null ? null : Float64Array.from({ length: n }, (_, j) => Math.sqrt(cov[j * n + j]!));
    const steps = Float64Array.from({ length: n }, (_, j) => {
      const s = sigma !== null && Number.isFinite(sigma[j]!) ? sigma[j]! : 0;
      return SQRT_EPS * (Math.max(Math.abs(xb[j]!), s) || 1);
    });
    const fixedWithErr = options.includeFixedStderr
      ? this.params.flatMap((p, i) => (p.kind === 'fixed' && p.stderr !== undefined && p.stderr > 0 ? [i] : []))
      : [];
    const scratch = new Float64Array(this.base.length);
    const base = this.base.slice();

    /** Every value with x perturbed (no clipping of x) and the fixed layer from `base`. */
    const at = (xs: Float64Array): Float64Array => {
      scratch.set(base);
      for (let j = 0; j < n; j++) scratch[this.varyIndex[j]!] = xs[j]!;
      this.evaluateExprs(scratch);
      return scratch;
    };

    const propagate = (fn: (values: Float64Array) => number): Propagated => {
      const value = fn(values.slice());
      if (cov === null) return { value, stderr: null };
      const g = new Float64Array(n);
      const xs = xb.slice();
      for (let j = 0; j < n; j++) {
        const h = steps[j]!;
        xs[j] = xb[j]! + h;
        const fp = fn(at(xs));
        xs[j] = xb[j]! - h;
        const fm = fn(at(xs));
        xs[j] = xb[j]!;
        g[j] = (fp - fm) / (2 * h);
      }
      let variance = 0;
      for (let i = 0; i < n; i++) {
        if (g[i] === 0) continue;
        let row = 0;
        for (let j = 0; j < n; j++) row += cov[i * n + j]! * g[j]!;
        variance += g[i]! * row;
      }
      for (const i of fixedWithErr) {
        const p = this.params[i]!;
        const h = SQRT_EPS * (Math.max(Math.abs(p.value), p.stderr!) || 1);
        base[i] = p.value + h;
        const fp = fn(at(xb));
        base[i] = p.value - h;
        const fm = fn(at(xb));
        base[i] = p.value;
        const d = (fp - fm) / (2 * h);
        variance += d * d * p.stderr! * p.stderr!;
      }
      // A covariance with tiny negative eigenvalues can give a tiny negative form; `uncertainties`
      // clips negative eigenvalues to 0, so read a negative variance as 0.
      return { value, stderr: Math.sqrt(Math.max(0, variance)) };
    };

    const cache = new Map<string, number | null>();
    const stderrOf = (name: string): number | null => {
      const i = this.mustIndex(name);
      if (cache.has(name)) return cache.get(name)!;
      const p = this.params[i]!;
      let s: number | null;
      if (p.kind === 'vary') s = sigma === null ? null : sigma[this.varyNames.indexOf(name)]!;
      else if (p.kind === 'fixed') s = p.stderr ?? null;
      else s = propagate((v) => v[i]!).stderr;
      cache.set(name, s);
      return s;
    };

    return {
      x: xb,
      values,
      covariance: cov,
      value: (name) => values[this.mustIndex(name)]!,
      stderrOf,
      propagate,
      correlations: (minCorrel = 0.1) => (cov === null ? [] : correlations(cov, this.varyNames, minCorrel)),
      report: () => {
        const out: Record<string, ParamReport> = {};
        this.params.forEach((p, i) => {
          out[p.name] = {
            value: values[i]!,
            stderr: stderrOf(p.name),
            init: this.initValues[i]!,
            vary: p.kind === 'vary',
            ...(p.expr ? { expr: p.expr.text } : {}),
            ...(p.from !== undefined ? { from: p.from } : {}),
          };
        });
        return out;
      },
    };
  }
}
