/**
 * Text helpers shared by the readers (internal: not re-exported from src/io/index.ts).
 * They reproduce the Python string and number rules that Larch 0.9.58 relies on, because
 * labels, header keys and "is this a number" decisions must come out the same as in Larch.
 */
import { readFileSync } from 'node:fs';
import { XafsError } from '../errors.js';

/** Python's str.split()/str.strip() whitespace (JS `\s` lacks \x1c-\x1f and \x85, has \ufeff). */
const PY_WS_CLASS = ' \\t\\n\\r\\v\\f\\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_WS_SPLIT = new RegExp(`[${PY_WS_CLASS}]+`);
const PY_WS_LEAD = new RegExp(`^[${PY_WS_CLASS}]+`);
const PY_WS_TRAIL = new RegExp(`[${PY_WS_CLASS}]+$`);

/** Python `s.strip()`. */
export function pyStrip(s: string): string {
  return s.replace(PY_WS_LEAD, '').replace(PY_WS_TRAIL, '');
}

/** Python `s.split()` (no separator: runs of whitespace, no empty words). */
export function pySplit(s: string): string[] {
  const t = pyStrip(s);
  return t === '' ? [] : t.split(PY_WS_SPLIT);
}

/**
 * Python `float(s)`: decimal or exponent notation with optional underscores between digits,
 * `nan`, `inf`, `infinity` (any case, optional sign), surrounding whitespace allowed.
 * Returns null where Python raises ValueError. (Fortran `1.0D+00` is not a Python float.)
 */
const PY_FLOAT =
  /^[+-]?(?:(?:\d(?:_?\d)*)(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const PY_SPECIAL = /^([+-]?)(nan|inf|infinity)$/i;

export function pyFloat(token: string): number | null {
  const t = pyStrip(token);
  if (PY_FLOAT.test(t)) return Number(t.includes('_') ? t.replace(/_/g, '') : t);
  const m = PY_SPECIAL.exec(t);
  if (m) {
    if (m[2]!.toLowerCase() === 'nan') return NaN;
    return m[1] === '-' ? -Infinity : Infinity;
  }
  return null;
}

/**
 * Larch 0.9.58 fix_varname: characters from `;~,`!%$@&^?*#:"/|'\<tab>\r\n (){}[]<>=+-.` become
 * `_`, an empty string becomes `_unlabeled_`, a leading character that is not a letter or `_`
 * gets a `_` prefix, and trailing underscores are stripped.
 */
const BAD_VARCHARS = new Set(';~,`!%$@$&^?*#:"/|\'\\\t\r\n (){}[]<>=+-.');

export function fixVarname(s: string): string {
  let t = '';
  for (const ch of s) t += BAD_VARCHARS.has(ch) ? '_' : ch;
  if (t.length < 1) t = '_unlabeled_';
  if (!/^[A-Za-z_]/.test(t)) t = '_' + t;
  return t.replace(/_+$/, '');
}

/**
 * Larch's read_ascii counts a token as a number when float() accepts it *or* when dateutil can
 * parse it as a date/time (it then stores the local-time Unix timestamp, time.mktime).
 * dateutil accepts far more than dates; we recognise the forms that appear in beamline files:
 *   ISO dates `2019-07-09`, `2019-07-09T11:02:47[.5]`; clock times `14:12:52`, `09:04`;
 *   US dates `6/27/11`, `10/29/2005`; month names (`Jun`, `June`, `sept`) and weekday names
 *   (`Fri`, `friday`).
 * Missing fields come from today at midnight (dateutil's default); a weekday alone means the
 * next such day (today included), as in dateutil.
 * Departure (documented): tokens such as `2-3`, `7/8`, `29;`, `1:2`, `3.1.10` or `6.01a`, which
 * dateutil also turns into dates, count as text here. None of them sits at the boundary of a
 * data block in the reference files, where the choice would change what is data.
 */
const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5,
  jun: 6, june: 6, jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9,
  oct: 10, october: 10, nov: 11, november: 11, dec: 12, december: 12,
};
const WEEKDAYS: Record<string, number> = {
  sun: 0, sunday: 0, mon: 1, monday: 1, tue: 2, tues: 2, tuesday: 2, wed: 3, wednesday: 3,
  thu: 4, thur: 4, thurs: 4, thursday: 4, fri: 5, friday: 5, sat: 6, saturday: 6,
};

function localStamp(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const date = new Date(y, mo - 1, d, h, mi, s);
  if (date.getMonth() !== mo - 1) return null; // 31 June and the like are not dates
  return date.getTime() / 1000;
}

export function dateValue(token: string): number | null {
  const t = token.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/.exec(t);
  if (m) {
    return localStamp(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  }
  const today = new Date();
  m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(t);
  if (m) {
    const y = today.getFullYear();
    return localStamp(y, today.getMonth() + 1, today.getDate(), +m[1]!, +m[2]!, +(m[3] ?? 0));
  }
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(t);
  if (m) {
    let y = +m[3]!;
    if (m[3]!.length === 2) {
      // dateutil: a two-digit year is put within 50 years of the current year
      const now = today.getFullYear();
      y += Math.floor(now / 100) * 100;
      if (y >= now + 50) y -= 100;
      else if (y < now - 50) y += 100;
    }
    return localStamp(y, +m[1]!, +m[2]!);
  }
  const word = t.toLowerCase();
  const month = MONTHS[word];
  if (month !== undefined) {
    const y = today.getFullYear();
    const last = new Date(y, month, 0).getDate();
    return localStamp(y, month, Math.min(today.getDate(), last));
  }
  const wd = WEEKDAYS[word];
  if (wd !== undefined) {
    const ahead = (wd - today.getDay() + 7) % 7;
    const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() + ahead);
    return d.getTime() / 1000;
  }
  return null;
}

/**
 * Larch read_ascii getfloats: commas count as spaces, each word becomes a float, a date
 * timestamp, or null when it is neither.
 */
export function splitRow(line: string): string[] {
  return pySplit(line.replace(/,/g, ' '));
}

export function rowValue(token: string): number | null {
  const v = pyFloat(token);
  return v !== null ? v : dateValue(token);
}

/** Read a file's bytes, turning file-system failures into XafsError with a remedy. */
export function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new XafsError('ENOENT', `file not found: '${path}'; check the name and the folder`);
    }
    if (code === 'EISDIR') {
      throw new XafsError('EFORMAT', `'${path}' is a folder, not a data file; name a file inside it`);
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new XafsError('ENOENT', `cannot read '${path}': permission denied`);
    }
    throw new XafsError('ENOENT', `cannot read '${path}': ${(err as Error).message}`);
  }
}

/** UTF-8 text with CR/CRLF normalised to LF (Larch read_ascii) and a byte-order mark dropped. */
export function decodeText(bytes: Uint8Array): string {
  let text = new TextDecoder('utf-8').decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.replace(/\r\n?/g, '\n');
}

/** Text input for the readers: a path to read, or text already in memory with its name. */
export interface TextSource {
  text: string;
  path: string;
}

export function sourceText(input: string | TextSource): TextSource {
  if (typeof input === 'string') return { text: decodeText(readBytes(input)), path: input };
  return { text: input.text.replace(/\r\n?/g, '\n'), path: input.path };
}
