/**
 * xafs/feff: running FEFF on a structure (cluster, shells, XYZ, CIF or an existing feff.inp), its
 * paths, and the built-in path library that works without FEFF.
 */
export { runFeff, feffAvailable, feffVersion, feffInpText, buildCluster, resolveProgram, feffMissingMessage, structureInput, logTail, type StructureInputOptions, type RunFeffOptions, type FeffRun, type FeffRunPath, type FeffProgram } from './runner.js';
export { writeFeffInp, describeFeffInp, type FeffInpOptions } from './inp.js';
export { shellCluster, sphereDirections, centreCluster, EDGE_HOLES, MIN_DISTANCE, type FeffInput, type FeffCommonOptions, type ClusterAtom, type ShellSpec, type Cluster } from './structure.js';
export { readXyz, type XyzFile } from './xyz.js';
export { readCif, readCifCluster, parseSymOp, type CifStructure } from './cif.js';
export { defaultCacheDir, cacheKey } from './cache.js';
export { libraryEntries, findLibraryPath, libraryDir, libraryFeffVersion, type LibraryEntry } from './library.js';
export { fitShell, parseShellArg, sampleKind, transformDefaults, defaultRecipeFile, defaultEdge, librarySource, filesSource, s02FromResult, FOIL_N, DR_WINDOW, type FitShellOptions, type FitShellResult, type ShellRequest, type ShellRow, type ShellPath, type PathSource } from './fitShell.js';
