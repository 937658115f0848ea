// Deglitching: synthetic spikes are found and removed, real edges and measured spectra are left
// alone, explicit energies remove exactly the points asked for, and every removal is reported.
import { describe, expect, it } from 'vitest';
import { XafsError } from '../../src/errors.js';
import { deglitch, spikeScore } from '../../src/series/index.js';
import { loadOne } from '../../src/xanes/inputs.js';
import { fixture } from '../cli/helpers.js';

const E0 = 8979;
/** A Cu-like K edge (arctan step, white line, EXAFS of a shell at 2.5 Å), 0.5 eV steps, σ = 2e-4 noise. */
function edge(seed = 3) {
  let s = seed;
  const u = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const g = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const energy = Float64Array.from({ length: 1600 }, (_, i) => 8800 + 0.5 * i);
  const mu = energy.map((e) => {
    const d = e - E0;
    const k = Math.sqrt(Math.max(d, 0) / 3.81);
    const exafs = 0.08 * Math.sin(2 * 2.5 * k) * Math.exp(-0.01 * k * k) * 0.5 * (1 + Math.tanh((d - 15) / 3));
    return 0.3 + 0.5 + Math.atan(d / 1.5) / Math.PI + 0.3 * Math.exp(-(((d - 5) / 3) ** 2)) + exafs + 2e-4 * g();
  });
  return { energy, mu, source: 'edge' };
}

describe('deglitch: automatic spike detection', () => {
  it('finds a synthetic spike and removes only it, reporting its energy and value', () => {
    const s = edge();
    s.mu[700] += 0.01; // 50 σ, at 9150 eV
    const r = deglitch(s, { auto: true });
    expect(r.removed).toHaveLength(1);
    expect(r.removed[0]).toMatchObject({ index: 700, energy: 9150, mu: s.mu[700], reason: 'auto' });
    expect(r.removed[0]!.score).toBeGreaterThan(20);
    expect(r.energy.length).toBe(1599);
    expect(Array.from(r.energy)).not.toContain(9150);
    expect(r.maxScoreKept).toBeLessThan(5);
    expect(r.threshold).toBe(8);
  });

  it('finds dips, spikes beside the edge and two-point glitches', () => {
    const s = edge(11);
    s.mu[100] -= 0.008; // a dip in the pre-edge
    s.mu[380] += 0.02; // on the white line's flank (E0 + 11)
    s.mu[1200] += 0.02; // two adjacent points
    s.mu[1201] += 0.02;
    const r = deglitch(s, { auto: true });
    expect(r.removed.map((p) => p.index)).toEqual([100, 380, 1200, 1201]);
  });

  it('leaves a noise-free edge alone, and a noisy one', () => {
    const clean = edge();
    const smooth = { ...clean, mu: clean.energy.map((e) => 0.8 + Math.atan((e - E0) / 1.5) / Math.PI + 0.3 * Math.exp(-(((e - E0 - 5) / 3) ** 2))) };
    expect(deglitch(smooth, { auto: true }).removed).toEqual([]);
    expect(deglitch(edge(5), { auto: true }).removed).toEqual([]);
  });

  it.each([
    ['spectra/cu_metal_rt.xdi', 'mutrans'],
    ['beamlines/APS10BM_2019.dat', 'ln(io/it)'],
    ['beamlines/APS10BM_2019.dat', 'ln(it/iref)'],
    ['parity/pt_metal_rt.xdi', 'ln(i0/itrans)'],
    ['parity/ni_metal_rt.xdi', 'mutrans'],
    ['athena/FeFoil_QXAFS_Compare.prj', undefined],
    ['athena/cu.prj', undefined],
    ['series/fe_ref_FeO.xdi', undefined],
  ])('removes nothing from measured spectra: %s %s', (file, mu) => {
    for (const s of loadOne(fixture(file), { mu })) {
      const r = deglitch(s, { auto: true });
      expect(r.removed, s.source).toEqual([]);
      expect(r.maxScoreKept).toBeLessThan(5);
    }
  });

  it('removes nothing from the 200 noisy spectra of the synthetic Fe series', () => {
    const series = loadOne(fixture('series/fe_series.dat'));
    let worst = 0;
    for (const s of series) {
      expect(deglitch(s, { auto: true }).removed).toEqual([]);
      worst = Math.max(worst, ...spikeScore(s));
    }
    expect(worst).toBeLessThan(5);
  });

  it('the threshold sets what counts as a spike', () => {
    const s = edge();
    s.mu[700] += 0.005; // 25 σ: scores about 15
    const r = deglitch(s, { auto: true });
    expect(r.removed.map((p) => p.index)).toEqual([700]);
    expect(r.removed[0]!.score).toBeGreaterThan(10);
    expect(r.removed[0]!.score).toBeLessThan(20);
    expect(deglitch(s, { auto: true, threshold: 20 }).removed).toEqual([]);
  });
});

describe('deglitch: explicit energies', () => {
  const s = edge();

  it('--at removes the nearest point; --range every point in E1 ≤ E ≤ E2', () => {
    const r = deglitch(s, { at: [9000.2, 8850.0], ranges: [[9100, 9101.5]] });
    expect(r.removed.map((p) => [p.index, p.energy, p.reason])).toEqual([
      [100, 8850, 'at'],
      [400, 9000, 'at'],
      [600, 9100, 'range'],
      [601, 9100.5, 'range'],
      [602, 9101, 'range'],
      [603, 9101.5, 'range'],
    ]);
    expect(r.removed.every((p) => p.mu === s.mu[p.index])).toBe(true);
    expect(r.energy.length).toBe(1594);
    expect(r.threshold).toBeUndefined();
  });

  it('combines with the automatic detection, each point reported once', () => {
    const t = { ...s, mu: s.mu.slice() };
    t.mu[700] += 0.01;
    const r = deglitch(t, { auto: true, at: [9150] });
    expect(r.removed).toEqual([{ index: 700, energy: 9150, mu: t.mu[700], reason: 'at' }]);
  });

  it('refuses energies outside the data, empty ranges and removing too much', () => {
    const call = (o: Parameters<typeof deglitch>[1]) => () => deglitch(s, o);
    expect(call({ at: [9700] })).toThrow(XafsError);
    expect(call({ at: [9700] })).toThrow('edge: --at 9700 eV is outside the data (8800.00–9599.50 eV)');
    expect(call({ ranges: [[9000.1, 9000.4]] })).toThrow('edge: --range 9000.1:9000.4 holds no data point (the data span 8800.00–9599.50 eV)');
    expect(call({ ranges: [[8700, 9596]] })).toThrow('edge: deglitching would leave 7 of 1600 points; a spectrum needs at least 10; narrow the --range or raise the --threshold');
  });
});
