/**
 * Publication figures as SVG strings: each function builds a Vega-Lite (or, for wavelet maps,
 * Vega) spec from plain arrays and renders it headlessly. Sizes fit a journal column
 * (`width: 'single'`, 3.3 in) or the page (`'double'`, 7 in); `toPng` rasterizes at 300 dpi.
 */
import { scheme } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { XafsError } from '../errors.js';
import { renderVegaLite } from './render.js';
import { DATA_COLOR, FIT_COLOR, figureWidth, panelWidth, PALETTE, RESIDUAL_COLOR, TITLES, VL_CONFIG, type FigureWidth } from './theme.js';

type Arr = ArrayLike<number>;
type Row = Record<string, number | string | null>;

export interface FigureOptions {
  /** 'single' (3.3 in, 317 px), 'double' (7 in, 672 px) or a width in px. @default 'single' */
  width?: FigureWidth;
  /** Height of the (main) plot area, px. @default 0.72 × the plot width, at most 300 */
  height?: number;
  /** A title above the figure. @default none */
  title?: string;
}

/** A named curve. */
export interface Curve {
  name: string;
  x: Arr;
  y: Arr;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Six significant digits: far below a pixel, and the specs stay small. */
const round6 = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : null);

/** Long-form rows of curves inside [xmin, xmax]. */
function rows(curves: Curve[], xmin = -Infinity, xmax = Infinity, extra: (c: Curve, i: number) => Row = () => ({})): Row[] {
  const out: Row[] = [];
  curves.forEach((c, ci) => {
    const e = extra(c, ci);
    const inside = (i: number) => i >= 0 && i < c.x.length && c.x[i]! >= xmin && c.x[i]! <= xmax;
    for (let i = 0; i < c.x.length; i++) {
      // the neighbours just outside the range too: the line reaches the frame (marks are clipped)
      if (!inside(i) && !inside(i - 1) && !inside(i + 1)) continue;
      out.push({ x: round6(c.x[i]!), y: round6(c.y[i]!), s: c.name, ...e, ...(inside(i) ? {} : { out: 1 }) });
    }
  });
  return out;
}

function checkCurves(curves: Curve[], what: string): void {
  if (curves.length === 0) throw new XafsError('ETOOFEW', `nothing to plot: the ${what} figure needs at least one spectrum`);
  for (const c of curves) {
    if (c.x.length === 0) throw new XafsError('ETOOFEW', `${c.name}: empty series, nothing to plot in the ${what} figure`);
    if (c.x.length !== c.y.length) throw new XafsError('EINTERNAL', `${c.name}: ${c.x.length} x values but ${c.y.length} y values`);
  }
}

function sizes(o: FigureOptions, columns = 1) {
  const total = figureWidth(o.width);
  const width = panelWidth(total, columns);
  const height = o.height ?? Math.min(300, Math.round(width * 0.72));
  return { total, width, height };
}

/** Distinct names (the legend keys): a repeated name gets " (2)", " (3)". */
function uniqueNames<T extends { name: string }>(items: T[]): T[] {
  const seen = new Map<string, number>();
  return items.map((it) => {
    const n = (seen.get(it.name) ?? 0) + 1;
    seen.set(it.name, n);
    return n === 1 ? it : { ...it, name: `${it.name} (${n})` };
  });
}

const colorScale = (names: string[]) => ({ domain: names, range: names.map((_, i) => PALETTE[i % PALETTE.length]) });

function base(o: FigureOptions): Partial<TopLevelSpec> {
  return { $schema: SCHEMA, config: VL_CONFIG as never, ...(o.title ? { title: o.title } : {}) } as Partial<TopLevelSpec>;
}

/** Inside a corner of the plot area, 'top' above it (outside, in columns), or none. */
type LegendPlace = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right' | 'top' | 'none';

/** One layer of lines, one per curve, coloured by name. */
/**
 * Columns of a legend above a plot area `width` px wide. Vega lays the legend out with its own
 * estimate of text width (0.8 × font size per character: there is no canvas to measure with), so
 * the estimate decides whether the columns fit.
 */
function legendColumns(names: string[], width: number): number {
  const entry = 0.8 * 9 * Math.max(...names.map((n) => n.length)) + 32;
  return Math.max(1, Math.min(names.length, 3, Math.floor((width + 40) / entry)));
}

function lineLayer(names: string[], legend: LegendPlace, width = 250, extra: Record<string, unknown> = {}) {
  return {
    mark: { type: 'line', strokeWidth: 1.3, clip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative' },
      y: { field: 'y', type: 'quantitative' },
      color: {
        field: 's',
        type: 'nominal',
        scale: colorScale(names),
        legend: legend === 'none' || names.length < 2 ? null : legend === 'top' ? { orient: 'top', direction: 'horizontal', columns: legendColumns(names, width), columnPadding: 10, offset: 6, labelLimit: 0 } : { orient: legend },
      },
      detail: { field: 's' },
      ...extra,
    },
  };
}

/** The y values of the rows inside the x range (the neighbours outside do not set the y range). */
const ys = (values: Row[]) => values.filter((v) => v.out === undefined).map((v) => v.y as number);

function domainOf(values: number[], pad = 0.04): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!Number.isFinite(lo)) return [0, 1];
  const d = hi - lo || Math.abs(hi) || 1;
  return [lo - pad * d, hi + pad * d];
}

