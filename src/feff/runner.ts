/**
 * Running FEFF (Debian's feff85exafs: `feff8l`, FEFF 8.5L, and `feff6l`, FEFF 6L.02) on a
 * structure: feff.inp is written from the input, FEFF runs in a temporary folder (spawned, log
 * captured, killed after a timeout), and the paths are read back (paths.dat, feffNNNN.dat).
 * Results are cached by a hash of the feff.inp text and the program's version (src/feff/cache.ts).
 *
 * Neither program reports failure in its exit status (feff8l is a Python wrapper that runs six
 * modules and always exits 0; feff6l exits 0 after "Fatal Error"), so a run has failed when
 * paths.dat is missing; the message then carries the tail of FEFF's log.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join, resolve } from 'node:path';
import { XafsError } from '../errors.js';
import { listFeffPaths } from '../fit/paths.js';
import { cacheKey, cachedEntry, defaultCacheDir } from './cache.js';
import { readCifCluster } from './cif.js';
import { checkEdge, describeFeffInp, writeFeffInp, type FeffProgram } from './inp.js';
import { centreCluster, findAbsorber, shellCluster, type Cluster, type ClusterAtom, type FeffCommonOptions, type FeffInput, type ShellSpec } from './structure.js';
import { readXyz } from './xyz.js';

export type { FeffProgram } from './inp.js';

/** How FEFF is run. */
export interface RunFeffOptions {
  /** Which FEFF. @default 'feff8l' when installed, else 'feff6l' when installed */
  program?: FeffProgram;
  /** Cache folder. @default XAFS_CACHE, else ~/.cache/xafs/feff */
  cacheDir?: string;
  /** Use (and fill) the cache. @default true */
  cache?: boolean;
  /** Kill FEFF after this long, ms. @default 300000 */
  timeoutMs?: number;
  /** Copy the run (feff.inp, feffNNNN.dat, paths.dat, files.dat, chi.dat, xmu.dat, feff.log) here; `dir` is then this folder. */
  outDir?: string;
}

/** One path of a run. */
export interface FeffRunPath {
  index: number;
  /** Absolute path of its feffNNNN.dat. */
  file: string;
  /** Half path length, Å. */
  reff: number;
  degen: number;
  nleg: number;
  /** Atoms along the path, absorber first: 'Cu-N', 'Cu-N-C'. */
  label: string;
  /** Curved-wave amplitude relative to the strongest path, % (as `xafs paths`). */
  importance: number;
}

export interface FeffRun {
  /** Folder holding feff.inp, paths.dat and the feffNNNN.dat files (outDir, else the cache entry, else a temporary folder). */
  dir: string;
  /** The feff.inp text FEFF ran on. */
  inp: string;
  paths: FeffRunPath[];
  /** FEFF's output (stdout and stderr). */
  log: string;
  program: FeffProgram;
  /** The program's version line (`feff8l --version`, feff6l's banner) and the Debian package version when known. */
  version: string;
  /** True when the result came from the cache and FEFF did not run. */
  cached: boolean;
  /** The cache key (hash of program, version and feff.inp). */
  key: string;
  absorber?: string;
  edge?: string;
  /** Choices made on the user's behalf (absorber site, ignored options): the CLI prints them on stderr. */
  notes: string[];
}

const DEFAULTS = { edge: 'K', s02: 1, rmax: 5, nleg: 4, timeoutMs: 300_000 };

/** Files of a run worth keeping (the rest are FEFF's intermediate binaries and JSON). */
const KEEP = /^(feff\.inp|feff\d{4}\.dat|paths\.dat|files\.dat|chi\.dat|xmu\.dat|feff\.log|meta\.json)$/i;

/** Where `program` is installed (XAFS_FEFF8L / XAFS_FEFF6L, else the PATH), or undefined. */
export function feffAvailable(program: FeffProgram = 'feff8l'): string | undefined {
  const env = process.env[`XAFS_${program.toUpperCase()}`];
  const candidates = env ? [env] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, program));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The message for a missing FEFF (exit 2). */
