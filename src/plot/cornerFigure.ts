/**
 * Corner plot of posterior samples (docs/fit-posterior.md): the 1-D marginal histogram of each
 * parameter on the diagonal (median solid, 68 % interval dashed, best fit in the fit colour) and
 * the 2-D joint histogram of every pair below it (grey levels, best fit marked). Histograms are
 * binned here, so the spec stays small whatever the number of samples.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { XafsError } from '../errors.js';
import { renderVegaLite } from './render.js';
import { FIT_COLOR, figureWidth, VL_CONFIG, type FigureWidth } from './theme.js';

export interface CornerData {
  /** Column names of the samples. */
  names: string[];
  /** Samples, row-major: nsamples × names.length. */
  samples: ArrayLike<number>;
  /** Best-fit value per column (marked); optional. */
  best?: ArrayLike<number>;
}

export interface CornerFigureOptions {
  /** The columns to show, in order. @default every column (at most 8) */
  params?: string[];
  /** @default 'single' for ≤ 3 parameters, else 'double' */
  width?: FigureWidth;
  /** Bins of the 1-D histograms. @default 30 */
  bins?: number;
  /** Bins per axis of the 2-D histograms. @default 24 */
  bins2d?: number;
  title?: string;
}

const r6 = (v: number) => Number(v.toPrecision(6));

function sortedCopy(v: Float64Array): Float64Array {
  return Float64Array.from(v).sort();
}

function q(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const i = Math.floor(h);
  return i + 1 < sorted.length ? sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]) : sorted[sorted.length - 1];
}

/** Renders the corner plot to SVG. */
export async function cornerFigure(d: CornerData, o: CornerFigureOptions = {}): Promise<string> {
  const ncol = d.names.length;
  const nsamp = ncol ? Math.floor(d.samples.length / ncol) : 0;
  if (nsamp < 2) throw new XafsError('ETOOFEW', `nothing to plot: the corner plot needs at least 2 samples (got ${nsamp})`);
  const show = o.params ?? d.names.slice(0, 8);
  const cols = show.map((name) => {
    const c = d.names.indexOf(name);
    if (c < 0) throw new XafsError('EOPTION', `corner plot: no parameter '${name}' in the samples; they are ${d.names.join(', ')}`);
    return c;
  });
  if (cols.length === 0) throw new XafsError('EOPTION', 'corner plot: no parameter to show');
  const n = cols.length;
  const bins = o.bins ?? 30;
  const bins2 = o.bins2d ?? 24;
  const total = figureWidth(o.width ?? (n <= 3 ? 'single' : 'double'));
  const cell = Math.max(48, Math.floor((total - 70) / n - 12));

  const data = cols.map((c) => Float64Array.from({ length: nsamp }, (_, s) => d.samples[s * ncol + c]));
  // axis range: the 0.5–99.5 % quantiles, widened by 5 % (a few far samples do not squash the plot)
  const ranges = data.map((v) => {
    const s = sortedCopy(v);
    let lo = q(s, 0.005);
    let hi = q(s, 0.995);
    if (!(hi > lo)) {
      lo -= Math.abs(lo) * 1e-3 + 1e-12;
      hi += Math.abs(hi) * 1e-3 + 1e-12;
    }
    const pad = 0.05 * (hi - lo);
    return { lo: lo - pad, hi: hi + pad, med: q(s, 0.5), q16: q(s, 0.158655254), q84: q(s, 0.841344746) };
  });
  const binOf = (v: number, a: number, nb: number) => {
    const { lo, hi } = ranges[a];
    const b = Math.floor(((v - lo) / (hi - lo)) * nb);
    return b >= 0 && b < nb ? b : -1;
  };
  const axisX = (a: number, row: number) => ({ title: row === n - 1 ? show[a] : null, labels: row === n - 1, tickCount: 3, labelFontSize: 9 });

  const rowsSpec: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const cells: unknown[] = [];
    for (let j = 0; j <= i; j++) {
      const xs = { domain: [r6(ranges[j].lo), r6(ranges[j].hi)], nice: false, zero: false };
      const x = { field: 'a', type: 'quantitative', scale: xs, axis: axisX(j, i) };
      if (i === j) {
        const counts = new Array<number>(bins).fill(0);
        for (const v of data[i]) {
          const b = binOf(v, i, bins);
          if (b >= 0) counts[b]++;
        }
        const w = (ranges[i].hi - ranges[i].lo) / bins;
        const hist = counts.map((c, b) => ({ a: r6(ranges[i].lo + b * w), b: r6(ranges[i].lo + (b + 1) * w), c }));
        const marks = [
          { v: ranges[i].med, dash: [1, 0], color: '#000000' },
          { v: ranges[i].q16, dash: [4, 2], color: '#000000' },
          { v: ranges[i].q84, dash: [4, 2], color: '#000000' },
          ...(d.best ? [{ v: d.best[cols[i]], dash: [1, 0], color: FIT_COLOR }] : []),
        ];
        cells.push({
          width: cell,
          height: cell,
          layer: [
            {
              data: { values: hist },
              mark: { type: 'rect', color: '#9A9A9A' },
              encoding: { x, x2: { field: 'b' }, y: { field: 'c', type: 'quantitative', axis: null, scale: { zero: true } }, y2: { datum: 0 } },
            },
            ...marks.map((m) => ({
              data: { values: [{ a: r6(m.v) }] },
              mark: { type: 'rule', color: m.color, strokeDash: m.dash, strokeWidth: 1, clip: true },
              encoding: { x },
            })),
          ],
          title: { text: `${show[i]} = ${fmtInterval(ranges[i].med, ranges[i].q16, ranges[i].q84)}`, fontSize: 9 },
        });
        continue;
      }
      // 2-D histogram of (x = param j, y = param i)
      const grid = new Array<number>(bins2 * bins2).fill(0);
      for (let s = 0; s < nsamp; s++) {
        const bx = binOf(data[j][s], j, bins2);
        const by = binOf(data[i][s], i, bins2);
        if (bx >= 0 && by >= 0) grid[by * bins2 + bx]++;
      }
      const wx = (ranges[j].hi - ranges[j].lo) / bins2;
      const wy = (ranges[i].hi - ranges[i].lo) / bins2;
      const cellsData: { a: number; b: number; y: number; y2: number; c: number }[] = [];
      grid.forEach((c, g) => {
        if (c === 0) return;
        const bx = g % bins2;
        const by = Math.floor(g / bins2);
        cellsData.push({ a: r6(ranges[j].lo + bx * wx), b: r6(ranges[j].lo + (bx + 1) * wx), y: r6(ranges[i].lo + by * wy), y2: r6(ranges[i].lo + (by + 1) * wy), c });
      });
      const ys = { domain: [r6(ranges[i].lo), r6(ranges[i].hi)], nice: false, zero: false };
      const yAxis = { title: j === 0 ? show[i] : null, labels: j === 0, tickCount: 4 };
      cells.push({
        width: cell,
        height: cell,
        layer: [
          {
            data: { values: cellsData },
            mark: { type: 'rect' },
            encoding: {
              x,
              x2: { field: 'b' },
              y: { field: 'y', type: 'quantitative', scale: ys, axis: yAxis },
              y2: { field: 'y2' },
              color: { field: 'c', type: 'quantitative', scale: { scheme: 'greys', type: 'sqrt' }, legend: null },
            },
          },
          ...(d.best
            ? [
                {
                  data: { values: [{ a: r6(d.best[cols[j]]), y: r6(d.best[cols[i]]) }] },
                  mark: { type: 'point', shape: 'cross', color: FIT_COLOR, size: 40, filled: true, clip: true },
                  encoding: { x, y: { field: 'y', type: 'quantitative', scale: ys, axis: yAxis } },
                },
              ]
            : []),
        ],
      });
    }
    // empty cells right of the diagonal keep the grid aligned (a concat with n columns)
    for (let j = i + 1; j < n; j++) cells.push({ width: cell, height: cell, data: { values: [{}] }, mark: { type: 'text', text: '' }, view: { stroke: null } });
    rowsSpec.push(...cells);
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { ...VL_CONFIG, view: { stroke: '#000000', strokeWidth: 0.6 }, concat: { spacing: 6 } },
    ...(o.title ? { title: o.title } : {}),
    concat: rowsSpec,
    columns: n,
    // flush: the cells' sizes alone set the grid (a long title or the y labels of column 0 do not
    // widen a column); the spacing leaves room for the titles above the diagonal
    bounds: 'flush',
    spacing: { row: 22, column: 14 },
    resolve: { scale: { color: 'independent' } },
  } as unknown as TopLevelSpec;
  return renderVegaLite(spec);
}

