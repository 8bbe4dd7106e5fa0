// Where the bundled data lives, whether running from the sources or from the built dist/.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The agentscale package folder (the one holding package.json and scenarios/). */
export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        if ((JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'agentscale') return (root = dir);
      } catch {
        // not ours; keep climbing
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the agentscale package folder');
    dir = parent;
  }
}

export function bundledDataDir(): string {
  return path.join(packageRoot(), 'scenarios', 'data');
}

/** The default pricing file named by scenarios, as written (resolved by resolveScenarioPath). */
export const DEFAULT_PRICING = 'scenarios/pricing/aws-us-east-1.yaml';

/**
 * A path written in a scenario: absolute as is; otherwise relative to the scenario file's folder
 * if something exists there, else relative to the agentscale package (so the bundled
 * `scenarios/...` paths work from anywhere).
 */
export function resolveScenarioPath(written: string, scenarioFile: string): string {
  if (path.isAbsolute(written)) return written;
  const besideScenario = path.resolve(path.dirname(scenarioFile), written);
  if (existsSync(besideScenario)) return besideScenario;
  const inPackage = path.resolve(packageRoot(), written);
  if (existsSync(inPackage)) return inPackage;
  return besideScenario;
}
