/**
 * What FEFF is run on: the input kinds `runFeff` accepts and the cluster they all become (the
 * absorber at the origin, every atom with its element and where it came from, for messages).
 * Shells given as (element, N, R) are placed on a sphere in well-separated directions.
 */
import { statSync } from 'node:fs';
import { XafsError } from '../errors.js';
import { canonicalElement } from './elements.js';

/** Absorption edges FEFF knows, with FEFF's hole numbers (the HOLE card of feff6l). */
export const EDGE_HOLES: Readonly<Record<string, number>> = { K: 1, L1: 2, L2: 3, L3: 4, M1: 5, M2: 6, M3: 7, M4: 8, M5: 9 };

/** Options every input kind shares. */
export interface FeffCommonOptions {
  /** Absorption edge: K, L1, L2, L3, M1..M5. @default 'K' */
  edge?: string;
  /** S0² written to the S02 (feff8l) or HOLE (feff6l) card; FEFF scales every path by it. @default 1 */
  s02?: number;
  /** Longest path half-length FEFF looks for (RPATH for feff8l, RMAX for feff6l), Å. For a CIF also the cluster radius. @default 5 */
  rmax?: number;
  /** Most legs per path (NLEG). @default 4 */
  nleg?: number;
  /** TITLE card. @default a description of the input */
  title?: string;
}

/** An atom in Cartesian coordinates, Å. */
export interface ClusterAtom {
  element: string;
  x: number;
  y: number;
  z: number;
  /** A name for messages and the ATOMS list (a CIF site label, 'line 5' of an XYZ file, ...). */
  label?: string;
}

/** A coordination shell: `n` atoms of `element` at distance `r` (Å) from the absorber. */
export interface ShellSpec {
  element: string;
  n: number;
  r: number;
}

export type FeffInput = FeffCommonOptions &
  (
    | {
        kind: 'cluster';
        /** The absorbing atom: an element (the first atom of that element) or a 0-based index into `atoms`. */
        absorber: string | number;
        atoms: ClusterAtom[];
      }
    | { kind: 'shells'; /** element of the absorber, placed at the origin */ absorber: string; shells: ShellSpec[] }
    | { kind: 'xyz'; file: string; /** an element (its first atom in the file) or a 0-based atom index */ absorber: string | number }
    | {
        kind: 'cif';
        file: string;
        /** element of the absorbing site */
        absorber: string;
        /** cluster radius (and RPATH), Å */
        rmax: number;
        /** site label when the absorber element has several inequivalent sites. @default the first */
        site?: string;
      }
    | { kind: 'inp'; /** an existing feff.inp, run as it is */ file: string }
  );

/** A cluster ready for feff.inp: atoms[0] is the absorber at the origin; atoms sorted by distance. */
export interface Cluster {
  atoms: (ClusterAtom & { r: number; label: string })[];
  /** What the cluster came from, for the TITLE and messages (a file name, 'shells', 'cluster'). */
  source: string;
  /** Choices made on the user's behalf (which absorber site, ...): the CLI prints them on stderr. */
  notes: string[];
}

/** Closest two atoms may come (Å) before the structure is refused as broken. */
export const MIN_DISTANCE = 0.5;

/** Most atoms a cluster may hold: what FEFF takes (its geometry arrays hold 800 atoms). */
export const MAX_CLUSTER_ATOMS = 800;

/** Largest structure file read (bytes): far above any real CIF or XYZ cluster, far below memory trouble. */
export const MAX_STRUCTURE_BYTES = 20_000_000;

/** Throws XafsError EOPTION when a cluster holds more atoms than FEFF takes, saying how to cut it. */
export function checkClusterSize(count: number, source: string, remedy: string): void {
  if (count > MAX_CLUSTER_ATOMS) {
    throw new XafsError('EOPTION', `${source}: ${count} atoms, more than FEFF takes (${MAX_CLUSTER_ATOMS}): ${remedy}`);
  }
}

