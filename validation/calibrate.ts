// `agentscale calibrate`: measure on this machine the service costs the model needs, each alone
// and at light load, never at a validation level:
//  - store: the time of one 256-byte append + fsync (the hub's synced write), as a distribution;
//  - hub: CPU per WebSocket frame, from the hub process's CPU time over a light agentcom run;
//  - terminal: the agent server's CPU per frame and per byte delivered to a client (two output
//    rates, 1 and `watchers` clients each: a 2×2 solve of the extra CPU), the frames per second the
//    PTY path makes, bytes on the wire per byte the agent writes, and the echo latency (agent
//    write → server read, tmux's redraw) from light-load round trips.

import { mkdir, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { LatencyHistogram, info, machineInfo } from '../lib/index.js';
import { runLoadgen } from './load.js';
import { choosePinning, cpuSeconds, type Pinning } from './processes.js';
import { FIGURES, PROFILE_KIND, type CalibrationFigure, type CalibrationProfile } from './profile.js';
import { hubCounters, startAgentServerProcess, startHubProcess } from './stack.js';
import { solve2, quantiles } from './stats.js';

export type CalibrationPart = 'store' | 'hub' | 'terminal';
export const CALIBRATION_PARTS: readonly CalibrationPart[] = ['store', 'hub', 'terminal'];

export interface CalibrateOptions {
  /** Folder for scratch files (store file, hub data, load documents); removed afterwards. */
  workDir: string;
  parts?: readonly CalibrationPart[];
  /** Seconds per measuring window (default 4). */
  window?: number;
  /** Synced writes to time (default 300). */
  syncs?: number;
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
    if (parts.includes('store')) {
      say('calibrate: timing synced writes');
      Object.assign(figures, await calibrateStore(options.workDir, options.syncs ?? 300));
    }
    if (parts.includes('hub')) {
      say('calibrate: hub CPU per frame');
      Object.assign(figures, await calibrateHub(options.workDir, pinning, options.window ?? 4));
    }
    if (parts.includes('terminal')) {
      say('calibrate: agent server CPU, frames and echo latency');
      Object.assign(figures, await calibrateTerminal(options.workDir, pinning, options.window ?? 4));
    }
  } finally {
    await rm(path.join(options.workDir, 'scratch'), { recursive: true, force: true });
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

function timing(samples: number[], sets: string[], method: string): CalibrationFigure {
  const q = quantiles(samples, [0.5, 0.9, 0.99]);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return {
    value: { kind: 'empirical', samples: samples.map((s) => Number(s.toPrecision(4))) },
    unit: 's',
    sets,
    method,
    n: samples.length,
    summary: { mean, p50: q[0]!, p90: q[1]!, p99: q[2]! },
  };
}

async function calibrateStore(workDir: string, count: number): Promise<Record<string, CalibrationFigure>> {
  const dir = path.join(workDir, 'scratch');
  await mkdir(dir, { recursive: true });
  const handle = await open(path.join(dir, 'sync-test.bin'), 'a');
  const record = Buffer.alloc(256, 0x61);
  const samples: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const t0 = process.hrtime.bigint();
      await handle.write(record);
      await handle.sync();
      samples.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
  } finally {
    await handle.close();
  }
  return {
    [FIGURES.syncWrite]: timing(samples, ['hub.store.syncWrite'], `${count} appends of 256 B, each followed by fsync, in ${workDir} (the samples themselves)`),
  };
}

async function calibrateHub(workDir: string, pinning: Pinning, window: number): Promise<Record<string, CalibrationFigure>> {
  const hub = await startHubProcess({ dataDir: path.join(workDir, 'scratch', 'hub'), storeMode: 'fsync', core: pinning.servers });
  try {
    const before = await hubCounters(hub.url);
    const cpu0 = cpuSeconds(hub.child.pid);
    await runLoadgen(
      [hub.url, '--protocol', 'agentcom', '--token', hub.adminToken, '-c', '4', '-r', '4/s', '--arrival', 'poisson', '--service-time', '100ms', '--progress-interval', '50ms', '-d', `${window}s`, '--seed', '11'],
      path.join(workDir, 'scratch', 'hub-load.json'),
      pinning.loadgen,
    );
    const cpu1 = cpuSeconds(hub.child.pid);
    const after = await hubCounters(hub.url);
    const frames = (after.hub_ws_frames_in_total ?? 0) + (after.hub_ws_frames_out_total ?? 0) - (before.hub_ws_frames_in_total ?? 0) - (before.hub_ws_frames_out_total ?? 0);
    const cpu = cpu1 - cpu0;
    return {
      [FIGURES.perMessageCpu]: {
        value: frames > 0 ? cpu / frames : 0,
        unit: 's',
        sets: ['hub.perMessageCpu'],
        method: `hub process CPU time (/proc) over a light agentcom run (4 sidecars, 4 tasks/s, ${window} s) divided by the WebSocket frames in and out; HTTP submissions and store work are folded in`,
        n: frames,
        summary: { cpuSeconds: cpu, frames },
      },
    };
  } finally {
    await hub.stop();
  }
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

/** CPU per second of the server and frames and bytes per second over the clients, for `window` seconds. */
async function sample(pid: number, tally: Tally, window: number): Promise<{ cpu: number; frames: number; bytes: number }> {
  const c0 = cpuSeconds(pid);
  const f0 = tally.frames;
  const b0 = tally.bytes;
  const t0 = performance.now();
  await sleep(window * 1000);
  const dt = (performance.now() - t0) / 1000;
  return { cpu: (cpuSeconds(pid) - c0) / dt, frames: (tally.frames - f0) / dt, bytes: (tally.bytes - b0) / dt };
}

async function calibrateTerminal(workDir: string, pinning: Pinning, window: number): Promise<Record<string, CalibrationFigure>> {
  const rates = [2000, 20000];
  const many = 20;
  const rows: { rate: number; one: { cpu: number; frames: number; bytes: number }; all: { cpu: number; frames: number; bytes: number } }[] = [];
  let echo: number[] = [];
  for (const [i, rate] of rates.entries()) {
    const socket = `agentscale-calib-${process.pid}-${i}`;
    const server = await startAgentServerProcess({ outputRate: rate, tmuxSocket: socket, core: pinning.servers });
    const sockets: WebSocket[] = [];
    try {
      const url = `ws://127.0.0.1:${server.port}/term?name=c0`;
      const tally: Tally = { frames: 0, bytes: 0 };
      sockets.push(...(await openWatchers(url, 1, tally)));
      await sleep(1000);
      const one = await sample(server.child.pid, tally, window);
      if (i === 0) {
        // Round trips at light load (one writer, no other watcher) give the echo path's latency.
        const run = await runLoadgen(
          [server.termUrl, '--protocol', 'maestro', '-c', '1', '-w', '0', '-r', '10/s', '-d', `${Math.max(2, window)}s`, '--seed', '12'],
          path.join(workDir, 'scratch', 'echo.json'),
          pinning.loadgen,
        );
        const encoded = run.document.points[0]?.histograms?.['latency.rtt'];
        if (encoded && encoded.count > 0) {
          const h = LatencyHistogram.decode(encoded);
          echo = Array.from({ length: 99 }, (_, k) => h.percentileSeconds(k + 1));
        }
      }
      sockets.push(...(await openWatchers(url, many - 1, tally)));
      await sleep(1000);
      const all = await sample(server.child.pid, tally, window);
      rows.push({ rate, one, all });
    } finally {
      for (const s of sockets) s.terminate();
      await server.stop();
    }
  }
  // Extra CPU for the extra clients = Δframes × cpuPerFrame + Δbytes × cpuPerByte, at each rate.
  const eq = rows.map((r) => ({ frames: r.all.frames - r.one.frames, bytes: r.all.bytes - r.one.bytes, cpu: r.all.cpu - r.one.cpu }));
  const [perFrame, perByte] = solve2(eq.map((e) => [e.frames, e.bytes]), eq.map((e) => e.cpu));
  const fps = rows.reduce((a, r) => a + r.one.frames, 0) / rows.length;
  // Bytes on the wire per second = perByte × output rate + perFrame × frames per second (tmux's
  // redraw adds escape sequences per screen update), solved from the two rates.
  const [wirePerByte, wirePerFrame] = solve2(rows.map((r) => [r.rate, r.one.frames]), rows.map((r) => r.one.bytes));
  const method = `agent server process CPU (/proc) with 1 and ${many} clients on one session, fake agent at ${rates.join(' and ')} B/s, ${window} s each; the extra CPU solved for per frame and per byte delivered (non-negative)`;
  const out: Record<string, CalibrationFigure> = {
    [FIGURES.cpuPerFrame]: { value: perFrame, unit: 's', sets: ['terminal.cpuPerFrame'], method, n: rows.length * 2, summary: Object.fromEntries(rows.flatMap((r) => [[`cpu@${r.rate}.1`, r.one.cpu], [`cpu@${r.rate}.${many}`, r.all.cpu]])) },
    [FIGURES.cpuPerByte]: { value: perByte, unit: 's', sets: ['terminal.cpuPerByte'], method, n: rows.length * 2 },
    [FIGURES.framesPerSecond]: {
      value: fps,
      unit: '1/s',
      sets: ['terminal.frameBytes (= output rate × wire ratio ÷ frames per second)'],
      method: 'frames per second one client received from one session, mean over the two output rates (the PTY and tmux path batches output into frames)',
      n: rows.length,
      summary: Object.fromEntries(rows.map((r) => [`fps@${r.rate}`, r.one.frames])),
    },
    [FIGURES.wireRatio]: {
      value: wirePerByte,
      unit: 'B/B',
      sets: ['workload.task.terminalOutput (= this × output rate + wire bytes per frame × frames per second)'],
      method: 'bytes one client received per second against the output rate and frames per second, at the two output rates (least squares, non-negative)',
      n: rows.length,
      summary: Object.fromEntries(rows.map((r) => [`bytesPerSecond@${r.rate}`, r.one.bytes])),
    },
    [FIGURES.wirePerFrame]: {
      value: wirePerFrame,
      unit: 'B',
      sets: ['workload.task.terminalOutput'],
      method: 'bytes each screen update adds beyond the output (tmux escape sequences), from the same solve',
      n: rows.length,
    },
  };
  if (echo.length > 0) {
    out[FIGURES.echoLatency] = timing(echo, ['terminal.echoLatency'], 'round trips of typed markers at light load (1 session, 1 writer, 10/s, fake agent at 2000 B/s): the 1st–99th percentiles of latency.rtt');
  }
  return out;
}
