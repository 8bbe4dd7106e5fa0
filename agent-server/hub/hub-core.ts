// The hub's task queue, agent registry and scheduler, without sockets: what AgentCom splits across
// TaskQueue, Scheduler and AgentFSM. Every change is made in memory, appended to the store, and only
// acknowledged (201, task_ack, task_assign) once the store says it is durable.

import { randomBytes } from 'node:crypto';
import { buildComplexity, route } from './complexity.js';
import { LogStore } from './log-store.js';
import type { HubMetrics } from './metrics.js';
import { RateLimiter } from './rate-limiter.js';
import { planAssignments } from './scheduler.js';
import { HubState, pushHistory } from './state.js';
import { PRIORITY_LANES, type HubOptions, type Task, type Tier } from './types.js';

/** The hub's handle on one connected sidecar. */
export interface AgentLink {
  send(message: Record<string, unknown>): void;
  close(code: number, reason: string): void;
}

export type AgentFsmState = 'idle' | 'assigned' | 'working';

export interface AgentEntry {
  agent_id: string;
  name: string;
  capabilities: string[];
  ollama_url: string | null;
  connected_at: number;
  fsm: AgentFsmState;
  current_task: string | null;
  resources: Record<string, unknown> | null;
  link: AgentLink;
  acceptTimer: NodeJS.Timeout | null;
  /** Connection order: the scheduler offers work to agents in this order. */
  order: number;
}

export interface SubmitParams {
  description: string;
  priority: string;
  metadata: Record<string, unknown>;
  max_retries: number;
  needed_capabilities: string[];
  complexity_tier: Tier | null;
  file_hints: string[];
  complete_by: number | null;
  submitted_by: string;
}

export type FinishOutcome =
  | { ok: true; status: 'complete' | 'retried' | 'dead_letter' }
  | { ok: false; reason: 'not_found' | 'stale_generation' | 'invalid_state' };

export interface Recovery {
  tasks: number;
  tokens: number;
  /** Tasks found assigned (in flight at the crash) and put back in the queue with a new generation. */
  reclaimed: number;
  droppedTailBytes: number;
}

function newTaskId(): string {
  return `task-${randomBytes(8).toString('hex')}`;
}

export class HubCore {
  readonly agents = new Map<string, AgentEntry>();
  readonly limiter: RateLimiter;
  private timers: NodeJS.Timeout[] = [];
  private agentSeq = 0;
  private closed = false;

  private constructor(
    readonly opts: HubOptions,
    readonly state: HubState,
    readonly store: LogStore,
    readonly metrics: HubMetrics,
  ) {
    this.limiter = new RateLimiter(opts.rateLimits);
    store.snapshotSource = () => state.snapshot();
  }

  static async open(opts: HubOptions, metrics: HubMetrics): Promise<{ core: HubCore; recovery: Recovery }> {
    const opened = await LogStore.open(opts.dataDir, opts.sync, opts.compactBytes, {
      onSync: (s, n) => metrics.recordFsync(s, n),
      onWrite: (n, bytes) => {
        metrics.recordsWritten += n;
        metrics.bytesWritten += bytes;
      },
    });
    const state = new HubState();
    for (const r of opened.records) state.apply(r);
    const core = new HubCore(opts, state, opened.store, metrics);
    // Whatever was in flight when the hub stopped goes back to the queue under a new generation,
    // so a late completion from the old run is refused and the task runs again exactly once more.
    const now = Date.now();
    const writes: Promise<void>[] = [];
    let reclaimed = 0;
    for (const task of state.tasks.values()) {
      if (task.status !== 'assigned') continue;
      reclaimed++;
      task.status = 'queued';
      task.assigned_to = null;
      task.assigned_at = null;
      task.generation += 1;
      task.updated_at = now;
      pushHistory(task, 'reclaimed', now, 'hub_restart');
      writes.push(opened.store.append(state.put(task)));
    }
    await Promise.all(writes);
    core.startSweeps();
    return {
      core,
      recovery: { tasks: state.tasks.size, tokens: state.tokens.size, reclaimed, droppedTailBytes: opened.droppedTailBytes },
    };
  }

  private startSweeps(): void {
    const every = (seconds: number, fn: () => void): void => {
      const t = setInterval(fn, Math.max(1, seconds * 1000));
      t.unref();
      this.timers.push(t);
    };
    every(this.opts.sweepInterval, () => this.sweepStuck());
    every(this.opts.ttlSweepInterval, () => this.sweepTtl());
  }

