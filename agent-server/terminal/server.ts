// The agent terminal server: HTTP /health and /metrics, WebSocket /term speaking AI Maestro's
// container protocol, one shared PTY per tmux session.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { authRequired, checkToken, tokenFromRequest, type AuthConfig } from './auth.js';
import { TerminalClient } from './client.js';
import { classifyFrame, MAX_COLS, MAX_ROWS } from './frames.js';
import { startHeartbeat } from './heartbeat.js';
import { ServerMetrics } from './metrics.js';
import { isLoopbackHost, originAllowed, resolveOptions, type AgentServerOptions, type ResolvedOptions } from './options.js';
import { TokenBucket } from './rate-limit.js';
import { isValidSessionName, tmuxSessionName } from './session-name.js';
import { TerminalSession } from './session.js';

export interface AgentServerHandle {
  port: number;
  host: string;
  /** `ws://host:port/term` */
  url: string;
  metrics: ServerMetrics;
  /** Sessions with a PTY or clients, and each live client's unflushed and peak unflushed bytes. */
  stats(): { sessions: Array<{ name: string; hasPty: boolean; clients: Array<{ pending: number; maxPending: number }> }> };
  /** Closes clients with 1001, detaches every PTY (tmux sessions keep running), stops listening. */
  close(): Promise<void>;
}

export class StartupError extends Error {
  override name = 'StartupError';
}