/** Throws XafsError EFORMAT when a structure file is larger than MAX_STRUCTURE_BYTES (before reading it). */
export function checkStructureBytes(path: string, what: string): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return; // a missing file is reported by the reader
  }
  if (size > MAX_STRUCTURE_BYTES) {
    throw new XafsError('EFORMAT', `${path}: ${(size / 1e6).toFixed(1)} MB, more than the ${MAX_STRUCTURE_BYTES / 1e6} MB a ${what} may have here; FEFF takes at most ${MAX_CLUSTER_ATOMS} atoms: keep the atoms near the absorber`);
  }
}

const fmt = (x: number, d = 3): string => x.toFixed(d);

/**
 * The cluster of `atoms` around atom `absorberIndex`: translated so the absorber is at the
 * origin, elements spelled canonically, sorted by distance (stable), and checked: two atoms
 * closer than 0.5 Å are refused, naming both and the distance.
 */
export function centreCluster(atoms: ClusterAtom[], absorberIndex: number, source: string, notes: string[] = []): Cluster {
  checkClusterSize(atoms.length, source, `give the absorber and the atoms within a few Å more than rmax of it (rmax ≤ 12 Å)`);
  const a0 = atoms[absorberIndex]!;
  const out = atoms.map((a, i) => {
    if (typeof a !== 'object' || a === null || typeof a.element !== 'string') {
      throw new XafsError('EFORMAT', `atom ${i + 1} of ${source}: expected {"element": "N", "x": 1.95, "y": 0, "z": 0} (Å), got ${JSON.stringify(a)}`);
    }
    const label = a.label ?? `atom ${i + 1}`;
    const element = canonicalElement(a.element, `(${label} of ${source})`);
    for (const c of ['x', 'y', 'z'] as const) {
      if (!Number.isFinite(a[c])) throw new XafsError('EFORMAT', `${label} of ${source}: coordinate ${c} is not a finite number (${a[c]}): give x, y, z in Å`);
    }
    const x = a.x - a0.x;
    const y = a.y - a0.y;
    const z = a.z - a0.z;
    return { element, x, y, z, label, r: Math.hypot(x, y, z), i };
  });
  const abs = out[absorberIndex]!;
  const rest = out.filter((_, i) => i !== absorberIndex).sort((p, q) => p.r - q.r || p.i - q.i);
  const sorted = [abs, ...rest];
  checkDistances(sorted, source);
  return { atoms: sorted.map(({ i: _i, ...a }) => a), source, notes };
}

/** Throws XafsError EFORMAT when two atoms are closer than MIN_DISTANCE, naming both. */
export function checkDistances(atoms: (ClusterAtom & { label: string })[], source: string): void {
  // sort by x so that only neighbours within 0.5 Å in x are compared: O(n log n) for real clusters
  const order = atoms.map((_, i) => i).sort((p, q) => atoms[p]!.x - atoms[q]!.x || p - q);
  let worst: { i: number; j: number; d: number } | undefined;
  for (let a = 0; a < order.length; a++) {
    const p = atoms[order[a]!]!;
    for (let b = a + 1; b < order.length; b++) {
      const q = atoms[order[b]!]!;
      if (q.x - p.x >= MIN_DISTANCE) break;
      const d = Math.hypot(p.x - q.x, p.y - q.y, p.z - q.z);
      if (d < MIN_DISTANCE) {
        const [i, j] = order[a]! < order[b]! ? [order[a]!, order[b]!] : [order[b]!, order[a]!];
        if (!worst || i < worst.i || (i === worst.i && j < worst.j)) worst = { i, j, d };
      }
    }
  }
  if (worst) {
    const p = atoms[worst.i]!;
    const q = atoms[worst.j]!;
    throw new XafsError(
      'EFORMAT',
      `${source}: atoms ${p.element} (${p.label}) and ${q.element} (${q.label}) are ${fmt(worst.d)} Å apart, closer than ${MIN_DISTANCE} Å: a duplicated atom or coordinates not in Å; fix the structure`,
    );
  }
}

