// The workload: open task arrivals for the whole fleet (Poisson, a piecewise-constant rate
// profile over a repeating day with time 0 at midnight, or a recorded trace) or a closed loop per
// agent; a tier mix;
// and tasks made of steps (an LLM call, then a tool run, then a progress message).
//
// Each task draws its own seed from the 'tasks' stream when it is created and samples its steps
// from a private generator, so task k has the same size in every sweep point (common random
// numbers) whatever agent runs it and whenever.

import { createRng, distribution, type Distribution, type Rng } from '../../sim/index.js';
import type { ArrivalConfig, RecordedTask, TaskConfig, Tier, TraceTask, WorkloadConfig } from '../config.js';

export const DAY = 86_400;

/** Rate and end of the profile segment containing `time` (seconds since the start). */
export function profileSegment(points: readonly { at: number; rate: number }[], time: number): { rate: number; end: number } {
  if (points.length === 0) return { rate: 0, end: Infinity };
  const dayStart = Math.floor(time / DAY) * DAY;
  const t = time - dayStart;
  let index = -1;
  for (let i = 0; i < points.length; i++) if (points[i]!.at <= t) index = i;
  const rate = index >= 0 ? points[index]!.rate : points[points.length - 1]!.rate; // before the first point: yesterday's last
  const end = index + 1 < points.length ? dayStart + points[index + 1]!.at : dayStart + DAY + points[0]!.at;
  return { rate, end: end > time ? end : time + DAY };
}

/** Time of the next arrival after `now` of a Poisson process with a piecewise-constant rate. */
export function nextProfileArrival(points: readonly { at: number; rate: number }[], now: number, rng: Rng): number {
  const sorted = points;
  let t = now;
  for (let guard = 0; guard < 10_000; guard++) {
    const { rate, end } = profileSegment(sorted, t);
    if (rate > 0) {
      const candidate = t - Math.log(1 - rng.next()) / rate;
      if (candidate < end) return candidate;
    }
    t = end; // memoryless: start afresh at the boundary
  }
  return Infinity;
}

export interface StepSample {
  inputTokens: number;
  outputTokens: number;
  toolTime: number;
}

export interface TaskSpec {
  id: number;
  tier: Tier;
  steps: number;
  /** Sample step `i` (call in order). */
  step(): StepSample;
}

const TIERS: readonly Tier[] = ['trivial', 'standard', 'complex'];

export class TaskFactory {
  private readonly steps: Distribution;
  private readonly input: Distribution;
  private readonly output: Distribution;
  private readonly tool: Distribution;
  private readonly cumulative: number[];
  private nextId = 0;

  constructor(
    private readonly workload: WorkloadConfig,
    private readonly rng: Rng,
  ) {
    const task: TaskConfig = workload.task;
    this.steps = distribution(task.steps);
    this.input = distribution(task.inputTokens);
    this.output = distribution(task.outputTokens);
    this.tool = distribution(task.toolTime);
    const weights = TIERS.map((t) => Math.max(0, workload.tiers[t] ?? 0));
    const total = weights.reduce((a, b) => a + b, 0);
    if (!(total > 0)) throw new RangeError('workload.tiers: the tier mix sums to zero');
    let acc = 0;
    this.cumulative = weights.map((w) => (acc += w / total));
  }

  /** A new task; what a recorded trace gives (tool time, output tokens) replaces the sampled value in every step. */
  create(recorded: RecordedTask = {}): TaskSpec {
    const seed = Math.floor(this.rng.next() * 2 ** 32);
    const u = this.rng.next();
    let tierIndex = this.cumulative.findIndex((c) => u < c);
    if (tierIndex < 0) tierIndex = TIERS.length - 1;
    const own = createRng(seed, 'task');
    const steps = Math.max(1, Math.round(this.steps.sample(own)));
    const { input, output, tool } = this;
    return {
      id: this.nextId++,
      tier: TIERS[tierIndex]!,
      steps,
      step: () => ({
        inputTokens: Math.max(0, Math.round(input.sample(own))),
        outputTokens: Math.max(0, Math.round(recorded.outputTokens ?? output.sample(own))),
        toolTime: Math.max(0, recorded.toolTime ?? tool.sample(own)),
      }),
    };
  }

  get config(): WorkloadConfig {
    return this.workload;
  }
}

/** Schedules a trace's tasks in time order: calls `arrive` with what each task records. */
export function startTraceArrivals(tasks: readonly TraceTask[], schedule: (delay: number, callback: () => void) => void, arrive: (recorded: RecordedTask) => void): void {
  for (const { at, ...recorded } of [...tasks].sort((a, b) => a.at - b.at)) schedule(Math.max(0, at), () => arrive(recorded));
}

/** Schedules open arrivals: calls `arrive` at each arrival time. */
export function startOpenArrivals(
  arrival: Extract<ArrivalConfig, { type: 'poisson' | 'profile' }>,
  schedule: (delay: number, callback: () => void) => void,
  now: () => number,
  rng: Rng,
  arrive: () => void,
): void {
  const next = (): void => {
    const t = now();
    const at =
      arrival.type === 'poisson'
        ? arrival.rate > 0
          ? t - Math.log(1 - rng.next()) / arrival.rate
          : Infinity
        : nextProfileArrival(arrival.points, t, rng);
    if (!Number.isFinite(at)) return;
    schedule(at - t, () => {
      arrive();
      next();
    });
  };
  next();
}
