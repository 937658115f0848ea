// Registration of xafs plot, xafs report (issue 6; src/plot/). Definitions and options only; actions import their modules lazily so
// that `xafs --version` stays fast.
import { Option, type Command } from 'commander';
import { parseNumber, type Io, type NumberRule } from './program.js';

/** Kept here so registration loads no numerics (src/plot/make.ts PLOT_KINDS). */
const KINDS = ['xanes', 'deriv', 'valence', 'chik', 'chir', 'chiq', 'fit', 'wavelet', 'lcf', 'pca', 'stack', 'trends', 'corner'];
const EDGE_METHODS = ['deriv', 'deriv-fit', 'half', 'zero2', 'integral', 'deriv-main', 'half-main'];

type Fail = (message: string) => never;

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

function widthParser(fail: Fail) {
  return (v: string): string | number => {
    if (v === 'single' || v === 'double') return v;
    const x = Number(v);
    if (!(Number.isFinite(x) && x >= 150 && x <= 3000)) fail(`error: option '--width' expects single (3.3 in), double (7 in) or a width in px from 150 to 3000, got '${v}'`);
    return x;
  };
}

export function register(program: Command, io: Io): void {
  const plot = program
    .command('plot')
    .description('publication figures (SVG or PNG at 300 dpi, sized for a journal column): XANES, derivative, valence calibration, χ(k), χ(R), χ(q), fits, wavelet maps, LCF, PCA, series stacks, trends')
    .argument('<kind>', `the figure: ${KINDS.join(', ')}`)
    .argument('[inputs...]', 'spectra (files, folders, globs, series files, Athena projects, FILE#NAME); fit: an xafs fit --out folder; trends: results.csv or an xafs batch --out folder; corner: an xafs fit --posterior --out folder')
    .addHelpText(
      'after',
      `
Examples:
  xafs plot xanes sample.xdi ref_Cu.xdi ref_CuO.xdi --inset --out xanes.png
  xafs plot chir cu_metal_rt.xdi sample.xdi --kweight 2 --kmin 3 --kmax 12 --window hanning --out chir.svg
  xafs plot fit fitdir/ --space r --out fit_r.png          (fitdir from: xafs fit RECIPE --out fitdir)
  xafs plot deriv ref_Cu.xdi ref_Cu2O.xdi ref_CuO.xdi sample.xdi --method deriv --out deriv.png
  xafs plot valence --ref FeO.xdi=2 --ref Fe2O3.xdi=3 series.dat --method half
  xafs plot chir cu_metal_rt.xdi sample.xdi --kweight 3 --kmin 3 --kmax 12 --out chir_k3.png   (k³: |χ(R)| in Å⁻⁴)
  xafs plot wavelet cu_metal_rt.xdi sample.xdi --kweight 2 --rmax-out 6 --out wt.png   (maps side by side)
  xafs plot lcf sample.xdi --standard FeO.xdi=FeO --standard Fe2O3.xdi=Fe2O3 --sum-to-one
  xafs plot pca series.dat --emin -20 --emax 60
  xafs plot stack scans/ --values-file potentials.csv --offset 0.15 --out stack.png
  xafs plot stack scan_*.xdi --values 0.2,0.4,0.6,0.8 --values-title 'potential (V vs RHE)'
  xafs plot trends batchdir/ --x index --y valence,lcf_FeO
  xafs plot trends batchdir/ --x-file potentials.csv --y valence,n_cu,r_cu
    potentials.csv: a header line and a row per spectrum, e.g. 'index,potential (V vs RHE)'
    then '0,0.2' ... (rows matched by index, else by source, else in order)
Without --out the SVG goes to stdout.`,
    );
  const fail: Fail = (message) => plot.error(message, { exitCode: 2, code: 'xafs.badOptionValue' });
  const addNum = (flags: string, desc: string, rule: NumberRule = {}) => {
    plot.addOption(new Option(flags, desc).argParser(parseNumber(flags.split(' ')[0]!, rule, fail)));
  };
  plot.option('--out <file>', 'write the figure to FILE: .svg or .png (default: SVG on stdout)');
  plot.addOption(new Option('--width <w>', 'single (3.3 in, one journal column), double (7 in) or px (default single; double for PCA and several wavelet maps)').argParser(widthParser(fail)));
  addNum('--height <px>', 'height of the plot area, px (default from the width)', { above: 0 });
  addNum('--dpi <dpi>', 'PNG resolution (default 300)', { above: 0 });
  plot.option('--title <text>', 'a title above the figure');
  addNum('--xmin <x>', 'displayed x range start (eV, Å⁻¹ or Å, the figure\'s x axis)');
  addNum('--xmax <x>', 'displayed x range end');
  plot.optionsGroup('Inputs and processing (as xafs process):');
  plot.addOption(
    new Option('--mu <expr>', "μ(E) from columns, e.g. 'ln(i0/itrans)' (default: a column named mu, xmu, mutrans or mufluor); repeat it once per input for inputs measured differently (--mu mutrans --mu 'ifluor/i0'; '' for a χ(k) file or the default)").argParser(collect),
  );
  plot.option('--energy <expr>', 'energy column or expression, eV');
  plot.option('--group <label>', 'Athena projects: only this group');
  addNum('--e0 <eV>', 'edge energy, eV (default: Larch find_e0)');
  addNum('--rbkg <Å>', 'background R cut-off, Å (default 1)', { above: 0 });
  addNum('--kweight <w>', 'k-weight of χ(k)·kⁿ, of the Fourier and wavelet transforms (default 2)');
  addNum('--kmin <Å⁻¹>', 'Fourier transform k window start, Å⁻¹ (default 0)');
  addNum('--kmax <Å⁻¹>', 'Fourier transform k window end, Å⁻¹ (default 20, the data end at most)');
  addNum('--dk <Å⁻¹>', 'k window taper, Å⁻¹ (default 1)', { min: 0 });
  plot.option('--window <name>', 'k window: hanning, kaiser, ... (default kaiser)');
  addNum('--rmin <Å>', 'back transform R window start, Å (default 0)');
  addNum('--rmax <Å>', 'back transform R window end, Å (default 20)');
  addNum('--dr <Å>', 'R window taper, Å (default 1)', { min: 0 });
  plot.option('--rwindow <name>', 'R window (default kaiser)');
  plot.optionsGroup('Figure options:');
  plot.addOption(
    new Option('--inset [lo,hi]', 'xanes: an inset enlarging the pre-edge and the edge: lo,hi in eV (default E0 − 15 to E0 + 5 eV, E0 of the first spectrum)').argParser((v: string) => {
      const parts = v.split(',').map((p) => Number(p.trim()));
      if (parts.length !== 2 || parts.some((x) => !Number.isFinite(x)) || !(parts[0]! < parts[1]!)) fail(`error: option '--inset' expects an energy range lo,hi in eV with lo < hi (e.g. 8960,8990), got '${v}'`);
      return parts;
    }),
  );
  plot.option('--raw', 'xanes: μ(E) as read instead of normalized');
  plot.addOption(
    new Option('--parts <list>', 'chir: mag, re, im, comma-separated (default mag)').argParser((v: string) => {
      const list = v.split(',').map((s) => s.trim());
      const bad = list.find((p) => !['mag', 're', 'im'].includes(p));
      if (bad !== undefined || list.length === 0) fail(`error: option '--parts' expects mag, re or im (comma-separated), got '${v}'`);
      return list;
    }),
  );
  plot.addOption(new Option('--space <space>', 'fit: the space shown (default the recipe\'s fit space)').choices(['r', 'k', 'q']));
  plot.option('--phase-corrected', "fit, R space: |χ(R)| phase-corrected by the first path's scattering phase (peaks at the distances)");
  addNum('--dataset <n>', 'fit: which dataset of a multi-dataset fit (default 1)', { integer: true, min: 1 });
  plot.addOption(new Option('--ref <file=valence>', 'valence: a reference and its valence (repeat)').argParser(collect));
  plot.addOption(new Option('--method <method>', 'deriv: the edge marked (default deriv); valence: the edge definition (default half-main, as xafs valence)').choices(EDGE_METHODS));
  plot.addOption(new Option('--standard <file[=name]>', 'lcf: a standard (repeat)').argParser(collect));
  plot.addOption(new Option('--lcf-space <space>', 'lcf: norm, flat, dmude or chi (default norm)').choices(['norm', 'flat', 'dmude', 'chi']));
  addNum('--emin <eV>', 'lcf, pca: range start, eV relative to e0 (default -40 for lcf)');
  addNum('--emax <eV>', 'lcf, pca: range end, eV relative to e0 (default 110 for lcf)');
  plot.option('--sum-to-one', 'lcf: weights sum to one');
  addNum('--offset <y>', 'stack: vertical offset between spectra (default 0.1 norm, 2 k²χ(k), 1 |χ(R)|)');
  plot.addOption(new Option('--stack-space <space>', 'stack: norm, chik or chir (default norm)').choices(['norm', 'chik', 'chir']));
  plot.addOption(
    new Option('--values <list>', 'stack: the value of each spectrum for the colour scale, comma-separated (time, potential, ...; default 0, 1, 2 ...)').argParser((v: string) => {
      const xs = v.split(',').map((s) => Number(s.trim()));
      if (xs.some((x) => !Number.isFinite(x))) fail(`error: option '--values' expects comma-separated numbers, got '${v}'`);
      return xs;
    }),
  );
  plot.option('--values-file <file>', 'stack: a table giving each spectrum\'s value (a header, e.g. index,potential (V), then one row per spectrum; matched by index, source or order); its header titles the colour bar');
  plot.option('--values-title <text>', "stack: what --values are, with unit (default 'index')");
  plot.option('--no-labels', 'stack: do not write each value next to its curve (written by default with --values for up to 12 spectra)');
  plot.option('--x <column>', 'trends: the x column of results.csv (default index), or of --x-file');
  plot.option('--x-file <file>', 'trends: a table giving each row\'s x (potential, time ...): a header, e.g. index,potential (V vs RHE), then one row per spectrum (matched by index, source or order); its header titles the axis');
  plot.addOption(new Option('--y <list>', 'trends: the columns shown, comma-separated (default valence, lcf_<name> fractions and fitted parameters that have a _stderr column)').argParser((v: string) => v.split(',').map((s) => s.trim()).filter((s) => s !== '')));
  plot.addOption(new Option('--wavelet <kind>', 'wavelet: the mother wavelet (default cauchy)').choices(['cauchy', 'morlet']));
  addNum('--rmax-out <Å>', 'wavelet: the map\'s largest R, Å, as xafs wavelet (default 10; Larch\'s Cauchy order follows it); the figure shows R up to 6 Å or --rmax-out', { above: 0 });
  addNum('--eta <η>', 'wavelet, morlet: oscillation frequency η (default 5)', { above: 0 });
  addNum('--sigma <σ>', 'wavelet, morlet: Gaussian width σ (default 1)', { above: 0 });
  plot.action(async (kind: string, inputs: string[], opts: Record<string, unknown>) => {
    if (!KINDS.includes(kind)) fail(`error: unknown figure '${kind}': use ${KINDS.join(', ')}`);
    const { plotCommand } = await import('./plot.js');
    await plotCommand(kind, inputs, opts, io);
  });

  const report = program
    .command('report')
    .description('one self-contained HTML report (figures inline as SVG, tables with error bars, the recipe, versions) of a fit, a processed spectrum or a batch')
    .argument('<results>', 'an xafs fit --out folder or --json result, a spectrum file or xafs process --json output, or an xafs batch --out folder')
    .option('--out <file>', 'write the report to FILE (default: report.html in the current folder)')
    .option('--title <text>', 'the report title (default from the input)')
    .option('--mu <expr>', 'spectrum files: μ(E) expression')
    .addOption(new Option('--kweight <w>', 'spectrum files: k-weight of χ(k) and the transform (default 2)').argParser(parseNumber('--kweight', {}, (m) => report.error(m, { exitCode: 2 }))));
  const failReport: Fail = (message) => report.error(message, { exitCode: 2, code: 'xafs.badOptionValue' });
  for (const [flags, desc, rule] of [
    ['--rbkg <Å>', 'spectrum files: background R cut-off, Å (default 1)', { above: 0 }],
    ['--kmin <Å⁻¹>', 'spectrum files: Fourier transform k window start, Å⁻¹ (default 0)', {}],
    ['--kmax <Å⁻¹>', 'spectrum files: Fourier transform k window end, Å⁻¹ (default 20, the data end at most)', {}],
    ['--dk <Å⁻¹>', 'spectrum files: k window taper, Å⁻¹ (default 1)', { min: 0 }],
  ] as [string, string, NumberRule][]) {
    report.addOption(new Option(flags, desc).argParser(parseNumber(flags.split(' ')[0]!, rule, failReport)));
  }
  report.option('--window <name>', 'spectrum files: k window (default kaiser)');
  report.action(async (results: string, opts: Record<string, unknown>) => {
    const { reportCommand } = await import('./report.js');
    await reportCommand(results, opts, io);
  });
}
