import { describe, expect, test } from 'vitest';
import * as xafs from '../src/index.js';

describe('the public API', () => {
  // A snapshot of the export list keeps API changes visible in review (docs/architecture.md, Habits).
  test('exports exactly these names', () => {
    expect(Object.keys(xafs).sort()).toEqual([
      'EINS_FACTOR',
      'ETOK',
      'KSTEP',
      'KTOE',
      'NFFT',
      'PLANCK_HC',
      'RSTEP',
      'XafsError',
      'angleToEnergy',
      'autobk',
      'cauchyWavelet',
      'etok',
      'evaluateExpression',
      'expressionColumns',
      'findE0',
      'ftWindow',
      'ktoe',
      'morletWavelet',
      'parseExpression',
      'preEdge',
      'processSpectrum',
      'readAscii',
      'readAthena',
      'readColumns',
      'readFeffDat',
      'readFile',
      'readSpectrum',
      'readXdi',
      'setInputLimits',
      'spectrumFrom',
      'wavelet',
      'waveletMaxima',
      'windowName',
      'xdiEnergy',
      'xftf',
      'xftr',
    ]);
  });

  test('the analyses have their own entry points: xafs/fit, xafs/xanes, xafs/series (and the package lists every subpath)', async () => {
    const fit = await import('../src/fit/index.js');
    const xanes = await import('../src/xanes/index.js');
    const series = await import('../src/series/index.js');
    expect(Object.keys(fit).sort()).toEqual([
      'ParamSet',
      'chi2Map',
      'compareFits',
      'estimateMuNoise',
      'feffit',
      'ff2chi',
      'fitJson',
      'fitParsedRecipe',
      'fitRecipe',
      'formatFitReport',
      'listFeffPaths',
      'loadFeffPath',
      'monteCarloRecipe',
      'pathChi',
      'profileParams',
      'samplePosterior',
      'sigma2Debye',
      'sigma2Eins',
    ]);
    expect(Object.keys(xanes).sort()).toEqual([
      'EDGE_METHODS',
      'VALENCE_METHODS',
      'applyCalibration',
      'calibrate',
      'edgeEnergy',
      'edgePositions',
      'expandInputs',
      'groups2matrix',
      'lcf',
      'lcfSeries',
      'lincomboFit',
      'lincomboFitAll',
      'loadSeries',
      'mcrAls',
      'pcaFit',
      'pcaReconstruct',
      'pcaTrain',
      'prepareGroup',
      'targetTransform',
      'valence',
      'whiteLine',
    ]);
    expect(Object.keys(series).sort()).toEqual([
      'alignToStandard',
      'calibrateEdge',
      'deglitch',
      'mergeGroups',
      'rebinXafs',
      'referenceChannelExpression',
      'shiftEnergy',
      'spikeScore',
      'truncate',
    ]);
    const pkg = JSON.parse((await import('node:fs')).readFileSync('package.json', 'utf8'));
    expect(Object.keys(pkg.exports)).toEqual(['.', './fit', './xanes', './series', './batch', './plot', './feff', './package.json', './schemas/fit-recipe.schema.json', './schemas/batch-recipe.schema.json']);
  });

  test('the batch engine, figures and FEFF have their own entry points: xafs/batch, xafs/plot, xafs/feff', async () => {
    const batch = await import('../src/series/batch/index.js');
    const plot = await import('../src/plot/index.js');
    const feff = await import('../src/feff/index.js');
    expect(Object.keys(batch).sort()).toEqual([
      'CHUNK_SIZE',
      'RECIPE_VERSION',
      'ResultsWriter',
      'analyzeChunk',
      'analyzeSpectrum',
      'csvHeader',
      'defaultOutDir',
      'formatChunk',
      'formatCsvRows',
      'formatJsonlRows',
      'jsonlHeader',
      'loadBatchRecipe',
      'mergeResults',
      'newFitState',
      'openInputs',
      'openResultsWriter',
      'parseBatchRecipe',
      'parseShard',
      'prepareAnalysis',
      'progressBar',
      'readItem',
      'recipeEcho',
      'resultsHeader',
      'runBatch',
      'shardChunks',
      'wantProgress',
      'writeRowArrays',
      'xafsVersion',
    ]);
    expect(Object.keys(plot).sort()).toEqual([
      'FONT_FAMILY',
      'PALETTE',
      'PLOT_KINDS',
      'TITLES',
      'WIDTHS',
      'buildReport',
      'chi2MapFigure',
      'chikFigure',
      'chiqFigure',
      'chirFigure',
      'cornerFigure',
      'cornerOfChain',
      'derivativeFigure',
      'fitFigure',
      'lcfFigure',
      'lcfPlotData',
      'loadAllFitArrays',
      'loadFitArrays',
      'loadResultsTable',
      'parseCsv',
      'pcaFigure',
      'plotFigure',
      'readResultsTable',
      'renderVega',
      'renderVegaLite',
      'reportKind',
      'stackFigure',
      'toPng',
      'trendPanels',
      'trendsFigure',
      'trendsOfTable',
      'valenceFigure',
      'waveletFigure',
      'xanesFigure',
    ]);
    expect(Object.keys(feff).sort()).toEqual([
      'DR_WINDOW',
      'EDGE_HOLES',
      'FOIL_N',
      'MIN_DISTANCE',
      'buildCluster',
      'cacheKey',
      'centreCluster',
      'defaultCacheDir',
      'defaultEdge',
      'defaultRecipeFile',
      'describeFeffInp',
      'feffAvailable',
      'feffInpText',
      'feffMissingMessage',
      'feffVersion',
      'filesSource',
      'findLibraryPath',
      'fitShell',
      'libraryDir',
      'libraryEntries',
      'libraryFeffVersion',
      'librarySource',
      'logTail',
      'parseShellArg',
      'parseSymOp',
      'readCif',
      'readCifCluster',
      'readXyz',
      'resolveProgram',
      'runFeff',
      's02FromResult',
      'sampleKind',
      'shellCluster',
      'sphereDirections',
      'structureInput',
      'transformDefaults',
      'writeFeffInp',
    ]);
  });

  test('KTOE is the CODATA-2018 value Larch 0.9.58 uses, and etok/ktoe invert each other', () => {
    expect(xafs.KTOE).toBe(3.8099821161548597);
    expect(xafs.ETOK * xafs.KTOE).toBeCloseTo(1, 15);
    expect(xafs.ktoe(xafs.etok(100))).toBeCloseTo(100, 12);
    expect(xafs.etok(-100)).toBeCloseTo(-xafs.etok(100), 15);
    expect(xafs.RSTEP).toBe(0.030679615757712823);
  });

  test('the contract example runs synchronously on a bundled fixture', () => {
    const s = xafs.readSpectrum('fixtures/spectra/cu_metal_rt.xdi', { mu: 'ln(i0/itrans)' });
    const pe = xafs.preEdge(s);
    const bk = xafs.autobk({ ...s, ...pe }, { rbkg: 1, kweight: 2 });
    const ft = xafs.xftf(bk, { kmin: 3, kmax: 14, dk: 1, window: 'hanning', kweight: 2 });
    const bt = xafs.xftr(ft, { rmin: 1, rmax: 3, dr: 0.1, window: 'hanning' });
    expect(pe.e0).toBe(8980.5);
    expect(bk.k.length).toBe(350);
    let im = 0;
    for (let i = 1; i < ft.chirMag.length; i++) if (ft.chirMag[i] > ft.chirMag[im]) im = i;
    // the Cu–Cu first shell (2.55 Å) appears near 2.24 Å before phase correction
    expect(ft.r[im]).toBeCloseTo(2.2396, 3);
    expect(bt.q.length).toBe(601);
    expect(bt.chiqRe).toBeInstanceOf(Float64Array);
  });
});