/** Simple overlay of curves on one axis pair. */
async function overlay(curves: Curve[], o: FigureOptions & { xTitle: string; yTitle: string; xmin?: number; xmax?: number; legend?: LegendPlace; zeroLine?: boolean; what: string; xFormat?: string; yFromZero?: boolean }): Promise<string> {
  checkCurves(curves, o.what);
  const cs = uniqueNames(curves);
  const { width, height } = sizes(o);
  const values = rows(cs, o.xmin, o.xmax);
  if (values.length === 0) throw new XafsError('ERANGE', `nothing to plot in the ${o.what} figure: no point of ${cs.map((c) => c.name).join(', ')} lies in ${o.xmin}–${o.xmax}`);
  const names = cs.map((c) => c.name);
  const xd = [o.xmin ?? Math.min(...values.map((v) => v.x as number)), o.xmax ?? Math.max(...values.map((v) => v.x as number))];
  const layers: unknown[] = [];
  if (o.zeroLine) layers.push({ data: { values: [{ z: 0 }] }, mark: { type: 'rule', stroke: '#999999', strokeWidth: 0.6 }, encoding: { y: { field: 'z', type: 'quantitative' } } });
  const line = lineLayer(names, o.legend ?? 'top-right', width);
  (line.encoding.x as Record<string, unknown>).title = o.xTitle;
  (line.encoding.x as Record<string, unknown>).scale = { domain: xd, nice: false, zero: false };
  // energies as 8980, not 8,980
  const xFormat = o.xFormat ?? (o.xTitle === TITLES.energy ? 'd' : undefined);
  if (xFormat) (line.encoding.x as Record<string, unknown>).axis = { format: xFormat };
  (line.encoding.y as Record<string, unknown>).title = o.yTitle;
  const yd = domainOf(ys(values));
  if (o.yFromZero && yd[0] < 0) yd[0] = 0;
  (line.encoding.y as Record<string, unknown>).scale = { domain: yd, nice: false, zero: false };
  layers.push(line);
  const spec = { ...base(o), width, height, data: { values }, layer: layers } as TopLevelSpec;
  return renderVegaLite(spec);
}

// ---- spectra -------------------------------------------------------------------------------

export interface XanesCurve {
  name: string;
  energy: Arr;
  /** Normalized μ(E) (or μ(E) with `raw`). */
  y: Arr;
  e0?: number;
}

export interface XanesFigureOptions extends FigureOptions {
  /** Energy range, eV (absolute). @default e0 − 30 to e0 + 80 of the first spectrum */
  emin?: number;
  emax?: number;
  /** The y values are raw μ(E), not normalized. @default false */
  raw?: boolean;
  /** An inset enlarging the pre-edge and the edge onset, eV absolute [lo, hi]; true: e0 − 15 to e0 + 5 eV (e0 of the first spectrum). @default none */
  inset?: boolean | [number, number];
}

/** Normalized XANES (or μ(E)) of several spectra, optionally with an inset enlarging the edge. */
export async function xanesFigure(spectra: XanesCurve[], o: XanesFigureOptions = {}): Promise<string> {
  if (spectra.length === 0) throw new XafsError('ETOOFEW', 'nothing to plot: the XANES figure needs at least one spectrum');
  const e0 = spectra[0]!.e0 ?? spectra[0]!.energy[0]!;
  const emin = o.emin ?? e0 - 30;
  const emax = o.emax ?? e0 + 80;
  const curves = spectra.map((s) => ({ name: s.name, x: s.energy, y: s.y }));
  const main = await overlay(curves, { ...o, what: 'XANES', xTitle: TITLES.energy, yTitle: o.raw ? TITLES.mu : TITLES.norm, xmin: emin, xmax: emax, legend: o.inset ? 'top' : 'bottom-right', xFormat: 'd' });
  if (!o.inset) return main;
  const [lo, hi] = o.inset === true ? [e0 - 15, e0 + 5] : o.inset;
  const { width, height } = sizes(o);
  // the inset sits in the lower right of the plot area: above the edge, below the post-edge
  const iw = Math.round(width * 0.42);
  const ih = Math.round(height * 0.4);
  const cs = uniqueNames(curves);
  const values = rows(cs, lo, hi);
  const names = cs.map((c) => c.name);
  const line = lineLayer(names, 'none');
  Object.assign(line.encoding.x, { title: null, scale: { domain: [lo, hi], nice: false, zero: false }, axis: { labelFontSize: 9, tickCount: 3, format: 'd' } });
  Object.assign(line.encoding.y, { title: null, scale: { domain: domainOf(ys(values)), nice: false, zero: false }, axis: { labelFontSize: 9, tickCount: 3 } });
  const insetSvg = await renderVegaLite({ $schema: SCHEMA, config: { ...VL_CONFIG, padding: 0, background: 'white' } as never, width: iw, height: ih, data: { values }, layer: [line] } as TopLevelSpec);
  return embedInset(main, insetSvg, width, height, iw, ih);
}

