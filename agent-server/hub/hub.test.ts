// The hub end to end in one process: real HTTP, real WebSocket clients, a real store on disk.

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type HubHandle } from './server.js';
import { HubSocket } from './sidecar-client.js';
import type { HubOptions } from './types.js';

const ADMIN = 'admin-token-for-tests-0123456789';
const hubs: HubHandle[] = [];
const sockets: HubSocket[] = [];
const dirs: string[] = [];

async function hub(extra: Partial<HubOptions> = {}): Promise<HubHandle> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-e2e-'));
  dirs.push(dataDir);
  const h = await startHub({ port: 0, dataDir, adminToken: ADMIN, rateLimits: { enabled: false, perMinute: { light: 120, normal: 60, heavy: 10 } }, ...extra });
  hubs.push(h);
  return h;
}

async function http(h: HubHandle, method: string, p: string, body?: unknown, token?: string): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${h.url}${p}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { raw: text };
  }
  return { status: res.status, json, headers: res.headers };
}

async function token(h: HubHandle, agentId: string): Promise<string> {
  const r = await http(h, 'POST', '/admin/tokens', { agent_id: agentId }, ADMIN);
  expect(r.status).toBe(201);
  expect(r.json.agent_id).toBe(agentId);
  return r.json.token as string;
}

async function agent(h: HubHandle, agentId: string, capabilities: string[] = []): Promise<HubSocket> {
  const s = await HubSocket.connect(h.wsUrl, { agentId, token: await token(h, agentId), capabilities });
  sockets.push(s);
  return s;
}

async function submit(h: HubHandle, body: Record<string, unknown>): Promise<string> {
  const r = await http(h, 'POST', '/api/tasks', body, ADMIN);
  expect(r.status).toBe(201);
  expect(r.json).toMatchObject({ status: 'queued' });
  return r.json.task_id as string;
}

