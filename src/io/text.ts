/**
 * Text helpers shared by the readers (internal: not re-exported from src/io/index.ts).
 * They reproduce the Python string and number rules that Larch 0.9.58 relies on, because
 * labels, header keys and "is this a number" decisions must come out the same as in Larch.
 */
import { Buffer, isUtf8 } from 'node:buffer';
import { closeSync, constants as fsConstants, fstatSync, openSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { XafsError } from '../errors.js';

/**
 * Python's str.split()/str.strip() whitespace (JS `\s` lacks \x1c-\x1f and \x85, has \ufeff), by
 * character code: the readers call this for every character, where a regex was the main cost.
 */
function isPyWs(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  );
}

/** Python `s.strip()`. */
export function pyStrip(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isPyWs(s.charCodeAt(a))) a++;
  while (b > a && isPyWs(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** The words of s between runs of separator characters (no empty words). */
function splitWords(s: string, isSeparator: (c: number) => boolean): string[] {
  const out: string[] = [];
  const n = s.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSeparator(s.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isSeparator(s.charCodeAt(i))) i++;
    out.push(s.slice(start, i));
  }
  return out;
}

/** Python `s.split()` (no separator: runs of whitespace, no empty words). */
export function pySplit(s: string): string[] {
  return splitWords(s, isPyWs);
}

/**
 * Python `float(s)`: decimal or exponent notation with optional underscores between digits,
 * `nan`, `inf`, `infinity` (any case, optional sign), surrounding whitespace allowed.
 * Returns null where Python raises ValueError. (Fortran `1.0D+00` is not a Python float.)
 */
const PY_FLOAT =
  /^[+-]?(?:(?:\d(?:_?\d)*)(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const PY_SPECIAL = /^([+-]?)(nan|inf|infinity)$/i;

/** Digits, sign, point and exponent only: the shapes where JavaScript's Number() and Python's float() agree. */
function plainNumberChars(t: string): boolean {
  if (t.length === 0) return false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2b || c === 0x2d || c === 0x65 || c === 0x45)) return false;
  }
  return true;
}

