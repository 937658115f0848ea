import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';

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

/** Parses a number option, naming the option in the error. */
export function num(name: string) {
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x)) throw new CommanderError(2, 'xafs.badNumber', `error: option '${name}' expects a number, got '${v}'`);
    return x;
  };
}

export function int(name: string) {
  return (v: string): number => {
    const x = Number(v);
    if (!Number.isInteger(x)) throw new CommanderError(2, 'xafs.badInteger', `error: option '${name}' expects a whole number, got '${v}'`);
    return x;
  };
}

/** The commander program; `io` lets tests run it in-process. */
export function createProgram(io: Io = defaultIo): Command {
  const program = new Command();
  program
    .name('xafs')
    .description('EXAFS/XANES analysis with Larch 0.9.58-identical numbers from a WebAssembly core.\nEnergies in eV, k in Å⁻¹, R in Å.')
    .version(version(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();

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
    .option('--no-sort', 'refuse a scan whose energies are not increasing instead of sorting it')
    .option('--json', 'print one JSON document on stdout (all arrays)')
    .option('--out <dir>', 'write the arrays as column files (norm, χ(k), χ(R), χ(q)) into DIR');
  const addNum = (flags: string, desc: string, integer = false) => {
    const name = flags.split(' ')[0];
    proc.addOption(new Option(flags, desc).argParser(integer ? int(name) : num(name)));
  };
  proc.optionsGroup('Normalization (pre_edge):');
  addNum('--e0 <eV>', 'edge energy, eV (default: Larch find_e0; snapped to a grid point)');
  addNum('--pre1 <eV>', 'pre-edge range start, eV relative to e0 (default: Larch rule)');
  addNum('--pre2 <eV>', 'pre-edge range end, eV relative to e0');
  addNum('--norm1 <eV>', 'post-edge range start, eV relative to e0');
  addNum('--norm2 <eV>', 'post-edge range end, eV relative to e0');
  addNum('--nnorm <n>', 'degree of the post-edge polynomial, 0-5', true);
  addNum('--nvict <n>', 'Victoreen exponent of the pre-edge line (default 0)');
  proc.optionsGroup('Background (autobk):');
  addNum('--rbkg <Å>', 'background R cut-off, Å (default 1)');
  addNum('--bkg-kweight <w>', 'k-weight of the background fit (default 1)');
  addNum('--bkg-kmin <Å⁻¹>', 'spline k start, Å⁻¹ (default 0)');
  addNum('--bkg-kmax <Å⁻¹>', 'spline k end, Å⁻¹ (default: end of data)');
  addNum('--bkg-dk <Å⁻¹>', 'background window taper, Å⁻¹ (default 0.1)');
  proc.option('--bkg-window <name>', 'background window (default hanning)');
  addNum('--nknots <n>', 'number of spline knots (default from rbkg and the k range)', true);
  addNum('--nclamp <n>', 'number of χ(k) end points clamped (default 3)', true);
  addNum('--clamp-lo <w>', 'low-k clamp weight (default 0)');
  addNum('--clamp-hi <w>', 'high-k clamp weight (default 1)');
  proc.optionsGroup('Forward transform (xftf):');
  addNum('--kmin <Å⁻¹>', 'k window start, Å⁻¹ (default 0)');
  addNum('--kmax <Å⁻¹>', 'k window end, Å⁻¹ (default 20)');
  addNum('--dk <Å⁻¹>', 'k window taper, Å⁻¹ (default 1)');
  addNum('--dk2 <Å⁻¹>', 'k window taper at kmax, Å⁻¹ (default dk)');
  proc.option('--window <name>', 'k window: hanning, fhanning, gaussian, kaiser, parzen, welch, sine, bessel (default kaiser)');
  addNum('--kweight <w>', 'k-weight of the transform (default 0)');
  addNum('--rmax-out <Å>', 'largest R in the output, Å (default 10)');
  proc.optionsGroup('Back transform (xftr):');
  addNum('--rmin <Å>', 'R window start, Å (default 0)');
  addNum('--rmax <Å>', 'R window end, Å (default 20)');
  addNum('--dr <Å>', 'R window taper, Å (default 1)');
  addNum('--dr2 <Å>', 'R window taper at rmax, Å (default dr)');
  proc.option('--rwindow <name>', 'R window (default kaiser)');
  addNum('--qmax-out <Å⁻¹>', 'largest q in the output, Å⁻¹ (default 30)');
  proc.action(async (file: string, opts: Record<string, unknown>) => {
    const { processCommand } = await import('./process.js');
    processCommand(file, opts, io);
  });
  return program;
}

/** Runs the program on argv (without node and script); returns the exit status. */
export async function run(argv: string[], io: Io = defaultIo): Promise<number> {
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
    io.err(`xafs: internal error: ${err?.message ?? String(e)}\n${process.env.XAFS_DEBUG ? (err?.stack ?? '') + '\n' : '(set XAFS_DEBUG=1 for the stack trace, and please report it)\n'}`);
    return 3;
  }
}
