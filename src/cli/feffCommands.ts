// Registration of xafs feff (issue 7; src/feff/). Definitions and options only; actions import their modules lazily so
// that `xafs --version` stays fast.
import { Option, type Command } from 'commander';
import { parseNumber, type Io, type NumberRule } from './program.js';

export function register(program: Command, io: Io): void {
  const cmd = program
    .command('feff')
    .description('run FEFF (feff8l or feff6l from feff85exafs) on a structure and list its paths: index, label, legs, degeneracy, reff (Å), importance (%)')
    .argument('<structure>', 'a structure: .xyz, .cif, feff.inp (run as it is), or a JSON cluster {absorber, atoms: [{element, x, y, z}]} or shells {absorber, shells: [{element, n, r}]}');
  const fail = (message: string): never => cmd.error(message, { exitCode: 2, code: 'xafs.badOptionValue' });
  const addNum = (flags: string, desc: string, rule: NumberRule = {}) => {
    cmd.addOption(new Option(flags, desc).argParser(parseNumber(flags.split(' ')[0]!, rule, fail)));
  };
  cmd.option('--absorber <element>', 'absorbing element, e.g. Cu (XYZ: its first atom; CIF: its first site, or --site)');
  cmd.option('--site <label>', 'CIF: the absorber site label when the element has several inequivalent sites');
  cmd.option('--edge <edge>', 'absorption edge: K, L1, L2, L3, M1..M5 (default K)');
  addNum('--rmax <Å>', 'longest path half-length (RPATH), Å; for a CIF also the cluster radius (default 5)', { above: 0, max: 12 });
  addNum('--nleg <n>', 'most legs per path, 2-8 (default 4; 2 = single scattering only)', { integer: true, min: 2, max: 8 });
  addNum('--s02 <S0²>', 'S0² written to feff.inp (default 1)', { above: 0, max: 2 });
  cmd.addOption(
    new Option('--feff <version>', 'which FEFF: 8 (feff8l) or 6 (feff6l) (default 8 when installed, else 6)').argParser((v: string) => {
      if (v !== '8' && v !== '6') fail(`error: option '--feff' expects 8 or 6, got '${v}'`);
      return v === '8' ? 'feff8l' : 'feff6l';
    }),
  );
  cmd.option('--title <text>', 'TITLE card (default: the absorber, edge and structure)');
  cmd.option('--out <dir>', 'copy the run (feff.inp, feffNNNN.dat, paths.dat, feff.log) into DIR (default: leave it in the cache)');
  cmd.option('--inp-only', 'print the feff.inp (or write it into --out DIR) without running FEFF: works where FEFF is not installed');
  cmd.option('--no-cache', 'run FEFF even when the cache (XAFS_CACHE, else ~/.cache/xafs/feff) holds this feff.inp');
  addNum('--timeout <s>', 'stop FEFF after this many seconds (default 300)', { above: 0 });
  cmd.option('--json', 'print one JSON document on stdout');
  cmd.addHelpText(
    'after',
    `
Examples:
  xafs feff cu.cif --absorber Cu --edge K --rmax 5 --out cu_feff/
  xafs feff site.xyz --absorber Ru --nleg 2 --json
  xafs feff shells.json --feff 6        # {"absorber": "Cu", "shells": [{"element": "N", "n": 4, "r": 1.95}]}
  xafs feff feff.inp --out run1/
  xafs feff zno.cif --absorber Zn --inp-only > feff.inp   # run FEFF elsewhere`,
  );
  cmd.action(async (structure: string, opts: Record<string, unknown>) => {
    const { feffCommand } = await import('./feff.js');
    await feffCommand(structure, opts, io);
  });
}
