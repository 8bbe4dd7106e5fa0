import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError, type Usage } from '../../lib/index.js';
import type { DeploymentConfig, MachineGroupConfig } from '../config.js';
import { loadScenario } from '../scenario/index.js';
import {
  addCosts,
  albCount,
  chooseInstance,
  costDeployment,
  costPoint,
  egressCharges,
  gpuBreakEven,
  lcuPerHour,
  loadPricing,
  seedTenAgentTable,
  summarizeCosts,
} from './index.js';

const PRICING = path.resolve(import.meta.dirname, '../../scenarios/pricing/aws-us-east-1.yaml');
const pricing = loadPricing(PRICING);
const GiB = 2 ** 30;

const deployment: DeploymentConfig = {
  kind: 'alb-wss',
  dashboards: 2,
  remoteDashboards: true,
  albHopLatency: 0.001,
  targetGroupsPerAlb: 100,
  sshRelayCpuPerByte: 0,
  sshRelayCpus: 1,
  fargate: { vcpu: 1, memory: 2 * GiB, arch: 'x86' },
  reconnectsPerHour: 1,
};
const cpuGroup = (count: number, agents: number): MachineGroupConfig => ({ name: 'box', count, cpus: 2, ram: 8 * GiB, agents, agentMemory: GiB });
const line = <T extends { item: string }>(lines: T[], prefix: string): T[] => lines.filter((l) => l.item.startsWith(prefix));

describe('pricing files', () => {
  it('loads the bundled AWS file with its Claude table included', () => {
    expect(pricing.files).toHaveLength(2);
    expect(pricing.tokens['sonnet-5.5']?.output).toBe(10);
    expect(pricing.hoursPerMonth).toBe(730);
  });

  it('names the file and field of a missing or mistyped rate', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pricing-'));
    const file = path.join(dir, 'mine.yaml');
    writeFileSync(
      file,
      `name: mine\ncurrency: USD\ninclude: [${PRICING}]\nrates:\n  alb.hour: { price: 0.03, unit: USD/month, source: me, date: 2026-01-01 }\n`,
    );
    try {
      loadPricing(file);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).details.join('\n')).toContain(`${file}: rates.alb.hour.unit: expected USD/hour, found USD/month`);
    }
    writeFileSync(file, `name: mine\ncurrency: USD\nrates:\n  alb.hour: { price: -1, unit: USD/hour, date: 2026-01-01 }\n`);
    const err = (() => {
      try {
        loadPricing(file);
      } catch (e) {
        return e as UserError;
      }
      return undefined;
    })();
    expect(err?.details.some((d) => d.startsWith(`${file}: rates.alb.hour.price`))).toBe(true);
    expect(err?.details.some((d) => d.startsWith(`${file}: rates.alb.hour.source`))).toBe(true);
    expect(() => loadPricing(path.join(dir, 'absent.yaml'))).toThrow(/absent\.yaml: cannot read pricing file/);
  });

  it('lets a user file override one line of an included one', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pricing-'));
    const file = path.join(dir, 'cheap-alb.yaml');
    writeFileSync(file, `name: cheap\ncurrency: USD\ninclude: [${PRICING}]\nrates:\n  alb.hour: { price: 0.01, unit: USD/hour, source: a quote, date: 2026-11-01 }\n`);
    const p = loadPricing(file);
    expect(p.rates['alb.hour'].price).toBe(0.01);
    expect(p.rates['alb.lcu'].price).toBe(0.008);
  });
});

