// Truncation keeps exactly the points with emin ≤ E ≤ emax.
import { describe, expect, it } from 'vitest';
import { XafsError } from '../../src/errors.js';
import { truncate } from '../../src/series/index.js';
import { loadOne } from '../../src/xanes/inputs.js';
import { fixture } from '../cli/helpers.js';

const energy = Float64Array.from({ length: 101 }, (_, i) => 7000 + 2 * i);
const s = { energy, mu: energy.map((e) => Math.sin(e / 10)), source: 's' };

describe('truncate', () => {
  it('keeps emin ≤ E ≤ emax, both ends included, values untouched', () => {
    const r = truncate(s, { emin: 7010, emax: 7021 });
    expect(Array.from(r.energy)).toEqual([7010, 7012, 7014, 7016, 7018, 7020]);
    expect(Array.from(r.mu)).toEqual([7010, 7012, 7014, 7016, 7018, 7020].map((e) => Math.sin(e / 10)));
    expect(r).toMatchObject({ emin: 7010, emax: 7021, removedBelow: 5, removedAbove: 90 });
    expect(r.e0).toBeUndefined();
  });

  it('keeps everything above emin when emax is not given (and below emax when emin is not)', () => {
    expect(truncate(s, { emin: 7190 }).energy.length).toBe(6);
    const r = truncate(s, { emax: 7003.9 });
    expect(Array.from(r.energy)).toEqual([7000, 7002]);
    expect(r.emin).toBe(7000);
  });

  it('takes limits relative to e0 (find_e0 by default)', () => {
    const cu = loadOne(fixture('spectra/cu_metal_rt.xdi'), { mu: 'mutrans' })[0]!;
    const r = truncate(cu, { emin: -50, emax: 100, relative: true });
    expect(r.e0).toBe(8980.5);
    expect(r.emin).toBe(8930.5);
    expect(r.emax).toBe(9080.5);
    const kept = Array.from(cu.energy).filter((e) => e >= 8930.5 && e <= 9080.5);
    expect(Array.from(r.energy)).toEqual(kept);
    expect(r.removedBelow + r.removedAbove + kept.length).toBe(cu.energy.length);
    expect(truncate(cu, { emin: -50, relative: true, e0: 8979 }).emin).toBe(8929);
  });

  it('refuses empty and inverted ranges', () => {
    expect(() => truncate(s, {})).toThrow('truncate needs --emin, --emax or both');
    expect(() => truncate(s, { emin: 7100, emax: 7050 })).toThrow('--emin (7100) must be below --emax (7050)');
    expect(() => truncate(s, { emin: 7300.5 })).toThrow(XafsError);
    expect(() => truncate(s, { emin: 7300.5 })).toThrow('s: 0 points between 7300.50 and inf eV; the data span 7000.00–7200.00 eV');
  });
});
