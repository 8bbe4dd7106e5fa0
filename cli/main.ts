#!/usr/bin/env node
// The agentscale command: parses arguments and hands over to the folders that do the work.

import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { toolVersion } from '../lib/index.js';
import { commandsFor } from './commands/index.js';
import { reportFailure } from './failure.js';

export async function main(argv: string[]): Promise<void> {
  const parser = yargs(argv)
    .scriptName('agentscale')
    .usage('$0 <command> [options]\n\nScaling simulator and capacity planner for fleets of AI coding agents.')
    .version(toolVersion())
    .help()
    .alias('h', 'help')
    .strict()
    .strictCommands()
    .demandCommand(1, 'name a command; `agentscale --help` lists them')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      if (error) throw error;
      process.stderr.write(`agentscale: ${message}\n(see \`agentscale --help\`)\n`);
      process.exit(2);
    });
  for (const command of await commandsFor(argv)) parser.command(command);
  await parser.parseAsync();
}

main(hideBin(process.argv)).catch((err: unknown) => {
  process.exitCode = reportFailure(err);
});
