// The fuzz engine shared by test/fuzz/fuzz.test.ts (CI: a seeded few thousand cases) and
// scripts/fuzz.mjs (`npm run fuzz`: long runs). Plain JavaScript so that both vitest and plain node
// load it; its types are in engine.d.mts. See docs/fuzzing.md.
//
// A *case* is one xafs command line over inputs made by mutating the seed files of
// fixtures/fuzz/seeds.json: {id, command, argv, files: {NAME: Buffer}, mutations: [..]}. In argv and
// in the text of recipe files, `{dir}` stands for the folder the case's files are written to and
// `{fixtures}` for the repository's fixtures/ folder. A case is reproducible from (seed, index)
// alone, and a case file (caseToJson) replays it without the generator.
import { gunzipSync, gzipSync } from 'node:zlib';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = join(ROOT, 'fixtures');
export const FUZZ_DIR = join(FIXTURES, 'fuzz');
/** A run longer than this is a failure (and is stopped). */
export const MAX_MS = 10_000;

// ---------------------------------------------------------------- PRNG

/** mulberry32: a tiny seeded PRNG, identical on every platform. Returns floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Helpers over one PRNG: int in [0, n), pick, chance, weighted pick. */
export function rng(seed) {
  const next = mulberry32(seed);
  const r = {
    next,
    int: (n) => Math.floor(next() * n),
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
    weighted: (entries) => {
      const total = entries.reduce((s, [w]) => s + w, 0);
      let x = next() * total;
      for (const [w, v] of entries) {
        if ((x -= w) < 0) return v;
      }
      return entries[entries.length - 1][1];
    },
  };
  return r;
}