/** Places `inset` (its axes included) inside the lower right of the plot area of `main`. */
function embedInset(main: string, inset: string, width: number, height: number, iw: number, ih: number): string {
  const m = /<g[^>]*transform="translate\(([-\d.]+),([-\d.]+)\)"/.exec(main);
  const ox = m ? Number(m[1]) : 0;
  const oy = m ? Number(m[2]) : 0;
  const im = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(inset);
  const insetW = im ? Number(im[1]) : iw;
  // the inset's own axes sit left of and below its plot area: keep them inside the main frame
  const insetH = im ? Number(im[2]) : ih;
  const x = ox + width - insetW - 6;
  const y = oy + height - insetH - 6;
  const body = inset.replace(/^<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
  const inner = `<g class="inset" transform="translate(${x},${y})">${body}</g>`;
  return main.replace(/<\/svg>\s*$/, `${inner}</svg>`);
}

export interface DerivativeCurve {
  name: string;
  energy: Arr;
  /** d(normalized μ)/dE, eV⁻¹. */
  deriv: Arr;
  /** Edge energies to mark (method → eV). */
  edges?: Record<string, number>;
}

/** First derivative of normalized μ(E), with the edge positions marked by dashed rules. */
export async function derivativeFigure(spectra: DerivativeCurve[], o: FigureOptions & { emin?: number; emax?: number } = {}): Promise<string> {
  checkCurves(spectra.map((s) => ({ name: s.name, x: s.energy, y: s.deriv })), 'derivative');
  // one edge per curve: its energy in the legend (the dashed rules of close edges overlap)
  const named = spectra.map((c) => {
    const e = Object.values(c.edges ?? {});
    return e.length === 1 && Number.isFinite(e[0]) ? { ...c, name: `${c.name}, ${e[0]!.toFixed(1)} eV` } : c;
  });
  const cs = uniqueNames(named);
  const firstEdge = Object.values(cs[0]!.edges ?? {})[0] ?? cs[0]!.energy[0]!;
  const emin = o.emin ?? firstEdge - 25;
  const emax = o.emax ?? firstEdge + 35;
  const { width, height } = sizes(o);
  const names = cs.map((c) => c.name);
  const values = rows(cs.map((c) => ({ name: c.name, x: c.energy, y: c.deriv })), emin, emax);
  const marks: Row[] = [];
  for (const c of cs) for (const [method, e] of Object.entries(c.edges ?? {})) if (e >= emin && e <= emax) marks.push({ x: round6(e), s: c.name, m: method, label: `${e.toFixed(1)} eV` });
  // above the plot: derivatives fill the frame on both sides of the edge
  const line = lineLayer(names, 'top', width);
  Object.assign(line.encoding.x, { title: TITLES.energy, scale: { domain: [emin, emax], nice: false, zero: false }, axis: { format: 'd' } });
  Object.assign(line.encoding.y, { title: TITLES.deriv, scale: { domain: domainOf(ys(values)), nice: false, zero: false } });
  const rule = {
    data: { values: marks },
    mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1 },
    encoding: { x: { field: 'x', type: 'quantitative' }, color: { field: 's', type: 'nominal', scale: colorScale(names), legend: null } },
  };
  const spec = { ...base(o), width, height, data: { values }, layer: [line, rule] } as TopLevelSpec;
  return renderVegaLite(spec);
}

export interface ValencePlotData {
  references: { name: string; edge: number; valence: number; edgeStderr?: number | null }[];
  samples: { name: string; edge: number | null; valence: number | null; valenceStderr?: number | null }[];
  /** valence = slope·E + intercept (+ quadratic·E²). */
  calibration: { slope: number; intercept: number; quadratic?: number | null };
  method?: string;
}

/** Valence calibration: references' edge energies against valence, the fitted line, the samples on it. */
export async function valenceFigure(v: ValencePlotData, o: FigureOptions = {}): Promise<string> {
  if (v.references.length === 0) throw new XafsError('ETOOFEW', 'nothing to plot: the valence figure needs references');
  const { width, height } = sizes(o);
  const edges = [...v.references.map((r) => r.edge), ...v.samples.filter((s) => s.edge !== null).map((s) => s.edge as number)];
  const [lo, hi] = domainOf(edges, 0.12);
  const c = v.calibration;
  const curve: Row[] = [];
  for (let i = 0; i <= 50; i++) {
    const e = lo + ((hi - lo) * i) / 50;
    curve.push({ x: round6(e), y: round6((c.quadratic ?? 0) * e * e + c.slope * e + c.intercept) });
  }
  const refs: Row[] = v.references.map((r) => ({ x: r.edge, y: r.valence, s: 'references', name: r.name }));
  const samples: Row[] = v.samples.filter((s) => s.edge !== null && s.valence !== null).map((s) => ({ x: s.edge, y: s.valence, lo: s.valence! - (s.valenceStderr ?? 0), hi: s.valence! + (s.valenceStderr ?? 0), s: 'samples', name: s.name }));
  const allY = [...curve.map((p) => p.y as number), ...refs.map((p) => p.y as number), ...samples.map((p) => p.y as number)];
  const edgeTitle: Record<string, string> = {
    deriv: 'E₀, maximum of dμ/dE (eV)',
    'deriv-fit': 'E₀, fitted maximum of dμ/dE (eV)',
    half: 'E at half edge step (eV)',
    zero2: 'E at the zero of d²μ/dE² (eV)',
    integral: 'integral edge energy (eV)',
    'deriv-main': 'E₀, first maximum of dμ/dE on the main rise (eV)',
    'half-main': 'E at half edge step, main rise (eV)',
  };
  const x = { field: 'x', type: 'quantitative', title: edgeTitle[v.method ?? ''] ?? TITLES.edge, scale: { domain: [lo, hi], nice: false, zero: false }, axis: { format: 'd' } };
  const y = { field: 'y', type: 'quantitative', title: TITLES.valence, scale: { domain: domainOf(allY, 0.1), nice: false, zero: false } };
  const color = { field: 's', type: 'nominal', scale: { domain: ['references', 'samples'], range: [PALETTE[0], PALETTE[1]] }, legend: { orient: 'top-left', symbolSize: 40, title: null } };
  // the same field for colour and shape: one legend whose symbols are the marks' (squares, circles)
  const shape = { field: 's', type: 'nominal', scale: { domain: ['references', 'samples'], range: ['square', 'circle'] }, legend: { orient: 'top-left', title: null } };
  const mid = (lo + hi) / 2;
  const layer: unknown[] = [
    { data: { values: curve }, mark: { type: 'line', color: '#555555', strokeWidth: 1, strokeDash: [5, 3] }, encoding: { x, y } },
    { data: { values: refs }, mark: { type: 'point', size: 40, filled: true, opacity: 1 }, encoding: { x, y, color, shape } },
    // names below right of the points in the left half, above left in the right half: inside the
    // frame and off the rising calibration line, where the samples sit
    { data: { values: refs.filter((r) => (r.x as number) <= mid) }, mark: { type: 'text', dx: 7, dy: 10, align: 'left', fontSize: 9 }, encoding: { x, y, text: { field: 'name' } } },
    { data: { values: refs.filter((r) => (r.x as number) > mid) }, mark: { type: 'text', dx: -7, dy: -9, align: 'right', fontSize: 9 }, encoding: { x, y, text: { field: 'name' } } },
  ];
  if (samples.length > 0) {
    layer.push({ data: { values: samples }, mark: { type: 'rule', color: PALETTE[1], strokeWidth: 1 }, encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } });
    layer.push({ data: { values: samples }, mark: { type: 'point', size: 30, filled: true, opacity: 1 }, encoding: { x, y, color, shape } });
    // a few samples are named off the rising line: above left in the left half, below right in
    // the right half (the references' names sit on the other sides)
    if (samples.length <= 8) {
      layer.push({ data: { values: samples.filter((r) => (r.x as number) <= mid) }, mark: { type: 'text', dx: -6, dy: -8, align: 'right', fontSize: 8, color: PALETTE[1] }, encoding: { x, y, text: { field: 'name' } } });
      layer.push({ data: { values: samples.filter((r) => (r.x as number) > mid) }, mark: { type: 'text', dx: 6, dy: 10, align: 'left', fontSize: 8, color: PALETTE[1] }, encoding: { x, y, text: { field: 'name' } } });
    }
  }
  return renderVegaLite({ ...base(o), width, height, layer } as TopLevelSpec);
}

