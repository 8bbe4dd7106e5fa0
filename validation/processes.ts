// Child processes of a validation run: the servers and the load generator, each started from an
// argument vector (never a shell), optionally pinned to a core with `taskset -c`, stopped with
// SIGTERM (then SIGKILL after a grace period), and their CPU time read from /proc.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, UserError } from '../lib/index.js';
import { readCpuTicks, stolenFraction } from './steal.js';

/** The built CLI (dist/cli/main.js) beside this module's build. */
export function cliPath(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../cli/main.js');
}

/** How processes are placed on cores: servers on one, the load generator on another. */
export interface Pinning {
  servers?: string;
  loadgen?: string;
  /** Why pinning is off, when it is. */
  note: string;
}

export function choosePinning(disabled = false): Pinning {
  if (disabled) return { note: 'pinning turned off (--no-pin): servers and load generator share every core' };
  const cores = os.availableParallelism();
  if (cores < 2) return { note: `one core available: no pinning, the load generator shares the servers' core` };
  if (!existsSync('/usr/bin/taskset') && !existsSync('/bin/taskset')) return { note: 'taskset not found: no pinning' };
  return { servers: '0', loadgen: String(cores - 1), note: `servers pinned to core 0, load generator to core ${cores - 1} (taskset -c)` };
}

/**
 * Runs `work` with this process (every thread) on `core`, then gives it back the cores it had:
 * clients this process holds itself then read off the servers' core, as the load generator does.
 */
export async function onCore<T>(core: string | undefined, work: () => Promise<T>): Promise<T> {
  if (core === undefined) return work();
  const pid = String(process.pid);
  // "pid 123's current affinity list: 0,1"
  const before = execFileSync('taskset', ['-c', '-p', pid], { encoding: 'utf8' }).split(':').pop()!.trim();
  execFileSync('taskset', ['-a', '-c', '-p', core, pid], { stdio: 'ignore' });
  try {
    return await work();
  } finally {
    execFileSync('taskset', ['-a', '-c', '-p', before, pid], { stdio: 'ignore' });
  }
}

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly pid: number;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the first line (stdout or stderr) matching, rejects if the process exits first or the time runs out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(graceMs?: number): Promise<void>;
}

export function startChild(name: string, args: string[], options: { core?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Child {
  const node = process.execPath;
  const [command, argv] = options.core !== undefined ? ['taskset', ['-c', options.core, node, ...args]] : [node, args];
  const proc = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env }, cwd: options.cwd });
  let text = '';
  const watchers: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    if (text.length > 1_000_000) text = text.slice(-500_000);
    for (const w of [...watchers]) {
      const m = text.match(w.pattern);
      if (m) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  let done = false;
  void exited.then(() => (done = true));
  return {
    name,
    process: proc,
    pid: proc.pid ?? -1,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      const m = text.match(pattern);
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new UserError(`${name} did not start within ${timeoutMs / 1000} s`, EXIT.failure, lastLines(text))), timeoutMs);
        watchers.push({ pattern, resolve: (x) => (clearTimeout(timer), resolve(x)) });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new UserError(`${name} exited (code ${code}) before it was ready`, EXIT.failure, lastLines(text)));
        });
      });
    },
    async stop(graceMs = 10_000) {
      if (done) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function lastLines(text: string): string[] {
  return text.trim().split('\n').slice(-8);
}

/**
 * One field of /proc/PID/task/TID/schedstat summed over a process's threads, in seconds: 0 the
 * time on a CPU, 1 the time runnable but waiting for one. NaN when the process has no task list.
 */
function schedstatSeconds(pid: number, field: 0 | 1): number {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[field]);
      } catch {
        // a thread that ended meanwhile
      }
    }
    return ns / 1e9;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU seconds a process has used, all its threads together: the scheduler's nanosecond
 * on-CPU time (/proc/PID/task/TID/schedstat), else user + system ticks from /proc/PID/stat.
 * With taskset the process is the same pid (taskset execs the command).
 */
export function cpuSeconds(pid: number): number {
  const onCpu = schedstatSeconds(pid, 0);
  if (onCpu > 0) return onCpu;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11], [12] are utime, stime (the 14th and 15th of the whole line) in clock ticks.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** Seconds a process's threads have spent runnable but waiting for a CPU (/proc schedstat), NaN when unknown. */
export function runQueueSeconds(pid: number): number {
  return schedstatSeconds(pid, 1);
}

/** USER_HZ: 100 on every Linux this runs on (sysconf is not reachable from Node). */
const CLOCK_TICKS = 100;

/** Every process descended from `roots` (children, their children…), from /proc's parent links; roots excluded. */
export function descendantPids(roots: readonly number[]): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The 4th field (after the command in parentheses and the state) is the parent's pid.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // a process that ended meanwhile
    }
  }
  const out: number[] = [];
  const stack = [...roots];
  while (stack.length > 0) {
    for (const child of children.get(stack.pop()!) ?? []) {
      out.push(child);
      stack.push(child);
    }
  }
  return out;
}

/** CPU seconds of each pid (NaN for one that has ended), for a later difference. */
export function cpuOfPids(pids: readonly number[]): Map<number, number> {
  return new Map(pids.map((pid) => [pid, cpuSeconds(pid)]));
}

/** CPU seconds used between two readings, over the processes alive at both. */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, a] of before) {
    const b = after.get(pid);
    if (b !== undefined && Number.isFinite(a) && Number.isFinite(b) && b >= a) total += b - a;
  }
  return total;
}

/** The cores a pinned run uses (none: every core). */
export function pinnedCores(pinning: Pinning): string[] {
  return [pinning.servers, pinning.loadgen].filter((c): c is string => c !== undefined);
}

/**
 * A process's CPU-seconds and run-queue seconds over `work`, the work's wall seconds, and the
 * largest share of one of `cores` (every core when none) the hypervisor took meanwhile.
 */
export async function alongside<T>(pid: number, work: () => Promise<T>, cores: readonly string[] = []): Promise<{ result: T; cpu: number; wait: number; seconds: number; steal: number | null }> {
  const cpu0 = cpuSeconds(pid);
  const wait0 = runQueueSeconds(pid);
  const ticks0 = readCpuTicks();
  const t0 = performance.now();
  const result = await work();
  return { result, cpu: cpuSeconds(pid) - cpu0, wait: runQueueSeconds(pid) - wait0, seconds: (performance.now() - t0) / 1000, steal: stolenFraction(ticks0, readCpuTicks(), cores) };
}
