// `agentscale calibrate` and `agentscale validate`: the comparison maths, the level → model
// mapping, and a small live run (calibration, then a terminal and a hub validation of two short
// levels each) that starts and stops the whole stack on the built CLI.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario, simulateReplication } from '../model/index.js';
import {
  compare,
  FIGURES,
  insideInterval,
  levelConfig,
  predictedFrom,
  PROFILE_KIND,
  readProfile,
  relativeError,
  saturationAgrees,
  saturationLevel,
  type CalibrationProfile,
  type ValidationReport,
} from '../validation/index.js';
import { quantiles, solve2 } from '../validation/stats.js';
import { STEAL_LIMIT } from '../validation/steal.js';
import { metricsFor } from '../validation/metrics.js';
import { roundSchedule, type RoundStep } from '../validation/terminal-levels.js';
import { REPO_ROOT, runCli } from './cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'agentscale-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const agentscale = (...args: string[]) => runCli(args);

describe('comparison maths', () => {
  it('relative error is (predicted − measured) / measured, and undefined against a zero measurement', () => {
    expect(relativeError(110, 100)).toBeCloseTo(0.1, 12);
    expect(relativeError(90, 100)).toBeCloseTo(-0.1, 12);
    expect(relativeError(0, 0)).toBe(0);
    expect(relativeError(1, 0)).toBeNull();
    expect(relativeError(Number.NaN, 1)).toBeNull();
  });

  it('the interval is the 2.5–97.5 % range of single replications, and inside means within it', () => {
    const p = predictedFrom(Array.from({ length: 41 }, (_, i) => i)); // 0..40
    expect(p.mean).toBe(20);
    expect(p.lo).toBeCloseTo(1, 12);
    expect(p.hi).toBeCloseTo(39, 12);
    expect(insideInterval(p, 20)).toBe(true);
    expect(insideInterval(p, 39)).toBe(true);
    expect(insideInterval(p, 0.5)).toBe(false);
    expect(insideInterval(p, 40)).toBe(false);
    // A point prediction accepts only rounding.
    expect(insideInterval({ mean: 4, lo: 4, hi: 4 }, 4.01)).toBe(true);
    expect(insideInterval({ mean: 4, lo: 4, hi: 4 }, 4.1)).toBe(false);
  });

  it('a comparison meets its target when |error| is within it', () => {
    const c = compare('latency.task.p95', 's', { mean: 1.1, lo: 1, hi: 1.2 }, 1, 0.15);
    expect(c.error).toBeCloseTo(0.1, 12);
    expect(c.inside).toBe(true);
    expect(c.meets).toBe(true);
    const miss = compare('throughput.tasks', '1/s', { mean: 10, lo: 9.9, hi: 10.1 }, 9, 0.05);
    expect(miss.meets).toBe(false);
    expect(miss.inside).toBe(false);
    expect(compare('x', 's', null, 1).error).toBeNull();
  });

  it('saturation is the first level whose p95 passes twice the light level, and agreement allows one level', () => {
    expect(saturationLevel([1, 1.5, 1.9, 2.5, 10])).toBe(3);
    expect(saturationLevel([1, 1.1, 1.2])).toBeNull();
    expect(saturationLevel([0, 5])).toBeNull();
    expect(saturationLevel([1, null, 3])).toBe(2);
    expect(saturationAgrees(3, 4, 5)).toBe(true);
    expect(saturationAgrees(2, 4, 5)).toBe(false);
    expect(saturationAgrees(null, null, 5)).toBe(true);
    expect(saturationAgrees(4, null, 5)).toBe(true); // none within the levels counts as one past the last
    expect(saturationAgrees(3, null, 5)).toBe(false);
  });

  it('the two-coefficient solve recovers exact costs and never goes negative', () => {
    const [a, b] = solve2([[10, 1000], [20, 8000]], [10 * 3e-5 + 1000 * 2e-8, 20 * 3e-5 + 8000 * 2e-8]);
    expect(a).toBeCloseTo(3e-5, 12);
    expect(b).toBeCloseTo(2e-8, 14);
    const [c, d] = solve2([[10, 1000], [20, 1000]], [1, 0.5]); // exact solve would make one negative
    expect(c).toBeGreaterThanOrEqual(0);
    expect(d).toBeGreaterThanOrEqual(0);
    expect(quantiles([3, 1, 2], [0, 0.5, 1])).toEqual([1, 2, 3]);
  });
});

