// What one replication of one sweep point gives back. Mirrors `ReplicationResult` of
// model/simulate.ts (the fleet model), so the runner can also drive other simulators
// (a test's M/M/1, say) loaded from a module that exports `simulateReplication`.

import type { ResourceResult, Usage } from '../../lib/index.js';
import type { ScenarioConfig } from '../config.js';

export interface ReplicationOutcome {
  /** Metric name → value, in the shared vocabulary (lib/results.ts METRIC_NAMES). */
  metrics: Record<string, number>;
  /** Optional units of metrics, by name; otherwise inferred from the name. */
  units?: Record<string, string>;
  resources: {
    name: string;
    kind: ResourceResult['kind'];
    utilization: number;
    queueWait?: number;
    queueLength?: number;
    capacity?: number;
    capacityUnit?: string;
  }[];
  usage: Usage;
  warnings: string[];
  /** Events processed, for speed figures. */
  events: number;
}

export type SimulateFn = (config: ScenarioConfig, replication: number) => ReplicationOutcome;
