// Writing a run's files: results.json, points.csv, resources.csv, each atomically (written
// beside, synced, renamed), so an interrupted write never leaves half a file.

import path from 'node:path';
import { EXIT, UserError, writeFileAtomic, writeResultsDocument, type ResultsDocument } from '../../lib/index.js';
import { pointsCsv, resourcesCsv } from './csv.js';

export const OUTPUT_FILES = { results: 'results.json', points: 'points.csv', resources: 'resources.csv' } as const;

export async function writeRunOutputs(dir: string, doc: ResultsDocument): Promise<string[]> {
  const files = [path.join(dir, OUTPUT_FILES.results), path.join(dir, OUTPUT_FILES.points), path.join(dir, OUTPUT_FILES.resources)];
  // Build every text first so a formatting failure writes nothing.
  const points = pointsCsv(doc);
  const resources = resourcesCsv(doc);
  try {
    await writeResultsDocument(files[0]!, doc);
    await writeFileAtomic(files[1]!, points);
    await writeFileAtomic(files[2]!, resources);
  } catch (err) {
    throw new UserError(`cannot write results into ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, EXIT.failure);
  }
  return files;
}

/** `out/<scenario name>` with the name made safe for a folder. */
export function defaultOutDir(scenarioName: string): string {
  return path.join('out', scenarioName.replace(/[^A-Za-z0-9._-]+/g, '-'));
}
