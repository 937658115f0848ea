/**
 * Posterior sampling of a fit's parameters: Goodman & Weare's affine-invariant ensemble sampler
 * with the stretch move (as emcee), on the likelihood of the fit's own residual (one WASM call per
 * evaluation, FeffitOptions.onProblem). docs/fit-posterior.md states the conventions:
 *
 * - log p(x) = −Σ r(x)² / (2 s²) inside the bounds, −∞ outside (flat priors), with
 *   s² = Σ r(x̂)² / (N_idp − nvarys): the scale of the fit's error bars (Larch: sqrt(C_ii·χ²_ν)), so
 *   in the linear regime the posterior is Gaussian with exactly the covariance of the error bars.
 *   In Larch's χ² units this is −χ²(x) / (2 χ²_ν(x̂)).
 * - Walkers start in a ball around the best fit, each coordinate drawn from N(x̂_i, (ball·σ_i)²)
 *   and reflected into the bounds.
 * - Walkers move one after another (the serial form of the stretch move: every proposal draws
 *   its partner from the current positions of all other walkers), z ~ g(z) ∝ 1/sqrt(z) on [1/a, a].
 * - τ is the integrated autocorrelation time of the walker-averaged autocorrelation function with
 *   Sokal's automatic window (M ≥ 5 τ), as emcee's `integrated_time`.
 */
import { XafsError } from '../errors.js';
import type { FitProblem } from './feffit.js';

export interface PosteriorOptions {
  /** Number of walkers (even, ≥ 2·nvarys + 2 is enforced as ≥ nvarys + 1). @default max(2·nvarys, 16) */
  walkers?: number;
  /** Steps per walker, burn-in included. @default 4000 */
  steps?: number;
  /** Steps discarded at the start of every chain. @default steps / 4, rounded down */
  burn?: number;
  /** Keep every thin-th step after burn-in. @default 1 */
  thin?: number;
  /** Stretch-move scale a (> 1). @default 2 */
  a?: number;
  /** Seed of the random numbers: the same seed gives the same chain. @default 1 */
  seed?: number;
  /** Start ball radius in units of each parameter's error bar. @default 0.1 */
  ball?: number;
}

/** Summary of one parameter's marginal posterior. */
export interface PosteriorParam {
  /** The best-fit value and its covariance error bar (null when the fit gave none). */
  best: number;
  stderr: number | null;
  median: number;
  /** Median − 15.87 % quantile and 84.13 % quantile − median (the 68 % central interval). */
  minus68: number;
  plus68: number;
  /** The 2.5 % and 97.5 % quantiles. */
  lo95: number;
  hi95: number;
  /** Integrated autocorrelation time in steps (varied parameters only); null when no walker moved. */
  tau?: number | null;
  /** True for an expression parameter computed from the varied ones. */
  derived?: boolean;
}

export interface PosteriorChain {
  /** Column names: the varied parameters, then the derived ones. */
  names: string[];
  /** Samples, row-major: nsamples × names.length (after burn-in and thinning; walker inner). */
  samples: Float64Array;
  /** log p of each sample. */
  logp: Float64Array;
}

export interface PosteriorResult {
  method: 'affine-invariant ensemble MCMC (Goodman & Weare stretch move)';
  walkers: number;
  steps: number;
  burn: number;
  thin: number;
  a: number;
  seed: number;
  ball: number;
  /** Likelihood evaluations (one WASM residual each). */
  evaluations: number;
  samples: number;
  acceptance: number;
  /** Largest τ of the varied parameters, steps; null when some τ could not be measured (no walker moved). */
  tauMax: number | null;
  params: Record<string, PosteriorParam>;
  /** Pearson correlations of the samples, pairs of varied parameters with |r| ≥ 0.1. */
  correlations: Record<string, number>;
  warnings: string[];
  /** The retained samples (for --out and the corner plot); not part of the JSON. */
  readonly chain: PosteriorChain;
}

