import path from 'node:path';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { loadPricing } from '../model/index.js';
import { buildReport, renderReport } from './index.js';
import { syntheticMeasured, syntheticSimulated } from './testing/synthetic-results.js';

const pricing = loadPricing(path.resolve(import.meta.dirname, '../scenarios/pricing/aws-us-east-1.yaml'));
const plotsOf = (html: string) => {
  const { document } = parseHTML(html);
  return [...document.querySelectorAll('[data-plot]')].map((n) => ({ id: n.getAttribute('data-plot'), svg: n.querySelector('svg') !== null, empty: n.querySelector('.empty')?.textContent ?? '' }));
};

describe('renderReport', () => {
  it('draws every section from a full sweep, with no script and no external reference', () => {
    const html = renderReport({ simulated: [syntheticSimulated({ pricing })], measured: [syntheticMeasured()], pricing });
    expect(html).not.toMatch(/<script|<link |@import|url\(http|src="http|href="http/i);
    const plots = plotsOf(html);
    expect(plots.filter((p) => !p.svg)).toEqual([]);
    expect(plots.length).toBeGreaterThanOrEqual(16);
  });

  it('handles one point with metrics missing: short notes, no failure', () => {
    const doc = syntheticSimulated({ machines: [1], agentsPerMachine: [1], omitMetrics: ['throughput.tasks', 'latency.task.p95', 'claude.429', 'throughput.messages'] });
    const built = buildReport({ simulated: [doc] });
    const plots = plotsOf(built.html);
    const byId = Object.fromEntries(plots.map((p) => [p.id, p]));
    expect(byId.throughput!.empty).toBe('Not in these results: no point reports throughput.tasks.');
    expect(byId['claude-429']!.empty).toMatch(/claude\.429/);
    expect(byId.usl!.empty).toMatch(/fewer than three fleet sizes/);
    expect(byId.costs!.empty).toMatch(/no point carries cost lines/);
    // Utilisation is there even for one point.
    expect(byId.utilisation!.svg).toBe(true);
    expect(built.headlines.find((h) => h.id === 'marginal')!.answered).toBe(false);
  });

  it('renders a hundred points and a measured-only report', () => {
    const many = syntheticSimulated({ pricing, machines: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], agentsPerMachine: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
    expect(many.points).toHaveLength(100);
    const built = buildReport({ simulated: [many], pricing }, 'big');
    expect(plotsOf(built.html).filter((p) => !p.svg).map((p) => p.id)).toEqual([]);
    expect(built.csv['big.points.csv']!.trim().split('\n')).toHaveLength(101);
    const measuredOnly = renderReport({ simulated: [], measured: [syntheticMeasured()] });
    const plots = Object.fromEntries(plotsOf(measuredOnly).map((p) => [p.id, p]));
    expect(plots.throughput!.svg).toBe(true);
    expect(plots.usl!.svg).toBe(true);
  });

  it('escapes text from the documents', () => {
    const doc = syntheticSimulated({ machines: [1, 2], agentsPerMachine: [1] });
    doc.source.name = '<img src=x onerror=alert(1)>';
    const html = renderReport({ simulated: [doc] });
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
