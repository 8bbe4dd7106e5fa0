// The hub's HTTP routes in AgentCom's shapes: JSON bodies, Bearer tokens, 401/404/422/429 errors
// as its Plug router sends them. A 201 for a task is sent only once the store has it durably.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { HubCore, SubmitParams } from './hub-core.js';
import { StoreError } from './log-store.js';
import type { RateTier } from './rate-limiter.js';
import { TIERS } from './complexity.js';
import { PRIORITY_LANES, type Task, type Tier } from './types.js';

type Json = Record<string, unknown>;
type FieldError = { field: string; error: string };

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.error));
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = new HttpError(413, { error: 'payload_too_large', limit_bytes: limit }, { connection: 'close' });
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      // Drain without keeping, so the client can read the 413 before the connection closes.
      req.resume();
      reject(tooLarge);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        chunks.length = 0;
        reject(tooLarge);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readJson(req: IncomingMessage, limit: number): Promise<Json> {
  const buf = await readBody(req, limit);
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.toString('utf8'));
  } catch {
    throw new HttpError(400, { error: 'invalid_json' });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(422, { error: 'validation_failed', errors: [{ field: 'body', error: 'must be a JSON object' }] });
  }
  return parsed as Json;
}

function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (!h || !h.startsWith('Bearer ')) return null;
  return h.slice(7).trim() || null;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const UNAUTHORIZED = { error: 'unauthorized', hint: 'provide Authorization: Bearer <token>' };

function validateSubmit(body: Json): { params: Omit<SubmitParams, 'submitted_by'> } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (typeof body.description !== 'string' || body.description.length === 0) errors.push({ field: 'description', error: 'required non-empty string' });
  if (body.priority !== undefined && !(typeof body.priority === 'string' && body.priority in PRIORITY_LANES)) {
    errors.push({ field: 'priority', error: 'must be one of urgent, high, normal, low' });
  }
  if (body.metadata !== undefined && (typeof body.metadata !== 'object' || body.metadata === null || Array.isArray(body.metadata))) {
    errors.push({ field: 'metadata', error: 'must be an object' });
  }
  if (body.max_retries !== undefined && !(Number.isInteger(body.max_retries) && (body.max_retries as number) >= 0 && (body.max_retries as number) <= 100)) {
    errors.push({ field: 'max_retries', error: 'must be an integer from 0 to 100' });
  }
  if (body.needed_capabilities !== undefined && !isStrList(body.needed_capabilities)) errors.push({ field: 'needed_capabilities', error: 'must be a list of strings' });
  if (body.file_hints !== undefined && !isStrList(body.file_hints)) errors.push({ field: 'file_hints', error: 'must be a list of strings' });
  if (body.complexity_tier !== undefined && body.complexity_tier !== null && !TIERS.includes(body.complexity_tier as Tier)) {
    errors.push({ field: 'complexity_tier', error: 'must be one of trivial, standard, complex' });
  }
  if (body.complete_by !== undefined && body.complete_by !== null && !Number.isInteger(body.complete_by)) {
    errors.push({ field: 'complete_by', error: 'must be an integer (ms since the epoch)' });
  }
  if (errors.length > 0) return { errors };
  return {
    params: {
      description: body.description as string,
      priority: (body.priority as string | undefined) ?? 'normal',
      metadata: (body.metadata as Json | undefined) ?? {},
      max_retries: (body.max_retries as number | undefined) ?? 3,
      needed_capabilities: (body.needed_capabilities as string[] | undefined) ?? [],
      file_hints: (body.file_hints as string[] | undefined) ?? [],
      complexity_tier: (body.complexity_tier as Tier | null | undefined) ?? null,
      complete_by: (body.complete_by as number | null | undefined) ?? null,
    },
  };
}

/** AgentCom's format_task. */
export function formatTask(t: Task): Json {
  return {
    id: t.id,
    description: t.description,
    metadata: t.metadata,
    priority: t.priority,
    status: t.status,
    assigned_to: t.assigned_to,
    assigned_at: t.assigned_at,
    generation: t.generation,
    retry_count: t.retry_count,
    max_retries: t.max_retries,
    needed_capabilities: t.needed_capabilities,
    last_error: t.last_error,
    complete_by: t.complete_by,
    result: t.result,
    tokens_used: t.tokens_used,
    submitted_by: t.submitted_by,
    created_at: t.created_at,
    updated_at: t.updated_at,
    history: t.history,
    file_hints: t.file_hints,
    complexity: t.complexity,
    routing_decision: t.routing_decision,
  };
}

