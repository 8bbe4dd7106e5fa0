// One scheduling attempt as AgentCom's Scheduler makes it: fold over the whole task table, keep the
// queued tasks, sort them by priority lane then age, and give each in turn to the first idle agent
// whose capabilities include everything the task needs. Pure: the hub applies the result.

import type { Task } from './types.js';

export interface AgentView {
  agent_id: string;
  capabilities: readonly string[];
}

export interface Assignment {
  task: Task;
  agentId: string;
}

export interface ScanResult {
  assignments: Assignment[];
  /** Tasks the fold visited (the whole table, not only the queued ones). */
  examined: number;
  queued: number;
}

export function byPriorityThenAge(a: Task, b: Task): number {
  return a.priority - b.priority || a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function capable(agent: AgentView, task: Task): boolean {
  return task.needed_capabilities.every((c) => agent.capabilities.includes(c));
}

/** `idleAgents` in the order they are offered work (the hub uses connection order). */
export function planAssignments(tasks: Iterable<Task>, idleAgents: readonly AgentView[]): ScanResult {
  const queued: Task[] = [];
  let examined = 0;
  for (const t of tasks) {
    examined++;
    if (t.status === 'queued') queued.push(t);
  }
  const assignments: Assignment[] = [];
  if (idleAgents.length === 0 || queued.length === 0) return { assignments, examined, queued: queued.length };
  queued.sort(byPriorityThenAge);
  const free = [...idleAgents];
  for (const task of queued) {
    if (free.length === 0) break;
    const i = free.findIndex((a) => capable(a, task));
    if (i < 0) continue;
    assignments.push({ task, agentId: free[i].agent_id });
    free.splice(i, 1);
  }
  return { assignments, examined, queued: queued.length };
}
