// How dashboards reach the agents' terminals, and what each way costs while agents work:
// - local: dashboards connect straight to each agent's terminal server (ws://);
// - ssh-tunnel: a dashboard host runs the terminal relay; each watched agent streams once over
//   SSH to it (SSH CPU on both ends), and the relay fans out to the watchers locally;
// - alb-wss: each watcher's wss:// stream passes through an ALB (one target group and host rule
//   per agent, 100 target groups per ALB, so one more ALB per 100 agents), adding a hop's latency;
// - fargate: agents in Fargate tasks behind ALBs, the same terminal path as alb-wss.
// Remote dashboards put their streams on the site uplink.

import { distribution, type Distribution, type Rng } from '../../sim/index.js';
import type { DeploymentConfig, NetworkConfig, TerminalServerConfig } from '../config.js';
import type { ModelContext } from './context.js';
import type { Link } from './network.js';
import { SharingServer } from './sharing.js';
import { fanoutCpu, frameCpu, serverCpuAtRest, tmuxCpu, wireRate } from './terminal.js';

/** The steady loads one working agent puts on each hop. */
export interface StreamLoads {
  /** CPU-seconds per second on the agent's machine (tmuxCpu included). */
  machineCpu: number;
  /** The part of machineCpu that tmux and the agent's process take (not the terminal server's). */
  tmuxCpu: number;
  /** Bytes per second on the site uplink. */
  uplink: number;
  /** CPU-seconds per second on the SSH relay host. */
  relayCpu: number;
  /** Bytes per second through the SSH relay. */
  relayBytes: number;
  /** Bytes per second processed by the load balancer. */
  albBytes: number;
  /** Bytes per second delivered to watchers (all hops' last leg). */
  delivered: number;
}

export function streamLoads(deployment: DeploymentConfig, terminal: TerminalServerConfig, bytesPerSecond: number): StreamLoads {
  const watchers = Math.max(0, terminal.watchersPerAgent);
  const r = Math.max(0, bytesPerSecond);
  const remote = deployment.remoteDashboards;
  // tmux and the agent run on the agent's machine in every deployment; the server's cost at rest
  // goes wherever the fan-out runs.
  const tmux = tmuxCpu(terminal, r);
  const atRest = serverCpuAtRest(terminal, watchers);
  switch (deployment.kind) {
    case 'local': {
      const wire = wireRate(terminal, r, false) * watchers;
      return { machineCpu: tmux + atRest + fanoutCpu(terminal, r, watchers), tmuxCpu: tmux, uplink: remote ? wire : 0, relayCpu: 0, relayBytes: 0, albBytes: 0, delivered: r * watchers };
    }
    case 'ssh-tunnel': {
      const watched = watchers > 0 ? 1 : 0;
      return {
        machineCpu: tmux + watched * deployment.sshRelayCpuPerByte * r,
        tmuxCpu: tmux,
        uplink: remote ? watched * r : 0,
        relayCpu: watched * deployment.sshRelayCpuPerByte * r + atRest + fanoutCpu(terminal, r, watchers),
        relayBytes: watched * r,
        albBytes: 0,
        delivered: r * watchers,
      };
    }
    case 'alb-wss':
    case 'fargate': {
      const wire = wireRate(terminal, r, true) * watchers;
      return { machineCpu: tmux + atRest + fanoutCpu(terminal, r, watchers), tmuxCpu: tmux, uplink: remote ? wire : 0, relayCpu: 0, relayBytes: 0, albBytes: wire, delivered: r * watchers };
    }
  }
}

/** ALBs needed for `agents` agents (one target group per agent); 0 for deployments without one. */
export function albCount(deployment: DeploymentConfig, agents: number): number {
  if (deployment.kind !== 'alb-wss' && deployment.kind !== 'fargate') return 0;
  return Math.max(1, Math.ceil(agents / Math.max(1, deployment.targetGroupsPerAlb)));
}

/** Where one agent's machine stands for a latency probe. */
export interface ProbeSource {
  cpu: SharingServer;
  /** One-way delay from the machine to a dashboard on the site, seconds. */
  siteOneWay: number;
}

export class Deployment {
  readonly loads: StreamLoads;
  readonly relay: SharingServer | undefined;
  readonly albs: number;
  /** tmux's redraw and the PTY path before the server reads a frame (absent: 0). */
  private readonly echo: Distribution | undefined;

  constructor(
    ctx: ModelContext,
    private readonly uplink: Link,
    readonly config: DeploymentConfig,
    private readonly terminal: TerminalServerConfig,
    readonly network: NetworkConfig,
    bytesPerSecond: number,
    agents: number,
  ) {
    this.loads = streamLoads(config, terminal, bytesPerSecond);
    this.relay = config.kind === 'ssh-tunnel' ? new SharingServer(ctx.sim, { servers: Math.max(1, config.sshRelayCpus), rate: 1 }) : undefined;
    this.albs = albCount(config, agents);
    this.echo = terminal.echoLatency ? distribution(terminal.echoLatency) : undefined;
    if (this.albs > 1) {
      ctx.warn(`deployment ${config.kind}: ${agents} agents need ${this.albs} ALBs (${config.targetGroupsPerAlb} target groups each)`);
    }
    if (this.relay) ctx.onReset(() => this.relay!.resetStats());
  }

  /** An agent on this machine starts (sign +1) or stops (−1) streaming terminal output. */
  stream(machineCpu: SharingServer, sign: 1 | -1): void {
    const l = this.loads;
    if (l.machineCpu > 0) machineCpu.addBackground(sign * l.machineCpu);
    if (l.uplink > 0) this.uplink.addStream(sign * l.uplink);
    if (this.relay && l.relayCpu > 0) this.relay.addBackground(sign * l.relayCpu);
  }

  /**
   * Delivery latency of one terminal frame written now to a watcher picked at random: the fan-out
   * CPU before it (the server writes to watchers one after another) at the CPU rate the machine
   * would give it now, then the network path of the deployment.
   */
  probe(source: ProbeSource, rng: Rng): number {
    const t = this.terminal;
    const watchers = Math.max(1, Math.round(t.watchersPerAgent));
    const position = 1 + rng.nextInt(watchers);
    const frame = t.frameBytes;
    const cpuTime = (work: number, server: SharingServer): number => (work * server.slowdown) / server.rateForNewJob();
    const network = (this.config.remoteDashboards ? this.uplink.oneWayDelay(frame) : source.siteOneWay) + (this.echo ? this.echo.sample(rng) : 0);
    switch (this.config.kind) {
      case 'local':
        return cpuTime(position * frameCpu(t), source.cpu) + network;
      case 'ssh-tunnel': {
        const ssh = this.config.sshRelayCpuPerByte * frame;
        return cpuTime(ssh, source.cpu) + network + cpuTime(ssh + position * frameCpu(t), this.relay!);
      }
      case 'alb-wss':
      case 'fargate':
        return cpuTime(position * frameCpu(t), source.cpu) + network + this.config.albHopLatency;
    }
  }
}
