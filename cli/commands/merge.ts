// `agentscale merge A.json B.json ...`: add up measured documents from several generator processes or machines.

import type { Argv } from 'yargs';
import { readResultsDocument, writeFileAtomic, writeResultsDocument } from '../../lib/index.js';
import { documentCsv, mergeDocuments, pointTable } from '../../loadgen/index.js';
import type { AnyCommand } from './index.js';

export const mergeCommand: AnyCommand = {
  command: 'merge <files..>',
  describe: 'merge measured results documents exactly (histograms add losslessly, figures recomputed)',
  builder: (y: Argv) =>
    y
      .positional('files', { type: 'string', array: true, describe: 'Results documents (kind measured) written by agentscale loadgen --out' })
      .option('out', { alias: 'o', type: 'string', describe: 'Write the merged document here' })
      .option('csv', { type: 'string', describe: 'Write the merged metrics as CSV here' })
      .option('json', { type: 'boolean', describe: 'Print the merged document on stdout instead of the table' })
      .option('sequential', { type: 'boolean', default: false, describe: 'The runs were made one after another (repeats of one load): their windows add up, so rates are over the total time; by default they ran at the same time (workers, machines) and share one window' }),
  handler: async (argv: Record<string, unknown>) => {
    const files = argv.files as string[];
    const docs = [];
    for (const f of files) docs.push(await readResultsDocument(f));
    const merged = mergeDocuments(docs, files, argv.sequential ? 'sequential' : 'concurrent');
    if (argv.out) await writeResultsDocument(argv.out as string, merged);
    if (argv.csv) await writeFileAtomic(argv.csv as string, documentCsv(merged));
    if (argv.json) process.stdout.write(`${JSON.stringify(merged, null, 2)}\n`);
    else for (const p of merged.points) process.stdout.write(`[${p.id}]\n${pointTable(p)}\n`);
  },
};
