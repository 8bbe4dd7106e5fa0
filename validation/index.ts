// validation/: checking the fleet model against the live stack on loopback.
export { calibrate, CALIBRATION_PARTS, type CalibrateOptions, type CalibrationPart } from './calibrate.js';
export { readProfile, writeProfile, FIGURES, PROFILE_KIND, type CalibrationProfile, type CalibrationFigure } from './profile.js';
export { validate, type ValidateOptions, type ValidateOutcome } from './validate.js';
export { levelConfig, levelValues, type LevelValues, type Mapped } from './mapping.js';
export { compare, relativeError, insideInterval, predictedFrom, saturationLevel, saturationAgrees, TARGETS, type Comparison, type Predicted } from './compare.js';
export { renderValidationHtml, formatValue, formatError } from './html.js';
export { choosePinning, type Pinning } from './processes.js';
export type { ValidationReport, LevelReport } from './report-types.js';
