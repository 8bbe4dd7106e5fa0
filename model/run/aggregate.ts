// Replications → one point of the results document: Student-t intervals for every metric and
// resource figure, the bottleneck ranking, mean usage, and the warnings seen. Pure, and
// independent of the order replications finished in (they arrive indexed).

import { confidenceInterval } from '../../sim/index.js';
import type { Estimate, PointResult, ResourceResult, Usage } from '../../lib/index.js';
import type { ReplicationOutcome } from './types.js';

/** The unit of a metric from its name, for metrics whose producer named none. */
export function metricUnit(name: string): string {
  if (name.includes('tokensPerMinute')) return 'tokens/min';
  if (name === 'errors.rate' || name.endsWith('.fraction') || name.endsWith('.utilization') || name.endsWith('.busy')) return 'fraction';
  if (name.startsWith('tasks.') || /\.(failures|connections|queue)$/.test(name)) return 'count';
  if (name.endsWith('.memory')) return 'B';
  if (/\.(requests|fallbacks|frames|writes|syncedWrites|scans)$/.test(name)) return '1/s';
  if (name.startsWith('latency.') || name.endsWith('.wait') || name.endsWith('.seconds')) return 's';
  if (name.startsWith('throughput.') || /\.(429|529|503)$/.test(name) || name.endsWith('.rate') || name.endsWith('.perSecond')) return '1/s';
  if (name.startsWith('bytes.')) return 'B/s';
  if (name.startsWith('tokens.')) return 'tokens/s';
  if (name.endsWith('.count') || name.startsWith('count.')) return 'count';
  return '';
}

function estimate(samples: readonly number[], confidence: number, unit: string): Estimate | undefined {
  const finite = samples.filter((x) => Number.isFinite(x));
  if (finite.length === 0) return undefined;
  const ci = confidenceInterval(finite, confidence);
  const out: Estimate = { value: ci.mean, n: ci.n, unit };
  if (ci.n >= 2 && Number.isFinite(ci.halfWidth)) {
    out.halfWidth = ci.halfWidth;
    out.confidence = confidence;
  }
  return out;
}

function unionInOrder(lists: readonly (readonly string[])[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const list of lists) for (const x of list) if (!seen.has(x)) (seen.add(x), out.push(x));
  return out;
}

/** Mean of each number over the replications that report it, recursing into objects. */
function meanTree(values: readonly unknown[]): unknown {
  const present = values.filter((v) => v !== undefined);
  if (present.length === 0) return undefined;
  if (present.every((v) => typeof v === 'number')) {
    const nums = present as number[];
    return nums.reduce((a, b) => a + b, 0) / nums.length;
  }
  if (present.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v))) {
    const keys = unionInOrder(present.map((v) => Object.keys(v as object))).sort();
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const m = meanTree(present.map((v) => (v as Record<string, unknown>)[k]));
      if (m !== undefined) out[k] = m;
    }
    return out;
  }
  return present[0];
}

export function aggregatePoint(
  point: { id: string; parameters: PointResult['parameters'] },
  results: readonly ReplicationOutcome[],
  confidence: number,
): PointResult {
  const metrics: Record<string, Estimate> = {};
  for (const name of unionInOrder(results.map((r) => Object.keys(r.metrics))).sort()) {
    const unit = results.find((r) => r.units?.[name] !== undefined)?.units?.[name] ?? metricUnit(name);
    const e = estimate(
      results.map((r) => r.metrics[name] ?? NaN),
      confidence,
      unit,
    );
    if (e) metrics[name] = e;
  }

  const resources: ResourceResult[] = [];
  for (const name of unionInOrder(results.map((r) => r.resources.map((x) => x.name)))) {
    const each = results.map((r) => r.resources.find((x) => x.name === name));
    const first = each.find((x) => x !== undefined)!;
    const utilization = estimate(each.map((x) => x?.utilization ?? NaN), confidence, 'fraction');
    if (!utilization) continue;
    const resource: ResourceResult = { name, kind: first.kind, utilization };
    const queueWait = estimate(each.map((x) => x?.queueWait ?? NaN), confidence, 's');
    const queueLength = estimate(each.map((x) => x?.queueLength ?? NaN), confidence, 'count');
    if (queueWait) resource.queueWait = queueWait;
    if (queueLength) resource.queueLength = queueLength;
    if (first.capacity !== undefined && Number.isFinite(first.capacity)) resource.capacity = first.capacity;
    if (first.capacityUnit !== undefined) resource.capacityUnit = first.capacityUnit;
    resources.push(resource);
  }
  const bottlenecks = resources
    .map((r) => ({ resource: r.name, utilization: r.utilization.value }))
    .sort((a, b) => b.utilization - a.utilization || (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));

  const counts = new Map<string, number>();
  for (const r of results) for (const w of new Set(r.warnings)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const warnings = [...counts].map(([w, n]) => (n === results.length ? w : `${w} (in ${n} of ${results.length} replications)`));

  const out: PointResult = {
    id: point.id,
    parameters: point.parameters,
    replications: results.length,
    metrics,
    resources,
    bottlenecks,
    usage: (meanTree(results.map((r) => r.usage)) ?? {}) as Usage,
  };
  if (warnings.length > 0) out.warnings = warnings;
  return out;
}
