/**
 * Distributions the error analysis needs: the Student-t quantile (AUTOBK's delta_chi, Larch's
 * `t.ppf`) and the F and χ² tail probabilities (the Hamilton F-test of `xafs compare-fits`).
 * Everything rests on the regularized incomplete beta function I_x(a, b), evaluated by its
 * continued fraction (modified Lentz), accurate to ~1e-14 relative.
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; ~1e-15 relative). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b), 0 ≤ x ≤ 1, a, b > 0. */
export function betaInc(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/** Student-t cumulative distribution P(T ≤ t) with nu degrees of freedom. */
export function tCdf(t: number, nu: number): number {
  const tail = 0.5 * betaInc(nu / (nu + t * t), nu / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Student-t density with nu degrees of freedom. */
function tPdf(t: number, nu: number): number {
  return Math.exp(lnGamma((nu + 1) / 2) - lnGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) - ((nu + 1) / 2) * Math.log1p((t * t) / nu));
}

const quantileCache = new Map<string, number>();

/**
 * Student-t quantile (scipy `t.ppf`): the t with P(T ≤ t) = p, by bisection to 1e-3 then Newton;
 * ~1e-15 relative. Cached: a series asks for the same (p, ν).
 */
export function tQuantile(p: number, nu: number): number {
  if (!(p > 0 && p < 1) || !(nu > 0)) return NaN;
  if (p === 0.5) return 0;
  const key = `${p}|${nu}`;
  const hit = quantileCache.get(key);
  if (hit !== undefined) return hit;
  let lo = -1;
  let hi = 1;
  while (tCdf(lo, nu) > p) lo *= 2;
  while (tCdf(hi, nu) < p) hi *= 2;
  // bisection to 1e-3, then Newton (quadratic: two or three steps to machine precision)
  while (hi - lo > 1e-3) {
    const mid = 0.5 * (lo + hi);
    if (tCdf(mid, nu) < p) lo = mid;
    else hi = mid;
  }
  let t = 0.5 * (lo + hi);
  for (let i = 0; i < 20; i++) {
    const step = (tCdf(t, nu) - p) / tPdf(t, nu);
    t -= step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(t))) break;
  }
  if (quantileCache.size > 256) quantileCache.clear();
  quantileCache.set(key, t);
  return t;
}

/** The normal probability within ±nσ mapped to a one-sided level: ½(1 + erf(n/√2)) (Larch's err_sigma). */
export function sigmaLevel(nsigma: number): number {
  // erf(z) = P(½, z²), the regularized lower incomplete gamma
  return 0.5 * (1 + Math.sign(nsigma) * gammaP(0.5, (nsigma * nsigma) / 2));
}

/** Regularized lower incomplete gamma P(a, x) (series below a + 1, continued fraction above). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lnFront = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return sum * Math.exp(lnFront);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return 1 - Math.exp(lnFront) * h;
}

/** Upper tail of the F distribution, P(F > f) with (d1, d2) degrees of freedom. */
export function fSurvival(f: number, d1: number, d2: number): number {
  if (!(f > 0)) return 1;
  return betaInc(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
}