  // --- tokens ---------------------------------------------------------------------------------

  async issueToken(agentId: string): Promise<string> {
    const token = randomBytes(32).toString('hex');
    await this.store.append(this.state.addToken(token, agentId));
    return token;
  }

  agentForToken(token: string): string | undefined {
    return this.state.tokens.get(token);
  }

  // --- tasks ----------------------------------------------------------------------------------

  async submit(p: SubmitParams): Promise<Task> {
    const now = Date.now();
    const task: Task = {
      id: newTaskId(),
      description: p.description,
      metadata: p.metadata,
      priority: PRIORITY_LANES[p.priority] ?? 2,
      status: 'queued',
      assigned_to: null,
      assigned_at: null,
      generation: 0,
      retry_count: 0,
      max_retries: p.max_retries,
      needed_capabilities: p.needed_capabilities,
      last_error: null,
      complete_by: p.complete_by,
      result: null,
      tokens_used: null,
      submitted_by: p.submitted_by,
      created_at: now,
      updated_at: now,
      history: [{ event: 'queued', timestamp: now, details: 'submitted' }],
      file_hints: p.file_hints,
      complexity: buildComplexity(p.description, p.complexity_tier, p.file_hints),
      routing_decision: null,
    };
    await this.store.append(this.state.put(task));
    this.metrics.count('submitted', Date.now());
    this.schedule('task_submitted');
    return task;
  }

  get(taskId: string): Task | undefined {
    return this.state.tasks.get(taskId);
  }

  stats(): Record<string, unknown> {
    const byStatus: Record<string, number> = {};
    const byPriority: Record<string, number> = {};
    let dead = 0;
    let queued = 0;
    for (const t of this.state.tasks.values()) {
      if (t.status === 'dead_letter') {
        dead++;
        continue;
      }
      if (t.status === 'queued') queued++;
      byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
      byPriority[String(t.priority)] = (byPriority[String(t.priority)] ?? 0) + 1;
    }
    return { by_status: byStatus, by_priority: byPriority, dead_letter: dead, queued_index_size: queued };
  }

  queueDepth(): number {
    let n = 0;
    for (const t of this.state.tasks.values()) if (t.status === 'queued') n++;
    return n;
  }

  // --- agents ---------------------------------------------------------------------------------

  /** Registers an identified agent; an older connection of the same agent is closed first. */
  connect(agent: Omit<AgentEntry, 'fsm' | 'current_task' | 'acceptTimer' | 'order' | 'resources' | 'connected_at'>): AgentEntry {
    const old = this.agents.get(agent.agent_id);
    if (old) {
      this.disconnect(old);
      old.link.close(1000, 'replaced by a new connection');
    }
    const entry: AgentEntry = {
      ...agent,
      connected_at: Date.now(),
      fsm: 'idle',
      current_task: null,
      resources: null,
      acceptTimer: null,
      order: this.agentSeq++,
    };
    this.agents.set(entry.agent_id, entry);
    this.schedule('agent_joined');
    return entry;
  }

  disconnect(agent: AgentEntry): void {
    if (this.agents.get(agent.agent_id) !== agent) return;
    this.agents.delete(agent.agent_id);
    this.clearAcceptTimer(agent);
    const task = agent.current_task ? this.state.tasks.get(agent.current_task) : undefined;
    if (task && task.status === 'assigned' && task.assigned_to === agent.agent_id) {
      this.reclaim(task, 'agent_disconnect');
      this.schedule('task_reclaimed');
    }
  }

  // --- scheduling -----------------------------------------------------------------------------

  /** One scheduling attempt; AgentCom runs one per trigger, each a fold over the task table. */
  schedule(trigger: string): void {
    if (this.closed) return;
    const idle = [...this.agents.values()].filter((a) => a.fsm === 'idle').sort((a, b) => a.order - b.order);
    const scan = planAssignments(this.state.tasks.values(), idle);
    this.metrics.recordScan(scan.examined, scan.queued - scan.assignments.length, trigger);
    for (const { task, agentId } of scan.assignments) {
      const agent = this.agents.get(agentId);
      if (agent) this.assign(task, agent);
    }
  }

  private ollamaEndpoints(): string[] {
    const eps = new Set(this.opts.ollamaEndpoints);
    for (const a of this.agents.values()) if (a.ollama_url) eps.add(a.ollama_url);
    return [...eps];
  }

