import { describe, expect, it } from 'vitest';
import { Simulation } from '../../sim/index.js';
import type { DeploymentKind } from '../config.js';
import { ModelContext } from './context.js';
import { albCount, Deployment, streamLoads } from './deployment.js';
import { Link } from './network.js';
import { SharingServer } from './sharing.js';
import { fanoutCpu, wireRate } from './terminal.js';
import { testConfig } from './test-config.js';

const terminal = { watchersPerAgent: 3, cpuPerFrame: 1e-4, cpuPerByte: 1e-8, frameBytes: 1000 };

describe('deployments', () => {
  const config = (kind: DeploymentKind, remoteDashboards = true) => ({ ...testConfig().deployment, kind, remoteDashboards });

  it('local: the agent fans out to every watcher; remote dashboards load the uplink per watcher', () => {
    const l = streamLoads(config('local'), terminal, 4000);
    expect(l.machineCpu).toBeCloseTo(fanoutCpu(terminal, 4000, 3), 15);
    expect(l.uplink).toBeCloseTo(3 * wireRate(terminal, 4000, false), 9);
    expect(streamLoads(config('local', false), terminal, 4000).uplink).toBe(0);
  });

  it('ssh-tunnel: one stream per agent crosses the uplink, the relay host fans out', () => {
    const l = streamLoads(config('ssh-tunnel'), terminal, 4000);
    expect(l.uplink).toBe(4000);
    expect(l.relayBytes).toBe(4000);
    expect(l.relayCpu).toBeGreaterThan(fanoutCpu(terminal, 4000, 3));
    expect(l.machineCpu).toBeLessThan(fanoutCpu(terminal, 4000, 3));
  });

  it('alb-wss and fargate: every watcher stream passes the ALB', () => {
    for (const kind of ['alb-wss', 'fargate'] as const) {
      const l = streamLoads(config(kind), terminal, 4000);
      expect(l.albBytes).toBeCloseTo(3 * wireRate(terminal, 4000, true), 9);
    }
  });

  it('needs one ALB per 100 agents', () => {
    expect(albCount(config('alb-wss'), 100)).toBe(1);
    expect(albCount(config('alb-wss'), 101)).toBe(2);
    expect(albCount(config('local'), 500)).toBe(0);
  });

  it('probe latency: the ALB hop adds its latency, a busier machine delays the fan-out', () => {
    const scenario = testConfig({ terminal, deployment: { remoteDashboards: false } });
    const sim = new Simulation({ seed: 2 });
    const ctx = new ModelContext(sim, scenario);
    const uplink = new Link(sim, 'uplink', scenario.network.uplink);
    const cpu = new SharingServer(sim, { servers: 1, rate: 1 });
    const make = (kind: DeploymentKind) =>
      new Deployment(ctx, uplink, { ...scenario.deployment, kind }, terminal, scenario.network, 4000, 10);
    const source = { cpu, siteOneWay: 0.005 };
    const rngA = sim.rng('a');
    const rngB = sim.rng('a2');
    const local = make('local').probe(source, rngA);
    const alb = make('alb-wss').probe(source, rngB);
    // same watcher position (both streams draw the same first integer? not guaranteed): compare bounds
    expect(alb).toBeGreaterThanOrEqual(0.005 + scenario.deployment.albHopLatency);
    expect(local).toBeLessThanOrEqual(0.005 + 3 * (1e-4 + 1000 * 1e-8) + 1e-12);
    cpu.serve(100, () => {}); // a tool run now shares the core
    const busy = make('local').probe(source, sim.rng('a'));
    expect(busy).toBeGreaterThan(0.005 + (1e-4 + 1000 * 1e-8) * 2 - 1e-12);
  });
});