/** xoshiro128** seeded through splitmix32: a fast, well-tested 32-bit generator. */
export function seededRandom(seed: number): { uniform: () => number; normal: () => number } {
  let h = seed >>> 0 || 0x9e3779b9;
  const split = () => {
    h = (h + 0x9e3779b9) >>> 0;
    let z = h;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = split();
  let s1 = split();
  let s2 = split();
  let s3 = split();
  const next = () => {
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return r;
  };
  // 53 random bits in [0, 1)
  const uniform = () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
  let spare: number | null = null;
  const normal = () => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { uniform, normal };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function checkInt(name: string, v: number | undefined, min: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < min) throw new XafsError('EOPTION', `posterior: ${name} must be a whole number ≥ ${min} (got ${v})`);
  return v;
}

/** Resolves and checks the options against a problem with n varied parameters. */
export function checkPosteriorOptions(o: PosteriorOptions, n: number) {
  const walkers = checkInt('walkers', o.walkers, 2, Math.max(2 * n, 16));
  if (walkers < n + 1) throw new XafsError('EOPTION', `posterior: walkers must be more than the ${n} varied parameters (got ${walkers}): the ensemble would stay in a subspace; use at least ${Math.max(2 * n, 16)}`);
  const steps = checkInt('steps', o.steps, 2, 4000);
  const burn = checkInt('burn', o.burn, 0, Math.floor(steps / 4));
  if (burn >= steps) throw new XafsError('EOPTION', `posterior: burn (${burn}) must be less than steps (${steps}): nothing would be kept`);
  const thin = checkInt('thin', o.thin, 1, 1);
  const a = o.a ?? 2;
  if (!(a > 1) || !Number.isFinite(a)) throw new XafsError('EOPTION', `posterior: the stretch scale a must be a number > 1 (got ${a}); 2 is the usual value`);
  const seed = checkInt('seed', o.seed, 0, 1);
  const ball = o.ball ?? 0.1;
  if (!(ball > 0) || !Number.isFinite(ball)) throw new XafsError('EOPTION', `posterior: ball must be a positive number (got ${ball})`);
  return { walkers, steps, burn, thin, a, seed, ball };
}

/** Samples the posterior of a fit's varied parameters (and of its expression parameters). */
export function samplePosterior(problem: FitProblem, options: PosteriorOptions = {}): PosteriorResult {
  const { params: ps, x: best, lower, upper } = problem;
  const n = best.length;
  if (n === 0) throw new XafsError('EOPTION', 'posterior: the fit varies no parameter: there is nothing to sample');
  const o = checkPosteriorOptions(options, n);
  const warnings: string[] = [];
  if (!(problem.dof > 0) || !(problem.sumsq > 0)) {
    throw new XafsError('EOPTION', `posterior: the fit has ${problem.dof.toFixed(2)} degrees of freedom (N_idp − nvarys): the likelihood has no scale; fix some parameters or widen the k or R range`);
  }
  const s2 = problem.sumsq / problem.dof;
  let evaluations = 0;
  const logp = (x: Float64Array): number => {
    for (let j = 0; j < n; j++) if (!(x[j] >= lower[j] && x[j] <= upper[j])) return -Infinity;
    evaluations++;
    const r = problem.residual(x);
    let s = 0;
    for (let i = 0; i < r.length; i++) s += r[i] * r[i];
    return Number.isFinite(s) ? -s / (2 * s2) : -Infinity;
  };

  // error bars: the covariance's, else a small relative scale
  const sig = new Float64Array(n);
  const cov = problem.covariance;
  for (let j = 0; j < n; j++) {
    const c = cov ? cov[j * n + j] : NaN;
    sig[j] = c > 0 ? Math.sqrt(c) : 1e-3 * (Math.abs(best[j]) + 1e-3);
  }
  if (!cov) warnings.push('the fit gave no covariance: the walkers start in a ball of 0.1 % of each value and burn-in may need more steps');

  const rng = seededRandom(o.seed);
  const W = o.walkers;
  const pos = new Float64Array(W * n);
  const lp = new Float64Array(W);
  for (let w = 0; w < W; w++) {
    const x = pos.subarray(w * n, (w + 1) * n);
    for (let tries = 0; ; tries++) {
      for (let j = 0; j < n; j++) {
        // reflected at a bound (clipping would stack walkers on it, where stretch moves cannot
        // separate them again in that coordinate)
        let v = best[j] + o.ball * sig[j] * rng.normal();
        if (v < lower[j]) v = 2 * lower[j] - v;
        if (v > upper[j]) v = 2 * upper[j] - v;
        x[j] = Math.min(upper[j], Math.max(lower[j], v));
      }
      lp[w] = logp(x);
      if (Number.isFinite(lp[w])) break;
      if (tries > 100) throw new XafsError('EOPTION', 'posterior: no start point near the best fit has a finite likelihood; check the bounds of the varied parameters');
    }
  }

  const nkeep = Math.floor((o.steps - o.burn + o.thin - 1) / o.thin);
  const derivedIdx: number[] = [];
  const derivedNames: string[] = [];
  const bestValues = ps.evaluate(best);
  // expression parameters that depend on a varied one: those whose value moves with x
  {
    const probe = Float64Array.from(best, (v, j) => v + sig[j]);
    const moved = ps.evaluate(probe);
    ps.params.forEach((p, i) => {
      if (p.kind === 'expr' && moved[i] !== bestValues[i]) {
        derivedIdx.push(i);
        derivedNames.push(p.name);
      }
    });
  }
  const ncol = n + derivedIdx.length;
  const samples = new Float64Array(nkeep * W * ncol);
  const sampleLp = new Float64Array(nkeep * W);
  // the full post-burn trace of the varied parameters (for τ): steps × walkers × n
  const post = o.steps - o.burn;
  const trace = new Float64Array(post * W * n);
  const values = new Float64Array(ps.names.length);
  const y = new Float64Array(n);
  let accepted = 0;
  let kept = 0;
  for (let step = 0; step < o.steps; step++) {
    for (let k = 0; k < W; k++) {
      let j = Math.floor(rng.uniform() * (W - 1));
      if (j >= k) j++;
      const u = rng.uniform();
      const z = ((o.a - 1) * u + 1) ** 2 / o.a;
      const xk = k * n;
      const xj = j * n;
      for (let d = 0; d < n; d++) y[d] = pos[xj + d] + z * (pos[xk + d] - pos[xj + d]);
      const lpy = logp(y);
      const logRatio = (n - 1) * Math.log(z) + lpy - lp[k];
      if (Number.isFinite(lpy) && Math.log(rng.uniform()) < logRatio) {
        pos.set(y, xk);
        lp[k] = lpy;
        accepted++;
      }
    }
    if (step >= o.burn) {
      const t = step - o.burn;
      trace.set(pos, t * W * n);
      if (t % o.thin === 0) {
        for (let w = 0; w < W; w++) {
          const row = (kept * W + w) * ncol;
          const x = pos.subarray(w * n, (w + 1) * n);
          samples.set(x, row);
          if (derivedIdx.length) {
            ps.evaluate(x, values);
            derivedIdx.forEach((i, q) => (samples[row + n + q] = values[i]));
          }
          sampleLp[kept * W + w] = lp[w];
        }
        kept++;
      }
    }
  }
  const acceptance = accepted / (W * o.steps);

  const names = [...ps.varyNames, ...derivedNames];
  const report: Record<string, PosteriorParam> = {};
  const nsamp = kept * W;
  const col = new Float64Array(nsamp);
  let tauMax = 0;
  names.forEach((name, c) => {
    for (let s = 0; s < nsamp; s++) col[s] = samples[s * ncol + c];
    const sorted = Float64Array.from(col).sort();
    const q = (p: number) => quantile(sorted, p);
    const median = q(0.5);
    const isVary = c < n;
    const stderr = isVary ? (cov ? Math.sqrt(Math.max(0, cov[c * n + c])) : null) : null;
    const entry: PosteriorParam = {
      best: isVary ? best[c] : bestValues[derivedIdx[c - n]],
      stderr,
      median,
      minus68: median - q(0.158655254),
      plus68: q(0.841344746) - median,
      lo95: q(0.025),
      hi95: q(0.975),
    };
    if (isVary) {
      const tau = integratedTime(trace, post, W, n, c);
      entry.tau = Number.isFinite(tau) ? tau : null;
      tauMax = Math.max(tauMax, tau);
    } else entry.derived = true;
    report[name] = entry;
  });
  if (!Number.isFinite(tauMax)) {
    warnings.push(`the autocorrelation time cannot be measured: some parameter never moved in ${post} steps after burn-in (the likelihood may be −∞ or non-finite around the best fit); check the bounds and the fit`);
  } else if (post < 50 * tauMax) {
    warnings.push(`the chains are short: ${post} steps after burn-in but the autocorrelation time is ${tauMax.toFixed(1)} steps; intervals are reliable from 50 τ (${Math.ceil(50 * tauMax)} steps): raise steps`);
  }
  // far from the linear regime: the posterior, not the covariance, is the uncertainty to quote
  const wide: string[] = [];
  for (let c = 0; c < n; c++) {
    const p = report[names[c]];
    const half = (p.minus68 + p.plus68) / 2;
    if (p.stderr && (half > 1.5 * p.stderr || half < p.stderr / 1.5 || Math.abs(p.median - p.best) > p.stderr)) {
      const unbounded = !Number.isFinite(lower[c]) && !Number.isFinite(upper[c]) ? ', unbounded' : '';
      wide.push(`${names[c]} (68 % half-width ${fmtNum(half)} vs error bar ${fmtNum(p.stderr)}, median ${fmtNum(p.median)} vs best ${fmtNum(p.best)}${unbounded})`);
    }
  }
  if (wide.length) {
    warnings.push(
      `the posterior is not Gaussian around the best fit for ${wide.join('; ')}: quote the posterior intervals, not the error bars; ` +
        'a parameter that runs away (an amplitude with σ² growing without limit) needs bounds (min/max) in the recipe',
    );
  }
  if (acceptance < 0.15 || acceptance > 0.7) warnings.push(`the acceptance fraction is ${acceptance.toFixed(3)} (0.2–0.5 is usual): the posterior may be multimodal or pinned at a bound`);

  const correlations: Record<string, number> = {};
  const pairs: [string, number][] = [];
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const r = pearson(samples, ncol, nsamp, a, b);
      if (Math.abs(r) >= 0.1) pairs.push([`${names[a]},${names[b]}`, r]);
    }
  }
  pairs.sort((p, q) => Math.abs(q[1]) - Math.abs(p[1]));
  for (const [k, r] of pairs) correlations[k] = r;

  const result = {
    method: 'affine-invariant ensemble MCMC (Goodman & Weare stretch move)',
    walkers: W,
    steps: o.steps,
    burn: o.burn,
    thin: o.thin,
    a: o.a,
    seed: o.seed,
    ball: o.ball,
    evaluations,
    samples: nsamp,
    acceptance,
    tauMax: Number.isFinite(tauMax) ? tauMax : null,
    params: report,
    correlations,
    warnings,
  } as Omit<PosteriorResult, 'chain'> as PosteriorResult;
  Object.defineProperty(result, 'chain', { enumerable: false, value: { names, samples, logp: sampleLp } satisfies PosteriorChain });
  return result;
}

