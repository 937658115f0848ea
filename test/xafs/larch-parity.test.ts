// Cu metal at room temperature (cu_metal_rt.xdi, μ = mutrans) against Larch 0.9.58's full-precision
// golden arrays (fixtures/xafs/cu_*.csv) and the reference numbers of docs/conventions.md §A.
import { describe, expect, it } from 'vitest';
import { autobk, preEdge, xftf } from '../../src/xafs/index.js';
import { RSTEP } from '../../src/constants.js';
import { argmax, maxAbsDiff, readCsv, readJson, readXdiColumns, relL2 } from './helpers.js';

const [energy, , , mu] = readXdiColumns('cu_metal_rt.xdi'); // energy i0 itrans mutrans
const goldE = readCsv('cu_energy.csv');
const goldK = readCsv('cu_k.csv');
const goldR = readCsv('cu_r.csv');
const rel = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe('the Cu fixtures', () => {
  it('cu_metal_rt.xdi has 408 points and is the input of the golden arrays', () => {
    expect(energy.length).toBe(408);
    expect(goldE.energy.length).toBe(408);
    expect(Array.from(energy)).toEqual(Array.from(goldE.energy));
    expect(Array.from(mu)).toEqual(Array.from(goldE.mu));
    expect(goldK.k.length).toBe(350);
    expect(goldR.r.length).toBe(326);
  });
});

describe('preEdge(cu) with all defaults equals Larch pre_edge', () => {
  const pe = preEdge({ energy, mu });

  it('e0 = 8980.5 eV exactly (find_e0 picks a grid point)', () => {
    expect(pe.e0).toBe(8980.5);
  });

  it('edge step 2.8372324962792717 within 1e-9 relative', () => {
    expect(rel(pe.edgeStep, 2.8372324962792717)).toBeLessThan(1e-9);
  });

  it('derives pre1 = −190, pre2 = −65, norm1 = 150, norm2 = 1165, nnorm = 2', () => {
    const { pre1, pre2, norm1, norm2, nnorm } = pe.preEdge;
    expect({ pre1, pre2, norm1, norm2, nnorm }).toEqual({ pre1: -190, pre2: -65, norm1: 150, norm2: 1165, nnorm: 2 });
  });

  it('pre-edge line and post-edge polynomial coefficients match Appendix A (1e-9 relative)', () => {
    expect(rel(pe.preEdge.slope, -2.868910989010952e-4)).toBeLessThan(1e-9);
    expect(rel(pe.preEdge.offset, 1.2207646341757914)).toBeLessThan(1e-9);
    const want = [52.98910937383439, -0.009859141424186778, 4.7598806789782167e-7];
    pe.preEdge.normCoefs.forEach((c, j) => expect(rel(c, want[j])).toBeLessThan(1e-9));
  });

  it('norm: max abs difference < 1e-12 against cu_energy.csv', () => {
    expect(maxAbsDiff(pe.norm, goldE.norm)).toBeLessThan(1e-12);
  });

  it('pre-edge line and post-edge curve: max abs difference < 1e-10', () => {
    expect(maxAbsDiff(pe.preEdgeLine, goldE.pre_edge)).toBeLessThan(1e-10);
    expect(maxAbsDiff(pe.postEdgeCurve, goldE.post_edge)).toBeLessThan(1e-10);
  });

  it('flat: max abs difference < 1e-7 (Larch fits it with a loose nonlinear fit)', () => {
    expect(maxAbsDiff(pe.flat, goldE.flat)).toBeLessThan(1e-7);
  });

  it('dmude: max abs difference < 1e-12', () => {
    expect(maxAbsDiff(pe.dmude, goldE.dmude)).toBeLessThan(1e-12);
  });
});

