// Least squares, polynomial fits, interpolation, B-splines and I0 in the WASM core
// (docs/conventions.md §0.2), against exact answers and against numpy/scipy values computed into
// fixtures/xafs/splines.json.
import { describe, expect, it } from 'vitest';
import { besselI0, bsplineEval, interpLinear, lstsq, polyfitRange, splineInterp } from '../../src/wasm.js';
import { maxAbs, maxAbsDiff, readJson, rng } from '../xafs/helpers.js';

const splines = readJson<{
  cubic: { x: number[]; y: number[]; xnew: number[]; values: number[] };
  splev: { t: number[]; c: number[]; x: number[]; values: number[] };
  interp: { x: number[]; y: number[]; xnew: number[]; values: number[] };
}>('splines.json');
const f64 = (a: number[]) => Float64Array.from(a);

function polyval(c: ArrayLike<number>, x: number): number {
  let s = 0;
  for (let j = c.length - 1; j >= 0; j--) s = s * x + c[j];
  return s;
}

/** 120 irregular absolute energies from 8850 to 9350 eV, like a post-edge region. */
function energies(): Float64Array {
  const r = rng(42);
  return Float64Array.from({ length: 120 }, (_, i) => 8850 + 500 * (i / 119) ** 1.3 + (i > 0 && i < 119 ? 0.3 * (r() - 0.5) : 0));
}

describe('polyfitRange: unweighted least squares in absolute x (numpy.polyfit)', () => {
  // Each term is O(1..10) at 9000 eV, so the coefficients are well defined but far apart in scale;
  // the degree-2 case is Larch's Cu post-edge polynomial (Appendix A).
  const cases: [number, number[]][] = [
    [0, [2.5]],
    [1, [1.2207646341757914, -2.868910989010952e-4]],
    [2, [52.98910937383439, -0.009859141424186778, 4.7598806789782167e-7]],
    [3, [-3.2, 1.1e-3, -2.0e-7, 1.5e-11]],
  ];
  it.each(cases)('recovers an exact degree-%i polynomial on energies near 9000 eV (coefficients 1e-9 relative, values 1e-12)', (deg, c) => {
    const x = energies();
    const y = x.map((e) => polyval(c, e));
    const fit = polyfitRange(x, y, 0, x.length, deg);
    expect(fit.length).toBe(deg + 1);
    for (let j = 0; j <= deg; j++) expect(Math.abs(fit[j] - c[j]) / Math.abs(c[j])).toBeLessThan(1e-9);
    const yfit = x.map((e) => polyval(fit, e));
    expect(maxAbsDiff(yfit, y) / maxAbs(y)).toBeLessThan(1e-12);
  });

  it('fits only the points [p1, p2): points outside the range, including p2 itself, have no influence', () => {
    const x = energies();
    const c = [1.22, -2.87e-4];
    const y = x.map((e) => polyval(c, e));
    const p1 = 20;
    const p2 = 70;
    for (let i = 0; i < x.length; i++) if (i < p1 || i >= p2) y[i] = 1e3 * (i % 3); // garbage outside
    const fit = polyfitRange(x, y, p1, p2, 1);
    expect(Math.abs(fit[0] - c[0]) / Math.abs(c[0])).toBeLessThan(1e-9);
    expect(Math.abs(fit[1] - c[1]) / Math.abs(c[1])).toBeLessThan(1e-9);
  });

  it('returns the least-squares line, not an interpolant, for noisy data (normal equations in centred x agree)', () => {
    const x = energies();
    const r = rng(5);
    const y = x.map((e) => 0.3 + 1e-4 * e + 0.01 * (r() - 0.5));
    const fit = polyfitRange(x, y, 0, x.length, 1);
    // closed form: slope = Σ(x−x̄)(y−ȳ)/Σ(x−x̄)², intercept = ȳ − slope·x̄
    const n = x.length;
    const xm = x.reduce((a, b) => a + b) / n;
    const ym = y.reduce((a, b) => a + b) / n;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < n; i++) {
      sxy += (x[i] - xm) * (y[i] - ym);
      sxx += (x[i] - xm) ** 2;
    }
    const slope = sxy / sxx;
    expect(Math.abs(fit[1] - slope) / Math.abs(slope)).toBeLessThan(1e-10);
    expect(Math.abs(fit[0] - (ym - slope * xm)) / Math.abs(ym - slope * xm)).toBeLessThan(1e-9);
  });
});