/** Quantile of sorted values with linear interpolation (numpy's default). */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const i = Math.floor(h);
  return i + 1 < n ? sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]) : sorted[n - 1];
}

function pearson(s: Float64Array, ncol: number, m: number, a: number, b: number): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < m; i++) {
    ma += s[i * ncol + a];
    mb += s[i * ncol + b];
  }
  ma /= m;
  mb /= m;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < m; i++) {
    const da = s[i * ncol + a] - ma;
    const db = s[i * ncol + b] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/**
 * Integrated autocorrelation time of coordinate c (emcee `integrated_time`, c = 5): the
 * autocorrelation function of each walker's chain, averaged over walkers, summed up to the first
 * window M with M ≥ 5 τ(M). Returns Infinity when no walker moved (or for fewer than 2 steps).
 */
export function integratedTime(trace: Float64Array, steps: number, walkers: number, n: number, c: number): number {
  if (steps < 2) return Infinity;
  // centred chains of the walkers that moved (a walker that never moved tells nothing of τ)
  const chains: Float64Array[] = [];
  const c0: number[] = [];
  for (let w = 0; w < walkers; w++) {
    const x = new Float64Array(steps);
    let mean = 0;
    for (let t = 0; t < steps; t++) mean += x[t] = trace[(t * walkers + w) * n + c];
    mean /= steps;
    let v = 0;
    for (let t = 0; t < steps; t++) v += (x[t] -= mean) * x[t];
    if (v > 0) {
      chains.push(x);
      c0.push(v);
    }
  }
  if (chains.length === 0) return Infinity;
  // lag by lag, stopping at the window: the cost is ~5τ·steps·walkers, not steps²
  let tau = 1;
  for (let m = 1; m < steps; m++) {
    let rho = 0;
    chains.forEach((x, w) => {
      let s = 0;
      for (let t = 0; t + m < steps; t++) s += x[t] * x[t + m];
      rho += s / c0[w];
    });
    tau += (2 * rho) / chains.length;
    if (m >= 5 * tau) return tau;
  }
  return Infinity;
}

function fmtNum(v: number): string {
  return Number(v.toPrecision(3)).toString();
}
