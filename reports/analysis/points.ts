// Flattening results documents into rows a report can plot: one row per point, with its fleet
// size, deployment kind and series label worked out once.

import { METRIC_NAMES, percentileKey, type Estimate, type PointResult, type ResultsDocument } from '../../lib/index.js';

export interface PointRow {
  document: ResultsDocument;
  kind: ResultsDocument['kind'];
  /** Label of the line this point belongs to: the source name, plus the deployment kind if swept. */
  series: string;
  point: PointResult;
  /** Fleet size (agents), or undefined when neither usage nor parameters tell. */
  agents: number | undefined;
  deploymentKind: string | undefined;
}

export const THROUGHPUT = METRIC_NAMES.throughputTasks;
export const LATENCY_P95 = percentileKey(METRIC_NAMES.taskLatency, 95);

export function pointRows(documents: ResultsDocument[]): PointRow[] {
  const names = documents.map((d) => d.source.name);
  return documents.flatMap((document, i) => {
    // Two documents of the same name (e.g. two measured runs) stay apart.
    const base = names.filter((n) => n === document.source.name).length > 1 ? `${document.source.name} #${i + 1}` : document.source.name;
    return document.points.map((point) => {
      const deploymentKind = stringParam(point, ['deployment.kind', 'deployment', 'deploymentKind']);
      return {
        document,
        kind: document.kind,
        series: deploymentKind ? `${base} (${deploymentKind})` : base,
        point,
        agents: fleetSize(point),
        deploymentKind,
      };
    });
  });
}

export function fleetSize(point: PointResult): number | undefined {
  if (point.usage?.agents !== undefined) return point.usage.agents;
  const p = point.parameters;
  for (const [k, v] of Object.entries(p)) if (typeof v === 'number' && /(^|\.)(agents|fleetSize|fleet\.agents)$/i.test(k)) return v;
  const machines = numberParam(point, (k) => /(^|\.)machines$/i.test(k));
  const perMachine = numberParam(point, (k) => /agentsPerMachine$/i.test(k));
  if (machines !== undefined && perMachine !== undefined) return machines * perMachine;
  // A load test of the hub opens one connection per emulated agent.
  const connections = p.connections;
  if (typeof connections === 'number') return connections;
  return undefined;
}

export function metric(point: PointResult, name: string): Estimate | undefined {
  return point.metrics[name];
}

export function numberParam(point: PointResult, match: (key: string) => boolean): number | undefined {
  for (const [k, v] of Object.entries(point.parameters)) if (typeof v === 'number' && match(k)) return v;
  return undefined;
}

function stringParam(point: PointResult, keys: string[]): string | undefined {
  for (const k of keys) {
    const v = point.parameters[k];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

/** Rows that have a fleet size, sorted by it. */
export function bySize(rows: PointRow[]): (PointRow & { agents: number })[] {
  return rows.filter((r): r is PointRow & { agents: number } => r.agents !== undefined).sort((a, b) => a.agents - b.agents);
}

/** Where a rising series first reaches `level`, by linear interpolation (or extrapolation past the last point). */
export function crossing(points: { x: number; y: number }[], level: number): { x: number; extrapolated: boolean; atStart: boolean } | undefined {
  const s = [...points].filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
  if (s.length === 0) return undefined;
  const i = s.findIndex((p) => p.y >= level);
  if (i === 0) return { x: s[0]!.x, extrapolated: false, atStart: true };
  if (i > 0) {
    const a = s[i - 1]!;
    const b = s[i]!;
    return { x: a.x + ((level - a.y) * (b.x - a.x)) / (b.y - a.y), extrapolated: false, atStart: false };
  }
  if (s.length < 2) return undefined;
  const a = s[s.length - 2]!;
  const b = s[s.length - 1]!;
  if (b.y <= a.y || b.x === a.x) return undefined;
  return { x: b.x + ((level - b.y) * (b.x - a.x)) / (b.y - a.y), extrapolated: true, atStart: false };
}

/** Linear interpolation of y at x over sorted points (clamped to the ends). */
export function interpolate(points: { x: number; y: number }[], x: number): number | undefined {
  const s = [...points].sort((a, b) => a.x - b.x);
  if (s.length === 0) return undefined;
  if (x <= s[0]!.x) return s[0]!.y;
  for (let i = 1; i < s.length; i++) {
    const a = s[i - 1]!;
    const b = s[i]!;
    if (x <= b.x) return b.x === a.x ? b.y : a.y + ((x - a.x) * (b.y - a.y)) / (b.x - a.x);
  }
  return s[s.length - 1]!.y;
}
