// `xafs lcf`, `xafs pca`, `xafs mcr`: inputs through src/xanes/inputs.ts, preparation and numbers
// from src/xanes (matrix, lcf, pca, mcr), then a text table or one JSON document.
import { existsSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { XafsError } from '../errors.js';
import { loadSeries, type LoadOptions, type SeriesSpectrum } from '../xanes/inputs.js';
import { lcfSeries, lincomboFit, lincomboFitAll, type LcfFit, type LcfOptions, type LcfResult, type LincomboResult } from '../xanes/lcf.js';
import { fmtNum, prepareGroup, type PrepareOptions, type XanesGroup, type XanesSpace } from '../xanes/matrix.js';
import { mcrAls, type McrResult } from '../xanes/mcr.js';
import { pcaReconstruct, pcaTrain, targetTransform, type PcaModel, type PcaOptions, type TargetResult } from '../xanes/pca.js';
import { checkExpression, splitGroup, toJson } from './format.js';
import { ExitStatus, type Io } from './program.js';

type Opts = Record<string, unknown>;
const num = (o: Opts, k: string) => o[k] as number | undefined;
const str = (o: Opts, k: string) => o[k] as string | undefined;



/** FILE[#GROUP][=NAME]: '=' splits only when the part before it is a file (or FILE#GROUP). */
function splitName(arg: string): { target: string; name?: string } {
  const eq = arg.lastIndexOf('=');
  if (eq > 0 && !existsSync(arg)) {
    const target = arg.slice(0, eq);
    const name = arg.slice(eq + 1).trim();
    if (name === '') throw new XafsError('EOPTION', `'${arg}': a name is expected after '=' (FILE=NAME)`);
    return { target, name };
  }
  return { target: arg };
}

function names(spectra: SeriesSpectrum[]): string {
  const list = spectra.slice(0, 10).map((s) => `'${s.name}'`).join(', ');
  return `${spectra.length} spectra: ${list}${spectra.length > 10 ? ', ...' : ''}`;
}

/** The spectra of FILE, or of FILE#NAME only (an Athena group or a series column). */
function loadPicked(path: string, group: string | undefined, opts: LoadOptions): SeriesSpectrum[] {
  const all = loadSeries([path], { ...opts, group: undefined });
  const pick = group ?? opts.group;
  if (pick === undefined) return all;
  const hit = all.filter((s) => s.name === pick);
  if (hit.length === 0) {
    if (group === undefined && all.length === 1) return all; // --group applies to projects only
    throw new XafsError('EOPTION', `${path} holds no spectrum named '${pick}'; it holds ${names(all)}`);
  }
  return hit;
}

function loadArgs(args: string[], opts: LoadOptions): SeriesSpectrum[] {
  const out: SeriesSpectrum[] = [];
  for (const a of args) {
    if (/[*?]/.test(basename(a)) || (!a.includes('#') && existsSync(a))) {
      out.push(...loadSeries([a], opts));
      continue;
    }
    const { path, group } = splitGroup(a);
    out.push(...loadPicked(path, group, opts));
  }
  return out;
}

/** A short default name for a standard read from a file: the file name without its extension. */
function defaultName(s: SeriesSpectrum, fromProject: boolean): string {
  if (fromProject || s.source.includes('#')) return s.name;
  return basename(s.name, extname(s.name));
}

/** --standard / --target / --init arguments: FILE, FILE#GROUP, FILE=NAME, a project (all its groups). */
function loadNamed(option: string, args: string[], opts: LoadOptions): SeriesSpectrum[] {
  const out: SeriesSpectrum[] = [];
  for (const arg of args) {
    const { target, name } = splitName(arg);
    const { path, group } = splitGroup(target);
    const spectra = loadPicked(path, group, { ...opts, group: undefined });
    if (name !== undefined && spectra.length !== 1) {
      throw new XafsError('EOPTION', `${option} '${arg}': ${path} holds ${names(spectra)}; name one: ${option} '${path}#NAME=${name}'`);
    }
    for (const s of spectra) out.push({ ...s, name: name ?? defaultName(s, spectra.length > 1) });
  }
  return out;
}

function inputOptions(o: Opts): LoadOptions {
  checkExpression('--mu', str(o, 'mu'));
  checkExpression('--energy', str(o, 'energy'));
  return { mu: str(o, 'mu'), energy: str(o, 'energy'), group: str(o, 'group') };
}

function prepareOptions(o: Opts, space: XanesSpace): PrepareOptions {
  const preEdge = Object.fromEntries(
    Object.entries({ pre1: num(o, 'pre1'), pre2: num(o, 'pre2'), norm1: num(o, 'norm1'), norm2: num(o, 'norm2'), nnorm: num(o, 'nnorm') }).filter(([, v]) => v !== undefined),
  );
  const rbkg = num(o, 'rbkg');
  return { preEdge, chi: space === 'chi', autobk: rbkg === undefined ? {} : { rbkg } };
}

function warn(io: Io, where: string, message: string): void {
  io.err(`xafs: warning: ${where}: ${message}\n`);
}

/** Prepares every spectrum; failures are collected (batch semantics: exit 1 when some failed). */
function prepareAll(spectra: SeriesSpectrum[], popts: PrepareOptions, io: Io): { groups: XanesGroup[]; failures: { source: string; error: string }[] } {
  const groups: XanesGroup[] = [];
  const failures: { source: string; error: string }[] = [];
  for (const s of spectra) {
    for (const w of s.warnings ?? []) warn(io, s.source, w);
    try {
      groups.push(prepareGroup(s, popts));
    } catch (e) {
      if (e instanceof XafsError && e.code !== 'EOPTION') failures.push({ source: s.source, error: e.message });
      else throw e;
    }
  }
  return { groups, failures };
}

/** A spectrum read from a norm or flat column (inputs.ts's rule): its edge step is 1 by definition. */
function isNormalizedInput(s: SeriesSpectrum, mu: string | undefined): boolean {
  const labels = s.labels ?? [];
  return mu === undefined && !labels.some((l) => ['mu', 'xmu', 'mutrans', 'mufluor'].includes(l)) && labels.some((l) => l === 'norm' || l === 'flat');
}

/** Standards (and targets, initial spectra) must prepare; a failure is bad input. */
function prepareStrict(spectra: SeriesSpectrum[], popts: PrepareOptions, io: Io, mu: string | undefined): XanesGroup[] {
  return spectra.map((s) => {
    for (const w of s.warnings ?? []) warn(io, s.source, w);
    return prepareGroup(s, { ...popts, normalizedInput: isNormalizedInput(s, mu) });
  });
}

function reportFailures(io: Io, failures: { source: string; error: string }[], total: number): void {
  if (failures.length === 0) return;
  if (failures.length === total) {
    if (total === 1) {
      const msg = failures[0]!.error;
      throw new XafsError('EFORMAT', msg.startsWith(failures[0]!.source) ? msg : `${failures[0]!.source}: ${msg}`);
    }
    for (const x of failures) io.err(`xafs: ${x.error.startsWith(x.source) ? x.error : `${x.source}: ${x.error}`}\n`);
    throw new ExitStatus(2);
  }
}

function printFailures(io: Io, failures: { source: string; error: string }[]): void {
  for (const x of failures) io.err(`xafs: ${x.error.startsWith(x.source) ? x.error : `${x.source}: ${x.error}`}\n`);
}

// ---- text helpers ------------------------------------------------------------------------------

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (r: string[]) => r.map((c, j) => (j === 0 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

/** A value ± its standard error; '—' for an undefined value (see LcfFit.fractions). */
function pm(x: number, se: number | null | undefined, d = 3): string {
  if (!Number.isFinite(x)) return '—';
  if (se == null || !Number.isFinite(se)) return x.toFixed(d);
  const min = 10 ** -d;
  return `${x.toFixed(d)} ± ${se < min / 2 ? `<${min.toFixed(d)}` : se.toFixed(d)}`;
}

const g = (x: number, d = 3) => {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(d - 1) : x.toPrecision(d);
};
const signed = (x: number) => (x >= 0 ? `+${x}` : `−${-x}`);

// ---- xafs lcf ----------------------------------------------------------------------------------

function lcfOptions(o: Opts, space: XanesSpace): LcfOptions {
  const eshift = o.eshift === undefined ? undefined : o.eshift === true ? 'each' : (o.eshift as 'none' | 'each' | 'common');
  const opts: LcfOptions = {
    space,
    emin: num(o, 'emin'),
    emax: num(o, 'emax'),
    xmin: num(o, 'xmin'),
    xmax: num(o, 'xmax'),
    kmin: num(o, 'kmin'),
    kmax: num(o, 'kmax'),
    kweight: num(o, 'kweight'),
    sumToOne: o.sumToOne === true,
    eshift,
    eshiftMax: num(o, 'eshiftMax'),
    combinations: num(o, 'combinations') ?? 0,
    arrays: o.arrays === true,
  };
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as LcfOptions;
}

// an undefined value (the fractions of a fit whose weights are all 0) is null, never NaN
const weightsJson = (w: Record<string, { value: number; stderr: number }>) =>
  Object.fromEntries(Object.entries(w).map(([k, v]) => [k, { value: Number.isFinite(v.value) ? v.value : null, stderr: Number.isFinite(v.stderr) ? v.stderr : null }]));

function fitJson(f: LcfFit) {
  return {
    standards: f.standards,
    weights: weightsJson(f.weights),
    sum: f.sum,
    sumStderr: Number.isFinite(f.sumStderr) ? f.sumStderr : null,
    fractions: weightsJson(f.fractions),
    rfactor: f.rfactor,
    chi2Reduced: f.chi2Reduced,
    chi2: f.chi2,
    npts: f.npts,
    nvarys: f.nvarys,
    ...(f.eshift ? { eshift: weightsJson(f.eshift) } : {}),
  };
}

function lcfSampleJson(r: LcfResult) {
  return {
    source: r.source,
    name: r.name,
    e0: r.e0,
    xmin: r.xmin,
    xmax: r.xmax,
    ...fitJson(r),
    ...(r.combinations ? { combinations: r.combinations.map(fitJson) } : {}),
    warnings: r.warnings,
    ...(r.x ? { x: r.x, y: r.y, yfit: r.yfit } : {}),
  };
}

function larchJson(source: string, name: string, e0: number, r: LincomboResult) {
  return {
    source,
    name,
    e0,
    xmin: r.x[0],
    xmax: r.x[r.x.length - 1],
    standards: r.standards,
    weights: Object.fromEntries(r.standards.map((s) => [s, { value: r.weights[s], stderr: r.stderr[s] }])),
    sum: r.total,
    rfactor: r.rfactor,
    chi2Reduced: r.redchi,
    chi2: r.chisqr,
    npts: r.ndata,
    nvarys: r.nvarys,
    nfev: r.nfev,
    weightsLstsq: r.weightsLstsq,
  };
}

function lcfText(results: LcfResult[], stdNames: string[], header: string, commonShift: boolean): string {
  const head = ['sample', ...stdNames, 'sum', 'R-factor', 'χ²ν'];
  const rows = results.map((r) => [r.name, ...stdNames.map((n) => (r.standards.includes(n) ? pm(r.weights[n].value, r.weights[n].stderr) : '—')), r.sum.toFixed(3), g(r.rfactor), g(r.chi2Reduced)]);
  let text = table(head, rows);
  if (results.length === 1 && results[0]!.combinations) {
    const c = results[0]!.combinations!;
    text += `\nCombinations of ${results[0]!.name}, best first:\n`;
    text += table(
      ['rank', 'standards', 'weights', 'sum', 'R-factor', 'χ²ν'],
      c.map((f, i) => [String(i + 1), f.standards.join(' + '), f.standards.map((s) => f.weights[s].value.toFixed(3)).join(' / '), f.sum.toFixed(3), g(f.rfactor), g(f.chi2Reduced)]),
    );
  }
  // fractions of the edge jumps, when they differ from the weights (free sums, unequal steps)
  const differs = results.some((r) => r.standards.some((n) => Math.abs(r.fractions[n]!.value - r.weights[n]!.value) > 5e-4));
  if (differs) {
    text += '\nAs fractions of the standards’ edge jumps (summing to one):\n';
    text += table(['sample', ...stdNames], results.map((r) => [r.name, ...stdNames.map((n) => (r.standards.includes(n) ? pm(r.fractions[n]!.value, r.fractions[n]!.stderr) : '—'))]));
  }
  const shifts = results.filter((r) => r.eshift);
  if (shifts.length > 0) {
    const common = commonShift;
    text += common ? '\nEnergy shift of the standards (eV, common):\n' : '\nEnergy shifts of the standards (eV):\n';
    text += common
      ? table(['sample', 'shift'], shifts.map((r) => [r.name, pm0(Object.values(r.eshift!)[0]!, 2)]))
      : table(['sample', ...stdNames], shifts.map((r) => [r.name, ...stdNames.map((n) => (r.eshift![n] ? pm0(r.eshift![n], 2) : '—'))]));
  }
  return text + header;
}

/** pm without a negative zero ("-0.00"). */
function pm0(v: { value: number; stderr: number | null }, d: number): string {
  const x = Math.abs(v.value) < 0.5 * 10 ** -d ? 0 : v.value;
  return pm(x, v.stderr, d);
}

export function lcfCommand(samples: string[], o: Opts, io: Io): void {
  const stdArgs = (o.standard as string[] | undefined) ?? [];
  if (stdArgs.length === 0) throw new XafsError('EOPTION', 'no standards: give at least one --standard FILE[=NAME]');
  const space = (str(o, 'space') ?? 'norm') as XanesSpace;
  const larch = o.larch === true;
  if (!larch && (o.weightMin !== undefined || o.weightMax !== undefined)) throw new XafsError('EOPTION', '--weight-min/--weight-max apply to --larch fits (the default fit keeps every weight ≥ 0)');
  if (larch && (o.eshift !== undefined || o.arrays === true)) throw new XafsError('EOPTION', `${o.eshift !== undefined ? '--eshift' : '--arrays'} does not apply to --larch fits`);
  if (space !== 'chi' && (o.kmin !== undefined || o.kmax !== undefined)) throw new XafsError('EOPTION', '--kmin/--kmax apply to --space chi; in energy spaces use --emin/--emax (relative to e0) or --xmin/--xmax');
  const lopts = { ...inputOptions(o), warn: (m: string) => io.err(`xafs: warning: ${m}\n`) };
  const popts = prepareOptions(o, space);
  const stdSpectra = loadNamed('--standard', stdArgs, lopts);
  const standards = prepareStrict(stdSpectra, popts, io, lopts.mu);
  const spectra = loadArgs(samples, lopts);
  const { groups, failures } = prepareAll(spectra, popts, io);
  reportFailures(io, failures, spectra.length);
  const stdNames = standards.map((s) => s.name);
  const standardsJson = standards.map((s) => ({ name: s.name, source: s.source, e0: s.e0 }));

  if (larch) {
    const sumToOne = o.sumToOne !== false;
    const n = standards.length;
    const minvals = o.weightMin === undefined ? undefined : standards.map(() => o.weightMin as number);
    const maxvals = o.weightMax === undefined ? undefined : standards.map(() => o.weightMax as number);
    const ncomb = num(o, 'combinations');
    const out = groups.map((d) => {
      const xmin = num(o, 'xmin') ?? (num(o, 'emin') !== undefined ? d.e0 + num(o, 'emin')! : undefined);
      const xmax = num(o, 'xmax') ?? (num(o, 'emax') !== undefined ? d.e0 + num(o, 'emax')! : undefined);
      const kx = space === 'chi' ? { xmin: num(o, 'kmin'), xmax: num(o, 'kmax') } : { xmin, xmax };
      const base = { space, sumToOne, minvals, maxvals, ...kx };
      if (ncomb !== undefined) {
        if (n < 2) throw new XafsError('EOPTION', '--larch --combinations (lincombo_fitall) needs at least 2 standards');
        const all = lincomboFitAll(d, standards, { ...base, maxNcomps: ncomb });
        const best = all[0]!;
        return { ...larchJson(d.source, d.name, d.e0, best), combinations: all.map((r) => larchJson(d.source, d.name, d.e0, r)) };
      }
      return larchJson(d.source, d.name, d.e0, lincomboFit(d, standards, base));
    });
    if (o.json) {
      io.out(toJson({ mode: 'larch', space, sumToOne, standards: standardsJson, samples: out }) + '\n');
    } else {
      const head = ['sample', ...stdNames, 'sum', 'R-factor', 'χ²ν'];
      const rows = out.map((r) => [r.name, ...stdNames.map((s) => (r.weights[s] ? pm(r.weights[s]!.value, r.weights[s]!.stderr, 4) : '—')), r.sum.toFixed(4), g(r.rfactor, 4), g(r.chi2Reduced, 4)]);
      let text = table(head, rows);
      const c = (out[0] as { combinations?: ReturnType<typeof larchJson>[] }).combinations;
      if (out.length === 1 && c) {
        text += `\nlincombo_fitall of ${out[0]!.name} (${c.length} fits), best first:\n`;
        text += table(['rank', 'standards', 'weights', 'R-factor', 'χ²ν'], c.map((f, i) => [String(i + 1), f.standards.join(' + '), f.standards.map((s) => f.weights[s]!.value.toFixed(4)).join(' / '), g(f.rfactor, 4), g(f.chi2Reduced, 4)]));
      }
      io.out(text + `Larch 0.9.58 lincombo_fit of ${space}${sumToOne ? ', weights sum to one' : ''}; ± lmfit standard errors.\n`);
    }
    printFailures(io, failures);
    if (failures.length > 0) throw new ExitStatus(1);
    return;
  }

  const opts = lcfOptions(o, space);
  const globalWarnings: string[] = [];
  const results = lcfSeries(groups, standards, opts, (m) => globalWarnings.push(m));
  for (const w of globalWarnings) io.err(`xafs: warning: ${w}\n`);
  for (const r of results) for (const w of r.warnings) warn(io, r.source, w);
  const range =
    space === 'chi'
      ? `k ${opts.kmin ?? 3}–${opts.kmax ?? 'end'} Å⁻¹, k-weight ${opts.kweight ?? 2}`
      : opts.xmin !== undefined || opts.xmax !== undefined
        ? `${opts.xmin ?? `e0 ${signed(opts.emin ?? -40)}`} to ${opts.xmax ?? `e0 ${signed(opts.emax ?? 110)}`} eV`
        : `e0 ${signed(opts.emin ?? -40)} to ${signed(opts.emax ?? 110)} eV`;
  if (o.json) {
    io.out(
      toJson({
        mode: 'nnls',
        space,
        range: space === 'chi' ? { kmin: opts.kmin ?? 3, kmax: opts.kmax ?? null, kweight: opts.kweight ?? 2 } : { emin: opts.emin ?? -40, emax: opts.emax ?? 110, xmin: opts.xmin ?? null, xmax: opts.xmax ?? null },
        sumToOne: opts.sumToOne ?? false,
        eshift: opts.eshift ?? (space === 'chi' ? 'none' : 'common'),
        combinations: opts.combinations ?? 0,
        standards: standardsJson,
        samples: results.map(lcfSampleJson),
        warnings: globalWarnings,
      }) + '\n',
    );
  } else {
    const shift = opts.eshift ?? (space === 'chi' ? 'none' : 'common');
    const how = `LCF of ${space} over ${range}; weights ≥ 0 (NNLS)${opts.sumToOne ? ', summing to one' : ''}${shift !== 'none' ? `, ${shift === 'common' ? 'one common energy shift' : 'an energy shift per standard'}` : ''}; ± one standard error.\n`;
    io.out(lcfText(results, stdNames, how, shift === 'common'));
  }
  printFailures(io, failures);
  if (failures.length > 0) throw new ExitStatus(1);
}

// ---- xafs pca ----------------------------------------------------------------------------------

function rangeOptions(o: Opts, space: XanesSpace): PcaOptions {
  const r: PcaOptions =
    space === 'chi'
      ? { space, xmin: num(o, 'kmin') ?? num(o, 'xmin'), xmax: num(o, 'kmax') ?? num(o, 'xmax'), kweight: num(o, 'kweight') }
      : { space, xmin: num(o, 'xmin'), xmax: num(o, 'xmax'), emin: num(o, 'emin'), emax: num(o, 'emax') };
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as PcaOptions;
}

function pcaJson(m: PcaModel, targets: TargetResult[], rms: Float64Array, k: number) {
  return {
    space: m.space,
    npts: m.x.length,
    xmin: m.x[0],
    xmax: m.x[m.x.length - 1],
    eigenvalues: m.eigenvalues,
    variances: m.variances,
    cumulative: m.cumulative,
    ind: m.ind,
    nsig: m.nsig,
    ncomponents: m.ncomponents,
    noise: m.tfa.noise,
    noiseEstimated: m.tfa.noiseEstimated,
    threshold: m.threshold,
    factorAnalysis: { eigenvalues: m.tfa.eigenvalues, realError: m.tfa.realError, ind: m.tfa.ind },
    components: k,
    spectra: m.sources.map((s, i) => ({ source: s, name: m.labels[i], rms: rms[i] })),
    targets: targets.map((t) => ({ source: t.source, name: t.name, spoil: t.spoil, aet: t.aet, rep: t.rep, ret: t.ret, components: t.ncomponents })),
    warnings: m.warnings,
  };
}

function spoilVerdict(s: number): string {
  return s < 3 ? 'acceptable' : s <= 6 ? 'moderate' : 'unacceptable';
}

function pcaText(m: PcaModel, targets: TargetResult[], rms: Float64Array, k: number): string {
  const n = m.eigenvalues.length;
  const shown = Math.min(n, 10);
  const unitx = m.space === 'chi' ? 'Å⁻¹' : 'eV';
  let text = `PCA of ${n} spectra (${m.space}) over ${fmtNum(m.x[0]!, 2)}–${fmtNum(m.x[m.x.length - 1]!, 2)} ${unitx}, ${m.x.length} points\n`;
  const rows: string[][] = [];
  for (let i = 0; i < shown; i++) {
    const re = i < m.tfa.realError.length ? m.tfa.realError[i]! / m.tfa.noise : NaN;
    rows.push([String(i + 1), g(m.eigenvalues[i]!, 6), m.variances[i]!.toFixed(5), m.cumulative[i]!.toFixed(5), g(m.ind[i]!, 5), Number.isFinite(re) ? re.toFixed(2) : '—']);
  }
  text += table(['k', 'eigenvalue', 'variance', 'cumulative', 'IND (Larch)', 'RE(k)/noise'], rows);
  if (n > shown) text += `… ${n - shown} more\n`;
  text += `significant components: ${m.ncomponents} (RE(k) ≤ ${m.threshold} × noise ${g(m.tfa.noise)}${m.tfa.noiseEstimated ? ', estimated' : ''}); Larch nsig = argmin(IND) = ${m.nsig}\n`;
  let worst = 0;
  for (let i = 1; i < rms.length; i++) if (rms[i]! > rms[worst]!) worst = i;
  text += `reconstruction from ${k} components: largest RMS residual ${g(rms[worst]!)} (${m.labels[worst]})\n`;
  if (targets.length > 0) {
    text += `\nTarget transformation (${k} components):\n`;
    text += table(['target', 'SPOIL', 'AET', 'REP', 'verdict'], targets.map((t) => [t.name, t.spoil.toFixed(2), g(t.aet), g(t.rep), spoilVerdict(t.spoil)]));
    text += 'SPOIL (Malinowski): < 3 acceptable, 3–6 moderately acceptable, > 6 unacceptable.\n';
  }
  return text;
}

/** The samples of a series analysis (PCA, MCR), prepared; at least `min` of them, or exit 2. */
function seriesGroups(samples: string[], o: Opts, io: Io, min: number, what: string) {
  const space = (str(o, 'space') ?? 'norm') as XanesSpace;
  const lopts = { ...inputOptions(o), warn: (m: string) => io.err(`xafs: warning: ${m}\n`) };
  const popts = prepareOptions(o, space);
  const spectra = loadArgs(samples, lopts);
  const { groups, failures } = prepareAll(spectra, popts, io);
  reportFailures(io, failures, spectra.length);
  if (groups.length < min) {
    throw new XafsError('ETOOFEW', `${what} needs at least ${min} spectra (got ${groups.length}${spectra.length === groups.length ? '' : ` usable of ${spectra.length}`})`);
  }
  return { space, lopts, popts, spectra, groups, failures };
}

export function pcaCommand(samples: string[], o: Opts, io: Io): void {
  const { space, lopts, popts, spectra, groups, failures } = seriesGroups(samples, o, io, 3, 'PCA');
  const targets = prepareStrict(loadNamed('--target', (o.target as string[] | undefined) ?? [], lopts), popts, io, lopts.mu);
  const opts: PcaOptions = { ...rangeOptions(o, space), noise: num(o, 'noise'), threshold: num(o, 'threshold') };
  const model = pcaTrain(groups, Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as PcaOptions);
  for (const w of model.warnings) io.err(`xafs: warning: ${w}\n`);
  const r = model.tfa.eigenvalues.length;
  const k = num(o, 'components') ?? Math.min(model.ncomponents, r - 1);
  if (k > r - 1) throw new XafsError('EOPTION', `--components ${k}: at most ${r - 1} with ${groups.length} spectra and ${model.x.length} points (one factor is left for the error)`);
  const tt = targets.map((t) => targetTransform(model, t, { ncomponents: k, kweight: num(o, 'kweight') }));
  const { rms } = pcaReconstruct(model, k);
  io.out(o.json ? toJson(pcaJson(model, tt, rms, k)) + '\n' : pcaText(model, tt, rms, k));
  printFailures(io, failures);
  if (failures.length > 0) throw new ExitStatus(1);
}

// ---- xafs mcr ----------------------------------------------------------------------------------

function mcrJson(r: McrResult) {
  return {
    npts: r.x.length,
    xmin: r.x[0],
    xmax: r.x[r.x.length - 1],
    ncomponents: r.ncomponents,
    componentsFrom: r.componentsFrom,
    init: r.init,
    lackOfFit: r.lackOfFit,
    explainedVariance: r.explainedVariance,
    iterations: r.iterations,
    converged: r.converged,
    x: r.x,
    spectra: r.spectra,
    concentrations: r.sources.map((s, i) => ({ source: s, name: r.labels[i], values: r.concentrations[i] })),
    warnings: r.warnings,
  };
}

function mcrText(r: McrResult): string {
  const comps = Array.from({ length: r.ncomponents }, (_, j) => `c${j + 1}`);
  let text = table(
    ['spectrum', ...comps],
    r.labels.map((l, i) => [l, ...Array.from(r.concentrations[i]!, (v) => v.toFixed(3))]),
  );
  const how = r.init.method === 'simplisma' ? `started from the purest spectra (SIMPLISMA): ${r.init.picks.map((p, j) => `c${j + 1} = ${r.labels[p.index]}`).join(', ')}` : 'started from the given spectra';
  text += `MCR-ALS, ${r.ncomponents} components (${r.componentsFrom === 'pca' ? 'from PCA' : r.componentsFrom === 'init' ? 'one per initial spectrum' : 'as asked'}), ${how}\n`;
  text += `lack of fit ${r.lackOfFit.toFixed(4)} %, explained variance ${r.explainedVariance.toFixed(5)} %, ${r.iterations} iterations${r.converged ? '' : ' (not converged)'}\n`;
  return text;
}

export function mcrCommand(samples: string[], o: Opts, io: Io): void {
  const { space, lopts, popts, groups, failures } = seriesGroups(samples, o, io, 2, 'MCR-ALS');
  const init = prepareStrict(loadNamed('--init', (o.init as string[] | undefined) ?? [], lopts), popts, io, lopts.mu);
  const opts = {
    ...rangeOptions(o, space),
    components: num(o, 'components'),
    init: init.length > 0 ? init : undefined,
    closure: o.closure !== false,
    nonNegative: o.nonneg !== false,
    maxIter: num(o, 'maxIter'),
    tol: num(o, 'tol'),
    offset: num(o, 'offset'),
  };
  const r = mcrAls(groups, Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)));
  for (const w of r.warnings) io.err(`xafs: warning: ${w}\n`);
  io.out(o.json ? toJson(mcrJson(r)) + '\n' : mcrText(r));
  printFailures(io, failures);
  if (failures.length > 0) throw new ExitStatus(1);
}
