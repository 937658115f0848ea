/**
 * Athena project files (.prj) as Larch 0.9.58 read_athena reads them (docs/docs/conventions.md
 * §7.3): gzip or plain text; the JSON variant (`_____header`, `_____order`) or the Perl variant
 * (a dump of `$old_group = '...'; @args = (...); @x = (...); ... [record]` statements).
 *
 * The Perl statements are read with a small tokenizer of Perl literals (quoted strings with
 * their escapes, numbers, `undef`, nested ( ) / [ ] lists and { } hashes, `,` and `=>`);
 * nothing is evaluated.
 *
 * Departures from Larch, each where Larch loses data:
 * - Larch evaluates each line with asteval, whose Interpreter refuses statements longer than
 *   50 000 characters (max_statement_length): Fe.prj, whose 'Hematite' group has 2404 points and
 *   so a 54 975-character `@stddev` line, cannot be read by stock Larch 0.9.58 ("length of text
 *   exceeds 50000 characters"). With that limit raised Larch reads it and gives the numbers in
 *   fixtures/reference/athena.json, which we match. We have no such limit. Of the projects Larch
 *   ships as examples, AgL3_CAMD, Fe, FeDem, Hg, Mn, Mn_all and PbL3_CAMD fail this way
 *   (fixtures/reference/sweep_athena.json records the error and the answer with the limit raised).
 * - Larch drops every line that contains the substring "undef" (a whole `@args` or `@x` line
 *   when one value is Perl's undef, or a title that says "undefined"). We read `undef` as null
 *   and keep the line. In the seven projects of fixtures/reference/athena.json only
 *   `%plot_features` lines (ignored by both) contain it, so the groups and sums are Larch's.
 *   The examples Larch ships show what that costs: in athena1.prj, athena_MN.prj and
 *   zn_solution.prj the `@args` line of some records holds an `undef` value, so Larch loses
 *   the whole line: the group is labelled with its hash key ('ppey') instead of its label, and
 *   loses its parameters; in bal3ybco.prj and cuybco.prj the lost line is the one that says
 *   is_chi, so Larch hands χ(k) records out as μ(E). We keep the label, the parameters and
 *   isChi. Points and sums are the same.
 * - Larch keys groups by their Larch name (fix_varname(label)), so of two records with one
 *   label only the last survives, listed where the first one was (AsXAFS_a.prj has two
 *   different merges labelled 'BL2 merge3'). We list the groups in Larch's order with Larch's
 *   choice in place, so a lookup by label finds the group Larch gives, and add the records it
 *   drops after them, with a warning naming their record ids (pick them by id).
 */
import { XafsError } from '../errors.js';
import type { AthenaGroup, AthenaProject } from '../types.js';
import { decodeBytes, fixVarname, gunzipInput, isGzip, pyFloat, readBytes } from './text.js';

type PerlValue = string | number | null | PerlValue[] | { [key: string]: PerlValue };

const MAGIC = 'Athena project file -- ';

/**
 * The character of a Perl `\x{hhhh}` escape. Perl allows code points past Unicode's last
 * (U+10FFFF), which no string can hold: they become U+FFFD, the replacement character.
 */
function perlChar(hex: string): string {
  const cp = Number.parseInt(hex, 16);
  return cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
}

/** Decompressed text of a project file, or null when the bytes are not an Athena project. */
export function athenaText(bytes: Uint8Array, path = 'the project'): string | null {
  let data = bytes;
  if (isGzip(bytes)) {
    try {
      data = gunzipInput(bytes, path);
    } catch (err) {
      // past the inflate cap: say so; a damaged stream is just not a project
      if (err instanceof XafsError && err.message.includes('input limit')) throw err;
      return null;
    }
  }
  // look at the head first: most files handed to readFile are column files, not projects
  const head = new TextDecoder('utf-8').decode(data.subarray(0, 2048)).slice(0, 500);
  if (!head.includes(MAGIC)) return null;
  // Athena writes UTF-8; older projects may carry Latin-1 labels, which Larch cannot decode
  // (UnicodeDecodeError): we read those bytes as Latin-1 instead of failing.
  return decodeBytes(data).text;
}

class PerlSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** A cursor over the project text that reads Perl literals. */
class PerlReader {
  pos = 0;
  private depth = 0;
  constructor(readonly text: string) {}

  /** 1-based line of a character offset (only needed for messages). */
  lineAt(offset: number): number {
    let n = 1;
    for (let i = this.text.indexOf('\n'); i >= 0 && i < offset; i = this.text.indexOf('\n', i + 1)) n++;
    return n;
  }

  skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length && /\s/.test(t[this.pos]!)) this.pos++;
  }

  error(what: string): PerlSyntaxError {
    return new PerlSyntaxError(what, this.pos);
  }

  value(): PerlValue {
    this.skipSpace();
    const t = this.text;
    const ch = t[this.pos];
    if (ch === undefined) throw this.error('the file ends inside a value');
    if (ch === "'") return this.singleQuoted();
    if (ch === '"') return this.doubleQuoted();
    if (ch === '(' || ch === '[' || ch === '{') {
      // Athena nests two or three levels; a runaway nesting is damage, not data
      if (++this.depth > 64) throw this.error('lists nested more than 64 deep');
      const v = ch === '{' ? this.hash() : this.list(ch === '(' ? ')' : ']');
      this.depth--;
      return v;
    }
    const num = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(t.slice(this.pos, this.pos + 64));
    if (num) {
      this.pos += num[0].length;
      return Number(num[0]);
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(t.slice(this.pos, this.pos + 256));
    if (word) {
      this.pos += word[0].length;
      return word[0] === 'undef' ? null : word[0]; // barewords: hash keys before '=>'
    }
    throw this.error(`unexpected '${ch}'`);
  }

  /** Perl single quotes: only \\ and \' are escapes. Larch also decodes \x{hhhh}, so do we. */
  singleQuoted(): string {
    const t = this.text;
    let out = '';
    let i = this.pos + 1;
    for (;;) {
      const ch = t[i];
      if (ch === undefined) throw new PerlSyntaxError('a quoted string is not closed', this.pos);
      if (ch === "'") break;
      if (ch === '\\' && (t[i + 1] === '\\' || t[i + 1] === "'")) {
        out += t[i + 1];
        i += 2;
        continue;
      }
      const hex = ch === '\\' ? /^\\x\{([0-9A-Fa-f]{1,6})\}/.exec(t.slice(i, i + 10)) : null;
      if (hex) {
        out += perlChar(hex[1]!);
        i += hex[0].length;
        continue;
      }
      out += ch;
      i++;
    }
    this.pos = i + 1;
    return out;
  }

  /** Perl double quotes: backslash escapes (\n \t \x{hhhh} \xhh, others give the character). */
  doubleQuoted(): string {
    const t = this.text;
    let out = '';
    let i = this.pos + 1;
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', a: '\x07', e: '\x1b', '0': '\0' };
    for (;;) {
      const ch = t[i];
      if (ch === undefined) throw new PerlSyntaxError('a quoted string is not closed', this.pos);
      if (ch === '"') break;
      if (ch === '\\') {
        const next = t[i + 1] ?? '';
        const hex = /^x(?:\{([0-9A-Fa-f]{1,6})\}|([0-9A-Fa-f]{1,2}))/.exec(t.slice(i + 1, i + 12));
        if (hex) {
          out += perlChar(hex[1] ?? hex[2]!);
          i += 1 + hex[0].length;
        } else {
          out += simple[next] ?? next;
          i += 2;
        }
        continue;
      }
      out += ch;
      i++;
    }
    this.pos = i + 1;
    return out;
  }

  /** `( a, b => c, [ ... ] )`: ',' and '=>' both separate items (Perl's fat comma). The cursor is on the opening bracket. */
  list(close: string): PerlValue[] {
    this.pos++;
    const items: PerlValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return items;
      }
      items.push(this.value());
      this.skipSpace();
      if (this.text.startsWith('=>', this.pos)) this.pos += 2;
      else if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== close) throw this.error(`expected ',' or '${close}'`);
    }
  }

  /** `{ key => value, ... }` (a Perl hash reference, e.g. 'xdi_mono',{}). */
  hash(): { [key: string]: PerlValue } {
    const items = this.list('}');
    const out: { [key: string]: PerlValue } = {};
    for (let i = 0; i + 1 < items.length; i += 2) setKey(out, String(items[i]), items[i + 1]!);
    return out;
  }
}

