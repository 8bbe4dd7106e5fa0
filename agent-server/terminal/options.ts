// Everything the terminal server can be told, its defaults, and how the environment variables of
// AI Maestro's container server map onto it.

export interface AgentServerOptions {
  /** TCP port; 0 picks a free one. Default 23000 (AGENT_PORT). */
  port?: number;
  /** Address to bind. Default 127.0.0.1; any other address requires a token. */
  host?: string;
  /** Agent id reported by /health and matched against a JWT's `agent` claim (AGENT_ID). */
  agentId?: string;
  /** Session `/term` attaches to without `?name=` (TMUX_SESSION_NAME). Default `agent-session`. */
  sessionName?: string;
  /** Working directory of new tmux sessions (WORKSPACE). Default: the current directory. */
  workspace?: string;
  /** What a new tmux session runs (AI_TOOL). A string goes to tmux as one shell command; an array is executed directly. */
  command?: string | readonly string[];
  /** tmux server socket name (`tmux -L NAME`); default: tmux's default server. */
  tmuxSocket?: string;
  /** Static shared secret clients must present. */
  token?: string;
  /** HS256 key for JWTs clients may present instead (claims: `exp`, `agent`). */
  jwtSecret?: string;
  /** Allowed browser origins; `*` allows any. Default: loopback origins only. */
  allowedOrigins?: readonly string[];
  /** Largest client frame accepted, in bytes (bigger ones close the connection with 1009). Default 256 KiB. */
  maxFrameBytes?: number;
  /** Terminal input per client, bytes per second, and its burst. Defaults 1 MB/s and 1 MiB. */
  inputBytesPerSecond?: number;
  inputBurstBytes?: number;
  /** Client frames per second per client, and its burst. Defaults 500/s and 1000. */
  inputFramesPerSecond?: number;
  inputBurstFrames?: number;
  /** Unflushed bytes per client above which the PTY is paused. Default 1 MiB. */
  highWaterBytes?: number;
  /** Milliseconds a client may stay above the high-water mark before it is closed with 1013. Default 10 s. */
  slowClientTimeoutMs?: number;
  /** Milliseconds the PTY outlives its last client. Default 30 s. */
  graceMs?: number;
  /** Milliseconds a client has to send `{"type":"auth"}` when it brought no token. Default 5 s. */
  authTimeoutMs?: number;
  /** Most WebSocket connections held at once (more are refused with HTTP 503). Default 20,000. */
  maxConnections?: number;
  /** Most sessions with clients or a PTY at once; a client asking for one more is closed with 1013. Default 64. */
  maxSessions?: number;
  /** Scroll-back lines sent on connect. Default 50,000. */
  historyLines?: number;
  /** AI Maestro host to send heartbeats to (AIMAESTRO_HOST_URL); none when absent. */
  hostUrl?: string;
  /** Heartbeat interval in milliseconds. Default 60 s. */
  heartbeatIntervalMs?: number;
  /** Where log lines go. Default: stderr. */
  log?: (message: string) => void;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  agentId: string;
  sessionName: string;
  workspace: string;
  command: string | readonly string[] | undefined;
  tmuxSocket: string | undefined;
  token: string | undefined;
  jwtSecret: string | undefined;
  allowedOrigins: readonly string[] | undefined;
  maxFrameBytes: number;
  inputBytesPerSecond: number;
  inputBurstBytes: number;
  inputFramesPerSecond: number;
  inputBurstFrames: number;
  highWaterBytes: number;
  slowClientTimeoutMs: number;
  graceMs: number;
  authTimeoutMs: number;
  maxConnections: number;
  maxSessions: number;
  historyLines: number;
  hostUrl: string | undefined;
  heartbeatIntervalMs: number;
  log: (message: string) => void;
}

export const DEFAULTS = {
  port: 23000,
  host: '127.0.0.1',
  agentId: 'unknown',
  sessionName: 'agent-session',
  maxFrameBytes: 256 * 1024,
  inputBytesPerSecond: 1e6,
  inputBurstBytes: 1024 * 1024,
  inputFramesPerSecond: 500,
  inputBurstFrames: 1000,
  highWaterBytes: 1024 * 1024,
  slowClientTimeoutMs: 10_000,
  graceMs: 30_000,
  authTimeoutMs: 5_000,
  maxConnections: 20_000,
  maxSessions: 64,
  historyLines: 50_000,
  heartbeatIntervalMs: 60_000,
} as const;

