// Terminal levels measured in rounds (rounds.ts): each round runs every level once, the
// light-load echo once per output rate and the light-load pace of a fan-out once, every run on a
// freshly started server.

import { rename } from 'node:fs/promises';
import path from 'node:path';
import type { LatencyHistogram } from '../lib/index.js';
import type { ValidationConfig } from '../model/index.js';
import { ECHO_SHAPE, echoes, type EchoReader } from './echo.js';
import { deliverySpread, PACE_SHAPE } from './pace.js';
import type { LevelValues } from './mapping.js';
import { firstPoint, type ServerReadings } from './metrics.js';
import { pinnedCores, type Pinning } from './processes.js';
import { alternatingRounds, poolRuns, type PooledLevel } from './rounds.js';
import { measureUnstolen, waitForQuiet, type RemeasuredRun, type SetAsideFiles } from './steal.js';
import { measureTerminalRun, type TerminalLoad, type TerminalRun } from './terminal-run.js';

/** One run of a round: a level (0-based index), the echo at an output rate, or the pace (at the lowest rate). */
export type RoundStep = { kind: 'level'; level: number; round: number } | { kind: 'echo'; outputRate: number; round: number } | { kind: 'pace'; outputRate: number; round: number };

/**
 * The runs in order. Even rounds: the pace, the echo, then levels 1…n; odd rounds: levels n…1,
 * the echo, then the pace. Over each pair of rounds every step's mean position is the same. The
 * echo sits beside level 1, the same shape: at the rounds' ends (…, level 1, pace, echo | echo,
 * pace, level 1, …) its medians came out 13–20 % above level 1's in two validations in a row,
 * where the two run alternately outside the rounds agreed within 4 %.
 */
export function roundSchedule(levels: number, outputRates: readonly number[], rounds: number): RoundStep[] {
  return alternatingRounds<RoundStep>(
    rounds,
    (round) => [{ kind: 'pace', outputRate: Math.min(...outputRates), round }, ...outputRates.map((outputRate): RoundStep => ({ kind: 'echo', outputRate, round }))],
    (round) => Array.from({ length: levels }, (_, level) => ({ kind: 'level', level, round })),
  );
}

export interface TerminalMeasurement {
  levels: PooledLevel[];
  /** The echo as the writers and as the watchers timed it, pooled per output rate. */
  echo: Record<EchoReader, Map<number, LatencyHistogram>>;
  /** Each run's delivery spread (pace.ts) at the pace shape and at the echo's, at the lowest output rate. */
  spreads: { pace: number[]; echo: number[] };
  /** Runs measured again because the hypervisor took too much of a core (steal.ts). */
  remeasured: RemeasuredRun[];
}

export async function measureTerminalLevels(v: ValidationConfig, levels: readonly LevelValues[], outDir: string, pinning: Pinning, seed: number, say: (line: string) => void): Promise<TerminalMeasurement> {
  const rates = [...new Set(levels.map((l) => l.outputRate))].sort((a, b) => a - b);
  const schedule = roundSchedule(levels.length, rates, v.repeats);
  const runs: TerminalRun[][] = levels.map(() => []);
  const echo: TerminalMeasurement['echo'] = { writer: new Map(), watchers: new Map() };
  const spreads: TerminalMeasurement['spreads'] = { pace: [], echo: [] };
  const dir = path.join(outDir, 'levels');
  const remeasured: RemeasuredRun[] = [];
  // Round trips here are milliseconds, so a stall of another guest shows in a p95: measure such a run again.
  const measure = (load: TerminalLoad, name: string, runSeed: number) => {
    const move = async (from: string, to: string) => {
      for (const ext of ['.json', '.loadgen.yaml']) await rename(path.join(dir, from + ext), path.join(dir, to + ext));
    };
    const files: SetAsideFiles = {
      async setAside(attempt) {
        const aside = `${name}.stolen-${attempt + 1}`;
        await move(name, aside);
        return path.join('levels', `${aside}.json`);
      },
      restore: (kept) => move(path.basename(kept, '.json'), name),
    };
    return measureUnstolen(name, () => measureTerminalRun(load, path.join(dir, name), pinning, runSeed), remeasured, say, files, () => waitForQuiet(pinnedCores(pinning)));
  };
  for (const [i, step] of schedule.entries()) {
    const where = `run ${i + 1}/${schedule.length} (round ${step.round + 1}/${v.repeats})`;
    const timing = { duration: v.duration, warmup: v.warmup };
    if (step.kind === 'echo') {
      say(`${where}: the echo at light load, ${step.outputRate} B/s`);
      const load: TerminalLoad = { ...ECHO_SHAPE, outputRate: step.outputRate, ...timing };
      const name = rates.length > 1 ? `echo-${step.outputRate}.run-${step.round + 1}` : `echo.run-${step.round + 1}`;
      const run = await measure(load, name, seed + 500 + 1000 * step.round + rates.indexOf(step.outputRate));
      for (const reader of ['writer', 'watchers'] as const) {
        const timed = echoes(firstPoint(run.document), reader);
        const pooled = echo[reader].get(step.outputRate);
        if (timed && pooled) pooled.add(timed);
        else if (timed) echo[reader].set(step.outputRate, timed);
      }
      const spread = step.outputRate === rates[0] ? deliverySpread(firstPoint(run.document)) : null;
      if (spread !== null) spreads.echo.push(spread);
    } else if (step.kind === 'pace') {
      say(`${where}: the pace of a fan-out at light load, ${PACE_SHAPE.sessions} sessions × ${PACE_SHAPE.watchers} watchers`);
      const run = await measure({ ...PACE_SHAPE, outputRate: step.outputRate, ...timing }, `pace.run-${step.round + 1}`, seed + 700 + 1000 * step.round);
      const spread = deliverySpread(firstPoint(run.document));
      if (spread !== null) spreads.pace.push(spread);
    } else {
      const l = levels[step.level]!;
      say(`${where}: level ${step.level + 1}/${levels.length}, ${l.sessions} sessions × ${l.watchers} watchers`);
      const name = v.repeats > 1 ? `level-${step.level + 1}.run-${step.round + 1}` : `level-${step.level + 1}`;
      runs[step.level]!.push(await measure({ ...l, ...timing }, name, seed + step.level + 1 + 1000 * step.round));
    }
  }
  return { levels: await Promise.all(runs.map((r, i) => pool(r, path.join(dir, `level-${i + 1}.json`), outDir))), echo, spreads, remeasured };
}

/** A level's runs as one: rates over their total time, the server's readings per second of all. */
async function pool(runs: readonly TerminalRun[], file: string, outDir: string): Promise<PooledLevel> {
  const over = (xs: readonly TerminalRun[]): ServerReadings => {
    const seconds = xs.reduce((a, x) => a + x.seconds, 0);
    const stolen = xs.filter((x) => x.steal !== null);
    return {
      serverCpu: xs.reduce((a, x) => a + x.cpu, 0) / seconds,
      serverWait: xs.reduce((a, x) => a + x.wait, 0) / seconds,
      ...(stolen.length > 0 ? { steal: stolen.reduce((a, x) => a + x.steal! * x.seconds, 0) / stolen.reduce((a, x) => a + x.seconds, 0) } : {}),
    };
  };
  return poolRuns(runs.map((x) => ({ ...x, servers: over([x]) })), over(runs), file, outDir);
}
