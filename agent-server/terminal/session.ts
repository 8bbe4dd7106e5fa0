// One terminal session: a tmux session, the single PTY running `tmux attach` to it, and the
// clients watching it. PTY output is encoded once and broadcast to every live client; reading
// the PTY pauses while any client's send buffer is above the high-water mark (as ttyd does) and
// a client stuck there too long is closed, so one slow reader bounds both the stall and memory.
// Releasing the PTY only detaches: the tmux session and the agent in it keep running.

import * as pty from 'node-pty';
import { textFrame, TerminalClient, type FlowListener } from './client.js';
import type { ServerMetrics } from './metrics.js';
import { capturePane, ensureSession, tmuxArgs, tmuxEnv, type TmuxTarget } from './tmux.js';

export interface SessionConfig {
  tmux: TmuxTarget;
  command?: string | readonly string[] | undefined;
  workspace?: string | undefined;
  defaultCols: number;
  defaultRows: number;
  /** How long the PTY outlives its last client, in milliseconds. */
  graceMs: number;
  historyLines: number;
  log: (message: string) => void;
}

const MAX_PENDING_INPUT_BYTES = 1 << 20;

export class TerminalSession implements FlowListener {
  readonly clients = new Set<TerminalClient>();
  private term: pty.IPty | undefined;
  private starting: Promise<pty.IPty> | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private pressured = 0;
  private paused = false;
  private releasing = false;
  private pendingInput: Array<string | Buffer> = [];
  private pendingInputBytes = 0;
  private capturing = false;
  private snapshotWaiters: Array<(text: string) => void> = [];

  constructor(
    /** The tmux session name (already validated and normalised). */
    readonly name: string,
    private readonly config: SessionConfig,
    private readonly metrics: ServerMetrics,
    /** Called once the session has no PTY and no client left, so the server can forget it. */
    private readonly onIdle: (session: TerminalSession) => void,
  ) {}

  get hasPty(): boolean {
    return this.term !== undefined;
  }

  get liveClients(): number {
    let n = 0;
    for (const c of this.clients) if (c.live) n += 1;
    return n;
  }

  /** Adds a client: starts the PTY if needed, then sends snapshot, `history-complete`, live output. */
  async attach(client: TerminalClient, cols?: number, rows?: number): Promise<void> {
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    client.listener = this;
    this.clients.add(client);
    try {
      await this.ensurePty(cols ?? this.config.defaultCols, rows ?? this.config.defaultRows);
    } catch (err) {
      this.config.log(`session ${this.name}: ${err instanceof Error ? err.message : String(err)}`);
      this.detach(client);
      client.close(1011, 'terminal unavailable');
      return;
    }
    if (cols !== undefined && rows !== undefined) this.resize(cols, rows);
    const snapshot = await this.snapshot();
    if (client.closed || !this.clients.has(client)) return;
    // Always one snapshot frame, even empty, so clients can rely on the order of the protocol.
    client.send(Buffer.from(snapshot, 'utf8'));
    client.sendJson({ type: 'history-complete' });
    client.goLive();
  }

  detach(client: TerminalClient): void {
    if (!this.clients.delete(client)) return;
    client.listener = undefined;
    if (client.above) this.onPressure(client, false);
    if (this.clients.size === 0) this.startGrace();
  }

  write(data: string | Buffer): void {
    if (this.term) {
      this.term.write(data);
    } else if (this.pendingInputBytes + data.length <= MAX_PENDING_INPUT_BYTES) {
      this.pendingInput.push(data);
      this.pendingInputBytes += data.length;
    }
  }

  resize(cols: number, rows: number): void {
    try {
      this.term?.resize(cols, rows);
    } catch {
      // The PTY may have just exited; its exit handler cleans up.
    }
  }

  onPressure(_client: TerminalClient, above: boolean): void {
    this.pressured += above ? 1 : -1;
    if (this.pressured > 0 && !this.paused && this.term) {
      this.paused = true;
      this.metrics.ptyPauses += 1;
      this.term.pause();
    } else if (this.pressured <= 0 && this.paused) {
      this.pressured = 0;
      this.paused = false;
      this.term?.resume();
    }
  }

