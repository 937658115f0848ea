// The one recipe description (src/schema): the published JSON Schemas are generated from it, the
// validator reads it with one did-you-mean, and the CLI's number options take their ranges from it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUTOBK_BATCH, AUTOBK_FIT, BATCH_RECIPE, didYouMean, editDistance, FIT_RECIPE, numberRule, Q, recipeJsonSchemas, recipeReference, TRANSFORM, validate, type Field } from '../../src/schema/index.js';
import { parseBatchRecipe } from '../../src/series/batch/recipe.js';
import { expectRefused, CU, thrownMessage as message, xafs } from '../cli/helpers.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { files: string[]; exports: Record<string, unknown> };

describe('published JSON Schemas', () => {
  for (const [name, schema] of Object.entries(recipeJsonSchemas())) {
    it(`schemas/${name} is what the description generates (run npm run schemas after a change)`, () => {
      const published = JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8'));
      expect(published).toEqual(schema);
      expect(pkg.exports[`./schemas/${name}`]).toBe(`./schemas/${name}`);
    });
  }

  it('the package ships the schemas folder', () => expect(pkg.files).toContain('schemas'));

  it('docs/recipes.md holds the key reference generated from the same description', () => {
    const page = readFileSync(new URL('../../docs/recipes.md', import.meta.url), 'utf8');
    expect(page).toContain(recipeReference());
    expect(recipeReference()).toContain("| `rbkg` | a number above 0 and at most 10 (Å) | `1` |");
  });

  it('a range in the description is the range in the JSON Schema', () => {
    const fit = recipeJsonSchemas()['fit-recipe.schema.json'] as any;
    const autobk = fit.properties.datasets.items.properties.autobk.properties;
    expect(autobk.rbkg).toMatchObject({ type: 'number', exclusiveMinimum: 0, maximum: 10, default: 1 });
    expect(autobk.nknots).toMatchObject({ type: 'integer', minimum: 5, maximum: 128 });
    expect(fit.properties.datasets.items.additionalProperties).toBe(false);
    expect(fit.properties.params.propertyNames.not.enum).toContain('__proto__');
    expect(fit.required).toEqual(['datasets']);
  });
});

describe('one did-you-mean', () => {
  it('edit distance is Levenshtein, case-insensitive', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('RBKG', 'rbkg')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });
  it('suggests the nearest key within max(2, length/3) edits, prefixes count as 1', () => {
    expect(didYouMean('rbk', ['rbkg', 'kmin'])).toBe('rbkg');
    expect(didYouMean('tranform', ['transform', 'paths'])).toBe('transform');
    expect(didYouMean('norm', ['normalization', 'space'])).toBe('normalization');
    expect(didYouMean('zzz', ['rbkg', 'kmin'])).toBeUndefined();
  });
});

describe('the validator', () => {
  const f: Field = { type: 'object', description: 't', required: ['a'], properties: { a: { type: 'integer', minimum: 1, maximum: 3, description: 'a', missing: 'give a' }, b: { type: 'string', enum: ['x', 'y'], description: 'b' } } };
  it('names the key path, the value and the range', () => {
    expect(message(() => validate(f, { a: 5 }, 'F'))).toBe("F: 'a' must be a whole number from 1 to 3, got 5");
    expect(message(() => validate(f, { a: '2' }, 'F'))).toBe("F: 'a' must be a whole number from 1 to 3, got '2' (a string: write the number without quotes)");
    expect(message(() => validate(f, {}, 'F'))).toBe("F: 'a' is missing: give a");
    expect(message(() => validate(f, { a: 1, zzzz: 1 }, 'F'))).toBe("F: unknown key 'zzzz' (the keys here are a, b)");
    expect(message(() => validate(f, [], 'F'))).toBe('F: the recipe must be an object, got a list');
    expect(validate(f, { a: 2, b: 'y' }, 'F')).toBeUndefined();
  });
});

describe('CLI options and recipe keys accept the same values', () => {
  it('numberRule is the field range', () => {
    expect(numberRule(Q.rbkg)).toEqual({ above: 0, max: 10 });
    expect(numberRule(Q.nknots)).toEqual({ integer: true, min: 5, max: 128 });
    expect(AUTOBK_FIT.properties.rbkg).toBe(AUTOBK_BATCH.properties.rbkg);
    expect(TRANSFORM.properties.kmin).toBe(Q.kmin);
  });

  it('--rbkg 0, --rbkg 1e6, --nknots 100000, --dk 1e308: refused as usage errors, exit 2', async () => {
    const usage = '(run with --help for usage)\n';
    expectRefused(await xafs('process', CU, '--rbkg', '0'), `xafs: option '--rbkg' expects a number > 0 and ≤ 10, got '0'\n${usage}`);
    expectRefused(await xafs('process', CU, '--rbkg', '1e6'), `xafs: option '--rbkg' expects a number > 0 and ≤ 10, got '1e6'\n${usage}`);
    expectRefused(await xafs('process', CU, '--nknots', '100000'), `xafs: option '--nknots' expects a whole number from 5 to 128, got '100000'\n${usage}`);
    expectRefused(await xafs('process', CU, '--dk', '1e308'), `xafs: option '--dk' expects a number from 0 to 50, got '1e308'\n${usage}`);
  });

  it('batch process.autobk refuses what the CLI refuses (rbkg -1 or 0, nknots 100000) instead of clamping', () => {
    const refused = (autobk: object) => message(() => parseBatchRecipe({ inputs: { files: '*.xdi' }, process: { autobk } }, 'b.json', '/d'));
    expect(refused({ rbkg: -1 })).toBe("b.json: 'process.autobk.rbkg' must be a number above 0 and at most 10 (Å), got -1");
    expect(refused({ rbkg: 0 })).toBe("b.json: 'process.autobk.rbkg' must be a number above 0 and at most 10 (Å), got 0");
    expect(refused({ nknots: 100000 })).toBe("b.json: 'process.autobk.nknots' must be a whole number from 5 to 128, got 100000");
    expect(refused({ rbk: 1 })).toBe("b.json: unknown key 'process.autobk.rbk' (did you mean 'rbkg'?)");
    expect(parseBatchRecipe({ $schema: 'x', inputs: { files: '*.xdi' }, process: { autobk: { rbkg: 1.1, nknots: 12 } } }, 'b.json', '/d').process.autobk).toEqual({ rbkg: 1.1, nknots: 12 });
  });

  it("the batch recipe's edge definitions and valence default are the library's", async () => {
    const { EDGE_METHODS: LIB_METHODS } = await import('../../src/xanes/edge.js');
    const { DEFAULT_VALENCE_METHOD } = await import('../../src/xanes/valence.js');
    const { EDGE_METHODS: BATCH_METHODS, BATCH_RECIPE: B } = await import('../../src/schema/batchRecipe.js');
    expect([...BATCH_METHODS]).toEqual([...LIB_METHODS]);
    const valence = B.properties.valence as unknown as { properties: { method: { default: unknown } } };
    expect(valence.properties.method.default).toBe(DEFAULT_VALENCE_METHOD);
  });

  it('the recipe descriptions hold every top-level key the parsers read', () => {
    expect(Object.keys(FIT_RECIPE.properties)).toEqual(['title', 'comment', 'version', 'params', 'datasets', 'force', 'restraints', '$schema']);
    expect(BATCH_RECIPE.required).toEqual(['inputs']);
  });
});
