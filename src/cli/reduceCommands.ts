// Registration of commands (definitions and options only; actions import their modules lazily so
// that `xafs --version` stays fast): the data-reduction commands align, merge, deglitch, rebin
// and truncate (actions in ./reduce.ts, numbers in src/series/).
import { Option, type Command } from 'commander';
import { parseNumber, type Io, type NumberRule } from './program.js';

type Fail = (message: string) => never;

const INPUTS = 'spectra: files, folders, globs, multi-column series files, Athena projects (FILE#GROUP for one group)';

/** Input options every reduction command shares, --json and the number-option helper. */
function common(cmd: Command, fail: Fail) {
  cmd
    .option('--mu <expr>', "μ(E) from columns, e.g. 'ln(i0/itrans)', 'ifluor/i0' (default: a column named mu, xmu, mutrans or mufluor)")
    .option('--energy <expr>', 'energy column or expression, eV (default: the column labelled energy, else the first)')
    .option('--group <label>', 'Athena projects: only this group (default: every μ(E) group)')
    .option('--json', 'print one JSON document on stdout');
  return (flags: string, desc: string, rule: NumberRule = {}) => {
    cmd.addOption(new Option(flags, desc).argParser(parseNumber(flags.split(' ')[0]!, rule, fail)));
  };
}

/** A repeatable number option (--at 9010 --at 9050). */
function repeatNumber(name: string, fail: Fail) {
  const one = parseNumber(name, {}, fail);
  return (v: string, prev: number[] | undefined) => [...(prev ?? []), one(v)];
}

/** A repeatable E1:E2 option. */
function repeatRange(name: string, fail: Fail) {
  return (v: string, prev: [number, number][] | undefined): [number, number][] => {
    const m = /^\s*([^:]+):([^:]+)\s*$/.exec(v);
    const a = m ? Number(m[1]!.trim()) : NaN;
    const b = m ? Number(m[2]!.trim()) : NaN;
    if (!m || m[1]!.trim() === '' || m[2]!.trim() === '' || !Number.isFinite(a) || !Number.isFinite(b)) {
      fail(`error: option '${name}' expects two energies E1:E2 in eV (e.g. 9010:9015), got '${v}'`);
    }
    if (!(a < b)) fail(`error: option '${name}' expects E1 < E2, got '${v}'`);
    return [...(prev ?? []), [a, b]];
  };
}