/** The index of the absorber in `atoms`: an index as given, or the first atom of that element. */
export function findAbsorber(atoms: ClusterAtom[], absorber: string | number, source: string, notes: string[]): number {
  if (typeof absorber === 'number') {
    if (!Number.isInteger(absorber) || absorber < 0 || absorber >= atoms.length) {
      throw new XafsError('EOPTION', `absorber index ${absorber} is outside 0..${atoms.length - 1} (${atoms.length} atoms in ${source}): give an atom index or an element`);
    }
    return absorber;
  }
  const el = canonicalElement(absorber, '(the absorber)');
  const hits = atoms.map((a, i) => [a, i] as const).filter(([a]) => a.element.trim().toLowerCase() === el.toLowerCase());
  if (hits.length === 0) {
    const present = [...new Set(atoms.map((a) => a.element))].join(', ');
    throw new XafsError('EOPTION', `absorber ${el} is not in ${source} (elements: ${present}): give --absorber one of those`);
  }
  if (hits.length > 1) {
    const [a, i] = hits[0]!;
    notes.push(`${source} has ${hits.length} ${el} atoms: the absorber is the first (${a.label ?? `atom ${i + 1}`}); the others are scatterers`);
  }
  return hits[0]![1];
}

// ---------------------------------------------------------------------------------------------
// Shells on a sphere

type Vec = [number, number, number];

const norm = (v: Vec): Vec => {
  const l = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / l, v[1] / l, v[2] / l];
};

/**
 * `n` unit vectors spread over the sphere: the ideal polyhedron for the common coordination
 * numbers (1 terminal, 2 linear, 3 trigonal, 4 tetrahedral, 5 trigonal bipyramid, 6 octahedral,
 * 8 cube, 12 cuboctahedral as in fcc metals), else a Fibonacci (golden-angle) sphere.
 */
export function sphereDirections(n: number): Vec[] {
  const s = Math.SQRT1_2;
  const t = 1 / Math.sqrt(3);
  switch (n) {
    case 1:
      return [[0, 0, 1]];
    case 2:
      return [
        [0, 0, 1],
        [0, 0, -1],
      ];
    case 3:
      return [0, 1, 2].map((i) => [Math.cos((2 * Math.PI * i) / 3), Math.sin((2 * Math.PI * i) / 3), 0] as Vec);
    case 4:
      return [
        [t, t, t],
        [t, -t, -t],
        [-t, t, -t],
        [-t, -t, t],
      ];
    case 5:
      return [[0, 0, 1], [0, 0, -1], ...[0, 1, 2].map((i) => [Math.cos((2 * Math.PI * i) / 3), Math.sin((2 * Math.PI * i) / 3), 0] as Vec)];
    case 6:
      return [
        [1, 0, 0],
        [-1, 0, 0],
        [0, 1, 0],
        [0, -1, 0],
        [0, 0, 1],
        [0, 0, -1],
      ];
    case 8: {
      const v: Vec[] = [];
      for (const a of [1, -1]) for (const b of [1, -1]) for (const c of [1, -1]) v.push([a * t, b * t, c * t]);
      return v;
    }
    case 12: {
      const v: Vec[] = [];
      for (const a of [1, -1]) for (const b of [1, -1]) v.push([a * s, b * s, 0], [a * s, 0, b * s], [0, a * s, b * s]);
      return v;
    }
    default: {
      const v: Vec[] = [];
      const golden = Math.PI * (3 - Math.sqrt(5));
      for (let i = 0; i < n; i++) {
        const z = 1 - (2 * (i + 0.5)) / n;
        const rho = Math.sqrt(1 - z * z);
        v.push([rho * Math.cos(golden * i), rho * Math.sin(golden * i), z]);
      }
      return v;
    }
  }
}

/** Rotation matrix from z-y-z Euler angles (radians). */
function euler(a: number, b: number, c: number): number[] {
  const [ca, sa, cb, sb, cc, sc] = [Math.cos(a), Math.sin(a), Math.cos(b), Math.sin(b), Math.cos(c), Math.sin(c)];
  return [ca * cb * cc - sa * sc, -ca * cb * sc - sa * cc, ca * sb, sa * cb * cc + ca * sc, -sa * cb * sc + ca * cc, sa * sb, -sb * cc, sb * sc, cb];
}
const rotate = (m: number[], v: Vec): Vec => [m[0]! * v[0] + m[1]! * v[1] + m[2]! * v[2], m[3]! * v[0] + m[4]! * v[1] + m[5]! * v[2], m[6]! * v[0] + m[7]! * v[1] + m[8]! * v[2]];

