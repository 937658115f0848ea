// Edge positions against answers known without a reference program (arctan edges whose
// half-height, inflection point and level integral are analytic or computed by quadrature here),
// noise propagation against the scatter of many noisy copies, and `deriv` against Larch 0.9.58's
// find_e0 on every μ(E) fixture (fixtures/xanes/edge/larch_find_e0.json; see its README).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { XafsError } from '../../src/errors.js';
import { asNormalized, checkEdgeOptions, edgeEnergy, edgePositions, edgesOfNormalized, DEFAULT_EDGE_METHODS, EDGE_METHODS } from '../../src/xanes/edge.js';
import { loadSeries } from '../../src/xanes/inputs.js';
import { normalCdf, smoothDerivatives } from '../../src/wasm.js';
import { whiteLine, whiteLineOfNormalized } from '../../src/xanes/whiteline.js';
import { rng } from '../xafs/helpers.js';

const FIX = new URL('../../fixtures/', import.meta.url);
const fx = (rel: string) => new URL(rel, FIX).pathname;

const grid = (lo: number, hi: number, step: number) => Float64Array.from({ length: Math.round((hi - lo) / step) + 1 }, (_, i) => lo + i * step);
const arctan = (E0: number, gamma: number) => (e: number) => 0.5 + Math.atan((e - E0) / gamma) / Math.PI;

