// Registration of xafs fit-shell (issue 7; src/feff/fitShell.ts). Definitions and options only; actions import their modules lazily so
// that `xafs --version` stays fast.
import { Option, type Command } from 'commander';
import { parseNumber, type Io, type NumberRule } from './program.js';
import { Q } from '../schema/quantities.js';
import { numberRule } from '../schema/validate.js';

const WINDOWS = ['hanning', 'fhanning', 'gaussian', 'kaiser', 'parzen', 'welch', 'sine', 'bessel'];

export function register(program: Command, io: Io): void {
  const cmd = program
    .command('fit-shell')
    .description('one-command shell fit: build a fit recipe from path-library (or FEFF) paths for each neighbour, run it and print CN, R (Å), σ² (Å²), ΔE0 (eV) with errors, the R-factor and ranges; the recipe is written so that `xafs fit RECIPE` reproduces the fit')
    .argument('<sample>', 'μ(E) (a column file; processed by pre_edge and autobk) or χ(k) (k and chi columns)');
  const fail = (message: string): never => cmd.error(message, { exitCode: 2, code: 'xafs.badOptionValue' });
  const addNum = (flags: string, desc: string, rule: NumberRule = {}) => {
    cmd.addOption(new Option(flags, desc).argParser(parseNumber(flags.split(' ')[0]!, rule, fail)));
  };
  const kweights = (v: string, prev: number[] | undefined): number[] => {
    const parse = parseNumber('--kweight', { min: 0, max: 5 }, fail);
    return [...(prev ?? []), ...v.split(',').map((w) => parse(w.trim()))];
  };
  cmd
    .requiredOption('--absorber <element>', 'the absorbing element (Cu, Ru, Pt, ...)')
    .addOption(new Option('--shell <el[:N[:R]]>', 'a neighbour shell (repeat, one per shell): its element, optionally the starting N and R in Å (--shell N, --shell N:4:2.0, --shell Ru::2.6)').argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]))
    .option('--edge <edge>', 'absorption edge: K, L3, ... (default K; L3 for Ir, Pt, Au as the path library)');
  cmd.optionsGroup('Amplitude:');
  addNum('--s02 <value>', 'S0², fixed (default 0.9, with a note; better: --s02-from)', { above: 0, max: 1.5 });
  cmd.option('--s02-from <result[#param]>', 'S0² (and its error) from a saved foil fit (`xafs fit-shell FOIL --foil --json` or `xafs fit --json`); the parameter is s02 or amp unless named after #');
  cmd.option('--foil', "the sample is the absorber's metal foil: fit S0² with the first shell's N fixed at the crystal's (12 fcc/hcp, 8 bcc); --shell may be left out; save with --json for --s02-from");
  cmd.optionsGroup('Paths and data:');
  cmd
    .option('--feff', 'run FEFF (feff8l) on a cluster of these shells instead of using the path library (needs Debian\'s feff85exafs)')
    .option('--mu <expr>', "μ(E) from columns, e.g. 'ln(i0/itrans)', 'ifluor/i0' (default: a mu column, else the only transmission or fluorescence choice the columns leave)")
    .option('--energy <expr>', 'energy column or expression, eV (default: the column labelled energy, else the first)');
  addNum('--rbkg <Å>', 'background R cut-off of autobk for μ(E), Å (default 0.8; autobk k-weight 1)', numberRule(Q.rbkg));
  cmd.optionsGroup('Transform and fit range:');
  addNum('--kmin <Å⁻¹>', 'k range start, Å⁻¹ (default 3)', numberRule(Q.kmin));
  addNum('--kmax <Å⁻¹>', 'k range end, Å⁻¹ (default: the end of the data − 0.5, at most 12)', numberRule(Q.kmax));
  cmd.addOption(new Option('--kweight <w>', 'k-weight: one, or several (repeat or comma-separated: 1,2,3) fitted together (default 2)').argParser(kweights));
  addNum('--dk <Å⁻¹>', 'k window taper, Å⁻¹ (default 1)', numberRule(Q.dk));
  cmd.addOption(new Option('--window <name>', 'k window (default hanning)').choices(WINDOWS));
  addNum('--rmin <Å>', 'R range start, Å (default: shortest shell − 0.65, at least 1)', { min: 0 });
  addNum('--rmax <Å>', 'R range end, Å (default: longest shell + 0.6)', { above: 0 });
  cmd.addOption(new Option('--fit-space <space>', 'space the fit compares data and model in (default r)').choices(['r', 'k', 'q']));
  cmd.optionsGroup('Output:');
  cmd
    .option('--recipe-out <file>', 'where to write the recipe (default: OUT/SAMPLE.fitshell.recipe.json with --out, else SAMPLE.fitshell.recipe.json beside the sample)')
    .option('--out <dir>', 'write the best-fit arrays (χ(k), χ(R)), result.json and the recipe into DIR')
    .option('--json', 'print one JSON document on stdout: the `xafs fit --json` output plus recipe');
  cmd.addHelpText(
    'after',
    `
Examples:
  xafs fit-shell cu_foil.xdi --absorber Cu --foil --json > cu_foil.result.json
  xafs fit-shell sample.xdi --absorber Cu --shell N --shell Ru --s02-from cu_foil.result.json
  xafs fit-shell ru_dualatom.xdi --absorber Ru --shell N --shell Cu --s02 0.92
  xafs fit-shell sample.chi --absorber Cu --shell O:4:1.95 --s02-from cu_foil.result.json#amp
  xafs fit-shell sample.xdi --absorber Pt --shell O --shell Pt --feff --kmax 11 --out fit/`,
  );
  cmd.action(async (sample: string, opts: Record<string, unknown>) => {
    if ((!Array.isArray(opts.shell) || opts.shell.length === 0) && opts.foil !== true) fail("error: required option '--shell <el[:N[:R]]>' not specified: give each neighbour, e.g. --shell N --shell Ru");
    const { fitShellCommand } = await import('./fitShell.js');
    await fitShellCommand(sample, opts as never, io);
  });
}
