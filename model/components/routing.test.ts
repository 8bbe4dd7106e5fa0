import { describe, expect, it } from 'vitest';
import { EndpointRouter, type RoutableEndpoint } from './routing.js';

function endpoints(loads: number[]): (RoutableEndpoint & { name: string })[] {
  return loads.map((l, i) => ({ name: `e${i}`, machine: i, load: () => l }));
}

describe('EndpointRouter', () => {
  const list = endpoints([5, 1, 3]);

  it('first-healthy always starts with the first endpoint, whatever its load', () => {
    const router = new EndpointRouter('first-healthy', list);
    expect(router.order(list, 2).map((e) => e.name)).toEqual(['e0', 'e1', 'e2']);
    expect(router.order(list, 2)[0]!.name).toBe('e0');
  });

  it('least-loaded orders by load', () => {
    const router = new EndpointRouter('least-loaded', list);
    expect(router.order(list, 0).map((e) => e.name)).toEqual(['e1', 'e2', 'e0']);
  });

  it('round-robin rotates', () => {
    const router = new EndpointRouter('round-robin', list);
    expect([0, 1, 2, 3].map(() => router.order(list, 0)[0]!.name)).toEqual(['e0', 'e1', 'e2', 'e0']);
  });

  it('local-first prefers the caller machine, then the least loaded', () => {
    const router = new EndpointRouter('local-first', list);
    expect(router.order(list, 0).map((e) => e.name)).toEqual(['e0', 'e1', 'e2']);
    expect(router.order(list, 7).map((e) => e.name)).toEqual(['e1', 'e2', 'e0']);
  });
});

describe('EndpointRouter.pick', () => {
  it('tries the next endpoints in policy order after a refusal and counts the refusals', () => {
    const list = endpoints([5, 1, 3]);
    const router = new EndpointRouter('least-loaded', list);
    const tried: string[] = [];
    const result = router.pick(list, 0, (e) => {
      tried.push(e.name);
      return e.name === 'e0';
    });
    expect(tried).toEqual(['e1', 'e2', 'e0']);
    expect(result.chosen?.name).toBe('e0');
    expect(result.refusals).toBe(2);
    expect(router.pick(list, 0, () => false)).toEqual({ chosen: undefined, refusals: 3 });
  });

  it('round-robin advances once per call', () => {
    const list = endpoints([0, 0, 0]);
    const router = new EndpointRouter('round-robin', list);
    const firsts = [0, 1, 2].map(() => router.pick(list, 0, () => true).chosen!.name);
    expect(firsts).toEqual(['e0', 'e1', 'e2']);
  });
});
