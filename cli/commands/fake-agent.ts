// `agentscale fake-agent`: a deterministic stand-in for an AI coding agent, run as tmux's command.

import type { Argv, CommandModule } from 'yargs';
import { runFakeAgent } from '../../agent-server/index.js';
import { parseBandwidth, parseDuration, parseSize, UserError } from '../../lib/index.js';

interface FakeAgentArgs {
  seed: number;
  rate: string;
  'burst-every': string;
  'burst-size': string;
  tick: string;
  'line-length': number;
  duration?: string;
  banner: boolean;
}

export const fakeAgentCommand: CommandModule<object, FakeAgentArgs> = {
  command: 'fake-agent',
  describe: 'a stand-in agent for load tests: seeded terminal output at a set rate with bursts, echoes its input',
  builder: (y: Argv) =>
    y
      .usage('$0 fake-agent [options]\n\nRun it as the tmux command of `serve-agent`. Output is whole lines, the same for the same\nseed; every input is echoed at once (Enter as a new line), so a marker such as mk:12:abcd\ntyped with Enter comes back in the output. Ctrl-C exits.')
      .option('seed', { type: 'number', default: 1, describe: 'seed of the output text' })
      .option('rate', { type: 'string', default: '10KB/s', describe: 'steady output rate, bytes per second (e.g. 10KB/s, 1MB/s, 0B/s)' })
      .option('burst-every', { type: 'string', default: '0s', describe: 'time between output bursts; 0s for none' })
      .option('burst-size', { type: 'string', default: '0B', describe: 'extra output written at each burst (e.g. 64KB)' })
      .option('tick', { type: 'string', default: '50ms', describe: 'time between writes' })
      .option('line-length', { type: 'number', default: 60, describe: 'mean line length in characters (lines vary from 0.2 to 1.8 times it)' })
      .option('duration', { type: 'string', describe: 'exit after this long [default: run until killed]' })
      .option('banner', { type: 'boolean', default: true, describe: 'print a first line naming the settings (--no-banner to omit)' })
      .example('$0 fake-agent --seed 7 --rate 10KB/s --burst-every 5s --burst-size 64KB', 'steady output with a burst every 5 s'),
  handler: async (args): Promise<void> => {
    if (!Number.isInteger(args.seed)) throw new UserError(`--seed must be an integer, found ${args.seed}`);
    if (!(Number.isInteger(args['line-length']) && args['line-length'] >= 1 && args['line-length'] <= 100_000)) {
      throw new UserError(`--line-length must be an integer from 1 to 100000, found ${args['line-length']}`);
    }
    const tickSeconds = parseDuration(args.tick);
    if (tickSeconds <= 0) throw new UserError('--tick must be longer than 0');
    const code = await runFakeAgent({
      seed: args.seed,
      bytesPerSecond: parseBandwidth(args.rate),
      burstEverySeconds: parseDuration(args['burst-every']),
      burstBytes: parseSize(args['burst-size']),
      tickSeconds,
      meanLineLength: args['line-length'],
      durationSeconds: args.duration !== undefined ? parseDuration(args.duration) : undefined,
      banner: args.banner,
    });
    process.exit(code);
  },
};
