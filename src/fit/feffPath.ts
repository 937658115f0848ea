/**
 * FEFF scattering paths: feff.dat → FeffPath (tables resident in the WASM core) → χ(k), as
 * Larch 0.9.58 feffpath / path2chi / ff2chi compute it (docs/conventions.md §4.1–4.3).
 */
import { XafsError } from '../errors.js';
import { readFeffDat } from '../io/feffdat.js';
import type { TextSource } from '../io/text.js';
import * as wasm from '../wasm.js';
import { atomicMass, elementSymbol } from './masses.js';
import { PATH_PARAM_NAMES, type FeffPath, type PathParams } from './types.js';

/** Larch refuses χ(k) for paths shorter than this (Å). */
const MIN_REFF = 0.05;

/**
 * Reads a feff.dat path file and registers its tables in the WASM core.
 * Atoms come from the path geometry, absorber first, named by element (FEFF8 may label atoms with
 * potential labels; the label is ignored, iz decides). `reducedMass` is the Einstein-model mass
 * 1/Σ 1/max(0.1, m_i) over every atom of the geometry, absorber included (Larch sigma2_eins);
 * `reportMass(path)` gives Larch's FeffDatFile.rmass. The tables stay in WASM memory until
 * releaseFeffPath(path).
 * Throws XafsError EFEFF for a malformed file or reff < 0.05 Å, ENOENT when missing.
 */
export function loadFeffPath(file: string | TextSource): FeffPath {
  const dat = readFeffDat(file);
  const name = dat.path;
  if (!(dat.reff >= MIN_REFF)) {
    throw new XafsError('EFEFF', `${name}: reff = ${dat.reff} Å is below ${MIN_REFF} Å, too short for χ(k) (Larch refuses it too); use a path with a scatterer`);
  }
  for (let i = 1; i < dat.k.length; i++) {
    if (!(dat.k[i]! > dat.k[i - 1]!)) {
      throw new XafsError('EFEFF', `${name}: the k column of the table is not increasing at row ${i + 1} (${dat.k[i]} after ${dat.k[i - 1]}); rerun FEFF or restore the file`);
    }
  }
  if (dat.geom.length < 2) {
    throw new XafsError('EFEFF', `${name}: the path lists ${dat.geom.length} atom(s), expected the absorber and at least one scatterer; rerun FEFF or restore the file`);
  }
  const atoms = dat.geom.map((a) => {
    if (!Number.isInteger(a.iz) || a.iz < 1 || a.iz > 98) {
      throw new XafsError('EFEFF', `${name}: atom '${a.label}' has atomic number ${a.iz}, expected 1..98; rerun FEFF or restore the file`);
    }
    return { label: elementSymbol(a.iz), iz: a.iz, x: a.x, y: a.y, z: a.z, mass: atomicMass(a.iz) };
  });
  let inv = 0;
  for (const a of atoms) inv += 1 / Math.max(0.1, a.mass);
  const handle = wasm.registerFeffPath(dat.k, dat.pha, dat.amp, dat.rep, dat.lam, dat.reff);
  return {
    file: name,
    dat,
    reff: dat.reff,
    degen: dat.degen,
    nleg: dat.nleg,
    rnorman: dat.rnorman,
    atoms,
    // Larch sigma2_eins: 1/max(1e-12, Σ 1/max(0.1, m_i))
    reducedMass: 1 / Math.max(1e-12, inv),
    label: atoms.map((a) => a.label).join('-'),
    handle,
  };
}

/**
 * Larch's FeffDatFile.rmass, the reduced mass its reports print: 1/Σ 1/max(1, m_i) over the
 * path's atoms (amu). Equal to path.reducedMass for every real element (all masses exceed 1 amu).
 */
export function reportMass(path: FeffPath): number {
  let inv = 0;
  for (const a of path.atoms) inv += 1 / Math.max(1, a.mass);
  return 1 / inv;
}

