// `agentscale report RESULTS.json... --out report.html`: rebuild the HTML report (and its CSV
// files) from results documents, simulated and measured.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv } from 'yargs';
import { info, parseDuration, readResultsDocument, type ResultsDocument } from '../../lib/index.js';
import { loadPricing, type Pricing } from '../../model/index.js';
import { costText, fleetSize, headlineText, writeReport } from '../../reports/index.js';
import type { AnyCommand } from './index.js';

/** The bundled pricing file, from the sources or from dist/. */
function bundledPricing(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '../../..']) {
    const file = path.resolve(here, up, 'scenarios/pricing/aws-us-east-1.yaml');
    if (existsSync(file)) return file;
  }
  return undefined;
}

interface ReportArgs {
  results: string[];
  measured: string[];
  pricing?: string;
  out: string;
  latencyTarget?: string;
  seedTable?: boolean;
  title?: string;
  quiet: boolean;
}

export const reportCommand: AnyCommand = {
  command: 'report <results..>',
  describe: 'build the HTML scaling report (plus CSV files) from results documents',
  builder: (y: Argv) =>
    y
      .positional('results', { type: 'string', array: true, describe: 'results documents (JSON) from `agentscale run`; measured ones given here are treated as --measured', demandOption: true })
      .option('measured', { type: 'string', array: true, default: [], describe: 'measured results documents (from `agentscale loadgen`) to set against the prediction' })
      .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'HTML file to write; CSV files are written beside it as <name>.points.csv, .resources.csv, .costs.csv, .usl.csv' })
      .option('pricing', { type: 'string', describe: 'pricing file (YAML) for the GPU-or-API break-even and the seed table [default: the bundled scenarios/pricing/aws-us-east-1.yaml]' })
      .option('latency-target', { type: 'string', describe: 'p95 task latency target, a duration such as 30m [default: the documents\' latencyTarget assumption]' })
      .option('seed-table', { type: 'boolean', describe: 'add the ten-agent cost table of the WebSocket-first design note, recomputed with current prices [default: only for a ten-agent scenario]' })
      .option('title', { type: 'string', describe: 'report title [default: "Scaling report: <document names>"]' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print nothing but errors' })
      .example('$0 report out/demo/results.json --out out/demo/report.html', '')
      .example('$0 report out/demo/results.json --measured out/load/results.json --latency-target 30m -o report.html', ''),
  handler: async (raw: Record<string, unknown>) => {
    const argv = raw as unknown as ReportArgs;
    const latencyTarget = argv.latencyTarget !== undefined ? parseDuration(argv.latencyTarget) : undefined;
    const docs: { file: string; doc: ResultsDocument }[] = [];
    for (const file of argv.results) docs.push({ file, doc: await readResultsDocument(file) });
    const measured: ResultsDocument[] = [];
    for (const file of argv.measured) measured.push(await readResultsDocument(file));
    const pricingFile = argv.pricing ?? bundledPricing();
    const pricing: Pricing | undefined = pricingFile ? loadPricing(pricingFile) : undefined;
    const out = path.resolve(argv.out);
    const built = await writeReport(out, {
      simulated: docs.filter((d) => d.doc.kind === 'simulated').map((d) => d.doc),
      measured: [...docs.filter((d) => d.doc.kind === 'measured').map((d) => d.doc), ...measured],
      pricing,
      latencyTarget,
      seedTable: argv.seedTable,
      title: argv.title,
    });
    if (!argv.quiet) {
      process.stdout.write(`${headlineText(built.headlines, built.recommendation)}\n`);
      // Costs of the largest costed point, as the report's cost section shows them.
      const costed = docs.flatMap((d) => d.doc.points).filter((p) => p.costs && Object.keys(p.costs).length > 0);
      const largest = costed.sort((a, b) => (fleetSize(a) ?? 0) - (fleetSize(b) ?? 0)).pop();
      if (largest?.costs) {
        process.stdout.write(`\nCost a month at ${largest.id} (${fleetSize(largest) ?? '?'} agents):\n${costText(largest.costs, { tasksPerHour: largest.usage?.tasksPerHour, agents: fleetSize(largest) }, pricing?.hoursPerMonth)}\n`);
      }
      info(`wrote ${built.files.map((f) => path.relative(process.cwd(), f) || f).join(', ')}`);
    }
  },
};
