// `agentscale validate <scenario.yaml>`: the scenario's validation block run live on loopback,
// simulated with the calibration profile, and reported predicted against measured.

import type { Argv } from 'yargs';
import { EXIT, setQuiet, UserError } from '../../lib/index.js';
import { defaultOutDir } from '../../model/index.js';
import { validate, formatError, formatValue } from '../../validation/index.js';
import type { AnyCommand } from './index.js';

interface ValidateArgs {
  scenario: string;
  out?: string;
  calibration?: string;
  seed?: number;
  pin: boolean;
  quiet: boolean;
}

export const validateCommand: AnyCommand = {
  command: 'validate <scenario>',
  describe: "start the scenario's validation stack on 127.0.0.1, load it level by level, simulate the same levels, and report predicted against measured",
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', describe: 'scenario file with a validation block, e.g. scenarios/validate-terminal.yaml', demandOption: true })
      .option('out', { type: 'string', describe: 'folder for validation.json, validation.html and each level\'s load document (default: out/<scenario name>-validate)' })
      .option('calibration', { type: 'string', describe: "calibration profile from agentscale calibrate (default: the scenario's calibration field)" })
      .option('seed', { type: 'number', describe: "random seed for the load and the model (default: the scenario's)" })
      .option('pin', { type: 'boolean', default: true, describe: 'servers on core 0, load generator on the last core (taskset); --no-pin shares every core' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress messages on stderr' })
      .example('$0 calibrate -o calibration.yaml && $0 validate scenarios/validate-terminal.yaml --calibration calibration.yaml', 'calibrate, then validate'),
  handler: async (raw: Record<string, unknown>) => {
    const argv = raw as unknown as ValidateArgs;
    setQuiet(argv.quiet);
    if (argv.seed !== undefined && !(Number.isInteger(argv.seed) && argv.seed >= 0)) throw new UserError(`--seed: expected a whole number ≥ 0, found ${argv.seed}`, EXIT.usage);
    const name = argv.scenario.replace(/^.*\//, '').replace(/\.ya?ml$/i, '');
    const { report, files } = await validate({
      scenario: argv.scenario,
      outDir: argv.out ?? `${defaultOutDir(name)}-validate`,
      ...(argv.calibration ? { calibration: argv.calibration } : {}),
      ...(argv.seed !== undefined ? { seed: argv.seed } : {}),
      pin: argv.pin,
    });
    const lines: string[] = [];
    for (const l of report.levels) {
      lines.push(`level ${l.index + 1}: ${l.label}${l.untrustworthy ? ' (untrustworthy)' : ''}`);
      for (const c of l.comparisons) {
        if (c.target === undefined) continue;
        lines.push(`  ${c.metric.padEnd(22)} predicted ${formatValue(c.predicted?.mean, c.unit).padStart(12)}  measured ${formatValue(c.measured, c.unit).padStart(12)}  error ${formatError(c).padStart(8)}  ${c.meets ? 'ok' : 'MISS'}`);
      }
    }
    const sat = (x: number | null) => (x === null ? 'none' : `level ${x + 1}`);
    lines.push(`saturation (${report.saturation.metric} > 2× light): measured ${sat(report.saturation.measured)}, predicted ${sat(report.saturation.predicted)}: ${report.saturation.agrees ? 'within one level' : 'MISS'}`);
    lines.push(`report: ${files.html} (${files.json})`);
    process.stdout.write(lines.join('\n') + '\n');
  },
};
