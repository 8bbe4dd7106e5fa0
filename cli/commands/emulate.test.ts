// `agentscale emulate` as a user runs it: the built CLI, a real port, a signal to stop.

import { spawn } from 'node:child_process';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { EXIT, UserError } from '../../lib/index.js';
import { claudeCommand, emulateCommand, ollamaCommand, ollamaOptionsFromArgv } from './emulate.js';
import { CLI_PATH } from '../../test/cli.js';

const dirs: string[] = [];

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function run(args: string[]): { url: Promise<string>; exit: Promise<{ code: number | null; stderr: string }>; stop: () => void } {
  const child = spawn(process.execPath, [CLI_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) resolve(line.trim());
    });
    void exit.then(({ stderr: err }) => reject(new Error(`exited before listening: ${err}`)));
  });
  url.catch(() => undefined); // a run expected to fail never listens
  return { url, exit, stop: () => child.kill('SIGTERM') };
}

describe('agentscale emulate', () => {
  it('serves the Claude API with settings from a file and flags, and stops cleanly on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emulate-'));
    dirs.push(dir);
    const file = join(dir, 'claude.yaml');
    await writeFile(file, 'claude:\n  rpm: 1\n  limit-window: 1h\n  ttft: 5ms\n  output-rate: 2000/s\n');
    const proc = run(['emulate', 'claude', '--config', file, '--api-key', 'k', '--output-mean', '10']);
    const url = await proc.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ask = (key: string) =>
      fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }),
      });
    expect((await ask('wrong')).status).toBe(401);
    const ok = await ask('k');
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { usage: { input_tokens: number } }).usage.input_tokens).toBe(1);
    // rpm 1 from the file: the second request is refused.
    const limited = await ask('k');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('anthropic-ratelimit-requests-limit')).toBe('1');
    proc.stop();
    const { code, stderr } = await proc.exit;
    expect(code).toBe(0);
    expect(stderr).toMatch(/"rateLimited":1/);
  });

  it('takes its parameters from a scenario file, the one the model reads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emulate-'));
    dirs.push(dir);
    const file = join(dir, 'scenario.yaml');
    await writeFile(
      file,
      [
        'name: emulated',
        'claude:',
        '  limits: { rpm: 7, itpm: 100000, otpm: 100000 }',
        '  timeToFirstToken: 1ms',
        '  outputRate: 10000/s',
        '  overloadProbability: 0',
        'workload:',
        '  task:',
        '    outputTokens: 5',
        '',
      ].join('\n'),
    );
    const proc = run(['emulate', 'claude', '--scenario', file]);
    const url = await proc.url;
    const res = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('anthropic-ratelimit-requests-limit')).toBe('7');
    expect(((await res.json()) as { usage: { output_tokens: number } }).usage.output_tokens).toBe(5);
    proc.stop();
    expect((await proc.exit).code).toBe(0);
  });

  it('builds Ollama options from repeated --model flags and a config file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emulate-'));
    dirs.push(dir);
    const file = join(dir, 'ollama.yaml');
    await writeFile(file, 'ollama:\n  num-parallel: 3\n  vram: 16GiB\n  keep-alive: forever\n');
    const options = await ollamaOptionsFromArgv(
      await parse(['ollama', '--config', file, '--model', 'a:7b=4GB,64KiB', '--model', 'b:1b=1GB,8KiB', '--num-parallel', '2', '--load-time', '3s']),
    );
    expect(options.ollama).toMatchObject({ numParallel: 2, keepAlive: Infinity, numCtx: 4096, models: ['a:7b', 'b:1b'] });
    expect(options.vram).toBe(16 * 1024 ** 3);
    expect(options.speeds['b:1b']!.loadTime).toBe(3);
  });

  it('refuses bad settings, an exposed server without a key, and tuning flags beside a scenario, as usage errors', async () => {
    const refusal = async (args: string[]) => {
      const err = await run_(args).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).exitCode).toBe(EXIT.usage);
      return (err as UserError).message;
    };
    expect(await refusal(['claude', '--host', '0.0.0.0'])).toMatch(/needs a token: set an API key/);
    expect(await refusal(['ollama', '--host', '0.0.0.0'])).toMatch(/needs a token: set a token/);
    expect(await refusal(['ollama', '--vram', '24'])).toMatch(/vram: expected a size/);
    expect(await refusal(['claude', '--config', '/nonexistent/x.yaml'])).toMatch(/cannot read \/nonexistent\/x.yaml/);
    expect(await refusal(['claude', '--scenario', 'any.yaml', '--rpm', '5'])).toMatch(/--scenario gives the emulator's parameters; drop --rpm/);
    expect(await refusal(['ollama', '--group', 'gpu'])).toMatch(/--group picks a machine group of a --scenario/);
  });
});

/** Parses `emulate ...` arguments in this process, as the CLI would, without running the handler. */
async function parse(args: string[]): Promise<Record<string, unknown>> {
  let captured: Record<string, unknown> | undefined;
  const command = args[0] === 'claude' ? claudeCommand : ollamaCommand;
  await yargs(args)
    .command({ ...command, handler: (argv: Record<string, unknown>) => void (captured = argv) })
    .strict()
    .fail((message, error) => {
      throw error ?? new Error(message);
    })
    .parseAsync();
  return captured!;
}

/** Runs `emulate ...` in this process; only for runs that are refused before they listen. */
async function run_(args: string[]): Promise<void> {
  await yargs(['emulate', ...args])
    .command(emulateCommand)
    .strict()
    .fail((message, error) => {
      throw error ?? new Error(message);
    })
    .parseAsync();
}
