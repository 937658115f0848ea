/**
 * Sanity of a fit (docs/fit-sanity.md): what is refused before a fit runs (a varied parameter no
 * path uses, a path whose absorber or edge is not the data's, a fit range beyond a path's feff.dat
 * table) and the warnings, each with a code and the parameter it is about, on physically
 * implausible results (|ΔE0| > 10 eV, |ΔR| > 0.25 Å or paths that swap places, S0² outside
 * 0.6–1.1, σ² ≤ 0 or > 0.04 Å², N < 0, R-factor > 0.05, relative errors above 100 %). feffit runs
 * both, so `xafs fit`, fit-shell, batch fits and reports all carry the same warnings.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { XafsError } from '../errors.js';
import { exprNames, parseFitExpr } from './expr.js';
import { EDGE_ENERGIES, EDGE_NAMES } from './edges.js';
import { elementSymbol } from './masses.js';
import type { ParamSet } from './params.js';
import type { FeffPath, PathParamName } from './types.js';

/** A warning of a fit, as the JSON gives it (`warnings: [{code, message, ...}]`). */
export interface FitCheck {
  /** E0_SHIFT, DELTA_R, PATH_CROSSING, S02_RANGE, SIGMA2_RANGE, N_NEGATIVE, RFACTOR, REL_ERROR, REFF_BEYOND_RMAX, EDGE_MISMATCH, AT_BOUND, CORRELATED, NOT_CONVERGED, NO_COVARIANCE, UNDERDETERMINED, STARTS_DISAGREE, NOTE */
  code: string;
  message: string;
  /** The parameter (or path expression) the warning is about. */
  param?: string;
  /** Path number (1-based, over all datasets). */
  path?: number;
  /** Dataset number (1-based). */
  dataset?: number;
}

/** The limits of the plausibility warnings (docs/fit-sanity.md). */
export const SANITY_LIMITS = {
  /** |ΔE0|, eV */
  e0: 10,
  /** |ΔR|, Å */
  deltar: 0.25,
  s02Min: 0.6,
  s02Max: 1.1,
  /** σ², Å² */
  sigma2Max: 0.04,
  rfactor: 0.05,
  /** stderr / |value| of N, S0² and σ² */
  relError: 1,
  /** how far (eV) the data's e0 may lie from the path absorber's tabulated edge */
  edgeTolerance: 150,
} as const;

/** What sanity needs of a dataset (a subset of FitDatasetInput, plus what the data file says). */
export interface SanityDataset {
  file: string;
  e0?: number | null;
  /** Absorbing element the data file states (XDI Element.symbol). */
  element?: string;
  /** Edge the data file states (XDI Element.edge). */
  edge?: string;
  paths: { path: FeffPath; params: Partial<Record<PathParamName, number | string>>; feff?: string; label?: string }[];
}

/** The parameter names an expression string uses (none for a number or an unparsable string). */
function namesIn(v: number | string | undefined, where: string): string[] {
  if (typeof v !== 'string') return [];
  return exprNames(parseFitExpr(v, where));
}

/**
 * Varied parameters that neither a path parameter, nor an expression a path uses, nor a restraint
 * depends on: such a parameter only inflates the others' error bars.
 */
export function unusedVaried(ps: ParamSet, datasets: SanityDataset[], restraintExprs: readonly string[] = []): string[] {
  const used = new Set<string>();
  const queue: string[] = [];
  const add = (names: string[]) => {
    for (const n of names) if (!used.has(n)) (used.add(n), queue.push(n));
  };
  datasets.forEach((d) => d.paths.forEach((p) => Object.values(p.params).forEach((v) => add(namesIn(v, 'path')))));
  restraintExprs.forEach((e) => add(namesIn(e, 'restraint')));
  while (queue.length) {
    const n = queue.pop()!;
    if (!ps.names.includes(n)) continue;
    const info = ps.get(n);
    if (info.expr) add(exprNames(info.expr));
  }
  return ps.varyNames.filter((n) => !used.has(n));
}

const shellCache = new Map<string, string | undefined>();
/** The edge a feff.dat was computed for ('K', 'L3', ...), from its 'Abs ... K shell' header line. */
export function pathEdge(file: string): string | undefined {
  if (shellCache.has(file)) return shellCache.get(file);
  let edge: string | undefined;
  try {
    const head = readFileSync(file, 'utf8').slice(0, 4000);
    edge = /^\s*Abs\s.*?\b([KLMN]\d?)\s+shell/im.exec(head)?.[1]?.toUpperCase();
  } catch {
    edge = undefined;
  }
  shellCache.set(file, edge);
  return edge;
}

