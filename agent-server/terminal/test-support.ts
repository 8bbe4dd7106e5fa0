// Shared by the terminal server's tests and benchmark: private tmux sockets, the fake agent's
// command line, and a WebSocket client that records what it receives.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WebSocket, type ClientOptions } from 'ws';

/** A tmux socket name no one else uses (`tmux -L NAME`). */
export function privateTmuxSocket(label: string): string {
  return `agentscale-${label}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** The built CLI (`npm run build` first). */
export function cliPath(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [new URL('../../cli/main.js', import.meta.url), new URL('../../dist/cli/main.js', import.meta.url)];
  for (const c of candidates) {
    const p = fileURLToPath(c);
    if (p.includes('/dist/') && existsSync(p)) return p;
  }
  throw new Error(`dist/cli/main.js not found from ${here}: run npm run build`);
}

/** Argument vector running the fake agent with the given options. */
export function fakeAgentArgv(...args: string[]): string[] {
  return [process.execPath, cliPath(), 'fake-agent', ...args];
}

export interface Received {
  text: string;
  at: number;
}

export class RecordingClient {
  readonly ws: WebSocket;
  readonly frames: Received[] = [];
  closeCode: number | undefined;
  closeReason = '';
  readonly opened: Promise<void>;
  readonly closedPromise: Promise<number>;
  private waiters: Array<() => void> = [];
  /** Text received after `history-complete`. */
  live = '';
  historyComplete = false;

  constructor(url: string, options: ClientOptions = {}) {
    this.ws = new WebSocket(url, options);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('error', () => undefined);
    this.ws.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      this.frames.push({ text, at: performance.now() });
      if (this.historyComplete) this.live += text;
      if (text === '{"type":"history-complete"}') this.historyComplete = true;
      this.wake();
    });
    this.closedPromise = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        this.wake();
        resolve(code);
      });
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves once `predicate` holds, re-checked on every frame; rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; last frames: ${JSON.stringify(this.frames.slice(-3).map((f) => f.text.slice(0, 200)))}`)), timeoutMs);
      const check = (): void => {
        if (predicate()) {
          clearTimeout(timer);
          resolve();
        } else if (this.closeCode !== undefined && !what.startsWith('close')) {
          clearTimeout(timer);
          reject(new Error(`closed (${this.closeCode} ${this.closeReason}) while waiting for ${what}`));
        } else {
          this.waiters.push(check);
        }
      };
      check();
    });
  }

  waitForLive(text: string, timeoutMs?: number): Promise<void> {
    return this.waitFor(() => this.live.includes(text), `output containing ${JSON.stringify(text)}`, timeoutMs);
  }

  waitForClose(timeoutMs?: number): Promise<number> {
    return this.waitFor(() => this.closeCode !== undefined, 'close', timeoutMs).then(() => this.closeCode!);
  }

  send(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  close(): void {
    this.ws.close();
  }
}

/** Polls `check` until it returns true (for state outside any one client), or fails after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
