/**
 * The batch recipe (xafs batch; docs/recipes.md). Validated by src/series/batch/recipe.ts with
 * `validate`, which then resolves the defaults given here and checks what a schema cannot (one
 * input kind, ranges that must increase, unique names). Published as
 * schemas/batch-recipe.schema.json.
 */
import { AUTOBK_BATCH, PRE_EDGE, XFTF } from './quantities.js';
import type { Field, ObjectField } from './validate.js';

// the edge definitions of src/xanes/edge.ts (EdgeMethod); a test checks the two lists agree
export const EDGE_METHODS = ['deriv', 'deriv-fit', 'half', 'zero2', 'integral', 'deriv-main', 'half-main'] as const;
const SPACES = ['norm', 'flat', 'dmude'] as const;

const str = (description: string, extra: object = {}): Field => ({ type: 'string', description, ...extra });
const relE = (description: string, dflt: number): Field => ({ type: 'number', description, minimum: -1e5, maximum: 1e5, unit: 'eV', default: dflt });

export const INPUTS: ObjectField = {
  type: 'object',
  description: 'the spectra: exactly one of files, columns, athena, hdf5',
  properties: {
    files: str('a glob of spectrum files, relative to the recipe, e.g. "spectra/*.xdi"'),
    columns: str('one column file holding a spectrum per column'),
    athena: str('an Athena project: every μ(E) group'),
    hdf5: {
      type: 'object',
      description: 'an HDF5 file with a 2D μ dataset',
      required: ['file', 'energy', 'mu'],
      properties: { file: str('the HDF5 file'), energy: str('the energy dataset path'), mu: str('the μ dataset path (spectra × energies)') },
    },
  },
};

export const EDGE: ObjectField = {
  type: 'object',
  description: 'edge positions, one column e0_<method> per method (eV)',
  properties: {
    methods: { type: 'array', minItems: 1, items: { type: 'string', enum: EDGE_METHODS, description: 'an edge definition' }, description: 'edge definitions', default: ['deriv-fit', 'half'] },
    smooth: { type: 'number', exclusiveMinimum: 0, maximum: 1000, unit: 'eV', description: 'Gaussian σ of deriv-fit and zero2', default: 1 },
    searchWidth: { type: 'number', exclusiveMinimum: 0, maximum: 1000, unit: 'eV', description: "half-width searched around Larch's e0 for deriv-fit", default: 10 },
    halfLevel: { type: 'number', exclusiveMinimum: 0, maximum: 0.99, description: 'normalized level of half', default: 0.5 },
    integralLevels: {
      type: 'array',
      minItems: 2,
      maxItems: 2,
      items: { type: 'number', exclusiveMinimum: 0, maximum: 10, description: 'normalized level' },
      description: 'normalized window [μ1, μ2] of integral',
      default: [0.15, 0.85],
    },
  },
};

export const VALENCE: ObjectField = {
  type: 'object',
  description: 'valence from an edge position calibrated on references (or by LCF)',
  required: ['references'],
  properties: {
    method: { type: 'string', enum: [...EDGE_METHODS, 'lcf'], description: 'edge definition calibrated against valence, or lcf (the default is xafs valence\'s: DEFAULT_VALENCE_METHOD, docs/edges.md)', default: 'half-main' },
    form: { type: 'string', enum: ['linear', 'quadratic'], description: 'calibration curve', default: 'linear' },
    references: {
      type: 'array',
      minItems: 2,
      description: 'reference spectra of known valence',
      missing: 'give at least two [{"file": F, "valence": V}]',
      items: {
        type: 'object',
        description: 'a reference',
        required: ['file', 'valence'],
        properties: {
          file: str('the reference spectrum, relative to the recipe'),
          valence: { type: 'number', minimum: -10, maximum: 10, description: 'its valence' },
          name: str('name for messages (default: the file name)'),
        },
      },
    },
    emin: relE('lcf method: fit range start, relative to e0', -20),
    emax: relE('lcf method: fit range end, relative to e0', 60),
  },
};

