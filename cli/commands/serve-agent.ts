// `agentscale serve-agent`: the agent terminal server (AI Maestro container protocol, hardened).

import type { Argv, CommandModule } from 'yargs';
import {
  AGENT_SERVER_DEFAULTS as D,
  optionsFromEnv,
  startAgentServer,
  StartupError,
  type AgentServerOptions,
} from '../../agent-server/index.js';
import { EXIT, info, parseDuration, parseSize, parseBandwidth, UserError } from '../../lib/index.js';

interface ServeAgentArgs {
  port?: number;
  host?: string;
  'agent-id'?: string;
  session?: string;
  workspace?: string;
  command?: string;
  'tmux-socket'?: string;
  token?: string;
  'jwt-secret'?: string;
  'allow-origin'?: string[];
  'max-frame'?: string;
  'input-rate'?: string;
  'high-water'?: string;
  'slow-client-timeout'?: string;
  grace?: string;
  'auth-timeout'?: string;
  'max-connections'?: number;
  'max-sessions'?: number;
  'history-lines'?: number;
  'host-url'?: string;
  'heartbeat-interval'?: string;
}

const ms = (text: string): number => parseDuration(text) * 1000;

export function serveAgentOptions(args: ServeAgentArgs, env: NodeJS.ProcessEnv): AgentServerOptions {
  const o: AgentServerOptions = optionsFromEnv(env);
  if (o.port !== undefined && !(Number.isInteger(o.port) && o.port >= 0 && o.port <= 65535)) {
    throw new UserError(`AGENT_PORT must be a port number 0-65535, found ${JSON.stringify(env.AGENT_PORT)}`);
  }
  if (args.port !== undefined) {
    if (!(Number.isInteger(args.port) && args.port >= 0 && args.port <= 65535)) throw new UserError(`--port must be 0-65535, found ${args.port}`);
    o.port = args.port;
  }
  if (args.host !== undefined) o.host = args.host;
  if (args['agent-id'] !== undefined) o.agentId = args['agent-id'];
  if (args.session !== undefined) o.sessionName = args.session;
  if (args.workspace !== undefined) o.workspace = args.workspace;
  if (args.command !== undefined) o.command = args.command;
  if (args['tmux-socket'] !== undefined) o.tmuxSocket = args['tmux-socket'];
  if (args.token !== undefined) o.token = args.token;
  if (args['jwt-secret'] !== undefined) o.jwtSecret = args['jwt-secret'];
  if (args['allow-origin'] !== undefined) o.allowedOrigins = args['allow-origin'];
  if (args['max-frame'] !== undefined) o.maxFrameBytes = parseSize(args['max-frame']);
  if (args['input-rate'] !== undefined) {
    o.inputBytesPerSecond = parseBandwidth(args['input-rate']);
    o.inputBurstBytes = Math.max(o.inputBytesPerSecond, o.maxFrameBytes ?? D.maxFrameBytes);
  }
  if (args['high-water'] !== undefined) o.highWaterBytes = parseSize(args['high-water']);
  if (args['slow-client-timeout'] !== undefined) o.slowClientTimeoutMs = ms(args['slow-client-timeout']);
  if (args.grace !== undefined) o.graceMs = ms(args.grace);
  if (args['auth-timeout'] !== undefined) o.authTimeoutMs = ms(args['auth-timeout']);
  if (args['max-connections'] !== undefined) {
    if (!(Number.isInteger(args['max-connections']) && args['max-connections'] >= 1)) throw new UserError(`--max-connections must be a whole number of at least 1, found ${args['max-connections']}`);
    o.maxConnections = args['max-connections'];
  }
  if (args['max-sessions'] !== undefined) {
    if (!(Number.isInteger(args['max-sessions']) && args['max-sessions'] >= 1)) throw new UserError(`--max-sessions must be a whole number of at least 1, found ${args['max-sessions']}`);
    o.maxSessions = args['max-sessions'];
  }
  if (args['history-lines'] !== undefined) {
    if (!(Number.isInteger(args['history-lines']) && args['history-lines'] >= 0)) throw new UserError(`--history-lines must be a whole number, found ${args['history-lines']}`);
    o.historyLines = args['history-lines'];
  }
  if (args['host-url'] !== undefined) o.hostUrl = args['host-url'];
  if (args['heartbeat-interval'] !== undefined) o.heartbeatIntervalMs = ms(args['heartbeat-interval']);
  return o;
}

