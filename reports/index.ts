// reports/: results documents into HTML, CSV and console tables.
export { buildReport, renderReport, writeReport, type BuiltReport } from './report.js';
export type { ReportInput } from './render/context.js';
export { fitUsl, uslThroughput, type UslFit, type UslObservation } from './analysis/usl.js';
export { levenbergMarquardt, type LmProblem, type LmResult } from './analysis/least-squares.js';
export { headlines, recommendation, deploymentOptions, SATURATION, type Headline } from './analysis/headlines.js';
export { pointRows, fleetSize, type PointRow } from './analysis/points.js';
export { headlineText, costText, textTable } from './render/console.js';
