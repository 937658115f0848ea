// Valence calibration and propagation against closed-form least squares, LCF valence on synthetic
// mixtures of three references with known fractions, and both against the truth of the 200-spectrum
// Fe series (fixtures/series: FeO/Fe2O3 mixtures with noise and monochromator jitter).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { XafsError } from '../../src/errors.js';
import { asNormalized } from '../../src/xanes/edge.js';
import { loadSeries } from '../../src/xanes/inputs.js';
import { applyCalibration, calibrate, lcfValenceFitter, valence, type CalibrationPoint } from '../../src/xanes/valence.js';
import { rng } from '../xafs/helpers.js';

const FIX = new URL('../../fixtures/', import.meta.url);
const fx = (rel: string) => new URL(rel, FIX).pathname;
const grid = (lo: number, hi: number, step: number) => Float64Array.from({ length: Math.round((hi - lo) / step) + 1 }, (_, i) => lo + i * step);

function gaussian(seed: number): () => number {
  const u = rng(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

function errorOf(f: () => unknown): XafsError {
  try {
    f();
  } catch (e) {
    if (e instanceof XafsError) return e;
    throw e;
  }
  throw new Error('expected an XafsError');
}

/** Ordinary least squares of y on x by the textbook sums (independent of the implementation). */
function textbookLine(x: number[], y: number[]) {
  const n = x.length;
  const xm = x.reduce((a, b) => a + b) / n;
  const ym = y.reduce((a, b) => a + b) / n;
  const sxx = x.reduce((a, xi) => a + (xi - xm) ** 2, 0);
  const sxy = x.reduce((a, xi, i) => a + (xi - xm) * (y[i]! - ym), 0);
  const b = sxy / sxx;
  const a = ym - b * xm;
  const rss = x.reduce((s, xi, i) => s + (y[i]! - a - b * xi) ** 2, 0);
  const tss = y.reduce((s, yi) => s + (yi - ym) ** 2, 0);
  const s2 = rss / (n - 2);
  return { a, b, xm, sxx, s2, rss, tss, seB: Math.sqrt(s2 / sxx), seA: Math.sqrt(s2 * (1 / n + xm ** 2 / sxx)) };
}

describe('a linear calibration on three references (least squares with standard errors)', () => {
  const E = [7110.0, 7112.5, 7116.0];
  const V = [0, 2, 3];
  const pts: CalibrationPoint[] = E.map((edge, i) => ({ edge, valence: V[i]!, source: `ref${i}` }));
  const cal = calibrate(pts);
  const t = textbookLine(E, V);

  it('slope, intercept and their standard errors are the textbook ones (residual variance, n − 2 dof)', () => {
    expect(cal.slope).toBeCloseTo(t.b, 12);
    expect(cal.intercept / t.a - 1).toBeLessThan(1e-12);
    expect(cal.slopeStderr! / t.seB - 1).toBeLessThan(1e-10);
    expect(Math.abs(cal.interceptStderr! / t.seA - 1)).toBeLessThan(1e-9);
    expect(cal.rms).toBeCloseTo(Math.sqrt(t.rss / 3), 12);
    expect(cal.r2).toBeCloseTo(1 - t.rss / t.tss, 12);
    expect([cal.n, cal.dof, cal.exact, cal.covarianceFrom]).toEqual([3, 1, false, 'residuals']);
  });

  it('a sample at 7114 ± 0.05 eV: valence a + b·E, variance s²(1/n + (E − Ē)²/Sxx) + b²σ_E²', () => {
    const v = applyCalibration(cal, 7114, 0.05);
    expect(v.valence).toBeCloseTo(t.a + t.b * 7114, 9);
    const want = Math.sqrt(t.s2 * (1 / 3 + (7114 - t.xm) ** 2 / t.sxx) + (t.b * 0.05) ** 2);
    expect(Math.abs(v.valenceStderr! / want - 1)).toBeLessThan(1e-10);
    expect(v.warnings).toEqual([]);
  });

  it('the scatter of these references (rms 0.33) is flagged as a poor calibration', () => {
    expect(cal.warnings).toEqual([`poor calibration: the references scatter by ${Number(cal.rms.toFixed(3))} (rms) about the linear curve, more than 0.1`, `poor calibration: R² = ${Number(cal.r2!.toFixed(4))} is below 0.98`]);
  });

  it('references on a good line raise no warning', () => {
    const good = calibrate([
      { edge: 7110, valence: 1 },
      { edge: 7112.1, valence: 2 },
      { edge: 7113.9, valence: 3 },
    ]);
    expect(good.warnings).toEqual([]);
    expect(good.r2!).toBeGreaterThan(0.99);
  });

  it('a sample outside the references is extrapolated with a warning, unless within its own 1σ', () => {
    expect(applyCalibration(cal, 7117.25, null).warnings).toEqual(["edge 7117.25 eV lies 1.25 eV outside the references' edges (7110–7116 eV): the valence is extrapolated"]);
    expect(applyCalibration(cal, 7116.05, 0.1).warnings).toEqual([]);
    expect(applyCalibration(cal, 7109.5, null).warnings).toEqual(["edge 7109.5 eV lies 0.5 eV outside the references' edges (7110–7116 eV): the valence is extrapolated"]);
  });
});

describe('two references: the line is exact', () => {
  const E1 = 7119.4;
  const E2 = 7123.2;
  const b = 1 / (E2 - E1);

  it('without edge uncertainties the coefficients carry no error and the sample none but its own edge error', () => {
    const cal = calibrate([
      { edge: E1, valence: 2 },
      { edge: E2, valence: 3 },
    ]);
    expect(cal.exact).toBe(true);
    expect(cal.slopeStderr).toBeNull();
    expect(cal.covariance).toBeNull();
    expect(cal.r2).toBeNull();
    expect(cal.warnings).toEqual(['2 references for a linear calibration: the curve passes exactly through them, so their scatter cannot be judged and the coefficients carry no error']);
    expect(applyCalibration(cal, 7121, null).valenceStderr).toBeNull();
    expect(applyCalibration(cal, 7121, 0.02).valenceStderr).toBeCloseTo(b * 0.02, 14);
    expect(applyCalibration(cal, 7121, null).valence).toBeCloseTo(2 + (7121 - E1) * b, 12);
  });

  it("with edge uncertainties σ1, σ2: var(slope) = b²(σ1² + σ2²)/ΔE², var(v) = b²((1−t)²σ1² + t²σ2² + σ_E²)", () => {
    const [s1, s2, se] = [0.03, 0.05, 0.02];
    const cal = calibrate([
      { edge: E1, valence: 2, edgeStderr: s1 },
      { edge: E2, valence: 3, edgeStderr: s2 },
    ]);
    expect(cal.covarianceFrom).toBe('edge-uncertainty');
    expect(Math.abs(cal.slopeStderr! / (b * Math.sqrt(s1 ** 2 + s2 ** 2) / (E2 - E1)) - 1)).toBeLessThan(1e-9);
    const E = 7122;
    const tt = (E - E1) / (E2 - E1);
    const want = b * Math.sqrt((1 - tt) ** 2 * s1 ** 2 + tt ** 2 * s2 ** 2 + se ** 2);
    expect(Math.abs(applyCalibration(cal, E, se).valenceStderr! / want - 1)).toBeLessThan(1e-9);
  });
});

describe('a quadratic calibration', () => {
  const pts = [
    { edge: 6539.0, valence: 2 },
    { edge: 6541.5, valence: 3 },
    { edge: 6545.2, valence: 4 },
    { edge: 6547.0, valence: 4.5 },
  ];

  it('four references: the least-squares parabola (normal equations solved here by Cramer in centred energies)', () => {
    const cal = calibrate(pts, 'quadratic');
    const c = 6543;
    const S = (k: number) => pts.reduce((s, p) => s + (p.edge - c) ** k, 0);
    const T = (k: number) => pts.reduce((s, p) => s + p.valence * (p.edge - c) ** k, 0);
    const det3 = (m: number[][]) => m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) - m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) + m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
    const M = [
      [S(0), S(1), S(2)],
      [S(1), S(2), S(3)],
      [S(2), S(3), S(4)],
    ];
    const r = [T(0), T(1), T(2)];
    const col = (j: number) => M.map((row, i) => row.map((v, k) => (k === j ? r[i]! : v)));
    const [q0, q1, q2] = [0, 1, 2].map((j) => det3(col(j)) / det3(M));
    // expand around 0: v = q2 E² + (q1 − 2 q2 c) E + (q0 − q1 c + q2 c²)
    expect(cal.quadratic!).toBeCloseTo(q2!, 12);
    expect(Math.abs(cal.slope / (q1! - 2 * q2! * c) - 1)).toBeLessThan(1e-9);
    expect(Math.abs(cal.intercept / (q0! - q1! * c + q2! * c * c) - 1)).toBeLessThan(1e-9);
    for (const E of [6540, 6544]) expect(applyCalibration(cal, E).valence).toBeCloseTo(q0! + q1! * (E - c) + q2! * (E - c) ** 2, 10);
    expect([cal.dof, cal.exact]).toEqual([1, false]);
    expect(cal.quadraticStderr!).toBeGreaterThan(0);
  });

  it('three references: exact through every one of them', () => {
    const cal = calibrate(pts.slice(0, 3), 'quadratic');
    expect(cal.exact).toBe(true);
    for (const p of pts.slice(0, 3)) expect(applyCalibration(cal, p.edge).valence).toBeCloseTo(p.valence, 10);
  });
});

