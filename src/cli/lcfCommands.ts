// Registration of commands (definitions and options only; actions import their modules lazily so
// that `xafs --version` stays fast).
import { Option, type Command } from 'commander';
import { addPreEdgeOptions, parseNumber, type Io, type NumberRule } from './program.js';

type Fail = (message: string) => never;

const INPUTS = 'spectra: files, folders, globs, multi-column series files, Athena projects (FILE#GROUP for one group)';
const SPACES = ['norm', 'flat', 'dmude', 'chi'];

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

function numberAdder(cmd: Command, fail: Fail) {
  return (flags: string, desc: string, rule: NumberRule = {}) => {
    cmd.addOption(new Option(flags, desc).argParser(parseNumber(flags.split(' ')[0]!, rule, fail)));
  };
}

/** Inputs, the analysed space and its range, normalization: shared by lcf, pca and mcr. */
function addCommon(cmd: Command, fail: Fail, rangeHelp: { emin: string; emax: string }): void {
  const addNum = numberAdder(cmd, fail);
  cmd
    .option('--mu <expr>', "μ(E) from columns, e.g. 'ln(i0/itrans)', 'ifluor/i0' (default: a column named mu, xmu, mutrans or mufluor, else norm or flat)")
    .option('--energy <expr>', 'energy column or expression, eV (default: the column labelled energy, else the first)')
    .option('--group <label>', 'Athena projects: only this group (default: every μ(E) group)')
    .option('--json', 'print one JSON document on stdout');
  cmd.optionsGroup('Space and range:');
  cmd.addOption(new Option('--space <space>', 'array analysed: normalized μ, flattened μ, dμ/dE or χ(k) (default norm)').choices(SPACES));
  addNum('--emin <eV>', rangeHelp.emin);
  addNum('--emax <eV>', rangeHelp.emax);
  addNum('--xmin <eV>', 'range start as an absolute energy, eV (instead of --emin)');
  addNum('--xmax <eV>', 'range end as an absolute energy, eV (instead of --emax)');
  addNum('--kmin <Å⁻¹>', 'χ space: k range start, Å⁻¹ (default 3 for lcf, the first point for pca/mcr)', { min: 0 });
  addNum('--kmax <Å⁻¹>', 'χ space: k range end, Å⁻¹ (default: the end of the data)', { above: 0 });
  addNum('--kweight <w>', 'χ space: analyse χ·k^w (default 2)', { min: 0 });
  cmd.optionsGroup('Normalization (pre_edge) and background (χ space):');
  addPreEdgeOptions(addNum);
  addNum('--rbkg <Å>', 'χ space: background R cut-off of autobk, Å (default 1)', { above: 0 });
}

