// `maestro` against the agent terminal server (real tmux on a private socket, the fake agent
// echoing input), and `agentcom` against the reference hub, both on 127.0.0.1.

import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { LatencyHistogram, percentileKey } from '../lib/index.js';
import { startAgentServer, killTmuxServer, startHub, type AgentServerHandle, type HubHandle } from '../agent-server/index.js';
import { fakeAgentArgv, privateTmuxSocket } from '../agent-server/terminal/test-support.js';
import { agentcomPlan, resolveOptions, runLoad } from '../loadgen/index.js';

describe('loadgen maestro against the agent server', () => {
  const socket = privateTmuxSocket('loadgen');
  let server: AgentServerHandle;

  beforeAll(async () => {
    server = await startAgentServer({
      port: 0,
      tmuxSocket: socket,
      sessionName: 'lg',
      agentId: 'lg-1',
      command: fakeAgentArgv('--rate', '0B/s'),
      graceMs: 500,
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await server?.close();
    await killTmuxServer({ socket });
  });

  it('times marker round trips, fan-out to watchers, connect and snapshot', async () => {
    const options = resolveOptions({
      url: server.url,
      protocol: 'maestro',
      connections: 1,
      watchers: 3,
      rate: '10/s',
      duration: '3s',
      maxLag: '1s',
    });
    const { document, exitCode } = await runLoad(options);
    const p = document.points[0]!;
    const m = p.metrics;
    expect(exitCode).toBe(0);
    expect(m['errors.rate']!.value).toBe(0);
    // every input came back to its writer, and reached each of the 3 watchers
    expect(m['ops.completed']!.value).toBe(m['ops.sent']!.value);
    expect(m['ops.sent']!.value).toBeGreaterThan(20);
    expect(p.histograms!['latency.fanout']!.count).toBe(3 * m['ops.sent']!.value);
    expect(p.histograms!['latency.connect']!.count).toBe(4);
    expect(p.histograms!['latency.snapshot']!.count).toBe(4);
    expect(m[percentileKey('latency.rtt', 50)]!.value).toBeGreaterThan(0);
    expect(m[percentileKey('latency.rtt', 50)]!.value).toBeLessThan(options.timeout);
    // The steady stream per client, from a second after its handshake: the echoed markers at least (10 a
    // second, each over 10 bytes), never the snapshot, and the four clients' time receiving it
    // (each the run less that second, none longer than run and drain).
    expect(m['bytes.stream']!.value / (m['stream.ms']!.value / 1000)).toBeGreaterThanOrEqual(10 * 10);
    expect(m['bytes.stream']!.value).toBeLessThan(m['bytes.received']!.value);
    // Frames in the same stream: at least one a second per client, each of at least one byte.
    expect(m['frames.stream']!.value).toBeGreaterThanOrEqual(m['stream.ms']!.value / 1000);
    expect(m['frames.stream']!.value).toBeLessThanOrEqual(m['bytes.stream']!.value);
    expect(m['stream.ms']!.value).toBeGreaterThan(4 * 1500);
    expect(m['stream.ms']!.value).toBeLessThan(4 * (3000 + options.timeout * 1000));
  });
});

describe('loadgen agentcom against the reference hub', () => {
  let hub: HubHandle;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'agentscale-lg-hub-'));
    hub = await startHub({ port: 0, dataDir: dir, sync: 'none', rateLimits: { enabled: false, perMinute: { light: 120, normal: 60, heavy: 10 } } });
  });
  afterAll(async () => {
    await hub?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('submits tasks, works them as sidecars and times submit → assign → complete', async () => {
    const options = resolveOptions({
      url: hub.url,
      protocol: 'agentcom',
      token: hub.adminToken,
      connections: 3,
      rate: '10/s',
      messages: 20,
      serviceTime: 'exp:100ms',
      progressInterval: '50ms',
      duration: '10s',
      maxLag: '1s',
    });
    const { document, exitCode } = await runLoad(options);
    const p = document.points[0]!;
    const m = p.metrics;
    expect(m['ops.intended']!.value).toBe(20);
    expect(m['ops.completed']!.value).toBe(20);
    expect(m['errors.rate']!.value).toBe(0);
    expect(exitCode).toBe(0);
    expect(p.histograms!['latency.assign']!.count).toBe(20);
    expect(p.histograms!['latency.task']!.count).toBe(20);
    expect(p.histograms!['latency.ack']!.count).toBe(20);
    // a task completes after it is assigned
    expect(m[percentileKey('latency.task', 50)]!.value).toBeGreaterThan(m[percentileKey('latency.assign', 50)]!.value);
    expect(document.notes?.some((n) => n.startsWith('hub /api/metrics after'))).toBe(true);
    // The plan is what the run did: as many tasks, and none done sooner than its planned service
    // time, so no quantile of task latency is below the same quantile of the service times.
    const plan = agentcomPlan(options);
    expect(plan).toHaveLength(m['ops.intended']!.value);
    const services = plan.map((t) => t.serviceTime).sort((a, b) => a - b);
    const task = LatencyHistogram.decode(p.histograms!['latency.task']!);
    for (const q of [10, 50, 90, 100]) expect(task.percentileSeconds(q)).toBeGreaterThanOrEqual(services[Math.ceil((q / 100) * services.length) - 1]!);
  });

  it('stops with exit 1 when the hub refuses the token', async () => {
    const options = resolveOptions({ url: hub.url, protocol: 'agentcom', token: 'not-the-admin-token', connections: 2, duration: '1s' });
    await expect(runLoad(options)).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/refused the --token \(HTTP 40[13]\)/) });
  });
});

describe('loadgen maestro when the watchers take long to attach', () => {
  // A terminal server of the protocol's shape whose watchers' handshakes end 1.5 s after they
  // open (a wide level's connection storm): input comes back to every client of the session.
  const HELD_MS = 1500;
  let wss: WebSocketServer;
  let url: string;

  beforeAll(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/term?name=s{i}`;
    wss.on('connection', (ws) => {
      // The writer is the session's only client when it attaches (the generator's reachability probe has left).
      const watcher = wss.clients.size > 1;
      ws.send(JSON.stringify({ type: 'connected' }));
      setTimeout(() => ws.send(JSON.stringify({ type: 'history-complete' })), watcher ? HELD_MS : 0);
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { type: string; data?: string };
        if (frame.type !== 'input') return;
        for (const c of wss.clients) c.send(frame.data!);
      });
    });
  });
  afterAll(() => new Promise<void>((resolve) => wss.close(() => resolve())));

  it('types for the whole duration once they are attached, not for what the storm left of it', async () => {
    const options = resolveOptions({ url, protocol: 'maestro', connections: 1, watchers: 2, rate: '20/s', duration: '2s', maxLag: '1s' });
    const started = performance.now();
    const { document, exitCode } = await runLoad(options);
    const m = document.points[0]!.metrics;
    expect(exitCode).toBe(0);
    // 2 s at 20/s after the watchers' 1.5 s (what the old window left: 0.5 s, about 10 inputs).
    expect(m['ops.intended']!.value).toBeGreaterThanOrEqual(38);
    expect(m['ops.completed']!.value).toBe(m['ops.sent']!.value);
    expect(m['run.duration']!.value).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(HELD_MS + 2000);
  });
});