// ---- EXAFS ---------------------------------------------------------------------------------

export interface ChikCurve {
  name: string;
  k: Arr;
  chi: Arr;
}

/** χ(k)·kⁿ of several spectra. */
export async function chikFigure(spectra: ChikCurve[], o: FigureOptions & { kweight?: number; kmin?: number; kmax?: number } = {}): Promise<string> {
  const w = o.kweight ?? 2;
  const curves = spectra.map((s) => ({ name: s.name, x: s.k, y: Float64Array.from(s.chi as ArrayLike<number>, (c, i) => c * (s.k[i]! ** w)) }));
  const kmax = o.kmax ?? Math.max(...spectra.map((s) => s.k[s.k.length - 1] ?? 0));
  return overlay(curves, { ...o, what: 'χ(k)', xTitle: TITLES.k, yTitle: TITLES.chik(w), xmin: o.kmin ?? 0, xmax: kmax, legend: 'top', zeroLine: true });
}

export interface ChirCurve {
  name: string;
  r: Arr;
  chirMag: Arr;
  chirRe?: Arr;
  chirIm?: Arr;
}

export type ChirPart = 'mag' | 're' | 'im';

/** |χ(R)| (and Re/Im) of several spectra; `kweight` is the transform's (for the unit). */
export async function chirFigure(spectra: ChirCurve[], o: FigureOptions & { kweight?: number; rmax?: number; parts?: ChirPart[] } = {}): Promise<string> {
  const w = o.kweight ?? 2;
  const parts = o.parts ?? ['mag'];
  const rmax = o.rmax ?? 6;
  if (parts.length === 1 && parts[0] === 'mag') {
    return overlay(
      spectra.map((s) => ({ name: s.name, x: s.r, y: s.chirMag })),
      { ...o, what: '|χ(R)|', xTitle: TITLES.r, yTitle: TITLES.chir(w), xmin: 0, xmax: rmax, legend: 'top-right', yFromZero: true },
    );
  }
  // colour names the spectrum, the dash the part: |χ(R)| solid, Re dashed, Im dotted
  checkCurves(spectra.map((s) => ({ name: s.name, x: s.r, y: s.chirMag })), 'χ(R)');
  const cs = uniqueNames(spectra);
  const partName = { mag: '|χ(R)|', re: 'Re[χ(R)]', im: 'Im[χ(R)]' } as const;
  const values: Row[] = [];
  for (const sp of cs) {
    for (const p of parts) {
      const y = p === 'mag' ? sp.chirMag : p === 're' ? sp.chirRe : sp.chirIm;
      if (!y) throw new XafsError('EOPTION', `${sp.name}: no ${partName[p]} array to plot; pass --parts mag`);
      values.push(...rows([{ name: sp.name, x: sp.r, y }], 0, rmax, () => ({ p: partName[p], sp: `${sp.name} ${p}` })));
    }
  }
  const { width, height } = sizes(o);
  const names = cs.map((c) => c.name);
  const pnames = parts.map((p) => partName[p]);
  const dashes = { mag: [1, 0], re: [5, 2], im: [1.5, 1.5] };
  const unit = TITLES.chir(w).split('(').pop();
  const spec = {
    ...base(o),
    width,
    height,
    layer: [
      { data: { values: [{ z: 0 }] }, mark: { type: 'rule', stroke: '#999999', strokeWidth: 0.6 }, encoding: { y: { field: 'z', type: 'quantitative' } } },
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 1.3, clip: true },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: TITLES.r, scale: { domain: [0, rmax], nice: false, zero: false } },
          y: { field: 'y', type: 'quantitative', title: `${parts.length === 1 ? partName[parts[0]!] : 'χ(R)'} (${unit}`, scale: { domain: domainOf(ys(values)), nice: false, zero: false } },
          color: { field: 's', type: 'nominal', scale: colorScale(names), legend: names.length > 1 ? { orient: 'top', direction: 'horizontal', columns: legendColumns(names, width) } : null },
          strokeDash: { field: 'p', type: 'nominal', scale: { domain: pnames, range: parts.map((p) => dashes[p]) }, legend: parts.length > 1 ? { orient: 'top-right', symbolStrokeColor: '#000000' } : null },
          detail: { field: 'sp' },
        },
      },
    ],
  } as TopLevelSpec;
  return renderVegaLite(spec);
}

