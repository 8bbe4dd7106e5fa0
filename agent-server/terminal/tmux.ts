// tmux, always run with an argument vector (execFile), never through a shell.
// Session targets use `=name` so tmux matches the name exactly instead of by prefix.

import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface TmuxTarget {
  /** tmux server socket name (`tmux -L NAME`); undefined means tmux's default server. */
  socket?: string | undefined;
}

export interface TmuxResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Environment for tmux and the PTY: never inside another tmux (attach would refuse to nest). */
export function tmuxEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env = { ...base };
  delete env.TMUX;
  delete env.TMUX_PANE;
  return env;
}

export function tmuxArgs(target: TmuxTarget, args: readonly string[]): string[] {
  return target.socket ? ['-L', target.socket, ...args] : [...args];
}

export function runTmux(target: TmuxTarget, args: readonly string[], maxBuffer = 64 * 1024 * 1024): Promise<TmuxResult> {
  return new Promise((resolve) => {
    execFile('tmux', tmuxArgs(target, args), { env: tmuxEnv(), maxBuffer, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function hasSession(target: TmuxTarget, name: string): Promise<boolean> {
  return (await runTmux(target, ['has-session', '-t', `=${name}`])).code === 0;
}

export interface NewSessionOptions {
  cols: number;
  rows: number;
  cwd?: string | undefined;
  /**
   * What runs in the session. A string is operator configuration handed to tmux as one argument
   * (tmux runs it with the default shell); an array is an argument vector tmux executes directly.
   * Neither ever comes from a client.
   */
  command?: string | readonly string[] | undefined;
}

/** Creates the session unless it already exists (a concurrent creator winning the race is fine). */
export async function ensureSession(target: TmuxTarget, name: string, options: NewSessionOptions): Promise<void> {
  if (await hasSession(target, name)) return;
  const args = ['new-session', '-d', '-s', name, '-x', String(options.cols), '-y', String(options.rows)];
  if (options.cwd) args.push('-c', options.cwd);
  const command = options.command;
  if (typeof command === 'string' && command.trim() !== '') args.push(command);
  else if (Array.isArray(command) && command.length > 0) args.push(...(command as string[]));
  const result = await runTmux(target, args);
  if (result.code !== 0 && !(await hasSession(target, name))) {
    throw new Error(`tmux new-session ${name} failed: ${result.stderr.trim() || `exit ${result.code}`}`);
  }
}

/** Scroll-back plus the visible screen with colours, lines ended for a terminal (`\r\n`). */
export async function capturePane(target: TmuxTarget, name: string, historyLines = 50_000): Promise<string> {
  const result = await runTmux(target, ['capture-pane', '-p', '-e', '-S', String(-historyLines), '-t', `=${name}:`]);
  if (result.code !== 0) return '';
  return result.stdout.replace(/\s+$/, '').replace(/\r?\n/g, '\r\n');
}

/** Kills a (private) tmux server and removes its socket file, which tmux leaves behind. */
export async function killServer(target: TmuxTarget): Promise<void> {
  await runTmux(target, ['kill-server']);
  if (target.socket) {
    const dir = process.env.TMUX_TMPDIR || '/tmp';
    const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
    await rm(join(dir, `tmux-${uid}`, target.socket), { force: true });
  }
}

export async function windowSize(target: TmuxTarget, name: string): Promise<{ cols: number; rows: number } | undefined> {
  const result = await runTmux(target, ['display-message', '-p', '-t', `=${name}:`, '#{window_width} #{window_height}']);
  const m = /^(\d+) (\d+)/.exec(result.stdout);
  return m ? { cols: Number(m[1]), rows: Number(m[2]) } : undefined;
}

/** Sizes of the clients attached to a session (our PTY is one): what a resize sets. */
export async function clientSizes(target: TmuxTarget, name: string): Promise<Array<{ cols: number; rows: number }>> {
  const result = await runTmux(target, ['list-clients', '-t', `=${name}`, '-F', '#{client_width} #{client_height}']);
  return result.stdout
    .split('\n')
    .map((line) => /^(\d+) (\d+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ cols: Number(m[1]), rows: Number(m[2]) }));
}
