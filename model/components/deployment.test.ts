import { describe, expect, it } from 'vitest';
import { confidenceInterval, mg1, Simulation, type Rng } from '../../sim/index.js';
import type { DeploymentKind, TerminalServerConfig } from '../config.js';
import { ModelContext } from './context.js';
import { albCount, Deployment, eventLoopWait, fanoutsDuring, streamLoads } from './deployment.js';
import { Link } from './network.js';
import { SharingServer } from './sharing.js';
import { fanoutCpu, framesPerSecond, frameCpu, wireRate } from './terminal.js';
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

  /** 95 % intervals, over 30 replications of 20,000 draws, of the mean draw and of the fraction of draws above 0. */
  function drawIntervals(seed: number, draw: (rng: Rng) => number): { mean: { mean: number; halfWidth: number }; positive: { mean: number; halfWidth: number } } {
    const sim = new Simulation({ seed });
    const means: number[] = [];
    const positive: number[] = [];
    for (let r = 0; r < 30; r++) {
      const rng = sim.rng(`draws-${r}`);
      let sum = 0;
      let above = 0;
      for (let i = 0; i < 20_000; i++) {
        const w = draw(rng);
        sum += w;
        if (w > 0) above++;
      }
      means.push(sum / 20_000);
      positive.push(above / 20_000);
    }
    return { mean: confidenceInterval(means), positive: confidenceInterval(positive) };
  }
  const expectInside = (value: number, interval: { mean: number; halfWidth: number }) => {
    expect(value).toBeGreaterThanOrEqual(interval.mean - interval.halfWidth);
    expect(value).toBeLessThanOrEqual(interval.mean + interval.halfWidth);
  };

  it('event-loop wait: M/D/1, so P(wait) = ρ and the mean wait ρS / 2(1 − ρ) lie inside 95 % intervals of 30 replications', () => {
    const [rate, send] = [300, 0.002]; // ρ = 0.6
    const { mean, positive } = drawIntervals(11, (rng) => eventLoopWait(rate, send, rng));
    expectInside(mdOneWait(rate, send), mean);
    expectInside(rate * send, positive);
  });

  it('fan-outs begun during an echo: Poisson many, each sent whole, so P(none) = e^(−λe) and the mean λeS lie inside 95 % intervals of 30 replications', () => {
    const [rate, echo, send] = [120, 0.004, 0.0015]; // λe = 0.48
    const { mean, positive } = drawIntervals(12, (rng) => fanoutsDuring(echo, rate, send, rng));
    expectInside(rate * echo * send, mean);
    expectInside(1 - Math.exp(-rate * echo), positive);
    expect(fanoutsDuring(0, rate, send, new Simulation({ seed: 12 }).rng('none'))).toBe(0);
  });

  const heavy = { watchersPerAgent: 50, cpuPerFrame: 2e-5, cpuPerByte: 0, frameBytes: 500 };
  /** M/D/1 mean wait (Pollaczek–Khinchine) of fan-outs arriving at `rate` and taking `service` each. */
  const mdOneWait = (rate: number, service: number) => mg1({ arrivalRate: rate, meanService: service, serviceCv: 0 }).Wq;
  /** 95 % interval of the mean probe latency on an idle core, over 200 replications of 5,000 probes. */
  function meanProbe(t: TerminalServerConfig, client: 'watcher' | 'writer' = 'watcher'): { mean: number; halfWidth: number } {
    const scenario = testConfig({ terminal: t, deployment: { remoteDashboards: false } });
    const sim = new Simulation({ seed: 4 });
    const ctx = new ModelContext(sim, scenario);
    const cpu = new SharingServer(sim, { servers: 1, rate: 1 });
    const deployment = new Deployment(ctx, new Link(sim, 'uplink', scenario.network.uplink), { ...scenario.deployment, kind: 'local' }, t, scenario.network, 10_000, 1);
    const means = Array.from({ length: 200 }, (_, r) => {
      const rng = sim.rng(`probe-${r}`);
      let sum = 0;
      for (let i = 0; i < 5000; i++) sum += deployment.probe({ cpu, siteOneWay: 0 }, rng, client);
      return sum / 5000;
    });
    return confidenceInterval(means);
  }

  it('a server with more sessions makes a frame wait for theirs: the probe mean grows by the M/D/1 wait', () => {
    const one = meanProbe({ ...heavy, sessionsPerServer: 1 });
    const four = meanProbe({ ...heavy, sessionsPerServer: 4 });
    // An idle core: each send takes frameCpu; 20 frames/s per session of 50 sends each.
    const send = frameCpu(heavy);
    const wait = (sessions: number) => mdOneWait(sessions * framesPerSecond(heavy, 10_000), 50 * send);
    const expected = wait(4) - wait(1);
    const diff = four.mean - one.mean;
    const halfWidth = Math.hypot(one.halfWidth, four.halfWidth);
    expect(expected).toBeGreaterThan(4 * halfWidth); // the effect is measurable here
    expect(Math.abs(diff - expected)).toBeLessThanOrEqual(halfWidth);
  });

  it('a process reading every client after the server: the fan-out goes at the pace measured end to end, slower or faster than the CPU per frame, with no wait at arrival', () => {
    const send = frameCpu(heavy);
    const base = meanProbe(heavy);
    // A watcher at a random one of the 50 positions: 25.5 frames' time on average. What it waits
    // behind at the reader are the fan-outs begun during its echo (none here: no echo), so the
    // server's M/D/1 wait at arrival is gone.
    for (const pace of [3 * send, send / 3]) {
      const measured = meanProbe({ ...heavy, readerTimePerFrame: pace });
      const expected = -mdOneWait(framesPerSecond(heavy, 10_000), 50 * send) + 25.5 * (pace - send);
      const halfWidth = Math.hypot(base.halfWidth, measured.halfWidth);
      expect(Math.abs(expected)).toBeGreaterThan(4 * halfWidth);
      expect(Math.abs(measured.mean - base.mean - expected)).toBeLessThanOrEqual(halfWidth);
    }
  });
  it("a watcher's echo timed at light load stands for the writer's echo and the first watcher's send", () => {
    const pace = 2e-5;
    const t: TerminalServerConfig = { ...heavy, readerTimePerFrame: pace, echoLatency: { kind: 'constant', value: 0.001 }, watcherEchoLatency: { kind: 'constant', value: 0.003 } };
    const writer = meanProbe(t, 'writer');
    const watcher = meanProbe(t);
    // The writer: its echo and its own send. A watcher at a random one of the 50 places: its echo,
    // the sends after the first watcher's (24.5 on average), and the fan-outs begun during the
    // longer echo, each sent whole.
    const fanout = 50 * pace;
    const expected = 0.003 - 0.001 + 24.5 * pace - pace + framesPerSecond(heavy, 10_000) * (0.003 - 0.001) * fanout;
    const halfWidth = Math.hypot(writer.halfWidth, watcher.halfWidth);
    expect(expected).toBeGreaterThan(4 * halfWidth);
    expect(Math.abs(watcher.mean - writer.mean - expected)).toBeLessThanOrEqual(halfWidth);
  });
});
