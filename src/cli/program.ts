import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { PRE_EDGE, Q } from '../schema/quantities.js';
import { numberRule } from '../schema/validate.js';
import { escapeControls } from '../io/text.js';
import { registerXanesCommands } from './xanesCommands.js';

/** Everything a command writes goes through here, so tests can capture it in-process. */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** A command's exit status travels in this error so that `run` can return it. */
export class ExitStatus extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
  }
}

/** What a number option accepts beyond "finite": whole numbers, bounds (src/schema numberRule gives a recipe key's). */
export interface NumberRule {
  integer?: boolean;
  /** Smallest value allowed (inclusive). */
  min?: number;
  /** Largest value allowed (inclusive). */
  max?: number;
  /** Values must be above this (exclusive). */
  above?: number;
  /** Values must be below this (exclusive). */
  below?: number;
}

/** A rule's range in words: " from 0 to 5", " > 0 and ≤ 10", " ≥ 0". */
function ruleRange(rule: NumberRule): string {
  if (rule.min !== undefined && rule.max !== undefined) return ` from ${rule.min} to ${rule.max}`;
  const parts: string[] = [];
  if (rule.min !== undefined) parts.push(`≥ ${rule.min}`);
  if (rule.above !== undefined) parts.push(`> ${rule.above}`);
  if (rule.max !== undefined) parts.push(`≤ ${rule.max}`);
  if (rule.below !== undefined) parts.push(`< ${rule.below}`);
  return parts.length ? ` ${parts.join(' and ')}` : '';
}

/**
 * Parses a number option, or explains in one line what the option expects. The message goes
 * through `fail` (the command's `error`, so commander prints it as a usage error, exit 2).
 */
export function parseNumber(name: string, rule: NumberRule, fail: (message: string) => never) {
  return (v: string): number => {
    const x = Number(v);
    const what = rule.integer ? 'a whole number' : 'a number';
    if (v.trim() === '' || !Number.isFinite(x) || (rule.integer && !Number.isInteger(x))) {
      fail(`error: option '${name}' expects ${what}, got '${v}'`);
    }
    if ((rule.min !== undefined && x < rule.min) || (rule.max !== undefined && x > rule.max) || (rule.above !== undefined && !(x > rule.above)) || (rule.below !== undefined && !(x < rule.below))) {
      fail(`error: option '${name}' expects ${what}${ruleRange(rule)}, got '${v}'`);
    }
    return x;
  };
}

/** Adds one number option through parseNumber (each command binds its own `fail`). */
export type AddNumber = (flags: string, desc: string, rule?: NumberRule) => void;

/** The pre_edge ranges every command that normalizes μ(E) takes (process, wavelet, edge, lcf); ranges from the recipe schema. */
export function addPreEdgeOptions(addNum: AddNumber): void {
  addNum('--pre1 <eV>', 'pre-edge range start, eV relative to e0 (default: Larch rule)', numberRule(PRE_EDGE.properties.pre1!));
  addNum('--pre2 <eV>', 'pre-edge range end, eV relative to e0 (default: 5·round(pre1/15))', numberRule(PRE_EDGE.properties.pre2!));
  addNum('--norm1 <eV>', 'post-edge range start, eV relative to e0 (default: min(150, 5·round(norm2/15)))', numberRule(PRE_EDGE.properties.norm1!));
  addNum('--norm2 <eV>', 'post-edge range end, eV relative to e0 (default: the end of the scan)', numberRule(PRE_EDGE.properties.norm2!));
  addNum('--nnorm <n>', 'degree of the post-edge polynomial, 0-5 (default: 2, 1 or 0 by the post-edge width)', numberRule(Q.nnorm));
}

