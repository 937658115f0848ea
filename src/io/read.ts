/**
 * One door to the readers: `readFile` recognises the format, `readColumns` insists on a column
 * file, `readSpectrum` turns any of them into energy (eV, sorted) and μ(E), checking
 * the input on the way with messages that say what is wrong, where, and what to do.
 */
import { extname } from 'node:path';
import { XafsError } from '../errors.js';
import type { AthenaGroup, AthenaProject, ColumnFile, FeffDat, Spectrum } from '../types.js';
import { parseColumnText } from './ascii.js';
import { athenaText, larchGroupName, readAthena } from './athena.js';
import { evaluateExpression } from './expr.js';
import { isFeffDatText, readFeffDat } from './feffdat.js';
import { decodeText, readPlainBytes, utf16Order } from './text.js';
import { angleToEnergy, isXdiText, readXdi, xdiEnergy } from './xdi.js';

export type XafsFile = ColumnFile | AthenaProject | FeffDat;

/**
 * Read any supported file: an Athena project (.prj or its content, gzip or plain), a feff.dat
 * path file, an XDI file (first line `# XDI/...`), else a plain column file (Larch read_ascii).
 */
export function readFile(path: string): XafsFile {
  // gzip-compressed column files are read too (Larch read_ascii cannot); projects either way
  const bytes = readPlainBytes(path);
  if (bytes.length === 0) {
    throw new XafsError('EFORMAT', `${path} is empty; expected a column file, an XDI file, an Athena project or a feff.dat`);
  }
  const athena = athenaText(bytes, path);
  if (athena !== null) return readAthena({ data: athena, path });
  if (extname(path).toLowerCase() === '.prj') {
    throw new XafsError('EFORMAT', `${path} has the .prj extension but is not an Athena project (no 'Athena project file --' header); re-save it from Athena`);
  }
  if (bytes[0] === 0x89 && bytes[1] === 0x48 && bytes[2] === 0x44 && bytes[3] === 0x46) {
    throw new XafsError('EFORMAT', `${path} is an HDF5 file; xafs reads HDF5 only through a batch recipe ({"hdf5": {"file", "energy", "mu"}})`);
  }
  if (utf16Order(bytes) === null && bytes.subarray(0, 4096).includes(0)) {
    throw new XafsError('EFORMAT', `${path} is a binary file, not text; export the scan as a text column file, XDI or Athena project`);
  }
  const text = decodeText(bytes);
  if (isXdiText(text)) return readXdi({ text, path });
  if (isFeffDatText(text)) return readFeffDat({ text, path });
  return parseColumnText({ text, path });
}

/** Read a column file (XDI or plain text); an Athena project or feff.dat is refused with EFORMAT. */
export function readColumns(path: string): ColumnFile {
  const file = readFile(path);
  if (file.format === 'athena') {
    throw new XafsError('EFORMAT', `${path} is an Athena project, not a column file; read it with readAthena or pick a group with --group`);
  }
  if (file.format === 'feffdat') {
    throw new XafsError('EFORMAT', `${path} is a FEFF path file (feff.dat), not a column file; read it with readFeffDat`);
  }
  return file;
}

export interface ReadSpectrumOptions {
  /**
   * Expression for μ(E) over the columns (`ln(i0/itrans)`); default: a column named mu, xmu,
   * mutrans or mufluor (else ECOLUMN, suggesting expressions from the columns)
   */
  mu?: string;
  /**
   * Expression for the energy; default: the column labelled energy (or the XDI abscissa), else
   * the column the beamline header names as energy (SSRL, CLS, KEK-PF), else a column whose
   * name contains 'energy', else the first column.
   */
  energy?: string;
  /** Sort a non-monotonic scan by energy (with a warning); false refuses it with EORDER. @default true */
  sort?: boolean;
  /** Athena group label (also its Larch group name or record id); default: the first μ(E) group. */
  group?: string;
}

/** Column names Larch and Athena users give μ(E), in the order we look for them. */
const MU_NAMES = ['mu', 'xmu', 'mutrans', 'mufluor'];
/**
 * Other names of μ(E) itself: xmu_trans, mu_fluor, mut, muf, mu01 (APS 12-BM: mu01 sample, mu12
 * reference), munorm; not a reference (murefer, mu_ref) nor a word that only starts with 'mu'
 * (ESRF 'musstenc1' is a MUSST encoder).
 */
