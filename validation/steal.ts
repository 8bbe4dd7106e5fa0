// Time the hypervisor took from this machine's cores (the steal column of /proc/stat). On a shared
// virtual machine another guest's burst stalls the servers or the load generator for milliseconds
// at a time: part of no stack this tool models, and enough to move a level's p95. A run that lost
// more than STEAL_LIMIT of a core it ran on is measured again, and the report lists it.

import { readFileSync } from 'node:fs';

export interface CpuTicks {
  steal: number;
  total: number;
}

/** Per-CPU ticks from /proc/stat's text, keyed by the CPU's number ('0', '1', …); the all-CPU line is left out. */
export function parseProcStat(text: string): Map<string, CpuTicks> {
  const out = new Map<string, CpuTicks>();
  for (const line of text.split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    // user nice system idle iowait irq softirq steal guest guest_nice: guest time is counted in user already.
    const fields = m[2]!.trim().split(/\s+/).map(Number);
    out.set(m[1]!, { steal: fields[7] ?? 0, total: fields.slice(0, 8).reduce((a, x) => a + x, 0) });
  }
  return out;
}

/** Every CPU's ticks now; an empty map where /proc/stat cannot be read. */
export function readCpuTicks(): Map<string, CpuTicks> {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return new Map();
  }
}

/**
 * The largest fraction of one core's time stolen between two readings, over `cores` (every core
 * when none is named); null when no named core has readings.
 */
export function stolenFraction(before: Map<string, CpuTicks>, after: Map<string, CpuTicks>, cores: readonly string[] = []): number | null {
  let worst: number | null = null;
  for (const core of cores.length > 0 ? cores : [...after.keys()]) {
    const [a, b] = [before.get(core), after.get(core)];
    if (!a || !b || b.total <= a.total) continue;
    worst = Math.max(worst ?? 0, (b.steal - a.steal) / (b.total - a.total));
  }
  return worst;
}

/**
 * A run's stolen fraction above which it is measured again. In a full terminal validation with
 * the limit at 2 % (nine runs measured again), the runs kept still ranked by steal at every level:
 * level 1's p95 was 2.4–3.1 ms in the five runs that lost at most 0.2 % of a core and 3.7–4.0 ms
 * in the three that lost 0.75–1.4 %; at 25 watchers the highest p95, 5.4 ms, lost 1.1 %. A quiet
 * 10 s run loses 0–2 ticks of 10 ms (0–0.2 %).
 */
export const STEAL_LIMIT = 0.005;
/** How many times a run is measured again at most; the least stolen of its measurements stands. */
export const MAX_REMEASURES = 2;

/** A run measured again: the share of a core the hypervisor took during the measurement set aside, and where that one was kept. */
export interface RemeasuredRun {
  run: string;
  steal: number;
  kept?: string;
}

/** A stolen share as "4.1 %". */
const percent = (share: number): string => `${(share * 100).toFixed(1)} %`;

/** "level-1.run-3 (4.1 %), …" */
export function listRemeasured(runs: readonly RemeasuredRun[]): string {
  return runs.map((x) => `${x.run} (${percent(x.steal)})`).join(', ');
}

/** Where a run's files go when a measurement is set aside, and how one set aside becomes the run's again. */
export interface SetAsideFiles {
  /** Moves the run's files apart; returns where (undefined: nothing kept). */
  setAside(attempt: number): Promise<string | undefined>;
  /** Moves files set aside at `kept` back to the run's own. */
  restore(kept: string): Promise<void>;
}

const NO_FILES: SetAsideFiles = { setAside: async () => undefined, restore: async () => {} };

/**
 * `measure` until a measurement loses at most STEAL_LIMIT of a core, at most MAX_REMEASURES times
 * more, `quiet` awaited before each; each measurement set aside is recorded in `remeasured` and
 * its files kept apart. When every one was stolen from, the least stolen stands: a burst of
 * another guest can outlast all of them, and the last is then no better than the first (measured:
 * three attempts at 0.7, 1.2 and 5.2 %, the last with a p95 of 8.4 ms against 2.5–3.7 ms).
 */
export async function measureUnstolen<T extends { steal: number | null }>(
  run: string,
  measure: () => Promise<T>,
  remeasured: RemeasuredRun[],
  say: (line: string) => void,
  files: SetAsideFiles = NO_FILES,
  quiet: () => Promise<void> = async () => {},
): Promise<T> {
  const stolen: { result: T; entry: RemeasuredRun }[] = [];
  for (let attempt = 0; ; attempt++) {
    const result = await measure();
    if (result.steal === null || result.steal <= STEAL_LIMIT) return result;
    const kept = await files.setAside(attempt);
    const entry: RemeasuredRun = { run, steal: result.steal, ...(kept !== undefined ? { kept } : {}) };
    remeasured.push(entry);
    stolen.push({ result, entry });
    if (attempt === MAX_REMEASURES) {
      const least = stolen.reduce((a, b) => (b.entry.steal < a.entry.steal ? b : a));
      remeasured.splice(remeasured.indexOf(least.entry), 1);
      if (least.entry.kept !== undefined) await files.restore(least.entry.kept);
      say(`${run}: stolen from in every measurement; keeping the least stolen (${percent(least.entry.steal)})`);
      return least.result;
    }
    say(`${run}: the hypervisor took ${percent(result.steal)} of a core during it (more than ${STEAL_LIMIT * 100} %): measuring it again`);
    await quiet();
  }
}

/**
 * Waits until a window of `windowMs` loses at most STEAL_LIMIT of any of `cores` (every core when
 * none), for at most `maxMs`: another guest's bursts last tens of seconds, so a run measured again
 * at once often meets the same one.
 */
export async function waitForQuiet(cores: readonly string[], windowMs = 2000, maxMs = 10_000): Promise<void> {
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    const before = readCpuTicks();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const steal = stolenFraction(before, readCpuTicks(), cores);
    if (steal === null || steal <= STEAL_LIMIT) return;
  }
}
