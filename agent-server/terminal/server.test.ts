// The terminal server against real tmux, real node-pty and real sockets on 127.0.0.1, driven by
// clients speaking AI Maestro's protocol. Each server uses a private tmux socket, killed after.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { markerInput } from '../fake-agent/index.js';
import { signJwt } from './auth.js';
import { startAgentServer, type AgentServerHandle } from './server.js';
import { capturePane, clientSizes, hasSession, killServer, windowSize } from './tmux.js';
import { eventually, fakeAgentArgv, privateTmuxSocket, RecordingClient } from './test-support.js';

describe('terminal server protocol', () => {
  const socket = privateTmuxSocket('proto');
  let server: AgentServerHandle;
  const clients: RecordingClient[] = [];
  const connect = (query = ''): RecordingClient => {
    const c = new RecordingClient(`${server.url}${query}`);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startAgentServer({
      port: 0,
      tmuxSocket: socket,
      sessionName: 'main',
      agentId: 'agent-7',
      maxSessions: 2,
      command: fakeAgentArgv('--seed', '3', '--rate', '2KB/s'),
      graceMs: 1500,
      log: () => undefined,
    });
  });
  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    await server.close();
    await killServer({ socket });
  });

  it('sends connected, a snapshot, history-complete, then echoes input through the fake agent', async () => {
    const a = connect();
    await a.waitFor(() => a.historyComplete, 'history-complete');
    expect(JSON.parse(a.frames[0]!.text)).toEqual({ type: 'connected', agentId: 'agent-7', sessionName: 'main' });
    expect(a.frames[2]!.text).toBe('{"type":"history-complete"}');
    a.send(JSON.stringify({ type: 'input', data: markerInput('mk:1:abcd') }));
    await a.waitForLive('mk:1:abcd');
    // The snapshot of a second client carries what the first one already saw on the screen.
    const b = connect();
    await b.waitFor(() => b.historyComplete, 'history-complete (b)');
    expect(b.frames[1]!.text).toContain('mk:1:abcd');
    expect(server.metrics.ptySpawns).toBe(1);
    b.close();
    await b.waitForClose();
  });

  it('writes a frame that parses as JSON but is not a command (the text 7) to the terminal', async () => {
    const a = connect();
    await a.waitFor(() => a.historyComplete, 'history-complete');
    a.send('7');
    a.send('[1]');
    a.send('{"type":"nope"}');
    a.send(markerInput('mk:2:seven'));
    await a.waitForLive('mk:2:seven');
    const screen = await capturePane({ socket }, 'main', 100);
    expect(screen).toContain('7[1]{"type":"nope"}mk:2:seven');
  });

  it('answers ping with pong and applies a resize to the tmux window', async () => {
    const a = connect();
    await a.waitFor(() => a.historyComplete, 'history-complete');
    a.send('{"type":"ping"}');
    await a.waitFor(() => a.frames.some((f) => f.text === '{"type":"pong"}'), 'pong');
    a.send(JSON.stringify({ type: 'resize', cols: 133, rows: 41 }));
    await eventually(async () => {
      const sizes = await clientSizes({ socket }, 'main');
      return sizes.length === 1 && sizes[0]!.cols === 133 && sizes[0]!.rows === 41;
    }, 'tmux client 133x41');
    // The window follows its only client (less tmux's status line).
    expect((await windowSize({ socket }, 'main'))?.cols).toBe(133);
  });

  it('broadcasts the same output to every client of a session', async () => {
    const group = [connect(), connect(), connect()];
    await Promise.all(group.map((c) => c.waitFor(() => c.historyComplete, 'history-complete')));
    group[1]!.send(JSON.stringify({ type: 'input', data: markerInput('mk:3:fanout') }));
    await Promise.all(group.map((c) => c.waitForLive('mk:3:fanout')));
    expect(server.metrics.ptySpawns).toBe(1);
  });

  it('keeps separate sessions apart with ?name=', async () => {
    const other = connect('?name=side.b');
    await other.waitFor(() => other.historyComplete, 'history-complete (side)');
    expect(JSON.parse(other.frames[0]!.text).sessionName).toBe('side.b');
    other.send(JSON.stringify({ type: 'input', data: markerInput('mk:4:side') }));
    await other.waitForLive('mk:4:side');
    expect(await hasSession({ socket }, 'side_b')).toBe(true);
    expect(await capturePane({ socket }, 'main', 200)).not.toContain('mk:4:side');
    // A third session is one more than this server may drive.
    const third = connect('?name=third');
    expect(await third.waitForClose()).toBe(1013);
    expect(await hasSession({ socket }, 'third')).toBe(false);
  });

  it('survives malformed, oversized and binary frames, absurd resizes and bad session names', async () => {
    const a = connect();
    await a.waitFor(() => a.historyComplete, 'history-complete');
    a.send('{"type":"resize","cols":1e9,"rows":-4}');
    a.send('{"type":"resize","cols":"80","rows":24}');
    a.send('{"type":"input","data":42}');
    a.send('{"type": "input", "data": "unterminated');
    a.send(Buffer.from(markerInput('mk:5:binary')), true);
    await a.waitForLive('mk:5:binary');
    expect(server.metrics.rejectedFrames.get('resize')).toBe(2);
    expect(server.metrics.rejectedFrames.get('input')).toBe(1);
    const size = await windowSize({ socket }, 'main');
    expect(size!.cols).toBeLessThanOrEqual(1000);

    for (const bad of ['?name=..%2Fetc', `?name=${'x'.repeat(65)}`, '?name=a%20b', '?name=']) {
      const c = connect(bad);
      expect(await c.waitForClose()).toBe(1008);
    }
    const big = connect();
    await big.waitFor(() => big.historyComplete, 'history-complete (big)');
    big.send('x'.repeat(300 * 1024));
    expect(await big.waitForClose()).toBe(1009);
    expect(server.metrics.rejectedFrames.get('oversized')).toBe(1);

    const health = (await (await fetch(`http://127.0.0.1:${server.port}/health`)).json()) as Record<string, unknown>;
    expect(health.status).toBe('healthy');
    a.send(JSON.stringify({ type: 'input', data: markerInput('mk:6:alive') }));
    await a.waitForLive('mk:6:alive');
  });

  it('shares the running PTY with a client reconnecting within the grace period, and detaches after it', async () => {
    for (const c of clients) c.ws.close();
    await Promise.all(clients.map((c) => c.waitForClose()));
    const spawns = server.metrics.ptySpawns;
    const again = connect();
    await again.waitFor(() => again.historyComplete, 'history-complete (again)');
    expect(server.metrics.ptySpawns).toBe(spawns);
    again.close();
    await again.waitForClose();
    await eventually(() => server.stats().sessions.every((s) => !s.hasPty), 'PTYs released after the grace period');
    // Detached, not killed: the agent keeps running in tmux and a new client gets a new PTY.
    expect(await hasSession({ socket }, 'main')).toBe(true);
    const late = connect();
    await late.waitFor(() => late.historyComplete, 'history-complete (late)');
    expect(server.metrics.ptySpawns).toBe(spawns + 1);
    late.send(JSON.stringify({ type: 'input', data: markerInput('mk:7:late') }));
    await late.waitForLive('mk:7:late');
  });

  it('reports health and Prometheus metrics', async () => {
    const health = (await (await fetch(`http://127.0.0.1:${server.port}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'healthy', agentId: 'agent-7', sessionName: 'main' });
    expect(typeof health.timestamp).toBe('string');
    expect(typeof health.uptime).toBe('number');
    expect(health.clients).toBeGreaterThanOrEqual(1);
    const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    for (const line of text.trim().split('\n')) {
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{\w+="[^"]*"\})? -?[0-9.e+-]+)$/);
    }
    const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('agent_server_pty_spawns_total')).toBe(server.metrics.ptySpawns);
    expect(value('agent_server_frames_in_total')).toBeGreaterThan(10);
    expect(value('agent_server_bytes_out_total')).toBeGreaterThan(0);
    expect(text).toMatch(/^agent_server_event_loop_delay_seconds\{quantile="0.99"\} /m);
    expect((await fetch(`http://127.0.0.1:${server.port}/nope`)).status).toBe(404);
  });
});

describe('terminal server authentication', () => {
  const socket = privateTmuxSocket('auth');
  let server: AgentServerHandle;
  const secret = 'static-secret-123';
  const jwtKey = 'jwt-key-456';

  beforeAll(async () => {
    server = await startAgentServer({
      port: 0,
      tmuxSocket: socket,
      agentId: 'agent-a',
      token: secret,
      jwtSecret: jwtKey,
      authTimeoutMs: 300,
      inputFramesPerSecond: 2,
      inputBurstFrames: 5,
      command: fakeAgentArgv('--rate', '0B/s'),
      graceMs: 200,
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await server.close();
    await killServer({ socket });
  });

  const accepted = async (c: RecordingClient): Promise<void> => {
    await c.waitFor(() => c.historyComplete, 'history-complete');
    c.close();
    await c.waitForClose();
  };

  it('refuses to bind beyond loopback without a token', async () => {
    await expect(startAgentServer({ port: 0, host: '0.0.0.0', log: () => undefined })).rejects.toThrow(/without a token/);
  });

  it('accepts a bearer header, a query token, an auth frame and a valid JWT', async () => {
    await accepted(new RecordingClient(server.url, { headers: { authorization: `Bearer ${secret}` } }));
    await accepted(new RecordingClient(`${server.url}?token=${secret}`));
    const byFrame = new RecordingClient(server.url);
    await byFrame.opened;
    byFrame.send(JSON.stringify({ type: 'auth', token: secret }));
    await accepted(byFrame);
    const jwt = signJwt({ agent: 'agent-a', exp: Math.floor(Date.now() / 1000) + 60 }, jwtKey);
    await accepted(new RecordingClient(`${server.url}?token=${jwt}`));
    const wildcard = signJwt({ agent: '*', exp: Math.floor(Date.now() / 1000) + 60 }, jwtKey);
    await accepted(new RecordingClient(server.url, { headers: { authorization: `Bearer ${wildcard}` } }));
    expect(server.metrics.authFailures).toBe(0);
  });

  it('closes bad, expired, foreign and missing tokens with 1008 and counts them', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      new RecordingClient(server.url, { headers: { authorization: 'Bearer wrong' } }),
      new RecordingClient(`${server.url}?token=${secret}x`),
      new RecordingClient(`${server.url}?token=${signJwt({ agent: 'agent-a', exp: now - 1 }, jwtKey)}`),
      new RecordingClient(`${server.url}?token=${signJwt({ agent: 'agent-b', exp: now + 60 }, jwtKey)}`),
      new RecordingClient(`${server.url}?token=${signJwt({ agent: 'agent-a', exp: now + 60 }, 'other-key')}`),
      new RecordingClient(server.url), // never authenticates: times out
    ];
    const wrongFrame = new RecordingClient(server.url);
    await wrongFrame.opened;
    wrongFrame.send(JSON.stringify({ type: 'input', data: 'ls\r' }));
    cases.push(wrongFrame);
    const codes = await Promise.all(cases.map((c) => c.waitForClose()));
    expect(codes).toEqual(cases.map(() => 1008));
    for (const c of cases) expect(c.frames.some((f) => f.text.includes('"connected"'))).toBe(false);
    expect(server.metrics.authFailures).toBe(cases.length);
    const metrics = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(metrics.status).toBe(401);
    const authorised = await (await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers: { authorization: `Bearer ${secret}` } })).text();
    expect(authorised).toMatch(new RegExp(`^agent_server_auth_failures_total ${cases.length}$`, 'm'));
  });

  it('drops input beyond the per-client rate and counts it', async () => {
    const c = new RecordingClient(`${server.url}?token=${secret}`);
    await c.waitFor(() => c.historyComplete, 'history-complete');
    for (let i = 0; i < 20; i += 1) c.send(JSON.stringify({ type: 'input', data: 'x' }));
    c.send('{"type":"ping"}');
    await eventually(() => (server.metrics.rejectedFrames.get('rate-limit') ?? 0) >= 10, 'rate-limited frames counted');
    // The burst of 5 went through; most of the rest did not (a few may refill while they arrive).
    expect(server.metrics.rejectedFrames.get('rate-limit')).toBeLessThanOrEqual(16);
    c.close();
    await c.waitForClose();
  });

  it('refuses browser origins outside the allow-list', async () => {
    const foreign = new RecordingClient(`${server.url}?token=${secret}`, { headers: { origin: 'https://evil.example' } });
    await expect(foreign.opened).rejects.toThrow(/403/);
    await accepted(new RecordingClient(`${server.url}?token=${secret}`, { headers: { origin: 'http://localhost:3000' } }));
    expect(server.metrics.originRejections).toBe(1);
  });
});

describe('heartbeat', () => {
  it('posts {status:"active"} to the host on the interval', async () => {
    const beats: Array<{ url: string; body: string }> = [];
    const host = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        beats.push({ url: req.url ?? '', body });
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((r) => host.listen(0, '127.0.0.1', () => r()));
    const address = host.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const server = await startAgentServer({
      port: 0,
      agentId: 'hb agent',
      hostUrl: `http://127.0.0.1:${port}/`,
      heartbeatIntervalMs: 50,
      log: () => undefined,
    });
    try {
      await eventually(() => beats.length >= 3 && server.metrics.heartbeatsSent >= 3, 'three heartbeats');
      expect(beats[0]).toEqual({ url: '/api/agents/hb%20agent/heartbeat', body: '{"status":"active"}' });
      expect(server.metrics.heartbeatFailures).toBe(0);
    } finally {
      await server.close();
      host.close();
    }
  });
});
