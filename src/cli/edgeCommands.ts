// Registration of commands (definitions and options only; actions import their modules lazily so
// that `xafs --version` stays fast).
import { Option, type Command } from 'commander';
import { addPreEdgeOptions, parseNumber, type Io, type NumberRule } from './program.js';

/** Edge definitions and valence methods (src/xanes/edge.ts, src/xanes/valence.ts); kept here so registration loads no numerics. */
const EDGE_METHODS = ['deriv', 'deriv-fit', 'half', 'zero2', 'integral', 'deriv-main', 'half-main'];
const VALENCE_METHODS = [...EDGE_METHODS, 'lcf'];

type Fail = (message: string) => never;

/** Options both commands share: inputs, edge definitions and normalization. */
function addCommon(cmd: Command, fail: Fail): void {
  const addNum = (flags: string, desc: string, rule: NumberRule = {}) => {
    cmd.addOption(new Option(flags, desc).argParser(parseNumber(flags.split(' ')[0]!, rule, fail)));
  };
  cmd
    .option('--mu <expr>', "μ(E) from columns, e.g. 'ln(i0/itrans)', 'ifluor/i0' (default: a column named mu, xmu, mutrans or mufluor, else norm or flat)")
    .option('--energy <expr>', 'energy column or expression, eV (default: the column labelled energy, else the first)')
    .option('--group <label>', 'Athena projects: only this group (default: every μ(E) group); FILE#NAME picks one group or series column of one file')
    .option('--json', 'print one JSON document on stdout');
  cmd.optionsGroup('Edge definitions:');
  addNum('--smooth <eV>', 'Gaussian σ smoothing dμ/dE for deriv-fit and zero2, eV (default 1; at least the energy step at e0)', { above: 0 });
  addNum('--search-width <eV>', 'deriv-fit/zero2: half-width of the window around find_e0 searched for the derivative maximum, eV (default 10)', { above: 0 });
  cmd.addOption(
    new Option('--half-level <level>', 'half: the normalized-μ level, between 0 and 1 (default 0.5)').argParser((v: string) => {
      const x = Number(v);
      if (v.trim() === '' || !(x > 0 && x < 1)) fail(`error: option '--half-level' expects a normalized-μ level between 0 and 1, got '${v}'`);
      return x;
    }),
  );
  cmd.addOption(
    new Option('--main-level <level>', 'deriv-main: a derivative maximum counts only where normalized μ has reached this level, between 0 and 1 (default 0.2)').argParser((v: string) => {
      const x = Number(v);
      if (v.trim() === '' || !(x > 0 && x < 1)) fail(`error: option '--main-level' expects a normalized-μ level between 0 and 1, got '${v}'`);
      return x;
    }),
  );
  cmd.addOption(
    new Option('--integral-levels <lo,hi>', 'integral: the normalized-μ window μ1,μ2 of E = ∫E dμ/(μ2 − μ1) (default 0.15,0.85)').argParser((v: string) => {
      const parts = v.split(',').map((p) => p.trim());
      const [lo, hi] = parts.map(Number);
      if (parts.length !== 2 || parts.some((p) => p === '') || !Number.isFinite(lo) || !Number.isFinite(hi) || !(lo! > 0) || !(lo! < hi!)) {
        fail(`error: option '--integral-levels' expects two normalized-μ levels 0 < lo < hi as lo,hi (e.g. 0.15,1), got '${v}'`);
      }
      return [lo, hi];
    }),
  );
  cmd.optionsGroup('Normalization (pre_edge):');
  addNum('--e0 <eV>', 'E0 for the normalization and the edge searches, eV (default: Larch find_e0, which deriv always reports)');
  addPreEdgeOptions(addNum);
}

export function register(program: Command, io: Io): void {
  const edge = program
    .command('edge')
    .description('edge positions (eV) by five definitions, edge step and white line of XANES spectra')
    .argument('<samples...>', 'spectra: files, folders, globs, multi-column series files, Athena projects (FILE#NAME for one group or column)');
  const failEdge: Fail = (message) => edge.error(message, { exitCode: 2, code: 'xafs.badOptionValue' });
  edge.addOption(
    new Option('--method <list>', `edge definitions, comma-separated: ${EDGE_METHODS.join(', ')} or all (default: all but deriv-main)`).argParser((v: string) => {
      const list = v.split(',').map((m) => m.trim());
      if (list.includes('all')) return EDGE_METHODS;
      const bad = list.find((m) => !EDGE_METHODS.includes(m));
      if (bad !== undefined) failEdge(`error: option '--method' expects ${EDGE_METHODS.join(', ')} or all (comma-separated), got '${bad}'`);
      return list;
    }),
  );
  addCommon(edge, failEdge);
  edge.optionsGroup('White line:');
  edge.addOption(new Option('--wl-space <space>', 'normalized array the white line is measured on (default norm)').choices(['norm', 'flat']));
  edge.addOption(new Option('--wl-window <eV>', 'window above e0 searched for the white-line maximum, eV (default 15)').argParser(parseNumber('--wl-window', { above: 0 }, failEdge)));
  edge.action(async (samples: string[], opts: Record<string, unknown>) => {
    const { edgeCommand } = await import('./edge.js');
    edgeCommand(samples, opts, io);
  });

  const val = program
    .command('valence')
    .description('oxidation states from edge positions: a calibration of valence against edge energy on references (or LCF), applied to every sample')
    .argument('<samples...>', 'spectra: files, folders, globs, multi-column series files, Athena projects (FILE#NAME for one group or column)');
  const failVal: Fail = (message) => val.error(message, { exitCode: 2, code: 'xafs.badOptionValue' });
  val.addOption(
    new Option('--ref <file=valence>', 'a reference and its valence (repeat; FILE#NAME=V for one Athena group or series column; PROJECT.prj alone when its group labels carry valences: "FeO (2)", "Fe2O3 = 3", "Fe(III) oxide")').argParser(
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    ),
  );
  val.addOption(new Option('--method <method>', 'edge definition of the calibration, or lcf (default half-main: the half-height crossing on the main rise, see docs/edges.md)').choices(VALENCE_METHODS));
  val.addOption(new Option('--form <form>', 'calibration curve (default linear)').choices(['linear', 'quadratic']));
  val.option('--ref-mu <expr>', 'μ(E) expression for the reference files (default: a column named mu, xmu, mutrans or mufluor, else norm or flat)');
  addCommon(val, failVal);
  val.optionsGroup('LCF (--method lcf):');
  val.addOption(new Option('--emin <eV>', 'fit range start, eV relative to each sample\'s e0 (default -20)').argParser(parseNumber('--emin', {}, failVal)));
  val.addOption(new Option('--emax <eV>', 'fit range end, eV relative to each sample\'s e0 (default 60)').argParser(parseNumber('--emax', {}, failVal)));
  val.action(async (samples: string[], opts: Record<string, unknown>) => {
    const { valenceCommand } = await import('./edge.js');
    valenceCommand(samples, opts, io);
  });
}
