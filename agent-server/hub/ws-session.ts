// One sidecar's WebSocket on /ws, speaking AgentCom's agent protocol: identify first, then task
// lifecycle frames. Bad frames are answered with AgentCom's error frames and counted as violations;
// too many in the window close the socket with 1008. Nothing a client sends can crash the hub.

import type { RawData, WebSocket } from 'ws';
import type { AgentEntry, FinishOutcome, HubCore } from './hub-core.js';
import { wsTier } from './rate-limiter.js';

type Frame = Record<string, unknown>;
type FieldError = { field: string; error: string };

const KNOWN = new Set(['identify', 'ping', 'task_accepted', 'task_progress', 'task_complete', 'task_failed', 'resource_report']);

function str(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}

/** Field checks per message type, in the spirit of AgentCom's Validation.Schemas. */
function validate(type: string, m: Frame): FieldError[] {
  const errors: FieldError[] = [];
  const need = (field: string, ok: boolean, error: string): void => {
    if (!ok) errors.push({ field, error });
  };
  switch (type) {
    case 'identify':
      need('agent_id', str(m.agent_id) && (m.agent_id as string).length <= 128, 'required non-empty string (at most 128 characters)');
      need('token', str(m.token), 'required non-empty string');
      need('name', m.name === undefined || typeof m.name === 'string', 'must be a string');
      need('capabilities', m.capabilities === undefined || (Array.isArray(m.capabilities) && m.capabilities.every((c) => typeof c === 'string')), 'must be a list of strings');
      need('ollama_url', m.ollama_url === undefined || m.ollama_url === null || typeof m.ollama_url === 'string', 'must be a string');
      break;
    case 'task_accepted':
    case 'task_progress':
      need('task_id', str(m.task_id), 'required non-empty string');
      break;
    case 'task_complete':
    case 'task_failed':
      need('task_id', str(m.task_id), 'required non-empty string');
      need('generation', m.generation === undefined || Number.isInteger(m.generation), 'must be an integer');
      need('tokens_used', m.tokens_used === undefined || m.tokens_used === null || typeof m.tokens_used === 'number', 'must be a number');
      break;
    case 'resource_report':
      for (const f of ['cpu_percent', 'ram_used_bytes', 'ram_total_bytes', 'vram_used_bytes', 'vram_total_bytes']) {
        need(f, m[f] === undefined || m[f] === null || typeof m[f] === 'number', 'must be a number');
      }
      break;
    default:
      break;
  }
  return errors;
}

