/**
 * Plotting for commands and analyses: chart builders (plain data → Vega-Lite spec), `renderChart` (spec →
 * SVG and PNG, no browser), the circuit drawing, the readers of the files plots are made from, and
 * `writePlot` (both files, atomically). See docs/plots.md.
 */
export { bandChart, gridChart, lineChart, PALETTE, type AxisOptions, type BandChartOptions, type BandPoint, type BandSeries, type ChartSpec, type LineChartOptions, type Point, type Reference, type Rule, type Series } from './charts';
export { circuitSvg, MAX_DRAWN_NODES, MAX_LABELLED_EDGES, type CircuitDrawing, type DrawnEdge, type NodeRole } from './circuit';
export { parseMetrics, type RunMetrics } from './metrics';
export { plotFontFiles, renderChart, renderSvg, svgToPng, PLOT_FONT_FAMILY, type RenderedPlot, type RenderOptions } from './render';
export { parseSettingCsv, parseSigmaCsv, sigmaChart, sigmaCsv, summarizeSigma, type SettingCsv, type SigmaChartOptions, type SigmaRow, type SigmaSummary } from './sigma';
export { plotBase, writePlot } from './write';
