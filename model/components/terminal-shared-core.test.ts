import { describe, expect, it } from 'vitest';
import { Simulation } from '../../sim/index.js';
import type { DeploymentKind, TerminalServerConfig } from '../config.js';
import { ModelContext } from './context.js';
import { Deployment, streamLoads } from './deployment.js';
import { Link } from './network.js';
import { SharingServer } from './sharing.js';
import { fanoutCpu, serverCpuAtRest, tmuxCpu } from './terminal.js';
import { testConfig } from './test-config.js';

// The terminal's costs that share the machine's core with the fan-out: the server at rest per
// watched session, and tmux with the agent's process (per session and per byte of output).
const base: TerminalServerConfig = { watchersPerAgent: 3, cpuPerFrame: 1e-4, cpuPerByte: 1e-8, frameBytes: 1000 };
const shared: TerminalServerConfig = { ...base, cpuAtRestPerSession: 0.03, tmuxCpuAtRestPerSession: 0.01, tmuxCpuPerByte: 2e-6 };
const RATE = 4000;
/** What `shared` adds per streaming session at RATE bytes per second. */
const ADDED = 0.03 + 0.01 + 2e-6 * RATE;

describe('terminal costs on a shared core', () => {
  const config = (kind: DeploymentKind) => ({ ...testConfig().deployment, kind, remoteDashboards: false });

  it('without the fields nothing changes: the machine carries the fan-out alone', () => {
    expect(tmuxCpu(base, RATE)).toBe(0);
    expect(serverCpuAtRest(base, 3)).toBe(0);
    for (const kind of ['local', 'alb-wss', 'fargate'] as const) {
      const l = streamLoads(config(kind), base, RATE);
      expect(l.machineCpu).toBe(fanoutCpu(base, RATE, 3));
      expect(l.tmuxCpu).toBe(0);
    }
    const explicitZero = { ...base, cpuAtRestPerSession: 0, tmuxCpuAtRestPerSession: 0, tmuxCpuPerByte: 0 };
    expect(streamLoads(config('local'), explicitZero, RATE)).toEqual(streamLoads(config('local'), base, RATE));
    expect(streamLoads(config('ssh-tunnel'), explicitZero, RATE)).toEqual(streamLoads(config('ssh-tunnel'), base, RATE));
  });

  it('with them, the machine carries exactly the stated load more', () => {
    const with_ = streamLoads(config('local'), shared, RATE);
    const without = streamLoads(config('local'), base, RATE);
    expect(with_.machineCpu - without.machineCpu).toBeCloseTo(ADDED, 15);
    expect(with_.tmuxCpu).toBeCloseTo(0.01 + 2e-6 * RATE, 15);
    // Nothing else moves: bytes on every hop are the same.
    expect({ ...with_, machineCpu: 0, tmuxCpu: 0 }).toEqual({ ...without, machineCpu: 0, tmuxCpu: 0 });
  });

  it('an unwatched session costs tmux only; behind an SSH relay the server at rest runs on the relay', () => {
    const unwatched = streamLoads(config('local'), { ...shared, watchersPerAgent: 0 }, RATE);
    expect(unwatched.machineCpu).toBeCloseTo(0.01 + 2e-6 * RATE, 15);
    const ssh = streamLoads(config('ssh-tunnel'), shared, RATE);
    const sshBase = streamLoads(config('ssh-tunnel'), base, RATE);
    expect(ssh.machineCpu - sshBase.machineCpu).toBeCloseTo(0.01 + 2e-6 * RATE, 15);
    expect(ssh.relayCpu - sshBase.relayCpu).toBeCloseTo(0.03, 15);
  });

  /** Four sessions streaming on one core for 100 s: the core's utilisation and one probe's latency. */
  function run(terminal: TerminalServerConfig): { utilization: number; probe: number } {
    const scenario = testConfig({ terminal, deployment: { remoteDashboards: false } });
    const sim = new Simulation({ seed: 5 });
    const ctx = new ModelContext(sim, scenario);
    const uplink = new Link(sim, 'uplink', scenario.network.uplink);
    const cpu = new SharingServer(sim, { servers: 1, rate: 1 });
    const deployment = new Deployment(ctx, uplink, { ...scenario.deployment, kind: 'local' }, terminal, scenario.network, RATE, 4);
    for (let i = 0; i < 4; i++) deployment.stream(cpu, 1);
    sim.run(100);
    const probe = deployment.probe({ cpu, siteOneWay: 0.001 }, sim.rng('probe'));
    return { utilization: cpu.utilization(), probe };
  }

  it('the core is busier by exactly the stated load, and a frame waits longer for it', () => {
    const without = run(base);
    const with_ = run(shared);
    expect(without.utilization).toBeCloseTo(4 * fanoutCpu(base, RATE, 3), 12);
    expect(with_.utilization - without.utilization).toBeCloseTo(4 * ADDED, 12);
    // The same watcher position (same seed and stream): only the core's free capacity differs,
    // less the probed server's own fan-out, which its frame waits for rather than shares with.
    const own = fanoutCpu(base, RATE, 3);
    const free = (u: number) => 1 - (u - own);
    expect(with_.probe).toBeGreaterThan(without.probe);
    expect((with_.probe - 0.001) / (without.probe - 0.001)).toBeCloseTo(free(without.utilization) / free(with_.utilization), 9);
  });
});