const MU_LIKE = /^x?mu_?(?:\d\d?|t|tr|trans|transmission|f|fl|fluo|fluor|fluorescence|e|exp|raw|norm|sam|sample)(?:_col\d+)?$/;
/** Normalized μ(E) (normtrans, norm, flat): usable as μ, the edge step is then 1. */
const NORM_LIKE = /^(?:norm(?:trans|fluor|_?t|_?f)?|flat|nmu)$/;
/** Ion chambers and detectors, by the names beamlines give them (optionally with a `_NN` suffix). */
const I0_NAME = /^(?:i0|io|i_0|imon|mon|monitor)(?:_\d+)?$/;
const IT_NAME = /^(?:it|itrans|i_t|i1|itr|trans|transmission)(?:_\d+)?$/;
const IF_NAME = /^(?:if|ifluor|iff|i_f|ifl|fluo|fluor|fluorescence|lytle)(?:_\d+)?$/;
/** χ(k) files: a k column and a chi column (k, chi / chi_k / chik). */
const CHI_NAME = /^chi(?:_?k)?$/;

interface Choice {
  values: Float64Array;
  name: string;
  /** Why this choice was made, for a warning (absent for the usual, silent choices). */
  note?: string;
}

const allFinite = (a: Float64Array): boolean => a.every((v) => Number.isFinite(v));

/**
 * μ(E) when the caller names none: a column named mu, xmu, mutrans or mufluor, as the contract
 * says, and nothing else. Guessing ln(i0/it) or if/i0 would silently pick transmission or
 * fluorescence for the user; instead the refusal suggests the expressions the columns allow.
 */
function chooseMu(columns: { label: string; values: Float64Array }[]): Choice | undefined {
  const named = MU_NAMES.map((n) => columns.find((c) => c.label === n)).find((c) => c !== undefined);
  if (named) return { values: named.values.slice(), name: `column '${named.label}'` };
  return undefined;
}

/** The --mu expressions a file's columns suggest: ln(i0/it) (transmission), if/i0 (fluorescence), μ-like columns. */
function suggestMu(columns: { label: string; values: Float64Array }[], source: string, at: (i: number) => string): string[] {
  const out: string[] = [];
  const like = columns.find((c) => MU_LIKE.test(c.label)) ?? columns.find((c) => NORM_LIKE.test(c.label));
  if (like) out.push(`--mu ${like.label}`);
  const i0 = columns.find((c) => I0_NAME.test(c.label));
  if (i0) {
    const it = columns.find((c) => c !== i0 && IT_NAME.test(c.label));
    const fl = columns.find((c) => c !== i0 && IF_NAME.test(c.label));
    if (it) {
      const trans = evaluateExpression(`ln(${i0.label}/${it.label})`, columns, { source, option: '--mu' });
      const i = trans.findIndex((v) => !Number.isFinite(v));
      out.push(i < 0 ? `--mu 'ln(${i0.label}/${it.label})' (transmission)` : `--mu 'ln(${i0.label}/${it.label})' (transmission; not finite at ${at(i)})`);
    }
    if (fl) out.push(`--mu '${fl.label}/${i0.label}' (fluorescence)`);
  }
  return out;
}

/**
 * The energy when the caller names none and the file has no column labelled energy: the column
 * the beamline header names as energy (Larch read_ascii energy_column: SSRL, CLS HXMA, KEK-PF;
 * a monochromator angle in degrees is converted with the header's d-spacing), else the first
 * column whose label contains 'energy' (mono_energy, zapenergy), else column 1.
 */
function chooseEnergy(
  columns: { label: string; values: Float64Array }[],
  source: string,
  hint: { column?: number; units?: string; dspace?: number; beamline: string },
): Choice & { inEv?: boolean } {
  const hinted = hint.column !== undefined ? columns[hint.column - 1] : undefined;
  if (hinted && hint.column !== 1) {
    const note = `${source}: energy taken from column ${hint.column} ('${hinted.label}'), which the ${hint.beamline} header names as energy`;
    if (hint.units?.toLowerCase() === 'deg') {
      if (hint.dspace !== undefined) {
        return {
          values: angleToEnergy(hinted.values, hint.dspace),
          name: `column '${hinted.label}'`,
          note: `${note}: a monochromator angle in degrees, converted to eV with d = ${hint.dspace} Å; pass --energy EXPR to choose another`,
          inEv: true,
        };
      }
    } else {
      return { values: hinted.values.slice(), name: `column '${hinted.label}'`, note: `${note}; pass --energy EXPR to choose another` };
    }
  }
  const first = columns[0]!;
  const named = /energy/.test(first.label) ? first : columns.find((c) => /energy/.test(c.label));
  if (named && named !== first) {
    return {
      values: named.values.slice(),
      name: `column '${named.label}'`,
      note: `${source}: no column named energy; energy taken from column ${columns.indexOf(named) + 1} ('${named.label}'); pass --energy EXPR to choose another`,
    };
  }
  return { values: first.values.slice(), name: `column '${first.label}'` };
}
/** Fewer points than this cannot be normalized or background-subtracted. */
const MIN_POINTS = 10;
/** Larch remove_dups: steps below 1e-7 eV count as repeated energies. */
const DUP_TINY = 1e-7;

