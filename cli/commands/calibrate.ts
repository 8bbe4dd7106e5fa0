// `agentscale calibrate`: measure the service costs the model needs on this machine and write
// a calibration profile (YAML) that validation scenarios name.

import path from 'node:path';
import type { Argv } from 'yargs';
import { EXIT, info, setQuiet, UserError } from '../../lib/index.js';
import { calibrate, CALIBRATION_PARTS, writeProfile, type CalibrationPart } from '../../validation/index.js';
import type { AnyCommand } from './index.js';

interface CalibrateArgs {
  out: string;
  parts: string;
  window: number;
  syncs: number;
  starts: number;
  pin: boolean;
  quiet: boolean;
}

export const calibrateCommand: AnyCommand = {
  command: 'calibrate',
  describe: 'measure service costs on this machine (fsync time, hub CPU per frame, agent-server CPU per frame and byte, terminal echo latency) and write a calibration profile',
  builder: (y: Argv) =>
    y
      .option('out', { alias: 'o', type: 'string', default: 'calibration.yaml', describe: 'the profile to write (YAML)' })
      .option('parts', { type: 'string', default: CALIBRATION_PARTS.join(','), describe: `what to measure, comma-separated: ${CALIBRATION_PARTS.join(', ')}` })
      .option('window', { type: 'number', default: 4, describe: 'seconds per measuring window (hub run, each terminal step); shorter is noisier' })
      .option('syncs', { type: 'number', default: 300, describe: 'synced 256-byte appends to time for the store, 20 ms apart as a light hub writes (300: about 6 s)' })
      .option('starts', { type: 'number', default: 3, describe: 'freshly started servers per output rate whose round trips are pooled for the echo latency, and for the pace of a fan-out, whose median is taken (one start is one draw of the machine)' })
      .option('pin', { type: 'boolean', default: true, describe: 'pin servers to core 0 and the load generator to the last core with taskset (--no-pin: no pinning)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress messages on stderr' })
      .example('$0 calibrate --out calibration.yaml', 'all parts, about five minutes')
      .example('$0 calibrate --parts terminal --window 2 -o term.yaml', 'the terminal figures only, quickly'),
  handler: async (raw: Record<string, unknown>) => {
    const argv = raw as unknown as CalibrateArgs;
    setQuiet(argv.quiet);
    const parts = argv.parts.split(',').map((p) => p.trim()).filter(Boolean);
    const bad = parts.filter((p) => !(CALIBRATION_PARTS as readonly string[]).includes(p));
    if (bad.length > 0 || parts.length === 0) throw new UserError(`--parts: expected some of ${CALIBRATION_PARTS.join(', ')}, found ${argv.parts}`, EXIT.usage);
    if (!(argv.window > 0)) throw new UserError(`--window: expected seconds above 0, found ${argv.window}`, EXIT.usage);
    if (!(Number.isInteger(argv.syncs) && argv.syncs >= 10)) throw new UserError(`--syncs: expected a whole number ≥ 10, found ${argv.syncs}`, EXIT.usage);
    if (!(Number.isInteger(argv.starts) && argv.starts >= 1)) throw new UserError(`--starts: expected a whole number ≥ 1, found ${argv.starts}`, EXIT.usage);
    const out = path.resolve(argv.out);
    const profile = await calibrate({ workDir: path.join(path.dirname(out), `.calibrate-${process.pid}`), parts: parts as CalibrationPart[], window: argv.window, syncs: argv.syncs, echoStarts: argv.starts, pin: argv.pin });
    await writeProfile(out, profile);
    for (const [name, f] of Object.entries(profile.figures)) {
      const shown = typeof f.value === 'number' ? `${Number(f.value.toPrecision(4))} ${f.unit}` : describeShape(f.value, f.unit, f.summary);
      process.stdout.write(`${name}: ${shown} (n=${f.n})\n`);
    }
    info(`calibration profile written to ${argv.out} (${profile.pinning})`);
  },
};

/** A one-line view of a figure that is not a number: a curve's rows, or a distribution's mean. */
function describeShape(value: { kind: string; points?: unknown }, unit: string, summary: Record<string, number> | undefined): string {
  if (value.kind === 'curve' && Array.isArray(value.points)) return `curve of ${value.points.length} rates (see the profile)`;
  const p50 = summary?.p50;
  return `mean ${Number((summary?.mean ?? 0).toPrecision(4))} ${unit}${p50 === undefined ? '' : `, p50 ${Number(p50.toPrecision(4))} ${unit}`}`;
}
