// Runs one process's share of a load: starts the protocol driver against the scheduler,
// expires timed-out operations, watches the generator's own health (event-loop delay, CPU) and
// returns what it measured.

import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { METRIC_NAMES, type EncodedHistogram } from '../lib/index.js';
import { budgetShare, type Driver, type RunContext } from './context.js';
import type { LoadOptions, Protocol } from './options.js';
import { Recorder, type Share } from './recorder.js';
import { Scheduler } from './scheduler.js';
import { startEcho } from './protocols/echo.js';
import { startMaestro } from './protocols/maestro.js';
import { startHttp } from './protocols/http.js';
import { startAgentcom } from './protocols/agentcom.js';

/** The histogram that progress lines and find-max look at first, per protocol. */
export const MAIN_METRIC: Record<Protocol, string> = {
  echo: METRIC_NAMES.terminalRtt,
  maestro: METRIC_NAMES.terminalRtt,
  http: 'latency.request',
  agentcom: METRIC_NAMES.taskLatency,
};

export interface ProgressSnapshot {
  elapsed: number;
  counters: Record<string, number>;
  main?: EncodedHistogram;
}

export interface ShareHooks {
  onProgress?(snapshot: ProgressSnapshot): void;
  signal?: AbortSignal;
  /** Shared run tag (the parent passes one to all its workers). */
  runId?: string;
  /** Seconds from now until the intended start, so several processes start together. */
  startIn?: number;
}

const STARTERS: Record<Protocol, (ctx: RunContext) => Driver | Promise<Driver>> = {
  echo: startEcho,
  maestro: startMaestro,
  http: startHttp,
  agentcom: startAgentcom,
};

export async function runShare(options: LoadOptions, share = { index: 0, count: 1 }, hooks: ShareHooks = {}): Promise<Share> {
  const recorder = new Recorder();
  const scheduler = new Scheduler(options.spin * 1000);
  const abort = new AbortController();
  // Every connection listens for the abort: thousands of listeners are expected, not a leak.
  setMaxListeners(0, abort.signal);
  const onOuterAbort = (): void => abort.abort();
  hooks.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (hooks.signal?.aborted) abort.abort();

  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const ctx: RunContext = {
    options,
    recorder,
    scheduler,
    // A short lead so that setting up the first connections does not make them late.
    t0: performance.now() + (hooks.startIn ?? 0.05) * 1000,
    budget: budgetShare(options.messages, share.index, share.count),
    share,
    runId: hooks.runId ?? randomBytes(3).toString('hex'),
    aborted: abort.signal,
  };

  const main = MAIN_METRIC[options.protocol];
  const progress = hooks.onProgress
    ? setInterval(() => {
        const h = recorder.histograms.get(main);
        hooks.onProgress!({ elapsed: (performance.now() - ctx.t0) / 1000, counters: { ...recorder.counters }, main: h?.encode() });
      }, 1000)
    : undefined;
  // Every run is bounded, even against a target that never answers or never closes.
  const bound = Number.isFinite(options.duration) ? options.duration : 24 * 3600;
  const deadline = setTimeout(() => abort.abort(), (bound + options.timeout + options.connectTimeout + 10) * 1000);
  let sweeper: NodeJS.Timeout | undefined;
  try {
    const driver = await STARTERS[options.protocol](ctx);
    sweeper = setInterval(() => driver.sweep(performance.now()), 100);
    await driver.done;
  } finally {
    if (progress) clearInterval(progress);
    if (sweeper) clearInterval(sweeper);
    clearTimeout(deadline);
    scheduler.stop();
    hooks.signal?.removeEventListener('abort', onOuterAbort);
    eld.disable();
  }
  const wall = (performance.now() - wall0) / 1000;
  const used = process.cpuUsage(cpu0);
  const ran = (performance.now() - ctx.t0) / 1000;
  const elapsed = Math.max(1e-3, Number.isFinite(options.duration) ? Math.min(options.duration, ran) : ran);
  if (abort.signal.aborted) recorder.notes.push('the run was interrupted before its end');
  return recorder.share(elapsed, {
    cpu: [(used.user + used.system) / 1e6 / Math.max(wall, 1e-3)],
    eventLoopP99: eld.count > 0 ? eld.percentile(99) / 1e9 : 0,
    eventLoopMax: eld.count > 0 ? eld.max / 1e9 : 0,
  });
}
