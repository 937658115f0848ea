// The faster per-spectrum paths of bench/speed.mjs give the numbers of the paths they replace:
// the one-pass row parser against parseRow (the reference rules, token by token), the LCF cache
// of normalized and registered standards against the known weights of exact mixtures (it must
// see standards changed in place), and pre_edge's bisection shortcuts against scans that need
// the linear rules (repeated energies).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRow, parseRowInto, RowSink } from '../../src/io/text.js';
import { readAscii } from '../../src/io/ascii.js';
import { readSpectrum } from '../../src/io/read.js';
import { preEdge } from '../../src/xafs/preEdge.js';
import { normalizeForEdges } from '../../src/xanes/edge.js';
import { lcf } from '../../src/xanes/lcf.js';
import type { XanesGroup } from '../../src/xanes/matrix.js';

const FIX = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** parseRowInto on line, embedded in other text, as an array (null for a non-numeric row). */
function viaSink(line: string): number[] | null {
  const text = `x ${line}\ny`;
  const sink = new RowSink();
  sink.push(-1); // values already in the sink stay untouched
  const n = parseRowInto(text, 2, 2 + line.length, sink);
  expect(sink.values[0]).toBe(-1);
  if (n < 0) {
    expect(sink.nvalues).toBe(1);
    return null;
  }
  expect(sink.nvalues).toBe(1 + n);
  return Array.from(sink.values.subarray(1, 1 + n));
}

describe('one-pass row parser', () => {
  // plain decimals, exponents, the cases that need the exact rules (more than 15 digits, an
  // exponent beyond ±22, underscores, nan/inf, dates) and words that are not numbers
  const tokens = [
    '8779.0', '-1.3070486', '+0.5', '.25', '5.', '-0', '0', '00012', '550643.089065', '-0.35992590E-01', '5.3850000e+03',
    '1e5', '1E-5', '1e+5', '7.5e22', '3e-23', '1e400', '1e-400', '1e0000000000000005', '12345678901234567', '9007199254740993',
    '0.000000000000000000000001', '1_000', 'nan', '-inf', 'Infinity', '2019-01-01', '1e', '1e+', '1.2.3', '1e5x', '-', '.', 'abc', '1D+00',
  ];
  it('gives the values and decisions of parseRow, bit for bit, for every pair of tokens and separator', () => {
    let checked = 0;
    for (const a of tokens) {
      for (const b of tokens) {
        for (const sep of [' ', '\t', ',', ' , ']) {
          const line = ` ${a}${sep}${b} `;
          const want = parseRow(line);
          const got = viaSink(line);
          if (want === null) expect(got).toBeNull();
          else {
            expect(got).not.toBeNull();
            expect(got!.length).toBe(want.length);
            want.forEach((v, i) => expect(Object.is(got![i], v)).toBe(true));
          }
          checked++;
        }
      }
    }
    expect(checked).toBe(tokens.length * tokens.length * 4);
  });

  it('rows of separators only are rows of no values (as parseRow reads them)', () => {
    expect(parseRow(' , ,')).toEqual([]);
    expect(viaSink(' , ,')).toEqual([]);
  });

  it('a column file reads the same numbers as a word-by-word float conversion', () => {
    const f = readAscii({ path: 'mem.dat', text: '# scan 12\n# energy mu\n8979.5  1.25e-1\n8980.0,0.5\n\n8980.5\t-2E+00\n# footer\n' });
    expect(f.labels).toEqual(['energy', 'mu']);
    expect(Array.from(f.columns[0]!.values)).toEqual([8979.5, 8980, 8980.5]);
    expect(Array.from(f.columns[1]!.values)).toEqual([0.125, 0.5, -2]);
    expect(f.rowLines).toEqual([3, 4, 6]);
    expect(f.footer).toEqual(['# footer']);
  });
});

