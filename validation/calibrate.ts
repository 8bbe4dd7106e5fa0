// `agentscale calibrate`: measure on this machine the service costs the model needs, each alone
// and at light load, never at a validation level:
//  - store: the time of one 256-byte append + fsync (the hub's synced write), as a distribution
//    (sync-probe.ts), scaled to the hub's own fsyncs in its light runs;
//  - hub: CPU per WebSocket frame, from the hub process's CPU time over a light agentcom run;
//  - terminal: the agent server's CPU per frame and per byte delivered to a client (two output
//    rates, 1 and `watchers` clients each: a 2×2 solve of the extra CPU), the frames per second the
//    PTY path makes, bytes on the wire per byte the agent writes, the echo latency (agent
//    write → server read, tmux's redraw) from light-load round trips as the writer and as the
//    watchers read them, and the pace of a fan-out end to end (pace.ts).

import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { LatencyHistogram, info, machineInfo, type PointResult } from '../lib/index.js';
import { runLoadgen } from './load.js';
import { firstPoint, steadyStreamRate } from './metrics.js';
import { measureTerminalRun, type TerminalLoad } from './terminal-run.js';
import { ECHO_READERS, ECHO_SHAPE, echoFigure, echoes, type EchoReader } from './echo.js';
import { choosePinning, cpuBetween, onCore, cpuOfPids, cpuSeconds, descendantPids, type Pinning } from './processes.js';
import { FIGURES, PROFILE_KIND, type CalibrationFigure, type CalibrationProfile } from './profile.js';
import { bucketsBetween, hubCounters, startAgentServerProcess, startHubProcess, tmuxServerPid } from './stack.js';
import { mean, median, solve2, quantiles, trimmedHistogramMean } from './stats.js';
import { probeMethod, SYNC_PROBE, syncWriteFigure, timeSpacedSyncs } from './sync-probe.js';
import { deliverySpread, PACE_SHAPE, paceFigure } from './pace.js';

export type CalibrationPart = 'store' | 'hub' | 'terminal';
export const CALIBRATION_PARTS: readonly CalibrationPart[] = ['store', 'hub', 'terminal'];

