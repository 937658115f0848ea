/**
 * The quantities that recipes and CLI options share, each described once: units, ranges,
 * defaults. Ranges are what a measurement can mean, not Larch's own (Larch accepts rbkg −1 and
 * fails later or silently): k within 0–50 Å⁻¹, R within 0–30 Å (the R grid of nfft 2048 and
 * kstep 0.05 ends at 31.4 Å), rbkg within (0, 10] Å, 5–128 spline knots (the clamp Larch applies
 * to its own estimate), k-weights 0–10. Defaults are Larch 0.9.58's (docs/recipes.md).
 */
import type { Field, NumberField, ObjectField, StringField } from './validate.js';

export const WINDOW_NAMES = ['hanning', 'fhanning', 'gaussian', 'kaiser', 'parzen', 'welch', 'sine', 'bessel'] as const;

const num = (description: string, range: Partial<NumberField>, unit?: string): NumberField => ({ type: 'number', description, ...range, ...(unit ? { unit } : {}) });
const int = (description: string, range: Partial<NumberField>): NumberField => ({ type: 'integer', description, ...range });
const windowField = (description: string, dflt: string): StringField => ({ type: 'string', enum: WINDOW_NAMES, description, default: dflt });

/** k, Å⁻¹: from 0 to 50 (a k beyond 50 Å⁻¹ is ~9.5 keV above the edge). */
const K_RANGE = { minimum: 0, maximum: 50 };
/** R, Å: from 0 to 30. */
const R_RANGE = { minimum: 0, maximum: 30 };

export const Q = {
  rbkg: num('R below which the background is fitted: the FT of χ is minimized for R < rbkg', { exclusiveMinimum: 0, maximum: 10, default: 1 }, 'Å'),
  nknots: int('number of spline knots (default 1 + int(2·rbkg·(kmax−kmin)/π), clamped to 5–128)', { minimum: 5, maximum: 128 }),
  e0: num('edge energy (default: Larch find_e0)', { minimum: 10, maximum: 1e6 }, 'eV'),
  bkgKmin: num('start of the spline and its FT window', { ...K_RANGE, default: 0 }, 'Å⁻¹'),
  bkgKmax: num('end of the spline and its FT window (default: the end of the data)', { exclusiveMinimum: 0, maximum: 50 }, 'Å⁻¹'),
  bkgKweight: num('k-weight of the background fit', { minimum: 0, maximum: 10, default: 1 }),
  bkgDk: num('taper of the background FT window', { minimum: 0, maximum: 50, default: 0.1 }, 'Å⁻¹'),
  nclamp: int('number of χ(k) end points clamped toward zero', { minimum: 0, maximum: 100, default: 3 }),
  clampLo: num('weight of the low-k clamp', { minimum: 0, maximum: 1000, default: 0 }),
  clampHi: num('weight of the high-k clamp', { minimum: 0, maximum: 1000, default: 1 }),
  kmin: num('start of the k window', { ...K_RANGE, default: 0 }, 'Å⁻¹'),
  kmax: num('end of the k window', { exclusiveMinimum: 0, maximum: 50, default: 20 }, 'Å⁻¹'),
  dk: num('taper of the k window (kaiser: the Bessel β)', { minimum: 0, maximum: 50 }, 'Å⁻¹'),
  dk2: num('taper of the k window at kmax (default dk)', { minimum: 0, maximum: 50 }, 'Å⁻¹'),
  kweight: num('k-weight', { minimum: 0, maximum: 10 }),
  rmin: num('start of the R window', { ...R_RANGE, default: 0 }, 'Å'),
  rmax: num('end of the R window', { exclusiveMinimum: 0, maximum: 30 }, 'Å'),
  dr: num('taper of the R window', { minimum: 0, maximum: 30 }, 'Å'),
  dr2: num('taper of the R window at rmax (default dr)', { minimum: 0, maximum: 30 }, 'Å'),
  rmaxOut: num('largest R in the output', { exclusiveMinimum: 0, maximum: 30, default: 10 }, 'Å'),
  relEnergy: num('energy relative to e0', { minimum: -1e5, maximum: 1e5 }, 'eV'),
  nnorm: int('degree of the post-edge polynomial (default 2, 1 or 0 by the post-edge width)', { minimum: 0, maximum: 5 }),
  nvict: num('Victoreen exponent of the pre-edge line (μ·E^nvict)', { minimum: -10, maximum: 10, default: 0 }),
  epsilonK: num("noise in χ(k), unweighted, instead of Larch's high-R estimate", { minimum: 1e-12, maximum: 10 }),
  nfft: int('FFT size', { enum: [256, 512, 1024, 2048, 4096, 8192, 16384, 32768], default: 2048 }),
  kstep: num('k grid step', { minimum: 0.001, maximum: 1, default: 0.05 }, 'Å⁻¹'),
} satisfies Record<string, Field>;