export function createHttpHandler(core: HubCore, adminToken: string): (req: IncomingMessage, res: ServerResponse) => void {
  const { opts, metrics } = core;

  const authAgent = (req: IncomingMessage): string => {
    const token = bearer(req);
    if (token !== null) {
      if (sameSecret(token, adminToken)) return 'admin';
      const agent = core.agentForToken(token);
      if (agent !== undefined) return agent;
    }
    throw new HttpError(401, UNAUTHORIZED);
  };

  const limit = (key: string, tier: RateTier): void => {
    const v = core.limiter.check(key, 'http', tier);
    if (v.allow) return;
    metrics.rateLimited++;
    throw new HttpError(
      429,
      { error: 'rate_limited', retry_after_ms: v.retryAfterMs, tier },
      { 'retry-after': String(Math.max(1, Math.floor(v.retryAfterMs / 1000))) },
    );
  };

  const ipKey = (req: IncomingMessage): string => `ip:${req.socket.remoteAddress ?? 'unknown'}`;

  const agentsList = (): Json[] =>
    [...core.agents.values()].map((a) => ({
      agent_id: a.agent_id,
      name: a.name,
      status: a.fsm === 'idle' ? 'idle' : 'working',
      capabilities: a.capabilities,
      connected_at: a.connected_at,
      fsm_state: a.fsm,
      current_task_id: a.current_task,
      resources: a.resources,
    }));

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://hub');
    const p = url.pathname;
    const m = req.method ?? 'GET';

    if (m === 'GET' && p === '/health') {
      sendJson(res, 200, { status: 'ok', service: 'agent_com', agents_connected: core.agents.size });
      return;
    }
    if (m === 'GET' && p === '/metrics') {
      const working = [...core.agents.values()].filter((a) => a.fsm !== 'idle').length;
      const text = metrics.prometheus({
        queueDepth: core.queueDepth(),
        agentsConnected: core.agents.size,
        agentsWorking: working,
        logBytes: core.store.logBytes,
        compactions: core.store.compactions,
      });
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(text);
      return;
    }
    if (m === 'GET' && p === '/api/metrics') {
      limit(ipKey(req), 'light');
      const agents = [...core.agents.values()].map((a) => ({ agent_id: a.agent_id, state: a.fsm }));
      sendJson(res, 200, metrics.snapshot(Date.now(), agents, core.queueDepth()));
      return;
    }
    if (m === 'GET' && p === '/api/agents') {
      limit(ipKey(req), 'light');
      sendJson(res, 200, { agents: agentsList() });
      return;
    }
    if (m === 'POST' && p === '/admin/tokens') {
      const token = bearer(req);
      if (token === null || !sameSecret(token, adminToken)) throw new HttpError(401, UNAUTHORIZED);
      const body = await readJson(req, opts.maxFrameBytes);
      const id = body.agent_id;
      if (typeof id !== 'string' || id.length === 0 || id.length > 128) {
        throw new HttpError(422, { error: 'validation_failed', errors: [{ field: 'agent_id', error: 'required non-empty string (at most 128 characters)' }] });
      }
      sendJson(res, 201, { agent_id: id, token: await core.issueToken(id) });
      return;
    }
    if (m === 'POST' && p === '/api/tasks') {
      const agent = authAgent(req);
      limit(agent, 'heavy');
      const body = await readJson(req, opts.maxFrameBytes);
      const v = validateSubmit(body);
      if ('errors' in v) throw new HttpError(422, { error: 'validation_failed', errors: v.errors });
      const task = await core.submit({ ...v.params, submitted_by: agent });
      sendJson(res, 201, { status: 'queued', task_id: task.id, priority: task.priority, created_at: task.created_at });
      return;
    }
    if (m === 'GET' && p === '/api/tasks') {
      const agent = authAgent(req);
      limit(agent, 'light');
      const status = url.searchParams.get('status');
      const tasks = [...core.state.tasks.values()]
        .filter((t) => t.status !== 'dead_letter' && (status === null || t.status === status))
        .sort((a, b) => a.priority - b.priority || a.created_at - b.created_at)
        .map(formatTask);
      sendJson(res, 200, { tasks, count: tasks.length });
      return;
    }
    if (m === 'GET' && p === '/api/tasks/dead-letter') {
      authAgent(req);
      const tasks = [...core.state.tasks.values()].filter((t) => t.status === 'dead_letter').map(formatTask);
      sendJson(res, 200, { tasks, count: tasks.length });
      return;
    }
    if (m === 'GET' && p === '/api/tasks/stats') {
      authAgent(req);
      sendJson(res, 200, core.stats());
      return;
    }
    const taskMatch = /^\/api\/tasks\/([^/]+)$/.exec(p);
    if (m === 'GET' && taskMatch) {
      const agent = authAgent(req);
      limit(agent, 'normal');
      let id: string;
      try {
        id = decodeURIComponent(taskMatch[1]);
      } catch {
        throw new HttpError(400, { error: 'invalid_path' });
      }
      const task = core.get(id);
      if (!task) throw new HttpError(404, { error: 'task_not_found', task_id: id });
      sendJson(res, 200, formatTask(task));
      return;
    }
    throw new HttpError(404, { error: 'not_found' });
  }

  return (req, res) => {
    metrics.httpRequests++;
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) sendJson(res, err.status, err.body, err.headers);
      else if (err instanceof StoreError) sendJson(res, 503, { error: 'store_unavailable', detail: err.message });
      else sendJson(res, 500, { error: 'internal_error' });
    });
  };
}
