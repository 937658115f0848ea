// `xafs edge` and `xafs valence`: inputs through src/xanes/inputs.ts, numbers from src/xanes/edge.ts
// and src/xanes/valence.ts, then a text table or one JSON document.
import { existsSync, statSync } from 'node:fs';
import { XafsError } from '../errors.js';
import { DEFAULT_EDGE_METHODS, edgePositions, type EdgeMethod, type EdgeOptions, type EdgeReport } from '../xanes/edge.js';
import { loadSeries, type LoadOptions, type SeriesSpectrum } from '../xanes/inputs.js';
import { DEFAULT_VALENCE_METHOD, valence, type ValenceMethod, type ValenceOptions, type ValenceReference, type ValenceResult } from '../xanes/valence.js';
import { checkExpression, splitGroup, toJson } from './format.js';
import { ExitStatus, type Io } from './program.js';

type Opts = Record<string, unknown>;
const num = (o: Opts, k: string) => o[k] as number | undefined;
const str = (o: Opts, k: string) => o[k] as string | undefined;



/** The spectra of FILE, or of FILE#NAME only (an Athena group or a column of a series file). */
function loadPicked(path: string, group: string | undefined, opts: LoadOptions): SeriesSpectrum[] {
  const all = loadSeries([path], { ...opts, group });
  if (group === undefined) return all;
  const hit = all.filter((s) => s.name === group);
  if (hit.length === 0) throw new XafsError('EOPTION', `${path} holds no spectrum named '${group}'; it holds ${names(all)}`);
  return hit;
}

/** "3 spectra: 'a', 'b', 'c'" (the first ten names). */
function names(spectra: SeriesSpectrum[]): string {
  const list = spectra.slice(0, 10).map((s) => `'${s.name}'`).join(', ');
  return `${spectra.length} spectra: ${list}${spectra.length > 10 ? ', ...' : ''}`;
}

function loadArgs(args: string[], opts: LoadOptions): SeriesSpectrum[] {
  const out: SeriesSpectrum[] = [];
  for (const a of args) {
    const { path, group } = splitGroup(a);
    out.push(...loadPicked(path, group ?? opts.group, opts));
  }
  return out;
}

function edgeOptions(o: Opts): Omit<EdgeOptions, 'methods'> {
  const preEdge = Object.fromEntries(
    Object.entries({ pre1: num(o, 'pre1'), pre2: num(o, 'pre2'), norm1: num(o, 'norm1'), norm2: num(o, 'norm2'), nnorm: num(o, 'nnorm') }).filter(([, v]) => v !== undefined),
  );
  return {
    smooth: num(o, 'smooth'),
    searchWidth: num(o, 'searchWidth'),
    halfLevel: num(o, 'halfLevel'),
    mainLevel: num(o, 'mainLevel'),
    e0: num(o, 'e0'),
    integralLevels: o.integralLevels as [number, number] | undefined,
    preEdge,
  };
}

// ---- text tables ---------------------------------------------------------------------------

