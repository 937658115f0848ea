/**
 * The least-squares driver of feffit. `ml-levenberg-marquardt` runs the Levenberg–Marquardt
 * iterations on residuals computed by the WASM core (one boundary crossing per evaluation);
 * because it stops on an iteration count, not on convergence, a Gauss–Newton/Marquardt polish
 * follows until the sum of squares no longer moves, so the minimum is Larch's (lmdif with
 * ftol = xtol = 1.5e-8 stops within ~1e-3 σ of it). The covariance comes from a central-difference
 * Jacobian at the solution.
 */
import { levenbergMarquardt } from 'ml-levenberg-marquardt';

export interface Problem {
  /** Number of varied parameters. */
  n: number;
  /** Residual vector at x: a new array each call (the minimizer keeps references without copying). */
  residual: (x: Float64Array) => Float64Array;
  x0: Float64Array;
  lower?: Float64Array;
  upper?: Float64Array;
}

export interface MinimizeResult {
  x: Float64Array;
  fvec: Float64Array;
  chisqr: number;
  nfev: number;
  /** True when the polish reached a stationary sum of squares. */
  converged: boolean;
  message: string;
  /** Jacobian at x (m × n, row-major) from central differences. */
  jac: Float64Array;
  /** (JᵀJ)⁻¹ (n × n), or null when JᵀJ is singular. */
  covUnscaled: Float64Array | null;
}

function sumsq(r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i] * r[i];
  return s;
}

function clampInto(p: Problem, x: Float64Array): void {
  for (let j = 0; j < p.n; j++) {
    if (p.lower && x[j] < p.lower[j]) x[j] = p.lower[j];
    if (p.upper && x[j] > p.upper[j]) x[j] = p.upper[j];
  }
}

/** Finite-difference step for parameter j: relative to its size, never zero. */
function fdStep(x: number, rel: number): number {
  return rel * (Math.abs(x) + 1e-3);
}

/** Jacobian (m × n row-major) by central (or forward) differences. */
export function jacobian(p: Problem, x: Float64Array, f0: Float64Array, central: boolean, rel: number, count: { nfev: number }): Float64Array {
  const m = f0.length;
  const J = new Float64Array(m * p.n);
  const xt = Float64Array.from(x);
  for (let j = 0; j < p.n; j++) {
    let h = fdStep(x[j], rel);
    // at an upper bound step inward: the residual clips varied values to their bounds
    if (p.upper && x[j] + h > p.upper[j]) h = -h;
    xt[j] = x[j] + h;
    const fp = p.residual(xt);
    count.nfev++;
    if (central) {
      xt[j] = x[j] - h;
      const fm = p.residual(xt);
      count.nfev++;
      for (let i = 0; i < m; i++) J[i * p.n + j] = (fp[i] - fm[i]) / (2 * h);
    } else {
      for (let i = 0; i < m; i++) J[i * p.n + j] = (fp[i] - f0[i]) / h;
    }
    xt[j] = x[j];
  }
  return J;
}

/** Solves (A + λ·diag(A)) δ = b for symmetric positive (semi)definite A (n × n) by Cholesky; null if it fails. */
function solveDamped(A: Float64Array, b: Float64Array, n: number, lambda: number): Float64Array | null {
  const L = new Float64Array(n * n);
  // Marquardt scaling λ·diag(A), floored so that a column that vanishes (a parameter pinned by
  // its bound transform) is still regularized instead of making the system singular
  let dmax = 0;
  for (let i = 0; i < n; i++) dmax = Math.max(dmax, A[i * n + i]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) L[i * n + j] = A[i * n + j] + (i === j ? lambda * Math.max(A[i * n + i], 1e-12 * dmax) : 0);
  }
  for (let j = 0; j < n; j++) {
    let d = L[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] * L[j * n + k];
    if (!(d > 0)) return null;
    d = Math.sqrt(d);
    L[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let s = L[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = s / d;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

function normalEquations(J: Float64Array, r: Float64Array, m: number, n: number): { A: Float64Array; g: Float64Array } {
  const A = new Float64Array(n * n);
  const g = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    const ri = r[i];
    for (let a = 0; a < n; a++) {
      const ja = J[row + a];
      if (ja === 0) continue;
      g[a] -= ja * ri;
      for (let b = a; b < n; b++) A[a * n + b] += ja * J[row + b];
    }
  }
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) A[a * n + b] = A[b * n + a];
  return { A, g };
}

/** Inverse of a symmetric positive definite matrix (n × n), or null. */
export function invertSpd(A: Float64Array, n: number): Float64Array | null {
  const inv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const e = new Float64Array(n);
    e[j] = 1;
    const col = solveDamped(A, e, n, 0);
    if (!col) return null;
    for (let i = 0; i < n; i++) inv[i * n + j] = col[i];
  }
  return inv;
}

