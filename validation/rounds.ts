// Levels measured in rounds: each round runs every level once and the light-load measurements
// once (the terminal's echo and pace, the store's synced write), every run on freshly started
// servers; the rounds alternate direction.
// On a shared machine the echo path and the disk drift over minutes by more than the latency
// targets, so a level measured in one stretch of time and compared with a light-load figure
// timed in another is compared with another machine. In rounds, every level and the light-load
// figures are sampled across the whole run, and with an even number of rounds a drift linear in
// time shifts them all alike.

import path from 'node:path';
import { writeResultsDocument, type PointResult, type ResultsDocument } from '../lib/index.js';
import { mergeDocuments } from '../loadgen/index.js';
import type { LoadRun } from './load.js';
import { firstPoint, type ServerReadings } from './metrics.js';

/** Even rounds: the light steps, then levels 1…n; odd rounds: levels n…1, then the light steps reversed. */
export function alternatingRounds<S>(rounds: number, light: (round: number) => S[], levels: (round: number) => S[]): S[] {
  const steps: S[] = [];
  for (let round = 0; round < rounds; round++) {
    const [l, f] = [light(round), levels(round)];
    steps.push(...(round % 2 === 0 ? [...l, ...f] : [...f.reverse(), ...l.reverse()]));
  }
  return steps;
}

/** A level as measured: its runs pooled as one run as long as all of them. */
export interface PooledLevel extends LoadRun {
  servers: ServerReadings;
  file: string;
  /** Each run's own point, before pooling (with more than one round). */
  repeats?: PointResult[];
  /** Each run's own readings of the servers, in the order of `repeats`. */
  repeatServers?: ServerReadings[];
}

/**
 * A level's runs, each with its servers' readings, as one run as long as all of them
 * (`merge --sequential`, written to `file`), with the servers' readings over all of them as
 * `servers` gives.
 */
export async function poolRuns(runs: readonly (LoadRun & { file: string; servers: ServerReadings })[], servers: ServerReadings, file: string, outDir: string): Promise<PooledLevel> {
  const exitCode = Math.max(...runs.map((x) => x.exitCode));
  const output = runs.map((x) => x.output).join('\n');
  if (runs.length === 1) return { document: runs[0]!.document, exitCode, output, servers, file };
  const document: ResultsDocument = mergeDocuments(runs.map((x) => x.document), runs.map((x) => path.relative(outDir, x.file)), 'sequential');
  await writeResultsDocument(file, document);
  return { document, exitCode, output, servers, file, repeats: runs.map((x) => firstPoint(x.document)), repeatServers: runs.map((x) => x.servers) };
}
