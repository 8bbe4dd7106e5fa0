// One measured run of a terminal load: a freshly started agent server whose sessions run the fake
// agent, every session warmed, the load generator's maestro run from a profile file, the server
// stopped. Validation's levels and calibration's echo step both time round trips this way, so
// the two differ only in the load's shape.

import path from 'node:path';
import YAML from 'yaml';
import { writeFileAtomic } from '../lib/index.js';
import { runLoadgen, type LoadRun } from './load.js';
import { alongside, pinnedCores, type Pinning } from './processes.js';
import { startAgentServerProcess } from './stack.js';
import { warmSessions } from './warm.js';

export interface TerminalLoad {
  sessions: number;
  /** Read-only watchers per session, besides its writer. */
  watchers: number;
  /** Inputs per second per session. */
  rate: number;
  /** The fake agent's output, bytes per second. */
  outputRate: number;
  /** Seconds of load. */
  duration: number;
  /** Seconds of typing into every session before the load. */
  warmup: number;
}

export interface TerminalRun extends LoadRun {
  /** The load generator's results document. */
  file: string;
  /** The server's CPU-seconds and run-queue seconds over the load, and the load's wall seconds. */
  cpu: number;
  wait: number;
  seconds: number;
  /** The largest share of a pinned core the hypervisor took over the load (null where unknown). */
  steal: number | null;
}

/**
 * Seconds a watcher may take to attach, and the writers wait for them all: 1,200 watchers took
 * 9–10 s here, against the generator's default of 10 s (past it, the late ones fail).
 */
const CONNECT_TIMEOUT = 30;

/** How the load generator spaces a writer's inputs in every terminal run (calibration's and validation's). */
export const TYPING_ARRIVAL = 'poisson';

/** `base`.json (results) and `base`.loadgen.yaml (the generator's profile); the server is gone when this resolves. */
export async function measureTerminalRun(load: TerminalLoad, base: string, pinning: Pinning, seed: number): Promise<TerminalRun> {
  const file = `${base}.json`;
  const profileFile = `${base}.loadgen.yaml`;
  const server = await startAgentServerProcess({ outputRate: load.outputRate, tmuxSocket: `agentscale-run-${process.pid}-${path.basename(base)}`, core: pinning.servers, seed });
  try {
    // Inputs at Poisson times, as the model takes them. At a constant rate (100 ms apart) against
    // the fake agent's 50 ms ticks, each session's inputs meet the other sessions' fan-outs at one
    // phase for a whole run: measured at 25 watchers, six runs' p95 of round trips spread over
    // 2.19–3.77 ms at a constant rate and 2.79–3.31 ms with Poisson inputs.
    await writeFileAtomic(profileFile, YAML.stringify({ url: server.termUrl, protocol: 'maestro', connections: load.sessions, watchers: load.watchers, rate: `${load.rate}/s`, arrival: TYPING_ARRIVAL, connectRate: '1000/s', connectTimeout: `${CONNECT_TIMEOUT}s`, duration: `${load.duration}s`, seed, name: path.basename(base).replace(/\.run-\d+$/, '') }));
    // Agents are already working when watchers arrive: start every session and wait for its output.
    await warmSessions(server.port, Array.from({ length: load.sessions }, (_, i) => `s${i}`), load.warmup * 1000);
    const { result: run, cpu, wait, seconds, steal } = await alongside(server.child.pid, () => runLoadgen(['--profile', profileFile], file, pinning.loadgen), pinnedCores(pinning));
    return { ...run, file, cpu, wait, seconds, steal };
  } finally {
    await server.stop();
  }
}
