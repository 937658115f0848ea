// `xafs plot KIND INPUTS...`: options → src/plot/make.ts plotFigure → SVG (stdout or --out) or PNG.
import { writeFileAtomic } from '../node/atomicWrite.js';
import { XafsError } from '../errors.js';
import { plotFigure, type PlotKind, type PlotOptions } from '../plot/make.js';
import { toPng } from '../plot/render.js';
import type { FigureWidth } from '../plot/theme.js';
import { processOptions } from './process.js';
import { checkExpression } from './format.js';
import type { Io } from './program.js';

type Opts = Record<string, unknown>;
const n = (o: Opts, k: string) => o[k] as number | undefined;
const s = (o: Opts, k: string) => o[k] as string | undefined;

/** FILE=VALENCE (the last '=' splits). */
function parseRef(arg: string): { file: string; valence: number } {
  const eq = arg.lastIndexOf('=');
  const v = eq > 0 ? Number(arg.slice(eq + 1)) : NaN;
  if (eq <= 0 || arg.slice(eq + 1).trim() === '' || !Number.isFinite(v)) throw new XafsError('EOPTION', `--ref '${arg}': expected FILE=VALENCE, e.g. --ref FeO.xdi=2`);
  return { file: arg.slice(0, eq), valence: v };
}

/** One --mu for every input, or one per input (in order). */
function muOption(mu: string[] | undefined, inputs: string[]): PlotOptions['mu'] {
  if (mu === undefined || mu.length === 0) return undefined;
  // '' stands for "the default" (a χ(k) file, or a file with a mu column) among per-input expressions
  const list = mu.map((m) => (m.trim() === '' ? undefined : m));
  if (mu.length === 1) return list[0];
  if (mu.length !== inputs.length) throw new XafsError('EOPTION', `${mu.length} --mu expressions for ${inputs.length} inputs: give one --mu for all of them, or one per input in their order`);
  return list;
}

/** CLI options → PlotOptions; --xmin/--xmax go to the figure's own x range. */
export function plotOptions(kind: string, o: Opts, warn: (m: string) => void, inputs: string[] = []): PlotOptions {
  const xmin = n(o, 'xmin');
  const xmax = n(o, 'xmax');
  const proc = processOptions(o);
  const energyAxis = ['xanes', 'deriv'].includes(kind) || (kind === 'stack' && (s(o, 'stackSpace') ?? 'norm') === 'norm');
  const kAxis = ['chik', 'wavelet'].includes(kind) || (kind === 'stack' && s(o, 'stackSpace') === 'chik') || (kind === 'fit' && s(o, 'space') === 'k');
  return {
    width: o.width as FigureWidth | undefined,
    height: n(o, 'height'),
    title: s(o, 'title'),
    mu: muOption(o.mu as string[] | undefined, inputs),
    energy: s(o, 'energy'),
    group: s(o, 'group'),
    process: proc,
    kweight: n(o, 'kweight'),
    emin: energyAxis ? xmin : undefined,
    emax: energyAxis ? xmax : undefined,
    kmin: kAxis ? xmin : undefined,
    kmax: kAxis || kind === 'chiq' || (kind === 'fit' && s(o, 'space') === 'q') ? xmax : undefined,
    rmax: !energyAxis && !kAxis ? xmax : undefined,
    inset: o.inset === true ? true : (o.inset as [number, number] | undefined),
    raw: o.raw === true,
    parts: o.parts as PlotOptions['parts'],
    space: o.space as PlotOptions['space'],
    phaseCorrected: o.phaseCorrected === true,
    dataset: o.dataset as number | undefined,
    refs: (o.ref as string[] | undefined)?.map(parseRef),
    method: s(o, 'method'),
    standards: o.standard as string[] | undefined,
    lcfSpace: o.lcfSpace as PlotOptions['lcfSpace'],
    lcfEmin: n(o, 'emin'),
    lcfEmax: n(o, 'emax'),
    sumToOne: o.sumToOne === true,
    offset: n(o, 'offset'),
    stackSpace: o.stackSpace as PlotOptions['stackSpace'],
    values: o.values as number[] | undefined,
    valuesTitle: s(o, 'valuesTitle'),
    x: s(o, 'x'),
    y: o.y as string[] | undefined,
    xFile: s(o, 'xFile'),
    valuesFile: s(o, 'valuesFile'),
    labels: o.labels === false ? false : undefined,
    waveletKind: o.wavelet as PlotOptions['waveletKind'],
    rmaxOut: n(o, 'rmaxOut'),
    eta: n(o, 'eta'),
    sigma: n(o, 'sigma'),
    warn,
  };
}

export async function plotCommand(kind: string, inputs: string[], o: Opts, io: Io): Promise<void> {
  for (const mu of (o.mu as string[] | undefined) ?? []) if (mu.trim() !== '') checkExpression('--mu', mu);
  checkExpression('--energy', s(o, 'energy'));
  const out = s(o, 'out');
  if (out !== undefined && !/\.(svg|png)$/i.test(out)) throw new XafsError('EOPTION', `--out ${out}: the figure is written as .svg or .png; end the file name with one of them`);
  const warn = (m: string) => io.err(`xafs: warning: ${m}\n`);
  const svg = await plotFigure(kind as PlotKind, inputs, plotOptions(kind, o, warn, inputs));
  if (out === undefined) {
    io.out(svg + '\n');
    return;
  }
  if (/\.png$/i.test(out)) writeFileAtomic(out, toPng(svg, { dpi: n(o, 'dpi') }));
  else writeFileAtomic(out, svg + '\n');
  io.err(`xafs: wrote ${out}\n`);
}
