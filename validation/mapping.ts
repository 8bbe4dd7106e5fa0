// "The same scenario": a validation level of the live stack written as a model ScenarioConfig.
// Structure comes from the validation block (sessions, watchers, rates, sidecars, store mode),
// service costs from the calibration profile, everything else from the scenario and its data
// files. Nothing here depends on what was measured at any level.

import type { DistributionSpec, ScenarioConfig, TraceTask, ValidationConfig, ValidationLevel } from '../model/index.js';
import { FIGURES, figureCurve, figureDistribution, figureNumber, interpolate, type CalibrationProfile } from './profile.js';

/** The block's base values with one level's changes. */
export type LevelValues = Required<ValidationLevel>;

export function levelValues(v: ValidationConfig, level: ValidationLevel): LevelValues {
  return {
    sessions: level.sessions ?? v.sessions,
    watchers: level.watchers ?? v.watchers,
    rate: level.rate ?? v.rate,
    outputRate: level.outputRate ?? v.outputRate,
    sidecars: level.sidecars ?? v.sidecars,
  };
}

/** Simulated time after the last arrival of a hub level, for the tasks in the system to finish. */
export function drainTime(v: ValidationConfig): number {
  return Math.max(60, 4 * v.duration);
}

/**
 * Simulated time per replication of a terminal level: the model samples delivery every 5 s, so it
 * runs longer than the measurement (steady state), long enough for 600 probes a replication (a
 * p95 of 60 moved by ±5–10 % from one set of replications to the next).
 */
export const TERMINAL_HORIZON = 3000;

const constant = (value: number): DistributionSpec => ({ kind: 'constant', value });

export interface Mapped {
  config: ScenarioConfig;
  /** Model fields set from the calibration profile: field → figure name. */
  calibrated: Record<string, string>;
  /** Model fields set by the validation block's structure. */
  structural: string[];
}

/**
 * The echo path's latency at an output rate: its calibrated percentiles, each linear between the
 * calibrated rates (a profile from before echo was calibrated per rate holds one distribution).
 */
function echoAt(profile: CalibrationProfile, outputRate: number, figure: string = FIGURES.echoLatency): DistributionSpec | undefined {
  const byRate = figureCurve(profile, figure);
  if (!byRate) return figureDistribution(profile, figure);
  const columns = (byRate[0]?.length ?? 1) - 1;
  return { kind: 'empirical', samples: Array.from({ length: columns }, (_, k) => Math.max(0, interpolate(byRate, outputRate, k + 1))) };
}

function need(profile: CalibrationProfile, name: string): number {
  const v = figureNumber(profile, name);
  if (v === undefined) throw new Error(`calibration profile lacks ${name}: run agentscale calibrate (with that part)`);
  return v;
}

/**
 * The load a level was given, as the load generator fixed it from its seed before the run (an
 * input, never a response): `trace`, its tasks' submit times and service times; `offered`, the
 * tasks per second it scheduled. With a trace the model replays those tasks (common random
 * numbers: what differs is the model, not the draw); with `offered` alone it draws its own Poisson
 * stream at that rate; with neither, at the level's nominal rate.
 */
export interface GivenLoad {
  trace?: TraceTask[];
  offered?: number;
}