describe('calibrations that cannot be made are refused', () => {
  const cases: [CalibrationPoint[], 'linear' | 'quadratic', string][] = [
    [[{ edge: 7110, valence: 2 }], 'linear', 'a valence calibration needs at least two references of different valence (--ref FILE=VALENCE), got 1'],
    [
      [
        { edge: 7110, valence: 2 },
        { edge: 7112, valence: 2 },
      ],
      'linear',
      'every reference has valence 2: a calibration needs references of at least two different valences',
    ],
    [
      [
        { edge: 7110, valence: 2, source: 'FeO.xdi' },
        { edge: 7110, valence: 3, source: 'Fe2O3.xdi' },
      ],
      'linear',
      'FeO.xdi (valence 2) and Fe2O3.xdi (valence 3) have the same edge energy, 7110 eV: this edge definition cannot tell them apart; use another --method (deriv-fit, half, half-main, integral or lcf)',
    ],
    [
      [
        { edge: 7110, valence: 2 },
        { edge: 7112, valence: 3 },
      ],
      'quadratic',
      'a quadratic calibration needs at least 3 references with different edge energies, got 2',
    ],
  ];
  for (const [pts, form, message] of cases) {
    it(message, () => {
      expect(() => calibrate(pts, form)).toThrow(message);
    });
  }

  it('two references at the same valence are fine when a third brings another valence', () => {
    const cal = calibrate([
      { edge: 7110, valence: 2 },
      { edge: 7110.3, valence: 2 },
      { edge: 7114, valence: 3 },
    ]);
    expect(cal.dof).toBe(1);
  });
});

