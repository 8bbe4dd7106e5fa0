// `agentscale serve-agent` as a process: serves the protocol, and on SIGTERM closes its clients
// with 1001, exits 0 and leaves the tmux session (the agent) running.

import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { killTmuxServer, tmuxHasSession } from '../agent-server/index.js';
import { fakeAgentArgv, privateTmuxSocket, RecordingClient } from '../agent-server/terminal/test-support.js';
import { CLI_PATH } from './cli.js';

const socket = privateTmuxSocket('cli');

function serve(args: string[], env: NodeJS.ProcessEnv = {}): { child: ReturnType<typeof spawn>; port: Promise<number>; exit: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [CLI_PATH, 'serve-agent', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const port = new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error(`serve-agent exited: ${stderr}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, port, exit, stderr: () => stderr };
}

afterAll(async () => {
  await killTmuxServer({ socket });
});

describe('agentscale serve-agent', () => {
  it('serves a session from its environment and leaves it running after SIGTERM', async () => {
    const fake = fakeAgentArgv('--seed', '2', '--rate', '1KB/s').map((a) => `'${a}'`).join(' ');
    const server = serve(['--port', '0', '--tmux-socket', socket, '--grace', '1s'], { AGENT_ID: 'cli-agent', TMUX_SESSION_NAME: 'keep', AI_TOOL: fake });
    const port = await server.port;
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'healthy', agentId: 'cli-agent', sessionName: 'keep' });

    const client = new RecordingClient(`ws://127.0.0.1:${port}/term`);
    await client.waitFor(() => client.historyComplete, 'history-complete');
    client.send(JSON.stringify({ type: 'input', data: 'mk:1:cli\r' }));
    await client.waitForLive('mk:1:cli');

    server.child.kill('SIGTERM');
    expect(await client.waitForClose()).toBe(1001);
    expect(await server.exit).toBe(0);
    expect(await tmuxHasSession({ socket }, 'keep')).toBe(true);
  });

  it('refuses to listen beyond loopback without a token', async () => {
    const server = serve(['--host', '0.0.0.0', '--port', '0', '--tmux-socket', socket]);
    server.port.catch(() => undefined);
    expect(await server.exit).toBe(2);
    expect(server.stderr()).toMatch(/refusing to bind 0\.0\.0\.0 without a token/);
  });
});
