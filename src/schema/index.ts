/**
 * Recipe schemas: one declarative description per recipe section (./quantities.ts, ./fitRecipe.ts,
 * ./batchRecipe.ts), one validator (./validate.ts), and the JSON Schemas published in schemas/.
 */
import { BATCH_RECIPE } from './batchRecipe.js';
import { FIT_RECIPE } from './fitRecipe.js';
import { toJsonSchema, type ObjectField } from './validate.js';

export { BATCH_RECIPE } from './batchRecipe.js';
export { FIT_RECIPE } from './fitRecipe.js';
export { AUTOBK_BATCH, AUTOBK_FIT, PRE_EDGE, Q, TRANSFORM, WINDOW_NAMES, XFTF } from './quantities.js';
export { applyDefaults, didYouMean, editDistance, expectText, numberRule, showValue, toJsonSchema, validate, type Field, type ObjectField } from './validate.js';

const document = (title: string, f: ObjectField): Record<string, unknown> => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title,
  ...toJsonSchema(f),
});

/** The published schemas, by file name in schemas/ (written by scripts/make-schemas.mjs). */
export function recipeJsonSchemas(): Record<string, Record<string, unknown>> {
  return {
    'fit-recipe.schema.json': document('xafs fit recipe', FIT_RECIPE),
    'batch-recipe.schema.json': document('xafs batch recipe', BATCH_RECIPE),
  };
}
export { recipeReference } from './reference.js';
