// The scenario's `validation` block: a live stack on 127.0.0.1 that `agentscale validate` starts,
// loads level by level, and sets against the model's prediction of the same scenario. It is
// not defaulted from data files: what is left out takes the defaults below.

import { z } from 'zod';
import type { DistributionSpec, ValidationConfig, ValidationLevel } from '../config.js';
import { distributionField } from './distributions.js';
import { bandwidth, choice, duration, rate, whole } from './leaves.js';

const LEVEL_DEFAULTS = {
  duration: 10,
  replications: 10,
  repeats: 1,
  warmup: 5,
  sessions: 2,
  watchers: 2,
  rate: 1,
  outputRate: 2000,
  sidecars: 4,
  serviceTime: { kind: 'constant', value: 0.2 } as DistributionSpec,
  progressInterval: 1,
  storeMode: 'fsync' as const,
};

export function validationSchema(): z.ZodType<ValidationConfig, unknown> {
  const level = z.strictObject({
    sessions: whole(1, 'terminal sessions, each with a fake agent').optional(),
    watchers: whole(0, 'read-only watchers per session').optional(),
    rate: rate('terminal: input markers per session (2/s); hub and llm: tasks in all (5/s)').optional(),
    outputRate: bandwidth("fake agents' terminal output: 2 KB/s").optional(),
    sidecars: whole(1, 'sidecars connected to the hub').optional(),
  });
  return z
    .strictObject({
      kind: choice(['terminal', 'hub', 'llm'] as const, 'terminal: agent servers and watchers; hub: task flow through the reference hub; llm: tasks calling the emulated Claude API'),
      duration: duration('measured time per level: 10s').optional(),
      replications: whole(1, 'simulated replications per level, each as long as the measured run').optional(),
      repeats: whole(1, "rounds, each running every level once on freshly started servers and the light-load figures once (terminal: the echo and the pace; hub and llm: the store's synced write), alternating direction (even: a linear drift shifts every level alike); a level's runs are pooled").optional(),
      warmup: duration('terminal: typing into every session before each measured run, so the agents are past their start-up: 8s').optional(),
      sessions: whole(1, 'terminal sessions, each with a fake agent').optional(),
      watchers: whole(0, 'read-only watchers per session').optional(),
      rate: rate('terminal: input markers per session (2/s); hub and llm: tasks in all (5/s)').optional(),
      outputRate: bandwidth("fake agents' terminal output: 2 KB/s").optional(),
      sidecars: whole(1, 'sidecars connected to the hub').optional(),
      serviceTime: distributionField('duration', "a task's time on a sidecar (hub), or its tool run (llm)").optional(),
      progressInterval: duration('time between a sidecar progress frames; 0 for none').optional(),
      storeMode: choice(['fsync', 'group', 'none'] as const, "the reference hub's store: fsync, group or none").optional(),
      levels: z.array(level).min(2).meta({ description: 'load levels, light first (the light level is never used to fit anything); each changes the base values above' }),
    })
    .transform((v): ValidationConfig => ({
      kind: v.kind,
      duration: v.duration ?? LEVEL_DEFAULTS.duration,
      replications: v.replications ?? LEVEL_DEFAULTS.replications,
      repeats: v.repeats ?? LEVEL_DEFAULTS.repeats,
      warmup: v.warmup ?? LEVEL_DEFAULTS.warmup,
      sessions: v.sessions ?? LEVEL_DEFAULTS.sessions,
      watchers: v.watchers ?? LEVEL_DEFAULTS.watchers,
      rate: v.rate ?? LEVEL_DEFAULTS.rate,
      outputRate: v.outputRate ?? LEVEL_DEFAULTS.outputRate,
      sidecars: v.sidecars ?? LEVEL_DEFAULTS.sidecars,
      serviceTime: v.serviceTime ?? LEVEL_DEFAULTS.serviceTime,
      progressInterval: v.progressInterval ?? LEVEL_DEFAULTS.progressInterval,
      storeMode: v.storeMode ?? LEVEL_DEFAULTS.storeMode,
      levels: v.levels.map((l) => Object.fromEntries(Object.entries(l).filter(([, x]) => x !== undefined)) as ValidationLevel),
    }))
    .meta({ description: 'a live stack on 127.0.0.1 for agentscale validate: what runs, and the load levels (light first)' }) as unknown as z.ZodType<ValidationConfig, unknown>;
}
