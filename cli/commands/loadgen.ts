// `agentscale loadgen <url> --protocol ...`: load-test a live target with correct latency figures.

import type { Argv } from 'yargs';
import { EXIT, info, progressLine, writeFileAtomic, writeResultsDocument } from '../../lib/index.js';
import {
  DEFAULT_MAX_CONNECTIONS,
  PROTOCOLS,
  RawOptions,
  documentCsv,
  loadProfile,
  pointTable,
  progressFormatter,
  resolveOptions,
  runLoad,
} from '../../loadgen/index.js';
import type { AnyCommand } from './index.js';

const RAW_KEYS = Object.keys(RawOptions.shape);

export const loadgenCommand: AnyCommand = {
  command: 'loadgen [url]',
  describe: 'load-test a terminal server, an AgentCom hub, a WebSocket echo or an HTTP endpoint (open workload)',
  builder: (y: Argv) =>
    y
      .usage(
        '$0 loadgen <url> --protocol maestro|agentcom|echo|http [options]\n$0 loadgen --profile load.yaml\n\n' +
          'Sends on a precomputed open-workload schedule and times every message from its intended send time ' +
          '(and from its actual send time, in *.actual), so a stalling target shows in the percentiles. ' +
          'A run needs --duration or --messages (or stages in a profile).\n\n' +
          'Exit codes: 0 ok; 1 target unreachable or nothing answered; 2 bad usage; 3 a --threshold breached ' +
          '(or find-max found no load that held); 4 untrustworthy: the generator itself fell behind ' +
          '(dropped sends, or p99 send lag over --max-lag). 1 before 3 before 4.',
      )
      .positional('url', { type: 'string', describe: 'Target: ws://host:23000/term (maestro), http://host:4000 (agentcom), ws://… (echo), http://… (http). `{i}` is replaced by the session index' })
      .option('protocol', { alias: 'p', type: 'string', choices: [...PROTOCOLS], describe: 'maestro: AI Maestro /term; agentcom: sidecars + REST tasks; echo: any WebSocket echo; http: GET requests' })
      .option('profile', { type: 'string', describe: 'YAML file with the same options (keys as the long flags); flags given too override it' })
      .option('mode', { type: 'string', choices: ['open', 'closed'], describe: 'open: sends on schedule whatever the target does [default: open]; closed: next send after each answer (http: autocannon, maximum throughput)' })
      .option('duration', { alias: 'd', type: 'string', describe: 'How long to send, e.g. 30s, 5m (required unless --messages or stages)' })
      .option('messages', { alias: 'n', type: 'number', describe: 'Stop after this many messages / requests / tasks in all' })
      .option('connections', { alias: 'c', type: 'number', describe: 'Connections (echo), sessions (maestro), sidecars (agentcom), keep-alive sockets (http) [default: 1; http 10]' })
      .option('connect-rate', { type: 'string', describe: 'New connections per second, e.g. 50/s, or "all" at once [default: 100/s]' })
      .option('rate', { alias: 'r', type: 'string', describe: 'Messages per second per connection (echo, maestro) [default: 1/s]; requests or tasks per second in all (http, agentcom) [default: 10/s]' })
      .option('arrival', { type: 'string', choices: ['constant', 'poisson'], describe: 'Spacing of sends and connection arrivals [default: constant]' })
      .option('watchers', { alias: 'w', type: 'number', describe: 'maestro: extra read-only connections per session timing fan-out [default: 0]' })
      .option('size', { type: 'string', describe: 'echo: bytes per message, e.g. 64B, 4KB [default: 64 B]' })
      .option('timeout', { type: 'string', describe: 'An unanswered operation fails after this (tasks: from submit to complete) [default: 10s]' })
      .option('connect-timeout', { type: 'string', describe: 'WebSocket handshake / HTTP connect limit [default: 10s]' })
      .option('max-connections', { type: 'number', describe: `Refuse runs opening more sockets than this in all [default: ${DEFAULT_MAX_CONNECTIONS}]` })
      .option('max-backlog', { type: 'number', describe: 'Overdue sends one connection may send at once when the generator falls behind; beyond it sends are dropped and the run is untrustworthy [default: 1000]' })
      .option('max-inflight', { type: 'number', describe: 'Unanswered messages one connection may have; further sends wait for an answer and are still timed from their intended time (as wrk2) [default: unlimited]' })
      .option('max-lag', { type: 'string', describe: 'Untrustworthy when the p99 lag of sends behind their intended time exceeds this [default: 5ms]' })
      .option('spin', { type: 'string', describe: 'How close to a send the scheduler stops sleeping on a timer and turns the event loop (sends on time to the microsecond, at the cost of CPU); 0s sleeps on timers only, with sends up to ~1 ms late [default: 1.5ms]' })
      .option('workers', { type: 'number', describe: 'Generator processes sharing the connections; histograms merge exactly [default: 1]' })
      .option('seed', { type: 'number', describe: 'Seed of the send schedule (Poisson gaps, phases, service times) [default: 1]' })
      .option('threshold', { alias: 't', type: 'string', array: true, describe: "Pass/fail limit, repeatable: 'rtt.p99<50ms', 'errors<0.1%', 'task.p95<30s', 'throughput.messages>=500/s'; breach exits 3" })
      .option('token', { type: 'string', describe: 'agentcom: bearer token for POST /admin/tokens and POST /api/tasks; maestro, echo, http: sent as Authorization: Bearer' })
      .option('service-time', { type: 'string', describe: 'agentcom: sidecar time per task: 2s, exp:2s, uniform:1s-3s, lognormal:2s:1.5 [default: exp:1s]' })
      .option('progress-interval', { type: 'string', describe: 'agentcom: seconds between task_progress frames [default: 1s]' })
      .option('input-suffix', { type: 'string', describe: 'maestro: appended to each marker input (Enter, so a shell does not build one long line) [default: "\\r"]' })
      .option('think', { type: 'string', describe: 'closed mode: pause after each answer [default: 0s]' })
      .option('find-max', { type: 'boolean', describe: 'Capacity search: add --step connections (http, agentcom: rate) each --step-duration until a --limit breaks' })
      .option('limit', { type: 'string', array: true, describe: "find-max: limit that must hold, e.g. 'rtt.p95<100ms'" })
      .option('step', { type: 'number', describe: 'find-max: connections (or rate per second) added per step [default: the starting value]' })
      .option('step-duration', { type: 'string', describe: 'find-max: length of each step [default: --duration or 10s]' })
      .option('max-steps', { type: 'number', describe: 'find-max: at most this many steps [default: 20]' })
      .option('insecure', { type: 'boolean', describe: 'Accept TLS certificates that do not verify' })
      .option('name', { type: 'string', describe: 'Name recorded in the results document [default: protocol and URL]' })
      .option('out', { alias: 'o', type: 'string', describe: 'Write the results document (JSON, kind measured) here' })
      .option('csv', { type: 'string', describe: 'Write the metrics as CSV here (point,metric,value,unit,n)' })
      .option('json', { type: 'boolean', describe: 'Print the results document on stdout instead of the table' }),
  handler: async (argv: Record<string, unknown>) => {
    const profileFile = argv.profile as string | undefined;
    const raw: Record<string, unknown> = profileFile ? await loadProfile(profileFile) : {};
    for (const key of RAW_KEYS) if (argv[key] !== undefined && key !== 'url') raw[key] = argv[key];
    if (argv.url !== undefined) raw.url = argv.url;
    const options = resolveOptions(raw, profileFile ?? 'loadgen');

    const abort = new AbortController();
    let interrupts = 0;
    const onSigint = (): void => {
      if (++interrupts > 1) process.exit(130);
      info('\ninterrupted: finishing up (Ctrl-C again to quit at once)');
      abort.abort();
    };
    process.on('SIGINT', onSigint);
    const line = progressLine(10_000);
    const format = progressFormatter();
    try {
      const result = await runLoad(options, {
        file: profileFile,
        signal: abort.signal,
        onProgress: (s) => line.update(format(s)),
        onStep: (step, parameter, level) => {
          line.done();
          info(`find-max step ${step}: ${parameter} ${level}`);
        },
      });
      line.done();
      const doc = result.document;
      if (argv.out) await writeResultsDocument(argv.out as string, doc);
      if (argv.csv) await writeFileAtomic(argv.csv as string, documentCsv(doc));
      if (argv.json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      else for (const p of doc.points) process.stdout.write(`${doc.points.length > 1 ? `\n[${p.id}] ${JSON.stringify(p.parameters)}\n` : ''}${pointTable(p)}\n`);
      for (const r of result.thresholds.filter((t) => t.ok)) info(`threshold held: ${r.text}`);
      for (const s of result.summary) info(s);
      if (result.exitCode === EXIT.untrustworthy) info('result untrustworthy: the generator could not keep its schedule (exit 4)');
      process.exitCode = result.exitCode;
    } finally {
      line.done();
      process.off('SIGINT', onSigint);
    }
  },
};
