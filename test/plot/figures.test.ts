// Figures as SVG: axis titles with units, one path per series, as many points as the data, the
// plotted values read back through the axis ticks; PNG size and content; wavelet maps.
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readSpectrum } from '../../src/io/read.js';
import { processSpectrum } from '../../src/process.js';
import { chirFigure, toPng, trendsFigure, waveletFigure, xanesFigure } from '../../src/plot/index.js';
import { fixture } from '../cli/helpers.js';

const cu = processSpectrum(readSpectrum(fixture('spectra/cu_metal_rt.xdi')), { xftf: { kmin: 3, kmax: 14, dk: 1, window: 'hanning', kweight: 2 } });
const cu3 = processSpectrum(readSpectrum(fixture('spectra/cu_metal_rt.xdi')), { xftf: { kmin: 3, kmax: 14, dk: 1, window: 'hanning', kweight: 3 } });

/** The `d` of every path of the line marks, in document order. */
function linePaths(svg: string): string[] {
  const out: string[] = [];
  for (const g of svg.split('class="mark-line').slice(1)) {
    const body = g.slice(0, g.indexOf('</g>'));
    for (const m of body.matchAll(/<path[^>]* d="([^"]+)"/g)) out.push(m[1]!);
  }
  return out;
}

const points = (d: string) => d.split(/[ML]/).filter((s) => s.trim() !== '').map((p) => p.split(',').map(Number) as [number, number]);

/** The y axis of the first panel: label values and their pixel positions. */
function yAxisLabels(svg: string): { value: number; y: number }[] {
  const at = svg.indexOf('aria-label="Y-axis');
  const part = svg.slice(at, svg.indexOf('role-axis-title', at));
  return [...part.matchAll(/<text[^>]*transform="translate\([-\d.]+,([-\d.]+)\)"[^>]*>([^<]+)<\/text>/g)].map((m) => ({ y: Number(m[1]), value: Number(m[2]!.replace('−', '-')) }));
}