export interface ChiqCurve {
  name: string;
  q: Arr;
  chiqRe: Arr;
}

/** Re[χ(q)] of several spectra (the back transform of a k^w-weighted χ(R)). */
export async function chiqFigure(spectra: ChiqCurve[], o: FigureOptions & { kweight?: number; qmin?: number; qmax?: number } = {}): Promise<string> {
  const w = o.kweight ?? 2;
  return overlay(
    spectra.map((s) => ({ name: s.name, x: s.q, y: s.chiqRe })),
    { ...o, what: 'χ(q)', xTitle: TITLES.q, yTitle: TITLES.chiq(w), xmin: o.qmin ?? 0, xmax: o.qmax ?? 16, legend: 'top', zeroLine: true },
  );
}

// ---- fits ----------------------------------------------------------------------------------

export type FitSpace = 'r' | 'k' | 'q';

/** The arrays of one dataset of a fit (as `xafs fit --out` writes them). */
export interface FitPlotData {
  name: string;
  space: FitSpace;
  /** Grid: R (Å), k or q (Å⁻¹). */
  x: Arr;
  data: Arr;
  fit: Arr;
  /** R space: the real parts, drawn thinner. */
  dataRe?: Arr;
  fitRe?: Arr;
  kweight: number;
  /** The fit range on this grid (shaded). */
  window?: [number, number];
  /** Each path's contribution alone (drawn thin and grey). */
  paths?: { name: string; y: Arr }[];
  /** k space: the k window (drawn scaled to the data). */
  kwin?: Arr;
  /** R space: |χ(R)| is phase-corrected by the first path. */
  phaseCorrected?: boolean;
}

/** Data, best fit and residual (data − fit, in a panel below) in R, k or q. */
export async function fitFigure(f: FitPlotData, o: FigureOptions & { xmax?: number } = {}): Promise<string> {
  if (f.x.length === 0) throw new XafsError('ETOOFEW', `${f.name}: empty fit arrays, nothing to plot`);
  const { width, height } = sizes(o);
  const xmax = o.xmax ?? (f.space === 'r' ? 6 : f.space === 'q' ? Math.min(f.x[f.x.length - 1]!, 18) : f.x[f.x.length - 1]!);
  const xmin = 0;
  const w = f.kweight;
  const yTitle =
    f.space === 'r'
      ? f.phaseCorrected
        ? `phase-corrected ${TITLES.chir(w)}`
        : f.dataRe && f.fitRe
          ? `|χ(R)|, Re[χ(R)] (${TITLES.chir(w).split('(').pop()}`
          : TITLES.chir(w)
      : f.space === 'k'
        ? TITLES.chik(w)
        : TITLES.chiq(w);
  const xTitle = f.space === 'r' ? TITLES.r : f.space === 'k' ? TITLES.k : TITLES.q;
  const curves: Curve[] = [
    { name: 'data', x: f.x, y: f.data },
    { name: 'fit', x: f.x, y: f.fit },
  ];
  if (f.dataRe && f.fitRe) {
    curves.push({ name: 'Re data', x: f.x, y: f.dataRe }, { name: 'Re fit', x: f.x, y: f.fitRe });
  }
  // per-path contributions and the k window: thin grey lines behind (up to 8 paths)
  const extra: Curve[] = (f.paths && f.paths.length > 1 ? f.paths : []).slice(0, 8).map((p) => ({ name: p.name, x: f.x, y: p.y }));
  if (f.kwin) {
    let top = 0;
    for (let i = 0; i < f.x.length; i++) if (f.x[i]! <= xmax) top = Math.max(top, Math.abs(f.data[i]!));
    extra.push({ name: 'k window', x: f.x, y: Float64Array.from(f.kwin as ArrayLike<number>, (v) => v * top).subarray(0, f.x.length) });
  }
  curves.push(...extra);
  const values = rows(curves, xmin, xmax);
  const resid = rows([{ name: 'data − fit', x: f.x, y: Float64Array.from(f.data as ArrayLike<number>, (d, i) => d - f.fit[i]!) }], xmin, xmax);
  const names = curves.map((c) => c.name);
  const nMain = names.length - extra.length;
  const colors = [...[DATA_COLOR, FIT_COLOR, '#777777', '#E69F00'].slice(0, nMain), ...extra.map((c) => (c.name === 'k window' ? '#56B4E9' : '#999999'))];
  const widths = [...[1.6, 1.3, 0.8, 0.8].slice(0, nMain), ...extra.map(() => 0.7)];
  const dashes = [...[[1, 0], [5, 2], [1, 0], [5, 2]].slice(0, nMain), ...extra.map((c) => (c.name === 'k window' ? [2, 2] : [1, 0]))];
  const x = { field: 'x', type: 'quantitative', scale: { domain: [xmin, xmax], nice: false, zero: false } };
  const yDom = domainOf(ys(values), 0.05);
  const top: unknown[] = [];
  if (f.window) {
    top.push({ data: { values: [{ a: f.window[0], b: f.window[1] }] }, mark: { type: 'rect', color: '#BBBBBB', opacity: 0.25 }, encoding: { x: { field: 'a', type: 'quantitative', scale: x.scale }, x2: { field: 'b' } } });
  }
  top.push({
    data: { values },
    mark: { type: 'line', clip: true },
    encoding: {
      x: { ...x, axis: { labels: false, title: null } },
      y: { field: 'y', type: 'quantitative', title: yTitle, scale: { domain: yDom, nice: false, zero: false } },
      color: { field: 's', type: 'nominal', scale: { domain: names, range: colors }, legend: { orient: 'top-right', title: null } },
      strokeWidth: { field: 's', type: 'nominal', scale: { domain: names, range: widths }, legend: null },
      strokeDash: { field: 's', type: 'nominal', scale: { domain: names, range: dashes }, legend: null },
    },
  });
  const rd = domainOf(resid.map((v) => v.y as number), 0.1);
  const span = Math.max(Math.abs(rd[0]), Math.abs(rd[1]));
  const bottom = {
    height: Math.round(height * 0.32),
    width,
    layer: [
      { data: { values: [{ z: 0 }] }, mark: { type: 'rule', stroke: '#999999', strokeWidth: 0.6 }, encoding: { y: { field: 'z', type: 'quantitative' } } },
      {
        data: { values: resid },
        mark: { type: 'line', color: RESIDUAL_COLOR, strokeWidth: 1, clip: true },
        encoding: { x: { ...x, title: xTitle }, y: { field: 'y', type: 'quantitative', title: 'residual', scale: { domain: [-span, span], nice: false, zero: false }, axis: { tickCount: 3 } } },
      },
    ],
  };
  const spec = { ...base(o), vconcat: [{ width, height, layer: top }, bottom], spacing: 4, resolve: { scale: { x: 'shared' } } } as TopLevelSpec;
  return renderVegaLite(spec);
}