describe('autobk(cu, rbkg = 1, kweight = 2) equals Larch autobk', () => {
  const pe = preEdge({ energy, mu });
  const bk = autobk({ energy, mu, e0: pe.e0, edgeStep: pe.edgeStep }, { rbkg: 1, kweight: 2 });
  const d = bk.autobkDetails;

  it('uses nspl = 12 knots, irbkg = 33, kmax = 17.48914526600019 and 350 k points (0 … 17.45)', () => {
    expect(d.nspl).toBe(12);
    expect(d.irbkg).toBe(33);
    expect(rel(d.kmax, 17.48914526600019)).toBeLessThan(1e-12);
    expect(bk.k.length).toBe(350);
    expect(bk.k[349]).toBeCloseTo(17.45, 12);
    expect(maxAbsDiff(bk.k, goldK.k)).toBeLessThan(1e-12);
  });

  it('places the knots of Appendix A (to 1e-8)', () => {
    const inner = [3.20015515, 4.76881291, 6.37790081, 7.93275752, 9.53571304, 11.13748746, 12.73849542, 14.28900842];
    const kend = 17.48914527;
    const want = [0, 0, 0, 0, ...inner, kend, kend, kend, kend];
    expect(d.knotsK.length).toBe(16);
    expect(maxAbsDiff(d.knotsK, want)).toBeLessThan(1e-8);
  });

  it('χ(k): relative L2 < 1e-6 against cu_k.csv', () => {
    expect(relL2(bk.chi, goldK.chi)).toBeLessThan(1e-6);
  });

  it('χ(2, 5, 10, 15) match Appendix A within 1e-5 relative', () => {
    const want: [number, number][] = [
      [2, 0.11749579324115877],
      [5, 0.06342354866391275],
      [10, -0.007011954695680887],
      [15, 0.0004506382015599308],
    ];
    for (const [k, v] of want) expect(rel(bk.chi[Math.round(k / 0.05)], v)).toBeLessThan(1e-5);
  });

  it('background: max abs difference < 1e-6 against cu_energy.csv (raw μ units)', () => {
    expect(maxAbsDiff(bk.bkg, goldE.bkg)).toBeLessThan(1e-6);
  });

  it('χ(E) (chie): max abs difference < 1e-6', () => {
    expect(maxAbsDiff(bk.chie, goldE.chie)).toBeLessThan(1e-6);
  });

  it('chisqr 0.00452512131972581 within 1e-6 relative', () => {
    expect(rel(d.chisqr, 0.00452512131972581)).toBeLessThan(1e-6);
  });

  it("follows Larch's optimizer (MINPACK lmdif): 53 function evaluations, as Larch reports", () => {
    expect(d.nfev).toBe(53);
  });

  it("solver 'exact' reaches a χ² no larger than Larch's stopping point, with χ(k) within 1e-6 (relative L2)", () => {
    const exact = autobk({ energy, mu, e0: pe.e0, edgeStep: pe.edgeStep }, { rbkg: 1, kweight: 2, solver: 'exact' });
    expect(exact.autobkDetails.chisqr).toBeLessThanOrEqual(d.chisqr);
    expect(relL2(exact.chi, goldK.chi)).toBeLessThan(1e-6);
  });

  it('gives the same answer when it runs pre_edge itself (no e0 or edge step given)', () => {
    const own = autobk({ energy, mu }, { rbkg: 1, kweight: 2 });
    expect(own.e0).toBe(8980.5);
    expect(rel(own.edgeStep, 2.8372324962792717)).toBeLessThan(1e-9);
    expect(relL2(own.chi, goldK.chi)).toBeLessThan(1e-6);
  });
});

