// A minimal AgentCom sidecar over a real WebSocket: a frame-level socket for tests, and a simulated
// sidecar (accept, progress, complete after a service time, one task at a time) for benchmarks.

import WebSocket from 'ws';

export type HubFrame = Record<string, unknown> & { type: string };

export interface Identity {
  agentId: string;
  token: string;
  name?: string;
  capabilities?: string[];
  ollamaUrl?: string;
}

export class HubSocket {
  private readonly backlog: HubFrame[] = [];
  private waiters: { pred: (f: HubFrame) => boolean; resolve: (f: HubFrame) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];
  /** Every frame received, in order. */
  readonly received: HubFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private onFrame: ((f: HubFrame) => void) | null = null;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      let f: HubFrame;
      try {
        f = JSON.parse(String(data)) as HubFrame;
      } catch {
        return;
      }
      this.received.push(f);
      if (this.onFrame) {
        this.onFrame(f);
        return;
      }
      const i = this.waiters.findIndex((w) => w.pred(f));
      if (i >= 0) {
        const [w] = this.waiters.splice(i, 1);
        clearTimeout(w.timer);
        w.resolve(f);
      } else {
        this.backlog.push(f);
      }
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        for (const w of this.waiters.splice(0)) {
          clearTimeout(w.timer);
          w.reject(new Error(`socket closed (${code} ${String(reason)}) while waiting for a frame`));
        }
        resolve({ code, reason: String(reason) });
      });
    });
    ws.on('error', () => undefined);
  }

  static open(url: string): Promise<HubSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const s = new HubSocket(ws);
      ws.once('open', () => resolve(s));
      ws.once('error', reject);
    });
  }

  /** Opens, identifies and waits for `identified` (throws with the hub's error otherwise). */
  static async connect(url: string, id: Identity): Promise<HubSocket> {
    const s = await HubSocket.open(url);
    s.send({ type: 'identify', agent_id: id.agentId, token: id.token, name: id.name, capabilities: id.capabilities, ollama_url: id.ollamaUrl });
    const reply = await s.next((f) => f.type === 'identified' || f.type === 'error');
    if (reply.type !== 'identified') throw new Error(`identify refused: ${String(reply.error)}`);
    return s;
  }

  /**
   * Hands every frame to `handler` from now on, starting with those already received and not yet
   * taken by next(): frames that arrived in the same read as `identified` are not lost.
   */
  handle(handler: (f: HubFrame) => void): void {
    this.onFrame = handler;
    for (const f of this.backlog.splice(0)) handler(f);
  }

  send(message: Record<string, unknown> | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first frame (already received or still to come) that satisfies `pred`. */
  next(pred: (f: HubFrame) => boolean = () => true, timeoutMs = 20_000): Promise<HubFrame> {
    const i = this.backlog.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.backlog.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        reject(new Error(`no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push({ pred, resolve, reject, timer });
    });
  }

  nextOfType(type: string, timeoutMs?: number): Promise<HubFrame> {
    return this.next((f) => f.type === type, timeoutMs);
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    return this.closed;
  }
}

export interface SimSidecarOptions extends Identity {
  /** Time from accept to complete, ms. */
  serviceMs: number | (() => number);
  /** task_progress frames sent during the service time. */
  progressFrames: number;
  onAssign?(taskId: string, at: number): void;
  onComplete?(taskId: string, at: number): void;
}

/** A sidecar that accepts every task, reports progress, and completes it after the service time. */
export async function startSimSidecar(url: string, o: SimSidecarOptions): Promise<HubSocket> {
  const s = await HubSocket.connect(url, o);
  s.handle((f) => {
    if (f.type === 'task_ack' && f.status === 'complete') o.onComplete?.(String(f.task_id), performance.now());
    if (f.type !== 'task_assign') return;
    const taskId = String(f.task_id);
    const generation = f.generation as number;
    o.onAssign?.(taskId, performance.now());
    s.send({ type: 'task_accepted', task_id: taskId });
    const total = typeof o.serviceMs === 'function' ? o.serviceMs() : o.serviceMs;
    const step = total / (o.progressFrames + 1);
    for (let i = 1; i <= o.progressFrames; i++) {
      setTimeout(() => {
        if (s.ws.readyState === WebSocket.OPEN) s.send({ type: 'task_progress', task_id: taskId, progress: Math.round((100 * i) / (o.progressFrames + 1)) });
      }, step * i);
    }
    setTimeout(() => {
      if (s.ws.readyState === WebSocket.OPEN) s.send({ type: 'task_complete', task_id: taskId, generation, result: { ok: true }, tokens_used: 100 });
    }, total);
  });
  return s;
}