/** Frees the path's tables in the WASM core; the path cannot compute χ(k) afterwards. */
export function releaseFeffPath(path: FeffPath): void {
  if (wasm.feffPathValid(path.handle)) wasm.freeFeffPath(path.handle);
}

/** Larch's path-parameter defaults: degen from the file, s02 = 1, every other parameter 0. */
export function pathParams(path: FeffPath, params: Partial<PathParams> = {}): PathParams {
  const out = { degen: path.degen, s02: 1, e0: 0, ei: 0, deltar: 0, sigma2: 0, third: 0, fourth: 0 } as PathParams;
  for (const name of PATH_PARAM_NAMES) {
    const v = params[name];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new XafsError('EOPTION', `path ${path.label} (${path.file}): ${name} = ${String(v)} is not a finite number`);
    }
    out[name] = v;
  }
  return out;
}

export interface PathChiOptions {
  /**
   * Explicit k values (Å⁻¹). When given, kmax and kstep are ignored.
   * @default the uniform grid kstep·[0 … trunc(1.01 + kmax/kstep))
   */
  k?: ArrayLike<number>;
  /**
   * Last k of the uniform grid (Å⁻¹), capped by the table's last k.
   * @default min(last k of the feff.dat table, 30)
   */
  kmax?: number;
  /**
   * Step of the uniform grid (Å⁻¹).
   * @default 0.05
   */
  kstep?: number;
}

export interface PathChi {
  /** k (Å⁻¹). */
  k: Float64Array;
  /** χ(k) = Im χ̃. */
  chi: Float64Array;
  /** −Re χ̃ (Larch chi_imag). */
  chiImag: Float64Array;
}

function checkHandle(path: FeffPath): void {
  if (!wasm.feffPathValid(path.handle)) {
    throw new XafsError('EOPTION', `path ${path.label} (${path.file}) was released (releaseFeffPath); load it again with loadFeffPath`);
  }
}

/** Larch _calc_chi's grid: kmax = min(table's last k, kmax ?? 30), n = trunc(1.01 + kmax/kstep). */
function uniformGrid(paths: FeffPath[], opts: PathChiOptions): { nk: number; kstep: number } {
  const kstep = opts.kstep ?? 0.05;
  if (!(kstep > 0) || !Number.isFinite(kstep)) throw new XafsError('EOPTION', `kstep = ${opts.kstep} must be a positive number of Å⁻¹ (default 0.05)`);
  const kmaxOpt = opts.kmax ?? 30;
  if (!(kmaxOpt > 0) || !Number.isFinite(kmaxOpt)) throw new XafsError('EOPTION', `kmax = ${opts.kmax} must be a positive number of Å⁻¹ (default 30, capped by the feff.dat table)`);
  let kmax = kmaxOpt;
  for (const p of paths) kmax = Math.min(kmax, p.dat.k[p.dat.k.length - 1]!);
  const nk = Math.trunc(1.01 + kmax / kstep);
  if (nk < 3) throw new XafsError('EOPTION', `the k grid has ${nk} points (kmax ${kmax}, kstep ${kstep}): χ(k) needs at least 3; raise kmax or lower kstep`);
  return { nk, kstep };
}

function explicitK(k: ArrayLike<number>): Float64Array {
  const kv = Float64Array.from(k);
  if (kv.length < 3) throw new XafsError('EOPTION', `k has ${kv.length} values: χ(k) needs at least 3 (the first point is extrapolated from the next two)`);
  if (!kv.every(Number.isFinite)) throw new XafsError('EOPTION', 'k holds a value that is not a finite number');
  return kv;
}

/**
 * χ(k) of one path (Larch path2chi): the EXAFS equation with the e0-shifted q, spline lookup
 * (extrapolating) of the feff.dat tables, complex p with ei, and the first point extrapolated
 * linearly. Parameters not given take Larch's defaults (see pathParams).
 */