export const serveAgentCommand: CommandModule<object, ServeAgentArgs> = {
  command: 'serve-agent',
  describe: 'run the agent terminal server: /health, /metrics and WebSocket /term onto tmux through one shared PTY per session',
  builder: (y: Argv) =>
    y
      .usage('$0 serve-agent [options]\n\nSpeaks AI Maestro\'s container protocol on /term. tmux sessions outlive the server.\nEnvironment variables (options override them):\n  AGENT_PORT AGENT_HOST AGENT_ID TMUX_SESSION_NAME WORKSPACE AI_TOOL AIMAESTRO_HOST_URL\n  AGENT_TOKEN AGENT_JWT_SECRET AGENT_ALLOWED_ORIGINS (comma-separated)')
      .option('port', { type: 'number', describe: `TCP port; 0 picks a free one [env AGENT_PORT, default ${D.port}]` })
      .option('host', { type: 'string', describe: `address to bind; anything but loopback requires --token or --jwt-secret [env AGENT_HOST, default ${D.host}]` })
      .option('agent-id', { type: 'string', describe: `agent id for /health, heartbeats and the JWT agent claim [env AGENT_ID, default ${D.agentId}]` })
      .option('session', { type: 'string', describe: `tmux session /term attaches to without ?name= ([A-Za-z0-9._-]{1,64}) [env TMUX_SESSION_NAME, default ${D.sessionName}]` })
      .option('workspace', { type: 'string', describe: 'working directory of new tmux sessions [env WORKSPACE, default: current directory]' })
      .option('command', { type: 'string', describe: 'command a new tmux session runs, e.g. claude (operator configuration, run by tmux\'s shell) [env AI_TOOL, default: a shell]' })
      .option('tmux-socket', { type: 'string', describe: 'tmux server socket name (tmux -L NAME) [default: tmux\'s default server]' })
      .option('token', { type: 'string', describe: 'static secret clients present as Bearer header, ?token= or a first {"type":"auth","token"} frame; prefer env AGENT_TOKEN (arguments show in ps)' })
      .option('jwt-secret', { type: 'string', describe: 'HS256 key for JWT tokens with exp and agent (= agent id or *) claims [env AGENT_JWT_SECRET]' })
      .option('allow-origin', { type: 'string', array: true, describe: 'browser Origin allowed to connect, repeatable; * for any [env AGENT_ALLOWED_ORIGINS, default: loopback origins only]' })
      .option('max-frame', { type: 'string', describe: 'largest client frame, larger ones close with 1009 [default 256 KiB]' })
      .option('input-rate', { type: 'string', describe: 'terminal input allowed per client (burst: one second of it, at least --max-frame), excess dropped and counted [default 1 MB/s]' })
      .option('high-water', { type: 'string', describe: 'unflushed bytes per client above which the PTY is paused [default 1 MiB]' })
      .option('slow-client-timeout', { type: 'string', describe: 'time a client may stay above the high-water mark before it is closed with 1013 [default 10s]' })
      .option('grace', { type: 'string', describe: 'time the PTY outlives its last client before it detaches [default 30s]' })
      .option('auth-timeout', { type: 'string', describe: 'time a client without a token has to send its auth frame [default 5s]' })
      .option('max-connections', { type: 'number', describe: `most WebSocket connections held at once, more get HTTP 503 [default ${D.maxConnections}]` })
      .option('max-sessions', { type: 'number', describe: `most sessions (?name=) with clients at once; a client asking for one more is closed with 1013 [default ${D.maxSessions}]` })
      .option('history-lines', { type: 'number', describe: `scroll-back lines sent on connect (tmux capture-pane) [default ${D.historyLines}]` })
      .option('host-url', { type: 'string', describe: 'AI Maestro host to POST heartbeats to (/api/agents/ID/heartbeat) [env AIMAESTRO_HOST_URL, default: none]' })
      .option('heartbeat-interval', { type: 'string', describe: 'time between heartbeats [default 60s]' })
      .example('$0 serve-agent --session main --command claude', 'serve one agent on 127.0.0.1:23000')
      .example('AGENT_TOKEN=s3cret $0 serve-agent --host 0.0.0.0', 'serve on every interface, token required'),
  handler: async (args): Promise<void> => {
    const options = serveAgentOptions(args, process.env);
    let server;
    try {
      server = await startAgentServer({ ...options, log: info });
    } catch (err) {
      if (err instanceof StartupError) throw new UserError(err.message, err.message.includes('refusing') ? EXIT.usage : EXIT.failure);
      throw err;
    }
    const base = `http://${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`;
    info(`serve-agent listening on ${base} (health ${base}/health, terminal ${server.url})`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string): void => {
        info(`serve-agent: ${signal}, closing clients and detaching (tmux sessions keep running)`);
        void server.close().then(resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    process.exit(EXIT.ok);
  },
};
