// Hub and llm levels measured in rounds (rounds.ts): each round runs every level once on a freshly
// started hub (and Claude emulator) and times the store's synced write once at light load
// (sync-probe.ts). A level's runs keep its seed, so every round offers the same tasks (and, for
// llm, the same replies) and the model replays the first round's.
// Why the probe in every round: the hub's misses in two validations in a row came with its store
// busy three to ten times the calibrated rate, at levels that differed between the runs, on a disk
// whose fsyncs drift from minute to minute; a profile timed minutes before saw another disk.

import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { EXIT, UserError, readResultsDocument, writeFileAtomic } from '../lib/index.js';
import { agentcomPlan, resolveOptions } from '../loadgen/index.js';
import type { ScenarioConfig, TraceTask, ValidationConfig } from '../model/index.js';
import { runLoadgen, type LoadRun } from './load.js';
import { tracePath, type LlmDriverConfig } from './llm-driver.js';
import { drainTime, type LevelValues } from './mapping.js';
import type { ServerReadings } from './metrics.js';
import { mean } from './stats.js';
import { alongside, cliPath, onCore, pinnedCores, startChild, type Pinning } from './processes.js';
import { alternatingRounds, poolRuns, type PooledLevel } from './rounds.js';
import { hubCounters, startClaudeEmulatorProcess, startHubProcess, type HubHandle } from './stack.js';
import { probeMethod, SYNC_PROBE, timeSpacedSyncs } from './sync-probe.js';

/** One task level as measured: pooled over its rounds, with the tasks the generator fixed from its seed. */
export interface TaskLevel extends PooledLevel {
  trace: TraceTask[];
}

export interface TaskMeasurement {
  levels: TaskLevel[];
  /** The probe's synced writes from every round, pooled (none with the store off). */
  syncs: number[];
}

type TaskStep = { kind: 'level'; level: number; round: number } | { kind: 'sync'; round: number };

export async function measureTaskLevels(
  v: ValidationConfig,
  levels: readonly LevelValues[],
  context: { base: ScenarioConfig; scenarioFile: string; outDir: string; pinning: Pinning; seed: number },
  say: (line: string) => void,
): Promise<TaskMeasurement> {
  const { outDir, pinning } = context;
  const dir = path.join(outDir, 'levels');
  const probing = v.storeMode !== 'none';
  const schedule = alternatingRounds<TaskStep>(
    v.repeats,
    (round) => (probing ? [{ kind: 'sync', round }] : []),
    (round) => levels.map((_, level) => ({ kind: 'level', level, round })),
  );
  const runs: TaskRun[][] = levels.map(() => []);
  const syncs: number[] = [];
  for (const [i, step] of schedule.entries()) {
    const where = `run ${i + 1}/${schedule.length}${v.repeats > 1 ? ` (round ${step.round + 1}/${v.repeats})` : ''}`;
    if (step.kind === 'sync') {
      say(`${where}: the store's synced write at light load, ${probeMethod(SYNC_PROBE.count)}`);
      syncs.push(...(await onCore(pinning.loadgen, () => timeSpacedSyncs(path.join(dir, 'sync-probe'), SYNC_PROBE.count))));
    } else {
      const name = v.repeats > 1 ? `level-${step.level + 1}.run-${step.round + 1}` : `level-${step.level + 1}`;
      say(`${where}: level ${step.level + 1}/${levels.length}, ${levels[step.level]!.rate} tasks/s`);
      runs[step.level]!.push(await measureTaskRun(v, levels[step.level]!, step.level, path.join(dir, name), context));
    }
  }
  await rm(path.join(dir, 'sync-probe'), { recursive: true, force: true });
  return { levels: await Promise.all(runs.map((r, i) => pool(r, path.join(dir, `level-${i + 1}.json`), outDir))), syncs };
}

interface TaskRun extends LoadRun {
  servers: ServerReadings;
  file: string;
  trace: TraceTask[];
}

/** A level's runs as one; the hub's readings are per second, and every run is as long, so their mean. */
async function pool(runs: readonly TaskRun[], file: string, outDir: string): Promise<TaskLevel> {
  const meanOf = (key: keyof ServerReadings) => mean(runs.map((x) => x.servers[key] ?? 0));
  const servers = { serverCpu: meanOf('serverCpu'), serverWait: meanOf('serverWait'), storeBusy: meanOf('storeBusy'), steal: meanOf('steal') };
  return { ...(await poolRuns(runs, servers, file, outDir)), trace: runs[0]!.trace };
}