/** The tabulated edge energy (eV) of an element at an edge, or undefined. */
export function edgeEnergyOf(element: string, edge: string): number | undefined {
  const row = EDGE_ENERGIES[element];
  const i = (EDGE_NAMES as readonly string[]).indexOf(edge.toUpperCase());
  return row && i >= 0 && row[i]! > 0 ? row[i] : undefined;
}

export interface PreflightOptions {
  /** Turn the refusal of a mismatched absorber/edge into a warning (--force). */
  force?: boolean;
  restraintExprs?: readonly string[];
  /** Transform per dataset: k and R ranges. */
  ranges: { kmax: number; rmax: number }[];
  warn: (c: Omit<FitCheck, 'message'> & { message: string }) => void;
}

/**
 * The refusals before a fit: unused varied parameters (always), a path whose absorber or edge is
 * not the data's (unless force), k beyond a path's table (always); the warning of a path whose reff
 * lies beyond rmax.
 */
export function preflight(ps: ParamSet, datasets: SanityDataset[], o: PreflightOptions): void {
  const unused = unusedVaried(ps, datasets, o.restraintExprs);
  if (unused.length) {
    throw new XafsError(
      'EOPTION',
      `varied parameter${unused.length > 1 ? 's' : ''} ${unused.join(', ')} ${unused.length > 1 ? 'are' : 'is'} used by no path${o.restraintExprs?.length ? ' and no restraint' : ''}: ${unused.length > 1 ? 'they' : 'it'} would only inflate the other error bars; use ${unused.length > 1 ? 'them' : 'it'} in a path or drop "vary": true`,
    );
  }
  let pathNo = 0;
  datasets.forEach((d, di) => {
    const where = datasets.length > 1 ? `dataset ${di + 1}` : 'dataset';
    const dataElement = d.element ? canonical(d.element) : undefined;
    const dataEdge = d.edge?.trim().toUpperCase();
    d.paths.forEach((p) => {
      pathNo++;
      const name = p.feff ?? basename(p.path.file);
      const absorber = elementSymbol(p.path.atoms[0]?.iz ?? 0);
      const edge = pathEdge(p.path.file);
      let mismatch: string | undefined;
      if (dataElement && dataElement !== absorber) mismatch = `its absorber is ${absorber} but ${d.file} is ${dataElement} data (its header says so)`;
      else if (dataEdge && edge && dataEdge !== edge) mismatch = `it was computed for the ${absorber} ${edge} edge but ${d.file} is at the ${dataEdge} edge (its header says so)`;
      else if (!dataElement && d.e0 && d.e0 > 100) {
        const candidates = edge ? [edge] : [...EDGE_NAMES];
        const near = candidates.map((e) => edgeEnergyOf(absorber, e)).filter((x): x is number => x !== undefined);
        if (near.length && near.every((x) => Math.abs(x - d.e0!) > SANITY_LIMITS.edgeTolerance)) {
          mismatch = `the data's edge lies at ${d.e0.toFixed(1)} eV but the ${absorber} ${edge ?? 'K/L'} edge is at ${near.map((x) => x.toFixed(0)).join('/')} eV`;
        }
      }
      if (mismatch) {
        const msg = `${where} path ${pathNo} (${name}): ${mismatch}`;
        if (!o.force) throw new XafsError('EOPTION', `${msg}; use paths computed for the data's absorber and edge, or pass --force`);
        o.warn({ code: 'EDGE_MISMATCH', path: pathNo, dataset: di + 1, message: `${msg} (fitted anyway: --force)` });
      }
      const kEnd = p.path.dat.k[p.path.dat.k.length - 1] ?? 0;
      const r = o.ranges[di]!;
      if (r.kmax > kEnd + 1e-6) {
        throw new XafsError('ERANGE', `${where} path ${pathNo} (${name}): its feff.dat table ends at k = ${kEnd} Å⁻¹ but the fit runs to kmax ${r.kmax} Å⁻¹; use kmax ${kEnd} or less, or recompute the path to a larger k`);
      }
      // a path's |χ(R)| peak lies ~0.3–0.5 Å below reff (the scattering phase): beyond rmax + 0.5 Å
      // nothing of it is inside the fit range
      if (p.path.reff > r.rmax + REFF_MARGIN) {
        o.warn({
          code: 'REFF_BEYOND_RMAX',
          path: pathNo,
          dataset: di + 1,
          message: `${where} path ${pathNo} (${name}) has reff ${p.path.reff.toFixed(3)} Å, more than ${REFF_MARGIN} Å beyond the fit's rmax ${r.rmax} Å: its signal lies outside the fit range, so its amplitude is barely constrained; raise rmax or drop the path`,
        });
      }
    });
  });
}