describe('cost lines against hand-computed values', () => {
  it('prices a 1 vCPU / 2 GB Fargate task at $36.04 a month, memory included', () => {
    const usage: Usage = { agents: 1 };
    const lines = costDeployment('fargate', usage, { deployment, fleet: [cpuGroup(1, 1)] }, pricing);
    const compute = [...line(lines, 'Fargate x86 vCPU'), ...line(lines, 'Fargate x86 memory')].reduce((s, l) => s + l.monthlyUsd, 0);
    // (0.04048 $/vCPU-h × 1 + 0.004445 $/GB-h × 2) × 730 h
    expect(compute).toBeCloseTo(36.0401, 4);
    // The same task written as 2 GB (decimal) is still Fargate's 2 GB size.
    const decimal = costDeployment('fargate', usage, { deployment: { ...deployment, fargate: { vcpu: 1, memory: 2e9, arch: 'x86' } }, fleet: [cpuGroup(1, 1)] }, pricing);
    expect(line(decimal, 'Fargate x86 memory')[0]!.quantity).toBe(2 * 730);
  });

  it('charges an ALB month where processed bytes dominate the LCU', () => {
    const usage: Usage = {
      agents: 10,
      connections: { loadBalancer: { open: 30, newPerSecond: 0.01 } },
      bytesPerHour: { loadBalancer: 5 * GiB },
      loadBalancerRequestsPerSecond: 0.01,
    };
    const lines = costDeployment('alb-wss', usage, { deployment, fleet: [cpuGroup(3, 4)] }, pricing);
    const hours = line(lines, 'ALB ×')[0]!;
    expect(hours.monthlyUsd).toBeCloseTo(0.0225 * 730, 6); // $16.425
    const lcu = line(lines, 'ALB LCU')[0]!;
    expect(lcu.item).toContain('processed bytes');
    // max(0.01/25, 30/3000, 5 GB/1 GB, 0 rules beyond the 10 free) = 5 LCU, × 730 h × $0.008
    expect(lcu.quantity).toBeCloseTo(5 * 730, 6);
    expect(lcu.monthlyUsd).toBeCloseTo(29.2, 6);
    expect(lcu.kind).toBe('usage');
    expect(hours.kind).toBe('fixed');
  });

  it('counts rule evaluations beyond the ten free rules', () => {
    const lcu = lcuPerHour({ newConnectionsPerSecond: 0, activeConnections: 0, processedBytesPerHour: 0, requestsPerSecond: 2 }, 1, 50, pricing.alb, GiB);
    // 2 requests/s × (50 − 10) rules = 80 evaluations/s = 0.08 LCU
    expect(lcu.ruleEvaluations).toBeCloseTo(0.08, 10);
    expect(lcu.dominant).toBe('ruleEvaluations');
    // New connections divide by 25, not Infracost's 100.
    expect(lcuPerHour({ newConnectionsPerSecond: 50, activeConnections: 0, processedBytesPerHour: 0, requestsPerSecond: 0 }, 1, 1, pricing.alb, GiB).lcu).toBe(2);
  });

  it('needs three ALBs for 250 agents at 100 target groups each', () => {
    expect(albCount(250, 100)).toBe(3);
    expect(albCount(100, 100)).toBe(1);
    expect(albCount(101, 100)).toBe(2);
    const lines = costDeployment('alb-wss', { agents: 250 }, { deployment, fleet: [cpuGroup(63, 4)] }, pricing);
    expect(line(lines, 'ALB ×')[0]!.quantity).toBe(3 * 730);
    // Each ALB spans two AZs, each with a public address, beside the 63 hosts.
    expect(line(lines, 'Public IPv4')[0]!.quantity).toBe((63 + 3 * 2) * 730);
  });

  it('prices internet egress by cumulative tiers', () => {
    const small = egressCharges(20_000, pricing.egress);
    // 100 GB free, 10,140 GB × $0.09, 9,760 GB × $0.085
    expect(small.map((t) => t.gb)).toEqual([100, 10_140, 9_760]);
    expect(small.reduce((s, t) => s + t.usd, 0)).toBeCloseTo(912.6 + 829.6, 6);
    const big = egressCharges(200_000, pricing.egress);
    expect(big.reduce((s, t) => s + t.usd, 0)).toBeCloseTo(912.6 + 40_960 * 0.085 + 102_400 * 0.07 + 46_400 * 0.05, 6);
    expect(egressCharges(80, pricing.egress).reduce((s, t) => s + t.usd, 0)).toBe(0);
  });

  it('prices Claude tokens by kind and keeps them in every deployment', () => {
    const usage: Usage = { agents: 4, tasksPerHour: 10, tokensPerHour: { 'sonnet-5.5': { input: 1e6, output: 1e5, cacheWrite: 0, cacheRead: 2e6 } } };
    const all = costPoint(usage, { deployment, fleet: [cpuGroup(1, 4)] }, pricing);
    expect(Object.keys(all).sort()).toEqual(['alb-wss', 'fargate', 'local', 'ssh-tunnel']);
    const local = all.local;
    // input 730 M × $2, output 73 M × $10, cache read 1,460 M × $0.20
    expect(local.reduce((s, l) => s + l.monthlyUsd, 0)).toBeCloseTo(1460 + 730 + 292, 6);
    const summary = summarizeCosts(local, usage);
    expect(summary.perTaskUsd).toBeCloseTo(2482 / (10 * 730), 9);
    expect(summary.perAgentMonthUsd).toBeCloseTo(2482 / 4, 9);
    expect(summary.fixedUsd).toBe(0);
    for (const kind of ['ssh-tunnel', 'alb-wss', 'fargate'] as const) expect(line(all[kind], 'Claude sonnet-5.5 input')).toHaveLength(1);
  });

  it('chooses the cheapest instance that holds a group, GPU groups on GPU instances', () => {
    expect(chooseInstance(cpuGroup(1, 4), pricing, { arch: 'x86' }).type).toBe('t3.large');
    expect(chooseInstance(cpuGroup(1, 4), pricing, { arch: 'arm' }).type).toBe('t4g.large');
    expect(chooseInstance(cpuGroup(1, 4), pricing).type).toBe('t4g.large');
    const gpuGroup: MachineGroupConfig = { ...cpuGroup(1, 2), cpus: 4, ram: 16 * GiB, gpu: { model: 'rtx-4090', vram: 24 * GiB } };
    expect(chooseInstance(gpuGroup, pricing).type).toBe('g6.xlarge');
    expect(() => chooseInstance({ ...cpuGroup(1, 1), cpus: 512 }, pricing)).toThrow(/no instance type fits machine group 'box'/);
  });

  it('keeps GPU machines on EC2 when agents move to Fargate', () => {
    const gpuGroup: MachineGroupConfig = { name: 'gpu', count: 2, cpus: 4, ram: 16 * GiB, agents: 0, agentMemory: GiB, gpu: { model: 't4', vram: 16 * GiB } };
    const lines = costDeployment('fargate', { agents: 8 }, { deployment, fleet: [cpuGroup(2, 4), gpuGroup] }, pricing);
    expect(line(lines, 'EC2 g4dn.xlarge × 2')).toHaveLength(1);
    expect(line(lines, 'EC2 t3')).toHaveLength(0);
    expect(line(lines, 'Fargate x86 vCPU')[0]!.quantity).toBe(8 * 730);
  });

  it('finds where a GPU machine and the API break even', () => {
    const be = gpuBreakEven(pricing, 'g4dn.xlarge', 'sonnet-5.5', { input: 10_000, output: 500, cacheWrite: 0, cacheRead: 0 })!;
    // 10k × $2/M + 500 × $10/M = $0.025 per request; $0.526/h ÷ $0.025 = 21.04 requests/h
    expect(be.claudeUsdPerRequest).toBeCloseTo(0.025, 12);
    expect(be.requestsPerHour).toBeCloseTo(21.04, 9);
  });
});

