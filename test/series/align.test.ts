// Energy calibration and alignment against independent answers: an analytic spectrum shifted by a
// known amount, the analytic position of its steepest point, and a real reference channel shifted
// by hand.
import { describe, expect, it } from 'vitest';
import { XafsError } from '../../src/errors.js';
import { alignToStandard, calibrateEdge, referenceChannelExpression, shiftEnergy } from '../../src/series/index.js';
import { loadOne } from '../../src/xanes/inputs.js';
import { fixture } from '../cli/helpers.js';

const E0 = 8979.37;

/** A smooth K-edge: arctan step, pre-edge peak, white line and EXAFS-like wiggles (no kinks anywhere). */
function muOf(x: number): number {
  const d = x - E0;
  return (
    0.2 +
    0.5 +
    Math.atan(d / 1.2) / Math.PI +
    0.1 * Math.exp(-(((d + 4) / 1.5) ** 2)) +
    0.35 * Math.exp(-(((d - 6) / 3) ** 2)) +
    0.08 * Math.sin(0.35 * d) * Math.exp(-d / 300) * 0.5 * (1 + Math.tanh((d - 15) / 3))
  );
}

/** The analytic spectrum with its features at E0 + shift, on start + i·step (+ phase). */
function spectrum(shift: number, step: number, phase = 0, start = 8790, end = 9510, source = 'sample') {
  const n = Math.floor((end - start) / step) + 1;
  const energy = Float64Array.from({ length: n }, (_, i) => start + i * step + phase);
  return { energy, mu: energy.map((e) => muOf(e - shift)), source };
}