/** The AUTOBK options of the commands that make χ(k) from μ(E) (process, wavelet): the recipes' autobk keys and ranges. */
export function addAutobkOptions(cmd: Command, addNum: AddNumber): void {
  addNum('--rbkg <Å>', 'background R cut-off, Å, above 0 and at most 10 (default 1)', numberRule(Q.rbkg));
  addNum('--bkg-kweight <w>', 'k-weight of the background fit, 0-10 (default 1)', numberRule(Q.bkgKweight));
  addNum('--bkg-kmin <Å⁻¹>', 'spline k start, Å⁻¹ (default 0)', numberRule(Q.bkgKmin));
  addNum('--bkg-kmax <Å⁻¹>', 'spline k end, Å⁻¹ (default: end of data)', numberRule(Q.bkgKmax));
  addNum('--bkg-dk <Å⁻¹>', 'background window taper, Å⁻¹ (default 0.1)', numberRule(Q.bkgDk));
  cmd.option('--bkg-window <name>', 'background window: the names of --window (default hanning)');
  addNum('--nknots <n>', 'number of spline knots, 5-128 (default from rbkg and the k range)', numberRule(Q.nknots));
  addNum('--nclamp <n>', 'number of χ(k) end points clamped (default 3)', numberRule(Q.nclamp));
  addNum('--clamp-lo <w>', 'low-k clamp weight (default 0)', numberRule(Q.clampLo));
  addNum('--clamp-hi <w>', 'high-k clamp weight (default 1)', numberRule(Q.clampHi));
}

/** `xafs fit` --posterior and --mc (docs/fit-posterior.md). */
function addFitUncertaintyOptions(cmd: Command): void {
  const fail = (message: string): never => cmd.error(message, { exitCode: 2, code: 'xafs.badOptionValue' });
  const addNum = (flags: string, desc: string, rule: NumberRule = {}) => cmd.addOption(new Option(flags, desc).argParser(parseNumber(flags.split(' ')[0]!, rule, fail)));
  cmd.optionsGroup('Uncertainty:');
  cmd.option('--posterior', 'sample the posterior of the parameters (affine-invariant ensemble MCMC on the fit residual): medians, 68/95 % intervals; with --out the chain and a corner plot');
  addNum('--walkers <n>', 'posterior: number of walkers (default max(2·nvarys, 16))', { integer: true, min: 2 });
  addNum('--steps <n>', 'posterior: steps per walker, burn-in included (default 4000)', { integer: true, min: 2 });
  addNum('--burn <n>', 'posterior: steps discarded as burn-in (default steps/4)', { integer: true, min: 0 });
  addNum('--thin <n>', 'posterior: keep every n-th step (default 1)', { integer: true, min: 1 });
  addNum('--mc <n>', 'Monte Carlo: re-run pre_edge + AUTOBK + fit on n noise-resampled copies of μ(E) and report the spread', { integer: true, min: 2 });
  addNum('--mc-sigma <σ>', 'Monte Carlo: noise of μ(E), in its units (default: estimated from the data above e0 + 100 eV)', { above: 0 });
  addNum('--seed <n>', 'seed of --posterior and --mc: the same seed gives the same numbers (default 1)', { integer: true, min: 0 });
}

