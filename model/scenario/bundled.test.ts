import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadScenario } from './loader.js';
import { packageRoot } from './paths.js';

const scenariosDir = path.join(packageRoot(), 'scenarios');

describe('bundled scenarios', () => {
  const files = readdirSync(scenariosDir).filter((f) => f.endsWith('.yaml'));

  it('include the demo, the office fleet, GPU sharing, the ten-agent deployments and the hub stress test', () => {
    expect(files).toEqual(expect.arrayContaining(['demo.yaml', 'office-fleet.yaml', 'gpu-sharing.yaml', 'ten-agents-deployments.yaml', 'hub-stress.yaml']));
  });

  it.each(files)('%s passes the check', async (file) => {
    const loaded = await loadScenario(path.join(scenariosDir, file));
    expect(loaded.points.length).toBeGreaterThan(0);
    // Every scenario names its schema so editors pick it up.
    expect(readFileSync(path.join(scenariosDir, file), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./schema.json');
  });

  it('the office fleet spans 5 to 200 agents with and without GPU machines', async () => {
    const loaded = await loadScenario(path.join(scenariosDir, 'office-fleet.yaml'));
    const agents = loaded.points.map((p) => p.config.fleet.reduce((a, g) => a + g.count * g.agents, 0));
    expect(Math.min(...agents)).toBe(5);
    expect(Math.max(...agents)).toBe(200);
    const gpu = new Set(loaded.points.map((p) => p.config.fleet.filter((g) => g.gpu).reduce((a, g) => a + g.count, 0)));
    expect(gpu).toEqual(new Set([0, 2]));
  });

  it('every data file cites a source for its figures', () => {
    const dir = path.join(scenariosDir, 'data');
    for (const f of readdirSync(dir)) {
      const data = parse(readFileSync(path.join(dir, f), 'utf8')) as { source?: string; date?: unknown };
      expect(data.source, f).toMatch(/\S/);
      expect(data.date, f).toBeDefined();
    }
  });
});