export interface CalibrateOptions {
  /** Scratch folder of its own (store file, hub data, load documents): removed afterwards, whole. */
  workDir: string;
  parts?: readonly CalibrationPart[];
  /** Seconds per measuring window (default 4). */
  window?: number;
  /** Synced writes to time (default 300). */
  syncs?: number;
  /** Freshly started servers per output rate whose round trips are pooled for the echo (default 3). */
  echoStarts?: number;
  pin?: boolean;
  progress?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function calibrate(options: CalibrateOptions): Promise<CalibrationProfile> {
  const parts = options.parts ?? CALIBRATION_PARTS;
  const pinning = choosePinning(options.pin === false);
  const say = options.progress ?? info;
  await mkdir(options.workDir, { recursive: true });
  const figures: Record<string, CalibrationFigure> = {};
  try {
    // The clients calibrate holds itself read on the load generator's core, as validation's do.
    await onCore(pinning.loadgen, async () => {
      let direct: number[] | undefined;
      if (parts.includes('store')) {
        say('calibrate: timing synced writes');
        direct = await timeSpacedSyncs(path.join(options.workDir, 'scratch'), options.syncs ?? 2 * SYNC_PROBE.count);
        figures[FIGURES.syncWrite] = syncWriteFigure(direct, probeMethod(direct.length, options.workDir));
      }
      if (parts.includes('hub')) {
        say('calibrate: hub CPU per frame and fsync time in the hub');
        Object.assign(figures, await calibrateHub(options.workDir, pinning, options.window ?? 4, direct));
      }
      if (parts.includes('terminal')) {
        say('calibrate: agent server CPU, frames and echo latency');
        Object.assign(figures, await calibrateTerminal(options.workDir, pinning, options.window ?? 4, options.echoStarts ?? 3));
      }
    });
  } finally {
    await rm(options.workDir, { recursive: true, force: true });
  }
  return {
    kind: PROFILE_KIND,
    version: 1,
    date: new Date().toISOString(),
    machine: machineInfo(),
    loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
    pinning: pinning.note,
    figures,
  };
}

/** The share of the hub's fsyncs in calibration its mean is taken over, the fastest (a stall of the disk is not the hub's level). */
const HUB_FSYNCS_KEPT = 0.99;
/** Light task rates of the two hub runs (tasks/s): the slope of CPU against frames between them is the cost per frame. */
const HUB_RATES = [3, 12];

async function calibrateHub(workDir: string, pinning: Pinning, window: number, direct: number[] | undefined): Promise<Record<string, CalibrationFigure>> {
  const runs: { rate: number; cpu: number; frames: number; fsyncs: number[]; bounds: number[] }[] = [];
  for (const rate of HUB_RATES) {
    const hub = await startHubProcess({ dataDir: path.join(workDir, 'scratch', `hub-${rate}`), storeMode: 'fsync', core: pinning.servers });
    try {
      const before = await hubCounters(hub.url);
      const cpu0 = cpuSeconds(hub.child.pid);
      await runLoadgen(
        [hub.url, '--protocol', 'agentcom', '--token', hub.adminToken, '-c', '4', '-r', `${rate}/s`, '--arrival', 'poisson', '--service-time', '100ms', '--progress-interval', '50ms', '-d', `${Math.max(2, window)}s`, '--seed', '11'],
        path.join(workDir, 'scratch', `hub-load-${rate}.json`),
        pinning.loadgen,
      );
      const cpu1 = cpuSeconds(hub.child.pid);
      const after = await hubCounters(hub.url);
      const d = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
      const { bounds, counts } = bucketsBetween('hub_store_fsync_seconds', before, after);
      runs.push({ rate, cpu: cpu1 - cpu0, frames: d('hub_ws_frames_in_total') + d('hub_ws_frames_out_total'), fsyncs: counts, bounds });
    } finally {
      await hub.stop();
    }
  }
  const [a, b] = [runs[0]!, runs[runs.length - 1]!];
  // The hub's CPU at rest (timers, collection) is not per frame: take the slope between the two rates.
  const slope = b.frames > a.frames ? Math.max(0, (b.cpu - a.cpu) / (b.frames - a.frames)) : b.cpu / Math.max(1, b.frames);
  const out: Record<string, CalibrationFigure> = {
    [FIGURES.perMessageCpu]: {
      value: slope,
      unit: 's',
      sets: ['hub.perMessageCpu'],
      method: `hub process CPU time (/proc schedstat) over light agentcom runs (4 sidecars, ${HUB_RATES.join(' and ')} tasks/s, ${Math.max(2, window)} s each): the extra CPU over the extra WebSocket frames in and out; HTTP submissions and store work are folded in`,
      n: a.frames + b.frames,
      summary: Object.fromEntries(runs.flatMap((r) => [[`cpu@${r.rate}/s`, r.cpu], [`frames@${r.rate}/s`, r.frames]])),
    },
  };
  const fsyncs = runs[0]!.fsyncs.map((_, i) => runs.reduce((n, r) => n + (r.fsyncs[i] ?? 0), 0));
  const hubSyncs = fsyncs.reduce((a, b) => a + b, 0);
  const hubMean = trimmedHistogramMean(runs[0]!.bounds, fsyncs, HUB_FSYNCS_KEPT);
  if (direct && direct.length > 0 && hubMean !== undefined) {
    // The shape from the probe, the level from what the hub's own log saw over its light runs.
    out[FIGURES.syncWrite] = syncWriteFigure(direct, probeMethod(direct.length, workDir), { hubMean, probeMedian: median(direct), hubSyncs });
  }
  return out;
}

interface Tally {
  frames: number;
  bytes: number;
}

function openWatchers(url: string, count: number, tally: Tally): Promise<WebSocket[]> {
  return Promise.all(
    Array.from({ length: count }, () => {
      return new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(url);
        // The terminal size the load generator's clients ask for, so tmux redraws the same screen.
        ws.once('open', () => ws.send(JSON.stringify({ type: 'resize', cols: 200, rows: 50 })));
        let ready = false;
        ws.on('message', (data: Buffer, binary: boolean) => {
          const text = binary ? '' : data.toString('utf8');
          if (!ready) {
            if (text.includes('"history-complete"')) {
              ready = true;
              resolve(ws);
            }
            return;
          }
          tally.frames += 1;
          tally.bytes += data.length;
        });
        ws.once('error', reject);
      });
    }),
  );
}

