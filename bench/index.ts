// `npm run bench [name...]`: runs the benchmarks one after another and prints their figures.
// Each benchmark compares against a baseline measured in the same run, so read the ratios.

import { hubBenchmark } from './hub.js';
import { agentServerBenchmark } from './agent-server.js';
import { simBenchmark } from './sim.js';
import { modelBenchmark } from './model.js';
import { loadgenBenchmark } from './loadgen.js';
import { runBenchmark } from './run.js';

interface Benchmark {
  name: string;
  description: string;
  run(): Promise<void>;
}

const benchmarks: Benchmark[] = [
  agentServerBenchmark,
  hubBenchmark,
  simBenchmark,
  modelBenchmark,
  loadgenBenchmark,
  runBenchmark,
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !benchmarks.some((b) => b.name === w));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark: ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}\n`);
    process.exit(2);
  }
  for (const bench of benchmarks) {
    if (wanted.length > 0 && !wanted.includes(bench.name)) continue;
    process.stdout.write(`\n== ${bench.name}: ${bench.description}\n`);
    await bench.run();
  }
}

await main();
