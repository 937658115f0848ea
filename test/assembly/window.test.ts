// Larch ftwindow (docs/conventions.md §3.1): the WASM kernel against arrays computed by Larch 0.9.58
// (fixtures/xafs/windows.json), plus shape facts and the window-name rule of src/xafs/ftWindow.
import { describe, expect, it } from 'vitest';
import { ftwindowKernel, type WindowName } from '../../src/wasm.js';
import { ftWindow, windowName } from '../../src/xafs/ftWindow.js';
import { XafsError } from '../../src/errors.js';
import { maxAbsDiff, readJson } from '../xafs/helpers.js';

interface WindowCase {
  grid: 'k' | 'r';
  window: WindowName;
  xmin: number;
  xmax: number;
  dx: number;
  dx2: number | null;
  values: number[];
}
const fx = readJson<{ k: number[]; r: number[]; cases: WindowCase[]; defaults: { values: number[] } }>('windows.json');
const kgrid = Float64Array.from(fx.k);
const rgrid = Float64Array.from(fx.r);

const ALL: WindowName[] = ['hanning', 'fhanning', 'gaussian', 'kaiser', 'parzen', 'welch', 'sine', 'bessel'];

describe('ftwindow fixture', () => {
  it('covers all 8 windows on both grids, several parameter sets each', () => {
    for (const w of ALL) {
      expect(fx.cases.filter((c) => c.window === w && c.grid === 'k').length).toBeGreaterThanOrEqual(3);
      expect(fx.cases.filter((c) => c.window === w && c.grid === 'r').length).toBeGreaterThanOrEqual(1);
    }
  });

  it('uses the grids it says: k = 0.05·[0..399], R = π/(0.05·2048)·[0..325]', () => {
    expect(kgrid.length).toBe(400);
    expect(rgrid.length).toBe(326);
    kgrid.forEach((k, i) => expect(k).toBe(0.05 * i));
    rgrid.forEach((r, i) => expect(r).toBe((Math.PI / (0.05 * 2048)) * i));
  });
});

describe('ftwindowKernel equals Larch 0.9.58 ftwindow (max abs difference < 1e-12)', () => {
  const label = (c: WindowCase) => `${c.window} on ${c.grid}: xmin=${c.xmin} xmax=${c.xmax} dx=${c.dx} dx2=${c.dx2 ?? 'dx'}`;
  it.each(fx.cases.map((c) => [label(c), c] as const))('%s', (_, c) => {
    const x = c.grid === 'k' ? kgrid : rgrid;
    const w = ftwindowKernel(x, c.xmin, c.xmax, c.dx, c.dx2 ?? undefined, c.window);
    expect(w.length).toBe(x.length);
    expect(maxAbsDiff(w, c.values)).toBeLessThan(1e-12);
  });

  it('ftWindow(k) with every option left out is Larch ftwindow(k): hanning, dx = 1 over the whole grid', () => {
    expect(maxAbsDiff(ftWindow(kgrid), fx.defaults.values)).toBeLessThan(1e-12);
  });

  it('ftWindow passes dx2 through: dx2 = 2.5 differs from dx2 = dx and matches Larch', () => {
    const c = fx.cases.find((c) => c.window === 'hanning' && c.grid === 'k' && c.dx2 === 2.5)!;
    const w = ftWindow(kgrid, { xmin: c.xmin, xmax: c.xmax, dx: c.dx, dx2: c.dx2!, window: 'hanning' });
    expect(maxAbsDiff(w, c.values)).toBeLessThan(1e-12);
    const same = ftWindow(kgrid, { xmin: c.xmin, xmax: c.xmax, dx: c.dx, window: 'hanning' });
    expect(maxAbsDiff(same, c.values)).toBeGreaterThan(0.1);
  });
});

