// startHub: the store, the HTTP routes and the /ws endpoint on one port, loopback by default.

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { UserError } from '../../lib/index.js';
import { HubCore, type Recovery } from './hub-core.js';
import { createHttpHandler } from './http-api.js';
import { HubMetrics } from './metrics.js';
import { DEFAULT_HUB_OPTIONS, type HubOptions } from './types.js';
import { attachSession } from './ws-session.js';

export interface HubHandle {
  port: number;
  /** http://host:port */
  url: string;
  /** ws://host:port/ws */
  wsUrl: string;
  adminToken: string;
  /** True when the admin token was generated here (and should be shown to the operator). */
  adminTokenGenerated: boolean;
  recovery: Recovery;
  options: HubOptions;
  metrics: HubMetrics;
  core: HubCore;
  /** Issues an agent token as POST /admin/tokens does. */
  issueToken(agentId: string): Promise<string>;
  /** Closes every socket, waits for the store's queued writes, closes the log. */
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export async function startHub(options: Partial<HubOptions> = {}): Promise<HubHandle> {
  const opts: HubOptions = { ...DEFAULT_HUB_OPTIONS, ...options, rateLimits: options.rateLimits ?? DEFAULT_HUB_OPTIONS.rateLimits };
  if (!isLoopback(opts.host) && !opts.adminToken) {
    throw new UserError(`the hub binds ${opts.host}, beyond this machine: give --admin-token (at least 16 characters)`);
  }
  if (opts.adminToken !== undefined && opts.adminToken.length < 16) {
    throw new UserError('--admin-token must be at least 16 characters');
  }
  const adminTokenGenerated = !opts.adminToken;
  const adminToken = opts.adminToken ?? randomBytes(24).toString('hex');

  const metrics = new HubMetrics();
  const { core, recovery } = await HubCore.open(opts, metrics);

  const server = createServer(createHttpHandler(core, adminToken));
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxFrameBytes });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://hub').pathname;
    if (path !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"error":"not_found"}');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachSession(ws, core));
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await core.close();
    const e = err as NodeJS.ErrnoException;
    throw new UserError(`cannot listen on ${opts.host}:${opts.port}: ${e.code ?? e.message}`, 1);
  }
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  let closed: Promise<void> | null = null;

  return {
    port,
    url: `http://${hostForUrl}:${port}`,
    wsUrl: `ws://${hostForUrl}:${port}/ws`,
    adminToken,
    adminTokenGenerated,
    recovery,
    options: opts,
    metrics,
    core,
    issueToken: (agentId) => core.issueToken(agentId),
    close() {
      closed ??= (async () => {
        for (const ws of wss.clients) ws.close(1001, 'hub shutting down');
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        for (const ws of wss.clients) ws.terminate();
        await core.close();
      })();
      return closed;
    },
  };
}