export function attachSession(ws: WebSocket, core: HubCore): void {
  const { opts, metrics } = core;
  let agent: AgentEntry | null = null;
  let violationCount = 0;
  let windowStart: number | null = null;
  let closing = false;
  metrics.connectionsOpened++;
  metrics.connectionsOpen++;

  const send = (message: Frame): void => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(JSON.stringify(message));
    metrics.framesOut++;
  };
  const close = (code: number, reason: string): void => {
    if (closing) return;
    closing = true;
    ws.close(code, reason);
  };

  let idle: NodeJS.Timeout | null = null;
  const armIdle = (): void => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => close(1001, 'idle timeout'), opts.idleTimeout * 1000);
    idle.unref();
  };
  armIdle();

  /** AgentCom's ViolationTracker: a sliding one-window count; at the limit the socket closes 1008. */
  const violation = (reply: Frame): void => {
    metrics.violations++;
    const now = Date.now();
    if (windowStart === null || now - windowStart > opts.violationWindow * 1000) {
      violationCount = 1;
      windowStart = now;
    } else {
      violationCount++;
    }
    if (violationCount >= opts.violationLimit) {
      metrics.violationCloses++;
      close(1008, 'too many validation errors');
      return;
    }
    send(reply);
  };

  const finishReply = (taskId: string, outcome: FinishOutcome, what: string): void => {
    if (outcome.ok) send({ type: 'task_ack', task_id: taskId, status: outcome.status });
    else send({ type: 'error', error: `${what}: ${outcome.reason}`, task_id: taskId });
  };

  const identify = (m: Frame): void => {
    const agentId = m.agent_id as string;
    const owner = core.agentForToken(m.token as string);
    if (owner === undefined) {
      send({ type: 'error', error: 'invalid_token' });
      close(1008, 'invalid token');
      return;
    }
    if (owner !== agentId) {
      send({ type: 'error', error: 'token_agent_mismatch' });
      close(1008, 'token belongs to another agent');
      return;
    }
    const verdict = core.limiter.check(agentId, 'ws', 'heavy');
    if (!verdict.allow) {
      metrics.rateLimited++;
      send({ type: 'rate_limited', retry_after_ms: verdict.retryAfterMs, tier: 'heavy' });
      close(1008, 'rate limited');
      return;
    }
    const link = { send, close };
    agent = core.connect({
      agent_id: agentId,
      name: typeof m.name === 'string' ? m.name : agentId,
      capabilities: Array.isArray(m.capabilities) ? (m.capabilities as string[]) : [],
      ollama_url: typeof m.ollama_url === 'string' ? m.ollama_url : null,
      link,
    });
    send({ type: 'identified', agent_id: agentId });
  };

  const handle = (m: Frame, type: string, self: AgentEntry): void => {
    const taskId = m.task_id as string;
    switch (type) {
      case 'ping':
        send({ type: 'pong', timestamp: Date.now() });
        return;
      case 'task_accepted':
        core.accepted(self, taskId);
        send({ type: 'task_ack', task_id: taskId, status: 'accepted' });
        return;
      case 'task_progress':
        core.progress(taskId);
        return;
      case 'task_complete': {
        const tokens = typeof m.tokens_used === 'number' ? m.tokens_used : null;
        core.complete(self, taskId, (m.generation as number | undefined) ?? 0, m.result ?? {}, tokens).then(
          (o) => finishReply(taskId, o, 'task_complete_failed'),
          () => send({ type: 'error', error: 'task_complete_failed: store_unavailable', task_id: taskId }),
        );
        return;
      }
      case 'task_failed': {
        const error = typeof m.error === 'string' ? m.error : typeof m.reason === 'string' ? m.reason : 'unknown';
        core.fail(self, taskId, (m.generation as number | undefined) ?? 0, error).then(
          (o) => finishReply(taskId, o, 'task_fail_failed'),
          () => send({ type: 'error', error: 'task_fail_failed: store_unavailable', task_id: taskId }),
        );
        return;
      }
      case 'resource_report':
        self.resources = {
          cpu_percent: m.cpu_percent ?? null,
          ram_used_bytes: m.ram_used_bytes ?? null,
          ram_total_bytes: m.ram_total_bytes ?? null,
          vram_used_bytes: m.vram_used_bytes ?? null,
          vram_total_bytes: m.vram_total_bytes ?? null,
          reported_at: Date.now(),
        };
        return;
      case 'identify':
        send({ type: 'error', error: 'already_identified' });
        return;
      default:
        return;
    }
  };

  ws.on('message', (data: RawData, isBinary: boolean) => {
    try {
      onMessage(data, isBinary);
    } catch {
      // A fault handling one frame must not take the hub down with it.
      send({ type: 'error', error: 'internal_error' });
    }
  });

  const onMessage = (data: RawData, isBinary: boolean): void => {
    metrics.framesIn++;
    armIdle();
    if (closing) return;
    if (isBinary) {
      violation({ type: 'error', error: 'invalid_json', detail: 'binary frames are not accepted' });
      return;
    }
    let m: unknown;
    try {
      m = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
    } catch {
      violation({ type: 'error', error: 'invalid_json' });
      return;
    }
    if (typeof m !== 'object' || m === null || Array.isArray(m) || typeof (m as Frame).type !== 'string') {
      violation({ type: 'error', error: 'validation_failed', message_type: 'unknown', errors: [{ field: 'type', error: 'required string' }] });
      return;
    }
    const frame = m as Frame;
    const type = frame.type as string;
    if (!KNOWN.has(type)) {
      violation({ type: 'error', error: 'validation_failed', message_type: type, errors: [{ field: 'type', error: 'unknown message type' }] });
      return;
    }
    const errors = validate(type, frame);
    if (errors.length > 0) {
      violation({ type: 'error', error: 'validation_failed', message_type: type, errors });
      return;
    }
    if (!agent) {
      if (type !== 'identify') {
        send({ type: 'error', error: 'not_identified' });
        close(1008, 'first frame must be identify');
        return;
      }
      identify(frame);
      return;
    }
    const verdict = core.limiter.check(agent.agent_id, 'ws', wsTier(type));
    if (!verdict.allow) {
      metrics.rateLimited++;
      send({ type: 'rate_limited', retry_after_ms: verdict.retryAfterMs, tier: wsTier(type) });
      return;
    }
    handle(frame, type, agent);
  };

  ws.on('close', () => {
    if (idle) clearTimeout(idle);
    metrics.connectionsOpen--;
    if (agent) core.disconnect(agent);
  });
  ws.on('error', () => {
    // A protocol error (oversized frame, bad opcode): ws closes the socket itself; 'close' follows.
  });
}
