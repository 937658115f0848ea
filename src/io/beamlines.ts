/**
 * Column labels from a column file's header, as Larch 0.9.58 read_ascii chooses them
 * (larch/io/xafs_beamlines.py): a beamline-specific parser picked from the first header line,
 * else the generic rule on the last header line. Internal to src/io.
 *
 * `header` is what read_ascii keeps: the non-empty header lines, stripped, in file order.
 */
import { fixVarname, pyFloat, pySplit, pyStrip } from './text.js';

export interface BeamlineLabels {
  /** Which parser named the columns ('generic', 'GSE EpicsScan', 'APS 12BM', ...). */
  beamline: string;
  /** Labels before read_ascii's final clean-up (padding, repeats, reserved names). */
  labels: string[] | null;
  /** 1-based column the header names as energy, when the parser says so. */
  energyColumn?: number;
  /** Energy units the header states ('keV', 'deg'), when not eV. */
  energyUnits?: string;
  /** Monochromator d-spacing (Å) the header states (KEK-PF). */
  monoDspace?: number;
}

/**
 * Larch GenericBeamlineData._set_labels: lowercase, fix_varname, `colN` for empty words and
 * `_colN` appended to a repeated label.
 */
function setLabels(words: string[], ncolumns?: number): string[] {
  const labels = words.map((w, i) => {
    const word = pyStrip(w).toLowerCase();
    return word.length > 0 ? fixVarname(word) : `col${i + 1}`;
  });
  // a Set of the labels so far (renamed ones included): linear in the number of columns
  const seen = new Set<string>();
  for (let i = 0; i < labels.length; i++) {
    if (seen.has(labels[i]!)) labels[i] = `${labels[i]}_col${i + 1}`;
    seen.add(labels[i]!);
  }
  if (ncolumns !== undefined) for (let i = labels.length; i < ncolumns; i++) labels.push(`col${i + 1}`);
  return labels;
}

/** The label line as Larch's generic rule cleans it: `#L`, `#C`, `#`, `C` dropped (in that order), separators to spaces. */
function cleanLabelLine(line: string): string {
  let last = line;
  for (const prefix of ['#L', '#C', '#', 'C']) {
    // Larch quirk kept: '#Column ...' loses '#' and then 'C' ('olumn').
    if (last.startsWith(prefix)) last = last.slice(prefix.length);
  }
  for (const bad of '\t,#@%&"\'') last = last.split(bad).join(' ');
  return last;
}

/** Larch generic rule: the last header line, minus `#L`, `#C`, `#`, `C` (checked in that order). */
export function genericLabels(header: string[], ncolumns: number): string[] | null {
  let last = '# ';
  if (header.length > 1) last = pyStrip(header[header.length - 1]!);
  else if (header.length === 1) {
    // Departure: Larch 0.9.58 ignores a lone header line (col1, col2, ...); we take `# energy mu`
    // as the labels when it has one word per column and none of them is a number
    const words = pySplit(cleanLabelLine(pyStrip(header[0]!)));
    if (words.length === ncolumns && words.every((w) => pyFloat(w) === null)) return setLabels(words);
  }
  last = cleanLabelLine(last);

  // Larch 0.9.58: with fewer than two header lines the header is ignored (split(" ") on
  // "# " gives empty words, i.e. col1, col2); a lone line that does not fit the columns neither.
  // only the first ncolumns words can become labels (a label depends only on those before it)
  if (header.length < 2) return setLabels(last.split(' ', ncolumns));
  return setLabels(pySplit(last).slice(0, ncolumns));
}

