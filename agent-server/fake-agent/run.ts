// The fake agent as a program: writes its planned output on a timer, echoes its input, and stops
// after the duration. Run inside tmux it stands in for an AI coding agent in load tests.

import { echoFor } from './echo.js';
import { OutputPlan, type OutputPlanOptions } from './output-plan.js';

export interface FakeAgentOptions extends OutputPlanOptions {
  /** Seconds of output before exiting; undefined runs until killed. */
  durationSeconds?: number | undefined;
  /** Print a first line naming the settings (default true). */
  banner?: boolean;
}

export interface FakeAgentIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

export const FAKE_AGENT_READY = 'fake-agent ready';

const CTRL_C = '\x03';

/** Runs until the duration passes (exit code 0), Ctrl-C arrives (130) or input ends (0). */
export function runFakeAgent(options: FakeAgentOptions, io: FakeAgentIo = { stdin: process.stdin, stdout: process.stdout }): Promise<number> {
  const plan = new OutputPlan(options);
  const { stdin, stdout } = io;
  // Raw mode: the terminal driver neither echoes nor buffers lines, so every byte reaches the
  // program at once and the program's own echo is the only one (a marker comes back exactly once).
  if (stdin.isTTY) stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  if (options.banner !== false) {
    stdout.write(`${FAKE_AGENT_READY} seed=${options.seed} rate=${options.bytesPerSecond}B/s burst=${options.burstBytes}B/${options.burstEverySeconds}s\n`);
  }
  const start = performance.now();
  let written = 0;
  let tick = -1;

  return new Promise<number>((resolve) => {
    let done = false;
    const finish = (code: number): void => {
      if (done) return;
      done = true;
      clearInterval(timer);
      clearTimeout(stopTimer);
      stdin.off('data', onInput);
      stdin.off('end', onEnd);
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      resolve(code);
    };
    const writeDue = (): void => {
      const elapsed = (performance.now() - start) / 1000;
      const k = Math.floor(elapsed / options.tickSeconds) - 1;
      if (k <= tick) return;
      tick = k;
      const due = plan.bytesDueThroughTick(k);
      let out = '';
      while (written < due) {
        const line = plan.nextLine();
        out += line;
        written += Buffer.byteLength(line);
      }
      if (out) stdout.write(out);
    };
    const onInput = (chunk: string): void => {
      if (chunk.includes(CTRL_C)) return finish(130);
      const echo = echoFor(chunk);
      if (echo) stdout.write(echo);
    };
    const onEnd = (): void => finish(0);
    const timer = setInterval(writeDue, Math.max(1, options.tickSeconds * 1000));
    const stopTimer = options.durationSeconds !== undefined
      ? setTimeout(() => { writeDue(); finish(0); }, options.durationSeconds * 1000)
      : undefined;
    stdin.on('data', onInput);
    stdin.on('end', onEnd);
  });
}