/**
 * CPU per second of the server and frames and bytes per second over the clients, for `window`
 * seconds; with `producers`, also the CPU per second of those processes (tmux and the fake agent).
 */
async function sample(pid: number, tally: Tally, window: number, producers: readonly number[] = []): Promise<{ cpu: number; frames: number; bytes: number; producersCpu: number }> {
  const c0 = cpuSeconds(pid);
  const p0 = cpuOfPids(producers);
  const f0 = tally.frames;
  const b0 = tally.bytes;
  const t0 = performance.now();
  await sleep(window * 1000);
  const dt = (performance.now() - t0) / 1000;
  return { cpu: (cpuSeconds(pid) - c0) / dt, frames: (tally.frames - f0) / dt, bytes: (tally.bytes - b0) / dt, producersCpu: cpuBetween(p0, cpuOfPids(producers)) / dt };
}

/**
 * The processes that make a session's output and share the server's core: the tmux server of the
 * private socket and everything under it (the panes' shells and fake agents), and the server's own
 * children (the `tmux attach` client on its PTY).
 */
async function producerPids(serverPid: number, socket: string): Promise<number[]> {
  const tmux = await tmuxServerPid(socket);
  const roots = tmux === undefined ? [serverPid] : [serverPid, tmux];
  return [...(tmux === undefined ? [] : [tmux]), ...descendantPids(roots)];
}

/** Output rates at which bytes on the wire and frames per second are measured (one client each). */
export const WIRE_RATES = [1000, 3000, 10000, 30000, 100000];
/** Output rates at which the echo path is timed (percentiles at each) and the bytes of an input measured. */
const ECHO_RATES = [1000, 10000, 100000];
/** Inputs per second of the echo step's sparse run (one session, twice the window); the dense runs are ECHO_SHAPE's. */
const SPARSE_INPUTS = 2;
const DENSE_INPUTS = ECHO_SHAPE.rate;
/** The session the wire and CPU steps use. */
const SESSION = 'c0';
/** Output rates of the CPU step (1 client, then CPU_CLIENTS). */
const CPU_RATES = [3000, 30000];
const CPU_CLIENTS = 100;

