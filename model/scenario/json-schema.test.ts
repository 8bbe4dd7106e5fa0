import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBandwidth, parseDuration, parseRate, parseSize } from '../../lib/index.js';
import { scenarioJsonSchema } from './json-schema.js';
import { UNIT_PATTERNS } from './leaves.js';
import { packageRoot } from './paths.js';

const scenariosDir = path.join(packageRoot(), 'scenarios');

describe('scenarios/schema.json', () => {
  it('is the schema the code generates (refresh with `agentscale schema > scenarios/schema.json`)', () => {
    expect(readFileSync(path.join(scenariosDir, 'schema.json'), 'utf8')).toBe(scenarioJsonSchema());
  });

  it('describes the fields editors complete: units as text, choices as enums, no unknown fields', () => {
    const schema = JSON.parse(scenarioJsonSchema()) as {
      additionalProperties: boolean;
      properties: Record<string, { properties?: Record<string, { enum?: string[]; type?: unknown; description?: string }>; description?: string }>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.deployment!.properties!.kind!.enum).toEqual(['local', 'ssh-tunnel', 'alb-wss', 'fargate']);
    expect(schema.properties.horizon!.description).toMatch(/8h/);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['workload', 'fleet', 'hub', 'network', 'claude', 'deployment', 'sweep', 'data', 'pricing']));
  });

  it('checks units in editors as the loader parses them', () => {
    const cases = {
      duration: { parse: parseDuration, good: ['250us', '30ms', '2s', '5m', '8h', '1h30m', '0.5s', '1e3ms'], bad: ['1 hour', '5', 'ms', '2 weeks'] },
      size: { parse: parseSize, good: ['512 B', '4 KB', '1.5 MB', '24 GiB', '80B'], bad: ['4 K', '24', 'GiB', '4 kb'] },
      bandwidth: { parse: parseBandwidth, good: ['100 Mbit/s', '1 Gbps', '12.5 MB/s', '1 MiB/s'], bad: ['100 Mbit', '12.5', 'fast'] },
      rate: { parse: parseRate, good: ['12/h', '50/min', '3/s', '0.5 / s'], bad: ['3 per s', '12', '12/week'] },
    };
    for (const [kind, { parse, good, bad }] of Object.entries(cases)) {
      const pattern = new RegExp(UNIT_PATTERNS[kind as keyof typeof UNIT_PATTERNS], 'u');
      for (const text of good) {
        expect(pattern.test(text), `${kind} ${text}`).toBe(true);
        expect(() => parse(text)).not.toThrow();
      }
      for (const text of bad) {
        expect(pattern.test(text), `${kind} ${text}`).toBe(false);
        expect(() => parse(text)).toThrow();
      }
    }
  });
});
