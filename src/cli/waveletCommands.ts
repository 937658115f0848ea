// Registration of xafs wavelet (issue 6; src/xafs/wavelet.ts). Definitions and options only; actions import their modules lazily so
// that `xafs --version` stays fast.
import { Option, type Command } from 'commander';
import { addAutobkOptions, addPreEdgeOptions, parseNumber, type Io, type NumberRule } from './program.js';

type Fail = (message: string) => never;

/** `--rwindow a,b`: an R window in Å (repeatable). */
function rWindowParser(fail: Fail) {
  return (v: string, prev: Array<[number, number]> | undefined): Array<[number, number]> => {
    const parts = v.split(',').map((s) => s.trim());
    const [a, b] = parts.map(Number);
    if (parts.length !== 2 || parts.some((s) => s === '') || !Number.isFinite(a) || !Number.isFinite(b) || !(a! >= 0 && a! < b!)) {
      fail(`error: option '--rwindow' expects rmin,rmax in Å with 0 ≤ rmin < rmax (e.g. --rwindow 1.2,1.9), got '${v}'`);
    }
    return [...(prev ?? []), [a!, b!]];
  };
}

export function register(program: Command, io: Io): void {
  const cmd = program
    .command('wavelet')
    .description('wavelet transform of χ(k) into a (k, R) map: Larch\'s Cauchy wavelet or Funke\'s Morlet wavelet, with the maximum-intensity positions')
    .argument('<file>', 'μ(E) (a column file or an Athena project with --group: processed as by xafs process) or a χ(k) file (columns k, chi)')
    .addHelpText(
      'after',
      `
Examples:
  xafs wavelet cu_metal_rt.xdi --mu 'ln(i0/itrans)' --kweight 2 --rmax-out 6
  xafs wavelet sample.chi --kweight 3 --rwindow 1.2,1.9 --rwindow 2.0,2.7 --json > wt.json
  xafs wavelet sample.chi --kind morlet --eta 10 --sigma 1 --out wt/
Maxima: the (k, R) of the largest |W| overall and in each --rwindow; a heavier backscatterer
peaks at higher k (e.g. Cu–N ~6.7 Å⁻¹ against Cu–Cu ~8.0 Å⁻¹ in Cu foil, with k³).`,
    );
  const fail: Fail = (message) => cmd.error(message, { exitCode: 2, code: 'xafs.badOptionValue' });
  const addNum = (flags: string, desc: string, rule: NumberRule = {}) => {
    cmd.addOption(new Option(flags, desc).argParser(parseNumber(flags.split(' ')[0]!, rule, fail)));
  };
  cmd.optionsGroup('Wavelet:');
  cmd.addOption(new Option('--kind <kind>', 'cauchy (Larch cauchy_wavelet) or morlet (Funke et al. 2005)').choices(['cauchy', 'morlet']).default('cauchy'));
  addNum('--kweight <w>', 'k-weight of χ(k) before the transform (default 0, as Larch)');
  addNum('--rmax-out <Å>', 'largest R of the map, Å (default 10)', { above: 0 });
  cmd.addOption(new Option('--rmax <Å>', 'same as --rmax-out').argParser(parseNumber('--rmax', { above: 0 }, fail)).hideHelp());
  addNum('--kmin <Å⁻¹>', 'first k of the map, Å⁻¹ (the transform uses all of χ(k); default the first k)', { min: 0 });
  addNum('--kmax <Å⁻¹>', 'last k of the map, Å⁻¹, within the data (default the last k)', { above: 0 });
  addNum('--eta <η>', 'Morlet oscillation frequency η (κ in many papers), default 5', { above: 0 });
  addNum('--sigma <σ>', 'Morlet Gaussian width σ, default 1', { above: 0 });
  cmd.addOption(new Option('--rwindow <a,b>', 'an R window (Å) for a maximum, repeatable: --rwindow 1.2,1.9 --rwindow 2.0,2.7').argParser(rWindowParser(fail)));
  cmd.option('--json', 'print one JSON document on stdout: {kind, k, r, mag: [[..] per r], max, maxima}');
  cmd.option('--out <dir>', 'write the map into DIR: NAME.KIND.csv (|W| matrix, rows R, columns k) and NAME.KIND.dat (columns r, k, |W|, Re W, Im W)');
  cmd.optionsGroup('μ(E) input (as xafs process):');
  cmd.option('--mu <expr>', "μ(E) from columns, e.g. 'ln(i0/itrans)' (default: a column named mu, xmu, mutrans or mufluor)");
  cmd.option('--energy <expr>', 'energy column or expression, eV (default: the column labelled energy, else the first)');
  cmd.option('--group <label>', 'Athena project: the group to use (default: the first)');
  cmd.option('--sort', 'sort a scan whose energies are not increasing, with a warning (the default)');
  cmd.option('--no-sort', 'refuse a scan whose energies are not increasing instead of sorting it');
  addNum('--e0 <eV>', 'edge energy, eV (default: Larch find_e0)');
  addPreEdgeOptions(addNum);
  addNum('--nvict <n>', 'Victoreen exponent of the pre-edge line (default 0)');
  addAutobkOptions(cmd, addNum);
  cmd.action(async (file: string, opts: Record<string, unknown>) => {
    const { waveletCommand } = await import('./wavelet.js');
    waveletCommand(file, opts, io);
  });
}
