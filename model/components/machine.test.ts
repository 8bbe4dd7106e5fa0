import { describe, expect, it } from 'vitest';
import { createRng, Simulation } from '../../sim/index.js';
import { ModelContext } from './context.js';
import { buildMachines } from './machine.js';
import { testConfig } from './test-config.js';

const GiB = 1024 ** 3;

describe('machines', () => {
  it('builds every machine of every group, names them group#i, and gives GPU groups an Ollama', () => {
    const ctx = new ModelContext(new Simulation(), testConfig());
    const machines = buildMachines(ctx, createRng(1, 'mesh'));
    expect(machines.map((m) => m.name)).toEqual(['gpu-box#0', 'gpu-box#1', 'laptop#0', 'laptop#1', 'laptop#2']);
    expect(machines.map((m) => m.ollama !== undefined)).toEqual([true, true, false, false, false]);
    expect(machines[2]!.cpu.servers).toBe(8);
  });

  it('slows an over-committed machine by the stated factor and warns', () => {
    const config = testConfig({
      fleet: [{ name: 'small', count: 1, cpus: 2, ram: 4 * GiB, agents: 3, agentMemory: 2 * GiB }],
      overcommitSlowdown: 2.5,
    });
    const sim = new Simulation();
    const ctx = new ModelContext(sim, config);
    const [machine] = buildMachines(ctx, createRng(1, 'mesh'));
    expect(machine!.overcommitted).toBe(true);
    let at = NaN;
    machine!.cpu.serve(4, () => (at = sim.now));
    sim.run();
    expect(at).toBeCloseTo(10, 12);
    expect([...ctx.warnings][0]).toMatch(/small: 3 agents × 2 GiB = 6 GiB on 4 GiB RAM: over-committed, work slowed ×2.5/);
  });

  it('relays about the stated fraction of machines, with the relayed round trip', () => {
    const config = testConfig({
      fleet: [{ name: 'n', count: 2000, cpus: 1, ram: GiB, agents: 0, agentMemory: 0 }],
      network: { mesh: { relayedFraction: 0.25 } },
    });
    const ctx = new ModelContext(new Simulation(), config);
    const machines = buildMachines(ctx, createRng(3, 'mesh'));
    const relayed = machines.filter((m) => m.relayed);
    expect(Math.abs(relayed.length - 500)).toBeLessThan(5 * Math.sqrt(2000 * 0.25 * 0.75));
    expect(relayed[0]!.oneWay(config)).toBe(config.network.mesh.relayed.rtt / 2);
    expect(machines.find((m) => !m.relayed)!.oneWay(config)).toBe(config.network.mesh.direct.rtt / 2);
  });
});

describe('fargate', () => {
  it('runs each agent of a GPU-less group in its own task of the stated size; GPU groups stay machines', () => {
    const config = testConfig({ deployment: { kind: 'fargate', fargate: { vcpu: 1, memory: 2 * GiB, arch: 'x86' } } });
    const ctx = new ModelContext(new Simulation(), config);
    const machines = buildMachines(ctx, createRng(1, 'mesh'));
    const tasks = machines.filter((m) => m.group.name === 'laptop');
    expect(tasks).toHaveLength(3 * 2);
    expect(tasks.every((m) => m.group.agents === 1 && m.cpu.servers === 1 && m.group.ram === 2 * GiB)).toBe(true);
    expect(machines.filter((m) => m.group.name === 'gpu-box').map((m) => m.group.agents)).toEqual([4, 4]);
  });
});