describe("the seed's ten-agent table", () => {
  it('recomputes each figure and flags the Fargate rate that leaves out memory', () => {
    const table = seedTenAgentTable(pricing);
    const fargate = table.rows.find((r) => r.item.startsWith('Fargate task'))!;
    expect(fargate.currentUsd).toBeCloseTo(36.0401, 4);
    expect(fargate.holds).toBe(false);
    expect(fargate.note).toMatch(/vCPU only/);
    expect(table.rows.find((r) => r.item === 'EC2 t3.large, per month')!.holds).toBe(true);
    expect(table.rows.find((r) => r.item.startsWith('Data transfer'))!.currentUsd).toBe(0);
    const ec2 = table.deployments.find((d) => d.kind === 'ssh-tunnel')!;
    // 3 × t3.large + 3 public IPv4 + 3 × 30 GB gp3
    expect(ec2.currentUsd).toBeCloseTo(3 * 0.0832 * 730 + 3 * 0.005 * 730 + 90 * 0.08, 6);
  });
});

describe('costs of a resolved scenario', () => {
  it("prices the ten-agent scenario's fleet as the seed table does", async () => {
    const loaded = await loadScenario(path.resolve(import.meta.dirname, '../../scenarios/ten-agents-deployments.yaml'));
    const usage: Usage = { agents: 10, tasksPerHour: 30 };
    const [point] = addCosts([{ usage }], [loaded.points[0]!.config], pricing);
    const sum = (lines: { monthlyUsd: number; kind: string }[]) => lines.filter((l) => l.kind === 'fixed').reduce((s, l) => s + l.monthlyUsd, 0);
    // 3 × t3.large, 3 × 30 GB gp3, 3 public IPv4: the seed table's SSH-first figure
    expect(sum(point!.costs!['ssh-tunnel']!)).toBeCloseTo(seedTenAgentTable(pricing).deployments.find((d) => d.kind === 'ssh-tunnel')!.currentUsd, 6);
    expect(line(point!.costs!.fargate!, 'Fargate x86 memory')[0]!.quantity).toBe(10 * 2 * 730);
  });
});
