// Test helpers: fixture readers and error measures. Fixtures live in fixtures/xafs/ (see its
// README for provenance); nothing here needs Larch or /work/shared at run time.
import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../../fixtures/xafs/', import.meta.url);

export function fixturePath(name: string): URL {
  return new URL(name, FIXTURES);
}

export function readJson<T = any>(name: string): T {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as T;
}

/** A golden CSV: one `#` provenance line, one header line, then numbers. Columns by header name. */
export function readCsv(name: string): Record<string, Float64Array> {
  const lines = readFileSync(fixturePath(name), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const header = lines[0].split(',').map((h) => h.trim());
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  const out: Record<string, Float64Array> = {};
  header.forEach((h, j) => (out[h] = Float64Array.from(rows, (r) => r[j])));
  return out;
}

/** A plain XDI file: `#` header lines, then whitespace-separated numeric columns. */
export function readXdiColumns(name: string): Float64Array[] {
  const rows = readFileSync(fixturePath(name), 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))
    .map((l) => l.trim().split(/\s+/).map(Number));
  return rows[0].map((_, j) => Float64Array.from(rows, (r) => r[j]));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return NaN; // a NaN must never pass a `<` check
    if (d > m) m = d;
  }
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i])); // Math.max propagates NaN
  return m;
}

/** ‖a − b‖₂ / ‖b‖₂ (b is the reference). */
export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

export function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

/** Deterministic uniform numbers in [0, 1) (mulberry32), so failures reproduce. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function slice<T extends ArrayLike<number>>(a: T, lo: number, hi: number): number[] {
  return Array.from(a).slice(lo, hi);
}
