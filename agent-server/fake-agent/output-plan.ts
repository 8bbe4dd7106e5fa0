// The fake agent's output, decided ahead of time from a seed: how many bytes are due by each tick
// (a steady rate plus periodic bursts) and the text of every line. Wall-clock jitter only moves
// when a tick's lines are written, never what they say or how many bytes are due.

import { createRng } from '../../sim/index.js';

export interface OutputPlanOptions {
  seed: number;
  /** Steady output, bytes per second. */
  bytesPerSecond: number;
  /** Seconds between bursts; 0 for none. */
  burstEverySeconds: number;
  /** Extra bytes written at each burst. */
  burstBytes: number;
  /** Seconds between writes. */
  tickSeconds: number;
  /** Mean line length in characters (lines vary from 0.2 to 1.8 times it). Default 60. */
  meanLineLength?: number | undefined;
}

const WORDS = [
  'reading', 'file', 'src', 'index', 'test', 'passed', 'failed', 'build', 'compile', 'module', 'function',
  'edit', 'apply', 'patch', 'diff', 'line', 'token', 'context', 'tool', 'call', 'result', 'search', 'grep',
  'write', 'commit', 'branch', 'merge', 'review', 'lint', 'format', 'type', 'check', 'error', 'warning',
  'ok', 'done', 'running', 'waiting', 'thinking', 'planning', 'step', 'task', 'agent', 'session',
];
const COLOURS = ['\x1b[32m', '\x1b[33m', '\x1b[36m', '\x1b[35m'];
const RESET = '\x1b[0m';

export class OutputPlan {
  private readonly random: () => number;
  private lineNo = 0;

  constructor(readonly options: OutputPlanOptions) {
    if (!(options.tickSeconds > 0)) throw new Error('tick must be positive');
    const rng = createRng(options.seed, 'fake-agent');
    this.random = () => rng.next();
  }

  /** Bytes due in total once tick `k` (0-based, at time (k+1)·tick) has been written. */
  bytesDueThroughTick(k: number): number {
    const t = (k + 1) * this.options.tickSeconds;
    const steady = Math.floor(this.options.bytesPerSecond * t + 1e-9);
    const every = this.options.burstEverySeconds;
    const bursts = every > 0 ? Math.floor(t / every + 1e-9) : 0;
    return steady + bursts * this.options.burstBytes;
  }

  /** The next line of output, ending in `\n` (a terminal shows CRLF); about 20 to 110 bytes by default, some coloured. */
  nextLine(): string {
    this.lineNo += 1;
    const mean = this.options.meanLineLength ?? 60;
    const target = Math.floor(mean * (0.2 + this.random() * 1.6)) + 8;
    let text = `${String(this.lineNo).padStart(6, '0')} `;
    while (text.length < target) text += `${WORDS[Math.floor(this.random() * WORDS.length)]} `;
    text = text.trimEnd();
    if (this.random() < 0.25) text = `${COLOURS[Math.floor(this.random() * COLOURS.length)]}${text}${RESET}`;
    return `${text}\n`;
  }
}

/** All text the plan writes through tick `k`: whole lines, at least the bytes due. For tests. */
export function planText(options: OutputPlanOptions, ticks: number): string {
  const plan = new OutputPlan(options);
  let out = '';
  let written = 0;
  for (let k = 0; k < ticks; k += 1) {
    const due = plan.bytesDueThroughTick(k);
    while (written < due) {
      const line = plan.nextLine();
      out += line;
      written += Buffer.byteLength(line);
    }
  }
  return out;
}
