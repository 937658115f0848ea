import { XafsError } from '../errors.js';
import { ftwindowKernel, type WindowName } from '../wasm.js';

export type { WindowName };

export interface FtWindowOptions {
  /** Window start (same units as x). @default min(x) */
  xmin?: number;
  /** Window end. @default max(x) */
  xmax?: number;
  /** Taper width at xmin (the Bessel β for kaiser; a fraction of the range for fhanning). @default 1 */
  dx?: number;
  /** Taper width at xmax. @default dx */
  dx2?: number;
  /** Window shape; matched on its first three letters as Larch does. @default 'hanning' */
  window?: string;
}

const BY_PREFIX: Record<string, WindowName> = {
  han: 'hanning',
  fha: 'fhanning',
  gau: 'gaussian',
  kai: 'kaiser',
  par: 'parzen',
  wel: 'welch',
  sin: 'sine',
  bes: 'bessel',
};

/** Larch's window-name rule: the first three lowercase letters ('kaiser-bessel' is kaiser). */
export function windowName(name: string | undefined | null, option = '--window'): WindowName {
  if (name === undefined || name === null) return 'hanning';
  const w = BY_PREFIX[String(name).trim().toLowerCase().slice(0, 3)];
  if (!w) {
    throw new XafsError('EOPTION', `unknown window '${name}' (${option}): use one of hanning, fhanning, gaussian, kaiser, parzen, welch, sine, bessel`);
  }
  return w;
}

/** Larch ftwindow: a window on a uniform grid x that starts at 0 (k or R grid). */
export function ftWindow(x: Float64Array, options: FtWindowOptions = {}): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const dx = options.dx ?? 1;
  return ftwindowKernel(x, options.xmin ?? lo, options.xmax ?? hi, dx, options.dx2 ?? dx, windowName(options.window));
}