export interface LcfPlotData {
  name: string;
  /** Energy (eV) or k (Å⁻¹) of the fit window. */
  x: Arr;
  y: Arr;
  yfit: Arr;
  /** Weighted standards w·s(x) on x. */
  components: { name: string; y: Arr }[];
  space: string;
  rfactor?: number;
}

/** LCF: data, fit, weighted components and the residual below. */
export async function lcfFigure(l: LcfPlotData, o: FigureOptions = {}): Promise<string> {
  if (l.x.length === 0) throw new XafsError('ETOOFEW', `${l.name}: empty LCF arrays, nothing to plot`);
  const s0 = sizes(o);
  // the residual's tick labels (−0.005) are wider than the usual y axis: keep the total width
  const width = s0.width - 14;
  const height = s0.height;
  const curves: Curve[] = [
    { name: 'data', x: l.x, y: l.y },
    { name: 'fit', x: l.x, y: l.yfit },
    ...l.components.map((c) => ({ name: c.name, x: l.x, y: c.y })),
  ];
  const names = uniqueNames(curves).map((c) => c.name);
  const values = rows(uniqueNames(curves));
  const colors = [DATA_COLOR, FIT_COLOR, ...l.components.map((_, i) => [PALETTE[0], PALETTE[2], PALETTE[3], PALETTE[4], PALETTE[5]][i % 5])];
  const xd = [l.x[0]!, l.x[l.x.length - 1]!];
  const isK = l.space === 'chi';
  const xTitle = isK ? TITLES.k : TITLES.energy;
  const yTitle = isK ? TITLES.chik(2) : l.space === 'dmude' ? TITLES.deriv : l.space === 'flat' ? TITLES.flat : TITLES.norm;
  const x = { field: 'x', type: 'quantitative', scale: { domain: xd, nice: false, zero: false }, axis: isK ? {} : { format: 'd' } };
  const top = {
    width,
    height,
    data: { values },
    mark: { type: 'line', clip: true },
    encoding: {
      x: { ...x, axis: { labels: false, title: null } },
      y: { field: 'y', type: 'quantitative', title: yTitle, scale: { domain: domainOf(ys(values)), nice: false, zero: false } },
      // the legend above the panel: LCF curves fill the plot area
      color: { field: 's', type: 'nominal', scale: { domain: names, range: colors }, legend: { orient: 'top', direction: 'horizontal', columns: 2, columnPadding: 10 } },
      strokeDash: { field: 's', type: 'nominal', scale: { domain: names, range: names.map((_, i) => (i === 1 ? [5, 2] : i >= 2 ? [2, 2] : [1, 0])) }, legend: null },
      strokeWidth: { field: 's', type: 'nominal', scale: { domain: names, range: names.map((_, i) => (i < 2 ? 1.4 : 1)) }, legend: null },
    },
  };
  const resid = rows([{ name: 'r', x: l.x, y: Float64Array.from(l.y as ArrayLike<number>, (v, i) => v - l.yfit[i]!) }]);
  const rd = domainOf(resid.map((v) => v.y as number), 0.1);
  const span = Math.max(Math.abs(rd[0]), Math.abs(rd[1]));
  const bottom = {
    width,
    height: Math.round(height * 0.32),
    layer: [
      { data: { values: [{ z: 0 }] }, mark: { type: 'rule', stroke: '#999999', strokeWidth: 0.6 }, encoding: { y: { field: 'z', type: 'quantitative' } } },
      { data: { values: resid }, mark: { type: 'line', color: RESIDUAL_COLOR, strokeWidth: 1 }, encoding: { x: { ...x, title: xTitle }, y: { field: 'y', type: 'quantitative', title: 'residual', scale: { domain: [-span, span], nice: false, zero: false }, axis: { tickCount: 3 } } } },
    ],
  };
  return renderVegaLite({ ...base(o), vconcat: [top, bottom], spacing: 4 } as TopLevelSpec);
}

