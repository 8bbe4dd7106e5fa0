// Crash safety of the hub's store, for real: the built CLI runs the hub as a child process, a sidecar
// works and submissions stream in, the hub is killed with SIGKILL mid-stream and restarted on the same
// data dir. Every task that got a 201 must be there exactly once; every task acknowledged complete must
// stay complete and never be handed out again; work in flight comes back under a new generation.

import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { HubSocket, startSimSidecar } from '../agent-server/index.js';
import { CLI_PATH } from './cli.js';

const ADMIN = 'crash-test-admin-token-0123456789';
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

async function spawnHub(dataDir: string, sync: string): Promise<{ child: ChildProcess; url: string; ws: string }> {
  const child = spawn(process.execPath, [CLI_PATH, 'serve-hub', '--port', '0', '--data-dir', dataDir, '--admin-token', ADMIN, '--store-sync', sync, '--rate-limits', 'off'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`hub exited with ${code} before listening: ${stderr}`)));
  });
  const info = JSON.parse(line) as { url: string; ws: string };
  return { child, url: info.url, ws: info.ws };
}

async function api(url: string, method: string, p: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}${p}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

interface ListedTask {
  id: string;
  status: string;
  generation: number;
}

async function allTasks(url: string): Promise<ListedTask[]> {
  const live = (await api(url, 'GET', '/api/tasks')).json.tasks as ListedTask[];
  const dead = (await api(url, 'GET', '/api/tasks/dead-letter')).json.tasks as ListedTask[];
  return [...live, ...dead];
}

async function crashRun(sync: 'fsync' | 'group'): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `hub-crash-${sync}-`));
  dirs.push(dataDir);
  const first = await spawnHub(dataDir, sync);
  const token = (await api(first.url, 'POST', '/admin/tokens', { agent_id: 'worker' })).json.token as string;

  const ackedComplete = new Set<string>();
  const assignedGen = new Map<string, number>();
  const sidecar = await startSimSidecar(first.ws, {
    agentId: 'worker',
    token,
    serviceMs: 3,
    progressFrames: 1,
    onComplete: (id) => ackedComplete.add(id),
  });
  sidecar.ws.on('message', (data) => {
    const f = JSON.parse(String(data)) as { type: string; task_id?: string; generation?: number };
    if (f.type === 'task_assign') assignedGen.set(String(f.task_id), Number(f.generation));
  });

  // Submissions stream from several concurrent submitters until the hub is killed under them.
  const created: string[] = [];
  let attempts = 0;
  let stop = false;
  const submitter = async (n: number): Promise<void> => {
    for (let i = 0; !stop; i++) {
      attempts++;
      try {
        const r = await api(first.url, 'POST', '/api/tasks', { description: `crash task ${n}-${i}`, priority: ['urgent', 'high', 'normal', 'low'][i % 4] });
        if (r.status === 201) created.push(r.json.task_id as string);
      } catch {
        return; // the hub is gone
      }
    }
  };
  const streams = [0, 1, 2, 3].map(submitter);
  while (created.length < 120 || ackedComplete.size < 10) await new Promise((r) => setTimeout(r, 5));
  first.child.kill('SIGKILL');
  stop = true;
  await Promise.all(streams);
  await sidecar.closed;
  expect(first.child.signalCode ?? (await new Promise((r) => first.child.once('exit', (_c, s) => r(s))))).toBe('SIGKILL');

  const second = await spawnHub(dataDir, sync);
  const tasks = await allTasks(second.url);
  const count = new Map<string, number>();
  for (const t of tasks) count.set(t.id, (count.get(t.id) ?? 0) + 1);
  for (const id of created) expect(count.get(id), `task ${id} got a 201`).toBe(1);
  expect(tasks.length).toBe(count.size);
  expect(tasks.length).toBeLessThanOrEqual(attempts);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  for (const id of ackedComplete) expect(byId.get(id)?.status).toBe('completed');
  // Nothing is left assigned to the dead hub's connections: in-flight work is queued again.
  expect(tasks.filter((t) => t.status === 'assigned')).toHaveLength(0);

  // The worker comes back: a late completion of the old run is refused, and every remaining task
  // runs to completion without a completed one being handed out again.
  const reassigned: string[] = [];
  const after = [await startSimSidecar(second.ws, { agentId: 'worker', token, serviceMs: 1, progressFrames: 0, onAssign: (id) => reassigned.push(id) })];
  for (const sidecar of ['sidecar-1', 'sidecar-2', 'sidecar-3']) {
    const t = (await api(second.url, 'POST', '/admin/tokens', { agent_id: sidecar })).json.token as string;
    after.push(await startSimSidecar(second.ws, { agentId: sidecar, token: t, serviceMs: 1, progressFrames: 0, onAssign: (id) => reassigned.push(id) }));
  }
  const inFlight = [...assignedGen.entries()].find(([id]) => !ackedComplete.has(id) && byId.get(id)?.status === 'queued');
  if (inFlight) {
    const probe = await HubSocket.connect(second.ws, { agentId: 'late-reporter', token: (await api(second.url, 'POST', '/admin/tokens', { agent_id: 'late-reporter' })).json.token as string });
    probe.send({ type: 'task_complete', task_id: inFlight[0], generation: inFlight[1] });
    const reply = await probe.next((f) => f.type === 'error' || f.type === 'task_ack');
    expect(reply.type).toBe('error');
    await probe.close();
  }
  for (;;) {
    const stats = (await api(second.url, 'GET', '/api/tasks/stats')).json as { by_status: Record<string, number> };
    if (!stats.by_status.queued && !stats.by_status.assigned) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  for (const id of reassigned) expect(ackedComplete.has(id), `completed task ${id} was assigned again`).toBe(false);
  const final = await allTasks(second.url);
  expect(final.every((t) => t.status === 'completed')).toBe(true);
  await Promise.all(after.map((a) => a.close()));
  second.child.kill('SIGTERM');
  await new Promise((r) => second.child.once('exit', r));
}

describe('hub crash safety (kill -9 mid-stream, restart)', () => {
  it('keeps every 201 task exactly once with fsync after every write', async () => {
    await crashRun('fsync');
  });
  it('keeps every 201 task exactly once with group commit', async () => {
    await crashRun('group');
  });
});
