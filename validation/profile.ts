// The calibration profile: the service costs `agentscale calibrate` measured on this machine,
// each with its value, unit, how it was measured and the sample behind it, plus the date and the
// machine. YAML, so a person can read and edit it; read back with every field checked.

import { readFile } from 'node:fs/promises';
import YAML from 'yaml';
import { z } from 'zod';
import { EXIT, UserError, writeFileAtomic, MachineInfo } from '../lib/index.js';
import type { DistributionSpec } from '../model/index.js';

export const PROFILE_KIND = 'agentscale/calibration';

const Spec = z.looseObject({ kind: z.string() });

export const CalibrationFigure = z
  .object({
    /** A number in `unit`, or a distribution (seconds) for timings. */
    value: z.union([z.number(), Spec]),
    unit: z.string(),
    /** Model field(s) this figure sets. */
    sets: z.array(z.string()),
    method: z.string(),
    /** Samples or operations behind the figure. */
    n: z.number().int().nonnegative(),
    /** Mean and percentiles of a timing, for people. */
    summary: z.record(z.string(), z.number()).optional(),
  })
  .strict();
export type CalibrationFigure = z.infer<typeof CalibrationFigure>;

export const CalibrationProfile = z
  .object({
    kind: z.literal(PROFILE_KIND),
    version: z.literal(1),
    date: z.string(),
    machine: MachineInfo,
    loadAverage: z.array(z.number()),
    pinning: z.string(),
    figures: z.record(z.string(), CalibrationFigure),
  })
  .strict();
export type CalibrationProfile = z.infer<typeof CalibrationProfile>;

/** Names of the figures calibrate measures. */
export const FIGURES = {
  syncWrite: 'hub.store.syncWrite',
  perMessageCpu: 'hub.perMessageCpu',
  cpuPerFrame: 'terminal.cpuPerFrame',
  cpuPerByte: 'terminal.cpuPerByte',
  wireCurve: 'terminal.wire',
  inputWire: 'terminal.inputWire',
  inputFrames: 'terminal.inputFrames',
  readerTimePerFrame: 'terminal.readerTimePerFrame',
  echoLatency: 'terminal.echoLatency',
  watcherEchoLatency: 'terminal.watcherEchoLatency',
  cpuAtRestPerSession: 'terminal.cpuAtRestPerSession',
  tmuxCpuAtRestPerSession: 'terminal.tmuxCpuAtRestPerSession',
  tmuxCpuPerByte: 'terminal.tmuxCpuPerByte',
} as const;

export function figureNumber(profile: CalibrationProfile, name: string): number | undefined {
  const v = profile.figures[name]?.value;
  return typeof v === 'number' ? v : undefined;
}

export function figureDistribution(profile: CalibrationProfile, name: string): DistributionSpec | undefined {
  const v = profile.figures[name]?.value;
  return v !== undefined && typeof v === 'object' ? (v as DistributionSpec) : undefined;
}

export async function writeProfile(file: string, profile: CalibrationProfile): Promise<void> {
  const head = `# Calibration profile written by agentscale calibrate on ${profile.date} (${profile.machine.hostname}).\n# Each figure: its value, unit, the model field it sets, how it was measured and on how many samples.\n`;
  await writeFileAtomic(file, head + YAML.stringify(profile, { lineWidth: 0 }));
}

export async function readProfile(file: string): Promise<CalibrationProfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read calibration profile ${file}: ${(err as Error).message}`, EXIT.usage, ['make one with: agentscale calibrate --out ' + file]);
  }
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (err) {
    throw new UserError(`${file}: not YAML: ${(err as Error).message}`, EXIT.usage);
  }
  const parsed = CalibrationProfile.safeParse(raw);
  if (!parsed.success) {
    throw new UserError(`${file}: not a calibration profile`, EXIT.usage, parsed.error.issues.slice(0, 8).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`));
  }
  return parsed.data;
}

/** A calibrated curve's points: [output rate, then its columns] (terminal.wire: bytes on the wire per second, frames per second; terminal.inputWire: bytes on the wire per input; terminal.inputFrames: frames per input). */
export function figureCurve(profile: CalibrationProfile, name: string): number[][] | undefined {
  const v = profile.figures[name]?.value as { kind?: string; points?: unknown } | undefined;
  if (!v || typeof v !== 'object' || v.kind !== 'curve' || !Array.isArray(v.points)) return undefined;
  return v.points as number[][];
}

/** Linear interpolation of column `col` against column 0, extended along the end segments. */
export function interpolate(points: readonly (readonly number[])[], x: number, col: number): number {
  const ps = [...points].sort((a, b) => a[0]! - b[0]!);
  if (ps.length === 1) return ps[0]![col]!;
  let i = 0;
  while (i < ps.length - 2 && x > ps[i + 1]![0]!) i++;
  const [a, b] = [ps[i]!, ps[i + 1]!];
  const t = (x - a[0]!) / (b[0]! - a[0]!);
  return a[col]! + t * (b[col]! - a[col]!);
}
