// The JSON Schema editors use to complete and check scenario files (scenarios/schema.json).

import { z } from 'zod';
import { scenarioSchema } from './schema.js';

/** The scenario file's JSON Schema as stable, pretty-printed text. */
export function scenarioJsonSchema(): string {
  const schema = z.toJSONSchema(scenarioSchema('partial'), { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const out = {
    $schema: schema.$schema,
    title: 'agentscale scenario',
    description:
      'A fleet of AI coding agents to simulate. Units are written in the text (30ms, 4 KB, 100 Mbit/s, 12/h); ' +
      'fields left out take their defaults from the data files in scenarios/data/.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
