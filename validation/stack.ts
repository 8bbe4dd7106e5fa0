// The live stack on 127.0.0.1, as child processes of the built CLI: an agent terminal server whose
// tmux sessions run the fake agent, the reference hub, and the Claude emulator. Each start waits
// for the server's ready line and returns how to reach it and how to stop it.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { cliPath, startChild, type Child } from './processes.js';

const run = promisify(execFile);

export interface AgentServerHandle {
  child: Child;
  port: number;
  /** `ws://127.0.0.1:PORT/term?name=s{i}`: one tmux session per load-generator session. */
  termUrl: string;
  stop(): Promise<void>;
}

/** Agent terminal server; every new session runs `fake-agent --rate outputRate`. */
export async function startAgentServerProcess(options: { outputRate: number; tmuxSocket: string; core?: string; seed?: number }): Promise<AgentServerHandle> {
  const cli = cliPath();
  // tmux runs the command through its shell: every part here is ours (numbers and paths), never user text.
  const fake = `${quote(process.execPath)} ${quote(cli)} fake-agent --rate ${Math.round(options.outputRate)}B/s --seed ${options.seed ?? 1} --no-banner`;
  const child = startChild('serve-agent', [cli, 'serve-agent', '--port', '0', '--tmux-socket', options.tmuxSocket, '--command', fake, '--grace', '1s'], {
    core: options.core,
  });
  const m = await child.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
  const port = Number(m[1]);
  return {
    child,
    port,
    termUrl: `ws://127.0.0.1:${port}/term?name=s{i}`,
    async stop() {
      await child.stop();
      await run('tmux', ['-L', options.tmuxSocket, 'kill-server']).catch(() => undefined);
      await removeDeadSocket(options.tmuxSocket);
    },
  };
}

/** tmux can leave its socket file (and now and then the lock file beside it) behind; remove them once no server answers on it. */
async function removeDeadSocket(name: string): Promise<void> {
  const alive = await run('tmux', ['-L', name, 'list-sessions']).then(
    () => true,
    () => false,
  );
  if (alive) return;
  const dir = path.join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`);
  for (const file of [name, `${name}.lock`]) await rm(path.join(dir, file), { force: true }).catch(() => undefined);
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface HubHandle {
  child: Child;
  url: string;
  adminToken: string;
  stop(): Promise<void>;
}

export async function startHubProcess(options: { dataDir: string; storeMode: 'fsync' | 'group' | 'none'; core?: string }): Promise<HubHandle> {
  const cli = cliPath();
  const child = startChild(
    'serve-hub',
    [cli, 'serve-hub', '--port', '0', '--data-dir', options.dataDir, '--store-sync', options.storeMode, '--rate-limits', 'off'],
    { core: options.core },
  );
  const m = await child.waitFor(/^(\{.*"url".*\})$/m);
  const line = JSON.parse(m[1]!) as { url: string; admin_token?: string };
  if (!line.admin_token) throw new Error('serve-hub printed no admin token');
  return { child, url: line.url, adminToken: line.admin_token, stop: () => child.stop() };
}

/** Counters of the hub's Prometheus text that validation reads. */
export async function hubCounters(url: string): Promise<Record<string, number>> {
  const res = await fetch(`${url}/metrics`);
  const text = await res.text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-z_]+)(?:\{[^}]*\})?\s+([0-9.eE+-]+|NaN)$/);
    if (!m) continue;
    // A histogram's bucket keeps its bound in its name; other labelled series add up under theirs.
    const bound = line.match(/\{le="([^"]+)"\}/);
    const key = bound ? `${m[1]!}{le="${bound[1]!}"}` : m[1]!;
    out[key] = (out[key] ?? 0) + Number(m[2]);
  }
  return out;
}

/**
 * A histogram's finite bucket bounds and the samples in each bucket, from the change in
 * `hubCounters` between two readings; `counts` ends with one more, the samples past every bound.
 */
export function bucketsBetween(name: string, before: Record<string, number>, after: Record<string, number>): { bounds: number[]; counts: number[] } {
  const prefix = `${name}_bucket{le="`;
  const buckets = Object.keys(after)
    .filter((k) => k.startsWith(prefix))
    .map((key) => ({ key, bound: Number(key.slice(prefix.length, -2)) }))
    .filter((b) => Number.isFinite(b.bound))
    .sort((a, b) => a.bound - b.bound);
  const bounds = buckets.map((b) => b.bound);
  const cumulative = buckets.map(({ key }) => (after[key] ?? 0) - (before[key] ?? 0));
  const all = (after[`${name}_count`] ?? 0) - (before[`${name}_count`] ?? 0);
  return { bounds, counts: [...cumulative, all].map((c, i, xs) => c - (i === 0 ? 0 : xs[i - 1]!)) };
}

export interface EmulatorHandle {
  child: Child;
  url: string;
  stop(): Promise<void>;
}

/** The Claude emulator with every parameter taken from the scenario (as the model reads it). */
export async function startClaudeEmulatorProcess(options: { scenario: string; seed: number; core?: string }): Promise<EmulatorHandle> {
  const child = startChild('emulate claude', [cliPath(), 'emulate', 'claude', '--scenario', options.scenario, '--port', '0', '--seed', String(options.seed)], { core: options.core });
  const m = await child.waitFor(/^(http:\/\/127\.0\.0\.1:\d+)\s*$/m);
  return { child, url: m[1]!, stop: () => child.stop() };
}

/** The pid of the tmux server on a private socket, or undefined when none answers. */
export async function tmuxServerPid(socket: string): Promise<number | undefined> {
  try {
    const { stdout } = await run('tmux', ['-L', socket, 'list-sessions', '-F', '#{pid}']);
    const pid = Number(stdout.trim().split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
