// What every section reads: the rows of all documents, sized and labelled once.

import type { ResultsDocument } from '../../lib/index.js';
import type { Pricing } from '../../model/index.js';
import { bySize, pointRows, type PointRow } from '../analysis/points.js';

export interface ReportInput {
  simulated: ResultsDocument[];
  measured?: ResultsDocument[];
  pricing?: Pricing;
  /** p95 task latency target, seconds (else the documents' `latencyTarget` assumption). */
  latencyTarget?: number;
  /** Include the seed note's ten-agent table, recomputed (needs pricing). */
  seedTable?: boolean;
  title?: string;
}

export type SizedRow = PointRow & { agents: number; line: string };

export interface ReportContext {
  input: ReportInput;
  rows: PointRow[];
  simulated: SizedRow[];
  measured: SizedRow[];
  /** File names of the CSV files written beside the report, by table. */
  csv: Record<string, string>;
}

export function reportContext(input: ReportInput, csv: Record<string, string>): ReportContext {
  const rows = pointRows([...input.simulated, ...(input.measured ?? [])]);
  const sized = withLines(bySize(rows));
  return { input, rows, simulated: sized.filter((r) => r.kind === 'simulated'), measured: sized.filter((r) => r.kind === 'measured'), csv };
}

/**
 * A line label per row. Within a series, points that share a fleet size (a grid sweep of
 * machines × agents per machine has several) are split into lines by the parameter that tells
 * them apart, preferring one named per machine.
 */
function withLines(rows: (PointRow & { agents: number })[]): SizedRow[] {
  const bySeries = new Map<string, (PointRow & { agents: number })[]>();
  for (const r of rows) bySeries.set(r.series, [...(bySeries.get(r.series) ?? []), r]);
  const out: SizedRow[] = [];
  // With one document the legend need not repeat its name on every line.
  const single = new Set(rows.filter((r) => r.kind === 'simulated').map((r) => r.series)).size === 1;
  for (const [series, list] of bySeries) {
    const sizes = list.map((r) => r.agents);
    if (new Set(sizes).size === sizes.length) {
      out.push(...list.map((r) => ({ ...r, line: series })));
      continue;
    }
    const keys = [...new Set(list.flatMap((r) => Object.keys(r.point.parameters)))].sort((a, b) => Number(/perMachine/i.test(b)) - Number(/perMachine/i.test(a)));
    const splitter = keys.find((k) => {
      const seen = new Set<string>();
      return list.every((r) => {
        const key = `${String(r.point.parameters[k])}|${r.agents}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    });
    const prefix = single ? '' : `${series} · `;
    out.push(...list.map((r) => ({ ...r, line: splitter ? `${prefix}${splitter}=${String(r.point.parameters[splitter])}` : `${prefix}${r.point.id}` })));
  }
  return out;
}