// Orientations tried for the second and later shells: the identity first, then a 30° Euler grid,
// then the best of those refined by halving steps (deterministic, so the feff.inp is reproducible).
const GRID: [number, number, number][] = (() => {
  const list: [number, number, number][] = [[0, 0, 0]];
  const step = Math.PI / 6;
  for (let b = 1; b <= 6; b++) for (let a = 0; a < 12; a++) for (let c = 0; c < 12; c++) list.push([a * step, b * step, c * step]);
  return list;
})();

/** The orientation (Euler angles) of `dirs` at radius r that keeps them farthest from `placed`. */
function bestOrientation(dirs: Vec[], r: number, placed: ClusterAtom[]): number[] {
  const score = (e: [number, number, number]): number => {
    const m = euler(...e);
    let min = Infinity;
    for (const d of dirs) {
      const p = rotate(m, d);
      for (const q of placed) min = Math.min(min, Math.hypot(p[0] * r - q.x, p[1] * r - q.y, p[2] * r - q.z));
    }
    return min;
  };
  let best = GRID[0]!;
  let bestScore = score(best);
  for (const e of GRID) {
    const sc = score(e);
    if (sc > bestScore + 1e-9) [best, bestScore] = [e, sc];
  }
  for (let step = Math.PI / 12; step > 1e-3; step /= 2) {
    let improved = true;
    while (improved) {
      improved = false;
      for (let k = 0; k < 3; k++)
        for (const sgn of [1, -1]) {
          const e = [...best] as [number, number, number];
          e[k] += sgn * step;
          const sc = score(e);
          if (sc > bestScore + 1e-9) {
            [best, bestScore, improved] = [e, sc, true];
          }
        }
    }
  }
  return euler(...best);
}

/**
 * The cluster of an absorber and shells of (element, N, R): each shell's directions from
 * sphereDirections, the first shell as is, each later shell turned (among a fixed grid of
 * orientations, so the result is reproducible) to stay as far as possible from the atoms already
 * placed (a 30° grid of orientations, refined). Refused like any cluster when two atoms still come closer than 0.5 Å.
 */
export function shellCluster(absorber: string, shells: ShellSpec[]): Cluster {
  const abs = canonicalElement(absorber, '(the absorber)');
  if (!Array.isArray(shells) || shells.length === 0) throw new XafsError('EOPTION', 'no shells given: give at least one shell (element, N, R in Å)');
  const atoms: ClusterAtom[] = [{ element: abs, x: 0, y: 0, z: 0, label: 'absorber' }];
  shells.forEach((sh, s) => {
    const where = `shell ${s + 1}`;
    if (typeof sh !== 'object' || sh === null || typeof sh.element !== 'string') {
      throw new XafsError('EFORMAT', `${where}: expected {"element": "N", "n": 4, "r": 1.95} (r in Å), got ${JSON.stringify(sh)}`);
    }
    const el = canonicalElement(sh.element, `(${where})`);
    if (!Number.isInteger(sh.n) || sh.n < 1 || sh.n > 48) throw new XafsError('EOPTION', `${where} (${el}): N must be a whole number from 1 to 48, got ${sh.n}`);
    if (!Number.isFinite(sh.r) || sh.r <= 0) throw new XafsError('EOPTION', `${where} (${el}): R must be a positive distance in Å, got ${sh.r}`);
    const dirs = sphereDirections(sh.n);
    const best = atoms.length > 1 ? bestOrientation(dirs, sh.r, atoms.slice(1)) : euler(0, 0, 0);
    dirs.forEach((d, i) => {
      const p = norm(rotate(best, d));
      // round to 1e-6 Å (what feff.inp holds) so the feff.inp text (and so the cache key) does not depend on the last bit
      const round = (v: number) => Math.round(v * sh.r * 1e6) / 1e6 + 0;
      atoms.push({ element: el, x: round(p[0]), y: round(p[1]), z: round(p[2]), label: `${where}, atom ${i + 1} of ${sh.n}` });
    });
  });
  return centreCluster(atoms, 0, 'shells');
}
