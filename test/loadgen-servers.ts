// Small WebSocket and HTTP targets for the load generator's tests, on 127.0.0.1 port 0.

import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface TestServer {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Messages received so far. */
  received(): number;
  /** How long the server actually held each echo (ms), by its own clock. */
  holds(): number[];
}

/** Runs `fn` at `due` (performance.now() ms) without Node's timer slack: a timer, then immediates. */
function at(due: number, fn: () => void): void {
  const wait = due - performance.now();
  if (wait > 2) setTimeout(() => at(due, fn), wait - 1.5);
  else if (wait > 0) setImmediate(() => at(due, fn));
  else fn();
}

export interface EchoBehaviour {
  /** Fixed delay before each echo, ms. */
  delayMs?: number;
  /** Extra delay per open connection, ms (a target that slows down as load grows). */
  delayPerConnectionMs?: number;
  /** Once, when this many messages have arrived, hold every echo for stallMs and then release them all. */
  stallAfter?: number;
  stallMs?: number;
  /** Frames to send right after a connection opens (e.g. a /term handshake). */
  greeting?: string[];
  /** What to do with each message instead of echoing it. */
  onMessage?(ws: WebSocket, data: string): void;
  /** Answer the upgrade with this HTTP status instead of accepting it. */
  rejectStatus?: number;
}

export async function startEchoServer(behaviour: EchoBehaviour = {}): Promise<TestServer> {
  const server = http.createServer((_req, res) => {
    res.writeHead(426).end();
  });
  const wss = new WebSocketServer({ noServer: true });
  let count = 0;
  const holds: number[] = [];
  let stallUntil = 0;
  let stalled = false;
  server.on('upgrade', (req, socket, head) => {
    if (behaviour.rejectStatus) {
      socket.end(`HTTP/1.1 ${behaviour.rejectStatus} Nope\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      for (const g of behaviour.greeting ?? []) ws.send(g);
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        count++;
        const text = isBinary ? data : data.toString('utf8');
        if (behaviour.onMessage) {
          behaviour.onMessage(ws, data.toString('utf8'));
          return;
        }
        const now = performance.now();
        if (behaviour.stallAfter !== undefined && !stalled && count >= behaviour.stallAfter) {
          stalled = true;
          stallUntil = now + (behaviour.stallMs ?? 1000);
        }
        const delay = (behaviour.delayMs ?? 0) + (behaviour.delayPerConnectionMs ?? 0) * wss.clients.size;
        const due = Math.max(now + delay, stallUntil);
        const reply = (): void => {
          if (ws.readyState !== ws.OPEN) return;
          ws.send(text);
          holds.push(performance.now() - now);
        };
        if (due <= now) reply();
        else at(due, reply);
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/`,
    port,
    received: () => count,
    holds: () => holds,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export async function startHttpServer(handler: http.RequestListener): Promise<TestServer> {
  let count = 0;
  const server = http.createServer((req, res) => {
    count++;
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    received: () => count,
    holds: () => [],
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
