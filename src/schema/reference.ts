/**
 * The recipe reference of docs/recipes.md, generated from the same description as the validator
 * and the JSON Schemas (scripts/make-schemas.mjs writes it; a test checks the page holds it).
 */
import { BATCH_RECIPE } from './batchRecipe.js';
import { FIT_RECIPE } from './fitRecipe.js';
import { expectText, type Field, type ObjectField } from './validate.js';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeText(f: Field): string {
  switch (f.type) {
    case 'object':
      return 'object (below)';
    case 'map':
      return `an object: NAME → ${typeText(f.values)}`;
    case 'array':
      return `list of ${f.items.type === 'object' ? 'objects (below)' : typeText(f.items)}`;
    case 'anyOf':
      return f.anyOf.map(typeText).join(' or ');
    default:
      return expectText(f);
  }
}

/** Tables, one per object section (key, accepted values, default, meaning), depth first. */
function sections(f: ObjectField, path: string, out: string[]): void {
  out.push(`### \`${path}\``, '', f.description, '', '| key | accepts | default | meaning |', '| --- | --- | --- | --- |');
  const nested: [string, ObjectField][] = [];
  for (const [key, sub] of Object.entries(f.properties)) {
    const req = f.required?.includes(key) ? ' (required)' : '';
    const dflt = sub.default === undefined ? '' : `\`${JSON.stringify(sub.default)}\``;
    out.push(`| \`${key}\`${req} | ${cell(typeText(sub))} | ${cell(dflt)} | ${cell(sub.description)} |`);
    const child = `${path}.${key}`;
    if (sub.type === 'object') nested.push([child, sub]);
    if (sub.type === 'array' && sub.items.type === 'object') nested.push([`${child}[]`, sub.items]);
    if (sub.type === 'anyOf') for (const b of sub.anyOf) if (b.type === 'object') nested.push([child, b]);
    if (sub.type === 'array' && sub.items.type === 'anyOf') for (const b of sub.items.anyOf) if (b.type === 'object') nested.push([`${child}[]`, b]);
    if (sub.type === 'map' && sub.values.type === 'anyOf') for (const b of sub.values.anyOf) if (b.type === 'object') nested.push([`${child}.NAME`, b]);
  }
  out.push('');
  for (const [p, o] of nested) sections(o, p, out);
}

/** The generated part of docs/recipes.md. */
export function recipeReference(): string {
  const out: string[] = ['## Fit recipe keys (`xafs fit`)', ''];
  sections(FIT_RECIPE, 'fit', out);
  out.push('## Batch recipe keys (`xafs batch`)', '');
  sections(BATCH_RECIPE, 'batch', out);
  return out.join('\n');
}