/** The commander program; `io` lets tests run it in-process. */
export function createProgram(io: Io = defaultIo): Command {
  const program = new Command();
  program
    .name('xafs')
    .description('EXAFS/XANES analysis with Larch 0.9.58-identical numbers from a WebAssembly core.\nEnergies in eV, k in Å⁻¹, R in Å.')
    .version(version(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    // every diagnostic starts with 'xafs: ', commander's usage errors too (they start 'error: ')
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: (str, write) => write(str.replace(/^error: /, 'xafs: ')) })
    .exitOverride()
    .addHelpText(
      'after',
      `
Results go to stdout (with --json: exactly one JSON document), warnings and errors to stderr.
Exit status: 0 success, 2 bad input or usage (the message says what to change), 3 internal error.

Examples:
  xafs read cu_metal_rt.xdi
  xafs process cu_metal_rt.xdi --mu 'ln(i0/itrans)' --kmin 3 --kmax 14 --kweight 2
  xafs process cu.prj --group cu010k.dat --json > cu010k.json
  xafs process cu_metal_rt.xdi --mu mutrans --out results/
  xafs fit cu_foil.recipe.json --json > cu_foil.result.json
  xafs paths feff/`,
    );

  program
    .command('read')
    .description('read a column file (XDI, beamline ASCII), an Athena project (.prj) or a feff.dat and show what is in it')
    .argument('<file>', 'input file')
    .option('--json', 'print one JSON document on stdout')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { readCommand } = await import('./read.js');
      readCommand(file, opts, io);
    });

  const proc = program
    .command('process')
    .description('normalize μ(E), remove the background (AUTOBK) and Fourier transform: χ(k), χ(R), χ(q)')
    .argument('<file>', 'a column file, or an Athena project (with --group)')
    .option('--mu <expr>', "μ(E) from columns, e.g. 'ln(i0/itrans)', 'ifluor/i0', '(ch1+ch2)/i0' (default: a column named mu, xmu, mutrans or mufluor)")
    .option('--energy <expr>', 'energy column or expression, eV (default: the column labelled energy, else the first)')
    .option('--group <label>', 'Athena project: the group to process (default: the first)')
    .option('--sort', 'sort a scan whose energies are not increasing, with a warning (the default)')
    .option('--no-sort', 'refuse a scan whose energies are not increasing instead of sorting it')
    .option('--json', 'print one JSON document on stdout (all arrays)')
    .option('--out <dir>', 'write the arrays as column files (norm, χ(k), χ(R), χ(q)) into DIR');
  // commander prints the message (usage error) and throws through exitOverride
  const fail = (message: string): never => proc.error(message, { exitCode: 2, code: 'xafs.badOptionValue' });
  const addNum = (flags: string, desc: string, rule: NumberRule = {}) => {
    const name = flags.split(' ')[0]!;
    proc.addOption(new Option(flags, desc).argParser(parseNumber(name, rule, fail)));
  };
  proc.optionsGroup('Normalization (pre_edge):');
  addNum('--e0 <eV>', 'edge energy, eV (default: Larch find_e0; snapped to a grid point)', numberRule(Q.e0));
  addPreEdgeOptions(addNum);
  addNum('--nvict <n>', 'Victoreen exponent of the pre-edge line (default 0)', numberRule(Q.nvict));
  proc.optionsGroup('Background (autobk):');
  addAutobkOptions(proc, addNum);
  proc.optionsGroup('Forward transform (xftf):');
  addNum('--kmin <Å⁻¹>', 'k window start, Å⁻¹ (default 0)', numberRule(Q.kmin));
  addNum('--kmax <Å⁻¹>', 'k window end, Å⁻¹ (default 20)', numberRule(Q.kmax));
  addNum('--dk <Å⁻¹>', 'k window taper, Å⁻¹; for kaiser the Bessel β (default 1)', numberRule(Q.dk));
  addNum('--dk2 <Å⁻¹>', 'k window taper at kmax, Å⁻¹ (default dk)', numberRule(Q.dk2));
  proc.option('--window <name>', 'k window: hanning, fhanning, gaussian, kaiser, parzen, welch, sine, bessel (default kaiser)');
  addNum('--kweight <w>', 'k-weight of the transform, 0-10 (default 0)', numberRule(Q.kweight));
  addNum('--rmax-out <Å>', 'largest R in the output, Å (default 10)', numberRule(Q.rmaxOut));
  proc.optionsGroup('Back transform (xftr):');
  addNum('--rmin <Å>', 'R window start, Å (default 0)', numberRule(Q.rmin));
  addNum('--rmax <Å>', 'R window end, Å (default 20)', numberRule(Q.rmax));
  addNum('--dr <Å>', 'R window taper, Å (default 1)', numberRule(Q.dr));
  addNum('--dr2 <Å>', 'R window taper at rmax, Å (default dr)', numberRule(Q.dr2));
  proc.option('--rwindow <name>', 'R window: the names of --window (default kaiser)');
  addNum('--qmax-out <Å⁻¹>', 'largest q in the output, Å⁻¹, at most 51.15 (default 30)', { above: 0 });
  proc.action(async (file: string, opts: Record<string, unknown>) => {
    const { processCommand } = await import('./process.js');
    processCommand(file, opts, io);
  });

  program
    .command('fit')
    .description('fit FEFF paths to EXAFS data (Larch feffit): coordination numbers, distances (Å), σ² (Å²), ΔE0 (eV) with error bars')
    .argument('<recipe>', 'fit recipe (JSON, or YAML for .yaml/.yml: params and datasets; see docs/recipes.md)')
    .option('--data-dir <dir>', 'folder that data and feff.dat names resolve against (default: the recipe\'s folder)')
    .option('--json', 'print one JSON document on stdout (params, correlations, statistics, datasets, paths)')
    .option('--out <dir>', 'write the best-fit arrays (data and model χ(k), |χ(R)|, Re/Im χ(R), χ(q)) and result.json into DIR')
    .option('--force', "fit even when the varied parameters outnumber the independent points, or a path's absorber or edge is not the data's")
    .addOption(new Option('--starts <n>', 'fit from N starts (the recipe\'s, ΔE0 ±5 eV, amplitudes ×0.5/×1.5, then seeded random ones), keep the lowest χ² and report whether the starts agree').argParser(parseNumber('--starts', { integer: true, min: 1, max: 200 }, (m) => program.error(m, { exitCode: 2, code: 'xafs.badOptionValue' }))))
    .option('--profile <names>', 'confidence intervals by profiling NAME[,NAME]: fixed on a grid, the others refitted (about 10 refits each)')
    .option('--map <a,b>', 'χ² map over two varied parameters (best ± 3σ; steps² refits): writes chi2map_A_B.dat and .svg into --out or .')
    .option('--map-steps <n>', 'grid points along each --map parameter (default 11)')
    .action(async (recipe: string, opts: Record<string, unknown>) => {
      const { fitCommand } = await import('./fit.js');
      await fitCommand(recipe, opts, io);
    });

  program
    .command('compare-fits')
    .description('compare two fits of the same data: Hamilton F-test (nested recipes), AIC and BIC; which model the data support')
    .argument('<a>', 'fit recipe')
    .argument('<b>', 'fit recipe (one of the two nested in the other: fewer varied parameters, its paths among the other\'s)')
    .option('--data-dir <dir>', 'folder that data and feff.dat names resolve against (default: each recipe\'s folder)')
    .option('--alpha <p>', 'significance level of the F-test (default 0.05)')
    .option('--json', 'print one JSON document on stdout')
    .action(async (a: string, b: string, opts: Record<string, unknown>) => {
      const { compareFitsCommand } = await import('./compareFits.js');
      compareFitsCommand(a, b, opts, io);
    });
  addFitUncertaintyOptions(program.commands.find((c) => c.name() === 'fit')!);

  program
    .command('paths')
    .description('list the paths of a FEFF run: index, label, legs, degeneracy, reff (Å), importance (%)')
    .argument('<feffdir>', 'the folder FEFF ran in (feff0001.dat, ...)')
    .option('--json', 'print one JSON document on stdout')
    .action(async (dir: string, opts: { json?: boolean }) => {
      const { pathsCommand } = await import('./fit.js');
      pathsCommand(dir, opts, io);
    });

  registerXanesCommands(program, io);
  return program;
}