/** GSE EpicsScan (APS 13-ID/13-BM): XDI-style `Column.N: name units || PV`, or the old `; P1 = {Energy} --> PV`. */
function gseLabels(header: string[], out: BeamlineLabels): string[] {
  const labels: string[] = [];
  const oldstyle = header[0]!.toLowerCase().startsWith('; epics scan 1 dim');
  if (oldstyle) {
    let mode = 'search';
    for (const raw of header) {
      const line = pyStrip(raw.slice(1));
      if (mode === 'found legend') {
        if (line.length < 2 || !line.includes('-->')) {
          mode = 'legend done';
        } else {
          const pref = line.slice(0, line.indexOf('-->'));
          const eq = pref.indexOf('=');
          const arg = eq >= 0 ? pref.slice(eq + 1) : pref;
          labels.push(pyStrip(arg.replace(/[{}]/g, '')));
        }
      } else if (mode === 'search' && line.includes('column labels:')) {
        mode = 'found legend';
      }
    }
  } else {
    for (const raw of header) {
      if (!raw.startsWith('#')) break;
      const line = pyStrip(raw.slice(1));
      if (line.toLowerCase().startsWith('column.') && line.includes('||')) {
        const labelPart = line.slice(0, line.indexOf('||'));
        // Larch splits on every ':' and would fail on a second one; the first ':' is what it means
        const colon = labelPart.indexOf(':');
        let entry = pyStrip(colon >= 0 ? labelPart.slice(colon + 1) : labelPart);
        if (entry.includes(' ')) {
          const words = pySplit(entry);
          if (words.length > 1) {
            const units = words[1]!;
            entry = words[0]!;
            if (entry.toLowerCase().includes('energy') && units.length > 1) out.energyUnits = units;
          }
        }
        labels.push(entry);
      }
    }
  }
  return setLabels(labels);
}

/** APS 12-BM: last line `#C 1_Energy (keV) 2_sec ...`; `N_name` words are the labels. */
function aps12bmLabels(header: string[], out: BeamlineLabels): string[] {
  const line = pyStrip(header[header.length - 1]!.split('#C').join(' '));
  const labels: string[] = [];
  for (const word of pySplit(line)) {
    if (word.includes('_')) {
      // Larch unpacks word.split('_') into two and fails on a second '_'; we split at the first.
      const u = word.indexOf('_');
      if (/^\s*[+-]?\d(?:_?\d)*\s*$/.test(word.slice(0, u))) labels.push(word.slice(u + 1));
    } else if (labels.length === 1) {
      out.energyUnits = word.replace(/[()]/g, '');
    }
  }
  return setLabels(labels);
}

/** MRCAT and NSLS XDAC: the line after the first `-------` line. */
function afterDashesLabels(header: string[]): string[] {
  let labels: string[] = [];
  let found = false;
  for (const line of header) {
    if (found) {
      labels = pySplit(line);
      break;
    }
    if (line.includes('-------')) found = true;
  }
  return setLabels(labels);
}

/** APS XSD (20-BM, 9-BM LabVIEW): a numbered legend `1) name`, or `*`-separated last line. */
function xsdLabels(header: string[]): string[] {
  let labels: string[] = [];
  let mode = 'search';
  const lablines: string[] = [];
  for (const raw of header) {
    let line = pyStrip(raw.slice(1));
    if (mode === 'search' && line.includes('is a readable list of column')) {
      mode = 'found legend';
    } else if (mode === 'found legend') {
      if (line.length < 2) break;
      if (line.includes(')')) {
        if (line.startsWith('#')) line = pyStrip(line.slice(1));
        if (line.includes('*')) {
          lablines.push(...line.split('*'));
        } else if (line.split(')').length - 1 > 1) {
          const words = pySplit(line);
          lablines.push(`${words[0]} ${words[1]}`);
          if (words.length === 4) lablines.push(`${words[2]} ${words[3]}`);
        } else {
          lablines.push(line);
        }
      }
    }
  }
  if (lablines.length > 1) {
    labels = new Array<string>(lablines.length).fill('');
    for (const l of lablines) {
      const s = pyStrip(l);
      const sp = s.indexOf(' ');
      const first = sp >= 0 ? s.slice(0, sp) : s;
      if (first.includes(')')) {
        const key = Number.parseInt(first.replace(/\)/g, ''), 10);
        if (Number.isInteger(key) && key >= 1) labels[key - 1] = sp >= 0 ? s.slice(sp + 1) : '';
      }
    }
  }
  if (labels.length === 0) {
    const words = header[header.length - 1]!.replace(/#/g, '').split('*');
    if (words.length > 1) {
      const lastword = words.pop()!;
      words.push(...pySplit(lastword));
    }
    labels = words;
  }
  return setLabels(labels);
}