const withDefault = (f: NumberField, d: number): NumberField => ({ ...f, default: d });

/** Larch pre_edge options (eV relative to e0). */
export const PRE_EDGE: ObjectField = {
  type: 'object',
  description: 'Larch pre_edge options: the pre-edge line and post-edge polynomial ranges, eV relative to e0',
  properties: {
    pre1: { ...Q.relEnergy, description: 'pre-edge range start, relative to e0 (default: Larch rule)' },
    pre2: { ...Q.relEnergy, description: 'pre-edge range end, relative to e0 (default 5·round(pre1/15))' },
    norm1: { ...Q.relEnergy, description: 'post-edge range start, relative to e0 (default min(150, 5·round(norm2/15)))' },
    norm2: { ...Q.relEnergy, description: 'post-edge range end, relative to e0 (default: the end of the scan)' },
    nnorm: Q.nnorm,
    nvict: Q.nvict,
  },
};

/** Larch autobk options of a batch (every spectrum keeps its own e0). */
export const AUTOBK_BATCH: ObjectField = {
  type: 'object',
  description: 'Larch autobk options: background removal, μ(E) → χ(k)',
  properties: {
    rbkg: Q.rbkg,
    kweight: Q.bkgKweight,
    kmin: Q.bkgKmin,
    kmax: Q.bkgKmax,
    dk: Q.bkgDk,
    window: windowField('background FT window', 'hanning'),
    nknots: Q.nknots,
    nclamp: Q.nclamp,
    clampLo: Q.clampLo,
    clampHi: Q.clampHi,
  },
};

/** Larch autobk options of a fit dataset: the batch's plus a fixed e0. */
export const AUTOBK_FIT: ObjectField = {
  ...AUTOBK_BATCH,
  properties: {
    ...AUTOBK_BATCH.properties,
    e0: Q.e0,
    calcUncertainties: { type: 'boolean', description: "AUTOBK's uncertainty of χ(k) (Larch calc_uncertainties), folded into the fit's noise as Larch's feffit does (docs/fit-uncertainty.md)", default: true },
  },
};

/** Larch xftf options (batch process.xftf). */
export const XFTF: ObjectField = {
  type: 'object',
  description: 'Larch xftf options: the forward Fourier transform χ(k) → χ(R)',
  properties: {
    kmin: Q.kmin,
    kmax: Q.kmax,
    dk: withDefault(Q.dk, 1),
    dk2: Q.dk2,
    window: windowField('k window', 'kaiser'),
    kweight: withDefault(Q.kweight, 0),
    rmaxOut: Q.rmaxOut,
  },
};

/** A fit dataset's transform (Larch feffit_transform). */
export const TRANSFORM: ObjectField = {
  type: 'object',
  description: "the fit's transform and fit range (Larch feffit_transform)",
  properties: {
    kmin: Q.kmin,
    kmax: Q.kmax,
    kweight: {
      type: 'anyOf',
      description: 'k-weight, or several (the fit uses each; the first is used for output transforms)',
      default: 2,
      anyOf: [Q.kweight, { type: 'array', description: 'k-weights', items: Q.kweight, minItems: 1, maxItems: 10 }],
    },
    dk: withDefault(Q.dk, 4),
    dk2: Q.dk2,
    window: windowField('k window', 'kaiser'),
    rmin: Q.rmin,
    rmax: withDefault(Q.rmax, 10),
    dr: withDefault(Q.dr, 0),
    dr2: Q.dr2,
    rwindow: windowField('R window', 'hanning'),
    fitspace: { type: 'string', enum: ['r', 'k', 'q'], default: 'r', description: 'space the residual is computed in' },
    nfft: Q.nfft,
    kstep: Q.kstep,
  },
};
