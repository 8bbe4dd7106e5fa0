// Totals of a deployment's cost lines: fixed and usage apart, per task and per agent-month.

import type { CostLine } from '../../lib/index.js';

export interface CostSummary {
  fixedUsd: number;
  usageUsd: number;
  monthlyUsd: number;
  /** Monthly cost over the tasks of a month (tasksPerHour × hours); undefined without throughput. */
  perTaskUsd: number | undefined;
  perAgentMonthUsd: number | undefined;
}

export function summarizeCosts(lines: CostLine[], usage: { tasksPerHour?: number; agents?: number }, hoursPerMonth = 730): CostSummary {
  let fixedUsd = 0;
  let usageUsd = 0;
  for (const l of lines) {
    if (l.kind === 'fixed') fixedUsd += l.monthlyUsd;
    else usageUsd += l.monthlyUsd;
  }
  const monthlyUsd = fixedUsd + usageUsd;
  const tasks = (usage.tasksPerHour ?? 0) * hoursPerMonth;
  return {
    fixedUsd,
    usageUsd,
    monthlyUsd,
    perTaskUsd: tasks > 0 ? monthlyUsd / tasks : undefined,
    perAgentMonthUsd: usage.agents && usage.agents > 0 ? monthlyUsd / usage.agents : undefined,
  };
}
