import { describe, expect, it } from 'vitest';
import { confidenceInterval, tQuantile } from '../../sim/index.js';
import { aggregatePoint, metricUnit } from './aggregate.js';
import type { ReplicationOutcome } from './types.js';

function outcome(i: number, extra: Partial<ReplicationOutcome> = {}): ReplicationOutcome {
  return {
    metrics: { 'throughput.tasks': 1 + i, 'latency.task.p95': 10 * (i + 1), 'claude.429': 0 },
    resources: [
      { name: 'hub.cpu', kind: 'cpu', utilization: 0.2 + 0.01 * i, queueLength: i, capacity: 4, capacityUnit: 'cores' },
      { name: 'uplink', kind: 'link', utilization: 0.5, queueWait: 0.1 * i },
      { name: 'claude.rpm', kind: 'rate-limit', utilization: 0.5 },
    ],
    usage: { agents: 10, tasksPerHour: 100 * i, connections: { hub: { open: 10 + i, newPerSecond: 0.5 } } },
    warnings: i === 0 ? ['RAM over-committed'] : [],
    events: 1000,
    ...extra,
  };
}

describe('aggregatePoint', () => {
  const results = [0, 1, 2, 3].map((i) => outcome(i));
  const point = aggregatePoint({ id: 'p', parameters: { machines: 2 } }, results, 0.9);

  it('gives each metric a Student-t interval over the replications', () => {
    const samples = [1, 2, 3, 4];
    const ci = confidenceInterval(samples, 0.9);
    expect(point.metrics['throughput.tasks']).toEqual({ value: 2.5, halfWidth: ci.halfWidth, confidence: 0.9, n: 4, unit: '1/s' });
    // Student-t with 3 degrees of freedom: s = 1.291, half-width = t(0.95, 3) · s / 2.
    expect(ci.halfWidth).toBeCloseTo((tQuantile(0.95, 3) * Math.sqrt(5 / 3)) / 2, 12);
    expect(point.metrics['latency.task.p95']!.unit).toBe('s');
    expect(point.metrics['claude.429']).toMatchObject({ value: 0, halfWidth: 0 });
  });

  it('ranks resources by utilisation, highest first, ties by name', () => {
    expect(point.bottlenecks).toEqual([
      { resource: 'claude.rpm', utilization: 0.5 },
      { resource: 'uplink', utilization: 0.5 },
      { resource: 'hub.cpu', utilization: expect.closeTo(0.215, 12) },
    ]);
    const hub = point.resources!.find((r) => r.name === 'hub.cpu')!;
    expect(hub).toMatchObject({ kind: 'cpu', capacity: 4, capacityUnit: 'cores', queueLength: { value: 1.5, unit: 'count' } });
    expect(hub.queueWait).toBeUndefined();
    expect(point.resources!.find((r) => r.name === 'uplink')!.queueWait).toMatchObject({ value: expect.closeTo(0.15, 12), unit: 's' });
  });

  it('averages usage field by field and counts warnings by replication', () => {
    expect(point.usage).toEqual({ agents: 10, tasksPerHour: 150, connections: { hub: { open: 11.5, newPerSecond: 0.5 } } });
    expect(point.warnings).toEqual(['RAM over-committed (in 1 of 4 replications)']);
    expect(point.replications).toBe(4);
    expect(point.parameters).toEqual({ machines: 2 });
  });

  it('gives no interval for one replication, and leaves out values no replication could give', () => {
    const one = aggregatePoint({ id: 'one', parameters: {} }, [outcome(0, { metrics: { 'latency.task': 3, 'latency.assign': NaN } })], 0.95);
    expect(one.metrics['latency.task']).toEqual({ value: 3, n: 1, unit: 's' });
    expect(one.metrics['latency.assign']).toBeUndefined();
  });

  it('uses a unit the simulator names over the one inferred from the name', () => {
    const named = aggregatePoint({ id: 'u', parameters: {} }, [outcome(0, { metrics: { 'hub.widgets': 2 }, units: { 'hub.widgets': 'widgets' } })], 0.95);
    expect(named.metrics['hub.widgets']!.unit).toBe('widgets');
    expect(metricUnit('claude.tokensPerMinute.input')).toBe('tokens/min');
    expect(metricUnit('ollama.503')).toBe('1/s');
    expect(metricUnit('tasks.completed')).toBe('count');
  });
});
