// Agent terminal server: fan-out and idle connections. The built CLI's serve-agent runs as a child
// process (its RSS is read from /proc, apart from tmux and the fake agent); clients run here.
//
// fan-out — one session whose fake agent writes 10 KB/s; 1, 10, 100 and 1,000 clients attached.
//   A probe client types a marker four times a second; every client times the marker's arrival
//   from the moment it was typed (input → agent echo → tmux → PTY → broadcast → client), and the
//   spread behind the first client to see it (the fan-out cost alone). Also bytes/s delivered to
//   all clients and server RSS against the same server with no clients (garbage collection moves
//   it by tens of MB either way; the idle step gives the memory per connection).
// idle — 10,000 connections attached to a quiet session (raw sockets after the WebSocket
//   handshake, so the bench's own memory stays small); server RSS and /health latency held.
// Tunable: AGENT_BENCH_RATE (default 10KB/s), AGENT_BENCH_SECONDS (measurement per step, default 8),
// AGENT_BENCH_FANOUT (comma list, default 1,10,100,1000), AGENT_BENCH_IDLE (default 10000).

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { killTmuxServer } from '../agent-server/index.js';
import { fakeAgentArgv, privateTmuxSocket } from '../agent-server/terminal/test-support.js';
import { formatBytes, LatencyHistogram } from '../lib/index.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../cli/main.js');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface ServerProcess {
  child: ChildProcess;
  port: number;
}

async function startServer(socket: string, session: string, rate: string): Promise<ServerProcess> {
  const command = fakeAgentArgv('--seed', '1', '--rate', rate, '--tick', '50ms').map((a) => `'${a}'`).join(' ');
  const child = spawn(process.execPath, [CLI, 'serve-agent', '--port', '0', '--tmux-socket', socket, '--session', session,
    '--command', command, '--max-connections', '20000', '--history-lines', '200', '--grace', '60s'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error(`serve-agent exited: ${err}`)));
  });
  child.stderr!.resume();
  return { child, port };
}