export const LCF: ObjectField = {
  type: 'object',
  description: 'linear combination fit of standards',
  required: ['standards'],
  properties: {
    standards: {
      type: 'array',
      minItems: 1,
      description: 'the standards: file names or {file, name}',
      missing: 'give at least two [{"file": F, "name": N}]',
      items: {
        type: 'anyOf',
        description: 'a standard',
        anyOf: [
          str('a standard file, relative to the recipe'),
          { type: 'object', description: 'a standard', required: ['file'], properties: { file: str('the standard file, relative to the recipe'), name: str('column name lcf_<name> (default: the file name without extension)') } },
        ],
      },
    },
    space: { type: 'string', enum: SPACES, description: 'the spectra fitted', default: 'norm' },
    emin: relE('fit range start, relative to each spectrum’s e0', -20),
    emax: relE('fit range end, relative to each spectrum’s e0', 60),
    sumToOne: { type: 'boolean', description: 'weights sum to one', default: true },
    eshift: { type: 'string', enum: ['none', 'common', 'each'], description: 'energy shifts fitted with the weights', default: 'common' },
    normalization: { type: 'string', enum: ['sample', 'own'], description: "standards normalized like each spectrum ('sample') or as they are ('own')", default: 'sample' },
  },
};

export const PROCESS: ObjectField = {
  type: 'object',
  description: 'normalization, background removal and transform of every spectrum',
  properties: { preEdge: PRE_EDGE, autobk: AUTOBK_BATCH, xftf: XFTF },
};

const fitRecipeFile = str('a fit recipe (xafs fit), relative to the batch recipe');

export const FIT: Field = {
  type: 'anyOf',
  description: 'a fit recipe applied to every spectrum (its first dataset’s data replaced by each χ(k))',
  anyOf: [
    fitRecipeFile,
    {
      type: 'object',
      description: 'a fit of every spectrum',
      required: ['recipe'],
      properties: {
        recipe: { ...fitRecipeFile, missing: 'the fit recipe file (xafs fit) applied to every spectrum' },
        warmStart: { type: 'boolean', description: "start each fit from the previous spectrum's best fit", default: true },
      },
    },
  ],
};

export const GLOBAL_FIT: Field = {
  type: 'anyOf',
  description: 'one fit of all spectra together',
  anyOf: [
    fitRecipeFile,
    {
      type: 'object',
      description: 'a global fit',
      required: ['recipe'],
      properties: {
        recipe: { ...fitRecipeFile, missing: 'a fit recipe whose dataset is repeated for every spectrum' },
        perSpectrum: { type: 'array', items: str('a parameter name'), description: 'parameters with one value per spectrum', default: [] },
      },
    },
  ],
};

const seriesAnalysis = (description: string): ObjectField => ({
  type: 'object',
  description,
  properties: {
    space: { type: 'string', enum: SPACES, description: 'the spectra analysed', default: 'norm' },
    emin: relE('range start, relative to the first spectrum’s e0', -20),
    emax: relE('range end, relative to the first spectrum’s e0', 60),
    ncomps: { type: 'integer', minimum: 1, maximum: 1000, description: 'number of components (default: 2 for mcr, all for pca)' },
  },
});

export const OUTPUTS: ObjectField = {
  type: 'object',
  description: 'where and what to write',
  properties: {
    dir: str("output folder, relative to the recipe (default '<recipe name>.results' beside it)"),
    arrays: { type: 'boolean', description: "write each spectrum's arrays into DIR/arrays/", default: false },
  },
};

export const BATCH_RECIPE: ObjectField = {
  type: 'object',
  description: 'an xafs batch recipe: inputs and the analyses run on every spectrum',
  required: ['inputs'],
  properties: {
    version: { type: 'integer', minimum: 1, description: 'recipe format version', default: 1 },
    title: str('free text, echoed with the results'),
    comment: str('free text, echoed with the results'),
    inputs: { ...INPUTS, missing: 'give {"files": GLOB}, {"columns": FILE}, {"athena": FILE} or {"hdf5": {"file", "energy", "mu"}}' },
    mu: str('μ(E) expression for column files, e.g. "ln(i0/itrans)"'),
    energy: str('energy column or expression, eV'),
    edge: EDGE,
    valence: VALENCE,
    lcf: LCF,
    process: PROCESS,
    fit: FIT,
    globalFit: GLOBAL_FIT,
    pca: seriesAnalysis('principal component analysis of the series'),
    mcr: seriesAnalysis('multivariate curve resolution of the series'),
    outputs: OUTPUTS,
    $schema: str('the JSON Schema of this file (editors)'),
  },
};
