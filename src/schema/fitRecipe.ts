/**
 * The fit recipe (xafs fit; docs/recipes.md): parameters, datasets, paths. Validated by
 * src/fit/recipe.ts with `validate`, published as schemas/fit-recipe.schema.json. The parameter
 * set (src/fit/params.ts) checks what a schema cannot: min ≤ max, vary with expr, expressions.
 */
import { AUTOBK_FIT, PRE_EDGE, Q, TRANSFORM } from './quantities.js';
import type { Field, ObjectField } from './validate.js';

const expression: Field = { type: 'string', description: 'an expression of the parameters (and reff), e.g. "amp*12" or "sigma2_eins(300, theta)"' };
const pathValue = (description: string, number: Field = { type: 'number', description }): Field => ({ type: 'anyOf', description, anyOf: [number, expression] });
const bound = (description: string): Field => ({ type: 'anyOf', description, anyOf: [{ type: 'number', description }, { type: 'null', description: 'no bound' }] });

export const PARAM: Field = {
  type: 'anyOf',
  description: 'a parameter: a number (fixed), {value, vary, min, max}, {expr, min, max} or {from, param}',
  anyOf: [
    { type: 'number', description: 'a fixed value' },
    {
      type: 'object',
      description: 'a varied, fixed, constrained or saved parameter',
      properties: {
        value: { type: 'number', description: 'the starting value (varied) or the value (fixed)' },
        vary: { type: 'boolean', description: 'fit this parameter', default: false },
        min: bound('lower bound'),
        max: bound('upper bound'),
        expr: expression,
        stderr: { type: 'number', minimum: 0, description: 'standard error carried with a fixed value' },
        from: { type: 'string', description: 'a saved result (xafs fit --json) to take the value and stderr from' },
        param: { type: 'string', description: "the parameter's name in that result (default: this name)" },
      },
    },
  ],
};

export const PATH: ObjectField = {
  type: 'object',
  description: 'a FEFF path and its parameters (numbers or expressions)',
  required: ['feff'],
  properties: {
    feff: { type: 'string', description: 'the feffNNNN.dat file, relative to the recipe (or --data-dir)' },
    label: { type: 'string', description: 'a name for reports' },
    degen: pathValue("degeneracy N (default: the feff.dat's)", { type: 'number', exclusiveMinimum: 0, maximum: 1000, description: 'degeneracy N' }),
    s02: pathValue('amplitude reduction S0² (default 1)'),
    e0: pathValue('energy shift ΔE0, eV (default 0)'),
    ei: pathValue('imaginary energy, eV (default 0)'),
    deltar: pathValue('ΔR, Å (default 0)'),
    sigma2: pathValue('σ², Å² (default 0)'),
    third: pathValue('third cumulant C3, Å³ (default 0)'),
    fourth: pathValue('fourth cumulant C4, Å⁴ (default 0)'),
  },
};

export const DATASET: ObjectField = {
  type: 'object',
  description: 'a dataset: the data, their processing and transform, and the paths fitted to them',
  required: ['file', 'paths'],
  properties: {
    file: { type: 'string', description: 'the data: μ(E) (with "mu") or a χ(k) file (k, chi columns)', missing: 'the data file (μ(E) with "mu", or a χ(k) file)' },
    label: { type: 'string', description: 'a name for reports' },
    mu: { type: 'string', description: 'μ(E) from columns, e.g. "ln(i0/itrans)": the data are processed by pre_edge and autobk' },
    energy: { type: 'string', description: 'energy column or expression, eV' },
    group: { type: 'string', description: 'Athena project: the group' },
    autobk: AUTOBK_FIT,
    preEdge: PRE_EDGE,
    pre_edge: { ...PRE_EDGE, description: 'the same as preEdge (Larch spelling)' },
    transform: TRANSFORM,
    epsilonK: Q.epsilonK,
    epsilon_k: { ...Q.epsilonK, description: 'the same as epsilonK (Larch spelling)' },
    paths: { type: 'array', minItems: 1, items: PATH, description: 'the paths', missing: 'give a list of paths [{"feff": "feff0001.dat", ...}]' },
  },
};

export const FIT_RECIPE: ObjectField = {
  type: 'object',
  description: 'an xafs fit recipe: parameters and datasets (Larch feffit)',
  required: ['datasets'],
  properties: {
    title: { type: 'string', minLength: 0, description: 'free text, echoed in reports' },
    comment: { type: 'string', minLength: 0, description: 'free text' },
    version: { type: 'integer', minimum: 1, maximum: 1, description: 'recipe format version', default: 1 },
    params: {
      type: 'map',
      description: 'the parameters, by name',
      keyPattern: '^[A-Za-z_][A-Za-z0-9_]*$',
      keyRule: 'a parameter name starts with a letter or _ and holds only letters, digits and _',
      values: PARAM,
      default: {},
    },
    datasets: { type: 'array', minItems: 1, items: DATASET, description: 'the datasets fitted together', missing: 'give a list of datasets [{"file", "paths", ...}]' },
    force: { type: 'boolean', description: 'fit even when the varied parameters outnumber the independent points', default: false },
    restraints: {
      type: 'array',
      description: 'penalty terms (Ifeffit/Artemis restraints): each adds (weight·(expr − value)/sigma)² to χ² (docs/fit-sanity.md)',
      items: {
        type: 'object',
        description: 'a restraint',
        required: ['expr'],
        properties: {
          expr: { type: 'string', description: 'an expression of the parameters, e.g. "ss1"' },
          value: { type: 'number', description: 'the value the expression is pulled toward', default: 0 },
          sigma: { type: 'number', exclusiveMinimum: 0, description: 'the width of the penalty, in the units of expr', default: 1 },
          weight: { type: 'number', exclusiveMinimum: 0, description: 'a multiplier of the penalty', default: 1 },
        },
      },
    },
    $schema: { type: 'string', description: 'the JSON Schema of this file (editors)' },
  },
};