export function resolveOptions(options: AgentServerOptions): ResolvedOptions {
  const nonEmpty = (s: string | undefined): string | undefined => (s && s.length > 0 ? s : undefined);
  return {
    port: options.port ?? DEFAULTS.port,
    host: options.host ?? DEFAULTS.host,
    agentId: options.agentId ?? DEFAULTS.agentId,
    sessionName: options.sessionName ?? DEFAULTS.sessionName,
    workspace: options.workspace ?? process.cwd(),
    command: options.command,
    tmuxSocket: nonEmpty(options.tmuxSocket),
    token: nonEmpty(options.token),
    jwtSecret: nonEmpty(options.jwtSecret),
    allowedOrigins: options.allowedOrigins && options.allowedOrigins.length > 0 ? options.allowedOrigins : undefined,
    maxFrameBytes: options.maxFrameBytes ?? DEFAULTS.maxFrameBytes,
    inputBytesPerSecond: options.inputBytesPerSecond ?? DEFAULTS.inputBytesPerSecond,
    inputBurstBytes: options.inputBurstBytes ?? DEFAULTS.inputBurstBytes,
    inputFramesPerSecond: options.inputFramesPerSecond ?? DEFAULTS.inputFramesPerSecond,
    inputBurstFrames: options.inputBurstFrames ?? DEFAULTS.inputBurstFrames,
    highWaterBytes: options.highWaterBytes ?? DEFAULTS.highWaterBytes,
    slowClientTimeoutMs: options.slowClientTimeoutMs ?? DEFAULTS.slowClientTimeoutMs,
    graceMs: options.graceMs ?? DEFAULTS.graceMs,
    authTimeoutMs: options.authTimeoutMs ?? DEFAULTS.authTimeoutMs,
    maxConnections: options.maxConnections ?? DEFAULTS.maxConnections,
    maxSessions: options.maxSessions ?? DEFAULTS.maxSessions,
    historyLines: options.historyLines ?? DEFAULTS.historyLines,
    hostUrl: nonEmpty(options.hostUrl),
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULTS.heartbeatIntervalMs,
    log: options.log ?? ((message) => process.stderr.write(`${message}\n`)),
  };
}

/** The settings AI Maestro's container server reads from its environment, under the same names. */
export function optionsFromEnv(env: NodeJS.ProcessEnv): AgentServerOptions {
  const out: AgentServerOptions = {};
  if (env.AGENT_PORT) out.port = Number(env.AGENT_PORT);
  if (env.AGENT_HOST) out.host = env.AGENT_HOST;
  if (env.AGENT_ID) out.agentId = env.AGENT_ID;
  if (env.TMUX_SESSION_NAME) out.sessionName = env.TMUX_SESSION_NAME;
  if (env.WORKSPACE) out.workspace = env.WORKSPACE;
  if (env.AI_TOOL) out.command = env.AI_TOOL;
  if (env.AIMAESTRO_HOST_URL) out.hostUrl = env.AIMAESTRO_HOST_URL;
  if (env.AGENT_TOKEN) out.token = env.AGENT_TOKEN;
  if (env.AGENT_JWT_SECRET) out.jwtSecret = env.AGENT_JWT_SECRET;
  if (env.AGENT_ALLOWED_ORIGINS) out.allowedOrigins = env.AGENT_ALLOWED_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean);
  return out;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Whether a browser page from `origin` may open a terminal. Requests without Origin are not from a page. */
export function originAllowed(origin: string | undefined, allowed: readonly string[] | undefined): boolean {
  if (origin === undefined) return true;
  if (allowed === undefined) {
    // Default: only pages served from this machine, so a web site cannot drive a local agent.
    try {
      return isLoopbackHost(new URL(origin).hostname);
    } catch {
      return false;
    }
  }
  return allowed.includes('*') || allowed.includes(origin);
}
