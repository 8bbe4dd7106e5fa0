// The results document of a load run (kind "measured"), and its CSV form.

import { stringify } from 'csv-stringify/sync';
import {
  canonicalHash,
  documentHeader,
  type Assumption,
  type PointResult,
  type ResultsDocument,
} from '../lib/index.js';
import { countMetrics, histogramMetrics, throughputMetricFor, trustProblems } from './metrics.js';
import type { LoadOptions } from './options.js';
import type { Share } from './recorder.js';

/** The load profile as recorded in the document (and hashed to match documents to it). */
export function profileOf(options: LoadOptions): Record<string, unknown> {
  const { token: _token, thresholds: _t, name: _n, ...rest } = options;
  return JSON.parse(JSON.stringify(rest, (_k, v: unknown) => (v === Infinity ? 'Infinity' : v))) as Record<string, unknown>;
}

export function pointFromShare(
  id: string,
  parameters: PointResult['parameters'],
  share: Share,
  options: LoadOptions,
): PointResult {
  const metrics = {
    ...histogramMetrics(share.histograms),
    ...countMetrics(
      {
        counters: share.counters,
        errors: share.errors,
        duration: share.elapsed,
        cpu: Math.max(0, ...share.generator.cpu),
        eventLoopP99: share.generator.eventLoopP99,
        eventLoopMax: share.generator.eventLoopMax,
        processes: share.generator.cpu.length,
      },
      throughputMetricFor(options.protocol),
    ),
  };
  const warnings = [...trustProblems(metrics, options.maxLag)];
  // Waiting turns keep a busy generator near 100 % of a core by design; it is short of CPU
  // when it is also sending late.
  const cpu = Math.max(0, ...share.generator.cpu);
  const lateShare = (share.counters['ops.late'] ?? 0) / Math.max(1, share.counters['ops.sent'] ?? 0);
  if (cpu > 0.9 && lateShare > 0.01)
    warnings.push(`a generator process used ${(cpu * 100).toFixed(0)} % of a core and sent ${(lateShare * 100).toFixed(1)} % late: add --workers or machines`);
  return {
    id,
    parameters,
    replications: 1,
    metrics,
    histograms: share.histograms,
    warnings: warnings.length > 0 ? warnings : undefined,
  };
}

export function loadParameters(options: LoadOptions): PointResult['parameters'] {
  const p: PointResult['parameters'] = {
    protocol: options.protocol,
    mode: options.mode,
    connections: options.connections,
    rate: options.rate,
    arrival: options.arrival,
    workers: options.workers,
  };
  if (options.protocol === 'maestro') p.watchers = options.watchers;
  if (Number.isFinite(options.duration)) p.duration = options.duration;
  if (options.messages !== undefined) p.messages = options.messages;
  return p;
}

export function buildDocument(options: LoadOptions, points: PointResult[], notes: string[], file?: string): ResultsDocument {
  const profile = profileOf(options);
  const untrustworthy = points.some((p) => (p.warnings ?? []).some((w) => w.startsWith('the generator')));
  const assumptions: Assumption[] = [
    { name: 'latency measured from', value: 'intended send time (and actual send time in *.actual)', source: 'agentscale loadgen' },
    { name: 'max send lag (p99) before untrustworthy', value: options.maxLag, unit: 's', source: '--max-lag' },
  ];
  return {
    ...documentHeader('measured', {
      name: options.name,
      ...(file ? { file } : {}),
      hash: canonicalHash(profile),
      seed: options.seed,
    }),
    points,
    assumptions,
    ...(untrustworthy ? { untrustworthy: true } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** One row per point and metric: point,metric,value,unit,n. */
export function documentCsv(doc: ResultsDocument): string {
  const rows: (string | number)[][] = [['point', 'metric', 'value', 'unit', 'n']];
  for (const p of doc.points) {
    for (const [name, e] of Object.entries(p.metrics).sort(([a], [b]) => (a < b ? -1 : 1))) rows.push([p.id, name, e.value, e.unit, e.n ?? '']);
  }
  return stringify(rows);
}