export function register(program: Command, io: Io): void {
  // ---- align -------------------------------------------------------------------------------
  const align = program
    .command('align')
    .description('energy calibration and alignment: the shift (eV) that aligns dμ/dE with a standard (--to), puts the edge at a given energy (--e0), or is given (--shift); recorded, applied only in --out files')
    .argument('<samples...>', INPUTS);
  const failAlign: Fail = (m) => align.error(m, { exitCode: 2, code: 'xafs.badOptionValue' });
  const numAlign = common(align, failAlign);
  align.option('--out <dir>', 'write each sample with its energy shifted (and the energy as measured) into DIR/<name>.aligned.dat');
  align.optionsGroup('What to align to (one of):');
  align.option('--to <standard>', 'a standard spectrum (file, or FILE#GROUP of an Athena project): fit the shift of dμ/dE to its dμ/dE');
  numAlign('--e0 <eV>', 'calibrate: the energy the edge should sit at, eV (e.g. 8979 for a Cu foil)');
  numAlign('--shift <eV>', 'apply this known shift, eV (e.g. from an earlier calibration)');
  align.optionsGroup('Which channel is aligned:');
  align.option('--ref-channel <expr>', "a reference channel measured with each sample: an ion-chamber column (iref: μ_ref = ln(it/iref)), a μ column (murefer) or an expression ('ln(i1/i2)'); its shift is applied to the sample");
  align.optionsGroup('Standard and fit (--to):');
  align.option('--to-mu <expr>', 'μ(E) expression of the standard (default: its mu column)');
  align.option('--to-group <label>', 'Athena project: the standard\'s group');
  align.addOption(
    new Option('--fit-range <E1:E2>', 'fit window, eV relative to the standard\'s e0 (default -15:35, Larch\'s dialog)').argParser((v: string) => repeatRange('--fit-range', failAlign)(v, undefined)[0]),
  );
  numAlign('--to-e0 <eV>', "the standard's e0, the centre of the fit window (default: Larch find_e0)");
  numAlign('--max-shift <eV>', 'largest |shift| searched, eV (default 50)', { above: 0 });
  align.addOption(new Option('--edge <method>', "with --e0: the edge as 'spline' (steepest point of the cubic spline through μ, sub-grid) or 'deriv' (Larch find_e0 grid point) (default spline)").choices(['spline', 'deriv']));
  align.action(async (samples: string[], opts: Record<string, unknown>) => {
    const { alignCommand } = await import('./reduce.js');
    alignCommand(samples, opts, io);
  });

  // ---- merge -------------------------------------------------------------------------------
  const merge = program
    .command('merge')
    .description('merge repeated scans (Larch merge_groups): cubic interpolation onto the first scan\'s grid, mean μ and its spread mu_std')
    .argument('<scans...>', INPUTS);
  const failMerge: Fail = (m) => merge.error(m, { exitCode: 2, code: 'xafs.badOptionValue' });
  const numMerge = common(merge, failMerge);
  merge.option('--out <file>', 'write energy, mu and mu_std as a column file');
  numMerge('--master <n>', 'the scan whose energy grid is used, 1 = the first (default 1)', { integer: true, min: 1 });
  merge.addOption(new Option('--kind <kind>', 'interpolation (default cubic)').choices(['cubic', 'linear']));
  merge.option('--no-trim', "keep the master's whole grid (default: Larch's trim to the shortest scan's end)");
  merge.action(async (scans: string[], opts: Record<string, unknown>) => {
    const { mergeCommand } = await import('./reduce.js');
    mergeCommand(scans, opts, io);
  });

  // ---- deglitch ----------------------------------------------------------------------------
  const dg = program
    .command('deglitch')
    .description('remove glitches: spikes found automatically (--auto) and points at (--at) or between (--range) given energies; every removed point is reported')
    .argument('<files...>', INPUTS);
  const failDg: Fail = (m) => dg.error(m, { exitCode: 2, code: 'xafs.badOptionValue' });
  const numDg = common(dg, failDg);
  dg.option('--out <path>', 'write the deglitched spectrum as a column file (a folder when there are several spectra)');
  dg.option('--auto', 'find spikes automatically (implied when neither --at nor --range is given)');
  numDg('--threshold <T>', 'spike score above which --auto removes a point, in robust noise units (default 8)', { above: 0 });
  dg.addOption(new Option('--at <eV>', 'remove the point nearest this energy, eV (repeat for more)').argParser(repeatNumber('--at', failDg)));
  dg.addOption(new Option('--range <E1:E2>', 'remove every point with E1 ≤ E ≤ E2, eV (repeat for more)').argParser(repeatRange('--range', failDg)));
  dg.action(async (files: string[], opts: Record<string, unknown>) => {
    const { deglitchCommand } = await import('./reduce.js');
    deglitchCommand(files, opts, io);
  });

  // ---- rebin -------------------------------------------------------------------------------
  const rb = program
    .command('rebin')
    .description('rebin quick-EXAFS data onto a conventional XAFS grid (Larch rebin_xafs): pre-edge and XANES in eV steps, EXAFS in k steps')
    .argument('<files...>', INPUTS);
  const failRb: Fail = (m) => rb.error(m, { exitCode: 2, code: 'xafs.badOptionValue' });
  const numRb = common(rb, failRb);
  rb.option('--out <path>', 'write energy, mu, delta_mu and points per bin as a column file (a folder when there are several spectra)');
  numRb('--e0 <eV>', 'edge energy the grid is built around, eV (default: Larch find_e0)');
  numRb('--pre1 <eV>', 'pre-edge start, eV from e0 (default: pre-step·trunc((first E − e0)/pre-step))');
  numRb('--pre2 <eV>', 'pre-edge end and XANES start, eV from e0 (default -30)');
  numRb('--pre-step <eV>', 'pre-edge step, eV (default 2)', { above: 0 });
  numRb('--xanes-step <eV>', "XANES step, eV (default and minimum: from the data's mean step)", { above: 0 });
  numRb('--exafs1 <eV>', 'XANES end and EXAFS start, eV from e0 (default 15)');
  numRb('--exafs2 <eV>', 'EXAFS end, eV from e0 (default: the last point)');
  numRb('--exafs-kstep <Å⁻¹>', 'EXAFS k step, Å⁻¹ (default 0.05)', { above: 0 });
  rb.addOption(new Option('--method <method>', 'bin value: centroid Σμ·E/ΣE or boxcar mean (default centroid)').choices(['centroid', 'boxcar']));
  rb.action(async (files: string[], opts: Record<string, unknown>) => {
    const { rebinCommand } = await import('./reduce.js');
    rebinCommand(files, opts, io);
  });

  // ---- truncate ----------------------------------------------------------------------------
  const tr = program
    .command('truncate')
    .description('keep an energy range: the points with emin ≤ E ≤ emax (absolute eV, or from e0 with --relative)')
    .argument('<files...>', INPUTS);
  const failTr: Fail = (m) => tr.error(m, { exitCode: 2, code: 'xafs.badOptionValue' });
  const numTr = common(tr, failTr);
  tr.option('--out <path>', 'write the truncated spectrum as a column file (a folder when there are several spectra)');
  numTr('--emin <eV>', 'lowest energy kept, eV (default: the first point)');
  numTr('--emax <eV>', 'highest energy kept, eV (default: the last point)');
  tr.option('--relative', '--emin/--emax are relative to e0');
  numTr('--e0 <eV>', 'e0 for --relative, eV (default: Larch find_e0)');
  tr.action(async (files: string[], opts: Record<string, unknown>) => {
    const { truncateCommand } = await import('./reduce.js');
    truncateCommand(files, opts, io);
  });
}
