import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
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

/** What a number option accepts beyond "finite": whole numbers, bounds. */
export interface NumberRule {
  integer?: boolean;
  /** Smallest value allowed (inclusive). */
  min?: number;
  /** Largest value allowed (inclusive). */
  max?: number;
  /** Values must be above this (exclusive). */
  above?: number;
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
    const range = rule.min !== undefined && rule.max !== undefined ? ` from ${rule.min} to ${rule.max}` : rule.min !== undefined ? ` ≥ ${rule.min}` : ` ≤ ${rule.max}`;
    if ((rule.min !== undefined && x < rule.min) || (rule.max !== undefined && x > rule.max)) fail(`error: option '${name}' expects ${what}${range}, got '${v}'`);
    if (rule.above !== undefined && !(x > rule.above)) fail(`error: option '${name}' expects ${what} > ${rule.above}, got '${v}'`);
    return x;
  };
}

/** Adds one number option through parseNumber (each command binds its own `fail`). */
export type AddNumber = (flags: string, desc: string, rule?: NumberRule) => void;

/** The pre_edge ranges every command that normalizes μ(E) takes (process, wavelet, edge, lcf). */
export function addPreEdgeOptions(addNum: AddNumber): void {
  addNum('--pre1 <eV>', 'pre-edge range start, eV relative to e0 (default: Larch rule)');
  addNum('--pre2 <eV>', 'pre-edge range end, eV relative to e0 (default: 5·round(pre1/15))');
  addNum('--norm1 <eV>', 'post-edge range start, eV relative to e0 (default: min(150, 5·round(norm2/15)))');
  addNum('--norm2 <eV>', 'post-edge range end, eV relative to e0 (default: the end of the scan)');
  addNum('--nnorm <n>', 'degree of the post-edge polynomial, 0-5 (default: 2, 1 or 0 by the post-edge width)', { integer: true, min: 0, max: 5 });
}

/** The AUTOBK options of the commands that make χ(k) from μ(E) (process, wavelet). */
export function addAutobkOptions(cmd: Command, addNum: AddNumber): void {
  addNum('--rbkg <Å>', 'background R cut-off, Å (default 1)', { above: 0 });
  addNum('--bkg-kweight <w>', 'k-weight of the background fit (default 1)');
  addNum('--bkg-kmin <Å⁻¹>', 'spline k start, Å⁻¹ (default 0)');
  addNum('--bkg-kmax <Å⁻¹>', 'spline k end, Å⁻¹ (default: end of data)');
  addNum('--bkg-dk <Å⁻¹>', 'background window taper, Å⁻¹ (default 0.1)', { min: 0 });
  cmd.option('--bkg-window <name>', 'background window: the names of --window (default hanning)');
  addNum('--nknots <n>', 'number of spline knots, 5-128 (default from rbkg and the k range)', { integer: true, min: 5, max: 128 });
  addNum('--nclamp <n>', 'number of χ(k) end points clamped (default 3)', { integer: true, min: 0 });
  addNum('--clamp-lo <w>', 'low-k clamp weight (default 0)');
  addNum('--clamp-hi <w>', 'high-k clamp weight (default 1)');
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
  addNum('--e0 <eV>', 'edge energy, eV (default: Larch find_e0; snapped to a grid point)');
  addPreEdgeOptions(addNum);
  addNum('--nvict <n>', 'Victoreen exponent of the pre-edge line (default 0)');
  proc.optionsGroup('Background (autobk):');
  addAutobkOptions(proc, addNum);
  proc.optionsGroup('Forward transform (xftf):');
  addNum('--kmin <Å⁻¹>', 'k window start, Å⁻¹ (default 0)');
  addNum('--kmax <Å⁻¹>', 'k window end, Å⁻¹ (default 20)');
  addNum('--dk <Å⁻¹>', 'k window taper, Å⁻¹; for kaiser the Bessel β (default 1)', { min: 0 });
  addNum('--dk2 <Å⁻¹>', 'k window taper at kmax, Å⁻¹ (default dk)', { min: 0 });
  proc.option('--window <name>', 'k window: hanning, fhanning, gaussian, kaiser, parzen, welch, sine, bessel (default kaiser)');
  addNum('--kweight <w>', 'k-weight of the transform (default 0)');
  addNum('--rmax-out <Å>', 'largest R in the output, Å (default 10)', { above: 0 });
  proc.optionsGroup('Back transform (xftr):');
  addNum('--rmin <Å>', 'R window start, Å (default 0)');
  addNum('--rmax <Å>', 'R window end, Å (default 20)');
  addNum('--dr <Å>', 'R window taper, Å (default 1)', { min: 0 });
  addNum('--dr2 <Å>', 'R window taper at rmax, Å (default dr)', { min: 0 });
  proc.option('--rwindow <name>', 'R window: the names of --window (default kaiser)');
  addNum('--qmax-out <Å⁻¹>', 'largest q in the output, Å⁻¹, at most 51.15 (default 30)', { above: 0 });
  proc.action(async (file: string, opts: Record<string, unknown>) => {
    const { processCommand } = await import('./process.js');
    processCommand(file, opts, io);
  });

  program
    .command('fit')
    .description('fit FEFF paths to EXAFS data (Larch feffit): coordination numbers, distances (Å), σ² (Å²), ΔE0 (eV) with error bars')
    .argument('<recipe>', 'fit recipe (JSON: params and datasets; see the README, "Fitting coordination numbers")')
    .option('--data-dir <dir>', 'folder that data and feff.dat names resolve against (default: the recipe\'s folder)')
    .option('--json', 'print one JSON document on stdout (params, correlations, statistics, datasets, paths)')
    .option('--out <dir>', 'write the best-fit arrays (data and model χ(k), |χ(R)|, Re/Im χ(R), χ(q)) and result.json into DIR')
    .option('--force', 'fit even when the varied parameters outnumber the independent points')
    .action(async (recipe: string, opts: Record<string, unknown>) => {
      const { fitCommand } = await import('./fit.js');
      fitCommand(recipe, opts, io);
    });

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
    // one line, whatever the error holds; the stack only on request
    const what = String(err?.message ?? e).split('\n')[0];
    io.err(`xafs: internal error: ${what} (please report it; set XAFS_DEBUG=1 for the stack trace)\n`);
    if (process.env.XAFS_DEBUG) io.err(`${err?.stack ?? ''}\n`);
    return 3;
  }
}