  private assign(task: Task, agent: AgentEntry): void {
    const now = Date.now();
    task.routing_decision = route(task.complexity, {
      ollamaEndpoints: this.ollamaEndpoints(),
      ollamaModel: this.opts.ollamaModel,
      claudeModel: this.opts.claudeModel,
      now,
    });
    const routingWrite = this.store.append(this.state.put(task));
    task.status = 'assigned';
    task.assigned_to = agent.agent_id;
    task.assigned_at = now;
    task.generation += 1;
    task.updated_at = now;
    pushHistory(task, 'assigned', now, { agent_id: agent.agent_id, generation: task.generation });
    const generation = task.generation;
    agent.fsm = 'assigned';
    agent.current_task = task.id;
    const assignWrite = this.store.append(this.state.put(task));
    Promise.all([routingWrite, assignWrite]).then(
      () => {
        // The agent may have gone, or the task been reclaimed, while the write was in flight.
        if (this.agents.get(agent.agent_id) !== agent || agent.current_task !== task.id) return;
        if (task.status !== 'assigned' || task.generation !== generation) return;
        agent.link.send({
          type: 'task_assign',
          task_id: task.id,
          description: task.description,
          metadata: task.metadata,
          generation,
          assigned_at: now,
          file_hints: task.file_hints,
          complexity: task.complexity,
          routing_decision: task.routing_decision,
        });
        this.clearAcceptTimer(agent);
        agent.acceptTimer = setTimeout(() => this.acceptTimedOut(agent, task.id, generation), this.opts.acceptTimeout * 1000);
        agent.acceptTimer.unref();
      },
      () => undefined,
    );
  }

  private clearAcceptTimer(agent: AgentEntry): void {
    if (agent.acceptTimer) clearTimeout(agent.acceptTimer);
    agent.acceptTimer = null;
  }

  /** No task_accepted in time: the task is reclaimed and the attempt counts as a retry. */
  private acceptTimedOut(agent: AgentEntry, taskId: string, generation: number): void {
    agent.acceptTimer = null;
    const task = this.state.tasks.get(taskId);
    if (!task || task.status !== 'assigned' || task.generation !== generation) return;
    if (agent.current_task === taskId) {
      agent.current_task = null;
      agent.fsm = 'idle';
    }
    this.retryOrDeadLetter(task, 'accept_timeout', 'accept_timeout');
    this.schedule('task_reclaimed');
  }

  /** Back to the queue under a new generation, without counting a retry (AgentCom's reclaim_task). */
  private reclaim(task: Task, reason: string): void {
    const now = Date.now();
    task.status = 'queued';
    task.assigned_to = null;
    task.assigned_at = null;
    task.generation += 1;
    task.updated_at = now;
    pushHistory(task, 'reclaimed', now, reason);
    void this.store.append(this.state.put(task)).catch(() => undefined);
    this.metrics.count('reclaimed', now);
  }

  private retryOrDeadLetter(task: Task, error: string, event: string): Promise<'retried' | 'dead_letter'> {
    const now = Date.now();
    task.retry_count += 1;
    task.last_error = error;
    task.updated_at = now;
    task.assigned_to = null;
    task.assigned_at = null;
    let outcome: 'retried' | 'dead_letter';
    if (task.retry_count >= task.max_retries) {
      task.status = 'dead_letter';
      pushHistory(task, 'dead_letter', now, error);
      this.metrics.count('dead_letter', now);
      outcome = 'dead_letter';
    } else {
      task.status = 'queued';
      task.generation += 1;
      pushHistory(task, event === 'accept_timeout' ? 'reclaimed' : 'retry', now, error);
      this.metrics.count(event === 'accept_timeout' ? 'reclaimed' : 'retried', now);
      outcome = 'retried';
    }
    return this.store.append(this.state.put(task)).then(() => outcome);
  }

  accepted(agent: AgentEntry, taskId: string): void {
    const task = this.state.tasks.get(taskId);
    if (!task || task.status !== 'assigned') return;
    if (agent.current_task === taskId) {
      this.clearAcceptTimer(agent);
      agent.fsm = 'working';
    }
    this.touch(task);
  }

  /** AgentCom's update_progress: a synced write of updated_at, so the stuck sweep leaves the task. */
  progress(taskId: string): void {
    const task = this.state.tasks.get(taskId);
    if (task && task.status === 'assigned') this.touch(task);
  }