/** obj[key] = value, also for a key named '__proto__' (an own property, never the prototype). */
function setKey<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

interface RawRecord {
  id: string;
  args: Record<string, PerlValue>;
  arrays: Record<string, PerlValue>;
}

/** Larch asfloat: a float when Python's float() accepts the value, else the value unchanged. */
function asFloat(v: unknown): unknown {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const f = pyFloat(v);
    return f === null ? v : f;
  }
  return v;
}

function toArray(value: unknown, what: string, where: string): Float64Array {
  if (!Array.isArray(value)) throw new XafsError('EFORMAT', `${where}: ${what} is not a list of numbers`);
  const out = new Float64Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const v = asFloat(value[i]);
    if (typeof v !== 'number') {
      throw new XafsError('EFORMAT', `${where}: ${what}[${i}] is '${String(value[i])}', not a number; the project file is damaged — re-save it from Athena`);
    }
    out[i] = v;
  }
  return out;
}

/** One group from a record: arrays, label, processing parameters, flags. */
function makeGroup(
  id: string,
  args: Record<string, unknown>,
  arrays: Record<string, unknown>,
  path: string,
  warnings: string[],
): AthenaGroup {
  const label = typeof args['label'] === 'string' ? (args['label'] as string) : id;
  const where = `${path}: group '${label}' (record ${id})`;
  if (arrays['x'] === undefined || arrays['y'] === undefined) {
    throw new XafsError('EFORMAT', `${where} has no ${arrays['x'] === undefined ? 'x' : 'y'} array; the project file is incomplete — re-save it from Athena`);
  }
  let energy = toArray(arrays['x'], 'x', where);
  let mu = toArray(arrays['y'], 'y', where);
  if (energy.length !== mu.length) {
    throw new XafsError('EFORMAT', `${where}: x has ${energy.length} points but y has ${mu.length}; re-save the project from Athena`);
  }
  // a point whose x or y is not a number (nan/inf in the record) is left out, never passed on as NaN
  const bad: number[] = [];
  for (let i = 0; i < energy.length; i++) if (!Number.isFinite(energy[i]!) || !Number.isFinite(mu[i]!)) bad.push(i);
  const badSet = new Set(bad);
  const keep = (a: Float64Array): Float64Array => (bad.length ? a.filter((_, i) => !badSet.has(i)) : a);
  if (bad.length) {
    if (bad.length === energy.length) throw new XafsError('ENONFINITE', `${where}: no point has a finite x and y; re-save the project from Athena`);
    warnings.push(`${where}: ${bad.length} point${bad.length > 1 ? 's' : ''} with x or y not a number left out (point ${bad.slice(0, 5).map((i) => i + 1).join(', ')}${bad.length > 5 ? ', …' : ''})`);
    energy = keep(energy);
    mu = keep(mu);
  }
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    // Larch read_athena: bkg_* → bkg_params, fft_* → fft_params, converted to float when possible
    if (/^(bkg|fft|bft)_/.test(key)) params[key] = asFloat(value);
  }
  const flag = (name: string): boolean => {
    const v = asFloat(args[name]);
    return typeof v === 'number' && Math.trunc(v) !== 0;
  };
  const group: AthenaGroup = { label, energy, mu, params, isChi: flag('is_chi'), id, args };
  for (const name of ['i0', 'signal', 'stddev'] as const) {
    const arr = arrays[name];
    if (!Array.isArray(arr) || arr.length === 0) continue;
    if (arr.length !== energy.length + bad.length) {
      warnings.push(`${where}: ${name} has ${arr.length} points, not ${energy.length + bad.length}; left out`);
      continue;
    }
    group[name] = keep(toArray(arr, name, where));
  }
  return group;
}

