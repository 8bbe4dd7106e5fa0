// Monthly cost lines for every deployment kind, from one point's usage and the fleet that
// produced it. Fixed lines (instances, ALB hours, addresses, zones, disks, seats) are kept apart
// from usage-based ones (LCUs, egress, NAT data, tokens, DNS queries), as Infracost does.

import { UserError, type CostLine, type Usage } from '../../lib/index.js';
import type { DeploymentConfig, DeploymentKind, MachineGroupConfig, ScenarioConfig } from '../config.js';
import { albCount, lcuPerHour } from './alb.js';
import { egressCharges } from './egress.js';
import { chooseInstance } from './instances.js';
import { rate } from './load-pricing.js';
import type { Pricing, RateKey } from './pricing-schema.js';
import { dashboardBytesPerHour, dashboardConnections, egressBytesPerHour, ingressBytesPerHour } from './usage-read.js';

export const DEPLOYMENT_KINDS: readonly DeploymentKind[] = ['local', 'ssh-tunnel', 'alb-wss', 'fargate'];

export interface CostContext {
  deployment: DeploymentConfig;
  fleet: MachineGroupConfig[];
  /** Mesh between machines and hub; Tailscale adds a seat per person watching. */
  mesh?: 'tailscale' | 'lan';
  /** Tailscale users to pay for; defaults to the number of dashboards (people). */
  tailscaleUsers?: number;
  /** EC2 architecture for CPU machines (default x86). */
  ec2Arch?: 'x86' | 'arm';
  /** Instance type per machine group name, instead of the cheapest that fits. */
  instanceFor?: Record<string, string>;
  /** Tasks in private subnets behind a NAT gateway (default from the pricing file). */
  privateSubnets?: boolean;
}

/** The cost context of one resolved scenario point. */
export function contextFromScenario(config: ScenarioConfig): CostContext {
  return { deployment: config.deployment, fleet: config.fleet, mesh: config.network.mesh.kind };
}

/** Cost lines of every deployment kind for one point. */
export function costPoint(usage: Usage, context: CostContext, pricing: Pricing): Record<DeploymentKind, CostLine[]> {
  const out = {} as Record<DeploymentKind, CostLine[]>;
  for (const kind of DEPLOYMENT_KINDS) out[kind] = costDeployment(kind, usage, context, pricing);
  return out;
}

export function costDeployment(kind: DeploymentKind, usage: Usage, context: CostContext, pricing: Pricing): CostLine[] {
  const lines: CostLine[] = [];
  const H = pricing.hoursPerMonth;
  const agents = usage.agents ?? context.fleet.reduce((s, g) => s + g.count * g.agents, 0);
  const privateSubnets = context.privateSubnets ?? pricing.defaults.privateSubnets;
  const fixed = (item: string, quantity: number, unit: string, key: RateKey): void => {
    const r = rate(pricing, key);
    lines.push(line(item, 'fixed', quantity, unit, r.price, r.source));
  };
  const used = (item: string, quantity: number, unit: string, key: RateKey): void => {
    const r = rate(pricing, key);
    lines.push(line(item, 'usage', quantity, unit, r.price, r.source));
  };

  if (kind !== 'local') {
    const cpuGroups = kind === 'fargate' ? context.fleet.filter((g) => g.gpu) : context.fleet;
    let instances = 0;
    for (const group of cpuGroups) {
      if (group.count <= 0) continue;
      const choice = chooseInstance(group, pricing, { arch: context.ec2Arch ?? 'x86', override: context.instanceFor?.[group.name] });
      instances += group.count;
      const what = group.gpu ? 'GPU machine' : `${group.agents} agent${group.agents === 1 ? '' : 's'} each`;
      lines.push(
        line(`EC2 ${choice.type} × ${group.count} (${group.name}, ${what})`, 'fixed', group.count * H, 'instance-hour', choice.price.price, `${choice.price.source}, ${choice.price.date}`),
      );
    }
    if (instances > 0 && pricing.defaults.ebsGBPerInstance > 0) {
      fixed(`EBS gp3 ${pricing.defaults.ebsGBPerInstance} GB × ${instances}`, instances * pricing.defaults.ebsGBPerInstance, 'GB-month', 'ebs.gp3');
    }
    let tasks = 0;
    if (kind === 'fargate') {
      const { vcpu, memory, arch } = context.deployment.fargate;
      const gb = fargateMemoryGB(memory, pricing.bytesPerGB);
      tasks = context.fleet.filter((g) => !g.gpu).reduce((s, g) => s + g.count * g.agents, 0);
      if (tasks > 0) {
        fixed(`Fargate ${arch} vCPU (${tasks} tasks × ${vcpu} vCPU)`, tasks * vcpu * H, 'vCPU-hour', arch === 'arm' ? 'fargate.arm.vcpu' : 'fargate.x86.vcpu');
        fixed(`Fargate ${arch} memory (${tasks} tasks × ${gb} GB)`, tasks * gb * H, 'GB-hour', arch === 'arm' ? 'fargate.arm.memory' : 'fargate.x86.memory');
      }
    }
    const albs = kind === 'alb-wss' || kind === 'fargate' ? albCount(agents, context.deployment.targetGroupsPerAlb) : 0;
    // Public addresses: every instance or task unless they sit behind a NAT gateway, and each ALB in each AZ.
    const hostAddresses = privateSubnets && kind !== 'ssh-tunnel' ? 0 : instances + tasks;
    const albAddresses = albs * pricing.alb.availabilityZones;
    if (hostAddresses + albAddresses > 0) {
      const parts = [hostAddresses ? `${hostAddresses} host${hostAddresses === 1 ? '' : 's'}` : '', albAddresses ? `${albs} ALB × ${pricing.alb.availabilityZones} AZ` : '']
        .filter(Boolean)
        .join(' + ');
      fixed(`Public IPv4 (${parts})`, (hostAddresses + albAddresses) * H, 'address-hour', 'ipv4.hour');
    }
    if (albs > 0) {
      fixed(`ALB × ${albs} (${agents} agents, ${context.deployment.targetGroupsPerAlb} target groups per ALB)`, albs * H, 'ALB-hour', 'alb.hour');
      const conns = dashboardConnections(usage);
      const lcu = lcuPerHour(
        {
          newConnectionsPerSecond: conns.newPerSecond,
          activeConnections: conns.open,
          processedBytesPerHour: dashboardBytesPerHour(usage),
          requestsPerSecond: usage.loadBalancerRequestsPerSecond || conns.newPerSecond,
        },
        albs,
        agents,
        pricing.alb,
        pricing.bytesPerGB,
      );
      used(`ALB LCU (largest dimension: ${DIMENSION_NAMES[lcu.dominant]})`, lcu.lcu * H, 'LCU-hour', 'alb.lcu');
      if (pricing.defaults.route53Alias) fixed('Route 53 hosted zone (alias records, queries free)', 1, 'zone-month', 'route53.zone');
      else {
        fixed('Route 53 hosted zone', 1, 'zone-month', 'route53.zone');
        // Every new dashboard connection looks the name up at most once.
        used('Route 53 queries', (conns.newPerSecond * 3600 * H) / 1e6, 'million queries', 'route53.queries');
      }
    }
    if (privateSubnets && kind !== 'ssh-tunnel') {
      fixed('NAT gateway', H, 'gateway-hour', 'nat.hour');
      const gb = ((egressBytesPerHour(usage) + ingressBytesPerHour(usage)) * H) / pricing.bytesPerGB;
      used('NAT gateway data processed', gb, 'GB', 'nat.gb');
    }
    const egressGB = (egressBytesPerHour(usage) * H) / pricing.bytesPerGB;
    const egressSource = `${pricing.egress.source}, ${pricing.egress.date}`;
    for (const tier of egressCharges(egressGB, pricing.egress)) {
      const range = tier.toGB === undefined ? `over ${fmt(tier.fromGB)} GB` : `${fmt(tier.fromGB)}–${fmt(tier.toGB)} GB`;
      lines.push(line(`Internet egress, ${range}`, 'usage', tier.gb, 'GB', tier.price, egressSource));
    }
  }

  if (context.mesh === 'tailscale') {
    const users = context.tailscaleUsers ?? context.deployment.dashboards;
    if (users > 0) fixed(`Tailscale seats (${users} users)`, users, 'user-month', 'tailscale.seat');
  }
  lines.push(...tokenLines(usage, pricing));
  return lines;
}

