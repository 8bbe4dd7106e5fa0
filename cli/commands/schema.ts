// `agentscale schema`: the scenario file's JSON Schema, for editors (scenarios/schema.json).

import { scenarioJsonSchema } from '../../model/index.js';
import type { AnyCommand } from './index.js';

export const schemaCommand: AnyCommand = {
  command: 'schema',
  describe: 'print the JSON Schema of scenario files (the source of scenarios/schema.json)',
  builder: (y) => y.example('$0 schema > scenarios/schema.json', 'refresh the bundled schema'),
  handler: () => {
    process.stdout.write(scenarioJsonSchema());
  },
};
