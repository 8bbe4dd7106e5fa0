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
import { fanoutCpu, frameCpu, framesPerSecond, serverCpuAtRest, tmuxCpu, wireRate } from './terminal.js';

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
  /** The echo as the first watcher reads it (absent: the writer's echo, then the sends up to the watcher's place). */
  private readonly watcherEcho: Distribution | undefined;

  constructor(
    ctx: ModelContext,
    private readonly uplink: Link,
    readonly config: DeploymentConfig,
    private readonly terminal: TerminalServerConfig,
    readonly network: NetworkConfig,
    private readonly bytesPerSecond: number,
    agents: number,
  ) {
    this.loads = streamLoads(config, terminal, bytesPerSecond);
    this.relay = config.kind === 'ssh-tunnel' ? new SharingServer(ctx.sim, { servers: Math.max(1, config.sshRelayCpus), rate: 1 }) : undefined;
    this.albs = albCount(config, agents);
    this.echo = terminal.echoLatency ? distribution(terminal.echoLatency) : undefined;
    this.watcherEcho = terminal.watcherEchoLatency ? distribution(terminal.watcherEchoLatency) : undefined;
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
   * Delivery latency of one terminal frame written now to a watcher picked at random (or to the
   * session's writer, its first client, which the server sends to first): the wait in the terminal
   * server's event loop for the frames it is already sending, then the sends before this client's
   * (one after another), at the CPU rate the machine would give them now, then the network path of
   * the deployment. Where a process reads every client (a load generator), the pace of a fan-out
   * is the one measured end to end, the slower of its loop and the server's.
   */
  probe(source: ProbeSource, rng: Rng, client: 'watcher' | 'writer' = 'watcher'): number {
    const t = this.terminal;
    const watchers = Math.max(1, Math.round(t.watchersPerAgent));
    const position = client === 'writer' ? 1 : 1 + rng.nextInt(watchers);
    const frame = t.frameBytes;
    const cpuTime = (work: number, server: SharingServer, apart = 0): number => (work * server.slowdown) / server.rateForNewJob(apart);
    const sessions = Math.max(1, t.sessionsPerServer ?? 1);
    const frames = sessions * framesPerSecond(t, this.bytesPerSecond);
    // A process reading every client (if there is one) takes the fan-outs in turn after the
    // server: two FIFO loops in series with constant service times, through which a frame waits
    // as long as at the slower of them alone (Friedman 1965), not at each in turn, and the frames
    // of one fan-out reach the watchers at the slower loop's pace: the pace measured end to end.
    // (It is below the server's CPU per frame, part of which (write callbacks, collection) comes
    // after the fan-out and delays no watcher.)
    // Without it, the server's send at the CPU rate the machine gives it now: its own fan-out is
    // not shared with this frame's sends but waited for (the event loop sends one frame to every
    // watcher before it reads the next).
    const pace = t.readerTimePerFrame ?? cpuTime(frameCpu(t), source.cpu, sessions * fanoutCpu(t, this.bytesPerSecond, watchers));
    const fanoutTime = watchers * pace;
    // A watcher's echo timed at light load already holds the sends up to the first watcher's.
    const timedAsWatcher = client === 'watcher' && this.watcherEcho !== undefined;
    const echo = (timedAsWatcher ? this.watcherEcho : this.echo)?.sample(rng) ?? 0;
    const sends = timedAsWatcher ? position - 1 : position;
    // With a reader setting the pace, what the echo waits behind at the reader are the fan-outs
    // begun while it crossed the machine, each charged whole (`fanoutsDuring`): a residual wait at
    // a random arrival would count the same fan-outs again. (Replayed over three stored
    // validations, the residual on top put the median at 75 watchers at +13 … +17 %, the tails
    // within −7 … +3 %; without it +8 … +12 %, −9 … −1 %.)
    const wait = t.readerTimePerFrame === undefined ? eventLoopWait(frames, fanoutTime, rng) : 0;
    const serverSide = wait + fanoutsDuring(echo, frames, fanoutTime, rng) + sends * pace;
    const network = (this.config.remoteDashboards ? this.uplink.oneWayDelay(frame) : source.siteOneWay) + echo;
    switch (this.config.kind) {
      case 'local':
        return serverSide + network;
      case 'ssh-tunnel': {
        // The tunnel's ssh carries the one stream; the relay fans it out to the watchers.
        const ssh = this.config.sshRelayCpuPerByte * frame;
        return cpuTime(ssh, source.cpu) + network + cpuTime(ssh + position * frameCpu(t), this.relay!);
      }
      case 'alb-wss':
      case 'fargate':
        return serverSide + network + this.config.albHopLatency;
    }
  }
}

/**
 * What the fan-outs begun while a frame's echo crosses the agent's machine (`echoSeconds`: the
 * server, tmux, the agent and back) add to its delivery: the server goes on fanning out every
 * session's frames meanwhile (Poisson at `framesPerSecond`), and tmux hands the server the other
 * sessions' output and this echo one after the other, so the echo is read after each such fan-out
 * is sent, all `sendTime` of it. Measured with four sessions: in the slowest tenth of the echoes
 * another session's fan-out had begun four to five times as often as in the rest, the echo came
 * about one whole fan-out after it began, and with tmux and the agents moved off the server's core
 * the extra tail at 25 watchers was gone.
 */
export function fanoutsDuring(echoSeconds: number, framesPerSecond: number, sendTime: number, rng: Rng): number {
  if (echoSeconds <= 0 || sendTime <= 0 || framesPerSecond <= 0) return 0;
  // The fan-outs' starts as a Poisson process: exponential gaps until the echo is back.
  let begun = 0;
  for (let t = -Math.log(1 - rng.next()) / framesPerSecond; t < echoSeconds; t -= Math.log(1 - rng.next()) / framesPerSecond) begun += 1;
  return begun * sendTime;
}

/** Past this utilisation the event loop is treated as at it (beyond it no steady state exists). */
const MAX_LOOP_UTILISATION = 0.99;

/**
 * A frame's wait in a FIFO event loop that takes frames at `framesPerSecond` (Poisson) for
 * `sendTime` each (M/D/1): by the Pollaczek–Khinchine form, the sum of a geometric number
 * (P(K = k) = (1 − ρ) ρ^k) of residual send times, each uniform on (0, sendTime).
 */
export function eventLoopWait(framesPerSecond: number, sendTime: number, rng: Rng): number {
  const rho = Math.min(MAX_LOOP_UTILISATION, framesPerSecond * sendTime);
  let wait = 0;
  while (rng.next() < rho) wait += rng.next() * sendTime;
  return wait;
}