/** How far (Å) beyond rmax a path's reff may lie before REFF_BEYOND_RMAX. */
export const REFF_MARGIN = 0.5;

function canonical(symbol: string): string {
  const s = symbol.trim();
  return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
}

/** What checkResult reads of a path report. */
interface PathValues {
  label: string;
  feff: string;
  reff: number;
  n: number;
  nStderr: number | null;
  s02: number;
  s02Stderr: number | null;
  r: number;
  e0: number;
  deltar: number;
  sigma2: number;
  sigma2Stderr: number | null;
}

/**
 * The plausibility warnings of a finished fit. A path quantity is checked when the recipe makes it
 * a parameter or an expression (a number written in the path is the user's, not the fit's); a
 * quantity shared by several paths is reported once, by the name of its parameter.
 */
export function checkResult(
  datasets: SanityDataset[],
  paths: PathValues[],
  stats: { rfactor: number },
  perDataset: { rfactor: number }[],
): FitCheck[] {
  const out: FitCheck[] = [];
  const seen = new Set<string>();
  const L = SANITY_LIMITS;
  const add = (c: FitCheck) => {
    const key = `${c.code}|${c.param ?? c.path}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(c);
  };
  let pi = 0;
  datasets.forEach((d, di) => {
    const first = pi;
    d.paths.forEach((inp) => {
      const p = paths[pi]!;
      const no = ++pi;
      const name = (field: PathParamName): string | undefined => {
        const v = inp.params[field];
        return typeof v === 'string' ? v.trim() : undefined;
      };
      const about = (field: PathParamName, what: string) => `${name(field)} = ${fmt(valueOf(p, field))}${units(field)} (${what} of path ${no}, ${p.label})`;
      const e0 = name('e0');
      if (e0 && Math.abs(p.e0) > L.e0) add({ code: 'E0_SHIFT', param: e0, path: no, message: `${about('e0', 'ΔE0')}: |ΔE0| > ${L.e0} eV: the fit has probably slipped by a period of the oscillation; fix E0 or start ΔE0 near 0` });
      const dr = name('deltar');
      if (dr && Math.abs(p.deltar) > L.deltar) add({ code: 'DELTA_R', param: dr, path: no, message: `${about('deltar', 'ΔR')}: |ΔR| > ${L.deltar} Å: the path has moved off its structure (onto another shell?); check the model or bound ΔR` });
      const s02 = name('s02');
      if (s02 && p.s02 < 0) add({ code: 'S02_NEGATIVE', param: s02, path: no, message: `${about('s02', 'S0²')}: S0² is negative, which is unphysical; bound it (min 0) or start elsewhere` });
      // a compound amplitude ('s02*n1') carries N too: only a bare parameter is an S0²
      else if (s02 && /^[A-Za-z_]\w*$/.test(s02) && (p.s02 < L.s02Min || p.s02 > L.s02Max)) add({ code: 'S02_RANGE', param: s02, path: no, message: `${about('s02', 'S0²')}: S0² outside ${L.s02Min}–${L.s02Max}: check the normalization, the coordination numbers or the absorber` });
      const ss = name('sigma2');
      if (ss && p.sigma2 <= 0) add({ code: 'SIGMA2_RANGE', param: ss, path: no, message: `${about('sigma2', 'σ²')}: σ² ≤ 0 is unphysical; bound it (min 0.0005) or fix it` });
      else if (ss && p.sigma2 > L.sigma2Max) add({ code: 'SIGMA2_RANGE', param: ss, path: no, message: `${about('sigma2', 'σ²')}: σ² > ${L.sigma2Max} Å² leaves the path without signal; the shell may not be there` });
      const nn = name('degen');
      if (nn && p.n < 0) add({ code: 'N_NEGATIVE', param: nn, path: no, message: `${about('degen', 'N')}: N < 0 is unphysical; bound it (min 0) or drop the path` });
      const rel: [PathParamName, number, number | null, string][] = [
        ['degen', p.n, p.nStderr, 'N'],
        ['s02', p.s02, p.s02Stderr, 'S0²'],
        ['sigma2', p.sigma2, p.sigma2Stderr, 'σ²'],
      ];
      for (const [field, v, e, what] of rel) {
        const nm = name(field);
        if (nm && e !== null && e > L.relError * Math.abs(v)) {
          add({ code: 'REL_ERROR', param: nm, path: no, message: `${nm} = ${fmt(v)} ± ${fmt(e)}${units(field)} (${what} of path ${no}, ${p.label}): the error is larger than the value; the data do not determine it` });
        }
      }
    });
    // paths that swap places: ordered by reff, their fitted distances should keep the order
    const idx = d.paths.map((_, j) => first + j).sort((a, b) => paths[a]!.reff - paths[b]!.reff);
    for (let j = 0; j + 1 < idx.length; j++) {
      const a = paths[idx[j]!]!;
      const b = paths[idx[j + 1]!]!;
      if (b.reff - a.reff > 0.05 && a.r >= b.r) {
        add({
          code: 'PATH_CROSSING',
          ...(typeof d.paths[idx[j]! - first]!.params.deltar === 'string' ? { param: d.paths[idx[j]! - first]!.params.deltar as string } : {}),
          path: idx[j]! + 1,
          message: `path ${idx[j]! + 1} (${a.label}, reff ${a.reff.toFixed(3)} Å) ended at R ${a.r.toFixed(3)} Å, past path ${idx[j + 1]! + 1} (${b.label}, reff ${b.reff.toFixed(3)} Å) at ${b.r.toFixed(3)} Å: the paths have swapped shells; bound their ΔR`,
        });
      }
    }
    if (datasets.length > 1 && perDataset[di]!.rfactor > L.rfactor) {
      add({ code: 'RFACTOR', dataset: di + 1, message: `dataset ${di + 1} (${basename(d.file)}): R-factor ${fmt(perDataset[di]!.rfactor)} > ${L.rfactor}: the model misses part of the data` });
    }
  });
  if (stats.rfactor > L.rfactor) add({ code: 'RFACTOR', message: `R-factor ${fmt(stats.rfactor)} > ${L.rfactor}: the model misses part of the data in the fit range (a shell left out, or a wrong one in)` });
  return out;
}

function valueOf(p: PathValues, field: PathParamName): number {
  return field === 'degen' ? p.n : field === 'deltar' ? p.deltar : (p as unknown as Record<string, number>)[field]!;
}

function units(field: PathParamName): string {
  return field === 'e0' ? ' eV' : field === 'deltar' ? ' Å' : field === 'sigma2' ? ' Å²' : '';
}

function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

/**
 * The parameters a singular fit cannot separate: the near-null direction of the (column-scaled)
 * Jacobian, i.e. the eigenvector of JᵀJ with the smallest eigenvalue, names its largest
 * components. One name when a single parameter changes nothing, else the leading pair.
 */
export function degenerateParams(jac: Float64Array, m: number, n: number, names: readonly string[]): string[] {
  if (n === 0 || jac.length < m * n) return [];
  const A = new Float64Array(n * n);
  const norm = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += jac[i * n + j]! ** 2;
    norm[j] = Math.sqrt(s);
  }
  // a parameter whose column vanishes changes nothing at all
  const dead = names.filter((_, j) => !(norm[j]! > 0));
  if (dead.length) return dead.slice(0, 2);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += jac[i * n + a]! * jac[i * n + b]!;
      A[a * n + b] = A[b * n + a] = s / (norm[a]! * norm[b]!);
    }
  }
  const { values, vectors } = jacobiEigen(A, n);
  let k = 0;
  for (let j = 1; j < n; j++) if (values[j]! < values[k]!) k = j;
  const v = Array.from({ length: n }, (_, i) => ({ name: names[i]!, w: Math.abs(vectors[i * n + k]!) })).sort((p, q) => q.w - p.w);
  return v.length > 1 && v[1]!.w > 0.2 * v[0]!.w ? [v[0]!.name, v[1]!.name] : [v[0]!.name];
}

/** Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (n is a fit's few parameters). */
function jacobiEigen(A0: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(A0);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p * n + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (A[q * n + q]! - A[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p]!;
          const akq = A[k * n + q]!;
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k]!;
          const aqk = A[q * n + k]!;
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p]!;
          const vkq = V[k * n + q]!;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => A[i * n + i]!), vectors: V };
}
