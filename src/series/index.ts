// Data reduction of spectra and series: calibration/alignment, merging, deglitching, rebinning,
// truncation. Each is a pure function returning new arrays and a record of what it did.
export {
  alignToStandard,
  calibrateEdge,
  shiftEnergy,
  referenceChannelExpression,
  type XY,
  type AlignOptions,
  type AlignResult,
  type CalibrateOptions,
  type CalibrateResult,
  type EdgeMethod,
  type ShiftResult,
} from './align.js';
export { mergeGroups, type MergeOptions, type MergeResult, type MergeKind } from './merge.js';
export { deglitch, spikeScore, type DeglitchOptions, type DeglitchResult, type RemovedPoint, type RemovalReason } from './deglitch.js';
export { rebinXafs, type RebinOptions, type RebinResult, type RebinSegment, type RebinMethod } from './rebin.js';
export { truncate, type TruncateOptions, type TruncateResult } from './truncate.js';
