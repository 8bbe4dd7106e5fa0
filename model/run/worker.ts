// A worker thread of the runner: loads the simulator module once, then runs the replications
// it is sent, one at a time, and sends each result back with its task id.

import { parentPort, workerData } from 'node:worker_threads';
import type { ScenarioConfig } from '../config.js';
import type { SimulateFn } from './types.js';

export interface TaskMessage {
  id: number;
  config: ScenarioConfig;
  replication: number;
}

export type ResultMessage = { id: number; result: ReturnType<SimulateFn> } | { id: number; error: string };

const port = parentPort;
if (port) {
  const { module } = workerData as { module: string };
  const loaded = (await import(module)) as { simulateReplication?: SimulateFn };
  const simulate = loaded.simulateReplication;
  port.on('message', (task: TaskMessage) => {
    let reply: ResultMessage;
    try {
      if (!simulate) throw new Error(`${module} exports no simulateReplication`);
      reply = { id: task.id, result: simulate(task.config, task.replication) };
    } catch (err) {
      reply = { id: task.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
    port.postMessage(reply);
  });
}