/**
 * (JᵀJ)⁻¹, leaving out parameters whose Jacobian column vanishes (a parameter pinned at a bound
 * through its transform): their rows and columns are 0, so they get a zero error as in lmfit.
 */
function covariance(A: Float64Array, n: number): Float64Array | null {
  let dmax = 0;
  for (let j = 0; j < n; j++) dmax = Math.max(dmax, A[j * n + j]);
  const keep: number[] = [];
  for (let j = 0; j < n; j++) if (A[j * n + j] > 1e-24 * dmax) keep.push(j);
  if (keep.length === 0) return null;
  const k = keep.length;
  const sub = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) sub[a * k + b] = A[keep[a] * n + keep[b]];
  const inv = invertSpd(sub, k);
  if (!inv) return null;
  const out = new Float64Array(n * n);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) out[keep[a] * n + keep[b]] = inv[a * k + b];
  return out;
}

export function minimize(p: Problem, opts: { maxIterations?: number; polishIterations?: number } = {}): MinimizeResult {
  const count = { nfev: 0 };
  const n = p.n;
  // cache: ml-levenberg-marquardt evaluates the model point by point; one WASM call per parameter set
  // (null until the first call: with no varied parameters every x is the empty vector)
  let lastX: Float64Array | null = null;
  let lastR: Float64Array = new Float64Array(0);
  const evalAt = (params: ArrayLike<number>): Float64Array => {
    let same = lastX !== null && lastX.length === params.length;
    for (let j = 0; same && j < params.length; j++) same = lastX![j] === params[j];
    if (!same) {
      lastX = Float64Array.from(params);
      lastR = p.residual(lastX);
      count.nfev++;
    }
    return lastR;
  };
  const f0 = evalAt(p.x0);
  const m = f0.length;
  let x = Float64Array.from(p.x0);
  if (n > 0) {
    // ml-levenberg-marquardt stops on an iteration count only: it takes the first, largest steps
    // (one round of 3 iterations; more rounds while a round lowers χ² a lot would be `rel < 1`
    // below), then the Marquardt polish takes it to the minimum, converging on a relative χ² change
    // below 1e-9 (lmdif's ftol is 1.5e-8): within 1e-4 σ of Larch's values on every reference fit
    const idx = Array.from({ length: m }, (_, i) => i);
    const zeros = new Float64Array(m);
    let chiPrev = sumsq(f0);
    const rounds = Math.max(1, Math.ceil((opts.maxIterations ?? 40) / 3));
    for (let round = 0; round < rounds; round++) {
      const lm = levenbergMarquardt(
        { x: idx, y: zeros },
        (params: number[]) => {
          const r = evalAt(params);
          return (i: number) => r[i];
        },
        {
          initialValues: Array.from(x),
          minValues: p.lower ? Array.from(p.lower) : undefined,
          maxValues: p.upper ? Array.from(p.upper) : undefined,
          maxIterations: 3,
          errorTolerance: 0,
          damping: 1e-3,
          jacobianFunction: (params: number[]) => {
            const xx = Float64Array.from(params);
            const J = jacobian(p, xx, evalAt(xx), false, 1e-7, count);
            const rows: number[][] = new Array(m);
            for (let i = 0; i < m; i++) {
              const row = new Array<number>(n);
              for (let j = 0; j < n; j++) row[j] = J[i * n + j];
              rows[i] = row;
            }
            return (i: number) => rows[i];
          },
        },
      );
      const xn = Float64Array.from(lm.parameterValues);
      clampInto(p, xn);
      const c = sumsq(evalAt(xn));
      const better = c < chiPrev;
      if (better) x = xn;
      const rel = (chiPrev - c) / Math.max(chiPrev, 1e-300);
      if (better) chiPrev = c;
      if (!better || rel < 1) break;
    }
  }

  // polish: Marquardt steps with central-difference Jacobians until χ² stops decreasing
  let r = evalAt(x);
  let chisqr = sumsq(r);
  let lambda = 1e-6;
  let converged = n === 0;
  let message = n === 0 ? 'no variables' : 'polish did not converge';
  let lastJ: Float64Array | null = null;
  let lastStepTiny = false;
  for (let it = 0; it < (opts.polishIterations ?? 200) && n > 0; it++) {
    const J = jacobian(p, x, r, false, 1e-7, count);
    lastJ = J;
    lastStepTiny = false;
    const { A, g } = normalEquations(J, r, m, n);
    // projected Gauss-Newton: a parameter at a bound whose descent direction points outward is
    // held there and left out of the step
    const free: number[] = [];
    for (let j = 0; j < n; j++) {
      const atLo = p.lower && x[j] <= p.lower[j] && g[j] < 0;
      const atHi = p.upper && x[j] >= p.upper[j] && g[j] > 0;
      if (!atLo && !atHi) free.push(j);
    }
    const nf = free.length;
    if (nf === 0) {
      converged = true;
      message = 'converged (every parameter at a bound)';
      lastStepTiny = true;
      break;
    }
    const Af = new Float64Array(nf * nf);
    const gf = new Float64Array(nf);
    for (let a = 0; a < nf; a++) {
      gf[a] = g[free[a]];
      for (let b = 0; b < nf; b++) Af[a * nf + b] = A[free[a] * n + free[b]];
    }
    let improved = false;
    for (let tries = 0; tries < 16; tries++) {
      const df = solveDamped(Af, gf, nf, lambda);
      if (!df) {
        lambda = Math.max(lambda * 10, 1e-8);
        continue;
      }
      const xt = Float64Array.from(x);
      for (let a = 0; a < nf; a++) xt[free[a]] += df[a];
      clampInto(p, xt);
      const rt = evalAt(xt);
      const ct = sumsq(rt);
      if (ct <= chisqr) {
        const rel = (chisqr - ct) / Math.max(chisqr, 1e-300);
        let small = true;
        for (let j = 0; j < n; j++) if (Math.abs(xt[j] - x[j]) > 1e-10 * (Math.abs(x[j]) + 1e-6)) small = false;
        x = xt;
        r = rt;
        chisqr = ct;
        improved = true;
        lambda = Math.max(lambda / 10, 1e-12);
        if (rel < 1e-9 || small) {
          lastStepTiny = true;
          converged = true;
          message = 'converged';
        }
        break;
      }
      lambda *= 10;
    }
    if (!improved) {
      // no step lowers χ²: the point is a minimum to machine precision
      lastStepTiny = true;
      converged = true;
      message = 'converged';
    }
    if (converged) break;
  }
  // the covariance wants J at x: the polish's last Jacobian when its last step was negligible,
  // else a fresh one (forward differences: 1e-7 relative accuracy is ample for error bars)
  const jac = n === 0 ? new Float64Array(0) : lastJ && lastStepTiny ? lastJ : jacobian(p, x, r, false, 1e-7, count);
  let covUnscaled: Float64Array | null = null;
  if (n > 0) covUnscaled = covariance(normalEquations(jac, r, m, n).A, n);
  return { x, fvec: r, chisqr, nfev: count.nfev, converged, message, jac, covUnscaled };
}