/** Claude tokens by model and kind, per month. */
export function tokenLines(usage: Usage, pricing: Pricing): CostLine[] {
  const lines: CostLine[] = [];
  for (const [model, perHour] of Object.entries(usage.tokensPerHour ?? {})) {
    const price = pricing.tokens[model];
    if (!price) {
      throw new UserError(`pricing ${pricing.files.join(', ')}: tokens: no price for Claude model '${model}'`, undefined, [
        `listed: ${Object.keys(pricing.tokens).join(', ') || '(none; include a token table such as claude.yaml)'}`,
      ]);
    }
    const source = `${price.source}, ${price.date}`;
    for (const k of ['input', 'output', 'cacheWrite', 'cacheRead'] as const) {
      const millions = (perHour[k] * pricing.hoursPerMonth) / 1e6;
      if (millions > 0) lines.push(line(`Claude ${model} ${TOKEN_KIND_NAMES[k]} tokens`, 'usage', millions, 'million tokens', price[k], source));
    }
  }
  return lines;
}

/** Fargate memory comes in 0.5 GB steps; a request between steps buys the next one. */
export function fargateMemoryGB(bytes: number, bytesPerGB: number): number {
  const gb = bytes / bytesPerGB;
  // A size written in decimal GB ("2 GB" = 2e9 B) means Fargate's 2 GB, not 1.86 rounded up to 2.
  const decimal = bytes / 1e9;
  const nearest = Math.abs(decimal - Math.round(decimal * 2) / 2) < 1e-9 ? Math.round(decimal * 2) / 2 : gb;
  return Math.ceil(nearest * 2 - 1e-9) / 2;
}

function line(item: string, kind: CostLine['kind'], quantity: number, unit: string, unitPrice: number, source: string): CostLine {
  return { item, kind, quantity, unit, unitPrice, monthlyUsd: quantity * unitPrice, source };
}

function fmt(gb: number): string {
  return gb.toLocaleString('en-US');
}

const DIMENSION_NAMES = {
  newConnections: 'new connections',
  activeConnections: 'active connections',
  processedBytes: 'processed bytes',
  ruleEvaluations: 'rule evaluations',
} as const;

const TOKEN_KIND_NAMES = { input: 'input', output: 'output', cacheWrite: 'cache-write', cacheRead: 'cache-read' } as const;

/** Fills every point's `costs` from its usage and the resolved scenario it ran (same order as the points). */
export function addCosts<P extends { usage?: Usage }>(points: P[], configs: ScenarioConfig[], pricing: Pricing): (P & { costs?: Record<string, CostLine[]> })[] {
  return points.map((p, i) => {
    const config = configs[i];
    if (!p.usage || !config) return p;
    return { ...p, costs: costPoint(p.usage, contextFromScenario(config), pricing) };
  });
}