/** Standard normal deviates (Box–Muller) from a seeded uniform generator. */
function gaussian(seed: number): () => number {
  const u = rng(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Simpson's rule on [a, b] with n (even) intervals. */
function simpson(f: (x: number) => number, a: number, b: number, n = 20000): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

function bisect(f: (x: number) => number, a: number, b: number): number {
  let fa = f(a);
  for (let i = 0; i < 200; i++) {
    const m = 0.5 * (a + b);
    const fm = f(m);
    if (fm === 0) return m;
    if (fm > 0 === fa > 0) {
      a = m;
      fa = fm;
    } else b = m;
  }
  return 0.5 * (a + b);
}

describe('the error function inside the smoothing kernel', () => {
  it('normalCdf matches Φ(u) = erfc(−u/√2)/2 to 1e-13 relative (values from Python math.erfc)', () => {
    const ref: [number, number][] = [
      [-9, 1.1285884059538422e-19],
      [-6, 9.865876450377012e-10],
      [-3, 0.0013498980316300957],
      [-1, 0.15865525393145707],
      [0, 0.5],
      [0.2, 0.579259709439103],
      [1.5, 0.9331927987311419],
      [3, 0.9986501019683699],
      [5, 0.9999997133484281],
    ];
    for (const [u, v] of ref) expect(Math.abs(normalCdf(u) - v) / v).toBeLessThan(1e-13);
  });

  it('the smoothed derivative of a straight line is its slope, and its second derivative 0', () => {
    const x = grid(0, 100, 0.7);
    const y = x.map((e) => 3 - 0.25 * e);
    const { d1, d2 } = smoothDerivatives(x, y, Float64Array.of(30, 50.05, 70), 1.3);
    for (const v of d1) expect(v).toBeCloseTo(-0.25, 13);
    for (const v of d2) expect(Math.abs(v)).toBeLessThan(1e-13);
  });

  it('on a fine grid the smoothed derivative of a wide arctan is its analytic derivative (within 1e-4 relative)', () => {
    const x = grid(7000, 7200, 0.05);
    const y = x.map(arctan(7100, 5));
    const e = Float64Array.of(7090, 7100, 7103.3);
    const { d1 } = smoothDerivatives(x, y, e, 0.1);
    // Gaussian smoothing (σ = 0.1 eV) of a Lorentzian of half-width 5 eV changes it by ~σ²/Γ² ≈ 4e-4·f″/f
    e.forEach((v, i) => expect(Math.abs(d1[i]! / (5 / Math.PI / (25 + (v - 7100) ** 2)) - 1)).toBeLessThan(1e-3));
  });
});

describe('arctan edge norm(E) = 0.5 + atan((E − E0)/Γ)/π: half-height, inflection and level centroid all at E0', () => {
  const E0 = 7112.3; // between grid points 7112.25 and 7112.5
  const energy = grid(7000, 7400, 0.25);
  const norm = energy.map(arctan(E0, 1.5));
  const r = edgesOfNormalized(asNormalized({ energy, norm }), { smooth: 0.5 });

  it('deriv is the grid point nearest E0 (7112.25 eV): Larch find_e0 picks grid points', () => {
    expect(r.e0).toBe(7112.25);
    expect(r.edges.deriv!.energy).toBe(7112.25);
    expect(r.edges.deriv!.stderr).toBeNull();
  });

  it('deriv-fit and zero2 find the inflection point E0 within 0.005 eV, below the grid step', () => {
    expect(Math.abs(r.edges['deriv-fit']!.energy - E0)).toBeLessThan(0.005);
    expect(Math.abs(r.edges.zero2!.energy - E0)).toBeLessThan(0.005);
  });

  it('half finds E0 within 0.001 eV (linear interpolation at the inflection point)', () => {
    expect(Math.abs(r.edges.half!.energy - E0)).toBeLessThan(0.001);
  });

  it('integral over the symmetric levels 0.15–0.85 (default) gives E0 within 0.005 eV', () => {
    expect(Math.abs(r.edges.integral!.energy - E0)).toBeLessThan(0.005);
    const [e1, e2] = r.edges.integral!.window!;
    // E1, E2: where the arctan reaches 0.15 and 0.85, E0 ∓ Γ·tan(0.35π)
    expect(Math.abs(e1 - (E0 - 1.5 * Math.tan(0.35 * Math.PI)))).toBeLessThan(0.01);
    expect(Math.abs(e2 - (E0 + 1.5 * Math.tan(0.35 * Math.PI)))).toBeLessThan(0.01);
  });

  it('an arctan never reaches norm 1: integral levels up to 1.0 are refused with the remedy, the other methods still report', () => {
    const r1 = edgesOfNormalized(asNormalized({ energy, norm }), { integralLevels: [0.15, 1] });
    expect(r1.edges.integral).toBeUndefined();
    expect(r1.errors.integral).toBe('normalized μ never reaches 1 above the edge: lower the upper integral level (e.g. --integral-levels 0.15,0.9)');
    expect(r1.edges.half).toBeDefined();
  });

  it('no white line: a monotonic edge has no peak within 15 eV; a peak that stays below 1 has area 0', () => {
    expect(r.whiteLine).toBeNull();
    // a sharp edge (Γ = 0.5 eV) with a small bump at E0 + 4 eV: a peak of 0.995 above the 0.984 at E0 + 10 eV
    const bump = energy.map((e) => arctan(E0, 0.5)(e) + 0.035 * Math.exp(-((e - E0 - 4) ** 2) / 2));
    const w = edgesOfNormalized(asNormalized({ energy, norm: bump }), { methods: ['half'], whiteLine: { window: 10 } }).whiteLine!;
    expect(w.height).toBeLessThan(1);
    expect(Math.abs(w.energy - (E0 + 4))).toBeLessThan(0.5);
    expect(w.area).toBe(0);
    expect(w.range).toBeNull();
  });
});

describe('skewed edge norm = (0.5 + atan(u)/π)², u = (E − E0)/Γ: half-height and inflection point differ', () => {
  const E0 = 8980;
  const G = 3;
  const f = (u: number) => 0.5 + Math.atan(u) / Math.PI;
  const energy = grid(8800, 9300, 0.25);
  const norm = energy.map((e) => f((e - E0) / G) ** 2);
  // half: f(u)² = 0.5; inflection: d²/du² f² = 0 ⇔ 1/π = 2u·f(u) (from f′ = 1/(π(1+u²)), f″ = −2u/(π(1+u²)²))
  const half = E0 + G * Math.tan(Math.PI * (Math.SQRT1_2 - 0.5));
  const inflection = E0 + G * bisect((u) => 1 / Math.PI - 2 * u * f(u), 0, 2);
  // integral: (1/(μ2−μ1))∫E(μ)dμ with E(μ) = E0 + Γ·tan(π(√μ − 0.5))
  const centroid = (lo: number, hi: number) => simpson((m) => E0 + G * Math.tan(Math.PI * (Math.sqrt(m) - 0.5)), lo, hi) / (hi - lo);
  const r = edgesOfNormalized(asNormalized({ energy, norm }), { smooth: 0.25 });

  it(`half = E0 + Γ·tan(π(√½ − ½)) (${half.toFixed(4)} eV) within 0.002 eV`, () => {
    expect(Math.abs(r.edges.half!.energy - half)).toBeLessThan(0.002);
  });

  /** Maximum of the analytic derivative smoothed by a Gaussian of σ (quadrature, 0.0005 eV search). */
  function smoothedMax(sigma: number): number {
    const d = (x: number) => (2 * f((x - E0) / G)) / (Math.PI * G * (1 + ((x - E0) / G) ** 2));
    const D = (e: number) => simpson((x) => d(x) * Math.exp(-0.5 * ((e - x) / sigma) ** 2), e - 8 * sigma, e + 8 * sigma, 2000);
    let best = E0;
    for (let e = E0; e < E0 + 2; e += 0.0005) if (D(e) > D(best)) best = e;
    return best;
  }

  it(`deriv-fit is the maximum of the analytic derivative smoothed by the same Gaussian (σ = 0.25 eV) within 0.003 eV; zero2 within 0.005 eV`, () => {
    const want = smoothedMax(0.25);
    expect(Math.abs(r.edges['deriv-fit']!.energy - want)).toBeLessThan(0.003);
    expect(Math.abs(r.edges.zero2!.energy - want)).toBeLessThan(0.005);
  });

  it(`with σ = 0.05 eV on a 0.05 eV grid deriv-fit is the inflection point (${inflection.toFixed(4)} eV, ${(inflection - half).toFixed(2)} eV from half) within 0.001 eV`, () => {
    const fine = grid(8900, 9100, 0.05);
    const r2 = edgesOfNormalized(asNormalized({ energy: fine, norm: fine.map((e) => f((e - E0) / G) ** 2) }), { methods: ['deriv-fit', 'zero2'], smooth: 0.05 });
    expect(Math.abs(r2.edges['deriv-fit']!.energy - inflection)).toBeLessThan(0.001);
    expect(Math.abs(r2.edges.zero2!.energy - inflection)).toBeLessThan(0.001);
  });

  it('integral = the mean energy over the level window (quadrature), for the default and for 0.2–0.9, within 0.005 eV', () => {
    expect(Math.abs(r.edges.integral!.energy - centroid(0.15, 0.85))).toBeLessThan(0.005);
    const r2 = edgesOfNormalized(asNormalized({ energy, norm }), { methods: ['integral'], integralLevels: [0.2, 0.9] });
    expect(Math.abs(r2.edges.integral!.energy - centroid(0.2, 0.9))).toBeLessThan(0.005);
  });
});

describe('white line: an arctan step plus a Gaussian peak', () => {
  const E0 = 11564;
  const Ew = E0 + 4;
  const peak = (e: number) => arctan(E0, 1.2)(e) + 0.7 * Math.exp(-((e - Ew) ** 2) / (2 * 1.8 ** 2));
  const energy = grid(11400, 11900, 0.25);
  const norm = energy.map(peak);
  const r = edgesOfNormalized(asNormalized({ energy, norm }), {});
  // the analytic curve's maximum and its area above 1, on a 1e-4 eV grid
  let emax = Ew;
  for (let e = Ew - 3; e < Ew + 3; e += 1e-4) if (peak(e) > peak(emax)) emax = e;
  const lo = bisect((e) => peak(e) - 1, E0, emax);
  const hi = bisect((e) => peak(e) - 1, emax, emax + 20);
  const area = simpson((e) => peak(e) - 1, lo, hi);

  it(`position ${emax.toFixed(3)} eV within 0.015 eV and height ${peak(emax).toFixed(4)} within 0.002 (parabola over ±1 eV)`, () => {
    expect(Math.abs(r.whiteLine!.energy - emax)).toBeLessThan(0.015);
    expect(Math.abs(r.whiteLine!.height - peak(emax))).toBeLessThan(0.002);
  });

  it(`area above 1 (${area.toFixed(4)} eV) within 0.5 %, between the crossings of 1`, () => {
    expect(Math.abs(r.whiteLine!.area / area - 1)).toBeLessThan(0.005);
    expect(Math.abs(r.whiteLine!.range![0] - lo)).toBeLessThan(0.01);
    expect(Math.abs(r.whiteLine!.range![1] - hi)).toBeLessThan(0.02);
  });

  it('whiteLine alone gives what edgePositions reports; a spectrum still rising at the end of the window has none', () => {
    const mu = norm.map((v) => 0.3 + 1.7 * v);
    expect(whiteLine({ energy, mu })).toEqual(edgePositions({ energy, mu }).whiteLine);
    expect(whiteLineOfNormalized(asNormalized({ energy, norm }))!.area).toBe(r.whiteLine!.area);
    expect(whiteLineOfNormalized(asNormalized({ energy, norm: energy.map(arctan(E0, 8)) }))).toBeNull();
  });

  it('the flat space gives the same white line when norm has no post-edge slope', () => {
    const mu = norm.map((v) => 0.3 + 1.7 * v);
    const a = edgePositions({ energy, mu }, { methods: ['half'] }).whiteLine!;
    const b = edgePositions({ energy, mu }, { methods: ['half'], whiteLine: { space: 'flat' } }).whiteLine!;
    expect(b.space).toBe('flat');
    expect(Math.abs(a.energy - b.energy)).toBeLessThan(0.02);
    expect(Math.abs(a.area - b.area) / a.area).toBeLessThan(0.02);
  });
});

describe('noise: 0.2 % white noise on an arctan edge (Γ = 1.5 eV, 0.5 eV steps)', () => {
  const E0 = 7120;
  const energy = grid(6950, 7400, 0.5);
  const sigmaN = 0.002;
  const noisy = (shift: number, seed: number) => {
    const g = gaussian(seed);
    const norm = energy.map((e) => arctan(E0 + shift, 1.5)(e) + sigmaN * g());
    return asNormalized({ energy, norm });
  };

  it('the noise estimate is within 15 % of the true σ', () => {
    for (const seed of [1, 2, 3]) expect(Math.abs(edgesOfNormalized(noisy(0, seed), { methods: ['half'] }).noise / sigmaN - 1)).toBeLessThan(0.15);
  });

  it('deriv-fit follows 0.1 eV shifts: each mean of 10 copies within 0.02 eV of the shift, and the trend is monotonic (deriv only moves in 0.5 eV steps)', () => {
    const means: number[] = [];
    for (let k = 0; k <= 10; k++) {
      const shift = 0.1 * k;
      let sum = 0;
      for (let s = 0; s < 10; s++) sum += edgesOfNormalized(noisy(shift, 1000 * k + s), { methods: ['deriv-fit'] }).edges['deriv-fit']!.energy;
      means.push(sum / 10 - E0);
      expect(Math.abs(means[k]! - shift)).toBeLessThan(0.02);
    }
    for (let k = 1; k <= 10; k++) expect(means[k]!).toBeGreaterThan(means[k - 1]!);
    const derivs = new Set(Array.from({ length: 11 }, (_, k) => edgesOfNormalized(noisy(0.1 * k, 7 + k), { methods: ['deriv'] }).edges.deriv!.energy));
    for (const d of derivs) expect(Number.isInteger(d * 2)).toBe(true);
  });

  it('the reported stderr of deriv-fit, half and integral matches the scatter of 300 noisy copies within 25 %', () => {
    const methods = ['deriv-fit', 'half', 'integral'] as const;
    const got: Record<string, number[]> = { 'deriv-fit': [], half: [], integral: [] };
    const se: Record<string, number[]> = { 'deriv-fit': [], half: [], integral: [] };
    for (let s = 0; s < 300; s++) {
      const r = edgesOfNormalized(noisy(0, 50000 + s), { methods: [...methods] });
      for (const m of methods) {
        got[m]!.push(r.edges[m]!.energy);
        se[m]!.push(r.edges[m]!.stderr!);
      }
    }
    for (const m of methods) {
      const v = got[m]!;
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
      const reported = se[m]!.reduce((a, b) => a + b, 0) / se[m]!.length;
      expect(Math.abs(reported / sd - 1), `${m}: reported ${reported}, scatter ${sd}`).toBeLessThan(0.25);
    }
  });
});

describe('a two-edge mixture (two arctans 3 eV apart, 50/50)', () => {
  const energy = grid(7000, 7300, 0.25);
  const norm = energy.map((e) => 0.5 * arctan(7120, 0.8)(e) + 0.5 * arctan(7123, 0.8)(e));
  const r = edgesOfNormalized(asNormalized({ energy, norm }), { smooth: 0.5, methods: EDGE_METHODS });

  it('deriv-fit warns that two derivative maxima of similar height compete', () => {
    const fitWarnings = r.warnings.filter((w) => w.startsWith('deriv-fit'));
    expect(fitWarnings).toHaveLength(1);
    expect(fitWarnings[0]).toMatch(/^deriv-fit: two maxima of the smoothed derivative of similar height, at 712\d\.\d+ eV \(taken\) and 712\d\.\d+ eV \(\d+%\): the edge position may jump between them \(a mixture, or a shoulder on the edge\); half, integral or --method lcf are steadier$/);
  });

  it('deriv-main takes the first maximum (7120 eV) and, the derivative falling to under half between them, reports no competitor', () => {
    const d = r.edges['deriv-main']!;
    expect(Math.abs(d.energy - 7120)).toBeLessThan(0.2);
    expect(d.competitor).toBeUndefined();
    expect(d.definitionSpread).toBe(0);
    expect(r.warnings.filter((w) => w.startsWith('deriv-main'))).toHaveLength(0);
  });

  it('half and integral sit midway between the edges (7121.5 eV) within 0.01 eV', () => {
    expect(Math.abs(r.edges.half!.energy - 7121.5)).toBeLessThan(0.01);
    expect(Math.abs(r.edges.integral!.energy - 7121.5)).toBeLessThan(0.01);
  });
});

describe('on measured spectra through preEdge', () => {
  it('edgePositions normalizes with Larch pre_edge: e0 and edge step as preEdge gives them', () => {
    const [feo] = loadSeries([fx('spectra/feo_rt1.xdi')], { mu: 'mutrans' });
    const r = edgePositions(feo!);
    expect(r.e0).toBe(7122.9272);
    expect(r.edgeStep).toBeCloseTo(1.383, 3);
    expect(Object.keys(r.edges).sort()).toEqual([...DEFAULT_EDGE_METHODS].sort());
    // the FeO edge: half-height 3.5 eV below the derivative maximum, as the references in fixtures/series
    expect(r.edges.half!.energy).toBeGreaterThan(7119);
    expect(r.edges.half!.energy).toBeLessThan(7120);
  });

  it('edgeEnergy gives one method, and refuses a flat line with ENOEDGE', () => {
    const energy = grid(7000, 7300, 1);
    const mu = energy.map(() => 1);
    const [feo] = loadSeries([fx('spectra/feo_rt1.xdi')], { mu: 'mutrans' });
    expect(edgeEnergy(feo!, 'deriv').energy).toBe(7122.9272);
    expect(() => edgeEnergy({ energy, mu }, 'half')).toThrow(XafsError);
    try {
      edgeEnergy({ energy, mu }, 'half');
    } catch (e) {
      expect((e as XafsError).code).toBe('ENOEDGE');
      expect((e as XafsError).message).toMatch(/^no absorption edge found: μ\(E\) has no rising edge/);
    }
  });
});

describe('options are checked before any numerics', () => {
  const cases: [object, string][] = [
    [{ methods: ['edge'] }, "unknown edge method 'edge': use deriv, deriv-fit, half, zero2, integral"],
    [{ methods: [] }, 'no edge method given'],
    [{ smooth: 0 }, 'the smoothing width must be a number above 0, got 0'],
    [{ halfLevel: 1 }, 'the half level must lie between 0 and 1 (normalized μ), got 1'],
    [{ integralLevels: [0.8, 0.2] }, 'the integral levels must be two normalized-μ values 0 < μ1 < μ2, got 0.8, 0.2'],
    [{ preEdge: { e0: 7000 } }, 'pass e0 as the edge option e0, not inside the normalization options'],
    [{ e0: Number.NaN }, 'e0 must be a finite energy in eV, got NaN'],
    [{ mainLevel: 1.2 }, 'the main-edge level must lie between 0 and 1 (normalized μ), got 1.2'],
    [{ whiteLine: { space: 'mu' } }, "white-line space must be norm or flat, got 'mu'"],
  ];
  for (const [opts, message] of cases) {
    it(message, () => {
      expect(() => checkEdgeOptions(opts as never)).toThrow(message);
    });
  }
});

describe('deriv is Larch 0.9.58 find_e0, identically, on every μ(E) fixture (241 spectra)', () => {
  const larch = JSON.parse(readFileSync(fx('xanes/edge/larch_find_e0.json'), 'utf8')) as { spectra: Record<string, { expr: string; find_e0: number }> };
  const entries = Object.entries(larch.spectra);
  const series = new Map(loadSeries([fx('series/fe_series.dat')]).map((s) => [s.name, s]));
  const projects = new Map<string, Map<string, ReturnType<typeof loadSeries>[number]>>();

  it('covers the reference spectra, the parity files, three Athena projects and the 200 series spectra', () => {
    expect(entries.length).toBe(241);
  });

  for (const [key, want] of entries) {
    if (key.startsWith('series/fe_series.dat#')) continue; // one test below for all 200
    it(`${key}: ${want.find_e0} eV`, () => {
      let spectrum;
      if (key.includes('.prj#')) {
        const [file, label] = key.split('#') as [string, string];
        if (!projects.has(file)) projects.set(file, new Map(loadSeries([fx(file)]).map((s) => [s.name, s])));
        spectrum = projects.get(file)!.get(label)!;
      } else {
        [spectrum] = loadSeries([fx(key)], { mu: want.expr });
      }
      expect(edgePositions(spectrum!, { methods: ['deriv'], whiteLine: false }).edges.deriv!.energy).toBe(want.find_e0);
    });
  }

  it('series/fe_series.dat: all 200 columns', () => {
    let n = 0;
    for (const [key, want] of entries) {
      if (!key.startsWith('series/fe_series.dat#')) continue;
      const s = series.get(key.split('#')[1]!)!;
      expect(edgePositions(s, { methods: ['deriv'], whiteLine: false }).edges.deriv!.energy, key).toBe(want.find_e0);
      n++;
    }
    expect(n).toBe(200);
  });
});
