/**
 * The look of every figure: journal column sizes, fonts, a colour-blind-safe palette and axis
 * titles written as papers write them.
 */

/** DejaVu Sans has Å, χ, μ, σ and the superscripts ⁻¹ ² ³ that the axis titles need. */
export const FONT_FAMILY = 'DejaVu Sans';
export const FONT = `${FONT_FAMILY}, Liberation Sans, Arial, Helvetica, sans-serif`;

/**
 * Okabe & Ito (2008) colour-blind-safe palette, yellow last (it is faint on white) and black
 * kept for data in fit figures.
 */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
export const DATA_COLOR = '#000000';
export const FIT_COLOR = '#D55E00';
export const RESIDUAL_COLOR = '#0072B2';

/** Figure widths, CSS px (96 per inch): one journal column (3.3 in) or the full page (7 in). */
export const WIDTHS = { single: 317, double: 672 } as const;
export type FigureWidth = keyof typeof WIDTHS | number;

/** Space the y axis (ticks, labels, title) takes left of the plot area, px. */
export const Y_AXIS_SPACE = 58;
/** Space right of the plot area, px (the last tick label of the x axis). */
export const RIGHT_SPACE = 12;

/** Total figure width in px. */
export function figureWidth(w: FigureWidth | undefined): number {
  if (w === undefined) return WIDTHS.single;
  if (typeof w === 'number') return w;
  return WIDTHS[w];
}

/** Width of one plot area for `columns` panels side by side in a figure of total width `total`. */
export function panelWidth(total: number, columns = 1): number {
  return Math.max(60, Math.floor((total - columns * (Y_AXIS_SPACE + RIGHT_SPACE)) / columns));
}

/** Vega-Lite config shared by every figure (Vega specs use the same numbers). */
export const VL_CONFIG = {
  font: FONT,
  background: 'white',
  padding: 4,
  view: { stroke: '#000000', strokeWidth: 0.8 },
  axis: {
    grid: false,
    domain: false,
    tickColor: '#000000',
    tickSize: 4,
    tickWidth: 0.8,
    labelColor: '#000000',
    labelFontSize: 10,
    labelFont: FONT,
    titleColor: '#000000',
    titleFontSize: 11,
    titleFont: FONT,
    titleFontWeight: 'normal' as const,
    titlePadding: 4,
    labelOverlap: true,
    labelFlush: true,
  },
  axisY: { tickCount: 5 },
  legend: {
    orient: 'top-right' as const,
    title: null,
    labelFontSize: 9,
    labelFont: FONT,
    labelLimit: 160,
    symbolType: 'stroke',
    symbolSize: 140,
    symbolStrokeWidth: 1.8,
    rowPadding: 1,
    padding: 4,
    offset: 4,
    fillColor: null as unknown as string,
  },
  title: { font: FONT, fontSize: 11, fontWeight: 'normal' as const, anchor: 'start' as const, offset: 4 },
  header: { labelFont: FONT, labelFontSize: 10, titleFont: FONT },
  line: { strokeWidth: 1.3 },
  point: { size: 22, filled: true },
  range: { category: PALETTE },
  concat: { spacing: 14 },
};

const SUP: Record<string, string> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '-': '⁻', '.': '·' };
/** A number as superscript characters (2 → ², -3 → ⁻³). */
export function sup(n: number): string {
  return String(n)
    .split('')
    .map((c) => SUP[c] ?? c)
    .join('');
}

/** "Å⁻ⁿ", or '' for n = 0 (no unit). */
export function perAngstrom(n: number): string {
  return n === 0 ? '' : n === 1 ? 'Å⁻¹' : `Å${sup(-n)}`;
}

/** Axis titles as papers write them. */
export const TITLES = {
  energy: 'E (eV)',
  energyRel: 'E − E₀ (eV)',
  mu: 'μ(E)',
  norm: 'normalized μ(E)',
  flat: 'flattened μ(E)',
  deriv: 'dμ/dE (normalized, eV⁻¹)',
  k: 'k (Å⁻¹)',
  r: 'R (Å)',
  q: 'q (Å⁻¹)',
  valence: 'valence',
  edge: 'edge energy (eV)',
  /** k-weighted χ(k): kⁿχ(k) (Å⁻ⁿ). */
  chik: (w: number) => (w === 0 ? 'χ(k)' : `${w === 1 ? 'k' : `k${sup(w)}`}χ(k) (${perAngstrom(w)})`),
  /** |χ(R)| of a k^w-weighted transform: Å^-(w+1). */
  chir: (w: number, part: 'mag' | 're' | 'im' = 'mag') => `${part === 'mag' ? '|χ(R)|' : part === 're' ? 'Re[χ(R)]' : 'Im[χ(R)]'} (${perAngstrom(w + 1)})`,
  /** χ(q) of a k^w-weighted back transform: Å^-w. */
  chiq: (w: number, part: 're' | 'mag' = 're') => {
    const u = perAngstrom(w);
    return `${part === 're' ? 'Re[χ(q)]' : '|χ(q)|'}${u ? ` (${u})` : ''}`;
  },
};
