/**
 * One declarative description of the recipes (fit and batch) and the one validator that reads it
 * (docs/recipes.md). A field says its type, range, allowed values, whether it is required, its
 * default and what it means; the same description
 *   - validates recipes (`validate`): unknown keys with the nearest allowed key, wrong types and
 *     values outside their range, each named by its key path (`datasets[0].transform.dk`), with the
 *     value given and the range allowed, and a word when a number was given as a string;
 *   - gives the CLI the range of its number options (`numberRule`), so a flag and a recipe key for
 *     the same quantity accept the same values;
 *   - is published as JSON Schema (`toJsonSchema`, schemas/*.schema.json) for editors.
 * The subset of JSON Schema used here is small on purpose: type, minimum/maximum (inclusive and
 * exclusive), enum, minItems/maxItems, required, a key pattern for maps, anyOf by JSON type.
 */
import { XafsError } from '../errors.js';

interface FieldBase {
  /** What the key means (JSON Schema description; docs/recipes.md). */
  description: string;
  /** The value used when the key is absent (documentation; `applyDefaults` fills it where asked). */
  default?: unknown;
  /** Said when a required key is missing, after "'KEY' is missing: ". @default the description */
  missing?: string;
}

export interface NumberField extends FieldBase {
  type: 'number' | 'integer';
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: readonly number[];
  /** Unit for messages and docs, e.g. 'Å⁻¹'. */
  unit?: string;
}

export interface StringField extends FieldBase {
  type: 'string';
  enum?: readonly string[];
  /** @default 1 (an empty string is refused) */
  minLength?: number;
}

export interface BooleanField extends FieldBase {
  type: 'boolean';
}

export interface NullField extends FieldBase {
  type: 'null';
}

export interface ArrayField extends FieldBase {
  type: 'array';
  items: Field;
  minItems?: number;
  maxItems?: number;
}

export interface ObjectField extends FieldBase {
  type: 'object';
  properties: Readonly<Record<string, Field>>;
  required?: readonly string[];
}

/** An object of user-chosen keys (e.g. fit parameters by name), each value one `values`. */
export interface MapField extends FieldBase {
  type: 'map';
  values: Field;
  /** Regular expression every key must match (JSON Schema propertyNames). */
  keyPattern: string;
  /** The rule in words, for messages. */
  keyRule: string;
  /** Keys refused whatever the pattern says (prototype names). */
  reservedKeys?: readonly string[];
}

/** One of several shapes, chosen by the JSON type of the value (number, string, list, object). */
export interface AnyOfField extends FieldBase {
  type: 'anyOf';
  anyOf: readonly Field[];
}

export type Field = NumberField | StringField | BooleanField | NullField | ArrayField | ObjectField | MapField | AnyOfField;

/** Names that must never become keys of a plain object (prototype pollution). */
export const RESERVED_KEYS: readonly string[] = Object.freeze([
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'toString',
  'valueOf',
]);

// ---- did you mean ------------------------------------------------------------------------------

