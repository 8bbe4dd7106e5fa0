// The agents at work: the task state machine, on the kernel's callback API.
// submit → hub (frame, synced write, queue, scheduler scan) → assigned to an idle agent (routing
// and assign writes, task_assign over the mesh) → each step: an LLM call (standard → an Ollama
// endpoint chosen by the routing policy, over the mesh unless local, or Claude; complex →
// Claude over the uplink; trivial → none, a shell on the agent), a tool run on the machine's
// shared cores, a task_progress frame → task_complete over the mesh → the hub writes it and
// the agent is idle again. Terminal output streams while the task runs (deployment.ts).

import { QuantileSketch, TimeWeighted, type Rng } from '../../sim/index.js';
import type { RecordedTask, Tier } from '../config.js';
import type { ClaudeApi } from './claude.js';
import type { ModelContext } from './context.js';
import type { Deployment } from './deployment.js';
import type { Dispatcher, Hub, HubTask } from './hub.js';
import type { Machine } from './machine.js';
import { meshWireBytes, type SiteNetwork } from './network.js';
import type { OllamaEndpoint } from './ollama.js';
import { EndpointRouter } from './routing.js';
import type { StepSample, TaskFactory, TaskSpec } from './workload.js';

/** Sparse probe frames for terminal delivery latency, seconds apart. */
export const PROBE_INTERVAL = 5;

export interface Agent {
  readonly id: number;
  readonly machine: Machine;
  readonly shard: number;
  busy: boolean;
  /** Position in the working list while busy (for O(1) removal). */
  slot: number;
}

export interface Task extends HubTask {
  spec: TaskSpec;
  agent: Agent | undefined;
  assigned: number;
  /** The agent that submitted it in a closed loop. */
  owner: Agent | undefined;
}

interface Endpoint {
  readonly machine: number;
  readonly node: Machine;
  readonly ollama: OllamaEndpoint;
  load(): number;
}

export class Fleet implements Dispatcher<Task> {
  readonly agents: Agent[] = [];
  hub!: Hub<Task>;
  private readonly idle: Agent[][] = [];
  private readonly idleHead: number[] = [];
  private readonly working: Agent[] = [];
  private readonly endpoints: Endpoint[];
  private readonly router: EndpointRouter<Endpoint>;
  private readonly models: string[];
  private readonly candidates = new Map<string, Endpoint[]>();
  private readonly routeRng: Rng;
  private readonly probeRng: Rng;
  taskLatency = new QuantileSketch();
  fanoutLatency = new QuantileSketch();
  /** Delivery to each session's first client: the one typing, when it attached first, sees its echo so. */
  rttLatency = new QuantileSketch();
  readonly busyAgents: TimeWeighted;
  private readonly standardRunnable: boolean;
  /** Closed loop: think time before an agent's next task. */
  thinkTime: ((agent: Agent) => number) | undefined;

  constructor(
    private readonly ctx: ModelContext,
    readonly machines: readonly Machine[],
    private readonly network: SiteNetwork,
    private readonly claude: ClaudeApi,
    private readonly deployment: Deployment,
    private readonly factory: TaskFactory,
    shards: number,
  ) {
    for (let s = 0; s < shards; s++) {
      this.idle.push([]);
      this.idleHead.push(0);
    }
    for (const machine of machines) {
      for (let a = 0; a < machine.group.agents; a++) {
        const id = this.agents.length;
        const agent: Agent = { id, machine, shard: id % shards, busy: false, slot: -1 };
        this.agents.push(agent);
        this.idle[agent.shard]!.push(agent);
      }
    }
    this.endpoints = machines
      .filter((m) => m.ollama !== undefined)
      .map((m) => ({ machine: m.index, node: m, ollama: m.ollama!, load: () => m.ollama!.load() }));
    this.router = new EndpointRouter(ctx.config.routing.endpointPolicy, this.endpoints);
    this.models = [...new Set(this.endpoints.flatMap((e) => e.node.group.ollama!.models))];
    for (const model of this.models) this.candidates.set(model, this.endpoints.filter((e) => e.ollama.serves(model)));
    this.routeRng = ctx.rng('routing');
    this.probeRng = ctx.rng('probe');
    this.busyAgents = new TimeWeighted(ctx.sim.now, 0);
    const routing = ctx.config.routing;
    this.standardRunnable = routing.standard === 'claude' || this.endpoints.length > 0 || routing.fallbackToClaude;
    if (!this.standardRunnable && ctx.config.workload.tiers.standard > 0) {
      ctx.warn('standard-tier tasks are rejected: no Ollama endpoint and no fallback to Claude');
    }
    ctx.onReset(() => this.busyAgents.reset(ctx.sim.now));
  }

