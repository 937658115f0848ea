/**
 * Truncation: keep the points with emin ≤ E ≤ emax (both ends included), in absolute energies or
 * relative to e0.
 */
import { XafsError } from '../errors.js';
import { findE0Index, removeDups } from '../wasm.js';
import type { XY } from './align.js';

export interface TruncateOptions {
  /** Lowest energy kept, eV (absolute, or from e0 with `relative`). @default the first point */
  emin?: number;
  /** Highest energy kept, eV (absolute, or from e0 with `relative`). @default the last point */
  emax?: number;
  /** emin/emax are relative to e0. @default false */
  relative?: boolean;
  /** e0 for `relative`, eV. @default Larch find_e0 of the data */
  e0?: number;
}

export interface TruncateResult {
  energy: Float64Array;
  mu: Float64Array;
  /** The range kept, absolute eV. */
  emin: number;
  emax: number;
  /** e0 used for relative limits, eV (undefined for absolute limits). */
  e0?: number;
  /** Points removed below emin and above emax. */
  removedBelow: number;
  removedAbove: number;
}

/** Keeps emin ≤ E ≤ emax (see the module comment). */
export function truncate(spectrum: XY, options: TruncateOptions = {}): TruncateResult {
  const { energy, mu } = spectrum;
  const n = energy.length;
  const src = spectrum.source ?? 'the spectrum';
  if (options.emin === undefined && options.emax === undefined) throw new XafsError('EOPTION', 'truncate needs --emin, --emax or both');
  for (const k of ['emin', 'emax', 'e0'] as const) {
    const v = options[k];
    if (v !== undefined && !Number.isFinite(v)) throw new XafsError('EOPTION', `--${k} must be a number, got ${v}`);
  }
  let e0: number | undefined;
  if (options.relative) {
    e0 = options.e0;
    if (e0 === undefined) {
      const e = removeDups(energy);
      const i = findE0Index(e, mu);
      if (i === 0) throw new XafsError('ENOEDGE', `${src}: no absorption edge found for the relative range; pass --e0 E`);
      e0 = e[i]!;
    }
  }
  const shift = e0 ?? 0;
  const emin = options.emin === undefined ? -Infinity : options.emin + shift;
  const emax = options.emax === undefined ? Infinity : options.emax + shift;
  if (!(emin < emax)) throw new XafsError('EOPTION', `--emin (${options.emin}) must be below --emax (${options.emax})`);
  const keep: number[] = [];
  let removedBelow = 0;
  let removedAbove = 0;
  for (let i = 0; i < n; i++) {
    const e = energy[i]!;
    if (e < emin) removedBelow++;
    else if (e > emax) removedAbove++;
    else keep.push(i);
  }
  if (keep.length < 2) {
    const rel = e0 !== undefined ? ` (e0 = ${e0.toFixed(2)} eV)` : '';
    throw new XafsError('ERANGE', `${src}: ${keep.length} point${keep.length === 1 ? '' : 's'} between ${Number.isFinite(emin) ? emin.toFixed(2) : '-inf'} and ${Number.isFinite(emax) ? emax.toFixed(2) : 'inf'} eV${rel}; the data span ${energy[0]!.toFixed(2)}–${energy[n - 1]!.toFixed(2)} eV`);
  }
  return {
    energy: Float64Array.from(keep, (i) => energy[i]!),
    mu: Float64Array.from(keep, (i) => mu[i]!),
    emin: Number.isFinite(emin) ? emin : energy[keep[0]!]!,
    emax: Number.isFinite(emax) ? emax : energy[keep[keep.length - 1]!]!,
    ...(e0 !== undefined ? { e0 } : {}),
    removedBelow,
    removedAbove,
  };
}
