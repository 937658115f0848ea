/**
 * Wavelet-transform maps: |W(k, R)| as a heat map with contour lines and the maximum marked,
 * several samples side by side. A Vega (not Vega-Lite) spec: Vega-Lite has no isocontour.
 */
import type { Spec } from 'vega';
import { XafsError } from '../errors.js';
import { scheme } from 'vega';
import { deflateSync } from 'node:zlib';
import { renderVega } from './render.js';
import { FONT, figureWidth, TITLES, VL_CONFIG, type FigureWidth } from './theme.js';

/** What the map needs of a wavelet result (src/xafs/wavelet.ts WaveletResult). */
export interface WaveletMap {
  k: ArrayLike<number>;
  r: ArrayLike<number>;
  /** |W|, row-major [r.length][k.length]. */
  mag: ArrayLike<number>;
  max?: { k: number; r: number; value: number };
}

export interface WaveletFigureOptions {
  /** @default 'double' for 2+ maps, else 'single' */
  width?: FigureWidth;
  /** Plot-area height, px. @default the panel width × 0.85, at most 260 */
  height?: number;
  /** Displayed R range, Å. @default 0 to 6 */
  rmin?: number;
  rmax?: number;
  /** Displayed k range, Å⁻¹. @default the maps' */
  kmin?: number;
  kmax?: number;
  /** Contour levels as fractions of each map's maximum. @default [0.2, 0.4, 0.6, 0.8] */
  levels?: number[];
  /** Most points per axis in the heat map (the map is sampled down to this). @default 400 */
  cells?: number;
  /** The k-weight used (for the colour-bar title). */
  kweight?: number;
  title?: string;
}

interface Panel {
  name: string;
  /** The heat map as a PNG data URI, one pixel per (k, R) point, R increasing upwards. */
  image: string;
  grid: { width: number; height: number; values: number[] };
  k0: number;
  k1: number;
  r0: number;
  r1: number;
  max: { k: number; r: number };
}

/** Every step-th index of 0 … n−1 between the indices of lo and hi. */
function indices(x: ArrayLike<number>, lo: number, hi: number, most: number): number[] {
  const inside: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i]! >= lo - 1e-9 && x[i]! <= hi + 1e-9) inside.push(i);
  const step = Math.max(1, Math.ceil(inside.length / most));
  return inside.filter((_, j) => j % step === 0);
}

/** CRC-32 (ISO 3309) of the PNG chunks. */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 255]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * The map as a small PNG (one RGB pixel per point, R increasing upwards) coloured by Vega's
 * viridis scheme, the colour bar's: thousands of SVG rectangles would weigh megabytes, and a
 * raster scaled up by the viewer interpolates smoothly between grid points. The encoding is the
 * PNG format's minimum (8-bit RGB, no row filter, zlib from Node).
 */
