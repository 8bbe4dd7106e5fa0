// One load level: the load generator as a child process on its own core, writing its results
// document (kind measured), read back here. Exit codes 3 (threshold) and 4 (the generator fell
// behind) still give a document; the latter is recorded as untrustworthy.

import { readResultsDocument, EXIT, UserError, type ResultsDocument } from '../lib/index.js';
import { cliPath, startChild } from './processes.js';

export interface LoadRun {
  document: ResultsDocument;
  exitCode: number;
  output: string;
}

export async function runLoadgen(args: string[], out: string, core?: string): Promise<LoadRun> {
  const child = startChild('loadgen', [cliPath(), 'loadgen', ...args, '--out', out], { core });
  const code = (await child.exited) ?? 1;
  if (code !== 0 && code !== EXIT.thresholdBreached && code !== EXIT.untrustworthy) {
    throw new UserError(`the load generator failed (exit ${code})`, EXIT.failure, child.output().trim().split('\n').slice(-8));
  }
  return { document: await readResultsDocument(out), exitCode: code, output: child.output() };
}
