// Which Ollama endpoint a standard-tier call tries first, then next, as the routing policy says.
// 'first-healthy' is what AgentCom does today: the first endpoint in fleet order that answers its
// health check, whatever its load (every endpoint here is healthy; an Ollama busy with requests
// still answers /api/tags). The caller tries the endpoints in the returned order and falls back
// to Claude when every one refuses.

import type { ScenarioConfig } from '../config.js';

export type EndpointPolicy = ScenarioConfig['routing']['endpointPolicy'];

export interface RoutableEndpoint {
  /** Index of the machine the endpoint runs on. */
  readonly machine: number;
  load(): number;
}

export class EndpointRouter<E extends RoutableEndpoint> {
  private cursor = 0;

  constructor(
    private readonly policy: EndpointPolicy,
    private readonly endpoints: readonly E[],
  ) {}

  /**
   * Try endpoints in the policy's order until `admit` takes the request; the full order is built
   * only after the first choice refuses (the hot path stays cheap).
   */
  pick(candidates: readonly E[], fromMachine: number, admit: (endpoint: E) => boolean): { chosen: E | undefined; refusals: number } {
    const first = this.first(candidates, fromMachine);
    if (first === undefined) return { chosen: undefined, refusals: 0 };
    if (admit(first)) {
      if (this.policy === 'round-robin') this.cursor++;
      return { chosen: first, refusals: 0 };
    }
    let refusals = 1;
    for (const endpoint of this.order(candidates, fromMachine)) {
      if (endpoint === first) continue;
      if (admit(endpoint)) return { chosen: endpoint, refusals };
      refusals++;
    }
    return { chosen: undefined, refusals };
  }

  /** The endpoint to try first (round-robin: without advancing). */
  first(candidates: readonly E[], fromMachine: number): E | undefined {
    const n = candidates.length;
    if (n <= 1) return candidates[0];
    switch (this.policy) {
      case 'first-healthy':
        return candidates[0];
      case 'round-robin':
        return candidates[this.cursor % n];
      case 'least-loaded':
        return leastLoaded(candidates);
      case 'local-first':
        return candidates.find((e) => e.machine === fromMachine) ?? leastLoaded(candidates);
    }
  }

  /** Endpoints (among those serving the model) in the order to try them; advances round-robin. */
  order(candidates: readonly E[], fromMachine: number): E[] {
    if (candidates.length <= 1) return [...candidates];
    switch (this.policy) {
      case 'first-healthy':
        return [...candidates];
      case 'round-robin': {
        const start = this.cursor++ % candidates.length;
        return [...candidates.slice(start), ...candidates.slice(0, start)];
      }
      case 'least-loaded':
        return byLoad(candidates);
      case 'local-first': {
        const local = candidates.filter((e) => e.machine === fromMachine);
        const rest = byLoad(candidates.filter((e) => e.machine !== fromMachine));
        return [...local, ...rest];
      }
    }
  }

  get all(): readonly E[] {
    return this.endpoints;
  }
}

function leastLoaded<E extends RoutableEndpoint>(candidates: readonly E[]): E | undefined {
  let best: E | undefined;
  let bestLoad = Infinity;
  for (const e of candidates) {
    const load = e.load();
    if (load < bestLoad) {
      best = e;
      bestLoad = load;
    }
  }
  return best;
}

// Stable: ties keep fleet order.
function byLoad<E extends RoutableEndpoint>(candidates: readonly E[]): E[] {
  return candidates
    .map((e, i) => ({ e, i, load: e.load() }))
    .sort((a, b) => a.load - b.load || a.i - b.i)
    .map((x) => x.e);
}