  onStuck(client: TerminalClient): void {
    this.metrics.slowClientDisconnects += 1;
    this.config.log(`session ${this.name}: closing a client stuck above the send high-water mark`);
    this.detach(client);
    client.close(1013, 'client too slow');
  }

  /** Detaches the PTY (the tmux session keeps running) and closes the clients with `code`. */
  release(code = 1001, reason = 'server shutting down'): void {
    clearTimeout(this.graceTimer);
    for (const client of [...this.clients]) {
      this.detach(client);
      client.close(code, reason);
    }
    clearTimeout(this.graceTimer);
    this.killPty();
  }

  private startGrace(): void {
    clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(() => {
      if (this.clients.size > 0) return;
      this.killPty();
      if (!this.starting) this.onIdle(this);
    }, this.config.graceMs);
    this.graceTimer.unref();
  }

  private killPty(): void {
    const term = this.term;
    if (!term) return;
    this.releasing = true;
    this.term = undefined;
    this.starting = undefined;
    this.paused = false;
    this.pressured = 0;
    // SIGHUP makes the tmux client detach; the tmux server and the session are untouched.
    try {
      term.kill('SIGHUP');
    } catch {
      // Already gone.
    }
  }

  private ensurePty(cols: number, rows: number): Promise<pty.IPty> {
    if (this.term) return Promise.resolve(this.term);
    this.starting ??= this.startPty(cols, rows).catch((err: unknown) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  private async startPty(cols: number, rows: number): Promise<pty.IPty> {
    await ensureSession(this.config.tmux, this.name, {
      cols,
      rows,
      cwd: this.config.workspace,
      command: this.config.command,
    });
    const term = pty.spawn('tmux', tmuxArgs(this.config.tmux, ['attach-session', '-t', `=${this.name}`]), {
      name: 'xterm-256color',
      cols,
      rows,
      cwd: this.config.workspace ?? process.cwd(),
      env: { ...tmuxEnv(), TERM: 'xterm-256color' } as Record<string, string>,
    });
    this.metrics.ptySpawns += 1;
    this.releasing = false;
    this.term = term;
    term.onData((chunk) => this.broadcast(chunk));
    term.onExit(() => this.exited(term));
    const input = this.pendingInput;
    this.pendingInput = [];
    this.pendingInputBytes = 0;
    for (const data of input) term.write(data);
    if (this.pressured > 0) {
      this.paused = true;
      term.pause();
    }
    return term;
  }

  private broadcast(chunk: string): void {
    const data = Buffer.from(chunk, 'utf8');
    let frame: Buffer | undefined;
    for (const client of this.clients) {
      if (client.live) client.sendFramed((frame ??= textFrame(data)), data);
      else client.queue(data);
    }
  }

  /**
   * One `tmux capture-pane` serves every client that asks while none is running: under a burst
   * of connections the server runs at most two captures at a time, not one per client. A client
   * asking while a capture runs waits for the next one, so its snapshot is never older than the
   * moment it joined.
   */
  private snapshot(): Promise<string> {
    return new Promise((resolve) => {
      this.snapshotWaiters.push(resolve);
      if (!this.capturing) this.capture();
    });
  }

  private capture(): void {
    const waiters = this.snapshotWaiters;
    this.snapshotWaiters = [];
    this.capturing = true;
    void capturePane(this.config.tmux, this.name, this.config.historyLines).then((text) => {
      this.capturing = false;
      for (const resolve of waiters) resolve(text);
      if (this.snapshotWaiters.length > 0) this.capture();
    });
  }

  private exited(term: pty.IPty): void {
    this.metrics.ptyExits += 1;
    if (this.term !== term) return; // released on purpose
    this.term = undefined;
    this.starting = undefined;
    if (!this.releasing) {
      // tmux attach ended by itself: the tmux session is gone (the agent exited or was killed).
      this.config.log(`session ${this.name}: terminal ended`);
      for (const client of [...this.clients]) {
        this.detach(client);
        client.close(1000, 'terminal session ended');
      }
    }
    clearTimeout(this.graceTimer);
    if (this.clients.size === 0) this.onIdle(this);
  }
}