function heatPng(values: number[], width: number, height: number): string {
  const color = scheme('viridis') as (t: number) => string;
  const raw = Buffer.alloc(height * (3 * width + 1));
  for (let row = 0; row < height; row++) {
    // image row 0 is the top: the largest R, grid row height − 1
    const j = height - 1 - row;
    const at = row * (3 * width + 1);
    raw[at] = 0;
    for (let i = 0; i < width; i++) {
      const rgb = /rgb\((\d+), ?(\d+), ?(\d+)\)/.exec(color(Math.min(1, Math.max(0, values[j * width + i]!))))!;
      raw[at + 1 + 3 * i] = Number(rgb[1]);
      raw[at + 2 + 3 * i] = Number(rgb[2]);
      raw[at + 3 + 3 * i] = Number(rgb[3]);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
  return `data:image/png;base64,${png.toString('base64')}`;
}

/**
 * The grid with two rings around it: the edge values repeated, then zeros. Contours that reach
 * the data's edge then close in the outer ring, a cell or more outside the (clipped) plot area,
 * instead of running along the edge.
 */
function padded(g: Panel['grid']): Panel['grid'] {
  const W = g.width + 4;
  const H = g.height + 4;
  const values = new Array<number>(W * H).fill(0);
  for (let j = 1; j < H - 1; j++) {
    for (let i = 1; i < W - 1; i++) {
      const gi = Math.min(g.width - 1, Math.max(0, i - 2));
      const gj = Math.min(g.height - 1, Math.max(0, j - 2));
      values[j * W + i] = g.values[gj * g.width + gi]!;
    }
  }
  return { width: W, height: H, values };
}

function panelOf(name: string, w: WaveletMap, o: WaveletFigureOptions): Panel {
  const nk = w.k.length;
  const nr = w.r.length;
  if (nk === 0 || nr === 0 || w.mag.length !== nk * nr) {
    throw new XafsError('ETOOFEW', `${name}: the wavelet map is empty or not ${nr}×${nk} (it holds ${w.mag.length} values)`);
  }
  const most = o.cells ?? 400;
  const ki = indices(w.k, o.kmin ?? -Infinity, o.kmax ?? Infinity, most);
  const ri = indices(w.r, o.rmin ?? 0, o.rmax ?? 6, most);
  if (ki.length < 2 || ri.length < 2) throw new XafsError('ERANGE', `${name}: fewer than 2 points of the wavelet map lie in the k and R ranges asked for`);
  let vmax = 0;
  let imax = [0, 0];
  for (const j of ri) for (const i of ki) if (w.mag[j * nk + i]! > vmax) {
    vmax = w.mag[j * nk + i]!;
    imax = [i, j];
  }
  const scale = vmax > 0 ? 1 / vmax : 1;
  const dk = (w.k[ki[1]!]! - w.k[ki[0]!]!) / 2;
  const dr = (w.r[ri[1]!]! - w.r[ri[0]!]!) / 2;
  const values: number[] = [];
  for (const j of ri) for (const i of ki) values.push(Number((w.mag[j * nk + i]! * scale).toFixed(4)));
  return {
    name,
    image: heatPng(values, ki.length, ri.length),
    grid: { width: ki.length, height: ri.length, values },
    k0: w.k[ki[0]!]! - dk,
    k1: w.k[ki[ki.length - 1]!]! + dk,
    r0: w.r[ri[0]!]! - dr,
    r1: w.r[ri[ri.length - 1]!]! + dr,
    max: { k: w.k[imax[0]!]!, r: w.r[imax[1]!]! },
  };
}

/** Heat maps of |W| (each scaled to its maximum) with contours, side by side. */
export async function waveletFigure(maps: { name: string; map: WaveletMap }[], o: WaveletFigureOptions = {}): Promise<string> {
  if (maps.length === 0) throw new XafsError('ETOOFEW', 'nothing to plot: the wavelet figure needs at least one map');
  // side by side, the maps share one k range: the common part of theirs unless given
  const kmin = o.kmin ?? Math.max(...maps.map((m) => m.map.k[0] ?? 0));
  const kmax = o.kmax ?? Math.min(...maps.map((m) => m.map.k[m.map.k.length - 1] ?? 0));
  const panels = maps.map((m) => panelOf(m.name, m.map, { ...o, kmin, kmax }));
  const n = panels.length;
  const total = figureWidth(o.width ?? (n > 1 ? 'double' : 'single'));
  const legendSpace = 84;
  const gap = 62;
  const w = Math.max(80, Math.floor((total - legendSpace - 50 - (n - 1) * gap) / n));
  const h = o.height ?? Math.min(260, Math.round(w * 0.85));
  const levels = o.levels ?? [0.2, 0.4, 0.6, 0.8];
  const ax = VL_CONFIG.axis;
  const axisStyle = {
    domain: false,
    ticks: true,
    tickColor: '#000000',
    tickSize: 4,
    labelFont: FONT,
    labelFontSize: ax.labelFontSize,
    titleFont: FONT,
    titleFontSize: ax.titleFontSize,
    titleFontWeight: 'normal',
    labelFlush: true,
    labelOverlap: true,
  };
  const marks = panels.map((p, i) => ({
    type: 'group',
    name: `panel${i}`,
    encode: { update: { x: { value: i * (w + gap) }, y: { value: 0 }, width: { value: w }, height: { value: h }, stroke: { value: '#000000' }, strokeWidth: { value: 0.8 }, clip: { value: false } } },
    data: [
      {
        name: `contours${i}`,
        // padded (see `padded`) and mapped so that the rings lie outside the plot area
        values: [{ grid: padded(p.grid) }],
        transform: [{ type: 'isocontour', field: 'grid', thresholds: levels, scale: [w / p.grid.width, -h / p.grid.height], translate: [(-2 * w) / p.grid.width, h + (2 * h) / p.grid.height] }],
      },
      { name: `max${i}`, values: [p.max] },
    ],
    scales: [
      { name: 'x', type: 'linear', domain: [p.k0, p.k1], range: [0, w], zero: false, nice: false },
      { name: 'y', type: 'linear', domain: [p.r0, p.r1], range: [h, 0], zero: false, nice: false },
    ],
    axes: [
      { scale: 'x', orient: 'bottom', title: TITLES.k, tickCount: 5, ...axisStyle },
      { scale: 'y', orient: 'left', title: TITLES.r, tickCount: 5, ...axisStyle },
    ],
    title: { text: p.name, subtitle: `maximum at k = ${p.max.k.toFixed(1)} Å⁻¹, R = ${p.max.r.toFixed(2)} Å`, subtitleFont: FONT, subtitleFontSize: 9, subtitleColor: '#333333', font: FONT, fontSize: 10, fontWeight: 'normal', anchor: 'start', offset: 3 },
    // an inner group clips the map and contours to the plot area (the axes stay outside it)
    marks: [
      {
        type: 'group',
        encode: { update: { x: { value: 0 }, y: { value: 0 }, width: { value: w }, height: { value: h }, clip: { value: true } } },
        marks: [
      {
        type: 'image',
        encode: { update: { x: { value: 0 }, y: { value: 0 }, width: { value: w }, height: { value: h }, aspect: { value: false }, smooth: { value: true }, url: { value: p.image } } },
      },
      {
        type: 'shape',
        from: { data: `contours${i}` },
        encode: { update: { stroke: { value: '#FFFFFF' }, strokeWidth: { value: 0.7 }, strokeOpacity: { value: 0.9 }, fill: { value: null } } },
        transform: [{ type: 'geoshape', field: 'datum.contour' }],
      },
      {
        type: 'symbol',
        from: { data: `max${i}` },
        encode: { update: { x: { scale: 'x', field: 'k' }, y: { scale: 'y', field: 'r' }, shape: { value: 'cross' }, size: { value: 50 }, fill: { value: '#FFFFFF' }, stroke: { value: '#000000' }, strokeWidth: { value: 0.5 } } },
      },
        ],
      },
    ],
  }));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    background: 'white',
    padding: 4,
    autosize: 'pad',
    ...(o.title ? { title: { text: o.title, font: FONT, fontSize: 11, fontWeight: 'normal', anchor: 'start' } } : {}),
    scales: [{ name: 'color', type: 'linear', domain: [0, 1], range: { scheme: 'viridis' }, zero: true, nice: false }],
    legends: [
      {
        fill: 'color',
        type: 'gradient',
        title: o.kweight !== undefined ? ['|W| / max', `${TITLES.chik(o.kweight).split('χ')[0] || 'χ'}χ(k)`] : '|W| / max',
        titleFont: FONT,
        titleFontSize: 9,
        titleFontWeight: 'normal',
        labelFont: FONT,
        labelFontSize: 9,
        gradientLength: Math.round(h * 0.8),
        gradientThickness: 10,
        direction: 'vertical',
        // placed by hand: the panel titles' estimated widths (no canvas to measure text) would push it away
        orient: 'none',
        legendX: n * (w + gap) - gap + 16,
        legendY: 0,
        values: [0, 0.2, 0.4, 0.6, 0.8, 1],
      },
    ],
    marks,
  } as unknown as Spec;
  return renderVega(spec);
}