/** One run of a level: a fresh hub (and emulator), the load for `v.duration`, everything stopped and its data removed. */
async function measureTaskRun(v: ValidationConfig, l: LevelValues, index: number, stem: string, { base, scenarioFile, pinning, seed }: { base: ScenarioConfig; scenarioFile: string; pinning: Pinning; seed: number }): Promise<TaskRun> {
  const file = `${stem}.json`;
  const profileFile = `${stem}.loadgen.yaml`;
  const dataDir = `${stem}.hub-data`;
  // The same seed in every round: the same tasks, so the rounds pool into one trace's runs.
  const runSeed = seed + index;
  const hub = await startHubProcess({ dataDir, storeMode: v.storeMode, core: pinning.servers });
  let claude: Awaited<ReturnType<typeof startClaudeEmulatorProcess>> | undefined;
  try {
    if (v.kind === 'llm') {
      claude = await startClaudeEmulatorProcess({ scenario: scenarioFile, seed: runSeed, core: pinning.servers });
      const config: LlmDriverConfig = {
        hubUrl: hub.url,
        adminToken: hub.adminToken,
        claudeUrl: claude.url,
        sidecars: l.sidecars,
        rate: l.rate,
        duration: v.duration,
        drain: drainTime(v),
        seed: runSeed,
        toolTime: v.serviceTime,
        inputTokens: base.workload.task.inputTokens,
        model: base.claude.model,
        maxTokens: base.claude.maxTokens,
        retry: base.claude.retry,
        out: file,
      };
      await writeFileAtomic(profileFile, JSON.stringify(config, null, 2));
      const { result: driver, servers } = await readingHub(hub, pinnedCores(pinning), async () => {
        const child = startChild('llm driver', [path.join(path.dirname(cliPath()), '..', 'validation', 'llm-driver.js'), profileFile], { core: pinning.loadgen });
        const code = (await child.exited) ?? 1;
        if (code !== 0) throw new UserError('the llm load driver failed', EXIT.failure, child.output().trim().split('\n').slice(-8));
        return child;
      });
      // The tasks as run: the plan with each reply's output tokens, which the model replays too.
      const trace = JSON.parse(await readFile(tracePath(file), 'utf8')) as TraceTask[];
      return { document: await readResultsDocument(file), exitCode: 0, output: driver.output(), servers, file, trace };
    }
    const loadProfile = {
      url: hub.url,
      protocol: 'agentcom',
      connections: l.sidecars,
      rate: `${l.rate}/s`,
      arrival: 'poisson',
      serviceTime: v.serviceTime,
      progressInterval: `${v.progressInterval > 0 ? v.progressInterval : 3600}s`,
      duration: `${v.duration}s`,
      seed: runSeed,
      name: path.basename(stem),
    };
    await writeFileAtomic(profileFile, YAML.stringify(loadProfile));
    // The tasks the generator will submit and their service times, fixed by its seed: the model replays them.
    const trace = agentcomPlan(resolveOptions({ ...loadProfile, token: hub.adminToken }, profileFile)).map(({ at, serviceTime }) => ({ at, toolTime: serviceTime }));
    const { result: run, servers } = await readingHub(hub, pinnedCores(pinning), () => runLoadgen(['--profile', profileFile, '--token', hub.adminToken], file, pinning.loadgen));
    return { ...run, servers, file, trace };
  } finally {
    await claude?.stop();
    await hub.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The hub's CPU, run-queue wait and time in fsync, per second of `work`, and the share of `cores` stolen. */
async function readingHub<T>(hub: HubHandle, cores: readonly string[], work: () => Promise<T>): Promise<{ result: T; servers: ServerReadings }> {
  const before = await hubCounters(hub.url);
  const { result, cpu, wait, seconds, steal } = await alongside(hub.child.pid, work, cores);
  const after = await hubCounters(hub.url);
  const fsync = (after.hub_store_fsync_seconds_sum ?? 0) - (before.hub_store_fsync_seconds_sum ?? 0);
  return { result, servers: { serverCpu: cpu / seconds, serverWait: wait / seconds, storeBusy: fsync / seconds, ...(steal !== null ? { steal } : {}) } };
}