function syntheticProfile(): CalibrationProfile {
  const n = (value: number, unit: string) => ({ value, unit, sets: [], method: 'test', n: 1 });
  return {
    kind: PROFILE_KIND,
    version: 1,
    date: '2026-11-21T00:00:00Z',
    machine: { hostname: 'test', platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'test', memoryBytes: 1, node: 'v20' },
    loadAverage: [0, 0, 0],
    pinning: 'none',
    figures: {
      [FIGURES.syncWrite]: { ...n(0, 's'), value: { kind: 'constant', value: 0.002 } },
      [FIGURES.perMessageCpu]: n(1e-4, 's'),
      [FIGURES.cpuPerFrame]: n(4e-5, 's'),
      [FIGURES.cpuPerByte]: n(2e-8, 's'),
      [FIGURES.wireCurve]: { ...n(0, 'B/s'), value: { kind: 'curve', points: [[1000, 1000, 20], [100000, 100000, 20]] } },
      [FIGURES.echoLatency]: { ...n(0, 's'), value: { kind: 'constant', value: 0.002 } },
    },
  };
}

describe('terminal levels in rounds', () => {
  it('every level, the echo and the pace once a round, the echo beside level 1, the rounds alternating direction', () => {
    const steps = roundSchedule(3, [10_000], 2);
    const label = (s: RoundStep) => (s.kind === 'level' ? `L${s.level + 1}` : s.kind);
    expect(steps.map(label)).toEqual(['pace', 'echo', 'L1', 'L2', 'L3', 'L3', 'L2', 'L1', 'echo', 'pace']);
    expect(steps.map((s) => s.round)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it('over an even number of rounds every step sits at the same mean position, so a linear drift shifts them alike', () => {
    const steps = roundSchedule(5, [3_000, 30_000], 4);
    const positions = new Map<string, number[]>();
    steps.forEach((s, i) => {
      const key = s.kind === 'level' ? `level ${s.level}` : `${s.kind}@${s.outputRate}`;
      positions.set(key, [...(positions.get(key) ?? []), i]);
    });
    // The pace once a round, at the lowest rate.
    expect([...positions.keys()]).toContain('pace@3000');
    expect(positions.size).toBe(8);
    const means = [...positions.values()].map((xs) => {
      expect(xs).toHaveLength(4);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    });
    for (const m of means) expect(m).toBeCloseTo((steps.length - 1) / 2, 10);
  });
});

describe('a validation level as a model scenario', () => {
  it('terminal: one core, an agent per session streaming for the whole run, the writer counted as a watcher', async () => {
    const loaded = await loadScenario(path.join(REPO_ROOT, 'scenarios', 'validate-terminal.yaml'));
    const v = loaded.base.validation!;
    const light = levelConfig(loaded.base, v, v.levels[0]!, syntheticProfile(), 1);
    const heavy = levelConfig(loaded.base, v, v.levels[v.levels.length - 1]!, syntheticProfile(), 1);
    expect(light.config.fleet).toHaveLength(1);
    expect(light.config.fleet[0]!.agents).toBe(v.sessions);
    expect(light.config.fleet[0]!.cpus).toBe(1);
    expect(light.config.terminal.watchersPerAgent).toBe((v.levels[0]!.watchers ?? v.watchers) + 1);
    expect(light.config.terminal.echoLatency).toEqual({ kind: 'constant', value: 0.002 });
    expect(light.config.workload.task.terminalOutput).toBeCloseTo(v.outputRate, 6);
    expect(Object.keys(light.calibrated)).toContain('terminal.cpuPerFrame');
    const a = simulateReplication({ ...light.config, horizon: 60 }, 0);
    const b = simulateReplication({ ...heavy.config, horizon: 60 }, 0);
    expect(a.metrics['agents.busy']).toBeCloseTo(1, 6);
    // Delivery is never faster than the echo path, and more watchers cost more fan-out CPU.
    expect(a.metrics['latency.fanout.p50']).toBeGreaterThanOrEqual(0.002);
    const cpu = (r: typeof a) => r.resources.find((x) => x.name.startsWith('machine['))!.utilization;
    expect(cpu(b)).toBeGreaterThan(cpu(a) * 10);
  });

  it('terminal: one server for every session, the typed inputs in the stream, the echo taken at the level\'s output rate', async () => {
    const loaded = await loadScenario(path.join(REPO_ROOT, 'scenarios', 'validate-terminal.yaml'));
    const v = loaded.base.validation!;
    const profile = syntheticProfile();
    const n = (value: unknown, unit: string) => ({ value: value as number, unit, sets: [], method: 'test', n: 1 });
    profile.figures[FIGURES.inputWire] = n({ kind: 'curve', points: [[1000, 40], [100000, 60]] }, 'B');
    profile.figures[FIGURES.inputFrames] = n({ kind: 'curve', points: [[1000, 1], [100000, 0.8]] }, 'frames');
    const agentOnly = levelConfig(loaded.base, v, v.levels[0]!, syntheticProfile(), 1).config.terminal.frameBytes;
    const percentiles = (at: number) => Array.from({ length: 99 }, (_, k) => at * (1 + k / 98));
    profile.figures[FIGURES.echoLatency] = n({ kind: 'curve', points: [[1000, ...percentiles(0.001)], [100000, ...percentiles(0.003)]] }, 's');
    profile.figures[FIGURES.watcherEchoLatency] = n({ kind: 'curve', points: [[1000, ...percentiles(0.002)], [100000, ...percentiles(0.004)]] }, 's');
    profile.figures[FIGURES.readerTimePerFrame] = n(2e-5, 's');
    const level = levelConfig(loaded.base, v, v.levels[0]!, profile, 1);
    const t = (v.outputRate - 1000) / 99000;
    expect(level.config.terminal.sessionsPerServer).toBe(v.sessions);
    expect(level.config.terminal.readerTimePerFrame).toBe(2e-5);
    expect(level.config.workload.task.terminalOutput).toBeCloseTo(v.outputRate + v.rate * (40 + t * 20), 6);
    const echo = level.config.terminal.echoLatency as { kind: string; samples: number[] };
    expect(echo.kind).toBe('empirical');
    expect(echo.samples).toHaveLength(99);
    expect(echo.samples[0]).toBeCloseTo(0.001 + t * 0.002, 12);
    expect(echo.samples[98]).toBeCloseTo(2 * (0.001 + t * 0.002), 12);
    // The watchers' echo likewise, from its own figure.
    const watcherEcho = level.config.terminal.watcherEchoLatency as { kind: string; samples: number[] };
    expect(watcherEcho.samples[0]).toBeCloseTo(0.002 + t * 0.002, 12);
    expect(level.calibrated['terminal.watcherEchoLatency']).toBe(FIGURES.watcherEchoLatency);
    expect(level.calibrated['workload.task.terminalOutput']).toBe(`${FIGURES.wireCurve} + ${FIGURES.inputWire}`);
    // Each typed input a frame of its own (as measured): the stream over the agent's frames plus the inputs'.
    const output = level.config.workload.task.terminalOutput;
    const agentFrames = (output - v.rate * (40 + t * 20)) / agentOnly;
    expect(level.config.terminal.frameBytes).toBeCloseTo(output / (agentFrames + v.rate * (1 - t * 0.2)), 6);
    expect(level.calibrated['terminal.frameBytes']).toBe(`${FIGURES.wireCurve} + ${FIGURES.inputFrames}`);
  });

  it('terminal: the shared-core figures, when the profile has them, load the core by exactly their formula', async () => {
    const loaded = await loadScenario(path.join(REPO_ROOT, 'scenarios', 'validate-terminal.yaml'));
    const v = loaded.base.validation!;
    const plain = levelConfig(loaded.base, v, v.levels[0]!, syntheticProfile(), 1);
    expect(plain.config.terminal.cpuAtRestPerSession).toBeUndefined();
    expect(plain.config.terminal.tmuxCpuPerByte).toBeUndefined();
    const profile = syntheticProfile();
    const n = (value: number, unit: string) => ({ value, unit, sets: [], method: 'test', n: 1 });
    profile.figures[FIGURES.cpuAtRestPerSession] = n(0.02, 's/s');
    profile.figures[FIGURES.tmuxCpuAtRestPerSession] = n(0.01, 's/s');
    profile.figures[FIGURES.tmuxCpuPerByte] = n(3e-6, 's/B');
    const shared = levelConfig(loaded.base, v, v.levels[0]!, profile, 1);
    expect(shared.config.terminal).toMatchObject({ cpuAtRestPerSession: 0.02, tmuxCpuAtRestPerSession: 0.01, tmuxCpuPerByte: 3e-6 });
    expect(shared.calibrated['terminal.tmuxCpuPerByte']).toBe(FIGURES.tmuxCpuPerByte);
    const a = simulateReplication({ ...plain.config, horizon: 60 }, 0);
    const b = simulateReplication({ ...shared.config, horizon: 60 }, 0);
    const cpu = (r: typeof a) => r.resources.find((x) => x.name.startsWith('machine['))!.utilization;
    const wire = shared.config.workload.task.terminalOutput;
    const tmux = v.sessions * (0.01 + 3e-6 * wire);
    expect(cpu(b) - cpu(a)).toBeCloseTo(v.sessions * 0.02 + tmux, 9);
    expect(b.metrics['latency.fanout.p95']!).toBeGreaterThan(a.metrics['latency.fanout.p95']!);
    // The server's predicted CPU is the core's less what tmux and the fake agents take on it.
    const util = metricsFor('terminal').find((d) => d.key === 'util.server')!;
    const values = { sessions: v.sessions, watchers: v.levels[0]!.watchers ?? v.watchers, rate: v.rate, outputRate: v.outputRate, sidecars: v.sidecars };
    const point = { metrics: {} } as unknown as Parameters<typeof util.predicted>[3];
    expect(util.predicted(b, values, shared.config, point)! - util.predicted(a, values, plain.config, point)!).toBeCloseTo(v.sessions * 0.02, 9);
  });

  it('hub: Poisson tasks over sidecars, the calibrated sync time, five synced writes per task', async () => {
    const loaded = await loadScenario(path.join(REPO_ROOT, 'scenarios', 'validate-hub.yaml'));
    const v = loaded.base.validation!;
    const m = levelConfig(loaded.base, v, v.levels[1]!, syntheticProfile(), 1);
    // Arrivals for the measured duration, then none while the tasks drain (the load generator waits for them).
    expect(m.config.workload.arrival).toEqual({ type: 'profile', points: [{ at: 0, rate: 15 }, { at: v.duration, rate: 0 }] });
    expect(m.config.fleet[0]!.agents).toBe(8);
    expect(m.config.hub.store).toMatchObject({ mode: 'fsync', writesPerTask: 5, syncWrite: { kind: 'constant', value: 0.002 } });
    expect(m.config.horizon).toBeGreaterThan(v.duration);
    const r = simulateReplication(m.config, 0);
    const perSecond = r.metrics['tasks.completed']! / v.duration;
    expect(perSecond).toBeGreaterThan(10);
    expect(perSecond).toBeLessThan(20);
    expect(r.metrics['latency.task.p50']).toBeGreaterThan(0);
  });

  it("hub: given the load generator's trace, the model replays its tasks, each with its own service time", async () => {
    const loaded = await loadScenario(path.join(REPO_ROOT, 'scenarios', 'validate-hub.yaml'));
    const v = loaded.base.validation!;
    // Far apart, so no task waits: each one's latency is its service time plus the hub's few milliseconds.
    const trace = [0.5, 0.9, 1.3, 2.2].map((toolTime, i) => ({ at: 3 * i, toolTime }));
    const m = levelConfig(loaded.base, v, v.levels[0]!, syntheticProfile(), 1, { trace });
    expect(m.config.workload.arrival).toEqual({ type: 'trace', tasks: trace });
    const r = simulateReplication(m.config, 0);
    expect(r.metrics['tasks.submitted']).toBe(4);
    expect(r.metrics['tasks.completed']).toBe(4);
    // Nearest rank: p50 of four is the 2nd, p95 the 4th.
    expect(r.metrics['latency.task.p50']! - 0.9).toBeGreaterThan(0);
    expect(r.metrics['latency.task.p50']! - 0.9).toBeLessThan(0.05);
    expect(r.metrics['latency.task.p95']! - 2.2).toBeGreaterThan(0);
    expect(r.metrics['latency.task.p95']! - 2.2).toBeLessThan(0.05);
  });
});

describe('agentscale calibrate and validate, live', () => {
  const profile = path.join(dir, 'calibration.yaml');
  const started = Date.now();

  // Calibration starts a dozen servers one after another, each warmed: about 45 s alone, more
  // when the rest of the suite shares the two cores, so more than the suite's 60 s default.
  it('calibrate writes a profile with every figure, how it was measured, the date and the machine', { timeout: 150_000 }, async () => {
    const r = await agentscale('calibrate', '--out', profile, '--window', '0.5', '--syncs', '50', '--starts', '1', '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const p = await readProfile(profile);
    for (const name of Object.values(FIGURES)) {
      expect(p.figures[name], name).toBeDefined();
      expect(p.figures[name]!.method.length).toBeGreaterThan(10);
    }
    expect(p.figures[FIGURES.syncWrite]!.n).toBe(50);
    expect(p.machine.cpus).toBe(os.cpus().length);
    expect(Number.isNaN(Date.parse(p.date))).toBe(false);
  });

  for (const [file, kind] of [
    ['validate-tiny.yaml', 'terminal'],
    ['validate-tiny-hub.yaml', 'hub'],
    ['validate-tiny-llm.yaml', 'llm'],
  ] as const) {
    it(`validate ${file}: every level and every metric, measured and predicted, in JSON and HTML`, async () => {
      const out = path.join(dir, kind);
      const r = await agentscale('validate', path.join('scenarios', file), '--calibration', profile, '--out', out, '--quiet');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const report = JSON.parse(readFileSync(path.join(out, 'validation.json'), 'utf8')) as ValidationReport;
      expect(report.scenario.kind).toBe(kind);
      expect(report.levels).toHaveLength(2);
      const metrics = kind === 'terminal'
        ? ['throughput.delivered', 'latency.rtt.p50', 'latency.rtt.p95', 'latency.rtt.p99', 'latency.fanout.p50', 'latency.fanout.p95', 'latency.fanout.p99', 'util.server', 'errors.429', 'errors.503']
        : ['throughput.tasks', 'latency.task.p50', 'latency.task.p95', 'latency.task.p99', 'util.hub', 'util.store', 'errors.429', 'errors.503', ...(kind === 'llm' ? ['latency.llm.claude'] : [])];
      const html = readFileSync(path.join(out, 'validation.html'), 'utf8');
      for (const level of report.levels) {
        expect(existsSync(path.join(out, level.measuredFile))).toBe(true);
        expect(html).toContain(`Level ${level.index + 1}:`);
        for (const name of metrics) {
          const c = level.comparisons.find((x) => x.metric === name);
          expect(c, `${name} at level ${level.index + 1}`).toBeDefined();
          expect(c!.measured, `${name} measured`).not.toBeNull();
          expect(Number.isFinite(c!.predicted?.mean), `${name} predicted`).toBe(true);
          expect(typeof c!.inside).toBe('boolean');
        }
        // Something was actually measured and simulated.
        const main = level.comparisons.find((x) => x.metric === metrics[0])!;
        expect(main.measured!).toBeGreaterThan(0);
        expect(main.predicted!.mean).toBeGreaterThan(0);
      }
      // Task levels are predicted from the load generator's own tasks, with the model's own forecast beside.
      if (kind !== 'terminal') {
        for (const level of report.levels) {
          const c = level.comparisons.find((x) => x.metric === 'latency.task.p50')!;
          expect(Number.isFinite(c.forecast?.mean)).toBe(true);
        }
        expect(report.structural.join(' ')).toContain("the load generator's own tasks");
        // llm: the model replays each task's reply length as the emulator gave it.
        if (kind === 'llm') {
          const ran = JSON.parse(readFileSync(path.join(out, 'levels', 'level-1.tasks.json'), 'utf8')) as { at: number; outputTokens?: number }[];
          expect(ran.length).toBeGreaterThan(0);
          expect(ran.filter((t) => typeof t.outputTokens === 'number' && t.outputTokens > 0).length).toBeCloseTo(report.levels[0]!.comparisons.find((c) => c.metric === 'throughput.tasks')!.measured! * report.scenario.duration, 6);
        }
        // hub: two rounds, each level's runs pooled, and the model's rates over one run's time.
        if (kind === 'hub') {
          for (const level of report.levels) {
            for (const r of [1, 2]) expect(existsSync(path.join(out, 'levels', `level-${level.index + 1}.run-${r}.json`))).toBe(true);
            const measured = level.comparisons.find((x) => x.metric === 'throughput.tasks')!;
            expect(measured.measuredRuns).toHaveLength(2);
          }
        }
        // The store's synced write timed again at light load beside the levels.
        expect(report.calibration.figures.find((f) => f.name === FIGURES.syncWrite)?.method).toContain('in each round');
      }
      if (kind === 'terminal') {
        // Two runs per level, pooled: each run's own document, and each metric's value in each.
        for (const level of report.levels) {
          for (const r of [1, 2]) expect(existsSync(path.join(out, 'levels', `level-${level.index + 1}.run-${r}.json`))).toBe(true);
          expect(level.comparisons.find((x) => x.metric === 'latency.rtt.p50')!.measuredRuns).toHaveLength(2);
        }
        expect(html).toContain('runs ');
        // Measured in rounds that alternate direction (pace, echo, 1, 2, then 2, 1, echo, pace), the
        // echoes and the pace timed again at light load in each, and the report says so.
        const written = (name: string) => statSync(path.join(out, 'levels', `${name}.json`)).mtimeMs;
        const order = ['pace.run-1', 'echo.run-1', 'level-1.run-1', 'level-2.run-1', 'level-2.run-2', 'level-1.run-2', 'echo.run-2', 'pace.run-2'].map(written);
        expect(order).toEqual([...order].sort((a, b) => a - b));
        for (const figure of [FIGURES.echoLatency, FIGURES.watcherEchoLatency, FIGURES.readerTimePerFrame]) expect(report.calibration.figures.find((f) => f.name === figure)?.method).toContain('in each round');
        // Every run types at Poisson times, as the model takes its inputs, not in step with the agents' ticks.
        for (const name of ['echo.run-1', 'pace.run-1', 'level-1.run-1']) expect(readFileSync(path.join(out, 'levels', `${name}.loadgen.yaml`), 'utf8')).toMatch(/^arrival: poisson$/m);
      }
      // The hypervisor's share of the stack's cores, per level and per run; terminal runs it stole from measured again.
      for (const level of report.levels) {
        const steal = level.comparisons.find((x) => x.metric === 'diag.steal')!;
        expect(steal.measured!).toBeGreaterThanOrEqual(0);
        expect(steal.measured!).toBeLessThanOrEqual(1);
        if (kind !== 'llm') expect(steal.measuredRuns).toHaveLength(2);
      }
      expect(report.remeasured.limit).toBe(STEAL_LIMIT);
      expect(Array.isArray(report.remeasured.runs)).toBe(true);
      for (const name of metrics) expect(html).toContain(name);
      expect(report.calibrated.length).toBeGreaterThan(0);
      expect(report.saturation.metric).toMatch(/p95$/);
    }, 240_000); // a terminal run the host stole from is measured again, after a wait for quiet (steal.ts)
  }

  it('leaves no server or tmux session running', async () => {
    const uid = process.getuid?.() ?? 0;
    const tmuxDir = `/tmp/tmux-${uid}`;
    const sockets = existsSync(tmuxDir) ? readdirSync(tmuxDir).filter((n) => /^agentscale-(run|calib)-/.test(n)) : [];
    for (const name of sockets) {
      const r = await promisify(execFile)('tmux', ['-L', name, 'list-sessions']).then(() => 'alive', () => 'gone');
      expect(r, `tmux server ${name}`).toBe('gone');
    }
    // Nor their socket files (tmux can leave them behind): none from this run's servers.
    const leftovers = sockets.filter((n) => existsSync(path.join(tmuxDir, n)) && statSync(path.join(tmuxDir, n)).mtimeMs >= started - 1000);
    expect(leftovers).toEqual([]);
  });

  it('refuses a scenario without a validation block or without a calibration profile (exit 2)', async () => {
    const noBlock = await agentscale('validate', 'scenarios/demo.yaml', '--calibration', profile);
    expect(noBlock.code).toBe(2);
    expect(noBlock.stderr).toContain('has no validation block');
    const noProfile = await agentscale('validate', 'scenarios/validate-tiny.yaml');
    expect(noProfile.code).toBe(2);
    expect(noProfile.stderr).toContain('no calibration profile');
    const badProfile = path.join(dir, 'bad.yaml');
    writeFileSync(badProfile, 'kind: something-else\n');
    const bad = await agentscale('validate', 'scenarios/validate-tiny.yaml', '--calibration', badProfile);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not a calibration profile');
  });
});
