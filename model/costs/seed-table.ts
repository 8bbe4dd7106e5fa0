// The ten-agent cost table of the WebSocket-first design note (seed 000), recomputed with the
// pricing file's figures through the same cost lines the model uses, item by item, with a note
// wherever the note's figure no longer holds.

import type { CostLine, Usage } from '../../lib/index.js';
import type { DeploymentConfig, DeploymentKind, MachineGroupConfig } from '../config.js';
import { costDeployment, fargateMemoryGB } from './deployments.js';
import type { Pricing } from './pricing-schema.js';
import { summarizeCosts } from './summary.js';

export interface SeedRow {
  item: string;
  seedUsd: number | undefined;
  currentUsd: number;
  holds: boolean;
  note: string;
}

export interface SeedDeployment {
  name: string;
  kind: DeploymentKind;
  seedUsd: number;
  currentUsd: number;
  lines: CostLine[];
}

export interface SeedTable {
  rows: SeedRow[];
  deployments: SeedDeployment[];
  assumptions: string[];
}

const GiB = 2 ** 30;
/** Within this fraction a seed figure still holds (rounding in the note). */
const HOLDS_WITHIN = 0.05;

export function seedTenAgentTable(pricing: Pricing): SeedTable {
  const H = pricing.hoursPerMonth;
  const gbPerMonth = 100; // the note's 10 GB per agent, 10 agents
  const bytesPerHour = (gbPerMonth * pricing.bytesPerGB) / H;
  const queriesPerSecond = 1e6 / (H * 3600); // the note's 1 million queries a month
  const usage: Usage = {
    agents: 10,
    connections: { loadBalancer: { open: 10, newPerSecond: queriesPerSecond } },
    bytesPerHour: { loadBalancer: bytesPerHour, internetEgress: bytesPerHour },
  };
  // Three t3.large-sized hosts for ten agents (4 + 4 + 2), as the note's "3x t3.large".
  const host = { cpus: 2, ram: 8 * GiB, agentMemory: 1 * GiB };
  const fleet: MachineGroupConfig[] = [
    { name: 'host', count: 2, agents: 4, ...host },
    { name: 'host-small', count: 1, agents: 2, ...host },
  ];
  const deployment: DeploymentConfig = {
    kind: 'alb-wss',
    dashboards: 1,
    remoteDashboards: true,
    albHopLatency: 0,
    targetGroupsPerAlb: 100,
    sshRelayCpuPerByte: 0,
    sshRelayCpus: 1,
    fargate: { vcpu: 1, memory: 2 * GiB, arch: 'x86' },
    reconnectsPerHour: 0,
  };
  const ctx = { deployment, fleet, instanceFor: { host: 't3.large', 'host-small': 't3.large' } };
  const fargateLines = costDeployment('fargate', usage, ctx, pricing);
  const albLines = costDeployment('alb-wss', usage, ctx, pricing);
  const sshLines = costDeployment('ssh-tunnel', usage, ctx, pricing);

  const sum = (lines: CostLine[], match: (l: CostLine) => boolean): number => lines.filter(match).reduce((s, l) => s + l.monthlyUsd, 0);
  const t3 = pricing.instances['t3.large']?.price ?? NaN;
  const fargateTask = (pricing.rates['fargate.x86.vcpu'].price * 1 + pricing.rates['fargate.x86.memory'].price * fargateMemoryGB(2 * GiB, pricing.bytesPerGB)) * H;
  const fargateVcpuOnly = pricing.rates['fargate.x86.vcpu'].price * H;
  const lcu = sum(albLines, (l) => l.item.startsWith('ALB LCU'));
  const egress = sum(albLines, (l) => l.item.startsWith('Internet egress'));
  const ipv4Ec2 = sum(sshLines, (l) => l.item.startsWith('Public IPv4'));
  const ebs = sum(sshLines, (l) => l.item.startsWith('EBS'));
  const row = (item: string, seedUsd: number | undefined, currentUsd: number, note: string): SeedRow => ({
    item,
    seedUsd,
    currentUsd,
    holds: seedUsd !== undefined && Math.abs(currentUsd - seedUsd) <= HOLDS_WITHIN * Math.max(currentUsd, seedUsd, 1),
    note,
  });
  const rows: SeedRow[] = [
    row('Fargate task, 1 vCPU / 2 GB, per month', 29, fargateTask, `the note priced the vCPU only ($${fargateVcpuOnly.toFixed(2)}); 2 GB of memory adds $${(fargateTask - fargateVcpuOnly).toFixed(2)}`),
    row('EC2 t3.large, per month', 60, t3 * H, '730 h × the hourly rate'),
    row('EC2 t3.large shared by 4 agents, per agent', 15, (t3 * H) / 4, ''),
    row('ALB, per month (hours only)', 16, pricing.rates['alb.hour'].price * H, ''),
    row('ALB LCU charges, per month', 5, lcu, `at the note's own traffic (100 GB a month, 1 M connections) the largest LCU dimension is processed bytes: ${(lcu / H / pricing.rates['alb.lcu'].price).toFixed(3)} LCU per hour`),
    row('Data transfer out, 10 agents × 10 GB', 9, egress, 'the free allowance is now 100 GB a month (the note assumed 1 GB), so 100 GB costs nothing'),
    row('Route 53 hosted zone', 0.5, pricing.rates['route53.zone'].price, ''),
    row('Route 53 queries, 1 million', 0.4, pricing.rates['route53.queries'].price, 'alias records to an ALB would make these free'),
    row('Public IPv4, 3 EC2 hosts', undefined, ipv4Ec2, 'not in the note: every public IPv4 address is charged since February 2024'),
    row('EBS gp3 root volumes, 3 hosts', undefined, ebs, `not in the note: ${pricing.defaults.ebsGBPerInstance} GB each`),
  ];
  const deployments: SeedDeployment[] = [
    { name: 'WebSocket-first (ECS Fargate)', kind: 'fargate', seedUsd: 300, currentUsd: summarizeCosts(fargateLines, usage, H).monthlyUsd, lines: fargateLines },
    { name: 'WebSocket-first (EC2 shared)', kind: 'alb-wss', seedUsd: 211, currentUsd: summarizeCosts(albLines, usage, H).monthlyUsd, lines: albLines },
    { name: 'SSH-first (EC2)', kind: 'ssh-tunnel', seedUsd: 180, currentUsd: summarizeCosts(sshLines, usage, H).monthlyUsd, lines: sshLines },
  ];
  return {
    rows,
    deployments,
    assumptions: [
      'ten agents: 3 × t3.large hosts (4 + 4 + 2 agents) or 10 Fargate tasks of 1 vCPU / 2 GB',
      'one ALB (ten target groups), one hosted zone, 1 million DNS queries and 100 GB out a month (the note’s figures)',
      'Claude tokens left out, as in the note',
    ],
  };
}
