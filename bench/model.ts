// The fleet model's speed: 8 simulated hours (30 min warm-up + 7.5 h) of a 1,000-agent fleet
// (scenarios/thousand-agents.yaml: 125 machines × 8 agents, 25 of them with a GPU running
// Ollama, a task every 1.7 s),
// wall time and calendar events per second on one core. The baseline, measured in the same run,
// is the kernel's callback API running a bare M/M/1 for about as many events: the ratio says how
// much of the kernel's raw speed the model keeps.
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { loadScenario, packageRoot, simulateReplication } from '../model/index.js';
import { Simulation } from '../sim/index.js';

const REPLICATIONS = 3;
const SCENARIO = 'scenarios/thousand-agents.yaml';

/** Baseline: M/M/1 at ρ = 0.9 on the kernel's callback API, about `events` calendar events. */
function kernelBaseline(events: number): { wall: number; events: number } {
  const sim = new Simulation({ seed: 1 });
  const rng = sim.rng('mm1');
  let queue = 0;
  let busy = false;
  const exp = (mean: number): number => -Math.log(1 - rng.next()) * mean;
  const depart = (): void => {
    if (queue > 0) {
      queue--;
      sim.schedule(exp(1), depart);
    } else busy = false;
  };
  const arrive = (): void => {
    if (busy) queue++;
    else {
      busy = true;
      sim.schedule(exp(1), depart);
    }
    sim.schedule(exp(1 / 0.9), arrive);
  };
  sim.schedule(0, arrive);
  const start = performance.now();
  sim.run(events / 1.8); // two events per customer, 0.9 customers per second
  return { wall: (performance.now() - start) / 1000, events: sim.eventsProcessed };
}

export const modelBenchmark = {
  name: 'model',
  description: `fleet model: 8 simulated hours of a 1,000-agent fleet (125 machines × 8 agents), wall time and events/s on one core (${REPLICATIONS} replications)`,
  async run(): Promise<void> {
    const load = loadavg();
    process.stdout.write(`load average ${load.map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores (figures fall as load rises; compare the ratios)\n`);
    const config = (await loadScenario(path.join(packageRoot(), SCENARIO))).base;
    const rows: { wall: number; events: number }[] = [];
    for (let r = 0; r < REPLICATIONS; r++) {
      const start = performance.now();
      const result = simulateReplication(config, r);
      const wall = (performance.now() - start) / 1000;
      rows.push({ wall, events: result.events });
      const m = result.metrics;
      process.stdout.write(
        `  replication ${r}: ${wall.toFixed(2)} s wall, ${result.events.toLocaleString('en-US')} events, ` +
          `${Math.round(result.events / wall).toLocaleString('en-US')} events/s; ` +
          `${m['tasks.completed']} tasks, p95 ${(m['latency.task.p95']! / 60).toFixed(1)} min, agents busy ${(m['agents.busy']! * 100).toFixed(0)} %\n`,
      );
    }
    const best = rows.reduce((a, b) => (b.events / b.wall > a.events / a.wall ? b : a));
    const baseline = kernelBaseline(best.events);
    const modelRate = best.events / best.wall;
    const kernelRate = baseline.events / baseline.wall;
    process.stdout.write(`  best: ${best.wall.toFixed(2)} s for the 1,000-agent day (aim < 10 s), ${Math.round(modelRate).toLocaleString('en-US')} events/s\n`);
    process.stdout.write(
      `  baseline (kernel callback M/M/1, ${baseline.events.toLocaleString('en-US')} events): ${Math.round(kernelRate).toLocaleString('en-US')} events/s; ` +
        `model / kernel = ${(modelRate / kernelRate).toFixed(2)}\n`,
    );
  },
};