/** Energies (eV) a spectrum may hold: from below the lightest K edges (Li 55 eV) to beyond any hard X-ray edge. */
export const ENERGY_MIN = 10;
export const ENERGY_MAX = 1e6;
/** At most this many points at either end of a scan are left out as strays. */
const MAX_STRAYS = 3;

/**
 * Points at either end of a sorted scan separated from the rest by a gap of more than
 * max(1000 eV, 100 × the median step): at most MAX_STRAYS of them at each end. Such a point
 * (a last energy of 100000 eV in a Cu K scan) would stretch the k grid of the background and
 * transforms without bound. Returns the range kept [lo, hi), or null when nothing is cut.
 */
export function strayEnds(energy: Float64Array): { keep: [number, number]; gap: number; step: number } | null {
  const n = energy.length;
  if (n < 2 * MAX_STRAYS + MIN_POINTS) return null;
  const steps = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) steps[i - 1] = energy[i]! - energy[i - 1]!;
  const step = Float64Array.from(steps).sort()[(n - 1) >> 1]!;
  const gap = Math.max(1000, 100 * step);
  let lo = 0;
  let hi = n;
  for (let j = 1; j <= MAX_STRAYS; j++) if (steps[n - 1 - j]! > gap) hi = n - j;
  for (let j = 1; j <= MAX_STRAYS; j++) if (steps[j - 1]! > gap) lo = j;
  return lo === 0 && hi === n ? null : { keep: [lo, hi], gap, step };
}

/** Read a file and return the spectrum in it (see `spectrumFrom`). */
export function readSpectrum(path: string, opts: ReadSpectrumOptions = {}): Spectrum {
  return spectrumFrom(readFile(path), opts);
}

function pickGroup(project: AthenaProject, wanted: string | undefined): AthenaGroup {
  const groups = project.groups;
  if (groups.length === 0) {
    throw new XafsError('EFORMAT', `${project.path}: the Athena project holds no groups`);
  }
  // default: the first μ(E) group (a project may start with a χ(k) record)
  if (wanted === undefined) return groups.find((g) => !g.isChi) ?? groups[0]!;
  const hit =
    groups.find((g) => g.label === wanted) ??
    groups.find((g) => g.label.trim().toLowerCase() === wanted.trim().toLowerCase()) ??
    groups.find((g) => larchGroupName(g.label) === wanted) ??
    groups.find((g) => g.id === wanted);
  if (!hit) {
    const list = groups.map((g) => `'${g.label}'`).join(', ');
    throw new XafsError('EOPTION', `${project.path}: no group labelled '${wanted}'; the groups are: ${list}`);
  }
  return hit;
}

/**
 * Build a spectrum from a file already read: choose energy and μ (options, else the usual
 * column names), convert keV to eV, check for too few points, non-finite or all-zero values,
 * sort a non-monotonic scan (or refuse it) and report repeated energies (processing separates
 * them with Larch's remove_dups). Every adjustment leaves a warning in `warnings`.
 */