// Three synthetic references: arctan edges 3 eV apart with growing white lines
const E = grid(7000, 7300, 0.5);
const at = (e: number, e0: number) => 0.5 + Math.atan((e - e0) / 1.0) / Math.PI;
const wl = (e: number, ew: number, a: number) => a * Math.exp(-((e - ew) ** 2) / 8);
const R1 = E.map((e) => at(e, 7110));
const R2 = E.map((e) => at(e, 7113) + wl(e, 7117, 0.4));
const R3 = E.map((e) => at(e, 7116) + wl(e, 7120, 0.8));
const REFS = [
  { name: 'M0', valence: 0, energy: E, norm: R1 },
  { name: 'M2', valence: 2, energy: E, norm: R2 },
  { name: 'M3', valence: 3, energy: E, norm: R3 },
];
const mix = (f: number[]) => E.map((_, i) => f[0]! * R1[i]! + f[1]! * R2[i]! + f[2]! * R3[i]!);

describe('valence by LCF on mixtures of three references', () => {
  const fit = lcfValenceFitter(REFS);

  it('0.2·M0 + 0.5·M2 + 0.3·M3: fractions to 1e-9, valence 1.9', () => {
    const r = fit(asNormalized({ energy: E, norm: mix([0.2, 0.5, 0.3]) }));
    expect(r.fractions.map((q) => q.value)).toEqual([expect.closeTo(0.2, 9), expect.closeTo(0.5, 9), expect.closeTo(0.3, 9)]);
    expect(r.valence).toBeCloseTo(1.9, 9);
    expect(r.rfactor).toBeLessThan(1e-18);
    expect(r.warnings).toEqual([]);
  });

  it('a mixture of M2 and M3 only: the M0 fraction is 0 (at its bound), valence 2.4', () => {
    const r = fit(asNormalized({ energy: E, norm: mix([0, 0.6, 0.4]) }));
    expect(r.fractions[0]!.value).toBe(0);
    expect(r.fractions[1]!.value).toBeCloseTo(0.6, 9);
    expect(r.valence).toBeCloseTo(2.4, 9);
  });

  it('with 0.2 % noise the reported valence error matches the scatter of 200 noisy copies within 30 %', () => {
    const vals: number[] = [];
    const ses: number[] = [];
    for (let s = 0; s < 200; s++) {
      const g = gaussian(900 + s);
      const r = fit(asNormalized({ energy: E, norm: mix([0.2, 0.5, 0.3]).map((v) => v + 0.002 * g()) }));
      vals.push(r.valence);
      ses.push(r.valenceStderr!);
    }
    const mean = vals.reduce((a, b) => a + b) / vals.length;
    const sd = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / (vals.length - 1));
    const se = ses.reduce((a, b) => a + b) / ses.length;
    expect(Math.abs(mean - 1.9)).toBeLessThan(3 * sd);
    expect(Math.abs(se / sd - 1)).toBeLessThan(0.3);
  });

  it('a sample beyond the most oxidized reference gets all of its weight and a warning', () => {
    const beyond = E.map((e) => at(e, 7116.8) + wl(e, 7120.8, 0.8)); // M3, 0.8 eV higher
    const r = fit(asNormalized({ energy: E, norm: beyond }));
    expect(r.valence).toBe(3);
    expect(r.warnings).toContain("the fit gives all weight to the reference(s) of valence 3, the end of the references' range: the sample may lie outside it (extrapolation is impossible by LCF)");
  });

  it('linearly dependent references are refused', () => {
    const dup = lcfValenceFitter([...REFS, { name: 'M2 again', valence: 2.5, energy: E, norm: R2 }]);
    expect(() => dup(asNormalized({ energy: E, norm: mix([0.2, 0.5, 0.3]) }))).toThrow('the references M0, M2, M3, M2 again are linearly dependent over the fit range (7093–7173 eV): drop the duplicate reference');
  });

  it('a reference that does not cover the fit range is refused with the ranges', () => {
    const short = lcfValenceFitter([REFS[0]!, { ...REFS[1]!, energy: E.subarray(0, 250), norm: R2.subarray(0, 250) }]);
    const e = errorOf(() => short(asNormalized({ energy: E, norm: mix([0.5, 0.5, 0]) }), 'mix.xdi'));
    expect(e.code).toBe('ERANGE');
    expect(e.message).toBe('mix.xdi: reference M2 covers 7000–7124.5 eV, not the fit range 7093–7173 eV; narrow --emin/--emax');
  });
});