/** Runs the program on argv (without node and script); returns the exit status. */
export async function run(argv: string[], rawIo: Io = defaultIo): Promise<number> {
  // everything printed shows control characters from file content or names escaped
  const io: Io = { out: (s) => rawIo.out(escapeControls(s)), err: (s) => rawIo.err(escapeControls(s)) };
  const program = createProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof ExitStatus) return e.status;
    if (e instanceof CommanderError) {
      // help and version exit 0; usage errors were already printed by commander
      return e.exitCode === 0 ? 0 : 2;
    }
    const err = e as { name?: string; message?: string; exitCode?: number; stack?: string };
    if (err && err.name === 'XafsError') {
      io.err(`xafs: ${err.message}\n`);
      return err.exitCode ?? 2;
    }
    // a file the file system refused to write (disk full, read-only, permission) that no
    // command caught: said as such, exit 2 (never "internal error")
    const { isWriteFailure, writeFailure } = await import('../node/atomicWrite.js');
    if (isWriteFailure(e)) {
      const w = writeFailure(e, (e as NodeJS.ErrnoException).path ?? 'the output') as Error;
      io.err(`xafs: ${w.message}\n`);
      return 2;
    }
    // one line, whatever the error holds; the stack only on request
    const what = String(err?.message ?? e).split('\n')[0];
    io.err(`xafs: internal error: ${what} (please report it; set XAFS_DEBUG=1 for the stack trace)\n`);
    if (process.env.XAFS_DEBUG) io.err(`${err?.stack ?? ''}\n`);
    return 3;
  }
}
