/**
 * Rendering: Vega-Lite specs compiled by `vega-lite`, Vega specs rendered headlessly to SVG by
 * `vega` (renderer 'none': no DOM, no canvas), SVG rasterized to PNG by `@resvg/resvg-js` (a
 * packaged Rust rasterizer: no browser, no native canvas build).
 */
import { existsSync } from 'node:fs';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { Resvg } from '@resvg/resvg-js';
import { FONT_FAMILY } from './theme.js';

/** Renders a Vega spec to an SVG string (white background, sizes in CSS px = 1/96 in). */
export async function renderVega(spec: vega.Spec): Promise<string> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Compiles a Vega-Lite spec and renders it to an SVG string. */
export async function renderVegaLite(spec: TopLevelSpec): Promise<string> {
  // Vega-Lite's notes (e.g. a legend disabled in one layer only) are not the user's business
  return renderVega(compile(spec, { logger: vega.logger(vega.None) as never }).spec as vega.Spec);
}

/** Font files tried first for PNG output (Debian: fonts-dejavu-core, fonts-liberation). */
const FONT_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf',
];

export interface PngOptions {
  /** Resolution, dots per inch (the SVG is laid out at 96 px per inch). @default 300 */
  dpi?: number;
}

/**
 * Rasterizes an SVG to PNG. System fonts are loaded, DejaVu Sans first (it has every glyph the
 * labels use: Å, χ, μ, superscript ⁻¹ ²); resvg falls back to any other loaded font for a missing
 * glyph, and to its default family when DejaVu is not installed.
 */
export function toPng(svg: string, options: PngOptions = {}): Buffer {
  const dpi = options.dpi ?? 300;
  const fontFiles = FONT_FILES.filter((f) => existsSync(f));
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: dpi / 96 },
    background: 'white',
    font: { loadSystemFonts: true, fontFiles, defaultFontFamily: fontFiles.length > 0 ? FONT_FAMILY : 'sans-serif', sansSerifFamily: FONT_FAMILY },
  });
  return r.render().asPng();
}
