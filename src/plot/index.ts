// xafs/plot: publication figures (SVG, PNG) and the self-contained HTML report.
export { renderVega, renderVegaLite, toPng, type PngOptions } from './render.js';
export { PALETTE, WIDTHS, TITLES, FONT_FAMILY, type FigureWidth } from './theme.js';
export {
  xanesFigure,
  derivativeFigure,
  valenceFigure,
  chikFigure,
  chirFigure,
  chiqFigure,
  fitFigure,
  lcfFigure,
  pcaFigure,
  stackFigure,
  trendsFigure,
  type FigureOptions,
  type Curve,
  type XanesCurve,
  type XanesFigureOptions,
  type DerivativeCurve,
  type ValencePlotData,
  type ChikCurve,
  type ChirCurve,
  type ChirPart,
  type ChiqCurve,
  type FitSpace,
  type FitPlotData,
  type LcfPlotData,
  type PcaPlotData,
  type StackFigureOptions,
  type TrendSeries,
} from './figures.js';
export { chi2MapFigure, type Chi2MapData } from './chi2MapFigure.js';
export { waveletFigure, type WaveletMap, type WaveletFigureOptions } from './waveletFigure.js';
export { cornerFigure, cornerOfChain, type CornerData, type CornerFigureOptions } from './cornerFigure.js';
export { plotFigure, lcfPlotData, loadFitArrays, loadAllFitArrays, loadResultsTable, trendsOfTable, trendPanels, PLOT_KINDS, type PlotKind, type PlotOptions } from './make.js';
export { buildReport, reportKind, type ReportOptions, type ReportKind } from './report.js';
export { readResultsTable, parseCsv, type ResultsTable } from './table.js';
