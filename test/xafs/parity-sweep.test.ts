// Larch parity on example spectra beyond the shared reference set (fixtures/parity: copies of
// python-xraylarch-doc 0.9.58 examples/xafsdata, Larch's answers in larch_parity.json).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { readSpectrum } from '../../src/io/index.js';
import { autobk, preEdge, xftf } from '../../src/xafs/index.js';

interface Case {
  mu: string;
  e0: number;
  edge_step: number;
  pre: [number, number, number, number, number];
  nspl: number;
  nfev: number;
  xftf_kmax: number;
  chi: number[];
  chir_mag: number[];
}
const ref = JSON.parse(readFileSync('fixtures/parity/larch_parity.json', 'utf8')) as { spectra: Record<string, Case> };

function relL2(a: ArrayLike<number>, b: number[], lo = 0, hi = b.length): number {
  let num = 0;
  let den = 0;
  for (let i = lo; i < hi; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

describe('pre_edge → autobk → xftf match Larch 0.9.58 on spectra outside the reference set', () => {
  for (const [file, want] of Object.entries(ref.spectra)) {
    test(`${file} (μ = ${want.mu})`, () => {
      const s = readSpectrum(`fixtures/parity/${file}`, { mu: want.mu });
      const pe = preEdge(s);
      expect(pe.e0).toBe(want.e0);
      expect(Math.abs(pe.edgeStep / want.edge_step - 1)).toBeLessThan(1e-9);
      const d = pe.preEdge;
      expect([d.pre1, d.pre2, d.norm1, d.norm2, d.nnorm]).toEqual(want.pre);
      const bk = autobk({ ...s, ...pe }, { rbkg: 1, kweight: 2 });
      expect(bk.autobkDetails.nspl).toBe(want.nspl);
      expect(bk.autobkDetails.nfev).toBe(want.nfev);
      expect(bk.chi.length).toBe(want.chi.length);
      // k from 2 to 12 Å⁻¹ (indices 40..240), the scoreboard's range; agreement is ~1e-13
      expect(relL2(bk.chi, want.chi, 40, Math.min(241, want.chi.length))).toBeLessThan(1e-9);
      const ft = xftf(bk, { kmin: 3, kmax: want.xftf_kmax, dk: 1, window: 'hanning', kweight: 2 });
      expect(relL2(ft.chirMag, want.chir_mag)).toBeLessThan(1e-9);
    });
  }
});