/** The PRNG seed of case `index` of a run seeded `seed` (so any case regenerates alone). */
export const caseSeed = (seed, index) => (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;

// ---------------------------------------------------------------- seeds

/** fixtures/fuzz/seeds.json with each seed's bytes loaded. */
export function loadSeeds() {
  const list = JSON.parse(readFileSync(join(FUZZ_DIR, 'seeds.json'), 'utf8')).seeds;
  return list.map((s) => ({ ...s, bytes: readFileSync(join(FIXTURES, s.path)) }));
}

// ---------------------------------------------------------------- mutators

/** Values a numeric cell is replaced with: extremes, non-numbers, things that look like numbers. */
export const CELL_VALUES = [
  '1e308', '-1e308', '1e-308', '5e-324', '0', '-0', '-1', '-99999', '1e5', '2e4', '99999999', '1e20',
  'NaN', 'nan', 'inf', '-inf', 'Infinity', '-Infinity', '1.2.3', '2019-01-01', '12h', 'Monday', '3rd',
  '0x10', '1,5', '1e', '.', '-', '+', '--1', '1e+', '', '""', 'null', 'true', '١٢٣', '１２', '1_000',
  '9'.repeat(400), '0.' + '0'.repeat(300) + '1', '\u001b[2J', '\u001b]0;pwned\u0007',
];

/** Labels and header words that test the reader's column naming and the terminal (item 19). */
const LABEL_VALUES = [
  'energy', 'mu', 'i0', 'itrans', 'Energy', 'ENERGY', 'e', 'mu mu', '', '__proto__', 'constructor',
  'col1', 'toString', 'a\u001b[31mred', '\u001b[2J\u001b[H', '\u001b]0;title\u0007', 'tab\there', 'Å', 'µ(E)',
  'x'.repeat(300), 'null', 'NaN', '#', '1.5', 'é\u0301',
];

const COMMENT_CHARS = ['#', ';', '!', '%', '*', '', '# #', '//'];

const isData = (l) => /^\s*[-+.\d]/.test(l) && !/^\s*#/.test(l);

function lines(text) {
  return text.split('\n');
}

/** Each mutator takes (bytes: Buffer, r) and returns {bytes, note}. Text mutators work on latin1 so every byte survives. */
const textMutators = {
  flipBytes(b, r) {
    const out = Buffer.from(b);
    const n = r.range(1, 8);
    for (let i = 0; i < n && out.length > 0; i++) out[r.int(out.length)] = r.chance(0.5) ? out[r.int(out.length)] ^ (1 << r.int(8)) : r.int(256);
    return { bytes: out, note: `flip ${n} bytes` };
  },
  truncate(b, r) {
    const at = r.int(b.length + 1);
    return { bytes: b.subarray(0, at), note: `truncate at ${at}` };
  },
  lineOps(b, r) {
    const ls = lines(b.toString('latin1'));
    const notes = [];
    for (let k = r.range(1, 4); k > 0 && ls.length > 0; k--) {
      const i = r.int(ls.length);
      const op = r.pick(['dup', 'del', 'swap', 'dupmany', 'delmany']);
      if (op === 'dup') ls.splice(i, 0, ls[i]);
      else if (op === 'del') ls.splice(i, 1);
      else if (op === 'swap') {
        const j = r.int(ls.length);
        [ls[i], ls[j]] = [ls[j], ls[i]];
      } else if (op === 'dupmany') ls.splice(i, 0, ...Array(r.range(2, 50)).fill(ls[i]));
      else ls.splice(i, r.range(2, 100));
      notes.push(`${op}@${i}`);
    }
    return { bytes: Buffer.from(ls.join('\n'), 'latin1'), note: `lines ${notes.join(' ')}` };
  },
  numericCell(b, r) {
    const ls = lines(b.toString('latin1'));
    const data = ls.map((l, i) => (isData(l) ? i : -1)).filter((i) => i >= 0);
    if (data.length === 0) return textMutators.flipBytes(b, r);
    const notes = [];
    for (let k = r.weighted([[6, 1], [2, 2], [1, 5]]); k > 0; k--) {
      // the first and last rows are where stray values hurt most (ranges, k grids)
      const i = r.weighted([[2, data[0]], [2, data[data.length - 1]], [6, r.pick(data)]]);
      const cells = ls[i].trim().split(/(\s+|,)/);
      const tokens = cells.map((c, j) => (/^(\s+|,)$/.test(c) ? -1 : j)).filter((j) => j >= 0);
      const j = r.chance(0.4) ? tokens[0] : r.pick(tokens);
      const v = r.pick(CELL_VALUES);
      cells[j] = v;
      ls[i] = cells.join('');
      notes.push(`line ${i + 1} cell ${tokens.indexOf(j) + 1} = ${JSON.stringify(v)}`);
    }
    return { bytes: Buffer.from(ls.join('\n'), 'latin1'), note: notes.join('; ') };
  },
  columnOps(b, r) {
    const ls = lines(b.toString('latin1'));
    const data = ls.map((l, i) => (isData(l) ? i : -1)).filter((i) => i >= 0);
    if (data.length === 0) return textMutators.flipBytes(b, r);
    const op = r.pick(['reverse', 'constant', 'zero', 'scale1000', 'scale0.001', 'dupenergy', 'negate', 'shuffle']);
    const rows = data.map((i) => ls[i].trim().split(/\s+/));
    const col = r.chance(0.5) ? 0 : r.int(rows[0].length);
    if (op === 'reverse') rows.reverse();
    else if (op === 'shuffle') {
      for (let i = rows.length - 1; i > 0; i--) {
        const j = r.int(i + 1);
        [rows[i], rows[j]] = [rows[j], rows[i]];
      }
    } else {
      for (let i = 0; i < rows.length; i++) {
        const x = Number(rows[i][col]);
        if (op === 'constant') rows[i][col] = rows[0][col];
        else if (op === 'zero') rows[i][col] = '0';
        else if (op === 'scale1000') rows[i][col] = String(x * 1000);
        else if (op === 'scale0.001') rows[i][col] = String(x / 1000);
        else if (op === 'negate') rows[i][col] = String(-x);
        else if (op === 'dupenergy' && i % 2 === 1) rows[i][0] = rows[i - 1][0];
      }
    }
    data.forEach((li, k) => (ls[li] = rows[k].join(' ')));
    return { bytes: Buffer.from(ls.join('\n'), 'latin1'), note: `column ${col + 1} ${op}` };
  },
  ragged(b, r) {
    const ls = lines(b.toString('latin1'));
    const data = ls.map((l, i) => (isData(l) ? i : -1)).filter((i) => i >= 0);
    if (data.length === 0) return textMutators.flipBytes(b, r);
    const notes = [];
    for (let k = r.range(1, 3); k > 0; k--) {
      const i = r.pick(data);
      const cells = ls[i].trim().split(/\s+/);
      if (r.chance(0.5) && cells.length > 1) cells.splice(r.int(cells.length), 1);
      else cells.splice(r.int(cells.length + 1), 0, String(r.next() * 10));
      ls[i] = cells.join(' ');
      notes.push(`line ${i + 1} has ${cells.length} cells`);
    }
    return { bytes: Buffer.from(ls.join('\n'), 'latin1'), note: `ragged: ${notes.join('; ')}` };
  },
  header(b, r) {
    const ls = lines(b.toString('latin1'));
    const head = ls.map((l, i) => (/^\s*[#;!%*]/.test(l) || (!isData(l) && l.trim() !== '') ? i : -1)).filter((i) => i >= 0);
    const op = r.pick(['column-n', 'comment-char', 'labels', 'drop', 'insert', 'xdi-version', 'uncomment']);
    if (head.length === 0 || op === 'insert') {
      const at = head.length ? r.pick(head) : 0;
      ls.splice(at, 0, r.pick(['# energy mu', '# Column.1: energy eV', '# XDI/1.0', '#----', '# ///', '#', `# ${r.pick(LABEL_VALUES)} ${r.pick(LABEL_VALUES)}`]));
      return { bytes: Buffer.from(ls.join('\n'), 'latin1'), note: `header insert at line ${at + 1}` };
    }
    const i = r.pick(head);
    if (op === 'column-n') ls[i] = ls[i].replace(/Column\.\d+/, `Column.${r.pick(['0', '-1', '999999', 'x', '1', '2', '1e3'])}`) + (r.chance(0.3) ? ` ${r.pick(LABEL_VALUES)}` : '');
    else if (op === 'comment-char') ls[i] = ls[i].replace(/^\s*[#;!%*]?/, r.pick(COMMENT_CHARS));
    else if (op === 'labels') ls[i] = `# ${Array.from({ length: r.range(0, 6) }, () => r.pick(LABEL_VALUES)).join(' ')}`;
    else if (op === 'drop') ls.splice(i, 1);
    else if (op === 'xdi-version') ls[i] = r.pick(['# XDI/', '# XDI/9.9 x', '# XDI/1.0 \u001b[2J', '# xdi/1.0']);
    else ls[i] = ls[i].replace(/^\s*[#;!%*]+/, '');
    return { bytes: Buffer.from(ls.join('\n'), 'latin1'), note: `header ${op} line ${i + 1}` };
  },
  lineEnds(b, r) {
    const t = b.toString('latin1').replace(/\r\n/g, '\n');
    const op = r.pick(['crlf', 'cr', 'mixed', 'none-at-end', 'lfcr']);
    let out;
    if (op === 'crlf') out = t.replace(/\n/g, '\r\n');
    else if (op === 'cr') out = t.replace(/\n/g, '\r');
    else if (op === 'lfcr') out = t.replace(/\n/g, '\n\r');
    else if (op === 'mixed') out = t.replace(/\n/g, () => r.pick(['\n', '\r\n', '\r']));
    else out = t.replace(/\n+$/, '');
    return { bytes: Buffer.from(out, 'latin1'), note: `line ends ${op}` };
  },
  encoding(b, r) {
    const op = r.pick(['utf16le-bom', 'utf16be-bom', 'utf16le', 'utf8-bom', 'latin1-high']);
    const text = b.toString('latin1');
    if (op === 'utf8-bom') return { bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]), note: op };
    if (op === 'latin1-high') return { bytes: Buffer.from(text.replace(/#/, '# Température µ ß Å\u00ff'), 'latin1'), note: op };
    const le = Buffer.from(text, 'utf16le');
    if (op === 'utf16le') return { bytes: le, note: op };
    if (op === 'utf16le-bom') return { bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), le]), note: op };
    const be = Buffer.from(le);
    be.swap16();
    return { bytes: Buffer.concat([Buffer.from([0xfe, 0xff]), be]), note: op };
  },
  longLine(b, r) {
    const ls = lines(b.toString('latin1'));
    const len = r.weighted([[4, 4096], [3, 65536], [1, 262144]]);
    const i = r.int(ls.length + 1);
    const kind = r.pick(['comment', 'numbers', 'word', 'labels']);
    let line;
    if (kind === 'comment') line = '# ' + 'x'.repeat(len);
    else if (kind === 'numbers') line = Array.from({ length: Math.ceil(len / 8) }, (_, k) => (7000 + k * 0.5).toFixed(1)).join(' ');
    else if (kind === 'labels') line = '# ' + Array.from({ length: Math.ceil(len / 6) }, (_, k) => `c${k}`).join(' ');
    else line = 'a'.repeat(len);
    ls.splice(i, 0, line);
    return { bytes: Buffer.from(ls.join('\n'), 'latin1'), note: `long ${kind} line (${line.length} chars) at line ${i + 1}` };
  },
  noise(b, r) {
    const op = r.pick(['block', 'whole', 'nul', 'empty', 'blank', 'header-only']);
    if (op === 'empty') return { bytes: Buffer.alloc(0), note: 'empty file' };
    if (op === 'blank') return { bytes: Buffer.from(r.pick(['\n', '   \n\n', '\r\n\t\n', ' '])), note: 'blank file' };
    if (op === 'header-only') return { bytes: Buffer.from(lines(b.toString('latin1')).filter((l) => !isData(l)).join('\n'), 'latin1'), note: 'header only' };
    const out = Buffer.from(b);
    if (op === 'whole') {
      const n = r.range(1, 4096);
      const rand = Buffer.alloc(n);
      for (let i = 0; i < n; i++) rand[i] = r.int(256);
      return { bytes: rand, note: `${n} random bytes` };
    }
    const at = r.int(out.length + 1);
    const n = Math.min(r.range(1, 512), out.length - at);
    for (let i = 0; i < n; i++) out[at + i] = op === 'nul' ? 0 : r.int(256);
    return { bytes: out, note: `${op} ${n} bytes at ${at}` };
  },
  control(b, r) {
    // escape sequences inside cells and labels: the terminal must never receive them raw (item 19)
    const ls = lines(b.toString('latin1'));
    const i = r.int(ls.length);
    const seq = r.pick(['\u001b[2J', '\u001b]0;title\u0007', '\u001b[31m', '\u0007', '\u0008\u0008', '\u009b2J', '\r']);
    const pos = r.int(ls[i].length + 1);
    ls[i] = ls[i].slice(0, pos) + seq + ls[i].slice(pos);
    return { bytes: Buffer.from(ls.join('\n'), 'latin1'), note: `control ${JSON.stringify(seq)} in line ${i + 1}` };
  },
};

const TEXT_WEIGHTS = [
  [10, 'numericCell'], [7, 'lineOps'], [5, 'flipBytes'], [4, 'truncate'], [5, 'columnOps'], [5, 'ragged'], [6, 'header'],
  [3, 'lineEnds'], [2, 'encoding'], [1, 'longLine'], [2, 'noise'], [2, 'control'],
];

/** Mutate a text file 1–3 times; returns {bytes, notes}. */
export function mutateText(bytes, r, count = r.weighted([[6, 1], [3, 2], [1, 3]])) {
  let b = bytes;
  const notes = [];
  for (let k = 0; k < count; k++) {
    const name = r.weighted(TEXT_WEIGHTS);
    const m = textMutators[name](b, r);
    b = m.bytes;
    notes.push(m.note);
  }
  return { bytes: b, notes };
}

const isGzip = (b) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Athena projects: Perl or JSON text mutations (labels, arrays, code points), then gzip again or not. */
const PRJ_STRINGS = ['\\x{110000}', '\\x{d800}', '\\x{1F600}', '\\x{7}', '\\x{1b}[2J', '\\', "'", '"', '@&^^null^^&@', '', 'undef', '\u001b]0;t\u0007'];
export function mutateProject(bytes, r) {
  const gz = isGzip(bytes);
  if (gz && r.chance(0.15)) {
    // damage the compressed stream itself
    const m = r.chance(0.5) ? textMutators.truncate(bytes, r) : textMutators.flipBytes(bytes, r);
    return { bytes: m.bytes, notes: [`gzip ${m.note}`] };
  }
  let text = (gz ? gunzipSync(bytes) : bytes).toString('latin1');
  const notes = [];
  for (let k = r.weighted([[5, 1], [3, 2], [1, 3]]); k > 0; k--) {
    const op = r.weighted([[4, 'number'], [3, 'string'], [4, 'text'], [1, 'array']]);
    if (op === 'number') {
      const hits = [...text.matchAll(/-?\d+\.?\d*(e[-+]?\d+)?/gi)];
      if (hits.length === 0) continue;
      const h = r.pick(hits);
      const v = r.pick(['1e308', '-1', '0', 'NaN', '1e5', '9'.repeat(30), '1.2.3', '-0', '"x"', '']);
      text = text.slice(0, h.index) + v + text.slice(h.index + h[0].length);
      notes.push(`prj number at ${h.index} = ${JSON.stringify(v)}`);
    } else if (op === 'string') {
      const hits = [...text.matchAll(/'[^'\n]{0,40}'|"[^"\n]{0,40}"/g)];
      if (hits.length === 0) continue;
      const h = r.pick(hits);
      const q = h[0][0];
      const v = r.pick(PRJ_STRINGS);
      text = text.slice(0, h.index) + q + v + q + text.slice(h.index + h[0].length);
      notes.push(`prj string at ${h.index} = ${JSON.stringify(v)}`);
    } else if (op === 'array') {
      // cut an array short: fewer μ than energies
      const hits = [...text.matchAll(/\[|\(/g)];
      if (hits.length === 0) continue;
      const h = r.pick(hits);
      const end = text.indexOf(h[0] === '[' ? ']' : ')', h.index);
      if (end < 0) continue;
      const inner = text.slice(h.index + 1, end).split(',');
      inner.splice(r.int(inner.length), r.range(1, Math.max(1, inner.length >> 1)));
      text = text.slice(0, h.index + 1) + inner.join(',') + text.slice(end);
      notes.push(`prj array at ${h.index} shortened`);
    } else {
      const m = r.weighted([[3, 'lineOps'], [2, 'truncate'], [2, 'flipBytes'], [1, 'lineEnds'], [1, 'control']]);
      const res = textMutators[m](Buffer.from(text, 'latin1'), r);
      text = res.bytes.toString('latin1');
      notes.push(`prj ${res.note}`);
    }
  }
  const plain = Buffer.from(text, 'latin1');
  const regz = gz ? r.chance(0.85) : r.chance(0.1);
  return { bytes: regz ? gzipSync(plain) : plain, notes: notes.concat(regz === gz ? [] : [regz ? 'gzipped' : 'gunzipped']) };
}

/** A gzip-compressed column file: mutate the text inside (mostly) or the compressed bytes. */
export function mutateGzipText(bytes, r) {
  if (r.chance(0.2)) {
    const m = r.chance(0.5) ? textMutators.truncate(bytes, r) : textMutators.flipBytes(bytes, r);
    return { bytes: m.bytes, notes: [`gzip ${m.note}`] };
  }
  const m = mutateText(gunzipSync(bytes), r);
  return { bytes: r.chance(0.9) ? gzipSync(m.bytes) : m.bytes, notes: m.notes };
}

// ---------------------------------------------------------------- recipes

/** Values a recipe field is replaced with: wrong types, absurd ranges, prototype keys. */
const RECIPE_VALUES = [
  -1, 0, 1e308, -1e308, 1e-300, 1e6, 100000, -5, 0.5, 3, 'rbkg', '3', 'NaN', '', null, true, false, [], [1, 2], {}, { a: 1 },
  '__proto__', 'deriv-fit', 'half', 'all', '../../../etc/passwd', '\u001b[2J', 'x'.repeat(2000),
];
const RECIPE_KEYS = ['__proto__', 'constructor', 'prototype', 'rbk', 'methods', 'kmin', 'emin', 'extra', 'inputs', 'process', 'edge', 'lcf', 'valence', 'version', 'toString'];

function paths(obj, prefix = []) {
  if (obj === null || typeof obj !== 'object') return [prefix];
  const out = [prefix];
  for (const k of Object.keys(obj)) out.push(...paths(obj[k], [...prefix, k]));
  return out;
}

function setPath(obj, path, value) {
  if (path.length === 0) return value;
  let o = obj;
  for (const k of path.slice(0, -1)) o = o[k];
  o[path[path.length - 1]] = value;
  return obj;
}

/** Structural recipe mutations (on a parsed copy): wrong types, absurd values, unknown and deleted keys. */
export function mutateRecipe(recipe, r) {
  let obj = structuredClone(recipe);
  const notes = [];
  for (let k = r.weighted([[5, 1], [3, 2], [1, 4]]); k > 0; k--) {
    const all = paths(obj).filter((p) => p.length > 0);
    if (all.length === 0) break;
    const op = r.weighted([[5, 'value'], [2, 'unknown'], [2, 'delete'], [1, 'wrap']]);
    const p = r.pick(all);
    if (op === 'value') {
      const v = structuredClone(r.pick(RECIPE_VALUES));
      obj = setPath(obj, p, v);
      notes.push(`${p.join('.')} = ${JSON.stringify(v)}`.slice(0, 120));
    } else if (op === 'unknown') {
      const parent = p.slice(0, -1);
      let o = obj;
      for (const key of parent) o = o[key];
      if (o && typeof o === 'object' && !Array.isArray(o)) {
        const key = r.pick(RECIPE_KEYS);
        // defineProperty so that '__proto__' becomes an own key, as JSON.parse makes it
        Object.defineProperty(o, key, { value: structuredClone(r.pick(RECIPE_VALUES)), enumerable: true, writable: true, configurable: true });
        notes.push(`unknown key ${[...parent, key].join('.')}`);
      }
    } else if (op === 'delete') {
      const parent = p.slice(0, -1);
      let o = obj;
      for (const key of parent) o = o[key];
      if (Array.isArray(o)) o.splice(Number(p[p.length - 1]), 1);
      else delete o[p[p.length - 1]];
      notes.push(`delete ${p.join('.')}`);
    } else {
      let o = obj;
      for (const key of p.slice(0, -1)) o = o[key];
      const last = p[p.length - 1];
      o[last] = r.chance(0.5) ? [o[last]] : { value: o[last] };
      notes.push(`wrap ${p.join('.')}`);
    }
  }
  return { recipe: obj, notes };
}

/** A recipe as JSON or (sometimes) YAML-looking text; JSON is valid YAML, so flow style suffices. */
function recipeText(obj, r) {
  if (r.chance(0.15)) {
    // a YAML document: a few YAML-only constructs in front of the same data
    const tag = r.pick(['', '%YAML 1.2\n---\n', '# comment\n', '!!js/function >\n  function () {}\n', '---\n']);
    return { name: 'recipe.yaml', text: tag + JSON.stringify(obj, null, 1) };
  }
  return { name: 'recipe.json', text: JSON.stringify(obj, null, 2) };
}

// ---------------------------------------------------------------- options

/** Occasionally an option value is mutated too: the CLI must refuse it, never crash on it. */
const OPTION_VALUES = ['1e6', '1e308', '-5', '0', '1e-300', 'NaN', '-0', '100000', '0.0001', '3', 'x'];
const PROCESS_OPTIONS = ['--rbkg', '--kmin', '--kmax', '--dk', '--kweight', '--e0', '--pre1', '--pre2', '--norm1', '--norm2', '--nknots', '--rmax-out', '--qmax-out', '--bkg-kmax', '--rmin', '--rmax', '--dr'];
const EDGE_OPTIONS = ['--smooth', '--search-width', '--half-level', '--pre1', '--norm2', '--wl-window'];
const LCF_OPTIONS = ['--emin', '--emax', '--xmin', '--xmax', '--combinations', '--eshift-max', '--pre1', '--norm2'];

// ---------------------------------------------------------------- cases

const STANDARDS = ['{fixtures}/series/fe_ref_FeO.xdi', '{fixtures}/series/fe_ref_Fe2O3.xdi'];

function mutateSeed(seed, r) {
  if (seed.kind === 'athena') return mutateProject(seed.bytes, r);
  if (isGzip(seed.bytes)) return mutateGzipText(seed.bytes, r);
  return mutateText(seed.bytes, r);
}

function ext(seed) {
  const m = /(\.[A-Za-z0-9]+(\.gz)?)$/.exec(seed.path);
  return m ? m[1] : '.dat';
}

/** Generates case `index` of a run seeded `seed` from the seeds (loadSeeds()). Deterministic. */
export function generateCase(seeds, seed, index) {
  const r = rng(caseSeed(seed, index));
  const command = r.weighted([[5, 'read'], [6, 'process'], [5, 'edge'], [4, 'lcf'], [3, 'batch'], [1, 'valence'], [1, 'pca'], [1, 'mcr'], [3, 'reduce']]);
  const files = {};
  const notes = [];
  const argv = [command];
  // valence, pca, mcr and the reductions (merge, rebin, ...) take what edge takes
  const usable = seeds.filter((s) => s.commands.includes(['valence', 'pca', 'mcr', 'reduce'].includes(command) ? 'edge' : command));
  const s = r.pick(usable);
  const input = `in${ext(s)}`;
  const mutate = (sd) => {
    const m = mutateSeed(sd, r);
    notes.push(...m.notes.map((n) => `${sd.name}: ${n}`));
    return m.bytes;
  };
  const json = r.chance(0.6);
  if (command === 'read') {
    files[input] = mutate(s);
    argv.push(`{dir}/${input}`);
    if (json) argv.push('--json');
  } else if (command === 'process') {
    files[input] = mutate(s);
    argv.push(`{dir}/${input}`);
    if (s.mu && r.chance(0.9)) argv.push('--mu', s.mu);
    if (s.kind === 'athena' && s.group && r.chance(0.5)) argv.push('--group', s.group);
    if (r.chance(0.3)) argv.push('--kmax', '12');
    if (r.chance(0.2)) argv.push('--out', '{dir}/out');
    else if (json) argv.push('--json');
    if (r.chance(0.1)) argv.push(r.pick(['--no-sort', '--sort']));
    if (r.chance(0.12)) {
      const o = r.pick(PROCESS_OPTIONS);
      const v = r.pick(OPTION_VALUES);
      argv.push(o, v);
      notes.push(`option ${o} ${v}`);
    }
  } else if (command === 'edge') {
    files[input] = mutate(s);
    argv.push(`{dir}/${input}`);
    if (s.mu && r.chance(0.9)) argv.push('--mu', s.mu);
    if (r.chance(0.3)) argv.push('--method', r.pick(['all', 'deriv', 'deriv-fit', 'half', 'zero2', 'integral', 'half,zero2']));
    if (r.chance(0.15)) {
      const o = r.pick(EDGE_OPTIONS);
      const v = r.pick(OPTION_VALUES);
      argv.push(o, v);
      notes.push(`option ${o} ${v}`);
    }
    if (json) argv.push('--json');
  } else if (command === 'lcf') {
    // mostly the sample is damaged; sometimes a standard is
    const damagedStandard = r.chance(0.2);
    files[input] = damagedStandard ? s.bytes : mutate(s);
    argv.push(`{dir}/${input}`);
    if (s.mu && r.chance(0.9)) argv.push('--mu', s.mu);
    const stds = [...STANDARDS];
    if (damagedStandard) {
      const std = seeds.find((x) => x.name === 'fe_ref_Fe2O3.xdi');
      files['std.xdi'] = mutate(std);
      stds[1] = '{dir}/std.xdi';
    }
    for (const st of stds) argv.push('--standard', st);
    if (r.chance(0.3)) argv.push('--space', r.pick(['norm', 'flat', 'dmude', 'chi']));
    if (r.chance(0.3)) argv.push('--sum-to-one');
    if (r.chance(0.15)) argv.push('--larch');
    if (r.chance(0.15)) {
      const o = r.pick(LCF_OPTIONS);
      const v = r.pick(OPTION_VALUES);
      argv.push(o, v);
      notes.push(`option ${o} ${v}`);
    }
    if (json) argv.push('--json');
  } else if (command === 'valence' || command === 'pca' || command === 'mcr') {
    files[input] = mutate(s);
    if (command === 'valence') argv.push('--ref', `${STANDARDS[0]}=2`, '--ref', `${STANDARDS[1]}=3`);
    argv.push(`{dir}/${input}`);
    // undamaged copies of the seed make a series (PCA needs three spectra)
    if (command !== 'valence') argv.push(`{fixtures}/${s.path}`, `{dir}/copy${ext(s)}`);
    else if (r.chance(0.3)) argv.push(`{fixtures}/${s.path}`);
    if (command !== 'valence') files[`copy${ext(s)}`] = s.bytes;
    if (s.mu && r.chance(0.9)) argv.push('--mu', s.mu);
    if (command === 'valence' && r.chance(0.5)) argv.push('--method', r.pick(['deriv', 'deriv-fit', 'half', 'zero2', 'integral', 'lcf']));
    if (command !== 'valence' && r.chance(0.3)) argv.push('--components', r.pick(['1', '2', '3', '9']));
    if (r.chance(0.15)) {
      const o = r.pick(['--emin', '--emax', '--pre1', '--norm2', ...(command === 'valence' ? [] : ['--kmin', '--xmin'])]);
      const v = r.pick(OPTION_VALUES);
      argv.push(o, v);
      notes.push(`option ${o} ${v}`);
    }
    if (json) argv.push('--json');
  } else if (command === 'reduce') {
    const sub = r.pick(['merge', 'rebin', 'deglitch', 'truncate', 'align']);
    argv[0] = sub;
    files[input] = mutate(s);
    if (sub === 'align') argv.push('--to', s.element === 'Fe' ? STANDARDS[0] : `{fixtures}/${s.path}`);
    argv.push(`{dir}/${input}`);
    if (sub === 'merge' || (sub === 'align' && r.chance(0.5))) argv.push(`{fixtures}/${s.path}`);
    if (s.mu && r.chance(0.9)) argv.push('--mu', s.mu);
    if (sub === 'truncate') argv.push(r.pick(['--emin', '--emax']), r.pick(['7100', '9000', '-50', '1e308', '0']));
    if (sub === 'deglitch' && r.chance(0.5)) {
      if (r.chance(0.5)) argv.push('--at', r.pick(['7112', '8990', '1e308', '-5', '0', '9000.5']));
      else argv.push('--range', r.pick(['9000:9010', '7100:7150', '7200:7300', '0:1e308', '-1e308:1e308', '7112:7112.1']));
    }
    if (r.chance(0.3)) argv.push('--out', sub === 'merge' ? '{dir}/out/merged.dat' : '{dir}/out');
    else if (json) argv.push('--json');
  } else {
    // batch: a small recipe over a mutated input, or a mutated recipe over good inputs
    const base = JSON.parse(seeds.find((x) => x.name === 'batch.recipe.json').bytes.toString('utf8'));
    let recipe = structuredClone(base);
    const form = s.kind === 'athena' ? 'athena' : s.kind === 'series' ? 'columns' : 'files';
    if (r.chance(0.75)) {
      if (form === 'files') {
        const n = r.range(1, 3);
        for (let i = 0; i < n; i++) files[`in${i}${ext(s)}`] = i === 0 || r.chance(0.5) ? mutate(s) : s.bytes;
        recipe.inputs = { files: `in*${ext(s)}` };
      } else {
        files[input] = mutate(s);
        recipe.inputs = { [form]: input };
      }
      if (s.mu) recipe.mu = s.mu;
      else delete recipe.mu;
      // Fe references and standards only for Fe data
      if (s.element !== 'Fe') {
        delete recipe.valence;
        delete recipe.lcf;
      }
      if (s.kind !== 'series' && s.kind !== 'athena' && r.chance(0.5)) recipe.process = { autobk: { rbkg: 1, kweight: 2 }, xftf: { kmin: 3, kmax: 10, dk: 1, window: 'hanning', kweight: 2 } };
    } else {
      const seriesSeed = seeds.find((x) => x.kind === 'series');
      files['in.dat'] = seriesSeed.bytes;
      recipe.inputs = { columns: 'in.dat' };
      if (r.chance(0.5)) recipe.process = { autobk: { rbkg: 1, kweight: 2 }, xftf: { kmin: 3, kmax: 10, dk: 1, window: 'hanning', kweight: 2 } };
      const m = mutateRecipe(recipe, r);
      recipe = m.recipe;
      notes.push(...m.notes.map((n) => `recipe: ${n}`));
    }
    const { name, text } = recipeText(recipe, r);
    let bytes = Buffer.from(text, 'utf8');
    if (r.chance(0.1)) {
      const m = mutateText(bytes, r, 1);
      bytes = m.bytes;
      notes.push(...m.notes.map((n) => `recipe text: ${n}`));
    }
    files[name] = bytes;
    argv.push(`{dir}/${name}`, '--out', '{dir}/out', '--jobs', '1');
    if (json) argv.push('--json');
  }
  return { id: `${seed}-${index}`, seed, index, command: argv[0], argv, files, seedFile: s.name, mutations: notes };
}

// ---------------------------------------------------------------- case files

/** A case as a JSON document (files as UTF-8 text when they are, else base64): a reproducer. */
export function caseToJson(c, extra = {}) {
  const files = {};
  for (const [name, b] of Object.entries(c.files)) {
    const t = b.toString('utf8');
    files[name] = Buffer.from(t, 'utf8').equals(b) ? { utf8: t } : { base64: b.toString('base64') };
  }
  return JSON.stringify({ id: c.id, seed: c.seed, index: c.index, command: c.command, argv: c.argv, seedFile: c.seedFile, mutations: c.mutations, ...extra, files }, null, 2) + '\n';
}

/** The inverse of caseToJson. */
export function caseFromJson(text) {
  const j = JSON.parse(text);
  const files = {};
  for (const [name, f] of Object.entries(j.files)) files[name] = 'utf8' in f ? Buffer.from(f.utf8, 'utf8') : Buffer.from(f.base64, 'base64');
  return { ...j, files };
}

const subst = (s, dir) => s.replaceAll('{dir}', dir).replaceAll('{fixtures}', FIXTURES);

/** Writes the case's files into dir (recipes get {dir}/{fixtures} substituted) and returns its argv. */
export function materialize(c, dir) {
  mkdirSync(dir, { recursive: true });
  for (const [name, b] of Object.entries(c.files)) {
    const isRecipe = /^recipe\.(json|ya?ml)$/.test(name);
    writeFileSync(join(dir, name), isRecipe ? Buffer.from(subst(b.toString('utf8'), dir), 'utf8') : b);
  }
  return c.argv.map((a) => subst(a, dir));
}

/** Every file under dir that the run wrote (not the case's inputs), as [relative path, bytes]. */
export function writtenFiles(c, dir) {
  const out = [];
  const walk = (d) => {
    let names;
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) {
        const rel = relative(dir, p);
        if (!(rel in c.files)) out.push([rel, st.size > 50e6 ? Buffer.from('(larger than 50 MB)') : readFileSync(p)]);
      }
    }
  };
  walk(dir);
  return out;
}

// ---------------------------------------------------------------- checks

/** Raw control characters a terminal acts on (ESC, BEL, BS, CR, DEL, C1): data must never print them raw (item 19). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const STACK = [/^\s+at \S.*(\(|:\d+:\d+)/m, /\.(ts|js|mjs|cjs):\d+:\d+/, /^\w*Error: .*\n\s+at /m];
const NONFINITE_TEXT = /(^|[\s,;:=[(\t|])[-+]?(NaN|Infinity|inf|nan)(?=$|[\s,;\])\t|])/m;

/** Number-array positions in a JSON document that hold null (NaN and ±Infinity become null in JSON). */
function nullsInNumberArrays(value, path = '$', found = []) {
  if (Array.isArray(value)) {
    const nums = value.filter((v) => typeof v === 'number').length;
    const nulls = value.filter((v) => v === null).length;
    if (nums > 0 && nulls > 0) found.push(`${path}: ${nulls} null among ${nums} numbers`);
    value.forEach((v, i) => typeof v === 'object' && v !== null && nullsInNumberArrays(v, `${path}[${i}]`, found));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) nullsInNumberArrays(v, `${path}.${k}`, found);
  }
  return found;
}

const NONFINITE_CELL = /^[-+]?(NaN|Infinity|inf|nan)$/;

/** Splits one CSV line into cells (RFC 4180 quotes). */
function csvCells(line) {
  const cells = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') cells.push(cell), (cell = '');
    else cell += ch;
  }
  cells.push(cell);
  return cells;
}

/**
 * A non-finite number in a written file, described, or null. CSV: a cell that is NaN/Infinity;
 * JSON and JSON lines: null among numbers of an array, or a field that is the string "NaN";
 * other text (column files): a NaN/Infinity token outside '#' header lines (which may quote messages).
 */
export function nonfiniteInFile(name, text) {
  if (/\.csv$/i.test(name)) {
    for (const [i, line] of text.split(/\r?\n/).entries()) {
      if (line.startsWith('#')) continue;
      const j = csvCells(line).findIndex((c) => NONFINITE_CELL.test(c.trim()));
      if (j >= 0) return `line ${i + 1} cell ${j + 1}: ${JSON.stringify(line.slice(0, 120))}`;
    }
    return null;
  }
  if (/\.jsonl?$/i.test(name)) {
    const docs = /\.jsonl$/i.test(name) ? text.split('\n').filter((l) => l.trim()) : [text];
    for (const d of docs) {
      let doc;
      try {
        doc = JSON.parse(d);
      } catch {
        continue; // a torn line is the atomic-write item's concern, not this check's
      }
      const nulls = nullsInNumberArrays(doc);
      if (nulls.length) return nulls[0];
      const s = JSON.stringify(doc);
      const m = /:"[-+]?(NaN|Infinity)"/.exec(s);
      if (m) return s.slice(Math.max(0, m.index - 60), m.index + 20);
    }
    return null;
  }
  const body = text
    .split('\n')
    .map((l) => (/^\s*#/.test(l) ? '' : l))
    .join('\n');
  const m = NONFINITE_TEXT.exec(body);
  return m ? JSON.stringify(body.slice(Math.max(0, m.index - 60), m.index + 20)) : null;
}

/**
 * The one documented non-finite output: `xafs rebin` gives a bin that holds no data point an
 * interpolated μ and an undefined delta_mu (null in --json, NaN in --out files), with a warning
 * that says so (src/series/rebin.ts, Larch's rebin_xafs leaves it NaN too). Only that field is exempt.
 */
const UNDEFINED_BY_DESIGN = { json: /\.deltaMu:/, column: 'delta_mu' };
/** The warning with which `xafs read` shows a column's nan/inf cells as — (null in JSON). */
const READ_NONFINITE_WARNING = /holds \d+ cells? that (is|are) not a finite number/;

/** A column file without the column named `label` (its '# Column.N: label' header gives the position). */
function withoutColumn(text, label) {
  const m = new RegExp(`^#\\s*Column\\.(\\d+):\\s*${label}\\b`, 'm').exec(text);
  if (!m) return text;
  const j = Number(m[1]) - 1;
  return text
    .split('\n')
    .map((l) => (/^\s*#/.test(l) ? l : l.trim().split(/\s+/).filter((_, k) => k !== j).join(' ')))
    .join('\n');
}

/**
 * The invariants of every run. `res` = {code, out, err, ms, timedOut, crashed?, files: [[name, bytes]]}.
 * Returns the violations [{category, detail}]: exit-code, internal-error, stack, timeout, nonfinite,
 * control-chars, json.
 */
export function check(c, res) {
  const v = [];
  const add = (category, detail) => v.push({ category, detail: String(detail).slice(0, 300) });
  if (res.timedOut) add('timeout', `stopped after ${Math.round(res.ms)} ms`);
  else if (res.ms > MAX_MS) add('timeout', `ran ${Math.round(res.ms)} ms`);
  if (res.crashed) add('crash', res.crashed);
  if (!res.timedOut && ![0, 1, 2].includes(res.code)) add('exit-code', `exit ${res.code}`);
  const both = `${res.out}\n${res.err}`;
  const ie = /internal error[^\n]*/i.exec(both);
  if (ie) add('internal-error', ie[0]);
  for (const re of STACK) {
    const m = re.exec(both);
    if (m) {
      add('stack', m[0]);
      break;
    }
  }
  // stderr and text stdout reach a terminal; a JSON document on stdout is for programs (its C0 controls are escaped by JSON itself)
  const jsonOut = c.argv.includes('--json');
  for (const [stream, text] of [['stderr', res.err], ['stdout', jsonOut ? '' : res.out]]) {
    const cc = CONTROL.exec(text);
    if (cc) {
      add('control-chars', `U+${cc[0].charCodeAt(0).toString(16).padStart(4, '0')} in ${stream}: ${JSON.stringify(text.slice(Math.max(0, cc.index - 40), cc.index + 20))}`);
      break;
    }
  }
  // stdout: one JSON document with --json, else text; neither may hold a non-finite number
  if (jsonOut && res.code === 0 && res.out.trim() !== '') {
    try {
      const doc = JSON.parse(res.out);
      // `read` shows cells the file writes as nan/inf as null, and says where on stderr (src/cli/read.ts)
      const saidSo = c.argv[0] === 'read' && READ_NONFINITE_WARNING.test(res.err);
      const nulls = saidSo ? [] : nullsInNumberArrays(doc).filter((p) => !(c.argv[0] === 'rebin' && UNDEFINED_BY_DESIGN.json.test(p)));
      if (nulls.length) add('nonfinite', `stdout JSON ${nulls[0]}`);
    } catch (e) {
      add('json', `stdout is not one JSON document: ${e.message}`);
    }
  }
  const nf = jsonOut ? null : NONFINITE_TEXT.exec(res.out);
  if (nf) add('nonfinite', `stdout: ${JSON.stringify(res.out.slice(Math.max(0, nf.index - 60), nf.index + 20))}`);
  for (const [name, bytes] of res.files ?? []) {
    let text = bytes.toString('utf8');
    if (c.argv[0] === 'rebin') text = withoutColumn(text, UNDEFINED_BY_DESIGN.column);
    const bad = nonfiniteInFile(name, text);
    if (bad) add('nonfinite', `${name}: ${bad}`);
  }
  return v;
}

// ---------------------------------------------------------------- known defects

/** fixtures/fuzz/known-defects.json: failures that belong to issue-17 items fixed on other branches. */
export function loadKnownDefects() {
  return JSON.parse(readFileSync(join(FUZZ_DIR, 'known-defects.json'), 'utf8')).defects;
}

/**
 * The known defect a violation belongs to, if any: an entry matches when its category is the
 * violation's (category: one or a list), its command (if given) is the case's, and its pattern (if given) occurs in the
 * violation's detail, the run's output or the case's list of mutations. The first matching entry wins.
 */
export function knownDefect(known, c, violation, res) {
  return known.find(
    (d) =>
      [d.category].flat().includes(violation.category) &&
      (!d.commands || d.commands.includes(c.command)) &&
      (!d.pattern || new RegExp(d.pattern, 'i').test(`${violation.detail}\n${res.err}\n${res.out.slice(0, 2000)}\n${(c.mutations ?? []).join('\n')}`)),
  );
}

/**
 * How long a case may run before it is stopped: MAX_MS, or less while a known defect of category
 * 'timeout' (unbounded work that another branch bounds) sets `cutoffMs`, so that its cases do not
 * spend the test's time budget; a run stopped there counts as that known defect.
 */
export function caseTimeout(known) {
  const t = known.find((d) => [d.category].flat().includes('timeout') && d.cutoffMs);
  return t ? Math.min(MAX_MS, t.cutoffMs) : MAX_MS;
}