describe('xftf(cu χ, kmin = 3, kmax = 15, dk = 2, kweight = 2, hanning) equals Larch xftf', () => {
  const opts = { kmin: 3, kmax: 15, dk: 2, kweight: 2, window: 'hanning' } as const;
  const bk = autobk({ energy, mu }, { rbkg: 1, kweight: 2 });
  const ft = xftf(bk, opts);

  it('kwin: max abs difference < 1e-12', () => {
    expect(ft.kwin.length).toBe(350);
    expect(maxAbsDiff(ft.kwin, goldK.kwin)).toBeLessThan(1e-12);
  });

  it('R grid: 326 points of 0.030679615757712823 Å', () => {
    expect(ft.r.length).toBe(326);
    expect(rel(ft.rstep, 0.030679615757712823)).toBeLessThan(1e-15);
    expect(maxAbsDiff(ft.r, goldR.r)).toBeLessThan(1e-12);
  });

  it('|χ(R)|: relative L2 < 1e-6 against cu_r.csv', () => {
    expect(relL2(ft.chirMag, goldR.chir_mag)).toBeLessThan(1e-6);
  });

  it('xftf(χ) peaks at R ≈ 2.24 Å for Cu metal: 3.7297931240440794 at R = 2.2396119503130363 (1e-5 relative)', () => {
    const ip = argmax(ft.chirMag);
    expect(rel(ft.r[ip], 2.2396119503130363)).toBeLessThan(1e-5);
    expect(rel(ft.chirMag[ip], 3.7297931240440794)).toBeLessThan(1e-5);
    expect(ip).toBe(73);
  });

  it("applied to Larch's own χ(k), reproduces Larch's χ(R) re/im to 1e-12 (the transform alone)", () => {
    const alone = xftf({ k: goldK.k, chi: goldK.chi }, opts);
    expect(maxAbsDiff(alone.kwin, goldK.kwin)).toBeLessThan(1e-12);
    expect(maxAbsDiff(alone.chirRe, goldR.chir_re)).toBeLessThan(1e-12);
    expect(maxAbsDiff(alone.chirIm, goldR.chir_im)).toBeLessThan(1e-12);
    expect(maxAbsDiff(alone.chirMag, goldR.chir_mag)).toBeLessThan(1e-12);
  });
});

describe('autobk(cu) with all defaults (kweight = 1), then xftf kaiser', () => {
  const ref = readJson<{ e0: number; edge_step: number; k: number[]; chi: number[]; r: number[]; chir_mag: number[]; peak: { index: number; r: number; chir_mag: number } }>(
    'cu_autobk_defaults.json',
  );
  const bk = autobk({ energy, mu });

  it('χ(3, 6, 9, 12) = −0.07531116, −0.00287985, 0.01518965, 0.00190859 (Appendix A, within 1e-5 relative)', () => {
    const want: [number, number][] = [
      [3, -0.07531116],
      [6, -0.00287985],
      [9, 0.01518965],
      [12, 0.00190859],
    ];
    for (const [k, v] of want) expect(rel(bk.chi[Math.round(k / 0.05)], v)).toBeLessThan(1e-5);
  });

  it('takes 52 function evaluations, as Larch reports', () => {
    expect(bk.autobkDetails.nfev).toBe(52);
  });

  it('χ(k): relative L2 < 1e-6 against the full Larch array (cu_autobk_defaults.json)', () => {
    expect(bk.e0).toBe(ref.e0);
    expect(bk.chi.length).toBe(ref.chi.length);
    expect(relL2(bk.chi, ref.chi)).toBeLessThan(1e-6);
  });

  it('xftf(kmin = 2, kmax = 16, dk = 3, kweight = 2, kaiser) peaks at 3.240178419138131 at R = 2.2396 Å (1e-5 relative)', () => {
    const ft = xftf(bk, { kmin: 2, kmax: 16, dk: 3, kweight: 2, window: 'kaiser' });
    const ip = argmax(ft.chirMag);
    expect(rel(ft.chirMag[ip], 3.240178419138131)).toBeLessThan(1e-5);
    expect(rel(ft.r[ip], 2.2396)).toBeLessThan(1e-5);
    expect(ft.r[ip]).toBe(73 * RSTEP);
    expect(relL2(ft.chirMag, ref.chir_mag)).toBeLessThan(1e-6);
  });
});