export function register(program: Command, io: Io): void {
  // ---- xafs lcf
  const lcf = program
    .command('lcf')
    .description('linear combination fitting of XANES (norm, flat, dμ/dE) or χ(k) by standards: non-negative weights with standard errors, optional sum-to-one and energy shifts, every combination of up to N standards ranked')
    .argument('<samples...>', INPUTS);
  const failLcf: Fail = (message) => lcf.error(message, { exitCode: 2, code: 'xafs.badOptionValue' });
  lcf.addOption(new Option('--standard <file[=name]>', 'a standard (repeat): a file, FILE#GROUP of an Athena project, or a project or series file (each of its spectra); =NAME names a single spectrum').argParser(collect));
  addCommon(lcf, failLcf, {
    emin: "fit range start, eV relative to each sample's e0 (default -40)",
    emax: "fit range end, eV relative to each sample's e0 (default 110)",
  });
  lcf.optionsGroup('Fit:');
  const addLcf = numberAdder(lcf, failLcf);
  lcf.option('--sum-to-one', 'constrain the weights to sum to one (exactly; every weight stays ≥ 0)');
  addLcf('--combinations <n>', 'fit every combination of 1 … N standards and rank them by reduced χ² (then R-factor); the best is the result', { integer: true, min: 1 });
  lcf.addOption(new Option('--eshift [mode]', "energy shifts: one 'common' shift of the sample (the default in norm/flat/dmude), 'each' standard its own (the bare flag), or 'none'").choices(['each', 'common', 'none']));
  addLcf('--eshift-max <eV>', 'largest energy shift allowed, eV (default 5)', { above: 0 });
  lcf.option('--arrays', 'with --json: include x, the data and the best fit of each sample');
  lcf.optionsGroup('Larch parity:');
  lcf.option('--larch', "Larch 0.9.58 lincombo_fit instead: the data's own grid [index_of(xmin) : index_of(xmax)+1], unbounded weights unless --weight-min/--weight-max, sum to one unless --no-sum-to-one; with --combinations, lincombo_fitall (2 … N standards)");
  lcf.option('--no-sum-to-one', 'with --larch: free weights (Larch sum_to_one=False)');
  addLcf('--weight-min <w>', 'with --larch: lower bound of every weight (Larch minvals; its GUI uses 0)');
  addLcf('--weight-max <w>', 'with --larch: upper bound of every weight (Larch maxvals; its GUI uses 1)');
  lcf.action(async (samples: string[], opts: Record<string, unknown>) => {
    const { lcfCommand } = await import('./lcf.js');
    lcfCommand(samples, opts, io);
  });

  // ---- xafs pca
  const pca = program
    .command('pca')
    .description('principal component analysis of a series: eigenvalues, scree, IND and the number of significant components, target transformation (SPOIL) of candidate standards, reconstruction')
    .argument('<samples...>', INPUTS);
  const failPca: Fail = (message) => pca.error(message, { exitCode: 2, code: 'xafs.badOptionValue' });
  addCommon(pca, failPca, {
    emin: "range start, eV relative to the first spectrum's e0 (default: the first spectrum's first point)",
    emax: "range end, eV relative to the first spectrum's e0 (default: its last point)",
  });
  pca.optionsGroup('Components and targets:');
  const addPca = numberAdder(pca, failPca);
  pca.addOption(new Option('--target <file[=name]>', 'a candidate standard to test by target transformation (repeat; FILE#GROUP for an Athena group)').argParser(collect));
  addPca('--components <n>', 'components for target transformation and reconstruction (default: the significant ones)', { integer: true, min: 1 });
  addPca('--noise <σ>', 'noise σ of the spectra, in their units (default: estimated from second differences)', { above: 0 });
  addPca('--threshold <t>', 'a component is significant while RE(k) > t × noise (default 1.5)', { above: 0 });
  pca.action(async (samples: string[], opts: Record<string, unknown>) => {
    const { pcaCommand } = await import('./lcf.js');
    pcaCommand(samples, opts, io);
  });

  // ---- xafs mcr
  const mcr = program
    .command('mcr')
    .description('multivariate curve resolution (MCR-ALS) of a series without pure references: component spectra and concentration profiles, non-negative, concentrations summing to one')
    .argument('<samples...>', INPUTS);
  const failMcr: Fail = (message) => mcr.error(message, { exitCode: 2, code: 'xafs.badOptionValue' });
  addCommon(mcr, failMcr, {
    emin: "range start, eV relative to the first spectrum's e0 (default: the first spectrum's first point)",
    emax: "range end, eV relative to the first spectrum's e0 (default: its last point)",
  });
  mcr.optionsGroup('MCR-ALS:');
  const addMcr = numberAdder(mcr, failMcr);
  addMcr('--components <n>', 'number of components (default: the significant components of PCA, at least 2)', { integer: true, min: 1 });
  mcr.addOption(new Option('--init <file[=name]>', 'an initial spectrum per component (repeat; default: the purest spectra of the series by SIMPLISMA)').argParser(collect));
  mcr.option('--no-closure', 'do not constrain the concentrations of each spectrum to sum to one');
  mcr.option('--no-nonneg', 'allow negative concentrations and spectra');
  addMcr('--max-iter <n>', 'largest number of ALS iterations (default 1000)', { integer: true, min: 1 });
  addMcr('--tol <t>', 'convergence: relative change of the lack of fit (default 1e-8)', { above: 0 });
  addMcr('--offset <percent>', 'SIMPLISMA noise offset, % of the largest mean (default 5)', { min: 0 });
  mcr.action(async (samples: string[], opts: Record<string, unknown>) => {
    const { mcrCommand } = await import('./lcf.js');
    mcrCommand(samples, opts, io);
  });
}