/** Columns separated by two spaces, the first left-aligned, the others right-aligned. */
function table(head: string[], rows: string[][]): string {
  const w = head.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (r: string[]) => r.map((c, j) => (j === 0 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

const f = (x: number, d: number) => x.toFixed(d);
/** "7122.69 ± 0.02" (error bar rounded to the shown digits; "< 0.01" when smaller). */
function pm(x: number, se: number | null | undefined, d: number): string {
  if (se == null || !Number.isFinite(se)) return f(x, d);
  const min = 10 ** -d;
  return `${f(x, d)} ± ${se < min / 2 ? `<${min.toFixed(d)}` : f(se, d)}`;
}

function warn(io: Io, where: string, message: string): void {
  io.err(`xafs: warning: ${where}: ${message}\n`);
}

/** When every input failed: the messages, then exit 2 (a single failure is thrown as is). */
function allFailed(io: Io, failures: { source: string; error: string }[]): never {
  for (const x of failures) io.err(`xafs: ${x.source}: ${x.error}\n`);
  throw new ExitStatus(2);
}

// ---- xafs edge ----------------------------------------------------------------------------

interface EdgeRow {
  spectrum: SeriesSpectrum;
  report?: EdgeReport;
  error?: XafsError;
}

export function edgeJson(methods: readonly EdgeMethod[], rows: EdgeRow[], settings: Record<string, unknown>) {
  return {
    methods,
    settings,
    samples: rows.map(({ spectrum: s, report: r, error }) => {
      if (!r) return { source: s.source, name: s.name, error: error!.message };
      return {
        source: s.source,
        name: s.name,
        e0: r.e0,
        edgeStep: r.edgeStep,
        noise: r.noise,
        edges: Object.fromEntries(
          methods.map((m) => {
            const e = r.edges[m];
            return [m, e ? { energy: e.energy, stderr: e.stderr, ...(e.derivative !== undefined ? { derivative: e.derivative } : {}), ...(e.window ? { window: e.window } : {}), ...(e.definitionSpread !== undefined ? { definitionSpread: e.definitionSpread } : {}), ...(e.competitor ? { competitor: e.competitor } : {}) } : null];
          }),
        ),
        errors: r.errors,
        whiteLine: r.whiteLine ? { energy: r.whiteLine.energy, height: r.whiteLine.height, area: r.whiteLine.area, range: r.whiteLine.range } : null,
        warnings: [...(s.warnings ?? []), ...r.warnings],
      };
    }),
  };
}

function edgeTable(methods: readonly EdgeMethod[], rows: EdgeRow[], wlSpace: string): string {
  const head = ['source', ...methods.map((m) => (m === 'deriv' ? 'deriv (find_e0)' : m)), 'edge step', `white line (${wlSpace}): eV`, 'height', 'area (eV)'];
  const body = rows.map(({ spectrum: s, report: r }) => {
    if (!r) return [s.name, ...methods.map(() => 'failed'), '', '', '', ''];
    const cells = methods.map((m) => {
      const e = r.edges[m];
      return e ? pm(e.energy, e.stderr, 2) : '—';
    });
    const wl = r.whiteLine;
    return [s.name, ...cells, r.edgeStep.toPrecision(4), wl ? f(wl.energy, 2) : '—', wl ? f(wl.height, 3) : '—', wl ? f(wl.area, 2) : '—'];
  });
  return table(head, body) + 'Energies in eV; ± one σ from the data noise.\n';
}

export function edgeCommand(samples: string[], o: Opts, io: Io): void {
  checkExpression('--mu', str(o, 'mu'));
  checkExpression('--energy', str(o, 'energy'));
  const methods = (o.method as EdgeMethod[] | undefined) ?? DEFAULT_EDGE_METHODS;
  const spectra = loadArgs(samples, { mu: str(o, 'mu'), energy: str(o, 'energy'), group: str(o, 'group'), warn: (m: string) => io.err(`xafs: warning: ${m}\n`) });
  const wlSpace = (str(o, 'wlSpace') ?? 'norm') as 'norm' | 'flat';
  const options: EdgeOptions = { ...edgeOptions(o), methods, whiteLine: { space: wlSpace, window: num(o, 'wlWindow') } };
  const rows: EdgeRow[] = spectra.map((spectrum) => {
    try {
      return { spectrum, report: edgePositions(spectrum, options) };
    } catch (e) {
      if (e instanceof XafsError && e.code !== 'EOPTION') return { spectrum, error: e };
      throw e;
    }
  });
  const failures = rows.filter((r) => r.error).map((r) => ({ source: r.spectrum.source, error: r.error!.message }));
  if (failures.length === rows.length) {
    if (rows.length === 1) throw new XafsError(rows[0]!.error!.code, `${rows[0]!.spectrum.source}: ${rows[0]!.error!.message}`, rows[0]!.error!.exitCode);
    allFailed(io, failures);
  }
  const first = rows.find((r) => r.report)!.report!;
  const settings = { smooth: first.smooth, searchWidth: options.searchWidth ?? 10, halfLevel: options.halfLevel ?? 0.5, integralLevels: options.integralLevels ?? [0.15, 0.85], ...(methods.includes('deriv-main') ? { mainLevel: options.mainLevel ?? 0.2 } : {}), whiteLine: { space: wlSpace, window: num(o, 'wlWindow') ?? 15 } };
  const text = o.json ? toJson(edgeJson(methods, rows, settings)) + '\n' : edgeTable(methods, rows, wlSpace);
  for (const { spectrum: s, report: r } of rows) {
    if (!r) continue;
    for (const w of [...(s.warnings ?? []), ...r.warnings]) warn(io, s.source, w);
    for (const [m, why] of Object.entries(r.errors)) warn(io, s.source, `${m}: ${why}`);
  }
  for (const x of failures) io.err(`xafs: ${x.source}: ${x.error}\n`);
  io.out(text);
  if (failures.length > 0) throw new ExitStatus(1);
}

// ---- xafs valence -------------------------------------------------------------------------

const ROMAN: Record<string, number> = { I: 1, II: 2, III: 3, IV: 4, V: 5, VI: 6, VII: 7, VIII: 8 };

/** The valence a group label carries: "FeO = 2", "FeO: 2", "Fe2O3 (3)", "Fe2O3 (+3)", "(3+)", "Fe(III) oxide"; null when none. */
export function valenceFromLabel(label: string): number | null {
  let m = /[=:@]\s*([+-]?\d+(?:\.\d+)?)\s*$/.exec(label);
  if (m) return Number(m[1]);
  m = /\(\s*([+-]?)(\d+(?:\.\d+)?)\s*([+-]?)\s*\)\s*$/.exec(label);
  if (m) return (m[1] === '-' || m[3] === '-' ? -1 : 1) * Number(m[2]);
  m = /\((VIII|VII|VI|IV|V|III|II|I)\)/.exec(label);
  if (m) return ROMAN[m[1]!]!;
  return null;
}

interface RefSpec {
  arg: string;
  path: string;
  group?: string;
  valence?: number;
  /** FILE=NAME: the reference's name, its valence read from it as from a group label. */
  name?: string;
}

/** FILE=VALENCE, FILE#GROUP=VALENCE, FILE=NAME (a name carrying its valence: 'MnO (2)'), or FILE alone (labelled project). */
function parseRef(arg: string): RefSpec {
  const eq = arg.indexOf('=');
  if (eq < 0) {
    const { path, group } = splitGroup(arg);
    return { arg, path, group };
  }
  const target = arg.slice(0, eq);
  const vtext = arg.slice(eq + 1).trim();
  if (target === '' || vtext === '') {
    throw new XafsError('EOPTION', `--ref '${arg}': expected FILE=VALENCE with a number after '=' (e.g. --ref FeO.xdi=2), or FILE=NAME with the valence in the name (e.g. --ref 'FeO.xdi=FeO (2)')`);
  }
  const { path, group } = splitGroup(target);
  const v = Number(vtext);
  if (Number.isFinite(v)) return { arg, path, group, valence: v };
  const fromName = valenceFromLabel(vtext);
  if (fromName === null) {
    throw new XafsError('EOPTION', `--ref '${arg}': expected FILE=VALENCE with a number after '=' (e.g. --ref FeO.xdi=2), or FILE=NAME whose name carries the valence ('FeO (2)', 'Fe2O3 = 3', 'Fe(III) oxide'); '${vtext}' carries none`);
  }
  return { arg, path, group, valence: fromName, name: vtext };
}

/** A glob or a folder: every spectrum it matches is a reference of the valence given. */
const isPattern = (path: string) => /[*?]/.test(path) || (existsSync(path) && statSync(path).isDirectory());

function loadReferences(refArgs: string[], opts: LoadOptions): { refs: ValenceReference[]; warnings: string[] } {
  const refs: ValenceReference[] = [];
  const warnings: string[] = [];
  for (const arg of refArgs) {
    const spec = parseRef(arg);
    const spectra = loadPicked(spec.path, spec.group, opts);
    if (spec.valence !== undefined) {
      if (spectra.length !== 1 && !isPattern(spec.path)) {
        throw new XafsError('EOPTION', `--ref '${arg}': ${spec.path} holds ${names(spectra)}; name one: --ref '${spec.path}#NAME=${spec.valence}'`);
      }
      for (const s of spectra) {
        const name = spec.name !== undefined && spectra.length === 1 ? spec.name : s.name;
        refs.push({ energy: s.energy, mu: s.mu, valence: spec.valence, source: s.source, name });
      }
      continue;
    }
    // no '=': an Athena project whose group labels carry the valences
    const labelled = spectra.map((s) => ({ s, v: valenceFromLabel(s.name) }));
    const usable = labelled.filter((x) => x.v !== null);
    if (usable.length === 0) {
      throw new XafsError('EOPTION', `--ref '${arg}': no valence given; write FILE=VALENCE (e.g. --ref FeO.xdi=2), or pass an Athena project whose group labels carry their valences ('FeO (2)', 'Fe2O3 = 3', 'Fe(III) oxide')`);
    }
    for (const { s, v } of usable) refs.push({ energy: s.energy, mu: s.mu, valence: v!, source: s.source, name: s.name });
    for (const { s } of labelled.filter((x) => x.v === null)) warnings.push(`${s.source}: the label '${s.name}' carries no valence: not used as a reference`);
  }
  return { refs, warnings };
}

function valenceJson(r: ValenceResult) {
  const cal = r.calibration;
  return {
    method: r.method,
    settings: r.settings,
    calibration: cal
      ? {
          form: cal.form,
          slope: cal.slope,
          intercept: cal.intercept,
          quadratic: cal.quadratic,
          slopeStderr: cal.slopeStderr,
          interceptStderr: cal.interceptStderr,
          quadraticStderr: cal.quadraticStderr,
          rms: cal.rms,
          r2: cal.r2,
          n: cal.n,
          dof: cal.dof,
          exact: cal.exact,
          center: cal.center,
          coefficients: cal.coefficients,
          covariance: cal.covariance,
          covarianceFrom: cal.covarianceFrom,
          edgeRange: cal.edgeRange,
          valenceRange: cal.valenceRange,
          warnings: cal.warnings,
        }
      : null,
    references: r.references.map((x) => ({ file: x.source, name: x.name, valence: x.valence, edge: x.edge, edgeStderr: x.edgeStderr, residual: x.residual })),
    samples: r.samples.map((s) => ({
      source: s.source,
      name: s.name,
      edge: s.edge,
      edgeStderr: s.edgeStderr,
      valence: s.valence,
      valenceStderr: s.valenceStderr,
      warnings: s.warnings,
      ...(s.fractions ? { fractions: Object.fromEntries(s.fractions.map((q) => [q.name, { value: q.value, stderr: q.stderr, valence: q.valence }])) } : {}),
      ...(s.rfactor !== undefined ? { rfactor: s.rfactor, chi2Reduced: s.chi2Reduced } : {}),
      ...(s.error !== undefined ? { error: s.error } : {}),
    })),
  };
}

function describeMethod(r: ValenceResult): string {
  const st = r.settings;
  switch (r.method) {
    case 'deriv':
      return 'deriv (Larch find_e0: grid point of the largest dμ/dE)';
    case 'deriv-fit':
      return `deriv-fit (maximum of dμ/dE smoothed by a ${st.smooth} eV Gaussian)`;
    case 'zero2':
      return `zero2 (zero of d²μ/dE² smoothed by a ${st.smooth} eV Gaussian)`;
    case 'half':
      return `half (normalized μ = ${st.halfLevel})`;
    case 'integral':
      return `integral (∫E dμ over normalized μ ${(st.integralLevels as number[]).join(' to ')})`;
    case 'half-main':
      return `half-main (last crossing of normalized μ = ${st.halfLevel} below the white line)`;
    case 'deriv-main':
      return `deriv-main (first maximum of dμ/dE smoothed by a ${st.smooth} eV Gaussian on the main rise, where normalized μ ≥ ${st.mainLevel})`;
    case 'lcf':
      return `LCF of normalized μ over e0 ${st.emin} to +${st.emax} eV (fractions ≥ 0, summing to 1)`;
  }
}

function valenceText(r: ValenceResult): string {
  const out: string[] = [];
  const cal = r.calibration;
  out.push(`valence by ${describeMethod(r)}`);
  if (cal) {
    const sgn = (x: number) => (x < 0 ? `− ${Math.abs(x).toPrecision(8)}` : `+ ${x.toPrecision(8)}`);
    const curve = cal.form === 'linear' ? `valence = ${cal.slope.toPrecision(6)}·E ${sgn(cal.intercept)}` : `valence = ${cal.quadratic!.toPrecision(6)}·E² ${sgn(cal.slope)}·E ${sgn(cal.intercept)}`;
    out.push(`${cal.form} calibration on ${cal.n} references: ${curve}   (E in eV)`);
    const slopeAt = cal.form === 'linear' ? cal.slope : cal.coefficients[1]!;
    const se = cal.covariance ? Math.sqrt(cal.covariance[1]![1]!) : null;
    const stats = cal.exact ? 'exact through the references' : `rms ${cal.rms.toFixed(3)}, R² ${cal.r2 === null ? '—' : cal.r2.toFixed(4)}`;
    out.push(`  slope ${se === null ? slopeAt.toPrecision(4) : `${slopeAt.toPrecision(4)} ± ${se.toPrecision(2)}`} per eV${cal.form === 'quadratic' ? ' at the mean reference edge' : ''}; ${stats}`);
    out.push('');
    out.push(table(['reference', 'valence', 'edge (eV)', 'residual'], r.references.map((x) => [x.name, String(x.valence), pm(x.edge, x.edgeStderr, 2), x.residual === null ? '—' : x.residual.toFixed(3)])).trimEnd());
  } else {
    out.push('');
    out.push(table(['reference', 'valence', 'e0 (eV)'], r.references.map((x) => [x.name, String(x.valence), x.edge.toFixed(2)])).trimEnd());
  }
  out.push('');
  if (r.method === 'lcf') {
    const names = r.references.map((x) => x.name);
    const head = ['sample', 'valence', ...names, 'R-factor'];
    const rows = r.samples.map((s) =>
      s.valence === null ? [s.name, 'failed', ...names.map(() => ''), ''] : [s.name, pm(s.valence, s.valenceStderr, 3), ...s.fractions!.map((q) => pm(q.value, q.stderr, 3)), s.rfactor!.toExponential(2)],
    );
    out.push(table(head, rows).trimEnd());
  } else {
    const rows = r.samples.map((s) => (s.valence === null ? [s.name, 'failed', ''] : [s.name, pm(s.edge!, s.edgeStderr, 2), pm(s.valence, s.valenceStderr, 3)]));
    out.push(table(['sample', 'edge (eV)', 'valence'], rows).trimEnd());
  }
  out.push('± one σ: noise of the data, the edge definition\'s own spread (deriv-main: competing maxima) and, for a calibration, the scatter of the references.');
  return out.join('\n') + '\n';
}

export function valenceCommand(samples: string[], o: Opts, io: Io): void {
  checkExpression('--mu', str(o, 'mu'));
  checkExpression('--ref-mu', str(o, 'refMu'));
  checkExpression('--energy', str(o, 'energy'));
  const refArgs = (o.ref as string[] | undefined) ?? [];
  if (refArgs.length === 0) throw new XafsError('ETOOFEW', 'no references: give at least two with --ref FILE=VALENCE (of different valences), e.g. --ref FeO.xdi=2 --ref Fe2O3.xdi=3');
  const { refs, warnings: refWarnings } = loadReferences(refArgs, { mu: str(o, 'refMu') });
  const spectra = loadArgs(samples, { mu: str(o, 'mu'), energy: str(o, 'energy'), group: str(o, 'group'), warn: (m: string) => io.err(`xafs: warning: ${m}\n`) });
  const options: ValenceOptions = { ...edgeOptions(o), method: (str(o, 'method') ?? DEFAULT_VALENCE_METHOD) as ValenceMethod, form: (str(o, 'form') ?? 'linear') as 'linear' | 'quadratic', emin: num(o, 'emin'), emax: num(o, 'emax') };
  const r = valence(refs, spectra, options);
  const failures = r.samples.filter((s) => s.error !== undefined).map((s) => ({ source: s.source, error: s.error! }));
  if (failures.length === r.samples.length) {
    if (failures.length === 1) throw new XafsError('ENOEDGE', `${failures[0]!.source}: ${failures[0]!.error}`);
    allFailed(io, failures);
  }
  const text = o.json ? toJson(valenceJson(r)) + '\n' : valenceText(r);
  for (const w of refWarnings) io.err(`xafs: warning: ${w}\n`);
  for (const w of r.calibration?.warnings ?? []) warn(io, 'calibration', w);
  for (const s of spectra) for (const w of s.warnings ?? []) warn(io, s.source, w);
  for (const s of r.samples) for (const w of s.warnings) warn(io, s.source, w);
  for (const x of failures) io.err(`xafs: ${x.source}: ${x.error}\n`);
  io.out(text);
  if (failures.length > 0) throw new ExitStatus(1);
}
