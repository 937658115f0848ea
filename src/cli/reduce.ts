// `xafs align | merge | deglitch | rebin | truncate`: inputs through src/xanes/inputs.ts, numbers
// from src/series/, then a text summary, one JSON document (--json) or column files (--out) whose
// header records what was done.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { XafsError } from '../errors.js';
import { readFile } from '../io/read.js';
import { alignToStandard, calibrateEdge, referenceChannelExpression, shiftEnergy, type AlignResult, type CalibrateResult, type EdgeMethod } from '../series/align.js';
import { deglitch, type DeglitchResult } from '../series/deglitch.js';
import { mergeGroups, type MergeKind } from '../series/merge.js';
import { rebinXafs, type RebinMethod, type RebinResult } from '../series/rebin.js';
import { truncate, type TruncateResult } from '../series/truncate.js';
import { loadOne, loadSeries, type LoadOptions, type SeriesSpectrum } from '../xanes/inputs.js';
import { checkExpression, splitGroup, toJson, writeColumns, type ColumnSpec } from './format.js';
import { version, type Io } from './program.js';

type Opts = Record<string, unknown>;
const num = (o: Opts, k: string) => o[k] as number | undefined;
const str = (o: Opts, k: string) => o[k] as string | undefined;
const f = (x: number, d = 2) => x.toFixed(d);
const signed = (x: number, d = 3) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(d)}`;

// ---- inputs ------------------------------------------------------------------------------------



function inputOptions(o: Opts): LoadOptions {
  checkExpression('--mu', str(o, 'mu'));
  checkExpression('--energy', str(o, 'energy'));
  return { mu: str(o, 'mu'), energy: str(o, 'energy'), group: str(o, 'group') };
}

/** Every spectrum the arguments hold, the reader's warnings printed on stderr. */
function load(args: string[], opts: LoadOptions, io: Io): SeriesSpectrum[] {
  const out: SeriesSpectrum[] = [];
  for (const a of args) {
    const { path, group } = splitGroup(a);
    out.push(...loadSeries([path], { ...opts, group: group ?? opts.group, warn: (m: string) => io.err(`xafs: warning: ${m}\n`) }));
  }
  for (const s of out) for (const w of s.warnings ?? []) io.err(`xafs: warning: ${w}\n`);
  return out;
}

// ---- outputs -----------------------------------------------------------------------------------

/** File stem of a source: the file name without extension, `_group` appended for `file#group`. */
function stem(source: string): string {
  const [path, group] = source.split(/#(.*)/s);
  const s = basename(path!).replace(/\.[^.]*$/, '') || 'spectrum';
  return group ? `${s}_${group.replace(/[^\w.-]+/g, '_')}` : s;
}

/**
 * Where each output goes: --out PATH is the file for a single output, a folder (created) for
 * several; an existing folder always receives `<stem>.<suffix>.dat` files.
 */
function outTargets(out: string, sources: string[], suffix: string): { dir: string; file: string }[] {
  const isDir = existsSync(out) && statSync(out).isDirectory();
  if (sources.length === 1 && !isDir) return [{ dir: dirname(out), file: basename(out) }];
  return dirTargets(out, sources, suffix);
}

/** `<stem>.<suffix>.dat` in the folder `dir` for each source (a position appended to repeated stems). */
function dirTargets(dir: string, sources: string[], suffix: string): { dir: string; file: string }[] {
  const names = sources.map((s) => `${stem(s)}.${suffix}.dat`);
  return names.map((file, i) => ({ dir, file: names.indexOf(file) === i ? file : `${stem(sources[i]!)}_${i + 1}.${suffix}.dat` }));
}

function warnAll(io: Io, warnings: string[]): void {
  for (const w of warnings) io.err(`xafs: warning: ${w}\n`);
}

function emit(io: Io, o: Opts, json: () => unknown, text: () => string, write?: () => string[]): void {
  // render before writing anything, so a failure leaves no half-written output
  const rendered = o.json ? toJson(json(), 'null') + '\n' : text();
  if (write) {
    const written = write();
    io.err(`xafs: wrote ${written.join(', ')}\n`);
  }
  io.out(rendered);
}

// ---- align -------------------------------------------------------------------------------------

interface AlignedSample {
  source: string;
  spectrum: SeriesSpectrum;
  /** The channel aligned: 'mu' (the sample itself) or the reference channel's label. */
  channel: string;
  expression?: string;
  channelMu?: Float64Array;
  eshift: number;
  fit?: AlignResult;
  calib?: CalibrateResult;
}

/** The reference channel of one sample file: its μ as a spectrum on the sample's energies. */
function referenceChannel(sample: SeriesSpectrum, channel: string, o: Opts): { spectrum: SeriesSpectrum; label: string; expression: string } {
  const { path, group } = splitGroup(sample.source);
  const file = readFile(path);
  if (file.format !== 'xdi' && file.format !== 'ascii') {
    throw new XafsError('EOPTION', `${sample.source}: --ref-channel needs column files with the reference chamber's column; ${path} is ${file.format === 'athena' ? 'an Athena project' : 'not a column file'}`);
  }
  if (group !== undefined || sample.source.includes('#')) {
    throw new XafsError('EOPTION', `${sample.source}: --ref-channel needs one spectrum per column file, not a multi-column series file; pass --mu for the sample`);
  }
  const { expression, label } = referenceChannelExpression(file.labels, channel, path);
  checkExpression('--ref-channel', expression);
  const ref = loadOne(path, { mu: expression, energy: str(o, 'energy'), series: false })[0]!;
  const same = ref.energy.length === sample.energy.length && ref.energy.every((e, i) => e === sample.energy[i]);
  if (!same) throw new XafsError('EINTERNAL', `${path}: the reference channel's energies differ from the sample's`);
  return { spectrum: { ...ref, source: `${path} (${label})`, name: label }, label, expression };
}

export function alignCommand(samples: string[], o: Opts, io: Io): void {
  const modes = (['to', 'e0', 'shift'] as const).filter((k) => o[k] !== undefined);
  if (modes.length === 0) {
    throw new XafsError('EOPTION', 'align needs what to align to: --to STANDARD (fit dμ/dE to a standard\'s), --e0 E (put the edge at E eV) or --shift E (a known shift, eV)');
  }
  if (modes.length > 1) throw new XafsError('EOPTION', `pass only one of --to, --e0 and --shift (got ${modes.map((m) => `--${m}`).join(' and ')})`);
  const mode = modes[0]!;
  const toOnly = { toMu: '--to-mu', toGroup: '--to-group', fitRange: '--fit-range', toE0: '--to-e0', maxShift: '--max-shift' };
  for (const [k, flag] of Object.entries(toOnly)) {
    if (o[k] !== undefined && mode !== 'to') throw new XafsError('EOPTION', `${flag} applies to alignment with --to STANDARD`);
  }
  if (o.edge !== undefined && mode !== 'e0') throw new XafsError('EOPTION', '--edge applies to calibration with --e0 E');
  checkExpression('--to-mu', str(o, 'toMu'));
  const spectra = load(samples, inputOptions(o), io);

  let standard: SeriesSpectrum | undefined;
  if (mode === 'to') {
    const { path, group } = splitGroup(str(o, 'to')!);
    const std = loadSeries([path], { mu: str(o, 'toMu'), group: group ?? str(o, 'toGroup'), series: false });
    if (std.length !== 1) {
      throw new XafsError('EOPTION', `--to ${path} holds ${std.length} spectra (${std.map((s) => `'${s.name}'`).join(', ')}); pick one with --to-group LABEL or FILE#GROUP`);
    }
    standard = std[0]!;
    for (const w of standard.warnings ?? []) io.err(`xafs: warning: ${w}\n`);
  }
  const refChannel = str(o, 'refChannel');
  const fitRange = o.fitRange as [number, number] | undefined;

  const results: AlignedSample[] = spectra.map((s) => {
    let target: SeriesSpectrum = s;
    let channel = 'mu';
    let expression: string | undefined;
    if (refChannel !== undefined) {
      const ref = referenceChannel(s, refChannel, o);
      target = ref.spectrum;
      channel = ref.label;
      expression = ref.expression;
    }
    const base = { source: s.source, spectrum: s, channel, expression, channelMu: refChannel !== undefined ? target.mu : undefined };
    if (mode === 'to') {
      const fit = alignToStandard(target, standard!, { emin: fitRange?.[0], emax: fitRange?.[1], standardE0: num(o, 'toE0'), maxShift: num(o, 'maxShift') });
      return { ...base, eshift: fit.eshift, fit };
    }
    if (mode === 'e0') {
      const calib = calibrateEdge(target, num(o, 'e0')!, { edge: str(o, 'edge') as EdgeMethod | undefined });
      return { ...base, eshift: calib.eshift, calib };
    }
    return { ...base, eshift: num(o, 'shift')! };
  });
  for (const r of results) warnAll(io, r.fit?.warnings ?? []);

  const stdName = standard?.source;
  const what = (r: AlignedSample) => (r.channel === 'mu' ? 'mu' : r.channel);
  /** The header line the brief asks for: what was shifted, by how much, and why. */
  const record = (r: AlignedSample): string => {
    if (r.fit) return `energy shifted by ${signed(r.eshift)} eV to align ${what(r)} with ${stdName}`;
    if (r.calib) return `energy shifted by ${signed(r.eshift)} eV to put the edge of ${what(r)} (found at ${f(r.calib.edge, 3)} eV, ${r.calib.method === 'spline' ? 'spline derivative maximum' : 'find_e0 grid point'}) at ${r.calib.target} eV`;
    return `energy shifted by ${signed(r.eshift)} eV as given (--shift)`;
  };
  const detail = (r: AlignedSample): string | undefined => {
    const fit = r.fit;
    if (!fit) return undefined;
    return `eshift = ${r.eshift.toPrecision(8)} ± ${fit.eshiftStderr.toPrecision(2)} eV, scale ${fit.scale.toPrecision(6)}: ${what(r)}'s dμ/dE fitted to ${stdName}'s over ${f(fit.window[0])}–${f(fit.window[1])} eV (standard e0 ${f(fit.standardE0)} eV, ${fit.npts} points)`;
  };

  emit(
    io,
    o,
    () => ({
      mode: mode === 'to' ? 'standard' : mode,
      ...(standard ? { standard: { source: standard.source, e0: results[0]?.fit?.standardE0 } } : {}),
      ...(mode === 'e0' ? { target: num(o, 'e0') } : {}),
      applied: false,
      samples: results.map((r) => ({
        source: r.source,
        channel: r.channel,
        ...(r.expression !== undefined ? { expression: r.expression } : {}),
        eshift: r.eshift,
        ...(r.fit
          ? {
              eshiftStderr: r.fit.eshiftStderr,
              scale: r.fit.scale,
              scaleStderr: r.fit.scaleStderr,
              e0: r.fit.e0,
              e0Aligned: r.fit.e0Aligned,
              window: r.fit.window,
              npts: r.fit.npts,
              rms: r.fit.rms,
            }
          : {}),
        ...(r.calib ? { edge: r.calib.edge, edgeAligned: r.calib.edge + r.eshift, edgeMethod: r.calib.method } : {}),
        record: record(r),
        warnings: r.fit?.warnings ?? [],
      })),
    }),
    () =>
      results
        .map((r) => {
          const head = `${r.source}: energy shift ${signed(r.eshift)}${r.fit ? ` ± ${r.fit.eshiftStderr.toFixed(3)}` : ''} eV`;
          if (r.fit) return `${head} (${what(r)} aligned with ${stdName}: dμ/dE fit over ${f(r.fit.window[0])}–${f(r.fit.window[1])} eV, scale ${r.fit.scale.toFixed(3)}); e0 ${f(r.fit.e0)} → ${f(r.fit.e0Aligned)} eV`;
          if (r.calib) return `${head} puts the edge of ${what(r)} (${f(r.calib.edge, 3)} eV, ${r.calib.method}) at ${r.calib.target} eV`;
          return `${head} (given)`;
        })
        .join('\n') + `\n(recorded, not applied: --out DIR writes the shifted spectra)\n`,
    o.out
      ? () =>
          dirTargets(String(o.out), results.map((r) => r.source), 'aligned').map((t, i) => {
            const r = results[i]!;
            const shifted = shiftEnergy(r.spectrum, r.eshift);
            const title = [`xafs ${version()} align ${r.source}`, record(r), ...(detail(r) ? [detail(r)!] : []), 'column energy_raw holds the energy as measured'];
            const cols: ColumnSpec[] = [
              { name: 'energy', desc: `eV, as measured ${signed(r.eshift)} eV`, values: shifted.energy },
              { name: 'mu', desc: 'μ(E) as read', values: shifted.mu },
              { name: 'energy_raw', desc: 'eV, as measured', values: r.spectrum.energy },
            ];
            if (r.channelMu) cols.push({ name: 'mu_ref', desc: `reference channel μ = ${r.expression}`, values: r.channelMu });
            return writeColumns(t.dir, t.file, title, cols);
          })
      : undefined,
  );
}

// ---- merge -------------------------------------------------------------------------------------

export function mergeCommand(scans: string[], o: Opts, io: Io): void {
  const spectra = load(scans, inputOptions(o), io);
  const master = (num(o, 'master') ?? 1) - 1;
  if (master >= spectra.length) throw new XafsError('EOPTION', `--master ${master + 1}: there are only ${spectra.length} scans`);
  const kind = (str(o, 'kind') ?? 'cubic') as MergeKind;
  const trim = o.trim !== false;
  const r = mergeGroups(spectra, { master, kind, trim });
  warnAll(io, r.warnings);
  const sources = spectra.map((s) => s.source);
  let imax = 0;
  for (let i = 1; i < r.muStd.length; i++) if (r.muStd[i]! > r.muStd[imax]!) imax = i;
  const sortedStd = Array.from(r.muStd).sort((a, b) => a - b);
  const medianStd = sortedStd[Math.floor(sortedStd.length / 2)]!;
  const how = `Larch merge_groups: ${r.kind} interpolation onto the grid of ${sources[master]}${trim ? ', trimmed to the shortest scan' : ''}${r.fallback ? ' (cubic fell back to linear)' : ''}`;
  emit(
    io,
    o,
    () => ({
      scans: sources,
      master: sources[master],
      kind: r.kind,
      fallback: r.fallback,
      trim,
      npts: r.energy.length,
      energy: r.energy,
      mu: r.mu,
      muStd: r.muStd,
      extrapolated: r.extrapolated.map((x) => ({ source: sources[x.index], below: x.below, above: x.above })),
      trimmed: r.trimmed,
      warnings: r.warnings,
    }),
    () =>
      `merged ${r.nScans} scans (${how}): ${r.energy.length} points, ${f(r.energy[0]!)}–${f(r.energy[r.energy.length - 1]!)} eV\n` +
      `  mu_std (spread over scans): median ${medianStd.toPrecision(3)}, largest ${r.muStd[imax]!.toPrecision(3)} at ${f(r.energy[imax]!)} eV\n` +
      sources.map((s, i) => `  ${i === master ? '*' : ' '} ${s}\n`).join(''),
    o.out
      ? () => {
          const [t] = outTargets(String(o.out), ['merged'], 'merged');
          return [
            writeColumns(t!.dir, t!.file, [`xafs ${version()} merge: mean of ${r.nScans} scans (${how})`, ...sources.map((s, i) => `scan ${i + 1}: ${s}`), 'mu_std: population standard deviation of μ over the scans'], [
              { name: 'energy', desc: 'eV', values: r.energy },
              { name: 'mu', desc: 'mean μ(E) over the scans', values: r.mu },
              { name: 'mu_std', desc: 'population std of μ over the scans', values: r.muStd },
            ]),
          ];
        }
      : undefined,
  );
}

// ---- deglitch ----------------------------------------------------------------------------------

export function deglitchCommand(files: string[], o: Opts, io: Io): void {
  const spectra = load(files, inputOptions(o), io);
  const at = (o.at as number[] | undefined) ?? [];
  const ranges = (o.range as [number, number][] | undefined) ?? [];
  const auto = o.auto === true || num(o, 'threshold') !== undefined || (at.length === 0 && ranges.length === 0);
  const results = spectra.map((s) => deglitch(s, { auto, threshold: num(o, 'threshold'), at, ranges }));
  results.forEach((r) => warnAll(io, r.warnings));
  const desc = (p: DeglitchResult['removed'][number]) => `${f(p.energy)} eV (${p.reason === 'auto' ? `spike score ${p.score!.toFixed(1)}` : p.reason === 'at' ? '--at' : '--range'})`;
  emit(
    io,
    o,
    () => ({
      spectra: results.map((r, i) => ({
        source: spectra[i]!.source,
        auto,
        threshold: r.threshold ?? null,
        ...(r.maxScoreKept !== undefined ? { maxScoreKept: r.maxScoreKept } : {}),
        removed: r.removed,
        nRemoved: r.removed.length,
        npts: r.energy.length,
        energy: r.energy,
        mu: r.mu,
        warnings: r.warnings,
      })),
    }),
    () =>
      results
        .map((r, i) => {
          const src = spectra[i]!.source;
          const n = r.energy.length + r.removed.length;
          const autoNote = r.threshold !== undefined ? ` (auto threshold ${r.threshold}; largest score kept ${r.maxScoreKept!.toFixed(1)})` : '';
          if (r.removed.length === 0) return `${src}: nothing removed${autoNote}\n`;
          return (
            `${src}: removed ${r.removed.length} of ${n} points${autoNote}\n` +
            r.removed.map((p) => `  ${f(p.energy).padStart(10)} eV  mu ${p.mu.toPrecision(6).padStart(11)}  ${p.reason === 'auto' ? `spike score ${p.score!.toFixed(1)}` : `--${p.reason}`}\n`).join('')
          );
        })
        .join(''),
    o.out
      ? () =>
          outTargets(String(o.out), spectra.map((s) => s.source), 'deglitched').map((t, i) => {
            const r = results[i]!;
            const removed = r.removed.length ? `removed ${r.removed.length} point${r.removed.length === 1 ? '' : 's'}: ${r.removed.map(desc).join(', ')}` : 'no point removed';
            return writeColumns(t.dir, t.file, [`xafs ${version()} deglitch ${spectra[i]!.source}`, removed], [
              { name: 'energy', desc: 'eV', values: r.energy },
              { name: 'mu', desc: 'μ(E) as read', values: r.mu },
            ]);
          })
      : undefined,
  );
}

// ---- rebin -------------------------------------------------------------------------------------

export function rebinCommand(files: string[], o: Opts, io: Io): void {
  const spectra = load(files, inputOptions(o), io);
  const opts = {
    e0: num(o, 'e0'),
    pre1: num(o, 'pre1'),
    pre2: num(o, 'pre2'),
    preStep: num(o, 'preStep'),
    xanesStep: num(o, 'xanesStep'),
    exafs1: num(o, 'exafs1'),
    exafs2: num(o, 'exafs2'),
    exafsKstep: num(o, 'exafsKstep'),
    method: str(o, 'method') as RebinMethod | undefined,
  };
  const results = spectra.map((s) => rebinXafs(s, opts));
  results.forEach((r) => warnAll(io, r.warnings));
  const gridLine = (r: RebinResult) => {
    const [p, x, e] = r.segments;
    return `pre-edge ${p!.npts} points (${r.grid.preStep} eV steps from e0${signed(r.grid.pre1, 1)}), XANES ${x!.npts} (${f(r.grid.xanesStep, 3)} eV from e0${signed(r.grid.pre2, 1)}), EXAFS ${e!.npts} (${r.grid.exafsKstep} Å⁻¹ from e0${signed(r.grid.exafs1, 1)} to e0${signed(r.grid.exafs2, 1)} eV)`;
  };
  emit(
    io,
    o,
    () => ({
      spectra: results.map((r, i) => ({
        source: spectra[i]!.source,
        e0: r.e0,
        method: r.grid.method,
        grid: r.grid,
        segments: r.segments,
        nInput: spectra[i]!.energy.length,
        npts: r.energy.length,
        emptyBins: r.emptyBins,
        energy: r.energy,
        mu: r.mu,
        deltaMu: r.deltaMu,
        counts: r.counts,
        warnings: r.warnings,
      })),
    }),
    () => results.map((r, i) => `${spectra[i]!.source}: ${spectra[i]!.energy.length} points rebinned onto ${r.energy.length} (e0 ${f(r.e0)} eV, ${r.grid.method})\n  ${gridLine(r)}\n`).join(''),
    o.out
      ? () =>
          outTargets(String(o.out), spectra.map((s) => s.source), 'rebinned').map((t, i) => {
            const r = results[i]!;
            return writeColumns(t.dir, t.file, [`xafs ${version()} rebin ${spectra[i]!.source}: ${spectra[i]!.energy.length} points onto ${r.energy.length} (Larch rebin_xafs, ${r.grid.method}, e0 ${r.e0} eV)`, gridLine(r)], [
              { name: 'energy', desc: 'eV', values: r.energy },
              { name: 'mu', desc: `μ(E), ${r.grid.method} of each bin`, values: r.mu },
              { name: 'delta_mu', desc: 'population std of μ in the bin (NaN: empty bin)', values: r.deltaMu },
              { name: 'npts', desc: 'input points in the bin', values: r.counts },
            ]);
          })
      : undefined,
  );
}

// ---- truncate ----------------------------------------------------------------------------------

export function truncateCommand(files: string[], o: Opts, io: Io): void {
  if (o.e0 !== undefined && !o.relative) throw new XafsError('EOPTION', '--e0 applies with --relative (limits relative to e0)');
  const spectra = load(files, inputOptions(o), io);
  const results: TruncateResult[] = spectra.map((s) => truncate(s, { emin: num(o, 'emin'), emax: num(o, 'emax'), relative: o.relative === true, e0: num(o, 'e0') }));
  const range = (r: TruncateResult) => {
    if (r.e0 === undefined) return `${f(r.emin)}–${f(r.emax)} eV`;
    return `${f(r.emin)}–${f(r.emax)} eV (e0${signed(r.emin - r.e0, 1)} to e0${signed(r.emax - r.e0, 1)} eV, e0 = ${f(r.e0)} eV)`;
  };
  emit(
    io,
    o,
    () => ({
      spectra: results.map((r, i) => ({
        source: spectra[i]!.source,
        emin: r.emin,
        emax: r.emax,
        ...(r.e0 !== undefined ? { e0: r.e0 } : {}),
        removedBelow: r.removedBelow,
        removedAbove: r.removedAbove,
        npts: r.energy.length,
        energy: r.energy,
        mu: r.mu,
      })),
    }),
    () => results.map((r, i) => `${spectra[i]!.source}: kept ${r.energy.length} points in ${range(r)}; removed ${r.removedBelow} below, ${r.removedAbove} above\n`).join(''),
    o.out
      ? () =>
          outTargets(String(o.out), spectra.map((s) => s.source), 'truncated').map((t, i) => {
            const r = results[i]!;
            return writeColumns(t.dir, t.file, [`xafs ${version()} truncate ${spectra[i]!.source}`, `kept ${range(r)}: removed ${r.removedBelow} points below and ${r.removedAbove} above`], [
              { name: 'energy', desc: 'eV', values: r.energy },
              { name: 'mu', desc: 'μ(E) as read', values: r.mu },
            ]);
          })
      : undefined,
  );
}