function parseJsonProject(text: string, path: string): AthenaProject | null {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null; // Larch falls back to the Perl reader
  }
  const header: string[] = [];
  let journal: string[] = [];
  let order: unknown = undefined;
  for (const [key, value] of Object.entries(doc)) {
    if (key.startsWith('_____head')) header.push(String(value));
    else if (key.startsWith('_____journ')) journal = Array.isArray(value) ? value.map(String) : [String(value)];
    else if (key.startsWith('_____order')) order = value;
  }
  if (!Array.isArray(order)) return null;
  const warnings: string[] = [];
  const groups = order.map((name) => {
    const rec = doc[String(name)] as Record<string, unknown> | undefined;
    if (!rec || typeof rec !== 'object') {
      throw new XafsError('EFORMAT', `${path}: the project lists record '${String(name)}' but does not hold it; re-save it from Athena`);
    }
    const args = (rec['args'] ?? {}) as Record<string, unknown>;
    return makeGroup(String(name), args, rec, path, warnings);
  });
  return { format: 'athena', path, version: projectVersion(header[0] ?? ''), groups: larchOrder(groups, path, warnings), header, journal, warnings };
}

/** Larch's group name for a label: fix_varname, with a 'd' prefix where it starts with '_'. */
export function larchGroupName(label: string): string {
  const name = fixVarname(label);
  return name.startsWith('_') ? 'd' + name : name;
}

/**
 * Larch's group order: groups keyed by Larch name, a repeated name keeping the last record at
 * the place of the first. The records Larch drops follow, in file order, with a warning.
 */
function larchOrder(groups: AthenaGroup[], path: string, warnings: string[]): AthenaGroup[] {
  const byName = new Map<string, AthenaGroup[]>();
  for (const g of groups) {
    const name = larchGroupName(g.label);
    const same = byName.get(name);
    if (same) same.push(g);
    else byName.set(name, [g]);
  }
  if (byName.size === groups.length) return groups;
  const kept: AthenaGroup[] = [];
  const dropped: AthenaGroup[] = [];
  for (const [name, same] of byName) {
    const last = same[same.length - 1]!;
    kept.push(last);
    if (same.length === 1) continue;
    dropped.push(...same.slice(0, -1));
    const ids = same.map((g) => `'${g.id}' ('${g.label}')`).join(', ');
    warnings.push(
      `${path}: ${same.length} records share the group name '${name}': ${ids}; as in Larch the last one ` +
        `('${last.id}') is listed in place, the others after all groups (pick one by its record id)`,
    );
  }
  dropped.sort((a, b) => groups.indexOf(a) - groups.indexOf(b));
  return [...kept, ...dropped];
}

function projectVersion(line: string): string {
  const m = /Athena project file -- (Demeter|Athena) version\s+(\S+)/.exec(line);
  return m ? `${m[1]} ${m[2]}` : '';
}

/** Keys Larch ignores after the records. */
const IGNORED = new Set(['indicator', 'lcf_data', 'plot_features']);