  private touch(task: Task): void {
    task.updated_at = Date.now();
    void this.store.append(this.state.put(task)).catch(() => undefined);
  }

  async complete(agent: AgentEntry, taskId: string, generation: number, result: unknown, tokensUsed: number | null): Promise<FinishOutcome> {
    const task = this.state.tasks.get(taskId);
    if (!task) return { ok: false, reason: 'not_found' };
    if (task.status !== 'assigned') return { ok: false, reason: 'invalid_state' };
    if (task.generation !== generation) return { ok: false, reason: 'stale_generation' };
    const now = Date.now();
    const assignedAt = task.assigned_at ?? now;
    const holder = this.holder(task) ?? agent;
    task.status = 'completed';
    task.result = result;
    task.tokens_used = tokensUsed;
    task.updated_at = now;
    pushHistory(task, 'completed', now, { tokens_used: tokensUsed });
    await this.store.append(this.state.put(task));
    this.metrics.count('completed', now);
    this.metrics.recordDuration(now, now - assignedAt);
    this.schedule('task_completed');
    this.releaseAgent(holder, taskId);
    return { ok: true, status: 'complete' };
  }

  async fail(agent: AgentEntry, taskId: string, generation: number, error: string): Promise<FinishOutcome> {
    const task = this.state.tasks.get(taskId);
    if (!task) return { ok: false, reason: 'not_found' };
    if (task.status !== 'assigned') return { ok: false, reason: 'invalid_state' };
    if (task.generation !== generation) return { ok: false, reason: 'stale_generation' };
    this.metrics.count('failed', Date.now());
    const holder = this.holder(task) ?? agent;
    const outcome = await this.retryOrDeadLetter(task, error, 'retry');
    this.schedule('task_retried');
    this.releaseAgent(holder, taskId);
    return { ok: true, status: outcome };
  }

  /** The connected agent the task is assigned to: the one to free when the task ends, whoever reports it. */
  private holder(task: Task): AgentEntry | undefined {
    return task.assigned_to ? this.agents.get(task.assigned_to) : undefined;
  }

  /**
   * Called once the outcome is durable: the agent is idle again (AgentFSM's transition) and that is
   * a scheduling trigger of its own. Its next task_assign needs another durable write, so the
   * task_ack for this task always reaches the agent first.
   */
  private releaseAgent(agent: AgentEntry, taskId: string): void {
    if (agent.current_task !== taskId || this.agents.get(agent.agent_id) !== agent) return;
    this.clearAcceptTimer(agent);
    agent.current_task = null;
    agent.fsm = 'idle';
    this.schedule('agent_idle');
  }

  // --- sweeps ---------------------------------------------------------------------------------

  /**
   * Assigned tasks without progress for stuckThreshold (Scheduler's stuck sweep) or past their
   * complete_by (TaskQueue's overdue sweep) go back to the queue.
   */
  sweepStuck(): void {
    const now = Date.now();
    const cutoff = now - this.opts.stuckThreshold * 1000;
    let any = false;
    for (const task of this.state.tasks.values()) {
      if (task.status !== 'assigned') continue;
      const overdue = task.complete_by !== null && task.complete_by < now;
      if (task.updated_at >= cutoff && !overdue) continue;
      const agent = task.assigned_to ? this.agents.get(task.assigned_to) : undefined;
      if (agent && agent.current_task === task.id) {
        this.clearAcceptTimer(agent);
        agent.current_task = null;
        agent.fsm = 'idle';
      }
      this.reclaim(task, overdue ? 'overdue' : 'stuck');
      any = true;
    }
    if (any) this.schedule('task_reclaimed');
  }

  /** Non-trivial tasks queued longer than queuedTtl are dead-lettered. */
  sweepTtl(): void {
    const now = Date.now();
    const cutoff = now - this.opts.queuedTtl * 1000;
    for (const task of this.state.tasks.values()) {
      if (task.status !== 'queued' || task.created_at >= cutoff || task.complexity.effective_tier === 'trivial') continue;
      task.status = 'dead_letter';
      task.last_error = 'ttl_expired';
      task.updated_at = now;
      pushHistory(task, 'dead_letter', now, 'ttl_expired');
      this.metrics.count('dead_letter', now);
      void this.store.append(this.state.put(task)).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const a of this.agents.values()) this.clearAcceptTimer(a);
    await this.store.close();
  }
}