export function pyFloat(token: string): number | null {
  const t = pyStrip(token);
  // fast path for the usual data token; anything else (nan, inf, 1_000, malformed) takes the exact rules
  if (plainNumberChars(t)) {
    const v = Number(t);
    if (!Number.isNaN(v)) return v;
  }
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
const BAD_VARCHARS_RE = /[;~,`!%$@&^?*#:"/|'\\\t\r\n (){}[\]<>=+\-.]/g;

export function fixVarname(s: string): string {
  let t = s.replace(BAD_VARCHARS_RE, '_');
  if (t.length < 1) t = '_unlabeled_';
  if (!/^[A-Za-z_]/.test(t)) t = '_' + t;
  // trailing underscores off by a scan from the end (the regex /_+$/ is quadratic on long runs of '_')
  let end = t.length;
  while (end > 0 && t.charCodeAt(end - 1) === 0x5f) end--;
  return end === t.length ? t : t.slice(0, end);
}

/** A word of the input quoted in a message: cut after 60 characters (a line may be megabytes long). */
export function shownWord(word: string): string {
  return word.length > 60 ? `${word.slice(0, 60)}…` : word;
}

/**
 * Larch's read_ascii counts a token as a number when float() accepts it *or* when dateutil can
 * parse it as a date/time (it then stores the local-time Unix timestamp, time.mktime; a time
 * zone suffix is dropped, as timetuple() does). dateutil accepts far more than dates; we
 * recognise the forms a beamline file may hold, checked token by token against dateutil 2.8:
 *   ISO dates and times `2019-07-09`, `2019-07-09T11:02:47[.5][Z|+01:00]`, `20190709T1102[47]`,
 *   `2019-07` (today's day); dates with `/`, `-` or `.`: `2019/07/09`, `6/27/11`, `10/29/2005`,
 *   `07-09-2019`, `12.5.2019` (month first, as dateutil's default), `7/8` and `2-3` (month/day of
 *   this year); clock times `14:12:52`, `09:04`, `1:2`; month names alone or with a day and/or
 *   year (`Jun`, `June`, `sept`, `9-Jul-2019`, `10-Jan`, `Jan10`, `Jan-2019`), weekday names
 *   (`Fri`, `friday`), ordinal days (`1st`, `22nd`) and times with units (`12h`, `5m`, `3s`,
 *   `1.5h`, `14h12`).
 * Missing fields come from today at midnight (dateutil's default; a day past the end of the
 * month becomes its last day); a weekday alone means the next such day (today included).
 * Departure (documented): the rarer shapes dateutil also turns into dates — a number with a
 * stray separator (`1-`, `-1-`, `29;`) or `6.01a` (6 a.m.) — count as text here.
 * None of them occurs in the 220 text files of Larch's example collection, where every line is
 * classed as Larch classes it.
 */
const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5,
  jun: 6, june: 6, jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9,
  oct: 10, october: 10, nov: 11, november: 11, dec: 12, december: 12,
};
/** dateutil's weekday names: three letters or the full name ('tues', 'thurs' are not dates). */
const WEEKDAYS: Record<string, number> = {
  sun: 0, sunday: 0, mon: 1, monday: 1, tue: 2, tuesday: 2, wed: 3, wednesday: 3,
  thu: 4, thursday: 4, fri: 5, friday: 5, sat: 6, saturday: 6,
};

/** Longer than any date or time dateutil form we read ('2019-07-09T11:02:47.123456+01:00' is 32). */
const MAX_DATE_LENGTH = 64;

function localStamp(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const date = new Date(y, mo - 1, d, h, mi, s);
  date.setFullYear(y); // years below 100 are years, not 19xx
  if (date.getMonth() !== mo - 1) return null; // 31 June and the like are not dates
  return date.getTime() / 1000;
}

/** dateutil: a year written with fewer than three digits lies within 50 years of this year. */
function fullYear(text: string): number {
  let y = Number(text);
  if (text.length > 2) return y;
  const now = new Date().getFullYear();
  y += Math.floor(now / 100) * 100;
  if (y >= now + 50) y -= 100;
  else if (y < now - 50) y += 100;
  return y;
}

/** Today's day of the month, or the month's last day when it is shorter (dateutil default). */
function defaultDay(y: number, mo: number): number {
  return Math.min(new Date().getDate(), new Date(y, mo, 0).getDate());
}

interface YmdField {
  value: number;
  month: boolean;
  /** Written with more than two digits: a year (dateutil's century_specified). */
  year: boolean;
}

/** Split a token into date fields; null when it is not made of numbers, month names and one kind of separator. */
function splitDateFields(word: string): YmdField[] | null {
  const parts = word.match(/\d+|[a-z]+|[^\da-z]/g);
  if (!parts) return null;
  const fields: YmdField[] = [];
  let sep = '';
  let lastWasField = false;
  for (const part of parts) {
    if (/^\d+$/.test(part)) {
      if (lastWasField && !fields[fields.length - 1]!.month) return null;
      if (part.length > 4) return null;
      fields.push({ value: Number(part), month: false, year: part.length > 2 });
      lastWasField = true;
    } else if (/^[a-z]+$/.test(part)) {
      const month = MONTHS[part];
      if (month === undefined) return null;
      if (lastWasField) {
        // digits run straight into a month name ('10Jan'): dateutil takes them only as a day
        const prev = fields[fields.length - 1]!;
        if (prev.month || prev.year || prev.value < 1 || prev.value > 31) return null;
      }
      fields.push({ value: month, month: true, year: false });
      lastWasField = true;
    } else {
      if (!lastWasField || !'-/.'.includes(part)) return null;
      // '-' and '/' may mix ('07/02-10'); '.' only with itself
      if (sep && sep !== part && (sep === '.' || part === '.')) return null;
      sep = part;
      lastWasField = false;
    }
  }
  if (!lastWasField || fields.length > 3 || fields.filter((f) => f.month).length > 1) return null;
  if (fields.filter((f) => f.year).length > 1) return null;
  return fields;
}

/** dateutil's _ymd.resolve_ymd (dayfirst and yearfirst false): which field is year, month, day. */
function resolveYmd(f: YmdField[]): [number | undefined, number | undefined, number | undefined] {
  const v = f.map((x) => x.value);
  const mi = f.findIndex((x) => x.month);
  const yi = f.findIndex((x) => x.year);
  const labelled = (mi >= 0 ? 1 : 0) + (yi >= 0 ? 1 : 0);
  if ((labelled > 0 && labelled === f.length) || (f.length === 3 && labelled === 2)) {
    const di = [0, 1, 2].find((i) => i !== mi && i !== yi && i < f.length);
    return [yi >= 0 ? v[yi] : undefined, mi >= 0 ? v[mi] : undefined, di !== undefined ? v[di] : undefined];
  }
  if (f.length === 1 || (mi >= 0 && f.length === 2)) {
    const other = mi >= 0 ? v[(mi + f.length - 1) % f.length]! : v[0]!;
    const month = mi >= 0 ? v[mi] : undefined;
    if (f.length > 1 || mi < 0) return other > 31 ? [other, month, undefined] : [undefined, month, other];
    return [undefined, month, undefined];
  }
  const [a, b, c] = v as [number, number, number];
  if (f.length === 2) {
    if (a > 31) return [a, b, undefined];
    if (b > 31) return [b, a, undefined];
    return [undefined, a, b];
  }
  if (mi === 0) return b > 31 ? [b, a, c] : [c, a, b];
  if (mi === 1) return a > 31 ? [a, b, c] : [c, b, a];
  if (mi === 2) return b > 31 ? [b, c, a] : [a, c, b];
  if (a > 31 || yi === 0) return [a, b, c];
  if (a > 12) return [c, b, a];
  return [c, a, b];
}

function dateFields(word: string): { value: number; complete: boolean } | null {
  const fields = splitDateFields(word);
  if (!fields || (fields.length === 1 && !fields[0]!.month)) return null;
  const [y, mo, d] = resolveYmd(fields);
  const today = new Date();
  let year = y ?? today.getFullYear();
  if (y !== undefined && y < 100 && !fields.some((f) => f.year)) year = fullYear(String(y).padStart(2, '0'));
  if (year < 1) return null;
  const month = mo ?? today.getMonth() + 1;
  const value = localStamp(year, month, d ?? defaultDay(year, month));
  return value === null ? null : { value, complete: y !== undefined && mo !== undefined && d !== undefined };
}

/**
 * A token's value as dateutil + time.mktime give it in Larch's read_ascii (see above), or null.
 * `complete` is false when a field came from the day of the run (a clock time, `12h`, `Monday`,
 * `3rd`, `7/8`, `Jun`, `2019-07`): such a value changes from one day to the next.
 */
export function dateStamp(token: string): { value: number; complete: boolean } | null {
  const complete = (v: number | null): { value: number; complete: boolean } | null => (v === null ? null : { value: v, complete: true });
  const partial = (v: number | null): { value: number; complete: boolean } | null => (v === null ? null : { value: v, complete: false });
  // every date form is short; a long word (a megabyte of '1.1.1...') is not looked at
  if (token.length > MAX_DATE_LENGTH) return null;
  const t = token.trim();
  const today = new Date();
  const thisYear = today.getFullYear();
  // ISO 8601 date and time, optional zone (ignored); a date alone goes through dateFields
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(t);
  if (m) {
    const stamp = localStamp(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
    if (stamp === null || m[7] === undefined) return complete(stamp);
    // with a zone, timetuple() says tm_isdst = 0, so mktime reads the clock time as standard time
    const y = +m[1]!;
    const std = Math.max(new Date(y, 0, 1).getTimezoneOffset(), new Date(y, 6, 1).getTimezoneOffset());
    return complete(stamp + (std - new Date(stamp * 1000).getTimezoneOffset()) * 60);
  }
  m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})?(\d{2})?$/i.exec(t);
  if (m) return complete(localStamp(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +(m[5] ?? 0), +(m[6] ?? 0)));
  // ordinal day of this month ('1st', '22nd')
  m = /^(\d{1,2})(?:st|nd|rd|th)$/i.exec(t);
  if (m) return partial(localStamp(thisYear, today.getMonth() + 1, +m[1]!));
  // a time with units today ('12h', '5m', '3s', '1.5h', '14h12'): dateutil's HH h / MM m / SS s
  m = /^(\d+)(?:\.(\d+))?([hms])$/i.exec(t);
  if (m) {
    const whole = +m[1]!;
    // dateutil works in Decimal: the fraction of an hour gives whole minutes, of a minute seconds
    const frac = m[2] ? Math.floor((60 * Number(m[2])) / 10 ** m[2].length) : 0;
    const unit = m[3]!.toLowerCase();
    if (unit === 'h') return partial(localStamp(thisYear, today.getMonth() + 1, today.getDate(), whole, frac));
    if (unit === 'm') return partial(localStamp(thisYear, today.getMonth() + 1, today.getDate(), 0, whole, frac));
    return partial(localStamp(thisYear, today.getMonth() + 1, today.getDate(), 0, 0, whole));
  }
  m = /^(\d{1,2})h(\d{1,2})m?$/i.exec(t);
  if (m) return partial(localStamp(thisYear, today.getMonth() + 1, today.getDate(), +m[1]!, +m[2]!));
  m = /^(\d{1,2})m(\d{1,2})s?$/i.exec(t);
  if (m) return partial(localStamp(thisYear, today.getMonth() + 1, today.getDate(), 0, +m[1]!, +m[2]!));
  // clock time today
  m = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?$/.exec(t);
  if (m) return partial(localStamp(thisYear, today.getMonth() + 1, today.getDate(), +m[1]!, +m[2]!, +(m[3] ?? 0)));
  // dates made of up to three numbers and/or a month name, separated by '-', '/' or '.' (or
  // nothing between digits and letters): '2019/07/09', '07-09-2019', '12.5.2019', '7/8',
  // '9-Jul-2019', 'Jan10', 'Jan-2019'; the fields are assigned as dateutil does (resolveYmd)
  const word = t.toLowerCase();
  const ymd = dateFields(word);
  if (ymd !== null) return ymd;
  const wd = WEEKDAYS[word];
  if (wd !== undefined) {
    const ahead = (wd - today.getDay() + 7) % 7;
    const d = new Date(thisYear, today.getMonth(), today.getDate() + ahead);
    return partial(d.getTime() / 1000);
  }
  return null;
}

/** dateStamp's value alone (Larch's reading, complete or not), or null. */
export function dateValue(token: string): number | null {
  return dateStamp(token)?.value ?? null;
}

/**
 * Larch read_ascii getfloats: commas count as spaces, each word becomes a float, a date
 * timestamp, or null when it is neither.
 */
export function splitRow(line: string): string[] {
  // pySplit(line.replace(',', ' ')) without the intermediate string: commas separate like whitespace
  return splitWords(line, isSep);
}

/** Exact powers of ten: 10^k is a double exactly for k <= 22 (Clinger's fast path). */
export const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * A plain decimal token in line[a, b) (sign, digits, point, exponent) parsed without building a
 * string: when the digits fit in 2^53 and the decimal exponent in ±22, one IEEE multiply or divide
 * of two exact numbers is correctly rounded, the same double Python's float() gives. NaN means
 * "not that simple" and the caller falls back to the exact rules.
 */
function fastDecimal(line: string, a: number, b: number): number {
  let i = a;
  let neg = false;
  let c = line.charCodeAt(i);
  if (c === 0x2d || c === 0x2b) {
    neg = c === 0x2d;
    i++;
  }
  let mant = 0;
  let digits = 0;
  let frac = 0;
  let sawDigit = false;
  let sawPoint = false;
  while (i < b) {
    c = line.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      sawDigit = true;
      if (mant !== 0 || c !== 0x30) digits++;
      mant = mant * 10 + (c - 0x30);
      if (sawPoint) frac++;
    } else if (c === 0x2e && !sawPoint) sawPoint = true;
    else break;
    i++;
  }
  if (!sawDigit) return NaN;
  let exp = 0;
  if (i < b) {
    if (c !== 0x65 && c !== 0x45) return NaN;
    i++;
    let eneg = false;
    if (i < b) {
      c = line.charCodeAt(i);
      if (c === 0x2d || c === 0x2b) {
        eneg = c === 0x2d;
        i++;
      }
    }
    if (i >= b) return NaN;
    while (i < b) {
      c = line.charCodeAt(i);
      if (c < 0x30 || c > 0x39 || exp > 1000) return NaN;
      exp = exp * 10 + (c - 0x30);
      i++;
    }
    if (eneg) exp = -exp;
  }
  if (digits > 15) return NaN;
  const e10 = exp - frac;
  let v: number;
  if (e10 === 0) v = mant;
  else if (e10 > 0 && e10 <= 22) v = mant * POW10[e10]!;
  else if (e10 < 0 && e10 >= -22) v = mant / POW10[-e10]!;
  else return NaN;
  return neg ? -v : v;
}

/**
 * fastDecimal over bytes b[a, e) (the streaming multi-column reader, src/series/batch/columns.ts):
 * the same steps on byte values instead of char codes, kept as a twin because one function over
 * both would cost the hot loop an indirection per character. NaN: take the exact rules (rowValue).
 */
export function fastDecimalBytes(b: Uint8Array, a: number, e: number): number {
  let i = a;
  let neg = false;
  let c = b[i]!;
  if (c === 0x2d || c === 0x2b) {
    neg = c === 0x2d;
    i++;
  }
  let mant = 0;
  let digits = 0;
  let frac = 0;
  let sawDigit = false;
  let sawPoint = false;
  while (i < e) {
    c = b[i]!;
    if (c >= 0x30 && c <= 0x39) {
      sawDigit = true;
      if (mant !== 0 || c !== 0x30) digits++;
      mant = mant * 10 + (c - 0x30);
      if (sawPoint) frac++;
    } else if (c === 0x2e && !sawPoint) sawPoint = true;
    else break;
    i++;
  }
  if (!sawDigit) return NaN;
  let exp = 0;
  if (i < e) {
    if (c !== 0x65 && c !== 0x45) return NaN;
    i++;
    let eneg = false;
    if (i < e) {
      c = b[i]!;
      if (c === 0x2d || c === 0x2b) {
        eneg = c === 0x2d;
        i++;
      }
    }
    if (i >= e) return NaN;
    while (i < e) {
      c = b[i]!;
      if (c < 0x30 || c > 0x39 || exp > 1000) return NaN;
      exp = exp * 10 + (c - 0x30);
      i++;
    }
    if (eneg) exp = -exp;
  }
  if (digits > 15) return NaN;
  const e10 = exp - frac;
  let v: number;
  if (e10 === 0) v = mant;
  else if (e10 > 0 && e10 <= 22) v = mant * POW10[e10]!;
  else if (e10 < 0 && e10 >= -22) v = mant / POW10[-e10]!;
  else return NaN;
  return neg ? -v : v;
}

/**
 * One line of a column file as read_ascii sees it: the value of every word (commas separate like
 * whitespace), or null as soon as a word is neither a number nor a date. The common all-decimal
 * row is parsed in one pass without slicing its words.
 */
export function parseRow(line: string): number[] | null {
  const out: number[] = [];
  const n = line.length;
  let i = 0;
  // charCodeAt past the end gives NaN, which would turn these small integers into doubles
  // and slow the loop down several times: every read is guarded by i < n
  while (i < n) {
    while (i < n && isSep(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isSep(line.charCodeAt(i))) i++;
    let v = fastDecimal(line, start, i);
    if (Number.isNaN(v)) {
      const w = rowValue(line.slice(start, i));
      if (w === null) return null;
      v = w;
    }
    out.push(v);
  }
  return out;
}

/**
 * Growable storage for the rows of a data block, filled by parseRowInto: the values of all rows
 * one after the other, and per row its first value and its number of values.
 */
export class RowSink {
  values = new Float64Array(4096);
  nvalues = 0;
  /** Values of the row being parsed (committed by parseRowInto when the row is all numbers). */
  private start = 0;

  push(v: number): void {
    if (this.nvalues === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.nvalues++] = v;
  }

  begin(): void {
    this.start = this.nvalues;
  }

  /** Drops the values of the row being parsed. */
  discard(): void {
    this.nvalues = this.start;
    while (this.dates.length > 0 && this.dates[this.dates.length - 3]! >= this.start) this.dates.length -= 3;
  }

  /** The cells read as dates: triples (index in values, start and end of the word in the text). */
  dates: number[] = [];
}

/**
 * parseRow on text[a, b) without slicing the line: appends the row's values to sink and returns
 * their number, or −1 (nothing appended) as soon as a word is neither a number nor a date.
 * The same words, values and decisions as parseRow(text.slice(a, b)).
 */
export function parseRowInto(text: string, a: number, b: number, sink: RowSink): number {
  sink.begin();
  let i = a;
  let count = 0;
  while (i < b) {
    let c = text.charCodeAt(i);
    while (isSep(c)) {
      if (++i >= b) return count;
      c = text.charCodeAt(i);
    }
    const start = i;
    // fastDecimal fused with the word scan: one pass over the characters of a plain decimal
    let neg = false;
    if (c === 0x2d || c === 0x2b) {
      neg = c === 0x2d;
      c = ++i < b ? text.charCodeAt(i) : 0x20;
    }
    let mant = 0;
    let digits = 0;
    let frac = 0;
    let sawDigit = false;
    let sawPoint = false;
    let v = NaN;
    for (;;) {
      if (c >= 0x30 && c <= 0x39) {
        sawDigit = true;
        if (mant !== 0 || c !== 0x30) digits++;
        mant = mant * 10 + (c - 0x30);
        if (sawPoint) frac++;
      } else if (c === 0x2e && !sawPoint) sawPoint = true;
      else break;
      c = ++i < b ? text.charCodeAt(i) : 0x20;
    }
    if (sawDigit && digits <= 15) {
      if (i >= b || isSep(c)) {
        if (frac === 0) v = mant;
        else if (frac <= 22) v = mant / POW10[frac]!;
        if (neg) v = -v;
      } else if (c === 0x65 || c === 0x45) {
        c = ++i < b ? text.charCodeAt(i) : 0x20;
        let eneg = false;
        if (c === 0x2d || c === 0x2b) {
          eneg = c === 0x2d;
          c = ++i < b ? text.charCodeAt(i) : 0x20;
        }
        let exp = 0;
        let edigits = 0;
        while (c >= 0x30 && c <= 0x39 && exp <= 1000) {
          exp = exp * 10 + (c - 0x30);
          edigits++;
          c = ++i < b ? text.charCodeAt(i) : 0x20;
        }
        // anything else in the word (or a huge exponent) is left to the exact rules below
        if (edigits > 0 && (i >= b || isSep(c))) {
          const e10 = (eneg ? -exp : exp) - frac;
          if (e10 === 0) v = mant;
          else if (e10 > 0 && e10 <= 22) v = mant * POW10[e10]!;
          else if (e10 < 0 && e10 >= -22) v = mant / POW10[-e10]!;
          if (neg) v = -v;
        }
      }
    }
    // not a plain decimal: the exact rules on the whole word
    if (Number.isNaN(v)) {
      while (i < b && !isSep(text.charCodeAt(i))) i++;
      v = fastDecimal(text, start, i);
      if (Number.isNaN(v)) {
        const word = text.slice(start, i);
        let w = pyFloat(word);
        if (w === null) {
          w = rowValue(word);
          if (w === null) {
            sink.discard();
            return -1;
          }
          sink.dates.push(sink.nvalues, start, i); // a date: where, for parseColumnText's column check
        }
        v = w;
      }
    }
    sink.push(v);
    count++;
  }
  return count;
}

/** True when text[a, b) holds only Python whitespace (pyStrip would leave nothing). */
export function isBlank(text: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) if (!isPyWs(text.charCodeAt(i))) return false;
  return true;
}

/** A word separator of a data row: Python whitespace or a comma. */
function isSep(c: number): boolean {
  return c === 0x2c || isPyWs(c);
}

/**
 * A cell's value: a Python float, or a complete date (year, month and day written out: a time
 * column as Larch reads it). Departure: a date or time that takes a field from the day of the
 * run (`12h`, `Monday`, `3rd`, `14:12`, `7/8`) is not a number here, since Larch's value for it
 * changes from day to day. Whether a date may stand in a column is the reader's decision
 * (parseColumnText: only in a column of dates).
 */
export function rowValue(token: string): number | null {
  const v = pyFloat(token);
  if (v !== null) return v;
  const d = dateStamp(token);
  return d !== null && d.complete ? d.value : null;
}

/** Why a word is not a number, for messages: a note for the words Larch would take as dates of today. */
export function notNumberNote(token: string): string {
  const d = dateStamp(token);
  return d !== null && !d.complete ? ` (Larch would read it as a date or time of the day it runs, so results would depend on the run date)` : '';
}

/**
 * Input limits (docs/input-limits.md). Every reader opens its input through `openInput` /
 * `readBytes`, which refuse anything but a regular file (after following symlinks: a FIFO would
 * block forever, /dev/zero never ends) and stop at a byte cap. The caps: `maxInputBytes` for a
 * file read whole (a spectrum, a project, a feff.dat, a structure; also what a gzip file may
 * inflate to), `maxSeriesBytes` for the multi-column series files a batch streams. Raised by
 * `setInputLimits` or the environment variables XAFS_MAX_INPUT_MB / XAFS_MAX_SERIES_MB.
 */
export interface InputLimits {
  /** Largest file (or gzip content) read whole, bytes. @default 256 MiB (XAFS_MAX_INPUT_MB) */
  maxInputBytes: number;
  /** Largest multi-column series file a batch streams, bytes. @default 2 GiB (XAFS_MAX_SERIES_MB) */
  maxSeriesBytes: number;
}

const MIB = 1 << 20;
export const DEFAULT_INPUT_LIMITS: Readonly<InputLimits> = { maxInputBytes: 256 * MIB, maxSeriesBytes: 2048 * MIB };
const given: Partial<InputLimits> = {};
/** Node cannot hold a Buffer (nor a string) much beyond this: caps above it are lowered to it. */
const HARD_MAX = 2 ** 31 - 1;

/** Sets the input caps for this process (undefined restores the default / environment value). */
export function setInputLimits(limits: Partial<InputLimits>): void {
  for (const key of ['maxInputBytes', 'maxSeriesBytes'] as const) {
    const v = limits[key];
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new XafsError('EOPTION', `${key} must be a positive number of bytes (got ${v})`);
    if (key in limits) given[key] = v;
  }
}

const ENV: Record<keyof InputLimits, string> = { maxInputBytes: 'XAFS_MAX_INPUT_MB', maxSeriesBytes: 'XAFS_MAX_SERIES_MB' };

/** The cap in force: setInputLimits, else the environment variable (MB), else the default. */
export function inputLimit(key: keyof InputLimits): number {
  const set = given[key];
  if (set !== undefined) return Math.min(set, HARD_MAX);
  const env = process.env[ENV[key]];
  if (env !== undefined && env.trim() !== '') {
    const mb = Number(env);
    if (!(Number.isFinite(mb) && mb > 0)) throw new XafsError('EOPTION', `${ENV[key]} must be a positive number of megabytes (got '${env}')`);
    return Math.min(mb * MIB, HARD_MAX);
  }
  return DEFAULT_INPUT_LIMITS[key];
}

/** How to raise a cap, for messages. */
function raiseHint(key: keyof InputLimits): string {
  return `set ${ENV[key]} (megabytes) or call setInputLimits({ ${key} }) to allow more`;
}

const fmtMB = (bytes: number): string => `${+(bytes / MIB).toFixed(1)} MB`;

function openError(path: string, err: unknown): XafsError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new XafsError('ENOENT', `file not found: '${path}'; check the name and the folder`);
  if (code === 'EISDIR') return new XafsError('EFORMAT', `'${path}' is a folder, not a data file; name a file inside it`);
  if (code === 'EACCES' || code === 'EPERM') return new XafsError('ENOENT', `cannot read '${path}': permission denied`);
  if (code === 'ELOOP') return new XafsError('ENOENT', `cannot read '${path}': a symbolic link that loops (or too many links in a row)`);
  if (code === 'ENOTDIR') return new XafsError('ENOENT', `file not found: '${path}' (a part of the path is a file, not a folder)`);
  return new XafsError('ENOENT', `cannot read '${path}': ${(err as Error).message}`);
}

/**
 * Opens an input file for reading: a regular file only (symlinks followed), checked on the open
 * descriptor (non-blocking open, so a FIFO cannot hang the open itself), at most the `limit` cap
 * (null: no cap, for files read by parts such as HDF5). Returns the descriptor and the size; the
 * caller closes it.
 */
export function openInput(path: string, limit: keyof InputLimits | null = 'maxInputBytes'): { fd: number; size: number; max: number } {
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    throw openError(path, err);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new XafsError('EFORMAT', `'${path}' is a folder, not a data file; name a file inside it`);
    if (!st.isFile()) {
      const kind = st.isFIFO() ? 'a named pipe (FIFO)' : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : st.isSocket() ? 'a socket' : 'not a regular file';
      throw new XafsError('EFORMAT', `'${path}' is ${kind}, not a regular file; xafs reads data only from regular files: save the data to a file and read that`);
    }
    const max = limit === null ? Infinity : inputLimit(limit);
    if (limit !== null && st.size > max) {
      throw new XafsError('EFORMAT', `'${path}' is ${fmtMB(st.size)}, above the input limit of ${fmtMB(max)}; ${raiseHint(limit)}`);
    }
    return { fd, size: st.size, max };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/**
 * Read a file's bytes through openInput: a regular file, at most the maxInputBytes cap (a file
 * that grows past it while being read is refused too), file-system failures as XafsError.
 */
export function readBytes(path: string): Buffer {
  const { fd, size, max } = openInput(path);
  try {
    let buf = Buffer.allocUnsafe(Math.min(size, max) + 1);
    let got = 0;
    for (;;) {
      if (got === buf.length) {
        if (got > max) throw new XafsError('EFORMAT', `'${path}' grew past the input limit of ${fmtMB(max)} while being read; ${raiseHint('maxInputBytes')}`);
        const grown = Buffer.allocUnsafe(Math.min(buf.length * 2, max + 1));
        buf.copy(grown, 0, 0, got);
        buf = grown;
      }
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } catch (err) {
    if (err instanceof XafsError) throw err;
    throw openError(path, err);
  } finally {
    closeSync(fd);
  }
}

/** True for gzip-compressed bytes (magic 1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * gunzip with the output capped at maxInputBytes (a 600 kB file may inflate to 600 MB):
 * XafsError naming the cap and how to raise it; other failures: a damaged file.
 */
export function gunzipInput(bytes: Uint8Array, path: string): Buffer {
  const max = inputLimit('maxInputBytes');
  try {
    return gunzipSync(bytes, { maxOutputLength: max });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new XafsError('EFORMAT', `${path} is gzip-compressed and inflates past the input limit of ${fmtMB(max)}; ${raiseHint('maxInputBytes')}`);
    }
    throw new XafsError('EFORMAT', `${path} is gzip-compressed but cannot be decompressed (${(err as Error).message}); the file is truncated or damaged`);
  }
}

/**
 * A file's bytes, decompressed when gzip-compressed (`scan.dat.gz`, `scan.xdi.gz`).
 * Departure: Larch read_ascii decodes the compressed bytes as UTF-8 and fails.
 */
export function readPlainBytes(path: string): Uint8Array {
  const bytes = readBytes(path);
  return isGzip(bytes) ? gunzipInput(bytes, path) : bytes;
}

/** 'le' or 'be' for UTF-16 text (a byte-order mark, or NUL at every other byte of the head), else null. */
export function utf16Order(bytes: Uint8Array): 'le' | 'be' | null {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'le';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'be';
  // no mark: ASCII text in UTF-16 has a NUL beside every character
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 8) return null;
  let evenZero = true;
  let oddZero = true;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] !== 0) evenZero = false;
    if (bytes[i + 1] !== 0) oddZero = false;
  }
  if (oddZero && !evenZero) return 'le';
  if (evenZero && !oddZero) return 'be';
  return null;
}

/**
 * Bytes to text: UTF-16 when it has a byte-order mark (or NULs at every other byte), UTF-8, or Latin-1 when the bytes are not valid UTF-8 (a header written on an
 * old Windows or Mac beamline PC: 'Température', 'µ', '°C', 'Å' as single bytes). A UTF-8
 * byte-order mark is dropped.
 * Departure: Larch decodes strictly as UTF-8 and raises UnicodeDecodeError on such files.
 */
export function decodeBytes(bytes: Uint8Array): { text: string; latin1: boolean } {
  let text: string;
  let latin1 = false;
  const utf16 = utf16Order(bytes);
  if (utf16 !== null) {
    // UTF-16 (Windows 'Unicode' text): decoded, the byte-order mark dropped
    text = new TextDecoder(utf16 === 'le' ? 'utf-16le' : 'utf-16be').decode(bytes);
  } else if (isUtf8(bytes)) {
    // what TextDecoder('utf-8', {fatal: true}) gives (it drops one leading byte-order mark),
    // by Node's faster decoder for input already known to be valid
    const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    text = Buffer.from(bytes.buffer, bytes.byteOffset + bom, bytes.length - bom).toString('utf8');
  } else {
    text = new TextDecoder('latin1').decode(bytes);
    latin1 = true;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text, latin1 };
}

/** Text (UTF-8, else Latin-1) with CR/CRLF normalised to LF (Larch read_ascii), a byte-order mark dropped. */
export function decodeText(bytes: Uint8Array): string {
  return lf(decodeBytes(bytes).text);
}

/** CR and CRLF to LF; the text itself (no copy, no regex pass) when it holds no CR. */
function lf(text: string): string {
  return text.indexOf('\r') < 0 ? text : text.replace(/\r\n?/g, '\n');
}

/** Text input for the readers: a path to read, or text already in memory with its name. */
export interface TextSource {
  text: string;
  path: string;
}

export function sourceText(input: string | TextSource): TextSource {
  if (typeof input === 'string') return { text: decodeText(readPlainBytes(input)), path: input };
  return { text: lf(input.text), path: input.path };
}

/**
 * Text for a terminal: control characters (C0 but tab and newline, DEL, C1) and the bidirectional
 * overrides are shown as escapes (`\x1b`, `\u202e`), so a data cell or a file name cannot clear
 * the screen, set the window title or reorder a line. Used by the CLI's printer for every
 * message and summary.
 */
const TERMINAL_UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
export function escapeControls(text: string): string {
  TERMINAL_UNSAFE.lastIndex = 0;
  if (!TERMINAL_UNSAFE.test(text)) return text;
  return text.replace(TERMINAL_UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    // C0 as \\xHH (as shells show them); DEL, C1 and bidi controls as \\uHHHH, which is also a valid
    // JSON escape: JSON.stringify leaves those raw, so --json output stays one JSON document
    return code < 0x20 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