async function calibrateTerminal(workDir: string, pinning: Pinning, window: number, echoStarts: number): Promise<Record<string, CalibrationFigure>> {
  const curve: [number, number, number][] = [];
  type Sample = Awaited<ReturnType<typeof sample>>;
  const rows: { rate: number; one: Sample; all: Sample }[] = [];
  const ones: { rate: number; one: Sample }[] = [];
  // The echo path at each echo rate (it slows as tmux redraws more), as the writers and as the watchers read it.
  const echo = new Map<number, LatencyHistogram>();
  const watcherEcho = new Map<number, LatencyHistogram>();
  // The echo step's delivery spreads at the pace step's rate: where its slope starts.
  const echoSpreads: number[] = [];
  // Per typed input, at each echo rate: the bytes and the frames it adds to the stream.
  const inputs: [number, number, number][] = [];
  for (const [i, rate] of WIRE_RATES.entries()) {
    const socket = `agentscale-calib-${process.pid}-${i}`;
    const server = await startAgentServerProcess({ outputRate: rate, tmuxSocket: socket, core: pinning.servers });
    const sockets: WebSocket[] = [];
    try {
      const url = `ws://127.0.0.1:${server.port}/term?name=${SESSION}`;
      const tally: Tally = { frames: 0, bytes: 0 };
      sockets.push(...(await openWatchers(url, 1, tally)));
      await sleep(Math.min(1, window) * 1000);
      const one = await sample(server.child.pid, tally, window, await producerPids(server.child.pid, socket));
      curve.push([rate, one.bytes, one.frames]);
      ones.push({ rate, one });
      if (CPU_RATES.includes(rate)) {
        sockets.push(...(await openWatchers(url, CPU_CLIENTS - 1, tally)));
        await sleep(Math.min(1, window) * 1000);
        const all = await sample(server.child.pid, tally, window);
        rows.push({ rate, one, all });
      }
    } finally {
      for (const s of sockets) s.terminate();
      await server.stop();
    }
  }
  for (const [i, rate] of ECHO_RATES.entries()) {
    const timed = await timeEcho(rate, i, workDir, pinning, window, echoStarts);
    echo.set(rate, timed.rtt);
    watcherEcho.set(rate, timed.fanout);
    if (rate === PACE_RATE) echoSpreads.push(...timed.spreads);
    if (timed.input) inputs.push([rate, timed.input.wire, timed.input.frames]);
  }
  const pace = await fanoutPace(workDir, pinning, window, echoStarts, echoSpreads);
  // Extra CPU for the extra clients = Δframes × cpuPerFrame + Δbytes × cpuPerByte, at each rate.
  const eq = rows.map((r) => ({ frames: r.all.frames - r.one.frames, bytes: r.all.bytes - r.one.bytes, cpu: r.all.cpu - r.one.cpu }));
  const [perFrame, perByte] = solve2(eq.map((e) => [e.frames, e.bytes]), eq.map((e) => e.cpu));
  const method = `agent server process CPU (/proc schedstat, every thread) with 1 and ${CPU_CLIENTS} clients on one session, fake agent at ${CPU_RATES.join(' and ')} B/s, ${window} s each; the extra CPU solved for per frame and per byte delivered (non-negative)`;
  const out: Record<string, CalibrationFigure> = {
    [FIGURES.cpuPerFrame]: { value: perFrame, unit: 's', sets: ['terminal.cpuPerFrame'], method, n: rows.length * 2, summary: Object.fromEntries(rows.flatMap((r) => [[`cpu@${r.rate}.1`, r.one.cpu], [`cpu@${r.rate}.${CPU_CLIENTS}`, r.all.cpu]])) },
    [FIGURES.cpuPerByte]: { value: perByte, unit: 's', sets: ['terminal.cpuPerByte'], method, n: rows.length * 2 },
    [FIGURES.wireCurve]: {
      value: { kind: 'curve', points: curve.map(([r, b, f]) => [r, Number(b.toPrecision(5)), Number(f.toPrecision(4))]) },
      unit: '[B/s written, B/s received, frames/s]',
      sets: ['workload.task.terminalOutput (bytes on the wire per second)', 'terminal.frameBytes (= bytes on the wire ÷ frames per second)'],
      method: `one client on one session, fake agent at ${WIRE_RATES.join(', ')} B/s, ${window} s each: bytes and frames received per second (tmux redraws the screen rather than copying bytes); linear between the rates`,
      n: curve.length,
    },
  };
  if (inputs.length > 0) {
    const method = (what: string) => `the echo step's clients at ${SPARSE_INPUTS} inputs/s (one session on a start of its own, twice the window) and ${DENSE_INPUTS} inputs/s per session (every start, three times the window): the difference of their steady ${what} per input, fake agent at ${ECHO_RATES.join(', ')} B/s; linear between the rates`;
    out[FIGURES.inputWire] = {
      value: { kind: 'curve', points: inputs.map(([r, b]) => [r, Number(b.toPrecision(4))]) },
      unit: '[B/s written, B on the wire per input]',
      sets: ['workload.task.terminalOutput (plus inputs per second × this)'],
      method: method('streams (bytes.stream ÷ stream.ms)'),
      n: inputs.length,
    };
    // tmux redraws the echoed input at once, apart from the agent's own output: a frame of its own.
    out[FIGURES.inputFrames] = {
      value: { kind: 'curve', points: inputs.map(([r, , f]) => [r, Number(f.toPrecision(4))]) },
      unit: '[B/s written, frames per input]',
      sets: ['terminal.frameBytes (the stream over the agent\'s frames plus inputs per second × this)'],
      method: method('frame rates (frames.stream ÷ stream.ms)'),
      n: inputs.length,
    };
  }
  Object.assign(out, sharedCoreFigures(ones, perFrame, perByte, window));
  if (pace) out[FIGURES.readerTimePerFrame] = pace;
  const echoMethod = (reader: EchoReader) =>
    `${ECHO_READERS[reader].what} at light load (${ECHO_SHAPE.sessions} sessions, each a writer at ${ECHO_SHAPE.rate} inputs/s at Poisson times and ${ECHO_SHAPE.watchers} watchers, for three times the window, agents warmed first), fake agent at ${ECHO_RATES.join(', ')} B/s, on ${echoStarts} freshly started servers per rate with no other client: the 1st–99th percentiles at each rate, the starts pooled`;
  const echoLatency = echoFigure(echo, echoMethod('writer'));
  if (echoLatency) out[FIGURES.echoLatency] = echoLatency;
  const watcherEchoLatency = echoFigure(watcherEcho, echoMethod('watchers'), 'watchers');
  if (watcherEchoLatency) out[FIGURES.watcherEchoLatency] = watcherEchoLatency;
  return out;
}