describe('LCF standards cache', () => {
  /** Two smooth standards on one grid and a sample that is exactly 0.3·A + 0.7·B. */
  function mixture(scaleB: number): { a: XanesGroup; b: XanesGroup; sample: XanesGroup } {
    const n = 400;
    const energy = Float64Array.from({ length: n }, (_, i) => 7000 + 0.5 * i);
    const edge = (e0: number, w: number) => energy.map((e) => 1 / (1 + Math.exp(-(e - e0) / w)));
    const group = (name: string, norm: Float64Array): XanesGroup => ({ name, source: name, energy, e0: 7100, edgeStep: 1, norm, flat: norm, dmude: norm, normalizedInput: true });
    const A = edge(7095, 2);
    const B = edge(7105, 3).map((v, i) => scaleB * v + 0.1 * Math.sin(i / 15));
    const S = A.map((v, i) => 0.3 * v + 0.7 * B[i]!);
    return { a: group('A', A), b: group('B', B), sample: group('sample', S) };
  }
  const opts = { eshift: 'none' as const, normalization: 'own' as const };

  it('recovers the weights of an exact mixture on every call', () => {
    const { a, b, sample } = mixture(1);
    for (let k = 0; k < 3; k++) {
      const r = lcf(sample, [a, b], opts);
      expect(r.weights.A!.value).toBeCloseTo(0.3, 10);
      expect(r.weights.B!.value).toBeCloseTo(0.7, 10);
    }
  });

  it('sees a standard changed in place: the fit uses its new values', () => {
    const { a, b } = mixture(1);
    expect(lcf(mixture(1).sample, [a, b], opts).weights.B!.value).toBeCloseTo(0.7, 10);
    // the same objects, new values: the sample is now a mixture of the changed standards
    const changed = mixture(1.5);
    b.norm.set(changed.b.norm);
    const r = lcf(changed.sample, [a, b], opts);
    expect(r.weights.A!.value).toBeCloseTo(0.3, 10);
    expect(r.weights.B!.value).toBeCloseTo(0.7, 10);
  });

  it('gives the same fit with the standards cached as on the first call', () => {
    const { a, b, sample } = mixture(1.2);
    const noisy = { ...sample, norm: sample.norm.map((v, i) => v + 1e-3 * Math.cos(i)) };
    const first = lcf(noisy, [a, b], { sumToOne: true });
    const again = lcf(noisy, [{ ...a, norm: a.norm.slice() }, { ...b, norm: b.norm.slice() }], { sumToOne: true });
    expect(again).toEqual(first);
  });
});

describe('pre_edge shortcuts', () => {
  it('a scan with repeated energies normalizes as its de-duplicated copy does (the linear index rules)', () => {
    const s = readSpectrum(`${FIX}spectra/cu_metal_rt.xdi`, { mu: 'ln(i0/itrans)' });
    const energy = Float64Array.from(s.energy);
    energy[100] = energy[99]!; // a repeated point: remove_dups moves it up by 1e-7 eV
    const pe = preEdge({ energy, mu: s.mu });
    const nz = normalizeForEdges({ energy, mu: s.mu });
    expect(nz.energy[100]! - nz.energy[99]!).toBeCloseTo(1e-7, 11);
    expect(nz.energy).not.toBe(energy);
    expect(pe.e0).toBe(nz.e0);
    // the same as the energy without the repeat, away from the moved point
    const clean = preEdge(s);
    expect(pe.e0).toBe(clean.e0);
    expect(pe.edgeStep).toBeCloseTo(clean.edgeStep, 2);
  });
});

describe('least squares with fused passes (assembly/linalg.ts)', () => {
  /** Householder QR one column at a time (the loop order before the passes were fused), in JS. */
  function reference(A0: Float64Array, b0: Float64Array, m: number, n: number): Float64Array {
    const A = A0.slice();
    const b = b0.slice();
    const x = new Float64Array(n);
    const diag = new Float64Array(n);
    const kmax = Math.min(n, m);
    for (let k = 0; k < kmax; k++) {
      let norm = 0;
      for (let i = k; i < m; i++) norm += A[i * n + k]! * A[i * n + k]!;
      norm = Math.sqrt(norm);
      if (norm === 0) continue;
      const akk = A[k * n + k]!;
      const alpha = akk > 0 ? -norm : norm;
      A[k * n + k] = akk - alpha;
      let vnorm2 = 0;
      for (let i = k; i < m; i++) vnorm2 += A[i * n + k]! * A[i * n + k]!;
      diag[k] = alpha;
      if (vnorm2 === 0) continue;
      for (let j = k + 1; j < n; j++) {
        let s = 0;
        for (let i = k; i < m; i++) s += A[i * n + k]! * A[i * n + j]!;
        const f = (2 * s) / vnorm2;
        for (let i = k; i < m; i++) A[i * n + j] = A[i * n + j]! - f * A[i * n + k]!;
      }
      let s = 0;
      for (let i = k; i < m; i++) s += A[i * n + k]! * b[i]!;
      const f = (2 * s) / vnorm2;
      for (let i = k; i < m; i++) b[i] = b[i]! - f * A[i * n + k]!;
    }
    for (let k = kmax - 1; k >= 0; k--) {
      if (diag[k] === 0) continue;
      let s = b[k]!;
      for (let j = k + 1; j < n; j++) s -= A[k * n + j]! * x[j]!;
      x[k] = s / diag[k]!;
    }
    return x;
  }

  it('gives the column-at-a-time solution bit for bit (polynomial and random systems)', async () => {
    const { lstsq } = await import('../../src/wasm.js');
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (const [m, n] of [[50, 2], [590, 3], [40, 12], [7, 7]] as const) {
      const A = Float64Array.from({ length: m * n }, rand);
      const b = Float64Array.from({ length: m }, rand);
      const got = lstsq(A, b, m, n);
      const want = reference(A, b, m, n);
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });
});
