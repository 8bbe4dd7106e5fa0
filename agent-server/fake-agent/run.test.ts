// The fake agent as a program in a real PTY (the built CLI, as tmux would run it).

import { describe, expect, it } from 'vitest';
import * as pty from 'node-pty';
import { cliPath, eventually } from '../terminal/test-support.js';
import { planText } from './output-plan.js';

function start(args: string[]): { term: pty.IPty; output: () => string; exit: Promise<number> } {
  const term = pty.spawn(process.execPath, [cliPath(), 'fake-agent', ...args], { cols: 200, rows: 50, env: { ...process.env } as Record<string, string> });
  let out = '';
  term.onData((d) => (out += d));
  const exit = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  return { term, output: () => out, exit };
}

describe('fake-agent program', () => {
  it('writes its seeded plan and echoes a marker exactly once', async () => {
    const agent = start(['--seed', '5', '--rate', '20KB/s', '--tick', '20ms', '--duration', '30s']);
    await eventually(() => agent.output().includes('fake-agent ready'), 'banner').catch((err: Error) => {
      throw new Error(`${err.message}; output: ${JSON.stringify(agent.output().slice(0, 500))}`);
    });
    await eventually(() => agent.output().split('\r\n').length > 30, 'thirty lines of output');
    agent.term.write('mk:99:echo\r');
    await eventually(() => agent.output().includes('mk:99:echo\r\n'), 'the echoed marker');
    agent.term.write('\x03');
    expect(await agent.exit).toBe(130);
    // The PTY turns each \n into \r\n (ONLCR); compare in the program's own line endings.
    const out = agent.output().replace(/\r\n/g, '\n');
    // Raw mode: the terminal driver did not echo too.
    expect(out.split('mk:99:echo').length - 1).toBe(1);
    const body = out.slice(out.indexOf('\n') + 1).replace('mk:99:echo\n', '');
    const expected = planText({ seed: 5, bytesPerSecond: 20_000, burstEverySeconds: 0, burstBytes: 0, tickSeconds: 0.02 }, 2000);
    expect(body.length).toBeGreaterThan(1000);
    expect(expected.startsWith(body)).toBe(true);
  });

  it('exits 0 after --duration', async () => {
    const agent = start(['--rate', '1KB/s', '--duration', '300ms', '--no-banner']);
    expect(await agent.exit).toBe(0);
    expect(agent.output()).not.toContain('fake-agent ready');
  });
});