  /** A new task reaches the hub (`recorded`: what a trace gives of it). */
  submit(owner?: Agent, recorded?: RecordedTask): void {
    const spec = this.factory.create(recorded);
    const counters = this.ctx.counters;
    counters.add('tasks.submitted');
    if (spec.tier === 'standard' && !this.standardRunnable) {
      counters.add('tasks.rejected');
      if (owner) this.scheduleNext(owner);
      return;
    }
    const task: Task = { spec, submitted: this.ctx.sim.now, shard: 0, crossShard: false, agent: undefined, assigned: 0, owner };
    this.hub.submit(task);
  }

  /** Dispatcher: reserve an idle agent (home shard first, then any) and send task_assign. */
  takeIdleAgent(task: Task, shard: number): boolean {
    let agent = this.popIdle(shard);
    if (!agent) {
      for (let s = 0; s < this.idle.length && !agent; s++) if (s !== shard) agent = this.popIdle(s);
    }
    if (!agent) return false;
    agent.busy = true;
    task.agent = agent;
    task.crossShard = agent.shard !== task.shard;
    this.hub.assign(task, () => this.ctx.sim.schedule(agent.machine.oneWay(this.ctx.config), () => this.start(task)));
    return true;
  }

  deadLettered(task: Task): void {
    this.ctx.counters.add('tasks.rejected');
    this.ctx.counters.add('tasks.deadLettered');
    if (task.owner) this.scheduleNext(task.owner);
  }

  /** Start the probe frames that sample terminal delivery latency. */
  startProbes(): void {
    const config = this.ctx.config;
    if (!(config.terminal.watchersPerAgent > 0) || !(config.workload.task.terminalOutput > 0)) return;
    const probe = (): void => {
      if (this.working.length > 0) {
        const agent = this.working[this.probeRng.nextInt(this.working.length)]!;
        const source = { cpu: agent.machine.cpu, siteOneWay: agent.machine.oneWay(this.ctx.config) };
        const latency = this.deployment.probe(source, this.probeRng);
        this.fanoutLatency.record(latency);
        this.ctx.counters.add('fanout.sum', latency);
        this.ctx.counters.add('fanout.count');
        const echo = this.deployment.probe(source, this.probeRng, 'writer');
        this.rttLatency.record(echo);
        this.ctx.counters.add('rtt.sum', echo);
      }
      this.ctx.sim.schedule(PROBE_INTERVAL, probe);
    };
    this.ctx.sim.schedule(PROBE_INTERVAL * this.probeRng.next(), probe);
  }

  /** Start the latency sketches afresh (end of warm-up). */
  resetLatency(): void {
    this.taskLatency = new QuantileSketch();
    this.fanoutLatency = new QuantileSketch();
    this.rttLatency = new QuantileSketch();
  }

  get workingCount(): number {
    return this.working.length;
  }

  private popIdle(shard: number): Agent | undefined {
    const list = this.idle[shard]!;
    let head = this.idleHead[shard]!;
    if (head >= list.length) return undefined;
    const agent = list[head]!;
    head++;
    if (head > 256 && head * 2 > list.length) {
      list.splice(0, head);
      head = 0;
    }
    this.idleHead[shard] = head;
    return agent;
  }

  private start(task: Task): void {
    const agent = task.agent!;
    const sim = this.ctx.sim;
    task.assigned = sim.now;
    this.ctx.counters.add('assign.sum', sim.now - task.submitted);
    this.ctx.counters.add('assign.count');
    this.hub.accepted(task);
    agent.slot = this.working.length;
    this.working.push(agent);
    this.busyAgents.update(this.working.length, sim.now);
    this.deployment.stream(agent.machine.cpu, 1);
    this.hub.progressStream(task, 1);
    this.step(task, 0);
  }

  private step(task: Task, index: number): void {
    if (index >= task.spec.steps) {
      this.finish(task, true);
      return;
    }
    const sample = task.spec.step();
    this.llm(task, sample, (ok) => {
      if (!ok) {
        this.finish(task, false);
        return;
      }
      const machine = task.agent!.machine;
      machine.cpu.serve(sample.toolTime, () => {
        if (!this.hub.periodicProgress) this.hub.progress(task);
        this.step(task, index + 1);
      });
    });
  }