describe('lstsq (Householder QR)', () => {
  function randomMatrix(m: number, n: number, seed: number): Float64Array {
    const r = rng(seed);
    return Float64Array.from({ length: m * n }, () => 2 * r() - 1);
  }
  function matvec(A: Float64Array, x: ArrayLike<number>, m: number, n: number): Float64Array {
    const b = new Float64Array(m);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) b[i] += A[i * n + j] * x[j];
    return b;
  }

  it('solves an overdetermined consistent 40×5 system exactly (relative 1e-12)', () => {
    const m = 40;
    const n = 5;
    const A = randomMatrix(m, n, 11);
    const xTrue = [1.5, -2, 0.25, 3, -0.75];
    const x = lstsq(A, matvec(A, xTrue, m, n), m, n);
    expect(maxAbsDiff(x, xTrue) / maxAbs(xTrue)).toBeLessThan(1e-12);
  });

  it('solves a square 6×6 system exactly (relative 1e-12)', () => {
    const n = 6;
    const A = randomMatrix(n, n, 12);
    const xTrue = [0.1, 0.2, -0.3, 0.4, 5, -6];
    const x = lstsq(A, matvec(A, xTrue, n, n), n, n);
    expect(maxAbsDiff(x, xTrue) / maxAbs(xTrue)).toBeLessThan(1e-12);
  });

  it('leaves a residual orthogonal to the columns of A for an inconsistent 50×4 system', () => {
    const m = 50;
    const n = 4;
    const A = randomMatrix(m, n, 13);
    const r = rng(14);
    const b = Float64Array.from({ length: m }, () => r() - 0.5);
    const x = lstsq(A, b, m, n);
    const res = matvec(A, x, m, n).map((v, i) => b[i] - v);
    const resNorm = Math.hypot(...res);
    expect(resNorm).toBeGreaterThan(0.1); // genuinely inconsistent
    for (let j = 0; j < n; j++) {
      let dot = 0;
      let colNorm = 0;
      for (let i = 0; i < m; i++) {
        dot += A[i * n + j] * res[i];
        colNorm += A[i * n + j] ** 2;
      }
      expect(Math.abs(dot) / (Math.sqrt(colNorm) * resNorm)).toBeLessThan(1e-13);
    }
  });

  it('does not modify its inputs', () => {
    const A = randomMatrix(8, 3, 15);
    const b = Float64Array.from({ length: 8 }, (_, i) => i);
    const a0 = Array.from(A);
    const b0 = Array.from(b);
    lstsq(A, b, 8, 3);
    expect(Array.from(A)).toEqual(a0);
    expect(Array.from(b)).toEqual(b0);
  });
});

describe('splineInterp: not-a-knot cubic interpolation with extrapolation', () => {
  const cubic = (x: number) => 2 - 0.5 * x + 0.3 * x * x - 0.07 * x * x * x;
  const xIrregular = f64([0.3, 0.9, 1.0, 2.2, 2.9, 4.4, 4.5, 6.1, 7.0]);
  const xnew = Float64Array.from({ length: 121 }, (_, i) => -2 + (11 * i) / 120); // 2 below … 2 above

  it('reproduces any cubic exactly on an irregular grid, inside and 2 units beyond both ends (relative 1e-12)', () => {
    const y = xIrregular.map(cubic);
    const got = splineInterp(xIrregular, y, xnew);
    const want = xnew.map(cubic);
    expect(maxAbsDiff(got, want) / maxAbs(want)).toBeLessThan(1e-12);
  });

  it('reproduces a cubic from the minimum of 4 points (the interpolating cubic)', () => {
    const x = f64([-1, 0.5, 1.25, 3]);
    const got = splineInterp(x, x.map(cubic), xnew);
    const want = xnew.map(cubic);
    expect(maxAbsDiff(got, want) / maxAbs(want)).toBeLessThan(1e-12);
  });

  it('gives the parabola through 3 points and the line through 2 (as scipy does)', () => {
    const q = (x: number) => 1 - 2 * x + 0.75 * x * x;
    const x3 = f64([0.2, 1.7, 2.3]);
    expect(maxAbsDiff(splineInterp(x3, x3.map(q), xnew), xnew.map(q)) / maxAbs(xnew.map(q))).toBeLessThan(1e-12);
    const l = (x: number) => 4 - 1.5 * x;
    const x2 = f64([1, 3.5]);
    expect(maxAbsDiff(splineInterp(x2, x2.map(l), xnew), xnew.map(l)) / maxAbs(xnew.map(l))).toBeLessThan(1e-12);
  });

  it('passes through the data points', () => {
    const y = f64(splines.cubic.y);
    const x = f64(splines.cubic.x);
    expect(maxAbsDiff(splineInterp(x, y, x), y)).toBeLessThan(1e-13);
  });

  it("matches scipy CubicSpline(bc_type='not-a-knot') on irregular x, including extrapolation (relative 1e-12)", () => {
    const { x, y, xnew: xn, values } = splines.cubic;
    expect(xn[0]).toBeLessThan(x[0]);
    expect(xn[xn.length - 1]).toBeGreaterThan(x[x.length - 1]);
    const got = splineInterp(f64(x), f64(y), f64(xn));
    expect(maxAbsDiff(got, values) / maxAbs(values)).toBeLessThan(1e-12);
  });
});