export function feffMissingMessage(program: FeffProgram): string {
  return `${program} not found: install it with \`apt-get install feff85exafs\` (Debian/Ubuntu); the built-in path library (\`xafs fit-shell\`) works without FEFF`;
}

/** The program to run: the one asked for, else feff8l, else feff6l; refused when not installed. */
export function resolveProgram(program?: FeffProgram): { program: FeffProgram; exe: string } {
  if (program !== undefined && program !== 'feff8l' && program !== 'feff6l') {
    throw new XafsError('EOPTION', `unknown FEFF program '${String(program)}': use feff8l or feff6l`);
  }
  const order: FeffProgram[] = program ? [program] : ['feff8l', 'feff6l'];
  for (const p of order) {
    const exe = feffAvailable(p);
    if (exe) return { program: p, exe };
  }
  throw new XafsError('ENOENT', feffMissingMessage(program ?? 'feff8l'));
}

const versions = new Map<string, string>();

/** The version of the FEFF at `exe` (memoized): the program's own line, plus Debian's package version. */
export function feffVersion(program: FeffProgram, exe: string): string {
  const known = versions.get(exe);
  if (known) return known;
  let line = '';
  if (program === 'feff8l') {
    const r = spawnSync(exe, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    line = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').find((l) => /feff/i.test(l))?.trim() ?? '';
  } else {
    // feff6l prints its banner (' Feff 6L.02') and stops when there is no feff.inp
    const tmp = mkdtempSync(join(tmpdir(), 'xafs-feffv-'));
    try {
      const r = spawnSync(exe, [], { cwd: tmp, encoding: 'utf8', timeout: 30_000 });
      line = (r.stdout ?? '').split('\n').find((l) => /feff/i.test(l))?.trim() ?? '';
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  const deb = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'feff85exafs'], { encoding: 'utf8' });
  const debVersion = deb.status === 0 && deb.stdout ? ` (Debian feff85exafs ${deb.stdout.trim()})` : '';
  const v = `${program} ${line || 'unknown version'}${debVersion}`;
  versions.set(exe, v);
  return v;
}

/** The cluster an input describes (not for kind 'inp'). */
export function buildCluster(input: FeffInput): Cluster {
  const notes: string[] = [];
  switch (input.kind) {
    case 'cluster': {
      if (!Array.isArray(input.atoms) || input.atoms.length === 0) throw new XafsError('EOPTION', 'the cluster has no atoms: give the absorber and its neighbours with x, y, z in Å');
      const i = findAbsorber(input.atoms, input.absorber, 'the cluster', notes);
      return centreCluster(input.atoms, i, 'the cluster', notes);
    }
    case 'shells':
      return shellCluster(input.absorber, input.shells);
    case 'xyz': {
      const xyz = readXyz(input.file);
      const i = findAbsorber(xyz.atoms, input.absorber, input.file, notes);
      return centreCluster(xyz.atoms, i, input.file, notes);
    }
    case 'cif':
      return readCifCluster(input.file, input.absorber, input.rmax, input.site);
    default:
      throw new XafsError('EOPTION', `unknown FEFF input kind '${(input as { kind: string }).kind}': use cluster, shells, xyz, cif or inp`);
  }
}

/**
 * The feff.inp text for an input and program, with the notes made on the way. Pure apart from
 * reading the structure file: what would run, without running it.
 */
export function feffInpText(input: FeffInput, program: FeffProgram = 'feff8l'): { inp: string; notes: string[]; absorber?: string; edge?: string } {
  if (input.kind === 'inp') {
    if (!existsSync(input.file)) throw new XafsError('ENOENT', `file not found: '${input.file}'; give an existing feff.inp`);
    const inp = readFileSync(input.file, 'utf8');
    const notes: string[] = [];
    const ignored = (['edge', 's02', 'rmax', 'nleg', 'title'] as const).filter((k) => input[k] !== undefined);
    if (ignored.length) notes.push(`${input.file} runs as it is: ${ignored.join(', ')} ignored (edit the feff.inp to change them)`);
    return { inp, notes, ...describeFeffInp(inp) };
  }
  const edge = checkEdge(input.edge ?? DEFAULTS.edge);
  const rmax = input.rmax ?? DEFAULTS.rmax;
  const nleg = input.nleg ?? DEFAULTS.nleg;
  const s02 = input.s02 ?? DEFAULTS.s02;
  if (!(rmax > 0 && rmax <= 12)) throw new XafsError('EOPTION', `rmax ${rmax} Å is outside (0, 12]: give the longest path half-length in Å (e.g. 5)`);
  if (!(Number.isInteger(nleg) && nleg >= 2 && nleg <= 8)) throw new XafsError('EOPTION', `nleg ${nleg} is outside 2..8: give the most legs per path (2 = single scattering)`);
  if (!(s02 > 0 && s02 <= 2)) throw new XafsError('EOPTION', `s02 ${s02} is outside (0, 2]: give S0² (typically 0.7-1.0)`);
  const cluster = buildCluster(input);
  const abs = cluster.atoms[0]!.element;
  const title = input.title ?? `${abs} ${edge} edge, ${cluster.source === 'shells' ? 'shells ' + (input.kind === 'shells' ? input.shells.map((s) => `${s.element}${s.n}@${s.r}`).join(' ') : '') : basename(cluster.source)}`;
  const inp = writeFeffInp(cluster, { edge, s02, rmax, nleg, title, program });
  return { inp, notes: cluster.notes, absorber: abs, edge };
}

/** Runs `exe` in `dir` (no arguments: both programs read ./feff.inp); resolves with its output. */
function spawnFeff(exe: string, dir: string, timeoutMs: number): Promise<{ log: string; timedOut: boolean; status: number | null }> {
  return new Promise((done, fail) => {
    // its own process group, so a timeout also kills the modules feff8l starts
    const child = spawn(exe, [], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let log = '';
    let timedOut = false;
    child.stdout.on('data', (b: Buffer) => (log += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (log += b.toString('utf8')));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(new XafsError('EFEFF', `could not start ${exe}: ${e.message}`));
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ log, timedOut, status });
    });
  });
}

