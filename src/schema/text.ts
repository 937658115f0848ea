/**
 * Recipe and result text → a value: JSON, or YAML (the yaml package's core schema: no custom
 * tags; an unknown tag such as `!!js/function` is refused, never resolved and never logged by the
 * parser). Every syntax error names the file, line and column.
 */
import { parseDocument } from 'yaml';
import { XafsError } from '../errors.js';

/** 1-based line and column of a 0-based character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/**
 * JSON.parse with the error's place as "FILE line L, column C: PROBLEM". `what` ends the
 * message (what the file should be).
 */
export function parseJsonText(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const offset = errorOffset(text, msg);
    const where = text.trim() === '' ? 'the file is empty' : (({ line, column }) => `line ${line}, column ${column}`)(lineColumn(text, offset));
    // the problem without Node's position or its quote of the text
    const problem = msg.replace(/ in JSON at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)/, '').replace(/, (\.\.\.)?".*" is not valid JSON$/s, '').replace(/^Unexpected end of JSON input$/, 'the text ends too early');
    throw new XafsError('EFORMAT', `${file} is not valid JSON (${where}: ${problem}); ${what}`);
  }
}

/**
 * Where JSON.parse failed, 0-based: the position in its message, else the shortest prefix of the
 * text whose error is not "the text ends too early" (found by bisection: such an error, once
 * there, stays in every longer prefix).
 */
function errorOffset(text: string, message: string): number {
  const pos = /at position (\d+)/.exec(message);
  if (pos) return Number(pos[1]);
  const failsInside = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n));
      return false;
    } catch (e) {
      const m = (e as Error).message;
      if (/end of JSON input/.test(m)) return false;
      const at = /at position (\d+)/.exec(m);
      return !(at && Number(at[1]) >= n);
    }
  };
  let lo = 0;
  let hi = text.length;
  if (!failsInside(hi)) return text.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (failsInside(mid)) hi = mid;
    else lo = mid;
  }
  return hi - 1;
}

/** YAML (core schema) with the first error or unresolved tag as "FILE line L, column C: PROBLEM". */
export function parseYamlText(text: string, file: string, what: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, logLevel: 'silent' });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const { line, column } = lineColumn(text, problem.pos[0]);
    const msg = problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new XafsError('EFORMAT', `${file} is not valid YAML (line ${line}, column ${column}: ${msg}); ${what}`);
  }
  return doc.toJS({ maxAliasCount: 100 });
}

/** A recipe's text as a value: YAML for .yaml/.yml files, JSON otherwise. */
export function parseRecipeText(text: string, file: string, what: string): unknown {
  return /\.ya?ml$/i.test(file) ? parseYamlText(text, file, what) : parseJsonText(text, file, what);
}