function parsePerlProject(text: string, path: string): AthenaProject {
  const r = new PerlReader(text);
  const header: string[] = [];
  let journal: string[] = [];
  const warnings: string[] = [];
  const records: RawRecord[] = [];
  let current: RawRecord | null = null;
  let inHeader = true;
  const t = text;
  const restOfLine = (): string => {
    const end = t.indexOf('\n', r.pos);
    const s = t.slice(r.pos, end < 0 ? t.length : end);
    r.pos = end < 0 ? t.length : end + 1;
    return s;
  };

  for (;;) {
    r.skipSpace();
    if (r.pos >= t.length) break;
    const start = r.pos;
    const ch = t[r.pos]!;
    if (ch === '#') {
      const line = restOfLine();
      if (inHeader) header.push(line);
      continue;
    }
    if (t.startsWith('[record]', r.pos)) {
      restOfLine();
      if (current) records.push(current);
      current = null;
      continue;
    }
    if (/^1\s*;/.test(t.slice(r.pos, r.pos + 8))) {
      restOfLine();
      continue;
    }
    const m = /^([$@%])([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(t.slice(r.pos, r.pos + 128));
    if (!m) {
      warnings.push(`${path} line ${r.lineAt(start)}: skipped a line Athena projects do not hold: '${restOfLine().slice(0, 60)}'`);
      continue;
    }
    inHeader = false;
    const key = m[2]!;
    r.pos += m[0].length;
    let value: PerlValue;
    try {
      value = r.value();
      r.skipSpace();
      if (t[r.pos] === ';') r.pos++;
    } catch (err) {
      if (!(err instanceof PerlSyntaxError)) throw err;
      const line = r.lineAt(err.offset);
      if (key === 'journal' || IGNORED.has(key)) {
        warnings.push(`${path} line ${line}: could not read '${m[1]}${key}' (${err.message}); skipped`);
        r.pos = err.offset;
        restOfLine();
        continue;
      }
      throw new XafsError('EFORMAT', `${path} line ${line}: cannot read '${m[1]}${key}': ${err.message}; the project file is damaged — re-save it from Athena`);
    }
    if (key === 'old_group') {
      current = { id: String(value), args: {}, arrays: {} };
    } else if (key === 'args') {
      current ??= { id: '', args: {}, arrays: {} };
      // @args is a flat list of alternating keys and values
      const list = Array.isArray(value) ? value : [];
      for (let i = 0; i + 1 < list.length; i += 2) setKey(current.args, String(list[i]), list[i + 1]!);
    } else if (key === 'x' || key === 'y' || key === 'i0' || key === 'signal' || key === 'stddev') {
      current ??= { id: '', args: {}, arrays: {} };
      current.arrays[key] = value;
    } else if (key === 'journal') {
      journal = Array.isArray(value) ? value.map((v) => String(v ?? '')) : [String(value ?? '')];
    } else if (key === 'xdi' || IGNORED.has(key)) {
      // stored XDI header text and plot settings: not needed to rebuild the groups
    } else {
      warnings.push(`${path} line ${r.lineAt(start)}: unknown statement '${m[1]}${key}' skipped`);
    }
  }
  if (current && (current.arrays['x'] !== undefined || Object.keys(current.args).length > 0)) {
    warnings.push(`${path}: the last record ('${current.id}') has no closing [record] line; it was left out, as Larch does`);
  }
  const groups = records.map((rec) => makeGroup(rec.id, rec.args, rec.arrays, path, warnings));
  return { format: 'athena', path, version: projectVersion(header[0] ?? ''), groups: larchOrder(groups, path, warnings), header, journal, warnings };
}

/**
 * Read an Athena project (.prj, gzip or plain; Perl or JSON variant). Each group carries its
 * label as Athena shows it, energy (x) and mu (y), i0/signal/stddev when stored, `params` with
 * the stored bkg_*, fft_* and bft_* parameters (numbers where numeric) and every stored
 * argument in `args`. Throws ENOENT, EFORMAT (not a project, damaged records).
 */
export function readAthena(input: string | { data: Uint8Array | string; path: string }): AthenaProject {
  const path = typeof input === 'string' ? input : input.path;
  const raw = typeof input === 'string' ? readBytes(input) : input.data;
  const text = typeof raw === 'string' ? (raw.slice(0, 500).includes(MAGIC) ? raw : null) : athenaText(raw, path);
  if (text === null) {
    throw new XafsError(
      'EFORMAT',
      `${path}: not an Athena project ('${MAGIC.trim()}' is not in its first 500 characters); export the data from Athena as a .prj or a column file`,
    );
  }
  if (text.slice(0, 500).includes('____header')) {
    const project = parseJsonProject(text, path);
    if (project) return project;
  }
  return parsePerlProject(text.replace(/\r\n?/g, '\n'), path);
}