/**
 * The end of a log for error messages, indented. When the first complaint (an error, an unknown
 * keyword, a fatal stop) lies before the last `n` lines, the lines around it come first: feff8l
 * keeps running its later modules after a failure, and their "failed to read" lines would hide it.
 */
export function logTail(log: string, n = 12): string {
  const lines = log.split(/\r?\n/).filter((l) => l.trim() !== '');
  const first = lines.findIndex((l) => /fatal|error|unrecogni[sz]ed|unknown keyword|not found|not allowed|stop/i.test(l));
  let shown: string[];
  if (first >= 0 && first < lines.length - n) {
    shown = [...lines.slice(Math.max(0, first - 2), first + 6), '...', ...lines.slice(-4)];
  } else {
    shown = lines.slice(-n);
  }
  return shown.map((l) => `  | ${l.trimEnd()}`).join('\n');
}

function copyRun(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from)) if (KEEP.test(f)) copyFileSync(join(from, f), join(to, f));
}

function readPaths(dir: string): FeffRunPath[] {
  if (!readdirSync(dir).some((f) => /^feff\d{4}\.dat$/i.test(f))) return [];
  return listFeffPaths(dir).map((p) => ({ index: p.index, file: resolve(dir, p.file), reff: p.reff, degen: p.degen, nleg: p.nleg, label: p.label, importance: p.importance }));
}