/** "1.23 −0.05 +0.06" with the precision of the smaller error's second digit. */
function fmtInterval(med: number, lo: number, hi: number): string {
  const m = med - lo;
  const p = hi - med;
  const e = Math.min(m, p);
  const dec = e > 0 ? Math.max(0, Math.min(8, 1 - Math.floor(Math.log10(e)))) : 3;
  return `${med.toFixed(dec)} −${m.toFixed(dec)} +${p.toFixed(dec)}`;
}

/**
 * The corner plot of an `xafs fit --posterior --out DIR` run: DIR (or its posterior_chain.csv);
 * the best-fit marks come from result.json beside the chain when it is there.
 */
export async function cornerOfChain(input: string, o: CornerFigureOptions = {}): Promise<string> {
  const file = existsSync(input) && statSync(input).isDirectory() ? join(input, 'posterior_chain.csv') : input;
  if (!existsSync(file)) throw new XafsError('ENOENT', `${file} not found: the corner plot reads the posterior_chain.csv that xafs fit --posterior --out DIR writes`);
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const head = (lines[0] ?? '').split(',');
  if (head[0] !== 'logp' || head.length < 2) throw new XafsError('EFORMAT', `${file} line 2: expected the header 'logp,<parameters>' of an xafs fit --posterior chain`);
  const names = head.slice(1);
  const samples = new Float64Array((lines.length - 1) * names.length);
  lines.slice(1).forEach((l, s) => {
    const cells = l.split(',');
    names.forEach((_, c) => {
      const v = Number(cells[c + 1]);
      if (!Number.isFinite(v)) throw new XafsError('EFORMAT', `${file}: sample ${s + 1} (${names[c]}) is '${cells[c + 1]}', not a number`);
      samples[s * names.length + c] = v;
    });
  });
  let best: number[] | undefined;
  const resultFile = join(dirname(file), 'result.json');
  if (existsSync(resultFile)) {
    try {
      const params = (JSON.parse(readFileSync(resultFile, 'utf8')) as { posterior?: { params?: Record<string, { best?: number }> } }).posterior?.params;
      if (params && names.every((n) => typeof params[n]?.best === 'number')) best = names.map((n) => params[n]!.best!);
    } catch {
      // a result.json that is not ours: no best-fit marks
    }
  }
  return cornerFigure({ names, samples, best }, o);
}
