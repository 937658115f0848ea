/**
 * The built-in path library (library/paths/, made by scripts/make-path-library.mjs with FEFF8L):
 * single-scattering first-shell paths for common absorber–scatterer pairs and the metal foils, so
 * first-shell fits need no FEFF. See library/paths/README.md for how each entry was made.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XafsError } from '../errors.js';

export interface LibraryEntry {
  /** Absorbing element ('Cu'). */
  absorber: string;
  /** Edge ('K', 'L3'). */
  edge: string;
  /** Scattering element ('N'). */
  scatterer: string;
  /** 'pair': a model cluster of the absorber and one shell of the scatterer; 'foil': the metal's crystal structure. */
  kind: 'pair' | 'foil';
  /** Half path length of the path, Å. */
  reff: number;
  /** Degeneracy of the path in its model cluster (the coordination number there). */
  degen: number;
  /** Absolute path of the feffNNNN.dat. */
  file: string;
  /** Absolute path of the feff.inp it came from. */
  inp: string;
}

interface IndexFile {
  generated: string;
  feff: string;
  entries: (Omit<LibraryEntry, 'file' | 'inp'> & { file: string; inp: string })[];
}

/** The package's folder: two levels above this file, in src/feff (vitest, tsx) and in dist/feff. */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** The library folder (library/paths in the package). */
export function libraryDir(): string {
  return join(packageRoot(), 'library', 'paths');
}

let cache: { feff: string; generated: string; entries: LibraryEntry[] } | undefined;

function load(): { feff: string; generated: string; entries: LibraryEntry[] } {
  if (cache) return cache;
  const dir = libraryDir();
  const index = join(dir, 'index.json');
  if (!existsSync(index)) {
    throw new XafsError('ENOENT', `the path library is missing (${index} not found): reinstall xafs, or regenerate it with \`node scripts/make-path-library.mjs\` (needs feff8l)`);
  }
  const json = JSON.parse(readFileSync(index, 'utf8')) as IndexFile;
  cache = {
    feff: json.feff,
    generated: json.generated,
    entries: json.entries.map((e) => ({ ...e, file: join(dir, e.file), inp: join(dir, e.inp) })),
  };
  return cache;
}

/** Every entry of the library, in index order. */
export function libraryEntries(): LibraryEntry[] {
  return load().entries.map((e) => ({ ...e }));
}

/** The FEFF program and version the library was made with. */
export function libraryFeffVersion(): string {
  return load().feff;
}

/**
 * The library path of `scatterer` around `absorber` (element symbols, any case) at `edge`
 * (default: the edge the library has for that absorber: K, or L3 for Ir, Pt, Au). A 'pair' entry
 * is preferred; for a metal around itself the 'foil' entry is the fallback (and `libraryEntries`
 * lists both). Undefined when the library has no such path.
 */
export function findLibraryPath(absorber: string, scatterer: string, edge?: string): LibraryEntry | undefined {
  const a = absorber.trim().toLowerCase();
  const s = scatterer.trim().toLowerCase();
  const e = edge?.trim().toUpperCase();
  const hits = load().entries.filter((x) => x.absorber.toLowerCase() === a && x.scatterer.toLowerCase() === s && (e === undefined || x.edge === e));
  const hit = hits.find((x) => x.kind === 'pair') ?? hits[0];
  return hit ? { ...hit } : undefined;
}