  private llm(task: Task, sample: StepSample, done: (ok: boolean) => void): void {
    const tier: Tier = task.spec.tier;
    if (tier === 'trivial') {
      done(true);
      return;
    }
    if (tier === 'standard' && this.ctx.config.routing.standard === 'ollama' && this.endpoints.length > 0) {
      this.ollamaCall(task.agent!.machine, sample, done);
      return;
    }
    this.claudeCall(sample, done);
  }

  private claudeCall(sample: StepSample, done: (ok: boolean) => void): void {
    const t = this.ctx.config.workload.task;
    this.claude.call(
      { inputTokens: sample.inputTokens, outputTokens: sample.outputTokens, cacheRead: t.cacheReadFraction, cacheWrite: t.cacheWriteFraction },
      (outcome) => done(outcome === 'ok'),
    );
  }

  private ollamaCall(from: Machine, sample: StepSample, done: (ok: boolean) => void): void {
    const counters = this.ctx.counters;
    const sim = this.ctx.sim;
    const model = this.models.length === 1 ? this.models[0]! : this.models[this.routeRng.nextInt(this.models.length)]!;
    const candidates = this.candidates.get(model)!;
    const { chosen, refusals } = this.router.pick(candidates, from.index, (e) => e.ollama.admit(model));
    counters.add('ollama.503', refusals);
    // each 503 costs a round trip before the next endpoint (or Claude) is tried
    const mesh = this.ctx.config.network.mesh;
    const rtt = from.relayed ? mesh.relayed.rtt : mesh.direct.rtt;
    const refusalDelay = refusals * rtt;
    if (!chosen) {
      if (this.ctx.config.routing.fallbackToClaude) {
        counters.add('ollama.fallbacks');
        if (refusalDelay > 0) sim.schedule(refusalDelay, () => this.claudeCall(sample, done));
        else this.claudeCall(sample, done);
      } else {
        counters.add('ollama.failures');
        sim.schedule(refusalDelay, () => done(false));
      }
      return;
    }
    const endpoint = chosen;
    const started = sim.now;
    const requestBytes = sample.inputTokens * this.ctx.config.claude.bytesPerInputToken;
    const responseBytes = sample.outputTokens * this.ctx.config.claude.bytesPerOutputToken;
    const finish = (): void => {
      counters.add('ollama.requests');
      counters.add('ollama.latency.sum', sim.now - started);
      counters.add('ollama.latency.count');
      done(true);
    };
    if (endpoint.node === from) {
      sim.schedule(refusalDelay, () => endpoint.ollama.enqueue(model, sample.inputTokens, sample.outputTokens, finish));
      return;
    }
    const relayed = from.relayed || endpoint.node.relayed;
    const link = relayed ? this.network.meshRelay : this.network.meshDirect;
    const wireUp = meshWireBytes(this.network.config, requestBytes);
    const wireDown = meshWireBytes(this.network.config, responseBytes);
    counters.add('mesh.bytes', wireUp + wireDown);
    const send = (): void =>
      link.transfer(wireUp, () =>
        endpoint.ollama.enqueue(model, sample.inputTokens, sample.outputTokens, () => sim.schedule(link.config.rtt / 2, finish)),
      );
    if (refusalDelay > 0) sim.schedule(refusalDelay, send);
    else send();
  }

  private finish(task: Task, ok: boolean): void {
    const agent = task.agent!;
    const sim = this.ctx.sim;
    this.hub.progressStream(task, -1);
    this.deployment.stream(agent.machine.cpu, -1);
    const last = this.working.pop()!;
    if (last !== agent) {
      this.working[agent.slot] = last;
      last.slot = agent.slot;
    }
    agent.slot = -1;
    this.busyAgents.update(this.working.length, sim.now);
    sim.schedule(agent.machine.oneWay(this.ctx.config), () =>
      this.hub.complete(task, () => {
        const counters = this.ctx.counters;
        if (ok) {
          const latency = sim.now - task.submitted;
          counters.add('tasks.completed');
          counters.add(`tasks.completed.${task.spec.tier}`);
          counters.add('latency.sum', latency);
          this.taskLatency.record(latency);
        } else {
          counters.add('tasks.failed');
        }
        agent.busy = false;
        this.idle[agent.shard]!.push(agent);
        if (task.owner) this.scheduleNext(task.owner);
        this.hub.agentIdle(agent.shard);
      }),
    );
  }

  private scheduleNext(owner: Agent): void {
    if (!this.thinkTime) return;
    this.ctx.sim.schedule(this.thinkTime(owner), () => this.submit(owner));
  }
}
