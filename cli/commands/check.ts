// `agentscale check <scenario.yaml>`: validate a scenario file without running it.

import type { Argv } from 'yargs';
import { formatDuration } from '../../lib/index.js';
import { loadScenario } from '../../model/index.js';
import type { AnyCommand } from './index.js';

export const checkCommand: AnyCommand = {
  command: 'check <scenario>',
  describe: 'validate a scenario file (every field, every sweep value) without running it; exit 2 listing every problem',
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', describe: 'scenario file (YAML)', demandOption: true })
      .option('json', { type: 'boolean', default: false, describe: 'print the resolved scenario (SI units, every sweep point) as JSON' })
      .example('$0 check scenarios/office-fleet.yaml', ''),
  handler: async (raw: Record<string, unknown>) => {
    const argv = raw as unknown as { scenario: string; json: boolean };
    const loaded = await loadScenario(argv.scenario);
    if (argv.json) {
      process.stdout.write(`${JSON.stringify({ name: loaded.name, sweep: loaded.sweep, points: loaded.points }, null, 2)}\n`);
      return;
    }
    const base = loaded.base;
    const agents = base.fleet.reduce((a, g) => a + g.count * g.agents, 0);
    const sweep = loaded.sweep.length === 0 ? 'no sweep' : `sweep ${loaded.sweep.map((d) => `${d.key} × ${d.values.length}`).join(', ')}`;
    process.stdout.write(
      `${loaded.file}: ok: "${loaded.name}", ${loaded.points.length} point(s) (${sweep}), ${base.replications} replication(s) of ` +
        `${formatDuration(base.horizon)} after ${formatDuration(base.warmup)} warm-up; ${agents} agent(s) on ` +
        `${base.fleet.reduce((a, g) => a + g.count, 0)} machine(s) at the base point; ${base.sources.length} figure(s) from the data files\n`,
    );
  },
};