describe('window shapes', () => {
  const at = (w: Float64Array, k: number) => w[Math.round(k / 0.05)];

  it('hanning (kmin=3, kmax=17, dk=4) is exactly 1 on [kmin+dk/2, kmax−dk/2) = [5, 15) and 0 outside [1, 19]', () => {
    const w = ftwindowKernel(kgrid, 3, 17, 4, undefined, 'hanning');
    for (let i = 0; i < kgrid.length; i++) {
      const k = kgrid[i];
      if (k >= 5 - 1e-9 && k < 15 - 1e-9) expect(w[i]).toBe(1);
      if (k <= 1 + 1e-9 || k >= 19.05 - 1e-9) expect(w[i]).toBe(0);
      if (k > 1 + 1e-9 && k < 5 - 1e-9) expect(w[i]).toBeLessThan(1);
    }
    // Larch subtracts ε = 1e-4·kstep from x3 before snapping, so the grid point k = kmax − dk/2
    // itself is already on the falling taper: cos²(π/2 · 0.05/4.05) = 0.99962...
    expect(at(w, 15)).toBeCloseTo(Math.cos(((Math.PI / 2) * 0.05) / 4.05) ** 2, 14);
    // the rise is sin²(π/2·(k − 1)/4): 0.5 at k = 3
    expect(at(w, 3)).toBeCloseTo(0.5, 14);
  });

  it('kaiser (kmin=3, kmax=17, dk=4) is a bell without a flat top: ≈0.226 at k = 3 and 17, 1 only at k = 10', () => {
    const w = ftwindowKernel(kgrid, 3, 17, 4, undefined, 'kaiser');
    // W = (I0(4·√(1 − ((k−10)/9)²)) − 1)/(I0(4) − 1) on the support [1, 19]
    expect(at(w, 3)).toBeCloseTo(0.22575391140434217, 12);
    expect(at(w, 17)).toBeCloseTo(0.22575391140434217, 12);
    expect(at(w, 3)).toBeCloseTo(0.226, 3);
    expect(at(w, 10)).toBe(1);
    expect(at(w, 9.95)).toBeLessThan(1);
    expect(at(w, 10.05)).toBeLessThan(1);
    expect(at(w, 1)).toBe(0);
    expect(at(w, 19)).toBe(0);
  });

  it('gaussian is never zero: exp(−(k−10)²/(2·dk²)) over the whole grid', () => {
    const w = ftwindowKernel(kgrid, 3, 17, 4, undefined, 'gaussian');
    for (let i = 0; i < kgrid.length; i++) {
      expect(w[i]).toBeGreaterThan(0);
      expect(w[i]).toBeCloseTo(Math.exp(-((kgrid[i] - 10) ** 2) / 32), 14);
    }
  });

  it('hanning with dk = 0 (kmin=3, kmax=17) is 1 on [3.00, 16.95] and ≈0 at 17.00', () => {
    const w = ftwindowKernel(kgrid, 3, 17, 0, undefined, 'hanning');
    for (let i = 60; i <= 339; i++) expect(w[i]).toBe(1);
    expect(w[340]).toBeLessThan(1e-6);
    expect(w[59]).toBe(0);
  });
});

describe('window names (Larch: first three lowercase letters)', () => {
  it('maps each full name and its three-letter prefix to itself', () => {
    for (const w of ALL) {
      expect(windowName(w)).toBe(w);
      expect(windowName(w.slice(0, 3).toUpperCase())).toBe(w);
    }
  });

  it("maps 'kaiser-bessel' to kaiser and 'Hanning-taper' to hanning", () => {
    expect(windowName('kaiser-bessel')).toBe('kaiser');
    expect(windowName('Hanning-taper')).toBe('hanning');
    const a = ftWindow(kgrid, { xmin: 3, xmax: 17, dx: 4, window: 'kaiser-bessel' });
    const b = ftwindowKernel(kgrid, 3, 17, 4, undefined, 'kaiser');
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('treats a missing name as hanning', () => {
    expect(windowName(undefined)).toBe('hanning');
    expect(windowName(null)).toBe('hanning');
  });

  it("ignores surrounding blanks as Larch does (window.strip().lower()[:3]): ' Kaiser ' is kaiser", () => {
    expect(windowName(' Kaiser ')).toBe('kaiser');
  });

  it('refuses an unknown name with a message that lists the valid ones', () => {
    expect(() => windowName('boxcar')).toThrow(XafsError);
    expect(() => windowName('boxcar')).toThrow("unknown window 'boxcar' (--window): use one of hanning, fhanning, gaussian, kaiser, parzen, welch, sine, bessel");
    expect(() => ftWindow(kgrid, { window: 'ka' })).toThrow("unknown window 'ka' (--window): use one of hanning, fhanning, gaussian, kaiser, parzen, welch, sine, bessel");
    let caught: unknown;
    try {
      windowName('boxcar', '--rwindow');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(XafsError);
    expect((caught as XafsError).code).toBe('EOPTION');
    expect((caught as XafsError).message).toBe("unknown window 'boxcar' (--rwindow): use one of hanning, fhanning, gaussian, kaiser, parzen, welch, sine, bessel");
  });
});