async function waitFor<T>(probe: () => Promise<T> | T, ok: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await probe();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  // The hub sees a close a moment after the client does; tests sharing a hub start from no agents.
  await waitFor(() => hubs.every((h) => h.core.agents.size === 0), (v) => v, 'agents to disconnect');
});
afterAll(async () => {
  for (const h of hubs) await h.close();
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

describe('hub protocol', () => {
  let h: HubHandle;
  beforeAll(async () => {
    h = await hub();
  });

  it('identifies, answers ping, and runs a task through assign, accept, progress, complete', async () => {
    const s = await agent(h, 'sidecar-1', ['code']);
    s.send({ type: 'ping' });
    expect(await s.nextOfType('pong')).toHaveProperty('timestamp');
    const id = await submit(h, { description: 'add a unit test for the parser', priority: 'high', complexity_tier: 'complex', metadata: { repo: 'x' } });
    const assign = await s.nextOfType('task_assign');
    expect(assign).toMatchObject({ task_id: id, generation: 1, description: 'add a unit test for the parser', metadata: { repo: 'x' } });
    expect(assign.routing_decision).toMatchObject({ effective_tier: 'complex', target_type: 'claude' });
    s.send({ type: 'task_accepted', task_id: id });
    expect(await s.nextOfType('task_ack')).toMatchObject({ task_id: id, status: 'accepted' });
    s.send({ type: 'task_progress', task_id: id, progress: 50 });
    s.send({ type: 'resource_report', cpu_percent: 12, ram_used_bytes: 1, ram_total_bytes: 2 });
    s.send({ type: 'task_complete', task_id: id, generation: 1, result: { ok: true }, tokens_used: 42 });
    expect(await s.nextOfType('task_ack')).toMatchObject({ task_id: id, status: 'complete' });
    const t = await http(h, 'GET', `/api/tasks/${id}`, undefined, ADMIN);
    expect(t.status).toBe(200);
    expect(t.json).toMatchObject({ id, status: 'completed', priority: 1, generation: 1, tokens_used: 42, assigned_to: 'sidecar-1', result: { ok: true } });
    expect((t.json.routing_decision as Record<string, unknown>).target_type).toBe('claude');
    expect((t.json.history as { event: string }[]).map((e) => e.event)).toEqual(['completed', 'assigned', 'queued']);
    // A late or repeated completion is refused, never applied twice.
    s.send({ type: 'task_complete', task_id: id, generation: 1 });
    expect(await s.nextOfType('error')).toMatchObject({ error: 'task_complete_failed: invalid_state' });
    const agents = await http(h, 'GET', '/api/agents');
    expect(agents.json.agents).toEqual([expect.objectContaining({ agent_id: 'sidecar-1', capabilities: ['code'], fsm_state: 'idle' })]);
  });

  it('assigns by priority then age, one task per agent, only to capable agents', async () => {
    const ids = {
      low: await submit(h, { description: 'low one', priority: 'low' }),
      normal1: await submit(h, { description: 'normal one', priority: 'normal' }),
      urgent: await submit(h, { description: 'urgent one', priority: 'urgent' }),
      gpu: await submit(h, { description: 'needs gpu', priority: 'urgent', needed_capabilities: ['gpu'] }),
      normal2: await submit(h, { description: 'normal two', priority: 'normal' }),
    };
    const s = await agent(h, 'order-agent', ['code']);
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      const a = await s.nextOfType('task_assign');
      order.push(a.task_id as string);
      // One task at a time: nothing else arrives until this one is finished.
      expect(s.received.filter((f) => f.type === 'task_assign')).toHaveLength(i + 1);
      s.send({ type: 'task_complete', task_id: a.task_id, generation: a.generation });
      await s.next((f) => f.type === 'task_ack' && f.task_id === a.task_id);
    }
    expect(order).toEqual([ids.urgent, ids.normal1, ids.normal2, ids.low]);
    const gpu = await http(h, 'GET', `/api/tasks/${ids.gpu}`, undefined, ADMIN);
    expect(gpu.json.status).toBe('queued');
    const g = await agent(h, 'gpu-agent', ['gpu']);
    expect((await g.nextOfType('task_assign')).task_id).toBe(ids.gpu);
    const stats = await http(h, 'GET', '/api/tasks/stats', undefined, ADMIN);
    expect(stats.json).toMatchObject({ dead_letter: 0, queued_index_size: 0 });
    expect((stats.json.by_status as Record<string, number>).assigned).toBe(1);
  });

  it('rejects a completion that quotes an old generation and retries failed tasks up to max_retries, then dead-letters', async () => {
    const s = await agent(h, 'flaky');
    const id = await submit(h, { description: 'flaky task', max_retries: 2 });
    const a1 = await s.nextOfType('task_assign');
    expect(a1.task_id).toBe(id);
    s.send({ type: 'task_failed', task_id: id, generation: 1, error: 'boom' });
    expect(await s.nextOfType('task_ack')).toMatchObject({ task_id: id, status: 'retried' });
    const a2 = await s.nextOfType('task_assign');
    expect(a2).toMatchObject({ task_id: id, generation: 3 });
    s.send({ type: 'task_complete', task_id: id, generation: 1 });
    expect(await s.nextOfType('error')).toMatchObject({ error: 'task_complete_failed: stale_generation' });
    s.send({ type: 'task_failed', task_id: id, generation: 3, error: 'boom again' });
    expect(await s.nextOfType('task_ack')).toMatchObject({ task_id: id, status: 'dead_letter' });
    const t = await http(h, 'GET', `/api/tasks/${id}`, undefined, ADMIN);
    expect(t.json).toMatchObject({ status: 'dead_letter', retry_count: 2, last_error: 'boom again' });
    const dl = await http(h, 'GET', '/api/tasks/dead-letter', undefined, ADMIN);
    expect((dl.json.tasks as { id: string }[]).map((x) => x.id)).toContain(id);
  });

  it('reclaims a task whose agent disconnects and gives it to another under a new generation', async () => {
    const first = await agent(h, 'leaver');
    const id = await submit(h, { description: 'survives a disconnect' });
    const a = await first.nextOfType('task_assign');
    expect(a.task_id).toBe(id);
    await first.close();
    const second = await agent(h, 'stayer');
    const b = await second.nextOfType('task_assign');
    expect(b).toMatchObject({ task_id: id, generation: (a.generation as number) + 2 });
  });
});

describe('hub timeouts', () => {
  it('reclaims a task not accepted in time and dead-letters it after max_retries', async () => {
    const h = await hub({ acceptTimeout: 0.2 });
    const s = await agent(h, 'silent');
    const id = await submit(h, { description: 'nobody accepts this', max_retries: 3 });
    const gens: number[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await s.next((f) => f.type === 'task_assign' && f.task_id === id);
      gens.push(a.generation as number);
    }
    expect(gens).toEqual([1, 3, 5]);
    const t = await waitFor(() => http(h, 'GET', `/api/tasks/${id}`, undefined, ADMIN), (r) => r.json.status === 'dead_letter', 'dead letter');
    expect(t.json).toMatchObject({ retry_count: 3, last_error: 'accept_timeout' });
    expect((t.json.history as { event: string }[])[0].event).toBe('dead_letter');
  });

  it('reclaims stuck assignments and dead-letters tasks queued past the TTL', async () => {
    const h = await hub({ sweepInterval: 0.05, stuckThreshold: 0.3, ttlSweepInterval: 0.05, queuedTtl: 0.4 });
    const s = await agent(h, 'stuck');
    const id = await submit(h, { description: 'gets stuck', complexity_tier: 'trivial' });
    const a = await s.nextOfType('task_assign');
    s.send({ type: 'task_accepted', task_id: id });
    // No progress: the sweep takes it back and, the agent being idle again, offers it once more.
    const again = await s.next((f) => f.type === 'task_assign' && f.task_id === id);
    expect(again.generation).toBe((a.generation as number) + 2);
    await s.close();
    const orphan = await submit(h, { description: 'no agent for this', complexity_tier: 'standard' });
    const t = await waitFor(() => http(h, 'GET', `/api/tasks/${orphan}`, undefined, ADMIN), (r) => r.json.status === 'dead_letter', 'ttl');
    expect(t.json.last_error).toBe('ttl_expired');
  });

  it('closes a silent socket after the idle timeout', async () => {
    const h = await hub({ idleTimeout: 0.2 });
    const s = await HubSocket.open(h.wsUrl);
    expect((await s.closed).code).toBe(1001);
  });
});

describe('hub bad input', () => {
  let h: HubHandle;
  beforeAll(async () => {
    h = await hub({ maxFrameBytes: 4096 });
  });

  it('closes a connection whose first frame is not identify', async () => {
    const s = await HubSocket.open(h.wsUrl);
    s.send({ type: 'ping' });
    expect(await s.nextOfType('error')).toEqual({ type: 'error', error: 'not_identified' });
    expect((await s.closed).code).toBe(1008);
  });

  it('refuses a bad token and a token of another agent', async () => {
    const s = await HubSocket.open(h.wsUrl);
    s.send({ type: 'identify', agent_id: 'x', token: 'nope' });
    expect(await s.nextOfType('error')).toEqual({ type: 'error', error: 'invalid_token' });
    expect((await s.closed).code).toBe(1008);
    const t = await token(h, 'owner');
    const s2 = await HubSocket.open(h.wsUrl);
    s2.send({ type: 'identify', agent_id: 'thief', token: t });
    expect(await s2.nextOfType('error')).toEqual({ type: 'error', error: 'token_agent_mismatch' });
  });

  it('answers bad frames with errors and closes 1008 at the tenth violation', async () => {
    const s = await agent(h, 'noisy');
    s.send('{not json');
    expect(await s.nextOfType('error')).toEqual({ type: 'error', error: 'invalid_json' });
    s.send({ type: 'launch_missiles' });
    expect(await s.nextOfType('error')).toMatchObject({ error: 'validation_failed', message_type: 'launch_missiles' });
    s.send({ type: 'task_complete', generation: 'x' });
    const v = await s.nextOfType('error');
    expect(v).toMatchObject({ error: 'validation_failed', message_type: 'task_complete' });
    expect((v.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['generation', 'task_id']);
    s.send({ type: 'ping' });
    expect(await s.nextOfType('pong')).toBeTruthy();
    for (let i = 0; i < 7; i++) s.send([1, 2, 3].join(','));
    const closed = await s.closed;
    expect(closed).toEqual({ code: 1008, reason: 'too many validation errors' });
    expect(s.received.filter((f) => f.type === 'error')).toHaveLength(9);
    const health = await http(h, 'GET', '/health');
    expect(health.json).toMatchObject({ status: 'ok', service: 'agent_com' });
  });

  it('closes a frame over the size cap with 1009', async () => {
    const s = await agent(h, 'big');
    s.send({ type: 'task_progress', task_id: 'x'.repeat(10_000) });
    expect((await s.closed).code).toBe(1009);
  });

  it('gives HTTP errors in AgentCom shapes', async () => {
    expect(await http(h, 'POST', '/api/tasks', { description: 'x' })).toMatchObject({ status: 401, json: { error: 'unauthorized' } });
    expect(await http(h, 'POST', '/api/tasks', { description: 'x' }, 'wrong')).toMatchObject({ status: 401 });
    expect(await http(h, 'POST', '/api/tasks', '{"description": ', ADMIN)).toMatchObject({ status: 400, json: { error: 'invalid_json' } });
    const bad = await http(h, 'POST', '/api/tasks', { priority: 'asap', max_retries: -1 }, ADMIN);
    expect(bad.status).toBe(422);
    expect(bad.json.error).toBe('validation_failed');
    expect((bad.json.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['description', 'max_retries', 'priority']);
    expect(await http(h, 'GET', '/api/tasks/task-nope', undefined, ADMIN)).toMatchObject({ status: 404, json: { error: 'task_not_found', task_id: 'task-nope' } });
    expect(await http(h, 'GET', '/nowhere')).toMatchObject({ status: 404, json: { error: 'not_found' } });
    expect(await http(h, 'GET', '/api/tasks/%E0%A4%A', undefined, ADMIN)).toMatchObject({ status: 400, json: { error: 'invalid_path' } });
    expect(await http(h, 'POST', '/api/tasks', '[1, 2]', ADMIN)).toMatchObject({ status: 422, json: { error: 'validation_failed' } });
    expect(await http(h, 'POST', '/api/tasks', { description: 'y'.repeat(5000) }, ADMIN)).toMatchObject({ status: 413 });
    const agentTok = await token(h, 'not-admin');
    expect(await http(h, 'POST', '/admin/tokens', { agent_id: 'z' }, agentTok)).toMatchObject({ status: 401 });
    expect(await http(h, 'POST', '/admin/tokens', { agent_id: '' }, ADMIN)).toMatchObject({ status: 422 });
    expect(await http(h, 'POST', '/api/tasks', { description: 'by an agent' }, agentTok)).toMatchObject({ status: 201 });
  });

  it('serves /api/metrics in AgentCom\'s shape and Prometheus text on /metrics', async () => {
    const m = await http(h, 'GET', '/api/metrics');
    expect(m.status).toBe(200);
    expect(m.json).toMatchObject({
      window_ms: 3_600_000,
      queue_depth: { current: expect.any(Number), max_1h: expect.any(Number) },
      task_latency: { window: { p50: expect.any(Number), p90: expect.any(Number), p99: expect.any(Number) } },
      agent_utilization: { system: { total_agents: expect.any(Number), utilization_pct: expect.any(Number) } },
      error_rates: { cumulative: { total_tasks: expect.any(Number), failure_rate_pct: expect.any(Number) } },
    });
    const res = await fetch(`${h.url}/metrics`);
    const text = await res.text();
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    for (const name of ['hub_ws_frames_in_total', 'hub_store_synced_writes_total', 'hub_store_fsync_seconds_bucket{le="+Inf"}', 'hub_queue_depth', 'hub_scheduler_scans_total', 'hub_scheduler_tasks_examined_total', 'hub_ws_connections']) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/^hub_scheduler_scans_by_trigger_total\{trigger="task_submitted"\} [1-9]/m);
    const synced = Number(/^hub_store_synced_writes_total (\d+)/m.exec(text)?.[1]);
    expect(synced).toBeGreaterThan(0);
  });
});

describe('hub rate limits and durability accounting', () => {
  it('limits POST /api/tasks to the heavy tier and WebSocket frames to theirs', async () => {
    const h = await hub({ rateLimits: { enabled: true, perMinute: { light: 3, normal: 60, heavy: 2 } } });
    const t = await token(h, 'submitter');
    expect((await http(h, 'POST', '/api/tasks', { description: 'a' }, t)).status).toBe(201);
    expect((await http(h, 'POST', '/api/tasks', { description: 'b' }, t)).status).toBe(201);
    const r = await http(h, 'POST', '/api/tasks', { description: 'c' }, t);
    expect(r.status).toBe(429);
    expect(r.json).toMatchObject({ error: 'rate_limited', tier: 'heavy' });
    expect(r.json.retry_after_ms).toBeGreaterThan(0);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const s = await HubSocket.connect(h.wsUrl, { agentId: 'pinger', token: await token(h, 'pinger') });
    sockets.push(s);
    for (let i = 0; i < 4; i++) s.send({ type: 'ping' });
    const limited = await s.nextOfType('rate_limited');
    expect(limited).toMatchObject({ tier: 'light' });
    expect(limited.retry_after_ms).toBeGreaterThan(0);
    expect(s.received.filter((f) => f.type === 'pong')).toHaveLength(3);
  });

  it('makes at least four synced writes per task plus one per progress frame', async () => {
    const h = await hub({ sync: 'fsync' });
    const s = await agent(h, 'counter');
    const before = h.metrics.syncedWrites;
    const id = await submit(h, { description: 'count my writes' });
    const a = await s.nextOfType('task_assign');
    s.send({ type: 'task_accepted', task_id: id });
    await s.nextOfType('task_ack');
    s.send({ type: 'task_progress', task_id: id });
    s.send({ type: 'task_progress', task_id: id });
    s.send({ type: 'task_complete', task_id: id, generation: a.generation });
    await s.next((f) => f.type === 'task_ack' && f.status === 'complete');
    // submit, routing, assign, accept (update_progress), 2 × progress, complete
    expect(h.metrics.syncedWrites - before).toBe(7);
    expect(h.metrics.fsyncCount).toBe(h.metrics.syncedWrites);
  });

  it('recovers tokens and tasks after a clean restart on the same data dir', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-restart-'));
    dirs.push(dataDir);
    const h1 = await startHub({ port: 0, dataDir, adminToken: ADMIN, sync: 'group' });
    const tok = await h1.issueToken('persisted');
    const s = await HubSocket.connect(h1.wsUrl, { agentId: 'persisted', token: tok });
    const id = (await http(h1, 'POST', '/api/tasks', { description: 'in flight at restart' }, tok)).json.task_id as string;
    const a = await s.nextOfType('task_assign');
    await h1.close();
    await s.closed;
    const h2 = await startHub({ port: 0, dataDir, adminToken: ADMIN, sync: 'group' });
    hubs.push(h2);
    // The in-flight task was reclaimed either when its socket closed at shutdown or on replay.
    expect(h2.recovery).toMatchObject({ tasks: 1, tokens: 1 });
    const s2 = await HubSocket.connect(h2.wsUrl, { agentId: 'persisted', token: tok });
    sockets.push(s2);
    const b = await s2.nextOfType('task_assign');
    expect(b).toMatchObject({ task_id: id, generation: (a.generation as number) + 2 });
    s2.send({ type: 'task_complete', task_id: id, generation: a.generation });
    expect(await s2.nextOfType('error')).toMatchObject({ error: 'task_complete_failed: stale_generation' });
  });
});

describe('hub binding', () => {
  it('refuses a non-loopback address without an admin token', async () => {
    await expect(startHub({ host: '0.0.0.0', port: 0, dataDir: path.join(os.tmpdir(), 'never-created') })).rejects.toThrow(/admin-token/);
  });
  it('binds loopback and generates an admin token when none is given', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-gen-'));
    dirs.push(dataDir);
    const h = await startHub({ port: 0, dataDir });
    hubs.push(h);
    expect(h.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(h.adminTokenGenerated).toBe(true);
    expect((await http(h, 'POST', '/admin/tokens', { agent_id: 'a' }, h.adminToken)).status).toBe(201);
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}/elsewhere`);
    const err = await new Promise<Error>((resolve) => ws.once('error', resolve));
    expect(err.message).toMatch(/404/);
  });
});