describe('the Fe series (200 FeO/Fe2O3 mixtures, 0.2 % noise, σ 0.05 eV energy jitter) against its truth', () => {
  const truth = JSON.parse(readFileSync(fx('series/fe_series_truth.json'), 'utf8')) as { spectra: { valence: number }[] };
  const [feo, fe2o3] = loadSeries([fx('series/fe_ref_FeO.xdi'), fx('series/fe_ref_Fe2O3.xdi')]);
  const refs = [
    { ...feo!, valence: 2 },
    { ...fe2o3!, valence: 3 },
  ];
  const samples = loadSeries([fx('series/fe_series.dat')]);
  const worst = (r: ReturnType<typeof valence>) => Math.max(...r.samples.map((s, i) => Math.abs(s.valence! - truth.spectra[i]!.valence)));

  it('half: every valence within 0.1 of the truth', () => {
    const r = valence(refs, samples, { method: 'half' });
    expect(r.samples).toHaveLength(200);
    expect(r.samples.every((s) => s.error === undefined)).toBe(true);
    expect(worst(r)).toBeLessThan(0.1);
    expect(r.calibration!.exact).toBe(true);
    expect(r.references.map((x) => x.edge)).toEqual([expect.closeTo(7119.397, 3), expect.closeTo(7123.2, 3)]);
  });

  it('lcf: every valence within 0.05 of the truth, fractions summing to 1', () => {
    const r = valence(refs, samples, { method: 'lcf' });
    expect(worst(r)).toBeLessThan(0.05);
    for (const s of r.samples) expect(s.fractions!.reduce((a, q) => a + q.value, 0)).toBeCloseTo(1, 12);
    expect(r.calibration).toBeNull();
  });

  it('integral: every valence within 0.1 of the truth', () => {
    expect(worst(valence(refs, samples, { method: 'integral' }))).toBeLessThan(0.1);
  });

  it('the same references read from one labelled series file give the same numbers; a sample without an edge fails alone', () => {
    const flat = { energy: samples[0]!.energy, mu: new Float64Array(samples[0]!.energy.length).fill(0.3), source: 'flat' };
    const r = valence(refs, [samples[0]!, flat], { method: 'half' });
    expect(r.samples[0]!.valence).toBeCloseTo(valence(refs, [samples[0]!]).samples[0]!.valence!, 14);
    expect(r.samples[1]!.valence).toBeNull();
    expect(r.samples[1]!.error).toMatch(/^no absorption edge found/);
  });

  it('references of one valence only, or a reference without an edge, are refused', () => {
    expect(() => valence([refs[0]!, { ...refs[1]!, valence: 2 }], samples.slice(0, 1))).toThrow('every reference has valence 2: give references of at least two different valences');
    const flat = { energy: samples[0]!.energy, mu: new Float64Array(samples[0]!.energy.length).fill(0.3), source: 'flat.xdi', valence: 4 };
    expect(() => valence([...refs, flat], samples.slice(0, 1))).toThrow(/^reference flat\.xdi: no absorption edge found/);
  });
});