async function stopServer(server: ServerProcess): Promise<void> {
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  await exited;
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** CPU seconds (user + system) a process has used, from /proc (clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

interface FanoutClient {
  socket: net.Socket;
  tail: string;
  seen: Set<number>;
  bytes: number;
}

const MARK = /mk:(\d+):b/g;

/**
 * A WebSocket client reduced to what the measurement needs: after the handshake it scans the raw
 * bytes for markers (server frames are unmasked, so the text is there as sent, between frame
 * headers) instead of parsing frames, so the bench's side costs little per client and the times
 * measured are mostly the server's.
 */
function rawClient(port: number, onLive: (chunk: Buffer, at: number) => void): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.setNoDelay(true);
      s.write(`GET /term HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    let seen = '';
    const onData = (d: Buffer): void => {
      seen += d.toString('latin1');
      const done = seen.indexOf('{"type":"history-complete"}');
      if (done >= 0) {
        s.off('data', onData);
        s.on('data', (chunk: Buffer) => onLive(chunk, performance.now()));
        const rest = Buffer.from(seen.slice(done + 27), 'latin1');
        if (rest.length > 0) onLive(rest, performance.now());
        resolve(s);
      } else if (seen.length > 12 && !seen.startsWith('HTTP/1.1 101')) {
        reject(new Error(`handshake refused: ${seen.split('\r\n')[0]}`));
      }
    };
    s.on('data', onData);
    s.on('error', reject);
  });
}

async function connectClients(port: number, n: number, onMarker: (seq: number, at: number) => void): Promise<FanoutClient[]> {
  const clients: FanoutClient[] = [];
  const one = async (): Promise<FanoutClient> => {
    const c: FanoutClient = { socket: undefined as unknown as net.Socket, tail: '', seen: new Set(), bytes: 0 };
    c.socket = await rawClient(port, (chunk, at) => {
      c.bytes += chunk.length;
      const text = chunk.toString('latin1');
      const hay = c.tail + text;
      if (hay.includes('mk:')) {
        for (const m of hay.matchAll(MARK)) {
          const seq = Number(m[1]);
          if (!c.seen.has(seq)) {
            c.seen.add(seq);
            onMarker(seq, at);
          }
        }
      }
      c.tail = hay.slice(-24);
    });
    return c;
  };
  for (let i = 0; i < n; i += 100) {
    const batch = await Promise.all(Array.from({ length: Math.min(100, n - i) }, one));
    clients.push(...batch);
  }
  return clients;
}

async function fanoutStep(server: ServerProcess, n: number, seconds: number, baselineRss: number): Promise<string> {
  const sentAt = new Map<number, number>();
  const firstAt = new Map<number, number>();
  const delivery = new LatencyHistogram();
  const spread = new LatencyHistogram();
  let measuring = false;
  const onMarker = (seq: number, at: number): void => {
    const sent = sentAt.get(seq);
    if (!measuring || sent === undefined) return;
    delivery.recordSeconds((at - sent) / 1000);
    const first = firstAt.get(seq);
    if (first === undefined) firstAt.set(seq, at);
    spread.recordSeconds(first === undefined ? 0 : (at - first) / 1000);
  };
  const t0 = performance.now();
  const clients = await connectClients(server.port, n, onMarker);
  const connectSeconds = (performance.now() - t0) / 1000;
  const probe = new WebSocket(`ws://127.0.0.1:${server.port}/term`);
  await new Promise((resolve, reject) => {
    probe.once('open', resolve);
    probe.once('error', reject);
  });
  await sleep(1000);
  for (const c of clients) c.bytes = 0;
  measuring = true;
  const start = performance.now();
  const serverCpu0 = cpuSeconds(server.child.pid!);
  const benchCpu0 = ownCpuSeconds();
  let seq = 0;
  const timer = setInterval(() => {
    seq += 1;
    sentAt.set(seq, performance.now());
    probe.send(JSON.stringify({ type: 'input', data: `mk:${seq}:b\r` }));
  }, 250);
  await sleep(seconds * 1000);
  clearInterval(timer);
  await sleep(1000); // let the last markers arrive
  measuring = false;
  const elapsed = (performance.now() - start) / 1000;
  const serverCpu = (cpuSeconds(server.child.pid!) - serverCpu0) / elapsed;
  const benchCpu = (ownCpuSeconds() - benchCpu0) / elapsed;
  const bytes = clients.reduce((sum, c) => sum + c.bytes, 0);
  const rss = rssBytes(server.child.pid!);
  const expected = n * seq;
  const got = delivery.count;
  for (const c of clients) c.socket.destroy();
  probe.terminate();
  await sleep(500);
  const ms = (s: number): string => (s * 1000).toFixed(1).padStart(7);
  return `${String(n).padStart(5)} | ${ms(delivery.percentileSeconds(50))} | ${ms(delivery.percentileSeconds(99))} | ${ms(spread.percentileSeconds(50))} | ${ms(spread.percentileSeconds(99))} | ${`${got}/${expected}`.padStart(11)} | ${formatBytes(bytes / elapsed).padStart(9)}/s | ${formatBytes(rss).padStart(9)} | ${`${rss >= baselineRss ? '+' : '-'}${formatBytes(Math.abs(rss - baselineRss))}`.padStart(9)} | ${connectSeconds.toFixed(1).padStart(5)} s | ${(serverCpu * 100).toFixed(0).padStart(4)} % | ${(benchCpu * 100).toFixed(0).padStart(4)} %`;
}

async function idleStep(socket: string, n: number): Promise<string[]> {
  const server = await startServer(socket, 'idle', '0B/s');
  try {
    await rawClient(server.port, () => undefined).then((s) => s.destroy());
    await sleep(500);
    const base = rssBytes(server.child.pid!);
    const t0 = performance.now();
    const sockets: net.Socket[] = [];
    for (let i = 0; i < n; i += 500) {
      sockets.push(...(await Promise.all(Array.from({ length: Math.min(500, n - i) }, () => rawClient(server.port, () => undefined)))));
    }
    const connectSeconds = (performance.now() - t0) / 1000;
    await sleep(3000);
    const held = rssBytes(server.child.pid!);
    const h0 = performance.now();
    const health = (await (await fetch(`http://127.0.0.1:${server.port}/health`)).json()) as { clients: number };
    const healthMs = performance.now() - h0;
    for (const s of sockets) s.destroy();
    return [
      `idle: ${health.clients} connections held (of ${n}) after ${connectSeconds.toFixed(1)} s of connecting`,
      `idle: server RSS ${formatBytes(base)} with none -> ${formatBytes(held)} with ${n} (${formatBytes((held - base) / n)} per connection); /health answered in ${healthMs.toFixed(1)} ms`,
    ];
  } finally {
    await stopServer(server);
  }
}

async function run(): Promise<void> {
  const rate = process.env.AGENT_BENCH_RATE ?? '10KB/s';
  const seconds = Number(process.env.AGENT_BENCH_SECONDS ?? 8);
  const sizes = (process.env.AGENT_BENCH_FANOUT ?? '1,10,100,1000').split(',').map(Number);
  const idle = Number(process.env.AGENT_BENCH_IDLE ?? 10_000);
  const socket = privateTmuxSocket('bench');
  process.stdout.write(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at start; output ${rate}; ${seconds} s per step\n`);
  try {
    const server = await startServer(socket, 'fan', rate);
    try {
      await sleep(1500);
      const baseline = rssBytes(server.child.pid!);
      process.stdout.write(`fan-out: server RSS with no client ${formatBytes(baseline)} (baseline for per-client RSS)\n`);
      process.stdout.write('clients | delivery p50 ms | p99 ms | spread p50 ms | p99 ms | markers seen | delivered | server RSS | vs none | connect | server CPU | bench CPU\n');
      for (const n of sizes) process.stdout.write(`${await fanoutStep(server, n, seconds, baseline)}\n`);
    } finally {
      await stopServer(server);
    }
    if (idle > 0) for (const line of await idleStep(socket, idle)) process.stdout.write(`${line}\n`);
    process.stdout.write(`load average at end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  } finally {
    await killTmuxServer({ socket });
  }
}

export const agentServerBenchmark = {
  name: 'agent-server',
  description: 'terminal server fan-out (1-1,000 clients at 10 KB/s: delivery p50/p99, bytes/s, RSS/client) and 10,000 idle connections',
  run,
};