/**
 * The echo path at one output rate, timed as validation times a level (terminal-run.ts): on
 * `starts` freshly started servers with nothing else attached (one start is one draw of the echo
 * path), ECHO_SHAPE's sessions warmed for twice the window, then its writer and watchers per
 * session for three times the window; the round trips of every start pooled. (A client of
 * calibrate's own on a session, as the wire step has, comes before the writer in the fan-out:
 * with one, the median was 10–20 % above validation's on the same shape.) One more
 * start with one session typing SPARSE_INPUTS/s for twice the window: the difference of the steady
 * streams per input is the bytes and the frames each typed input adds (the agent echoes it).
 */
async function timeEcho(rate: number, index: number, workDir: string, pinning: Pinning, window: number, starts: number): Promise<{ rtt: LatencyHistogram; fanout: LatencyHistogram; spreads: number[]; input?: { wire: number; frames: number } }> {
  const load = (sessions: number, watchers: number, inputs: number, duration: number): TerminalLoad => ({ sessions, watchers, rate: inputs, outputRate: rate, duration, warmup: Math.max(1, 2 * window) });
  const run = async (shape: TerminalLoad, name: string, seed: number): Promise<PointResult> =>
    firstPoint((await measureTerminalRun(shape, path.join(workDir, 'scratch', `echo-${rate}-${name}`), pinning, seed)).document);
  const rtt = new LatencyHistogram();
  const fanout = new LatencyHistogram();
  const spreads: number[] = [];
  const dense: { bytes: number; frames: number }[] = [];
  for (let start = 0; start < starts; start++) {
    const point = await run(load(ECHO_SHAPE.sessions, ECHO_SHAPE.watchers, DENSE_INPUTS, Math.max(2, 3 * window)), `dense-${start}`, 1 + index + 1000 * start);
    // The latency from the dense runs only: hundreds of round trips, where the sparse run's
    // handful would add only noise to the tail.
    const [timed, delivered] = [echoes(point), echoes(point, 'watchers')];
    if (timed) rtt.add(timed);
    if (delivered) fanout.add(delivered);
    const spread = deliverySpread(point);
    if (spread !== null) spreads.push(spread);
    const [bytes, frames] = [steadyStreamRate(point), steadyStreamRate(point, 'frames.stream')];
    if (bytes !== null && frames !== null) dense.push({ bytes, frames });
  }
  const sparsePoint = await run(load(1, 0, SPARSE_INPUTS, Math.max(2, 2 * window)), 'sparse', 1 + index);
  const sparse = { bytes: steadyStreamRate(sparsePoint), frames: steadyStreamRate(sparsePoint, 'frames.stream') };
  if (sparse.bytes === null || sparse.frames === null || dense.length === 0) return { rtt, fanout, spreads };
  const perInput = (dense: number, sparse: number) => Math.max(0, (dense - sparse) / (DENSE_INPUTS - SPARSE_INPUTS));
  return { rtt, fanout, spreads, input: { wire: perInput(mean(dense.map((d) => d.bytes)), sparse.bytes), frames: perInput(mean(dense.map((d) => d.frames)), sparse.frames) } };
}

