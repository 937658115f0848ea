/**
 * XDI 1.0/1.1 files (XAS Data Interchange). The data block and the column labels are taken
 * exactly as Larch 0.9.58 read_ascii takes them (Larch's read_xdi needs libxdifile, which the
 * Debian build lacks, so read_ascii is what Larch users get); the XDI header fields, Column.N
 * units and user comments are added on top.
 */
import { PLANCK_HC } from '../constants.js';
import { XafsError } from '../errors.js';
import type { ColumnFile } from '../types.js';
import { parseColumnText } from './ascii.js';
import { pyFloat, sourceText, type TextSource } from './text.js';


const XDI_FIRST_LINE = /^#\s*XDI\/(\S+)\s*(.*)$/i;
/** `# Family.tag: value`: the family starts with a letter; tags use letters, digits, '_' and '-'. */
const FIELD = /^([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z0-9_-]+)\s*:\s?(.*)$/;

/** True when text starts like an XDI file (`# XDI/1.0 ...`). */
export function isXdiText(text: string): boolean {
  const first = text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'));
  return XDI_FIRST_LINE.test(first.trim());
}

/** `Column.N` value `name units || address` split into its parts (XDI 1.1 addresses after `||`). */
export function xdiColumnSpec(value: string): { name: string; units?: string } {
  const main = value.split('||')[0]!.trim();
  const words = main.split(/\s+/).filter((w) => w.length > 0);
  const spec: { name: string; units?: string } = { name: (words[0] ?? '').toLowerCase() };
  // a '#' after the name starts a remark ('ifluor # deadtime-corrected'), not units
  if (words.length > 1 && !words[1]!.startsWith('#')) spec.units = words[1]!;
  return spec;
}

/**
 * Read an XDI file. `labels`/`columns` are those of Larch read_ascii (so scripts see one naming
 * whatever the reader); `metadata` holds the XDI fields as `family.tag` (lowercased) → value,
 * the last occurrence winning; `comments` the user comment lines after `# ///`; each column
 * gets the units of its `Column.N` field. Angle abscissas are converted by `xdiEnergy`.
 */
export function readXdi(input: string | TextSource): ColumnFile {
  const src = sourceText(input);
  const text = src.text;
  // the header lines one by one from the top (the data block below is parseColumnText's)
  let pos = 0;
  const nextLine = (): string | undefined => {
    if (pos > text.length) return undefined;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end);
    pos = end + 1;
    return line;
  };
  const m = XDI_FIRST_LINE.exec((nextLine() ?? '').trim());
  if (!m) {
    throw new XafsError('EFORMAT', `${src.path} line 1: not an XDI file (expected '# XDI/1.0' on the first line)`);
  }
  const file = parseColumnText(src, false); // metadata: the XDI fields below
  file.format = 'xdi';
  file.xdiVersion = m[1]!;
  const metadata: Record<string, string> = {};
  const comments: string[] = [];
  let inComments = false;
  for (let raw = nextLine(); raw !== undefined; raw = nextLine()) {
    const line = raw.trim();
    if (line.length === 0) continue;
    if (!line.startsWith('#')) break; // the data start: XDI headers are all comment lines
    const body = line.slice(1).trim();
    if (/^-{3,}/.test(body)) break; // '# ---' ends the header; a label line may follow
    if (/^\/{3,}/.test(body)) {
      inComments = true;
      continue;
    }
    if (inComments) {
      if (body.length > 0) comments.push(body);
      continue;
    }
    const f = FIELD.exec(body);
    if (f) metadata[`${f[1]!.toLowerCase()}.${f[2]!.toLowerCase()}`] = f[3]!.trim();
  }
  file.metadata = metadata;
  file.comments = comments;
  for (const [key, value] of Object.entries(metadata)) {
    const c = /^column\.(\d+)$/.exec(key);
    if (!c) continue;
    const col = file.columns[Number(c[1]) - 1];
    const units = xdiColumnSpec(value).units;
    if (col && units) col.units = units;
  }
  const d = xdiDspacing(metadata);
  if (d !== undefined) file.monoDspace = d;
  return file;
}

/** Mono.d_spacing in Å (XDI), also the `Mono.dspacing` spelling that Epics StepScan files use. */
function xdiDspacing(metadata: Record<string, string>): number | undefined {
  for (const key of ['mono.d_spacing', 'mono.dspacing']) {
    const v = metadata[key] === undefined ? null : pyFloat(metadata[key]!.split(/\s+/)[0] ?? '');
    if (v !== null && v > 0) return v;
  }
  return undefined;
}

/** Monochromator angle (degrees) → energy (eV): E = hc / (2 d sin θ), hc = 12398.419843320026 eV·Å (Larch read_xdi). */
export function angleToEnergy(angleDeg: Float64Array, dSpacing: number): Float64Array {
  const out = new Float64Array(angleDeg.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = PLANCK_HC / (2 * dSpacing * Math.sin((angleDeg[i]! * Math.PI) / 180));
  }
  return out;
}

/**
 * The XDI abscissa as energy in eV, when `Column.1` names it: `energy` (eV, or keV → ×1000)
 * or `angle` (degrees, or radians; converted with Mono.d_spacing). Returns undefined when the
 * header does not say. Throws EFORMAT for an angle column without a d-spacing.
 */
export function xdiEnergy(file: ColumnFile): { values: Float64Array; label: string; note?: string } | undefined {
  const spec = file.metadata['column.1'];
  const col = file.columns[0];
  if (spec === undefined || col === undefined) return undefined;
  const { name, units } = xdiColumnSpec(spec);
  const u = (units ?? '').toLowerCase();
  if (name === 'energy') {
    if (u === 'kev') {
      return {
        values: col.values.map((v) => v * 1000),
        label: col.label,
        note: `${file.path}: Column.1 is energy in keV: converted to eV`,
      };
    }
    return { values: col.values.slice(), label: col.label };
  }
  if (name === 'angle') {
    const d = file.monoDspace;
    if (d === undefined) {
      throw new XafsError(
        'EFORMAT',
        `${file.path}: Column.1 is a monochromator angle but the header has no Mono.d_spacing; ` +
          `add '# Mono.d_spacing: 3.13553' (Å) to the header or pass --energy EXPR`,
      );
    }
    const deg = u.startsWith('rad') ? col.values.map((v) => (v * 180) / Math.PI) : col.values;
    return {
      values: angleToEnergy(deg, d),
      label: col.label,
      note: `${file.path}: Column.1 is a monochromator angle: converted to energy with d = ${d} Å`,
    };
  }
  return undefined;
}
