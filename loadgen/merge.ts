// `agentscale merge`: measured documents from several processes or machines, added up exactly.
// Points with the same id merge: histograms add losslessly, counts add, and every derived
// figure (percentiles, means, error rate, throughput) is recomputed from the merged data, so
// the result equals what one generator recording every sample would have written. Documents of
// runs made at the same time (the default) share one window; runs made one after another
// (`sequential`) add their windows, as if one run had lasted as long as all of them.

import {
  EXIT,
  LatencyHistogram,
  UserError,
  canonicalHash,
  documentHeader,
  type EncodedHistogram,
  type Estimate,
  type PointResult,
  type ResultsDocument,
} from '../lib/index.js';
import { countMetrics, histogramMetrics, isHistogramMetric, talliesFromMetrics, throughputMetricFor } from './metrics.js';

function mergeHistograms(list: Record<string, EncodedHistogram>[]): Record<string, EncodedHistogram> {
  const merged = new Map<string, LatencyHistogram>();
  for (const hs of list) {
    for (const [name, encoded] of Object.entries(hs)) {
      const h = LatencyHistogram.decode(encoded);
      const into = merged.get(name);
      if (into) into.add(h);
      else merged.set(name, h);
    }
  }
  const out: Record<string, EncodedHistogram> = {};
  for (const [name, h] of merged) out[name] = h.encode();
  return out;
}

/** How the merged runs stood in time: side by side (shares of one load) or one after another. */
export type MergeMode = 'concurrent' | 'sequential';

function mergePoints(id: string, points: PointResult[], mode: MergeMode): PointResult {
  const histograms = mergeHistograms(points.map((p) => p.histograms ?? {}));
  const tallies = points.map((p) => talliesFromMetrics(p.metrics));
  const counters: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const t of tallies) {
    for (const [k, v] of Object.entries(t.counters)) counters[k] = (counters[k] ?? 0) + v;
    for (const [k, v] of Object.entries(t.errors)) errors[k] = (errors[k] ?? 0) + v;
  }
  const protocol = String(points[0]!.parameters.protocol ?? '');
  const sequential = mode === 'sequential';
  const totalDuration = tallies.reduce((a, t) => a + t.duration, 0);
  const metrics: Record<string, Estimate> = {
    ...histogramMetrics(histograms),
    ...countMetrics(
      {
        counters,
        errors,
        duration: sequential ? totalDuration : Math.max(...tallies.map((t) => t.duration)),
        // One after another, the generator's CPU is its time-weighted mean; side by side, the busiest process's.
        cpu: sequential ? tallies.reduce((a, t) => a + t.cpu * t.duration, 0) / Math.max(totalDuration, 1e-9) : Math.max(...tallies.map((t) => t.cpu)),
        eventLoopP99: Math.max(...tallies.map((t) => t.eventLoopP99)),
        eventLoopMax: Math.max(...tallies.map((t) => t.eventLoopMax)),
        processes: sequential ? Math.max(...tallies.map((t) => t.processes)) : tallies.reduce((a, t) => a + t.processes, 0),
      },
      throughputMetricFor(protocol),
    ),
  };
  // Anything else a producer wrote: counts add, other figures keep the largest (conservative).
  for (const p of points) {
    for (const [k, e] of Object.entries(p.metrics)) {
      if (k in metrics || isHistogramMetric(k, histograms)) continue;
      const prev = metrics[k];
      metrics[k] = prev ? { ...prev, value: e.unit === 'count' ? prev.value + e.value : Math.max(prev.value, e.value) } : { ...e };
    }
  }
  const warnings = [...new Set(points.flatMap((p) => p.warnings ?? []))];
  const parameters = { ...points[0]!.parameters };
  for (const key of ['connections', 'workers'] as const) {
    if (!sequential && points.every((p) => typeof p.parameters[key] === 'number'))
      parameters[key] = points.reduce((a, p) => a + (p.parameters[key] as number), 0);
  }
  return {
    id,
    parameters,
    replications: 1,
    metrics,
    histograms,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

export function mergeDocuments(docs: readonly ResultsDocument[], files: readonly string[] = [], mode: MergeMode = 'concurrent'): ResultsDocument {
  if (docs.length === 0) throw new UserError('merge: give at least one results document');
  docs.forEach((d, i) => {
    if (d.kind !== 'measured') throw new UserError(`${files[i] ?? `document ${i + 1}`}: kind is ${d.kind}; merge adds up measured documents`, EXIT.usage);
  });
  const ids: string[] = [];
  for (const d of docs) for (const p of d.points) if (!ids.includes(p.id)) ids.push(p.id);
  const points = ids.map((id) => {
    const same = docs.flatMap((d) => d.points.filter((p) => p.id === id));
    return same.length === 1 ? same[0]! : mergePoints(id, same, mode);
  });
  const names = [...new Set(docs.map((d) => d.source.name))];
  const notes = [...new Set(docs.flatMap((d) => d.notes ?? []))];
  notes.unshift(`merged from ${docs.length} ${mode === 'sequential' ? 'runs made one after another' : 'documents'}${files.length > 0 ? `: ${files.join(', ')}` : ''}`);
  return {
    ...documentHeader('measured', {
      name: names.join(' + '),
      hash: canonicalHash(docs.map((d) => d.source.hash).sort()),
    }),
    points,
    assumptions: docs[0]!.assumptions,
    ...(docs.some((d) => d.untrustworthy) ? { untrustworthy: true } : {}),
    notes,
  };
}