/** Levenshtein distance, case-insensitive (one row; strings of any length). */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const d = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= y.length; j++) {
      const cur = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (x[i - 1] === y[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[y.length]!;
}

/**
 * The allowed word nearest `word`, or undefined when none is near: a prefix either way counts as
 * distance 1 (`norm` → `normalization`), otherwise at most max(2, ⌊length/3⌋) edits.
 */
export function didYouMean(word: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const a of allowed) {
    const al = a.toLowerCase();
    const d = w.length > 0 && (al.startsWith(w) || w.startsWith(al)) ? Math.min(1, editDistance(word, a)) : editDistance(word, a);
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

// ---- messages ----------------------------------------------------------------------------------

/** A value as a message shows it: strings quoted, lists and objects named. */
export function showValue(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') {
    const hint = v.trim() !== '' && Number.isFinite(Number(v)) ? ' (a string: write the number without quotes)' : '';
    return `'${v}'${hint}`;
  }
  return String(v);
}

/** The range of a number field in words: " from 0 to 50", " above 0 and at most 10", " ≥ 0". */
export function rangeText(f: NumberField): string {
  const lo = f.minimum !== undefined ? { v: f.minimum, strict: false } : f.exclusiveMinimum !== undefined ? { v: f.exclusiveMinimum, strict: true } : undefined;
  const hi = f.maximum !== undefined ? { v: f.maximum, strict: false } : f.exclusiveMaximum !== undefined ? { v: f.exclusiveMaximum, strict: true } : undefined;
  if (lo && hi && !lo.strict && !hi.strict) return ` from ${lo.v} to ${hi.v}`;
  const parts: string[] = [];
  if (lo) parts.push(lo.strict ? `above ${lo.v}` : `≥ ${lo.v}`);
  if (hi) parts.push(hi.strict ? `below ${hi.v}` : `at most ${hi.v}`);
  return parts.length ? ` ${parts.join(' and ')}` : '';
}

/** What a field expects, in words ("a whole number from 5 to 128", "one of r, k, q"). */
export function expectText(f: Field): string {
  switch (f.type) {
    case 'number':
    case 'integer':
      if (f.enum) return `one of ${f.enum.join(', ')}`;
      return `${f.type === 'integer' ? 'a whole number' : 'a number'}${rangeText(f)}${f.unit ? ` (${f.unit})` : ''}`;
    case 'string':
      return f.enum ? `one of ${f.enum.join(', ')}` : (f.minLength ?? 1) > 0 ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'array':
      return `a list`;
    case 'object':
    case 'map':
      return 'an object';
    case 'anyOf':
      return f.anyOf.map(expectText).join(' or ');
  }
}

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

// ---- validation --------------------------------------------------------------------------------

/** Which shape of an anyOf a value takes, by its JSON type. */
function kindOf(v: unknown): 'number' | 'string' | 'boolean' | 'null' | 'array' | 'object' | 'other' {
  if (v === null) return 'null';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object' && v !== null) return 'object';
  return 'other';
}

function fieldKind(f: Field): string {
  return f.type === 'integer' ? 'number' : f.type === 'map' ? 'object' : f.type;
}

/**
 * Checks `value` against `field`; throws XafsError EOPTION "PREFIX: 'PATH' must be …, got …" on
 * the first problem (PREFIX is usually the recipe file). Returns the value unchanged: objects
 * with unknown keys are refused, never copied, so no key can reach a prototype.
 */
export function validate(field: Field, value: unknown, prefix: string, path = ''): void {
  const fail = (message: string): never => {
    throw new XafsError('EOPTION', prefix ? `${prefix}: ${message}` : message);
  };
  const name = path === '' ? 'the recipe' : `'${path}'`;
  const must = (): never => fail(`${name} must be ${expectText(field)}, got ${showValue(value)}`);
  switch (field.type) {
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return must();
      if (field.type === 'integer' && !Number.isInteger(value)) return must();
      if (field.enum && !field.enum.includes(value)) return must();
      const f = field;
      if ((f.minimum !== undefined && value < f.minimum) || (f.maximum !== undefined && value > f.maximum) || (f.exclusiveMinimum !== undefined && !(value > f.exclusiveMinimum)) || (f.exclusiveMaximum !== undefined && !(value < f.exclusiveMaximum))) {
        return must();
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string' || value.length < (field.minLength ?? 1)) return must();
      if (field.enum && !field.enum.includes(value)) {
        const near = didYouMean(value, field.enum);
        return fail(`${name} must be one of ${field.enum.join(', ')}, got ${showValue(value)}${near ? ` (did you mean '${near}'?)` : ''}`);
      }
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') must();
      return;
    case 'null':
      if (value !== null) must();
      return;
    case 'array': {
      if (!Array.isArray(value)) return must();
      if (field.minItems !== undefined && value.length < field.minItems) fail(`${name} must hold at least ${field.minItems} entr${field.minItems === 1 ? 'y' : 'ies'}, got ${value.length}`);
      if (field.maxItems !== undefined && value.length > field.maxItems) fail(`${name} must hold at most ${field.maxItems} entr${field.maxItems === 1 ? 'y' : 'ies'}, got ${value.length}`);
      value.forEach((v, i) => validate(field.items, v, prefix, `${path}[${i}]`));
      return;
    }
    case 'object': {
      if (kindOf(value) !== 'object') return must();
      const o = value as Record<string, unknown>;
      const allowed = Object.keys(field.properties);
      for (const key of Object.keys(o)) {
        if (!Object.hasOwn(field.properties, key)) {
          const near = didYouMean(key, allowed);
          fail(`unknown key '${join(path, key)}' (${near ? `did you mean '${near}'?` : `the keys here are ${allowed.join(', ')}`})`);
        }
      }
      for (const key of field.required ?? []) {
        if (o[key] === undefined) {
          const f = field.properties[key]!;
          fail(`'${join(path, key)}' is missing: ${f.missing ?? f.description}`);
        }
      }
      for (const key of Object.keys(o)) if (o[key] !== undefined) validate(field.properties[key]!, o[key], prefix, join(path, key));
      return;
    }
    case 'map': {
      if (kindOf(value) !== 'object') return must();
      const re = new RegExp(field.keyPattern);
      for (const key of Object.keys(value as object)) {
        const where = join(path, key);
        if ((field.reservedKeys ?? RESERVED_KEYS).includes(key)) fail(`'${where}': the name '${key}' is reserved (it names a property of every JavaScript object); choose another name`);
        if (!re.test(key)) fail(`'${where}': ${field.keyRule}`);
        validate(field.values, (value as Record<string, unknown>)[key], prefix, where);
      }
      return;
    }
    case 'anyOf': {
      const k = kindOf(value);
      const branch = field.anyOf.find((b) => fieldKind(b) === k);
      if (!branch) return must();
      validate(branch, value, prefix, path);
      return;
    }
  }
}

/**
 * Fills the literal defaults of an object field's absent keys (one level; nested objects are
 * filled only where present). Returns a new object; `value` is not changed.
 */
export function applyDefaults<T extends Record<string, unknown>>(field: ObjectField, value: Record<string, unknown> | undefined): T {
  const out: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(field.properties)) {
    const v = value?.[key];
    if (v !== undefined) out[key] = v;
    else if (f.default !== undefined) out[key] = structuredClone(f.default);
  }
  return out as T;
}

// ---- the CLI's view ----------------------------------------------------------------------------

/** The range of a number field as the CLI's number options take it (src/cli/program.ts NumberRule). */
export function numberRule(f: Field): { integer?: boolean; min?: number; max?: number; above?: number; below?: number } {
  if (f.type !== 'number' && f.type !== 'integer') throw new XafsError('EINTERNAL', `numberRule: '${f.description}' is not a number field`);
  return {
    ...(f.type === 'integer' ? { integer: true } : {}),
    ...(f.minimum !== undefined ? { min: f.minimum } : {}),
    ...(f.maximum !== undefined ? { max: f.maximum } : {}),
    ...(f.exclusiveMinimum !== undefined ? { above: f.exclusiveMinimum } : {}),
    ...(f.exclusiveMaximum !== undefined ? { below: f.exclusiveMaximum } : {}),
  };
}

// ---- JSON Schema -------------------------------------------------------------------------------

/** A field as JSON Schema (draft 2020-12): the description's unit and default folded in. */
export function toJsonSchema(f: Field): Record<string, unknown> {
  const base: Record<string, unknown> = { description: f.type !== 'anyOf' && 'unit' in f && f.unit ? `${f.description} (${f.unit})` : f.description };
  if (f.default !== undefined) base.default = f.default;
  switch (f.type) {
    case 'number':
    case 'integer': {
      const out: Record<string, unknown> = { type: f.type, ...base };
      for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) if (f[k] !== undefined) out[k] = f[k];
      if (f.enum) out.enum = [...f.enum];
      return out;
    }
    case 'string':
      return { type: 'string', ...base, ...(f.enum ? { enum: [...f.enum] } : { minLength: f.minLength ?? 1 }) };
    case 'boolean':
      return { type: 'boolean', ...base };
    case 'null':
      return { type: 'null', ...base };
    case 'array':
      return { type: 'array', ...base, items: toJsonSchema(f.items), ...(f.minItems !== undefined ? { minItems: f.minItems } : {}), ...(f.maxItems !== undefined ? { maxItems: f.maxItems } : {}) };
    case 'object':
      return {
        type: 'object',
        ...base,
        properties: Object.fromEntries(Object.entries(f.properties).map(([k, v]) => [k, toJsonSchema(v)])),
        ...(f.required?.length ? { required: [...f.required] } : {}),
        additionalProperties: false,
      };
    case 'map':
      return {
        type: 'object',
        ...base,
        propertyNames: { pattern: f.keyPattern, not: { enum: [...(f.reservedKeys ?? RESERVED_KEYS)] } },
        additionalProperties: toJsonSchema(f.values),
      };
    case 'anyOf':
      return { ...base, anyOf: f.anyOf.map(toJsonSchema) };
  }
}