/** SSRL EXAFS Data Collector: one label per line after `Data:`. */
function ssrlLabels(header: string[], out: BeamlineLabels): string[] {
  const labels: string[] = [];
  let mode = 'search';
  for (const raw of header) {
    const line = pyStrip(raw);
    if (mode === 'found legend') {
      if (line.length < 2) break;
      labels.push(line);
      if (line.toLowerCase().includes('energy')) out.energyColumn = labels.length;
    } else if (mode === 'search' && line === 'Data:') {
      mode = 'found legend';
    }
  }
  return setLabels(labels);
}

/** CLS HXMA: the `#(1)` line holding `$(Name)` macros. */
function clsLabels(header: string[], out: BeamlineLabels): string[] {
  let words: string[] = [];
  for (const raw of header) {
    let line = pyStrip(raw);
    if (line.startsWith('#(1)') && line.includes('$(')) {
      line = line.split('#(1)').join('');
      for (const b of '"#$()\t') line = line.split(b).join(' ');
      words = pySplit(line);
    }
  }
  const labels = words.map((w) => fixVarname(pyStrip(w).toLowerCase()));
  labels.forEach((l, i) => {
    if (l.includes('energy')) out.energyColumn = i + 1;
  });
  return setLabels(labels);
}

/** KEK-PF (BL12C): fixed names angle_drive, angle_read, time; energy is column 2, in degrees. */
function kekLabels(header: string[], out: BeamlineLabels, ncolumns: number): string[] {
  out.energyColumn = 2;
  out.energyUnits = 'deg';
  for (const raw of header) {
    const line = pyStrip(raw.toLowerCase().replace(/#/g, ' '));
    if (line.includes('mono :')) {
      const words = ['_', ...pySplit(line.replace(/=/g, ' '))];
      for (let i = 1; i < words.length; i++) {
        if (words[i - 1] === 'd') {
          const v = pyFloat(words[i]!);
          if (v !== null) out.monoDspace = v;
        }
      }
    }
  }
  const ncols = Math.max(pySplit(header[header.length - 1]!).length, ncolumns);
  return setLabels(['angle_drive', 'angle_read', 'time'], ncols);
}

/**
 * Larch guess_beamline + get_array_labels. Where Larch picks a beamline parser whose own check
 * then fails (it raises and read_ascii aborts: APS 12BM with a header line not starting with
 * '#', MRCAT written in lower case), we fall back to the generic rule instead.
 */
export function beamlineLabels(header: string[], ncolumns: number): BeamlineLabels {
  const out: BeamlineLabels = { beamline: 'generic', labels: null };
  if (header.length > 1) {
    let line1 = header[0]!.toLowerCase();
    const full = header.join('\n').toLowerCase();
    if (line1.startsWith('#')) line1 = line1.replace(/#/g, '');
    const first = header[0]!;
    if ((line1.includes('xdi/1') && line1.includes('epics stepscan')) || line1.startsWith('; epics scan 1 dim')) {
      out.beamline = 'GSE EpicsScan';
      out.labels = gseLabels(header, out);
      return out;
    }
    if (line1.includes('labview control panel')) {
      if (first.includes('LabVIEW Control Panel')) {
        out.beamline = 'APS XSD';
        out.labels = xsdLabels(header);
        return out;
      }
    } else if (line1.includes('mrcat_xafs')) {
      if (first.includes('MRCAT_XAFS')) {
        out.beamline = 'APS MRCAT';
        out.labels = afterDashesLabels(header);
        return out;
      }
    } else if (line1.startsWith('xdac')) {
      out.beamline = 'NSLS XDAC';
      out.labels = afterDashesLabels(header);
      return out;
    } else if (line1.includes('ssrl') && line1.includes('exafs data collector')) {
      out.beamline = 'SSRL';
      out.labels = ssrlLabels(header, out);
      return out;
    } else if (line1.includes('cls data acquisition')) {
      out.beamline = 'CLS HXMA';
      out.labels = clsLabels(header, out);
      return out;
    } else if (line1.includes('kek-pf')) {
      if (first.replace(/#/g, '').trim().includes('KEK-PF')) {
        out.beamline = 'KEK PF';
        out.labels = kekLabels(header, out, ncolumns);
        return out;
      }
    } else if (full.includes('exafsscan') && full.includes('exafs_region')) {
      if (header.every((l) => l.startsWith('#'))) {
        out.beamline = 'APS 12BM';
        out.labels = aps12bmLabels(header, out);
        return out;
      }
    }
  }
  out.labels = genericLabels(header, ncolumns);
  return out;
}