export function pathChi(path: FeffPath, params: Partial<PathParams> = {}, opts: PathChiOptions = {}): PathChi {
  checkHandle(path);
  const pars = pathParams(path, params);
  if (opts.k !== undefined) {
    const k = explicitK(opts.k);
    return { k, ...wasm.pathChiAt(path.handle, pars, k) };
  }
  const { nk, kstep } = uniformGrid([path], opts);
  const k = Float64Array.from({ length: nk }, (_, n) => kstep * n);
  return { k, ...wasm.pathChi(path.handle, pars, nk, kstep) };
}

/**
 * Σ χ(k) of several paths on one grid (Larch ff2chi). params[i] belongs to paths[i]; a single
 * object applies to every path. The default grid ends at the smallest table end of the paths
 * (Larch uses each path's own, and fails when they differ).
 */
export function ff2chi(paths: FeffPath[], params: Partial<PathParams>[] | Partial<PathParams> = {}, opts: PathChiOptions = {}): { k: Float64Array; chi: Float64Array } {
  if (paths.length === 0) throw new XafsError('EOPTION', 'ff2chi needs at least one path');
  if (Array.isArray(params) && params.length !== paths.length) {
    throw new XafsError('EOPTION', `ff2chi got ${params.length} parameter sets for ${paths.length} paths: give one per path, or one object for all`);
  }
  const parsOf = (i: number): Partial<PathParams> => (Array.isArray(params) ? params[i]! : params);
  for (const p of paths) checkHandle(p);
  if (opts.k !== undefined) {
    const k = explicitK(opts.k);
    const chi = new Float64Array(k.length);
    paths.forEach((p, i) => {
      const c = wasm.pathChiAt(p.handle, pathParams(p, parsOf(i)), k).chi;
      for (let n = 0; n < k.length; n++) chi[n] += c[n]!;
    });
    return { k, chi };
  }
  const { nk, kstep } = uniformGrid(paths, opts);
  const all = new Float64Array(8 * paths.length);
  paths.forEach((p, i) => all.set(wasm.pathParamArray(pathParams(p, parsOf(i))), 8 * i));
  const chi = wasm.sumPathsChi(Int32Array.from(paths, (p) => p.handle), all, nk, kstep);
  const k = Float64Array.from({ length: nk }, (_, n) => kstep * n);
  return { k, chi };
}

/** Where a path value of a fit comes from: 'path 1 sigma2' and what the recipe gave (text or number). */
export interface PathValueSource {
  where: string;
  given: string | number | undefined;
}

/**
 * Checks the path values of one evaluation of a fit (8 per path, PATH_PARAM_NAMES order): each
 * must be finite, and at the start a degeneracy must be above 0 (N counts atoms). `when` says when
 * ('at the starting values', 'during the fit'); `inputs(text)` lists the parameter values an
 * expression used. Throws XafsError EEXPR naming the path value, what gave it and its value.
 */
export function checkPathValues(values: Float64Array, sources: readonly PathValueSource[], when: string, inputs: (text: string) => string, start = false): void {
  for (let i = 0; i < sources.length; i++) {
    const v = values[i]!;
    const isDegen = i % PATH_PARAM_NAMES.length === 0;
    if (Number.isFinite(v) && !(start && isDegen && !(v > 0))) continue;
    const s = sources[i]!;
    const from = typeof s.given === 'string' ? `expression '${s.given}' is ${v} ${when}${inputs(s.given)}` : s.given === undefined ? `the feff.dat value is ${v}` : `the value is ${v}`;
    if (!Number.isFinite(v)) {
      throw new XafsError('EEXPR', `${s.where}: ${from}; a path value must be a finite number: change the starting values, bound the parameters it uses (min, max) or change the expression`);
    }
    throw new XafsError('EEXPR', `${s.where}: the degeneracy N must be above 0 (it counts atoms), but ${from}; give a positive N (bound a fitted N with "min": 0)`);
  }
}