describe('interpLinear: numpy.interp semantics', () => {
  it('matches numpy.interp, including points beyond both ends and on the nodes', () => {
    const { x, y, xnew, values } = splines.interp;
    expect(maxAbsDiff(interpLinear(f64(x), f64(y), f64(xnew)), values)).toBeLessThan(1e-15);
  });

  it('is constant beyond the ends: y[0] below x[0], y[n−1] above x[n−1]', () => {
    const x = f64([1, 2, 4]);
    const y = f64([10, 20, -5]);
    expect(Array.from(interpLinear(x, y, f64([-100, 0.999, 1, 4, 4.001, 1e9])))).toEqual([10, 10, 10, -5, -5, -5]);
  });

  it('reproduces a straight line exactly and works for unsorted query points', () => {
    const x = f64([0, 0.3, 1.7, 2, 5]);
    const line = (v: number) => 3 - 0.25 * v;
    const q = f64([4.9, 0.1, 2.5, 0.3, 1.0, 3.3]);
    expect(maxAbsDiff(interpLinear(x, x.map(line), q), q.map(line))).toBeLessThan(1e-15);
  });
});

describe('bsplineEval: FITPACK splev with extrapolation', () => {
  it('matches scipy splev on the splrep(s=0) spline of the fixture, beyond both ends too (relative 1e-13)', () => {
    const { t, c, x, values } = splines.splev;
    expect(x[0]).toBeLessThan(t[0]);
    expect(x[x.length - 1]).toBeGreaterThan(t[t.length - 1]);
    const got = bsplineEval(f64(t), f64(c), f64(x));
    expect(maxAbsDiff(got, values) / maxAbs(values)).toBeLessThan(1e-13);
  });

  it('is a partition of unity (all coefficients 1 give 1 everywhere, extrapolated too)', () => {
    const t = f64([0, 0, 0, 0, 1.1, 2.5, 2.6, 4, 6, 6, 6, 6]);
    const c = new Float64Array(t.length - 4).fill(1);
    const x = Float64Array.from({ length: 81 }, (_, i) => -1 + (8 * i) / 80);
    expect(maxAbsDiff(bsplineEval(t, c, x), new Float64Array(81).fill(1))).toBeLessThan(1e-13);
  });

  it('reproduces the line y = x with the Greville abscissae as coefficients', () => {
    const t = f64([0, 0, 0, 0, 1.1, 2.5, 2.6, 4, 6, 6, 6, 6]);
    const nc = t.length - 4;
    const c = Float64Array.from({ length: nc }, (_, j) => (t[j + 1] + t[j + 2] + t[j + 3]) / 3);
    const x = Float64Array.from({ length: 61 }, (_, i) => (6 * i) / 60);
    expect(maxAbsDiff(bsplineEval(t, c, x), x)).toBeLessThan(1e-13);
  });
});

describe('besselI0', () => {
  // reference values: mpmath besseli(0, x) at 30 digits, rounded to double
  it.each([
    [0, 1],
    [0.5, 1.0634833707413236],
    [1, 1.2660658777520082],
    [2.5, 3.289839144050123],
    [4, 11.30192195213633],
    [10, 2815.7166284662544],
    [20, 43558282.559553534],
    [50, 2.9325537838493362e20],
  ])('I0(%f) = %f (relative 1e-14)', (x, want) => {
    expect(Math.abs(besselI0(x) - want) / want).toBeLessThan(1e-14);
  });

  it('is even: I0(−x) = I0(x)', () => {
    for (const x of [0.3, 2, 7.5]) expect(besselI0(-x)).toBe(besselI0(x));
  });
});
