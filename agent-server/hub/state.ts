// The hub's tables in memory (tasks, tokens) and how store records rebuild them on replay.

import type { StoreRecord } from './record-codec.js';
import type { Task } from './types.js';

export const HISTORY_CAP = 50;

export class HubState {
  readonly tasks = new Map<string, Task>();
  /** token → agent_id */
  readonly tokens = new Map<string, string>();
  private readonly revs = new Map<string, number>();
  private lastRev = 0;

  /** Replays one record; a task record older than what is held is ignored. */
  apply(record: StoreRecord): void {
    if (record.k === 'token') {
      this.tokens.set(record.token, record.agent_id);
      return;
    }
    const held = this.revs.get(record.task.id) ?? -1;
    if (record.rev > held) {
      this.tasks.set(record.task.id, record.task);
      this.revs.set(record.task.id, record.rev);
    }
    if (record.rev > this.lastRev) this.lastRev = record.rev;
  }

  /** Stores a task in memory and returns the record that makes the change durable. */
  put(task: Task): StoreRecord {
    const rev = ++this.lastRev;
    this.tasks.set(task.id, task);
    this.revs.set(task.id, rev);
    // A copy, so later in-memory changes cannot alter what the writer serialises.
    return { k: 'task', rev, task: structuredClone(task) };
  }

  addToken(token: string, agentId: string): StoreRecord {
    this.tokens.set(token, agentId);
    return { k: 'token', token, agent_id: agentId };
  }

  /** Every live record, for a snapshot. */
  snapshot(): StoreRecord[] {
    const out: StoreRecord[] = [];
    for (const [token, agent_id] of this.tokens) out.push({ k: 'token', token, agent_id });
    for (const [id, task] of this.tasks) out.push({ k: 'task', rev: this.revs.get(id) ?? 0, task });
    return out;
  }
}

export function pushHistory(task: Task, event: string, timestamp: number, details: unknown): void {
  task.history.unshift({ event, timestamp, details });
  if (task.history.length > HISTORY_CAP) task.history.length = HISTORY_CAP;
}