// ---- PCA -----------------------------------------------------------------------------------

export interface PcaPlotData {
  /** Fraction of the variance per component (the scree). */
  variances: Arr;
  /** Malinowski's IND(k), k = 1 … */
  ind: Arr;
  /** Number of significant components (marked). */
  ncomponents: number;
}

/** PCA: scree (variance per component, log scale) and IND, side by side. */
export async function pcaFigure(p: PcaPlotData, o: FigureOptions = {}): Promise<string> {
  if (p.variances.length === 0) throw new XafsError('ETOOFEW', 'nothing to plot: the PCA has no components');
  const total = figureWidth(o.width ?? 'double');
  const width = panelWidth(total, 2);
  const height = o.height ?? Math.min(220, Math.round(width * 0.75));
  const nmax = Math.min(p.variances.length, 12);
  const scree: Row[] = [];
  for (let i = 0; i < nmax; i++) if (p.variances[i]! > 0) scree.push({ x: i + 1, y: p.variances[i]!, sig: i < p.ncomponents ? 'significant' : 'noise' });
  const ind: Row[] = [];
  for (let i = 0; i < Math.min(p.ind.length, nmax); i++) if (p.ind[i]! > 0) ind.push({ x: i + 1, y: p.ind[i]!, sig: i < p.ncomponents ? 'significant' : 'noise' });
  const x = { field: 'x', type: 'quantitative', title: 'component', scale: { domain: [0.5, nmax + 0.5], nice: false }, axis: { tickMinStep: 1, format: 'd' } };
  const color = { field: 'sig', type: 'nominal', scale: { domain: ['significant', 'noise'], range: [PALETTE[1], PALETTE[0]] }, legend: { orient: 'top', direction: 'horizontal', symbolType: 'circle', symbolSize: 40 } };
  const panel = (values: Row[], title: string, legend: boolean) => {
    const ys = values.map((v) => v.y as number);
    // a decade-padded log domain: the first point (≈1) is not cut by the frame
    const domain = [Math.min(...ys) / 2, Math.max(...ys) * 2];
    return {
      width,
      height,
      data: { values },
      layer: [
        { mark: { type: 'line', color: '#777777', strokeWidth: 0.8 }, encoding: { x, y: { field: 'y', type: 'quantitative', title, scale: { type: 'log', domain, nice: false }, axis: { format: '~e', tickCount: 5 } } } },
        { mark: { type: 'point', size: 30, filled: true, opacity: 1 }, encoding: { x, y: { field: 'y', type: 'quantitative' }, color: legend ? color : { ...color, legend: null } } },
      ],
    };
  };
  return renderVegaLite({ ...base({ ...o, width: total }), hconcat: [panel(scree, 'fraction of variance', true), panel(ind, 'IND', false)], spacing: 12 } as TopLevelSpec);
}

// ---- series and trends ---------------------------------------------------------------------

export interface StackFigureOptions extends FigureOptions {
  /** Vertical offset between successive spectra (y units). @default 0.1 */
  offset?: number;
  xmin?: number;
  xmax?: number;
  xTitle?: string;
  yTitle?: string;
  /** Legend title for the colour (index, time, potential ...). @default 'index' */
  colorTitle?: string;
  /** The value each spectrum's colour stands for. @default 0, 1, 2 ... */
  values?: number[];
  /** Write each spectrum's value above the left end of its curve. @default true with `values` and up to 12 spectra */
  labels?: boolean;
}

