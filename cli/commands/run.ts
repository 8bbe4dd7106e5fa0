// `agentscale run <scenario.yaml>`: simulate every sweep point with replications on all cores.

import os from 'node:os';
import path from 'node:path';
import type { Argv } from 'yargs';
import { EXIT, info, progressLine, setQuiet, UserError } from '../../lib/index.js';
import { addCosts, defaultOutDir, loadPricing, loadScenario, runScenario, summaryTable, writeRunOutputs } from '../../model/index.js';
import { headlineText, writeReport } from '../../reports/index.js';
import type { AnyCommand } from './index.js';

interface RunArgs {
  scenario: string;
  out?: string;
  seed?: number;
  replications?: number;
  workers: number;
  json: boolean;
  quiet: boolean;
}

function wholeOption(name: string, min: number) {
  return (value: unknown): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new UserError(`--${name}: expected a whole number ≥ ${min}, found ${String(value)}`, EXIT.usage);
    return n;
  };
}

export const runCommand: AnyCommand = {
  command: 'run <scenario>',
  describe: 'simulate a scenario file (every sweep point, with replications), price it for each deployment, and write results.json, CSV files and the HTML report',
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', describe: 'scenario file (YAML), e.g. scenarios/demo.yaml', demandOption: true })
      .option('out', { type: 'string', describe: 'folder for the results (default: out/<scenario name>)' })
      .option('seed', { type: 'number', describe: 'random seed, overriding the scenario\'s (a whole number ≥ 0)' })
      .option('replications', { type: 'number', describe: 'replications per sweep point, overriding the scenario\'s (≥ 1)' })
      .option('workers', {
        type: 'number',
        describe: 'worker threads running replications (results do not depend on it)',
        default: os.availableParallelism(),
        defaultDescription: 'all cores',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the results document (JSON) to stdout instead of the summary table' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress messages on stderr' })
      .example('$0 run scenarios/demo.yaml', 'the quick demo: a few seconds')
      .example('$0 run scenarios/office-fleet.yaml --out out/office --replications 20', 'more replications for tighter intervals'),
  handler: async (raw: Record<string, unknown>) => {
    const argv = raw as unknown as RunArgs;
    // Checked here rather than by yargs so a bad value is a usage error (exit 2) with a clear message.
    const seed = wholeOption('seed', 0)(argv.seed);
    const replications = wholeOption('replications', 1)(argv.replications);
    const workers = wholeOption('workers', 1)(argv.workers)!;
    setQuiet(argv.quiet);
    const loaded = await loadScenario(argv.scenario, {
      ...(seed === undefined ? {} : { seed }),
      ...(replications === undefined ? {} : { replications }),
    });
    const out = argv.out ?? defaultOutDir(loaded.name);
    const total = loaded.points.reduce((a, p) => a + p.config.replications, 0);
    info(`${loaded.file}: ${loaded.points.length} point(s), ${total} replication(s) on ${Math.min(workers, total)} worker(s)`);

    const progress = progressLine(2_000);
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let outcome;
    try {
      outcome = await runScenario(loaded, {
        workers,
        signal: abort.signal,
        onProgress: (done, all) => progress.update(`simulating: ${done}/${all} replications`),
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      progress.done();
    }
    const document = outcome.document;
    // Costs are priced from each point's simulated usage, for every deployment kind.
    const pricing = loadPricing(loaded.base.pricing);
    document.points = addCosts(document.points, loaded.points.map((p) => p.config), pricing);
    const files = await writeRunOutputs(out, document);
    const report = await writeReport(path.join(out, 'report.html'), {
      simulated: [document],
      pricing,
      latencyTarget: loaded.base.latencyTarget,
    });
    files.push(...report.files);
    info(`${outcome.tasks} replication(s), ${outcome.events.toLocaleString('en-US')} events in ${outcome.wallSeconds.toFixed(1)} s; wrote ${files.join(', ')}`);
    if (argv.json) process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    else process.stdout.write(`${summaryTable(document)}\n\n${headlineText(report.headlines, report.recommendation)}\n`);
  },
};
