/**
 * The HTML report and its dependency-free SVG plotting (Node and browsers: nothing here touches
 * files; the command line writes the string).
 */
export { renderReport } from './report.js';
export type { AttackReport, ReportData, Timed } from './types.js';
export { chart, svg, PALETTE, type ChartOptions, type Series } from './chart.js';
export { contourPlot, contourSegments, type ContourOptions } from './contour.js';
export { legend, type LegendEntry } from './legend.js';
export { extent, formatTick, linearScale, logDomain, logScale, niceDomain, niceTicks, type Scale } from './scale.js';
export { angleHistogram, circlePlot, pairAnglesDeg, project, spherePlot, type VectorPlotOptions } from './vectors.js';
export { probabilityBars, type ProbabilityBarsOptions } from './bars.js';
export { figure, htmlTable, inlineImage, page, paragraph, row, section } from './html.js';
export { escapeXml, polyline, tag, text } from './xml.js';