export function levelConfig(base: ScenarioConfig, v: ValidationConfig, level: ValidationLevel, profile: CalibrationProfile, seed: number, given: GivenLoad = {}): Mapped {
  const l = levelValues(v, level);
  const c: ScenarioConfig = structuredClone(base);
  delete c.validation;
  c.seed = seed;
  c.replications = v.replications;
  c.network.mesh = { ...c.network.mesh, kind: 'lan', relayedFraction: 0, direct: { ...c.network.mesh.direct, rtt: 0 } };
  c.deployment = { ...c.deployment, kind: 'local', dashboards: 0, remoteDashboards: false };
  c.routing = { ...c.routing, fallbackToClaude: false };
  const calibrated: Record<string, string> = {};
  const structural: string[] = ['network.mesh (loopback: lan, no delay)', 'deployment.kind = local'];

  if (v.kind === 'terminal') {
    // Agents stream their terminal for the whole run: each works on one LLM call that never ends.
    const curve = figureCurve(profile, FIGURES.wireCurve);
    if (!curve) throw new Error(`calibration profile lacks ${FIGURES.wireCurve}: run agentscale calibrate (with the terminal part)`);
    const wire = Math.max(0, interpolate(curve, l.outputRate, 1));
    const fps = Math.max(0, interpolate(curve, l.outputRate, 2));
    // The writer's inputs come back in the output too (the agent echoes them), on top of the agent's own.
    const inputCurve = figureCurve(profile, FIGURES.inputWire);
    const typed = inputCurve ? l.rate * Math.max(0, interpolate(inputCurve, l.outputRate, 1)) : 0;
    // Each echoed input is a frame of its own (tmux redraws it at once): 30 frames a second, not
    // the agent's 20, at 10 inputs/s, and every frame is a fan-out the event loop waits for.
    const inputFramesCurve = figureCurve(profile, FIGURES.inputFrames);
    const typedFrames = inputFramesCurve ? l.rate * Math.max(0, interpolate(inputFramesCurve, l.outputRate, 1)) : 0;
    c.horizon = TERMINAL_HORIZON;
    c.warmup = 5;
    c.fleet = [{ name: 'validate', count: 1, cpus: 1, ram: 1024 ** 4, agents: l.sessions, agentMemory: 0 }];
    c.workload = {
      arrival: { type: 'closed', think: constant(0) },
      tiers: { trivial: 0, standard: 0, complex: 1 },
      task: { ...c.workload.task, steps: constant(1), inputTokens: constant(1), outputTokens: constant(1), toolTime: constant(0), terminalOutput: wire + typed },
    };
    c.claude = { ...c.claude, timeToFirstToken: constant(1e9), overloadProbability: 0, limits: { rpm: 1e9, itpm: 1e12, otpm: 1e12 } };
    c.hub = { ...c.hub, progressInterval: 0 };
    c.terminal = {
      ...c.terminal,
      // The writer is a watcher too: it reads the whole output to find its markers.
      watchersPerAgent: l.watchers + 1,
      // One server process fans out every session, one frame at a time.
      sessionsPerServer: l.sessions,
      cpuPerFrame: need(profile, FIGURES.cpuPerFrame),
      cpuPerByte: need(profile, FIGURES.cpuPerByte),
      frameBytes: fps + typedFrames > 0 ? (wire + typed) / (fps + typedFrames) : c.terminal.frameBytes,
    };
    calibrated['terminal.cpuPerFrame'] = FIGURES.cpuPerFrame;
    calibrated['terminal.cpuPerByte'] = FIGURES.cpuPerByte;
    calibrated['terminal.frameBytes'] = inputFramesCurve ? `${FIGURES.wireCurve} + ${FIGURES.inputFrames}` : FIGURES.wireCurve;
    calibrated['workload.task.terminalOutput'] = inputCurve ? `${FIGURES.wireCurve} + ${FIGURES.inputWire}` : FIGURES.wireCurve;
    const echo = echoAt(profile, l.outputRate);
    if (echo) {
      c.terminal.echoLatency = echo;
      calibrated['terminal.echoLatency'] = FIGURES.echoLatency;
    }
    const watcherEcho = echoAt(profile, l.outputRate, FIGURES.watcherEchoLatency);
    if (watcherEcho) {
      c.terminal.watcherEchoLatency = watcherEcho;
      calibrated['terminal.watcherEchoLatency'] = FIGURES.watcherEchoLatency;
    }
    // Optional costs that share the core with the fan-out: the server's at rest per watched
    // session, and tmux with the fake agents (they inherit the server's pinning).
    const optional = [
      ['cpuAtRestPerSession', FIGURES.cpuAtRestPerSession],
      ['tmuxCpuAtRestPerSession', FIGURES.tmuxCpuAtRestPerSession],
      ['tmuxCpuPerByte', FIGURES.tmuxCpuPerByte],
      // Not on that core: the load generator reads every client's stream in one process.
      ['readerTimePerFrame', FIGURES.readerTimePerFrame],
    ] as const;
    for (const [field, figure] of optional) {
      const value = figureNumber(profile, figure);
      if (value === undefined) continue;
      c.terminal[field] = value;
      calibrated[`terminal.${field}`] = figure;
    }
    structural.push(
      `fleet: one machine with 1 core (the servers' core) and ${l.sessions} agents, each streaming for the whole run`,
      `terminal.watchersPerAgent = ${l.watchers} watchers + the writer`,
      `terminal.sessionsPerServer = ${l.sessions} (one agent server for every session)`,
      'workload: closed loop, one never-ending LLM call per agent (terminal output only)',
    );
  } else {
    // hub (and llm without its LLM calls): sidecars take tasks one at a time for the service time.
    // Arrivals for the measured duration, then none while the work in the system drains: the load
    // generator waits for every task it submitted, and so counts and times them all.
    c.horizon = v.duration + drainTime(v);
    c.warmup = 0;
    c.fleet = [{ name: 'validate', count: 1, cpus: l.sidecars, ram: 1024 ** 4, agents: l.sidecars, agentMemory: 0 }];
    c.workload = {
      arrival: given.trace
        ? { type: 'trace', tasks: given.trace }
        : { type: 'profile', points: [{ at: 0, rate: given.offered ?? l.rate }, { at: v.duration, rate: 0 }] },
      tiers: { trivial: 1, standard: 0, complex: 0 },
      task: { ...c.workload.task, steps: constant(1), toolTime: v.serviceTime, terminalOutput: 0 },
    };
    c.terminal = { ...c.terminal, watchersPerAgent: 0 };
    if (v.kind === 'llm') {
      // Each task is one Claude call (the emulator, on loopback: no uplink delay) then its tool time.
      c.workload.tiers = { trivial: 0, standard: 0, complex: 1 };
      c.network.uplink = { bandwidth: 1e12, rtt: 0 };
      structural.push('llm: every task one call to the Claude emulator (the scenario\'s claude block: limits, speeds, retry policy), loopback uplink');
    }
    const sync = figureDistribution(profile, FIGURES.syncWrite);
    if (!sync) throw new Error(`calibration profile lacks ${FIGURES.syncWrite}: run agentscale calibrate (with the store part)`);
    c.hub = {
      ...c.hub,
      cpus: 1,
      shards: 1,
      perMessageCpu: need(profile, FIGURES.perMessageCpu),
      progressInterval: v.progressInterval,
      // The reference hub syncs 5 records per task: submit, routing, assign, accept, complete.
      store: { ...c.hub.store, mode: v.storeMode, syncWrite: sync, writesPerTask: 5, groupSize: 1_000_000 },
    };
    calibrated['hub.perMessageCpu'] = FIGURES.perMessageCpu;
    calibrated['hub.store.syncWrite'] = FIGURES.syncWrite;
    structural.push(
      `fleet: ${l.sidecars} sidecars, each with its own core (a task takes exactly its service time)`,
      given.trace
        ? `workload: the load generator's own tasks (${given.trace.length} submit times${v.kind === 'hub' ? ' and service times, fixed by its seed before the run' : ", fixed by its seed before the run, and the output tokens of each one's reply as the emulator gave them"}) over ${v.duration} s, then none while the tasks drain; one step each`
        : `workload: Poisson arrivals at the rate the load generator scheduled (nominal ${l.rate}/s) for ${v.duration} s, then none while the tasks drain (as the load generator waits for them); one step each`,
      `hub: 1 core, store mode ${v.storeMode}, 5 synced writes per task (the reference hub's), progress every ${v.progressInterval} s`,
    );
  }
  return { config: c, calibrated, structural };
}
