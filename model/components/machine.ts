// Machines and their agents. An agent runs one task at a time. The agents on a machine share
// its cores by processor sharing (a tool run is CPU work; no run gets more than one core) and
// its RAM: when their resident memory exceeds the machine's, every piece of work on it takes
// `overcommitSlowdown` times longer, and the report says so. A machine may carry a GPU running
// Ollama. Its paths over the mesh are relayed (DERP) with the scenario's relayed fraction.
// With the fargate deployment, each agent of a GPU-less group is its own Fargate-task machine.

import type { Rng } from '../../sim/index.js';
import type { MachineGroupConfig, ScenarioConfig } from '../config.js';
import { formatGiB, type ModelContext } from './context.js';
import { OllamaEndpoint } from './ollama.js';
import { SharingServer } from './sharing.js';

export class Machine {
  readonly cpu: SharingServer;
  readonly ollama: OllamaEndpoint | undefined;
  readonly ramNeeded: number;
  readonly overcommitted: boolean;

  constructor(
    ctx: ModelContext,
    readonly index: number,
    readonly group: MachineGroupConfig,
    readonly ordinal: number,
    readonly relayed: boolean,
  ) {
    this.ramNeeded = group.agents * group.agentMemory;
    this.overcommitted = this.ramNeeded > group.ram;
    const slowdown = this.overcommitted ? Math.max(1, ctx.config.overcommitSlowdown) : 1;
    this.cpu = new SharingServer(ctx.sim, { servers: group.cpus, rate: 1, slowdown });
    this.ollama = group.ollama ? new OllamaEndpoint(ctx.sim, `ollama[${this.name}]`, group, ctx.config) : undefined;
    ctx.onReset(() => {
      this.cpu.resetStats();
      this.ollama?.resetStats();
    });
  }

  /** 'group#i', as resource names use it. */
  get name(): string {
    return `${this.group.name}#${this.ordinal}`;
  }

  /** One-way delay to the hub and to dashboards on the site over the mesh, seconds. */
  oneWay(config: ScenarioConfig): number {
    const mesh = config.network.mesh;
    return (this.relayed ? mesh.relayed.rtt : mesh.direct.rtt) / 2;
  }
}

/**
 * The machine groups as deployed. With the `fargate` deployment every agent of a group without a
 * GPU runs in its own Fargate task (deployment.fargate: vCPU and memory), so such a group becomes
 * count × agents one-agent machines of that size; GPU groups stay machines (Ollama needs the GPU).
 */
export function deployedFleet(config: ScenarioConfig): MachineGroupConfig[] {
  if (config.deployment.kind !== 'fargate') return config.fleet;
  const { vcpu, memory } = config.deployment.fargate;
  return config.fleet.map((group) =>
    group.gpu || group.agents <= 0
      ? group
      : { name: group.name, count: group.count * group.agents, cpus: vcpu, ram: memory, agents: 1, agentMemory: group.agentMemory },
  );
}

/** Build every machine of the fleet, in fleet order, and warn about over-committed RAM. */
export function buildMachines(ctx: ModelContext, meshRng: Rng): Machine[] {
  const machines: Machine[] = [];
  const config = ctx.config;
  const relayedFraction = config.network.mesh.kind === 'tailscale' ? config.network.mesh.relayedFraction : 0;
  for (const group of deployedFleet(config)) {
    const need = group.agents * group.agentMemory;
    if (need > group.ram && group.count > 0) {
      ctx.warn(
        `machine group ${group.name}: ${group.agents} agents × ${formatGiB(group.agentMemory)} = ${formatGiB(need)} on ${formatGiB(group.ram)} RAM: ` +
          `over-committed, work slowed ×${config.overcommitSlowdown}`,
      );
    }
    for (let i = 0; i < group.count; i++) {
      const relayed = meshRng.next() < relayedFraction;
      machines.push(new Machine(ctx, machines.length, group, i, relayed));
    }
  }
  return machines;
}