/** Output rate of the pace step. */
const PACE_RATE = 10000;

/** The pace of a fan-out end to end (pace.ts), at PACE_SHAPE on `starts` freshly started servers, warmed as the echo's are. */
async function fanoutPace(workDir: string, pinning: Pinning, window: number, starts: number, echoSpreads: readonly number[]): Promise<CalibrationFigure | undefined> {
  const shape: TerminalLoad = { ...PACE_SHAPE, outputRate: PACE_RATE, duration: Math.max(2, 3 * window), warmup: Math.max(1, 2 * window) };
  const spreads: number[] = [];
  for (let start = 0; start < starts; start++) {
    const spread = deliverySpread(firstPoint((await measureTerminalRun(shape, path.join(workDir, 'scratch', `pace-${start}`), pinning, 40 + 1000 * start)).document));
    if (spread !== null) spreads.push(spread);
  }
  return paceFigure(spreads, echoSpreads, `fake agent at ${PACE_RATE} B/s, writers typing ${PACE_SHAPE.rate}/s, three times the window after twice as long warming, all read by one load generator, on ${starts} freshly started servers (the echo's at the same rate from the echo step)`);
}

/**
 * What shares the server's core besides the fan-out, from the one-client samples at every output
 * rate: the server's CPU at rest per session (its CPU with one client less that client's delivery
 * cost, the median over the rates), and the CPU of tmux and the fake agent as a line in the bytes
 * of terminal output (what one client receives: the model's `workload.task.terminalOutput`).
 */
function sharedCoreFigures(ones: { rate: number; one: { cpu: number; frames: number; bytes: number; producersCpu: number } }[], perFrame: number, perByte: number, window: number): Record<string, CalibrationFigure> {
  if (ones.length === 0) return {};
  const residuals = ones.map(({ one }) => one.cpu - one.frames * perFrame - one.bytes * perByte);
  const atRest = Math.max(0, quantiles(residuals, [0.5])[0]!);
  const [tmuxAtRest, tmuxPerByte] = solve2(ones.map(({ one }) => [1, one.bytes]), ones.map(({ one }) => one.producersCpu));
  const rates = ones.map((o) => o.rate).join(', ');
  const tmuxMethod = `CPU (/proc schedstat) of the tmux server of the private socket and every process under it (panes' shells, fake agents) and the server's children (tmux attach on its PTY), one session with one client, fake agent at ${rates} B/s, ${window} s each: a line (non-negative least squares) in the bytes per second the client received`;
  const tmuxSummary = Object.fromEntries(ones.flatMap(({ rate, one }) => [[`cpu@${rate}`, one.producersCpu], [`bytes@${rate}`, one.bytes]]));
  return {
    [FIGURES.cpuAtRestPerSession]: {
      value: atRest,
      unit: 's/s',
      sets: ['terminal.cpuAtRestPerSession'],
      method: `agent server process CPU (/proc schedstat) with one client on one session, fake agent at ${rates} B/s, ${window} s each, less that client's delivery cost (frames × cpuPerFrame + bytes × cpuPerByte): the median over the rates (PTY reads, timers)`,
      n: ones.length,
      summary: Object.fromEntries(ones.map(({ rate }, i) => [`rest@${rate}`, residuals[i]!])),
    },
    [FIGURES.tmuxCpuAtRestPerSession]: { value: tmuxAtRest, unit: 's/s', sets: ['terminal.tmuxCpuAtRestPerSession'], method: `${tmuxMethod}: the intercept`, n: ones.length, summary: tmuxSummary },
    [FIGURES.tmuxCpuPerByte]: { value: tmuxPerByte, unit: 's/B', sets: ['terminal.tmuxCpuPerByte'], method: `${tmuxMethod}: the slope`, n: ones.length },
  };
}