/**
 * Runs FEFF on `input` and returns its paths. Cached: an identical feff.inp with the same FEFF
 * returns the stored run without running FEFF (`cached: true`).
 * Throws XafsError: ENOENT when FEFF is not installed (how to install it; the path library works
 * without it), EFEFF when FEFF fails (the tail of its log) or finds no path, EOPTION/EFORMAT for
 * bad structures (absorber missing, atoms closer than 0.5 Å, unknown element, ...).
 */
export async function runFeff(input: FeffInput, opts: RunFeffOptions = {}): Promise<FeffRun> {
  const { program, exe } = resolveProgram(opts.program);
  const version = feffVersion(program, exe);
  const { inp, notes, absorber, edge } = feffInpText(input, program);
  if (opts.program === undefined && program === 'feff6l') notes.unshift('feff8l not found: running feff6l (FEFF 6L.02) instead; install feff85exafs for feff8l');
  const key = cacheKey(inp, version);
  const useCache = opts.cache !== false;
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;

  const finish = (dir: string, log: string, cached: boolean): FeffRun => {
    let out = dir;
    if (opts.outDir) {
      copyRun(dir, opts.outDir);
      out = resolve(opts.outDir);
    }
    return { dir: out, inp, paths: readPaths(out), log, program, version, cached, key, absorber, edge, notes };
  };

  const hit = useCache ? cachedEntry(cacheDir, key) : undefined;
  if (hit) return finish(hit, existsSync(join(hit, 'feff.log')) ? readFileSync(join(hit, 'feff.log'), 'utf8') : '', true);

  const work = mkdtempSync(join(tmpdir(), 'xafs-feff-'));
  writeFileSync(join(work, 'feff.inp'), inp);
  const { log, timedOut, status } = await spawnFeff(exe, work, timeoutMs);
  writeFileSync(join(work, 'feff.log'), log);
  const where = input.kind === 'inp' ? input.file : 'the generated feff.inp';
  if (timedOut) {
    rmSync(work, { recursive: true, force: true });
    throw new XafsError('EFEFF', `${program} did not finish within ${timeoutMs / 1000} s on ${where} and was stopped: reduce rmax or nleg, or raise the timeout; the end of its log:\n${logTail(log)}`);
  }
  if (!existsSync(join(work, 'paths.dat'))) {
    rmSync(work, { recursive: true, force: true });
    if (log.trim() === '') {
      throw new XafsError('EFEFF', `${program} failed on ${where} (no paths.dat written) and printed nothing (exit status ${status ?? 'none'}): check that ${exe} is FEFF (XAFS_${program.toUpperCase()} or the PATH), e.g. run it in a folder holding a feff.inp`);
    }
    throw new XafsError('EFEFF', `${program} failed on ${where} (no paths.dat written); the end of its log:\n${logTail(log)}`);
  }
  if (!readdirSync(work).some((f) => /^feff\d{4}\.dat$/i.test(f))) {
    rmSync(work, { recursive: true, force: true });
    const rp = /(?:RPATH|RMAX)\s+(\S+)/i.exec(inp)?.[1];
    throw new XafsError('EFEFF', `${program} found no path${rp ? ` shorter than rmax ${rp} Å` : ''} in ${where}: increase rmax (the nearest neighbour must lie within it)`);
  }
  let dir = work;
  if (useCache) {
    mkdirSync(cacheDir, { recursive: true });
    const tmpEntry = mkdtempSync(join(cacheDir, `.${key}-`));
    copyRun(work, tmpEntry);
    writeFileSync(join(tmpEntry, 'meta.json'), JSON.stringify({ key, program, version, created: new Date().toISOString() }, null, 1) + '\n');
    try {
      renameSync(tmpEntry, join(cacheDir, key));
    } catch {
      // another process stored the same run meanwhile: keep theirs
      rmSync(tmpEntry, { recursive: true, force: true });
    }
    rmSync(work, { recursive: true, force: true });
    dir = join(cacheDir, key);
  } else if (opts.outDir) {
    const r = finish(work, log, false);
    rmSync(work, { recursive: true, force: true });
    return r;
  }
  return finish(dir, log, false);
}


