// `run`: the runner's own speed. A 20-point sweep × 10 replications of the fleet model, run on
// 1 worker thread and then on 2; the 1-worker time is the baseline the ratio is read against.
// Both runs must give the same document (apart from its time stamp).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSimulatorModule, loadScenario, runScenario } from '../model/index.js';

const SCENARIO = `name: bench-run
horizon: 4h
warmup: 15m
replications: 10
seed: 1
workload: { arrival: { type: poisson, rate: 120/h } }
fleet:
  - { name: gpu-box, count: 1, cpus: 16, ram: 64 GiB, agents: 2, gpu: { model: rtx-4090 } }
  - { name: laptop, count: 2, cpus: 8, ram: 16 GiB, agents: 2 }
sweep:
  agentsPerMachine: [1, 2, 3, 4, 6]
  hubShards: [1, 2, 3, 4]
`;

export const runBenchmark = {
  name: 'run',
  description: 'agentscale run: a 20-point sweep × 10 replications on 1 and 2 worker threads',
  async run(): Promise<void> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'agentscale-bench-run-'));
    try {
      const file = path.join(dir, 'bench.yaml');
      writeFileSync(file, SCENARIO);
      const loaded = await loadScenario(file);
      const module = defaultSimulatorModule();
      process.stdout.write(`model: ${path.relative(process.cwd(), fileURLToPath(module))} (the fleet model); ${loaded.points.length} points × 10 replications of 4¼ simulated hours\n`);
      const docs: string[] = [];
      let baseline = 0;
      for (const workers of [1, 2]) {
        const cpu = process.cpuUsage();
        const outcome = await runScenario(loaded, { workers, module });
        const used = process.cpuUsage(cpu);
        const cpuSeconds = (used.user + used.system) / 1e6;
        docs.push(JSON.stringify({ ...outcome.document, createdAt: '' }));
        if (workers === 1) baseline = outcome.wallSeconds;
        process.stdout.write(
          `workers=${workers}: ${outcome.wallSeconds.toFixed(2)} s wall, ${outcome.tasks} replications, ` +
            `${(outcome.events / outcome.wallSeconds / 1e6).toFixed(2)} M events/s, ${cpuSeconds.toFixed(2)} CPU s (all threads), ` +
            `speed-up ×${(baseline / outcome.wallSeconds).toFixed(2)} over 1 worker\n`,
        );
      }
      process.stdout.write(`cores available: ${os.availableParallelism()}, load average ${os.loadavg()[0]!.toFixed(2)} (a shared machine slows the parallel run)\n`);
      process.stdout.write(`documents identical across worker counts: ${docs[0] === docs[1] ? 'yes' : 'NO'}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
