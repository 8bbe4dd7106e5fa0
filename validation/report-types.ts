// The validation report document (validation.json): what was run, how the model was set up
// (calibrated, structural, data-file figures), and predicted against measured at every level.

import type { MachineInfo } from '../lib/index.js';
import type { Comparison } from './compare.js';
import type { LevelValues } from './mapping.js';
import type { RemeasuredRun } from './steal.js';

export interface LevelReport {
  index: number;
  label: string;
  values: LevelValues;
  /** The load generator's results document of this level, relative to the report. */
  measuredFile: string;
  loadgenExit: number;
  untrustworthy: boolean;
  warnings: string[];
  comparisons: Comparison[];
}

export interface ValidationReport {
  kind: 'agentscale/validation';
  version: 1;
  createdAt: string;
  scenario: { file: string; name: string; kind: string; levels: number; duration: number; replications: number; seed: number };
  machine: MachineInfo;
  loadAverage: { before: number[]; after: number[] };
  pinning: string;
  /** Runs measured again because the hypervisor took more than `limit` of a core they ran on (steal.ts). */
  remeasured: { limit: number; runs: RemeasuredRun[] };
  calibration: {
    file: string;
    date: string;
    host: string;
    loadAverage: number[];
    figures: { name: string; value: number; unit: string; method: string; n: number }[];
  };
  /** Model fields set from the calibration profile. */
  calibrated: { field: string; figure: string }[];
  /** Model fields set by the validation block's structure. */
  structural: string[];
  /** Figures of the model that came from data files (scenarios/data/), as the scenario resolved them. */
  fromDataFiles: { name: string; value: string | number | boolean; source: string }[];
  levels: LevelReport[];
  saturation: { metric: string; measured: number | null; predicted: number | null; agrees: boolean };
  /** Where the model misses a target: level, metric, error, component. */
  misses: string[];
}