describe('chirFigure', () => {
  it('|χ(R)| of two spectra: R (Å) and |χ(R)| (Å⁻³) axes, one path each, every point of 0–6 Å, the peak read back through the ticks', async () => {
    const svg = await chirFigure(
      [
        { name: 'Cu k²', r: cu.ft.r, chirMag: cu.ft.chirMag },
        { name: 'Cu k³/10', r: cu3.ft.r, chirMag: cu3.ft.chirMag.map((v) => v / 10) },
      ],
      { kweight: 2, rmax: 6 },
    );
    expect(svg).toContain('>R (Å)</text>');
    expect(svg).toContain('>|χ(R)| (Å⁻³)</text>');
    expect(svg).toContain('>Cu k²</text>');
    const paths = linePaths(svg);
    expect(paths).toHaveLength(2);
    // the points in 0–6 Å and the first one beyond (the line runs to the frame, clipped)
    const inRange = cu.ft.r.filter((r) => r <= 6).length + 1;
    expect(points(paths[0]!)).toHaveLength(inRange);
    expect(points(paths[1]!)).toHaveLength(inRange);
    // pixel ↔ value from two tick labels (their common baseline offset cancels), 0 at the frame bottom
    const labels = yAxisLabels(svg);
    expect(labels.length).toBeGreaterThanOrEqual(3);
    const [a, b] = [labels[1]!, labels[2]!];
    const pxPerUnit = (a.y - b.y) / (b.value - a.value);
    const height = Number(/class="background"[^>]*d="M0,0h[\d.]+v([\d.]+)h/.exec(svg.slice(svg.indexOf('mark-line') - 600))![1]);
    const top = Math.min(...points(paths[0]!).map((p) => p[1]));
    const peak = Math.max(...cu.ft.chirMag.filter((_, i) => cu.ft.r[i]! <= 6));
    expect((height - top) / pxPerUnit).toBeCloseTo(peak, 1);
    expect(Math.abs((height - top) / pxPerUnit / peak - 1)).toBeLessThan(0.01);
  });

  it('refuses an empty series, naming it', async () => {
    await expect(chirFigure([{ name: 'empty.xdi', r: new Float64Array(0), chirMag: new Float64Array(0) }])).rejects.toThrow('empty.xdi: empty series, nothing to plot in the |χ(R)| figure');
    await expect(chirFigure([])).rejects.toThrow('nothing to plot: the |χ(R)| figure needs at least one spectrum');
  });
});

describe('xanesFigure', () => {
  it('normalized μ(E) with an inset: E (eV) without thousands separators, two paths in the main plot and two in the inset', async () => {
    const s = { energy: cu.energy, y: cu.pre.norm, e0: cu.e0 };
    const svg = await xanesFigure([{ name: 'a', ...s }, { name: 'b', ...s, y: s.y.map((v) => v * 0.9) }], { inset: true });
    expect(svg).toContain('>E (eV)</text>');
    expect(svg).toContain('>normalized μ(E)</text>');
    expect(svg).toMatch(/>89[5-9]0<\/text>/);
    expect(svg).not.toMatch(/>8,9\d0</);
    expect(svg).toContain('class="inset"');
    expect(linePaths(svg)).toHaveLength(4);
  });
});

describe('waveletFigure', () => {
  // |W| = a Gaussian ridge at k = 8 Å⁻¹, R = 2.2 Å plus a weaker one at (5, 1.5): the analytic maximum
  const k = Float64Array.from({ length: 301 }, (_, i) => i * 0.05);
  const r = Float64Array.from({ length: 121 }, (_, j) => j * 0.05);
  const mag = new Float64Array(k.length * r.length);
  for (let j = 0; j < r.length; j++) {
    for (let i = 0; i < k.length; i++) mag[j * k.length + i] = Math.exp(-((k[i]! - 8) ** 2) / 8 - (r[j]! - 2.2) ** 2 / 0.1) + 0.5 * Math.exp(-((k[i]! - 5) ** 2) / 4 - (r[j]! - 1.5) ** 2 / 0.08);
  }

  it('two maps side by side: k (Å⁻¹) and R (Å) axes, the heat map as an embedded PNG, contours, the maximum named', async () => {
    const svg = await waveletFigure([{ name: 'foil', map: { k, r, mag } }, { name: 'sample', map: { k, r, mag } }], { kweight: 2 });
    expect(svg.match(/>k \(Å⁻¹\)<\/text>/g)).toHaveLength(2);
    expect(svg.match(/>R \(Å\)<\/text>/g)).toHaveLength(2);
    expect(svg.match(/xlink:href="data:image\/png;base64,/g)).toHaveLength(2);
    expect(svg.match(/>maximum at k = 8\.0 Å⁻¹, R = 2\.20 Å<\/text>/g)).toHaveLength(2);
    // one contour path per level (0.2, 0.4, 0.6, 0.8 of the maximum) in each map, none empty
    const groups = svg.split('class="mark-shape').slice(1).map((g) => g.slice(0, g.indexOf('</g>')));
    expect(groups).toHaveLength(2);
    for (const g of groups) {
      const ds = [...g.matchAll(/<path[^>]* d="([^"]*)"/g)].map((m) => m[1]!);
      expect(ds).toHaveLength(4);
      for (const d of ds) expect(d.length).toBeGreaterThan(20);
    }
  });

  it('refuses a map whose size does not match its grids', async () => {
    await expect(waveletFigure([{ name: 'bad', map: { k, r, mag: new Float64Array(10) } }])).rejects.toThrow('bad: the wavelet map is empty or not 121×301 (it holds 10 values)');
  });
});

describe('toPng', () => {
  it('300 dpi: a 317 px (3.3 in) wide figure becomes 990 px, with dark pixels (lines and text) on white', async () => {
    const svg = await trendsFigure([0, 1, 2, 3], 'index', [{ title: 'valence', lines: [{ name: 'v', y: [2, 2.3, 2.6, 3], err: [0.05, 0.05, 0.05, 0.05] }] }], { width: 'single' });
    const w = Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)![1]);
    const h = Number(/<svg[^>]* height="([\d.]+)"/.exec(svg)![1]);
    expect(w).toBeGreaterThan(300);
    expect(w).toBeLessThan(335);
    const png = toPng(svg);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const pw = png.readUInt32BE(16);
    const ph = png.readUInt32BE(20);
    expect(pw).toBe(Math.round((w * 300) / 96));
    expect(ph).toBe(Math.round((h * 300) / 96));
    // inflate the image data: the filter byte of each row, then RGBA; count dark pixels
    const idat: Buffer[] = [];
    for (let at = 8; at < png.length; ) {
      const len = png.readUInt32BE(at);
      if (png.subarray(at + 4, at + 8).toString('latin1') === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len));
      at += 12 + len;
    }
    const raw = inflateSync(Buffer.concat(idat));
    const bpp = (raw.length / ph - 1) / pw;
    expect([3, 4]).toContain(bpp);
    // undo the PNG row filters (None, Sub, Up, Average, Paeth), then count dark and white pixels
    const stride = pw * bpp;
    const img = new Uint8Array(ph * stride);
    for (let y = 0; y < ph; y++) {
      const f = raw[y * (stride + 1)]!;
      for (let x = 0; x < stride; x++) {
        const v = raw[y * (stride + 1) + 1 + x]!;
        const a = x >= bpp ? img[y * stride + x - bpp]! : 0;
        const b = y > 0 ? img[(y - 1) * stride + x]! : 0;
        const c = x >= bpp && y > 0 ? img[(y - 1) * stride + x - bpp]! : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        img[y * stride + x] = (v + pred) & 255;
      }
    }
    let dark = 0;
    let white = 0;
    for (let i = 0; i < pw * ph; i++) {
      const v = img[i * bpp]! + img[i * bpp + 1]! + img[i * bpp + 2]!;
      if (v < 200) dark++;
      if (v === 765) white++;
    }
    // mostly white paper, and a few per cent of ink: frame, ticks, labels, points, error bars
    expect(white / (pw * ph)).toBeGreaterThan(0.8);
    expect(dark / (pw * ph)).toBeGreaterThan(0.005);
  });
});
