import { describe, expect, it } from 'vitest';
import { Simulation } from '../../sim/index.js';
import { ModelContext } from './context.js';
import { Hub, type HubTask } from './hub.js';
import { testConfig } from './test-config.js';

interface T extends HubTask {
  id: number;
}

function setup(idleAgents: number, hubOverrides: Parameters<typeof testConfig>[0] = {}) {
  const config = testConfig(hubOverrides);
  const sim = new Simulation({ seed: 1 });
  const ctx = new ModelContext(sim, config);
  const assigned: { id: number; at: number }[] = [];
  const dead: number[] = [];
  let idle = idleAgents;
  const hub: Hub<T> = new Hub<T>(
    ctx,
    {
      takeIdleAgent: (task) => {
        if (idle === 0) return false;
        idle--;
        hub.assign(task, () => assigned.push({ id: task.id, at: sim.now }));
        return true;
      },
      deadLettered: (task) => dead.push(task.id),
    },
    [0],
    0,
  );
  return { sim, ctx, hub, assigned, dead, freeAgent: () => idle++ };
}

const task = (id: number, now: number): T => ({ id, submitted: now, shard: 0, crossShard: false });

describe('Hub', () => {
  it('writes (synced) on submit, assigns oldest first, and charges CPU per frame', () => {
    const { sim, hub, assigned, ctx } = setup(2, {
      hub: { perMessageCpu: 0.001, scanCpuPerTask: 0, store: { mode: 'fsync', syncWrite: { kind: 'constant', value: 0.002 }, writesPerTask: 4 } },
    });
    for (let i = 0; i < 3; i++) hub.submit(task(i, 0));
    sim.run(sim.now + 100);
    expect(assigned.map((a) => a.id)).toEqual([0, 1]);
    // submit frame (1 ms CPU, 4 cores in parallel) → submit write → ... the first assign needs
    // 2 more writes (routing, assign) then the task_assign frame
    expect(assigned[0]!.at).toBeGreaterThanOrEqual(0.001 + 0.002 + 2 * 0.002 + 0.001 - 1e-12);
    expect(hub.queueLength()).toBe(1);
    const writes = hub.shards[0]!.store.counts().writes;
    expect(writes).toBe(3 + 2 * 2);
    expect(ctx.counters.get('hub.frames')).toBe(3 + 2);
  });

  it('scans every queued task on each trigger, so scans cost more as the queue grows', () => {
    const { sim, hub, ctx } = setup(0, { hub: { perMessageCpu: 0, scanCpuPerTask: 0.001, store: { mode: 'none' } } });
    for (let i = 0; i < 50; i++) hub.submit(task(i, 0));
    sim.run(sim.now + 100);
    // all 50 arrive at once: the first scan sees 1 task; the 49 triggers queued behind it
    // (the scheduler is one process) each fold over all 50
    expect(ctx.counters.get('hub.scans')).toBe(50);
    expect(ctx.counters.get('hub.scanCpu')).toBeCloseTo(0.001 * (1 + 49 * 50), 9);
    expect(hub.shards[0]!.cpu.utilization()).toBeGreaterThan(0);
  });

  it('counts one synced write and one frame per progress message, and ≥ 4 writes per task', () => {
    const { sim, hub, ctx } = setup(1, { hub: { perMessageCpu: 0, scanCpuPerTask: 0 } });
    const t = task(0, 0);
    hub.submit(t);
    sim.run(sim.now + 100);
    hub.accepted(t);
    hub.progress(t);
    hub.progress(t);
    let idle = false;
    hub.complete(t, () => (idle = true));
    sim.run(sim.now + 100);
    expect(idle).toBe(true);
    expect(hub.shards[0]!.store.counts().writes).toBe(4 + 2);
    expect(ctx.counters.get('hub.progress')).toBe(2);
  });

  it('charges crossShardCpu on every frame of a task whose agent lives on another shard', () => {
    const { sim, hub } = setup(0, { hub: { perMessageCpu: 0.001, crossShardCpu: 0.004, store: { mode: 'none' } } });
    const done: number[] = [];
    hub.frames(0, 1, false, () => done.push(sim.now));
    sim.run(1);
    hub.frames(0, 1, true, () => done.push(sim.now - 1));
    sim.run(2);
    expect(done[0]).toBeCloseTo(0.001, 12);
    expect(done[1]).toBeCloseTo(0.005, 12);
  });

  it('dead-letters tasks queued longer than the timeout', () => {
    const { sim, hub, dead } = setup(0, { hub: { queueTimeout: 600, perMessageCpu: 0, scanCpuPerTask: 0, store: { mode: 'none' } } });
    hub.submit(task(7, 0));
    sim.run(700);
    expect(dead).toEqual([7]);
    expect(hub.queueLength()).toBe(0);
  });
});