/** Deterministic Gaussian noise (Park–Miller + Box–Muller). */
function noise(seed: number) {
  let s = seed;
  const u = () => (s = (s * 16807) % 2147483647) / 2147483647;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

const standard = spectrum(0, 0.25, 0, 8800, 9500, 'standard');

describe('alignToStandard (derivative fit, Larch EnergyCalibrateDialog objective)', () => {
  it.each([
    [1.234, 0.3, 0.07],
    [-3.21, 0.5, 0.13],
    [12.5, 0.4, 0.01],
    [-0.05, 1.0, 0.3],
    [0.73, 0.1, 0.0],
    [-41.7, 0.35, 0.02],
  ])('a spectrum shifted by %f eV (grid %f eV) is re-aligned to within 0.01 eV', (shift, step, phase) => {
    const r = alignToStandard(spectrum(shift, step, phase), standard);
    expect(Math.abs(r.eshift + shift)).toBeLessThan(0.01);
    expect(r.eshiftStderr).toBeLessThan(0.05);
    expect(r.scale).toBeGreaterThan(0.95);
    expect(r.scale).toBeLessThan(1.1);
    expect(r.warnings).toEqual([]);
    // the fit window is Larch's: [index_of(e0 − 15), index_of(e0 + 35)) on the standard's grid
    expect(r.standardE0).toBe(8979.5);
    expect(r.window).toEqual([8964.5, 9014.25]);
    expect(r.npts).toBe(200);
    expect(r.e0Aligned).toBeCloseTo(r.e0 + r.eshift, 12);
  });

  it('is exact for the standard itself, and within 0.01 eV with 0.02 % noise', () => {
    const self = alignToStandard(standard, standard);
    expect(Math.abs(self.eshift)).toBeLessThan(1e-9);
    expect(self.scale).toBeCloseTo(1, 12);
    const g = noise(7);
    const s = spectrum(2.5, 0.3, 0.11);
    const noisy = { ...s, mu: s.mu.map((v) => v + 2e-4 * g()) };
    const r = alignToStandard(noisy, standard);
    expect(Math.abs(r.eshift + 2.5)).toBeLessThan(0.01);
    expect(r.eshiftStderr).toBeGreaterThan(0);
    expect(r.eshiftStderr).toBeLessThan(0.01);
  });

  it('fits the derivative scale: a spectrum 2.5× larger (plus an offset) has scale 0.4', () => {
    const s = spectrum(-1.1, 0.3, 0.05);
    const r = alignToStandard({ ...s, mu: s.mu.map((v) => 2.5 * v + 3) }, standard);
    expect(Math.abs(r.eshift - 1.1)).toBeLessThan(0.01);
    expect(r.scale).toBeCloseTo(0.4, 2);
  });

  it('uses the fit window and e0 given', () => {
    const r = alignToStandard(spectrum(1, 0.3), standard, { emin: -10, emax: 20, standardE0: 8980 });
    expect(Math.abs(r.eshift + 1)).toBeLessThan(0.01);
    expect(r.window[0]).toBe(8970);
    expect(r.window[1]).toBe(8999.75);
  });

  it('refuses a standard whose fit window the spectrum never reaches (no overlap)', () => {
    const fe = spectrum(7112 - E0, 0.5, 0, 7000, 7600, 'fe.dat');
    const call = () => alignToStandard(fe, standard);
    expect(call).toThrow(XafsError);
    expect(call).toThrow(
      'fe.dat (7000.00–7600.00 eV) does not overlap the fit window of standard (8964.50–9014.25 eV, e0 8979.50 eV) for any shift within ±50 eV; align to a standard of the same edge, or pass a larger --max-shift',
    );
  });

  it('refuses a standard that does not cover its own edge window', () => {
    const short = spectrum(0, 0.25, 0, 8800, 8990, 'short');
    expect(() => alignToStandard(spectrum(1, 0.3), short, { standardE0: 8700 })).toThrow(
      'short: only 0 points between e0-15 and e0+35 eV (e0 = 8700.00 eV, data 8800.00–8990.00 eV); the standard must cover its edge',
    );
  });
});

describe('calibrateEdge (put the edge at a given energy)', () => {
  /** The analytic steepest point near E0 (golden-section search on the exact derivative). */
  function steepest(): number {
    const d = (x: number) => (muOf(x + 1e-4) - muOf(x - 1e-4)) / 2e-4;
    let a = E0 - 1;
    let b = E0 + 1;
    for (let i = 0; i < 100; i++) {
      const c = b - 0.618 * (b - a);
      const e = a + 0.618 * (b - a);
      if (d(c) > d(e)) b = e;
      else a = c;
    }
    return (a + b) / 2;
  }
  const truth = steepest();

  it.each([
    [0.25, 0],
    [0.3, 0.07],
    [0.1, 0.03],
    [0.2, 0.11],
  ])("'spline' finds the steepest point within 0.01 eV (grid %f eV)", (step, phase) => {
    const s = spectrum(0.8, step, phase);
    const c = calibrateEdge(s, 8979);
    expect(c.method).toBe('spline');
    expect(Math.abs(c.edge - (truth + 0.8))).toBeLessThan(0.01);
    expect(c.eshift).toBe(8979 - c.edge);
  });

  it("'deriv' is Larch's find_e0 grid point", () => {
    const s = spectrum(0.8, 0.5);
    const c = calibrateEdge(s, 8979, { edge: 'deriv' });
    expect(s.energy).toContain(c.edge);
    expect(Math.abs(c.edge - (truth + 0.8))).toBeLessThanOrEqual(0.25);
  });

  it('calibrates the Mn foil in the reference channel of an MRCAT quick scan (iref)', () => {
    const ref = loadOne(fixture('beamlines/APS10BM_2019.dat'), { mu: 'ln(it/iref)' })[0]!;
    const c = calibrateEdge(ref, 6539);
    // Larch find_e0 of this channel is the grid point 6537.611 eV; the spline's steepest point lies beside it
    expect(calibrateEdge(ref, 6539, { edge: 'deriv' }).edge).toBe(6537.611);
    expect(Math.abs(c.edge - 6537.611)).toBeLessThan(0.6);
    expect(c.eshift).toBeCloseTo(6539 - c.edge, 12);
  });
});

describe('a real reference channel', () => {
  const ref = loadOne(fixture('beamlines/APS10BM_2019.dat'), { mu: 'ln(it/iref)' })[0]!;

  const pick = (first: number, shift: number, source: string) => {
    const idx = Array.from({ length: Math.floor((ref.energy.length - first) / 2) }, (_, i) => first + 2 * i);
    return { energy: Float64Array.from(idx, (i) => ref.energy[i]! + shift), mu: Float64Array.from(idx, (i) => ref.mu[i]!), source };
  };

  it('aligns with a copy of itself read 0.37 eV high exactly', () => {
    const r = alignToStandard(ref, { ...ref, energy: ref.energy.map((e) => e + 0.37) });
    expect(Math.abs(r.eshift - 0.37)).toBeLessThan(1e-6);
  });

  it('aligns its even points with its odd points read 0.37 eV high, within two standard errors (noise)', () => {
    const r = alignToStandard(pick(0, 0, 'even'), pick(1, 0.37, 'odd'));
    expect(r.eshiftStderr).toBeGreaterThan(0.005);
    expect(r.eshiftStderr).toBeLessThan(0.05);
    expect(Math.abs(r.eshift - 0.37)).toBeLessThan(2 * r.eshiftStderr);
  });
});

describe('shiftEnergy', () => {
  it('returns new arrays and leaves the input alone', () => {
    const s = spectrum(0, 1, 0, 8900, 8920);
    const before = s.energy.slice();
    const r = shiftEnergy(s, 0.73);
    expect(Array.from(r.energy)).toEqual(Array.from(before, (e) => e + 0.73));
    expect(r.mu).not.toBe(s.mu);
    expect(Array.from(r.mu)).toEqual(Array.from(s.mu));
    expect(Array.from(s.energy)).toEqual(Array.from(before));
  });
});

describe('referenceChannelExpression', () => {
  const labels = ['energy', 'i0', 'it', 'iref', 'murefer'];
  it.each([
    ['iref', 'ln(it/iref)', 'iref'],
    ['IREF', 'ln(it/iref)', 'iref'],
    ['murefer', 'murefer', 'murefer'],
    ['ln(i0/iref)', 'ln(i0/iref)', 'ln(i0/iref)'],
  ])('%s → %s', (channel, expression, label) => {
    expect(referenceChannelExpression(labels, channel, 'f.dat')).toEqual({ expression, label });
  });
  it('refuses an ion chamber without a transmission chamber to pair it with', () => {
    expect(() => referenceChannelExpression(['energy', 'i0', 'i2'], 'i2', 'f.dat')).toThrow(
      "f.dat: --ref-channel i2: μ_ref = ln(IT/i2) needs the transmission chamber column (it, itrans or i1), and there is none; the columns are: energy, i0, i2; pass the expression, e.g. --ref-channel 'ln(i1/i2)'",
    );
  });
});
