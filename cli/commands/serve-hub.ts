// `agentscale serve-hub`: the reference hub speaking AgentCom's protocol over a durable store.

import type { Argv } from 'yargs';
import { DEFAULT_HUB_OPTIONS as D, startHub, type HubOptions, type HubSyncMode as SyncMode } from '../../agent-server/index.js';
import { EXIT, info, parseDuration, parseSize, UserError } from '../../lib/index.js';
import type { AnyCommand } from './index.js';

interface ServeHubArgs {
  host: string;
  port: number;
  'data-dir': string;
  'store-sync': string;
  'compact-at': string;
  'admin-token'?: string;
  'rate-limits': string;
  'accept-timeout': string;
  'sweep-interval': string;
  'stuck-threshold': string;
  'queued-ttl': string;
  'ttl-sweep-interval': string;
  'idle-timeout': string;
  'max-frame': string;
  'claude-model': string;
  'ollama-model': string;
  'ollama-endpoint'?: string[];
}

const SYNC_MODES: readonly SyncMode[] = ['fsync', 'group', 'none'];

/** `on`, `off`, or `light=120,normal=60,heavy=10` (per minute per agent; unnamed tiers keep defaults). */
export function parseRateLimits(text: string): HubOptions['rateLimits'] {
  if (text === 'off') return { enabled: false, perMinute: { ...D.rateLimits.perMinute } };
  if (text === 'on') return { enabled: true, perMinute: { ...D.rateLimits.perMinute } };
  const perMinute = { ...D.rateLimits.perMinute };
  for (const part of text.split(',')) {
    const m = /^\s*(light|normal|heavy)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m || Number(m[2]) <= 0) throw new UserError(`--rate-limits: expected on, off or light=N,normal=N,heavy=N (per minute, > 0), found ${JSON.stringify(text)}`);
    perMinute[m[1] as keyof typeof perMinute] = Number(m[2]);
  }
  return { enabled: true, perMinute };
}

export function serveHubOptions(a: ServeHubArgs, env: NodeJS.ProcessEnv): HubOptions {
  if (!SYNC_MODES.includes(a['store-sync'] as SyncMode)) throw new UserError(`--store-sync must be fsync, group or none, found ${JSON.stringify(a['store-sync'])}`);
  if (!(Number.isInteger(a.port) && a.port >= 0 && a.port <= 65535)) throw new UserError(`--port must be 0-65535, found ${a.port}`);
  const seconds = (name: keyof ServeHubArgs): number => {
    const s = parseDuration(String(a[name]));
    if (s <= 0) throw new UserError(`--${name} must be longer than 0, found ${JSON.stringify(a[name])}`);
    return s;
  };
  return {
    host: a.host,
    port: a.port,
    dataDir: a['data-dir'],
    sync: a['store-sync'] as SyncMode,
    compactBytes: parseSize(a['compact-at']),
    adminToken: a['admin-token'] ?? env.AGENTSCALE_HUB_ADMIN_TOKEN ?? undefined,
    rateLimits: parseRateLimits(a['rate-limits']),
    acceptTimeout: seconds('accept-timeout'),
    sweepInterval: seconds('sweep-interval'),
    stuckThreshold: seconds('stuck-threshold'),
    queuedTtl: seconds('queued-ttl'),
    ttlSweepInterval: seconds('ttl-sweep-interval'),
    idleTimeout: seconds('idle-timeout'),
    maxFrameBytes: parseSize(a['max-frame']),
    violationLimit: D.violationLimit,
    violationWindow: D.violationWindow,
    claudeModel: a['claude-model'],
    ollamaModel: a['ollama-model'],
    ollamaEndpoints: a['ollama-endpoint'] ?? [],
  };
}

