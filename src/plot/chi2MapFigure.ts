/**
 * The χ² map of two fit parameters (`xafs fit --map`): Δχ²/χ²_ν over the grid as a heat map
 * (capped at 10 so the valley shows), the cells inside the 1σ (Δ ≤ 1) and 2σ (Δ ≤ 4) regions
 * outlined, the best fit as a cross. Vega-Lite, rendered to SVG like the other figures.
 */
import type { TopLevelSpec } from 'vega-lite';
import { XafsError } from '../errors.js';
import { renderVegaLite } from './render.js';
import { figureWidth, FIT_COLOR, VL_CONFIG } from './theme.js';
import type { FigureOptions } from './figures.js';

export interface Chi2MapData {
  names: [string, string];
  best: [number, number];
  x: number[];
  y: number[];
  /** Row-major: dchi2[j * x.length + i] at (x[i], y[j]). */
  dchi2: number[];
}

const CAP = 10;

export async function chi2MapFigure(m: Chi2MapData, o: FigureOptions = {}): Promise<string> {
  if (m.x.length < 2 || m.y.length < 2 || m.dchi2.length !== m.x.length * m.y.length) {
    throw new XafsError('ETOOFEW', `the χ² map needs a grid of at least 2×2 values (got ${m.x.length}×${m.y.length}, ${m.dchi2.length} values)`);
  }
  const width = Math.round(figureWidth(o.width) * 0.78);
  const height = o.height ?? width;
  const hx = (m.x[1] - m.x[0]) / 2;
  const hy = (m.y[1] - m.y[0]) / 2;
  const cells = m.y.flatMap((y, j) =>
    m.x.map((x, i) => {
      const d = m.dchi2[j * m.x.length + i];
      return { x0: x - hx, x1: x + hx, y0: y - hy, y1: y + hy, d: Math.min(CAP, Math.max(0, d)), region: d <= 1 ? '1σ (Δχ²/χ²ν ≤ 1)' : d <= 4 ? '2σ (≤ 4)' : 'outside' };
    }),
  );
  const scale = { x: { domain: [m.x[0] - hx, m.x[m.x.length - 1] + hx], nice: false, zero: false }, y: { domain: [m.y[0] - hy, m.y[m.y.length - 1] + hy], nice: false, zero: false } };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: VL_CONFIG,
    ...(o.title ? { title: o.title } : {}),
    width,
    height,
    layer: [
      {
        data: { values: cells },
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'x0', type: 'quantitative', title: m.names[0], scale: scale.x },
          x2: { field: 'x1' },
          y: { field: 'y0', type: 'quantitative', title: m.names[1], scale: scale.y },
          y2: { field: 'y1' },
          color: { field: 'd', type: 'quantitative', title: 'Δχ²/χ²ν', scale: { scheme: 'viridis', domain: [0, CAP], reverse: true }, legend: { orient: 'right', gradientLength: Math.round(height * 0.7) } },
        },
      },
      {
        data: { values: cells.filter((c) => c.region !== 'outside') },
        mark: { type: 'rect', fillOpacity: 0, strokeWidth: 0.8 },
        encoding: {
          x: { field: 'x0', type: 'quantitative', scale: scale.x },
          x2: { field: 'x1' },
          y: { field: 'y0', type: 'quantitative', scale: scale.y },
          y2: { field: 'y1' },
          stroke: { field: 'region', type: 'nominal', scale: { domain: ['1σ (Δχ²/χ²ν ≤ 1)', '2σ (≤ 4)'], range: ['#d62728', '#bbbbbb'] }, legend: { orient: 'bottom', title: null } },
        },
      },
      {
        data: { values: [{ x: m.best[0], y: m.best[1] }] },
        mark: { type: 'point', shape: 'cross', size: 80, filled: true, color: FIT_COLOR },
        encoding: { x: { field: 'x', type: 'quantitative', scale: scale.x }, y: { field: 'y', type: 'quantitative', scale: scale.y } },
      },
    ],
  };
  return renderVegaLite(spec as unknown as TopLevelSpec);
}