function reject(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function parseDimension(value: string | null, max: number): number | undefined {
  if (value === null || !/^\d{1,4}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 && n <= max ? n : undefined;
}

export async function startAgentServer(input: AgentServerOptions = {}): Promise<AgentServerHandle> {
  const options: ResolvedOptions = resolveOptions(input);
  const auth: AuthConfig = { token: options.token, jwtSecret: options.jwtSecret, agentId: options.agentId };
  if (!isLoopbackHost(options.host) && !authRequired(auth)) {
    throw new StartupError(`refusing to bind ${options.host} without a token: give --token or --jwt-secret, or bind 127.0.0.1`);
  }
  if (!isValidSessionName(options.sessionName)) {
    throw new StartupError(`invalid session name ${JSON.stringify(options.sessionName)}: use 1 to 64 of A-Z a-z 0-9 . _ -`);
  }
  const metrics = new ServerMetrics();
  const started = Date.now();
  const sessions = new Map<string, TerminalSession>();
  const sockets = new Set<WebSocket>();
  let closing = false;

  const sessionConfig = {
    tmux: { socket: options.tmuxSocket },
    command: options.command,
    workspace: options.workspace,
    defaultCols: 80,
    defaultRows: 24,
    graceMs: options.graceMs,
    historyLines: options.historyLines,
    log: options.log,
  };

  const sessionFor = (name: string): TerminalSession | undefined => {
    let session = sessions.get(name);
    if (!session) {
      // Every new session starts a command in tmux: bound how many one server drives at once.
      if (sessions.size >= options.maxSessions) return undefined;
      session = new TerminalSession(name, sessionConfig, metrics, (idle) => {
        if (sessions.get(idle.name) === idle && idle.clients.size === 0) sessions.delete(idle.name);
      });
      sessions.set(name, session);
    }
    return session;
  };

  const clientCount = (): number => {
    let n = 0;
    for (const s of sessions.values()) n += s.liveClients;
    return n;
  };

  const authorised = (req: IncomingMessage): boolean => {
    if (!authRequired(auth)) return true;
    const url = new URL(req.url ?? '/', 'http://localhost');
    return checkToken(tokenFromRequest(req.headers.authorization, url), auth).ok;
  };

  const handleHttp = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/health') {
      let live = 0;
      for (const s of sessions.values()) if (s.hasPty) live += 1;
      const body = JSON.stringify({
        status: 'healthy',
        agentId: options.agentId,
        sessionName: options.sessionName,
        workspace: options.workspace,
        timestamp: new Date().toISOString(),
        clients: clientCount(),
        sessions: live,
        uptime: (Date.now() - started) / 1000,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } else if (path === '/metrics') {
      if (!authorised(req)) {
        res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
        return;
      }
      let live = 0;
      for (const s of sessions.values()) if (s.hasPty) live += 1;
      const body = metrics.render({ sessions: live, clients: clientCount(), uptimeSeconds: (Date.now() - started) / 1000 });
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    }
  };

  const http = createServer(handleHttp);
  http.on('clientError', (_err, socket) => {
    if (socket.writable) reject(socket, 400, 'Bad Request');
    else socket.destroy();
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes, perMessageDeflate: false });

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (closing) return reject(socket, 503, 'Service Unavailable');
    if (url.pathname !== '/term') return reject(socket, 404, 'Not Found');
    if (!originAllowed(req.headers.origin, options.allowedOrigins)) {
      metrics.originRejections += 1;
      return reject(socket, 403, 'Forbidden');
    }
    if (sockets.size >= options.maxConnections) return reject(socket, 503, 'Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, url, req));
  });

  const onConnection = (ws: WebSocket, url: URL, req: IncomingMessage): void => {
    sockets.add(ws);
    metrics.connectionsTotal += 1;
    metrics.connectionsOpen += 1;
    const client = new TerminalClient(ws, {
      highWaterBytes: options.highWaterBytes,
      lowWaterBytes: Math.floor(options.highWaterBytes / 4),
      slowClientTimeoutMs: options.slowClientTimeoutMs,
    }, metrics);
    const bytes = new TokenBucket(options.inputBytesPerSecond, options.inputBurstBytes);
    const frames = new TokenBucket(options.inputFramesPerSecond, options.inputBurstFrames);
    let session: TerminalSession | undefined;
    let authTimer: NodeJS.Timeout | undefined;

    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') metrics.reject('oversized');
      else metrics.reject('protocol');
    });
    ws.on('close', () => {
      sockets.delete(ws);
      metrics.connectionsOpen -= 1;
      clearTimeout(authTimer);
      client.gone();
      session?.detach(client);
    });

    const requested = url.searchParams.get('name') ?? options.sessionName;
    if (!isValidSessionName(requested)) {
      metrics.reject('session-name');
      client.close(1008, 'invalid session name');
      return;
    }
    const cols = parseDimension(url.searchParams.get('cols'), MAX_COLS);
    const rows = parseDimension(url.searchParams.get('rows'), MAX_ROWS);

    const begin = (): void => {
      client.sendJson({ type: 'connected', agentId: options.agentId, sessionName: requested });
      session = sessionFor(tmuxSessionName(requested));
      if (!session) {
        metrics.reject('too-many-sessions');
        client.close(1013, 'too many sessions');
        return;
      }
      void session.attach(client, cols, cols === undefined ? undefined : rows);
    };
    const refuse = (reason: string): void => {
      metrics.authFailures += 1;
      client.close(1008, reason);
    };

    let authed = !authRequired(auth);
    if (!authed) {
      const presented = tokenFromRequest(req.headers.authorization, url);
      if (presented !== undefined) {
        const result = checkToken(presented, auth);
        if (!result.ok) return refuse('unauthorized');
        authed = true;
      } else {
        authTimer = setTimeout(() => refuse('unauthorized'), options.authTimeoutMs);
        authTimer.unref();
      }
    }

    ws.on('message', (data: Buffer, isBinary: boolean) => {
      metrics.framesIn += 1;
      metrics.bytesIn += data.length;
      if (client.closed) return;
      const frame = classifyFrame(data, isBinary);
      if (!authed) {
        clearTimeout(authTimer);
        if (frame.kind === 'auth' && checkToken(frame.token, auth).ok) {
          authed = true;
          begin();
        } else {
          refuse('unauthorized');
        }
        return;
      }
      if (!frames.take(1) || !bytes.take(data.length)) {
        metrics.reject('rate-limit');
        return;
      }
      switch (frame.kind) {
        case 'input':
          session?.write(frame.data);
          break;
        case 'raw':
          session?.write(frame.data);
          break;
        case 'resize':
          session?.resize(frame.cols, frame.rows);
          break;
        case 'ping':
          client.sendJson({ type: 'pong' });
          break;
        case 'auth':
          break; // already authenticated
        case 'invalid':
          metrics.reject(frame.reason);
          break;
      }
    });

    if (authed) begin();
  };

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(new StartupError(err.code === 'EADDRINUSE' ? `port ${options.port} on ${options.host} is in use` : `cannot listen on ${options.host}:${options.port}: ${err.message}`));
    };
    http.once('error', onError);
    http.listen(options.port, options.host, () => {
      http.off('error', onError);
      resolve();
    });
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const heartbeat = options.hostUrl
    ? startHeartbeat({ hostUrl: options.hostUrl, agentId: options.agentId, intervalMs: options.heartbeatIntervalMs, metrics, log: options.log })
    : undefined;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;

  let closed: Promise<void> | undefined;
  return {
    port,
    host: options.host,
    url: `ws://${hostForUrl}:${port}/term`,
    metrics,
    stats: () => ({
      sessions: [...sessions.values()].map((s) => ({
        name: s.name,
        hasPty: s.hasPty,
        clients: [...s.clients].map((c) => ({ pending: c.pending, maxPending: c.maxPending })),
      })),
    }),
    close: () => {
      closed ??= (async () => {
        closing = true;
        heartbeat?.stop();
        for (const session of sessions.values()) session.release(1001, 'server shutting down');
        sessions.clear();
        for (const ws of sockets) {
          if (ws.readyState === 0 || ws.readyState === 1) ws.close(1001, 'server shutting down');
        }
        const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeIdleConnections();
        // Give peers a moment to answer the close frame, then cut whoever did not.
        const deadline = Date.now() + 1000;
        while (sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        for (const ws of sockets) ws.terminate();
        wss.close();
        http.closeAllConnections();
        await httpClosed;
        metrics.stop();
      })();
      return closed;
    },
  };
}