export const serveHubCommand: AnyCommand = {
  command: 'serve-hub',
  describe: 'run the reference hub: AgentCom-compatible /ws for sidecars, task REST API, metrics, durable store',
  builder: (y: Argv) =>
    y
      .usage(
        '$0 serve-hub [options]\n\nAn AgentCom-compatible hub: sidecars identify on WebSocket /ws and get task_assign frames; tasks are\n' +
          'submitted with POST /api/tasks. Every change goes to an append-only log before it is acknowledged.\n' +
          'Prints one JSON line on stdout once listening: {"url","ws","port","admin_token"?}.',
      )
      .option('host', { type: 'string', default: D.host, describe: 'address to bind; anything but loopback requires --admin-token' })
      .option('port', { type: 'number', default: D.port, describe: 'TCP port; 0 picks a free one' })
      .option('data-dir', { type: 'string', default: D.dataDir, describe: 'folder of the store (log-N.bin, snapshot-N.bin); created if missing' })
      .option('store-sync', {
        type: 'string',
        default: D.sync,
        describe: 'fsync: one fsync per record, writes serialised (AgentCom\'s pattern); group: one fsync covers every record queued meanwhile; none: no fsync (a crash may lose acknowledged work)',
      })
      .option('compact-at', { type: 'string', default: '64 MiB', describe: 'log size at which a snapshot is written and a new log started' })
      .option('admin-token', { type: 'string', describe: 'Bearer token for POST /admin/tokens, at least 16 characters [env AGENTSCALE_HUB_ADMIN_TOKEN; default on loopback: generated and printed]' })
      .option('rate-limits', { type: 'string', default: 'on', describe: 'per-agent token buckets: on (light 120, normal 60, heavy 10 per minute), off, or light=N,normal=N,heavy=N' })
      .option('accept-timeout', { type: 'string', default: `${D.acceptTimeout}s`, describe: 'time an agent has to send task_accepted before the task is reclaimed (counts as a retry)' })
      .option('sweep-interval', { type: 'string', default: `${D.sweepInterval}s`, describe: 'time between stuck-assignment sweeps' })
      .option('stuck-threshold', { type: 'string', default: `${D.stuckThreshold}s`, describe: 'time without progress after which an assigned task is reclaimed' })
      .option('queued-ttl', { type: 'string', default: `${D.queuedTtl}s`, describe: 'time a non-trivial task may stay queued before it is dead-lettered' })
      .option('ttl-sweep-interval', { type: 'string', default: `${D.ttlSweepInterval}s`, describe: 'time between queued-TTL sweeps' })
      .option('idle-timeout', { type: 'string', default: `${D.idleTimeout}s`, describe: 'time without any frame after which a WebSocket is closed (1001)' })
      .option('max-frame', { type: 'string', default: '1 MiB', describe: 'largest WebSocket frame (larger close with 1009) and HTTP body (larger get 413)' })
      .option('claude-model', { type: 'string', default: D.claudeModel, describe: 'model named in routing decisions for complex tasks' })
      .option('ollama-model', { type: 'string', default: D.ollamaModel, describe: 'model named in routing decisions for standard tasks' })
      .option('ollama-endpoint', { type: 'string', array: true, describe: 'Ollama URL for standard tasks, repeatable (sidecars may also report theirs in identify)' })
      .example('$0 serve-hub --data-dir /var/lib/hub', 'serve on 127.0.0.1:4000 with fsync after every write')
      .example('$0 serve-hub --port 0 --store-sync group --rate-limits off', 'load-test setup: group commit, no rate limits'),
  handler: async (argv: Record<string, unknown>): Promise<void> => {
    const args = argv as unknown as ServeHubArgs;
    const hub = await startHub(serveHubOptions(args, process.env));
    const r = hub.recovery;
    info(
      `serve-hub listening on ${hub.url} (ws ${hub.wsUrl}); store ${hub.options.dataDir} sync=${hub.options.sync}; ` +
        `recovered ${r.tasks} tasks, ${r.tokens} tokens, ${r.reclaimed} in-flight reclaimed` +
        (r.droppedTailBytes > 0 ? `, torn log tail of ${r.droppedTailBytes} bytes dropped` : ''),
    );
    const line: Record<string, unknown> = { url: hub.url, ws: hub.wsUrl, port: hub.port };
    if (hub.adminTokenGenerated) line.admin_token = hub.adminToken;
    process.stdout.write(`${JSON.stringify(line)}\n`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string): void => {
        info(`serve-hub: ${signal}, closing connections and flushing the store`);
        void hub.close().then(resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    process.exit(EXIT.ok);
  },
};