/** What `structureInput` needs beyond the file. */
export interface StructureInputOptions extends FeffCommonOptions {
  /** Absorbing element (required for XYZ and CIF, and for JSON files that do not name it). */
  absorber?: string;
  /** CIF: the absorber's site label when the element has several inequivalent sites. */
  site?: string;
}

/**
 * The FeffInput for a structure file, by its name: `.cif`, `.xyz`, `.json` (a cluster
 * `{absorber, atoms: [{element, x, y, z}]}` or shells `{absorber, shells: [{element, n, r}]}`),
 * or a feff.inp (`feff.inp`, `*.inp`, run as it is). Options given here win over a JSON file's.
 */
export function structureInput(file: string, o: StructureInputOptions = {}): FeffInput {
  if (!existsSync(file)) throw new XafsError('ENOENT', `file not found: '${file}'; give a structure: .xyz, .cif, feff.inp or a JSON cluster`);
  if (statSync(file).isDirectory()) {
    if (existsSync(join(file, 'feff.inp'))) return structureInput(join(file, 'feff.inp'), o);
    throw new XafsError('EOPTION', `'${file}' is a folder without feff.inp: give a structure file (.xyz, .cif, feff.inp or a JSON cluster)`);
  }
  const common: FeffCommonOptions = {};
  for (const k of ['edge', 's02', 'rmax', 'nleg', 'title'] as const) if (o[k] !== undefined) (common as Record<string, unknown>)[k] = o[k];
  const lower = basename(file).toLowerCase();
  const needAbsorber = (what: string): string => {
    if (!o.absorber) throw new XafsError('EOPTION', `${file}: ${what} needs the absorbing element: give --absorber (e.g. --absorber Cu)`);
    return o.absorber;
  };
  if (lower.endsWith('.inp')) return { kind: 'inp', file, ...common };
  if (lower.endsWith('.xyz')) return { kind: 'xyz', file, absorber: needAbsorber('an XYZ file'), ...common };
  if (lower.endsWith('.cif')) {
    const rmax = o.rmax ?? DEFAULTS.rmax;
    return { kind: 'cif', file, absorber: needAbsorber('a CIF'), ...common, rmax, ...(o.site !== undefined ? { site: o.site } : {}) };
  }
  if (lower.endsWith('.json')) {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new XafsError('EFORMAT', `${file} is not valid JSON (${(e as Error).message}): give {absorber, atoms: [{element, x, y, z}]} or {absorber, shells: [{element, n, r}]}`);
    }
    const fromJson: FeffCommonOptions = {};
    for (const k of ['edge', 's02', 'rmax', 'nleg', 'title'] as const) if (json[k] !== undefined) (fromJson as Record<string, unknown>)[k] = json[k];
    const absorber = o.absorber ?? (json.absorber as string | number | undefined);
    if (absorber === undefined) throw new XafsError('EOPTION', `${file}: no absorber: give --absorber or an "absorber" field`);
    if (Array.isArray(json.atoms)) return { kind: 'cluster', absorber, atoms: json.atoms as ClusterAtom[], ...fromJson, ...common };
    if (Array.isArray(json.shells)) {
      if (typeof absorber !== 'string') throw new XafsError('EOPTION', `${file}: with shells the absorber is an element (e.g. "Cu"), got ${JSON.stringify(absorber)}`);
      return { kind: 'shells', absorber, shells: json.shells as ShellSpec[], ...fromJson, ...common };
    }
    throw new XafsError('EFORMAT', `${file}: neither "atoms" nor "shells": give {absorber, atoms: [{element, x, y, z}]} or {absorber, shells: [{element, n, r}]}`);
  }
  throw new XafsError('EOPTION', `${file}: unknown structure type: give a .xyz, .cif, .json (cluster or shells) or .inp (feff.inp) file`);
}