/** A series stacked with an offset, coloured along a sequential (viridis) scale. */
export async function stackFigure(curves: Curve[], o: StackFigureOptions = {}): Promise<string> {
  checkCurves(curves, 'stack');
  const off = o.offset ?? 0.1;
  // the colour bar stands right of the plot area (inside, it would cover the curves)
  const width = sizes(o).width - 48;
  const height = o.height ?? Math.min(420, Math.round(width * 1.1));
  const vals = o.values ?? curves.map((_, i) => i);
  const values = rows(uniqueNames(curves), o.xmin, o.xmax, (_, i) => ({ i, c: vals[i] ?? i })).map((r): Row => ({ ...r, y: r.y === null ? null : round6((r.y as number) + off * (r.i as number)) }));
  const xd = [o.xmin ?? Math.min(...values.map((v) => v.x as number)), o.xmax ?? Math.max(...values.map((v) => v.x as number))];
  const yd = domainOf(ys(values), 0.02);
  const x = { field: 'x', type: 'quantitative', title: o.xTitle ?? TITLES.energy, scale: { domain: xd, nice: false, zero: false }, axis: (o.xTitle ?? TITLES.energy) === TITLES.energy ? { format: 'd' } : {} };
  const y = { field: 'y', type: 'quantitative', title: o.yTitle ?? `${TITLES.norm} + offset`, scale: { domain: yd, nice: false, zero: false } };
  const color = { field: 'c', type: 'quantitative', title: o.colorTitle ?? 'index', scale: { scheme: 'viridis' }, legend: { type: 'gradient', orient: 'right', gradientLength: Math.round(height * 0.4), gradientThickness: 8, title: o.colorTitle ?? 'index', titleFontSize: 9, titleFontWeight: 'normal', direction: 'vertical', offset: 6 } };
  const layer: unknown[] = [{ mark: { type: 'line', strokeWidth: 1, clip: true }, encoding: { x, y, color, detail: { field: 'i', type: 'nominal' }, order: { field: 'x', type: 'quantitative' } } }];
  // each curve's value just above its right end, as papers label a stack (0.2 V, 0.4 V ...)
  if (o.labels ?? (o.values !== undefined && curves.length <= 12)) {
    const ends: Row[] = [];
    const viridis = scheme('viridis') as (t: number) => string;
    const vmin = Math.min(...vals);
    const vmax = Math.max(...vals);
    // one number of decimals for all (1.0, 0.6, 0.2; not 1, 0.6, 0.2), at most 4
    const decimals = Math.max(0, ...vals.map((v) => (String(Number(v.toPrecision(4))).split('.')[1] ?? '').length));
    for (let i = 0; i < curves.length; i++) {
      // at the left end (pre-edge, low k, low R: flat in every stack), above the highest point
      // of the curve's first 15 % (the label's width), so the text clears its line
      const head = xd[0]! + 0.15 * (xd[1]! - xd[0]!);
      const inside = values.filter((v) => v.i === i && v.out === undefined && v.y !== null && (v.x as number) <= head);
      const last = inside.length ? inside.reduce((a, b) => ((b.y as number) > (a.y as number) ? b : a)) : undefined;
      const v = vals[i] ?? i;
      // the line's own viridis colour, set literally: a colour-encoded text layer would turn the colour bar into a symbol legend
      if (last) ends.push({ x: xd[0]!, y: last.y, fill: viridis(vmax > vmin ? (v - vmin) / (vmax - vmin) : 0), label: v.toFixed(decimals).replace('-', '−') });
    }
    layer.push({ data: { values: ends }, mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 3, dy: -2, fontSize: 8 }, encoding: { x, y, color: { field: 'fill', type: 'nominal', scale: null }, text: { field: 'label' } } });
  }
  const spec = { ...base(o), width, height, data: { values }, layer } as TopLevelSpec;
  return renderVegaLite(spec);
}

export interface TrendSeries {
  /** Axis title, with unit. */
  title: string;
  /** One entry per line in the panel (e.g. one per LCF fraction). */
  lines: { name: string; y: (number | null)[]; err?: (number | null)[] }[];
}

/** Trends against index/time/potential: one panel per quantity, points with error bars. */
export async function trendsFigure(x: number[], xTitle: string, panels: TrendSeries[], o: FigureOptions = {}): Promise<string> {
  if (x.length === 0) throw new XafsError('ETOOFEW', 'nothing to plot: the results table has no rows');
  if (panels.length === 0) throw new XafsError('ETOOFEW', 'nothing to plot: no quantity to show against ' + xTitle);
  const { width } = sizes(o);
  const height = o.height ?? Math.round(Math.min(width * 0.42, 150));
  const xd = domainOf(x, 0.03);
  const whole = x.every((v) => Number.isInteger(v));
  const views = panels.map((p, pi) => {
    const names = p.lines.map((l) => l.name);
    const values: Row[] = [];
    for (const l of p.lines) {
      l.y.forEach((y, i) => {
        if (y === null || !Number.isFinite(y)) return;
        const e = l.err?.[i];
        const err = e !== null && e !== undefined && Number.isFinite(e) ? e : 0;
        values.push({ x: x[i]!, y, lo: y - err, hi: y + err, s: l.name });
      });
    }
    const last = pi === panels.length - 1;
    // an index (whole numbers) gets whole-number ticks
    const ticks = whole ? { format: 'd', tickMinStep: 1 } : {};
    const xe = { field: 'x', type: 'quantitative', scale: { domain: xd, nice: false, zero: false }, axis: last ? { title: xTitle, ...ticks } : { labels: false, title: null, ...ticks } };
    // several lines in a panel are named at their last point (a legend box would cover data)
    const color = { field: 's', type: 'nominal', scale: colorScale(names), legend: null };
    const yd = domainOf([...values.map((v) => v.lo as number), ...values.map((v) => v.hi as number)], 0.08);
    const ends: Row[] = [];
    if (names.length > 1) {
      for (const l of p.lines) {
        for (let i = l.y.length - 1; i >= 0; i--) {
          const y = l.y[i];
          if (y !== null && y !== undefined && Number.isFinite(y)) {
            ends.push({ x: x[i]!, y, s: l.name, above: y < (yd[0] + yd[1]) / 2 ? 1 : 0 });
            break;
          }
        }
      }
    }
    const label = (above: number) => ({
      data: { values: ends.filter((e) => e.above === above) },
      mark: { type: 'text', align: 'right', dx: -4, dy: above ? -9 : 11, fontSize: 9 },
      encoding: { x: xe, y: { field: 'y', type: 'quantitative' }, text: { field: 's' }, color },
    });
    return {
      width,
      height,
      data: { values },
      layer: [
        { mark: { type: 'line', strokeWidth: 0.8, opacity: 0.6 }, encoding: { x: xe, y: { field: 'y', type: 'quantitative', title: p.title, scale: { domain: yd, nice: false, zero: false } }, color } },
        { mark: { type: 'rule', strokeWidth: 0.9 }, encoding: { x: xe, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color } },
        { mark: { type: 'point', size: 16, filled: true, opacity: 0.85 }, encoding: { x: xe, y: { field: 'y', type: 'quantitative' }, color } },
        ...(ends.length ? [label(1), label(0)] : []),
      ],
    };
  });
  return renderVegaLite({ ...base(o), vconcat: views, spacing: 6, resolve: { scale: { color: 'independent' } } } as TopLevelSpec);
}