export function spectrumFrom(file: XafsFile, opts: ReadSpectrumOptions = {}): Spectrum {
  if (file.format === 'feffdat') {
    throw new XafsError('EFORMAT', `${file.path} is a FEFF path file (feff.dat), not a spectrum; use it as a path in a fit recipe`);
  }
  const warnings: string[] = [];
  let columns: { label: string; values: Float64Array }[];
  let source: string;
  let at: (i: number) => string;
  let metadata: Record<string, unknown>;
  let xdiFile: ColumnFile | undefined;
  let statedUnits: string | undefined;
  let energyColumnHint: number | undefined;
  let monoDspace: number | undefined;
  let beamline = '';

  if (file.format === 'athena') {
    const g = pickGroup(file, opts.group);
    if (g.isChi) {
      throw new XafsError('EFORMAT', `${file.path}: group '${g.label}' holds χ(k), not μ(E); pick a μ(E) group with --group`);
    }
    source = `${file.path}#${g.label}`;
    columns = [
      { label: 'energy', values: g.energy },
      { label: 'mu', values: g.mu },
    ];
    if (g.i0) columns.push({ label: 'i0', values: g.i0 });
    if (g.signal) columns.push({ label: 'signal', values: g.signal });
    if (g.stddev) columns.push({ label: 'stddev', values: g.stddev });
    at = (i) => `point ${i + 1}`;
    metadata = { label: g.label, id: g.id, params: g.params };
  } else {
    if (opts.group !== undefined) {
      throw new XafsError('EOPTION', `--group '${opts.group}' applies to Athena projects; ${file.path} is a ${file.format === 'xdi' ? 'XDI' : 'column'} file`);
    }
    source = file.path;
    columns = file.columns;
    warnings.push(...(file.warnings ?? []));
    const lines = file.rowLines;
    at = (i) => (lines ? `line ${lines[i]}` : `row ${i + 1}`);
    metadata = { ...file.metadata };
    if (file.format === 'xdi') xdiFile = file;
    statedUnits = file.energyUnits;
    energyColumnHint = file.energyColumn;
    monoDspace = file.monoDspace;
    beamline = file.beamline ?? 'file';
  }
  const labels = columns.map((c) => c.label);

  // energy: --energy, else the XDI abscissa, else the column labelled energy, else the one the
  // beamline header names, else a column named *energy*, else column 1 (chooseEnergy)
  let energy: Float64Array;
  let energyName: string;
  let energyInEv = false;
  // only looked at without --energy: an angle column lacking a d-spacing must not block --energy
  const xdiAbscissa = opts.energy === undefined && xdiFile ? xdiEnergy(xdiFile) : undefined;
  if (opts.energy !== undefined) {
    energy = evaluateExpression(opts.energy, columns, { source, option: '--energy' });
    energyName = `--energy '${opts.energy}'`;
  } else if (xdiAbscissa) {
    energy = xdiAbscissa.values;
    energyName = `column '${xdiAbscissa.label}'`;
    if (xdiAbscissa.note) {
      warnings.push(xdiAbscissa.note);
      energyInEv = true;
    }
  } else {
    const byLabel = columns.find((c) => c.label === 'energy');
    const pick: Choice & { inEv?: boolean } = byLabel
      ? { values: byLabel.values.slice(), name: `column '${byLabel.label}'` }
      : chooseEnergy(columns, source, { column: energyColumnHint, units: statedUnits, dspace: monoDspace, beamline });
    energy = pick.values;
    energyName = pick.name;
    if (pick.note) warnings.push(pick.note);
    if (pick.inEv) energyInEv = true;
  }

  // mu: --mu, else a column named mu, xmu, mutrans or mufluor (docs/cli.md), else a refusal with suggestions
  let mu: Float64Array;
  let muName: string;
  if (opts.mu !== undefined) {
    mu = evaluateExpression(opts.mu, columns, { source, option: '--mu' });
    muName = `--mu '${opts.mu}'`;
  } else {
    const pick = chooseMu(columns);
    if (!pick) {
      const k = columns.find((c) => c.label === 'k');
      const chi = columns.find((c) => CHI_NAME.test(c.label));
      if (k && chi) {
        throw new XafsError(
          'EFORMAT',
          `${source} holds χ(k) (columns ${labels.join(', ')}), not μ(E); use it as a χ(k) dataset (a fit recipe dataset without mu), or pass --energy and --mu if it is μ(E) after all`,
        );
      }
      const hints = suggestMu(columns, source, at);
      throw new XafsError(
        'ECOLUMN',
        `${source}: no mu column (looked for mu, xmu, mutrans, mufluor); the columns are: ${labels.join(', ')}; ` +
          (hints.length ? `pass --mu EXPR, e.g. ${hints.join(' or ')}` : `pass --mu EXPR, e.g. --mu 'ln(i0/itrans)'`),
      );
    }
    mu = pick.values;
    muName = pick.name;
    if (pick.note) warnings.push(pick.note);
  }

  const n = energy.length;
  if (n < MIN_POINTS) {
    throw new XafsError(
      'ETOOFEW',
      `${source}: only ${n} data point${n === 1 ? '' : 's'}; a spectrum needs at least ${MIN_POINTS}; check that the file holds a whole scan`,
    );
  }
  for (let i = 0; i < n; i++) {
    const badE = !Number.isFinite(energy[i]!);
    if (badE || !Number.isFinite(mu[i]!)) {
      const [what, name, value] = badE ? ['energy', energyName, energy[i]] : ['mu', muName, mu[i]];
      throw new XafsError(
        'ENONFINITE',
        `${source} ${at(i)}: ${what} is ${value} (from ${name}); fix or delete that line, or build ${what} from other columns`,
      );
    }
  }
  if (mu.every((v) => v === 0)) {
    throw new XafsError('EZERO', `${source}: mu is zero at every point (from ${muName}); pick the absorption column or expression with --mu`);
  }

  // Larch guess_energy_units: keV when max < 120 and the smallest |step| < 0.005
  if (!energyInEv) {
    let emax = -Infinity;
    let minStep = Infinity;
    let sumStep = 0;
    for (let i = 0; i < n; i++) {
      if (energy[i]! > emax) emax = energy[i]!;
      if (i > 0) {
        const d = energy[i]! - energy[i - 1]!;
        minStep = Math.min(minStep, Math.abs(d));
        sumStep += d;
      }
    }
    const looksKev = emax < 120 && minStep < 0.005;
    if (looksKev && emax < 90 && sumStep < 0) {
      warnings.push(
        `${source}: ${energyName} looks like a monochromator angle in degrees (largest value ${emax}, decreasing); ` +
          `pass --energy EXPR giving eV`,
      );
    } else if (looksKev || statedUnits?.toLowerCase() === 'kev') {
      energy = energy.map((e) => e * 1000);
      const why = looksKev ? `largest value ${emax} < 120 and smallest step ${minStep} < 0.005` : `the header says keV`;
      warnings.push(`${source}: ${energyName} looks like keV (${why}): multiplied by 1000 to get eV`);
    }
  }

  // energies no X-ray absorption edge lies at (1e308, a time stamp): refused with the line
  for (let i = 0; i < n; i++) {
    const e = energy[i]!;
    if (!(e >= ENERGY_MIN && e <= ENERGY_MAX)) {
      throw new XafsError(
        'ERANGE',
        `${source} ${at(i)}: energy ${e} eV (from ${energyName}) is outside ${ENERGY_MIN} eV – 1 MeV, where X-ray absorption edges lie; ` +
          `fix or delete that line, or build the energy in eV with --energy EXPR`,
      );
    }
  }

  // Non-monotonic scans: a stable sort by energy, or refusal when sorting is off
  let order: number[] | null = null;
  for (let i = 1; i < n; i++) {
    if (energy[i]! < energy[i - 1]!) {
      const msg = `energy is not increasing at ${at(i)} (${energy[i]} after ${energy[i - 1]})`;
      if (opts.sort === false) {
        throw new XafsError('EORDER', `${source}: ${msg}; pass --sort (drop --no-sort) to sort the scan by energy`);
      }
      warnings.push(`${source}: ${msg}: sorted the scan by energy`);
      order = Array.from({ length: n }, (_, k) => k).sort((a, b) => energy[a]! - energy[b]! || a - b);
      break;
    }
  }
  if (order) {
    const idx = order;
    energy = Float64Array.from(idx, (k) => energy[k]!);
    mu = Float64Array.from(idx, (k) => mu[k]!);
  }

  // a few points far beyond the rest of the scan (a stray last energy): left out with a warning
  const strays = strayEnds(energy);
  if (strays) {
    const [lo, hi] = strays.keep;
    const idx = (k: number): number => (order ? order[k]! : k);
    const gone = [...Array.from({ length: lo }, (_, k) => k), ...Array.from({ length: n - hi }, (_, k) => hi + k)];
    warnings.push(
      `${source}: ${gone.map((k) => `${at(idx(k))} (${energy[k]} eV)`).join(', ')}: ` +
        `more than ${+strays.gap.toPrecision(3)} eV away from the rest of the scan (${energy[lo]}–${energy[hi - 1]} eV, steps of about ${+strays.step.toPrecision(3)} eV); ` +
        `left out; delete ${gone.length === 1 ? 'that line' : 'those lines'} to silence this`,
    );
    energy = energy.slice(lo, hi);
    mu = mu.slice(lo, hi);
    if (order) order = order.slice(lo, hi);
  }
  const m = energy.length;

  // Repeated energies are only reported here: pre_edge and autobk separate them with Larch's
  // remove_dups (a step below 1e-7 eV pushed up to max(1e-7, 1e-6·|step|)) exactly as Larch does;
  // doing it here too would move such points twice.
  let repeated = 0;
  let firstDup = -1;
  for (let i = 1; i < m; i++) {
    if (energy[i]! - energy[i - 1]! < DUP_TINY) {
      if (firstDup < 0) firstDup = order ? order[i]! : i;
      repeated++;
    }
  }
  if (repeated > 0) {
    warnings.push(
      `${source}: ${repeated} repeated energ${repeated === 1 ? 'y' : 'ies'} (first at ${at(firstDup)}): ` +
        `processing separates them by 1e-7 eV as Larch's remove_dups does; average or delete repeated points if they are real`,
    );
  }

  return { energy, mu, source, labels, metadata, warnings };
}
