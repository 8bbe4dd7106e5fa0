// The loadgen and merge commands as a CI pipeline runs them: exit codes, one clear line for an
// unreachable target, the files written. Uses the built CLI (dist/cli/main.js).

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResultsDocument, writeResultsDocument } from '../lib/index.js';
import { resolveOptions, runLoad } from '../loadgen/index.js';
import { runCli } from './cli.js';
import { startEchoServer, type TestServer } from './loadgen-servers.js';

const run = (args: string[]) => runCli(args, { timeoutMs: 60_000 });

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

let fast: TestServer;
let slow: TestServer;
let dir: string;

beforeAll(async () => {
  fast = await startEchoServer();
  slow = await startEchoServer({ delayMs: 50 });
  dir = await mkdtemp(path.join(os.tmpdir(), 'agentscale-lg-cli-'));
});
afterAll(async () => {
  await fast.close();
  await slow.close();
  await rm(dir, { recursive: true, force: true });
});

const base = ['--protocol', 'echo', '-c', '2', '--connect-rate', 'all', '-r', '20/s', '-d', '1500ms'];

describe('agentscale loadgen exit codes', () => {
  it('runs a profile, exits 0 when thresholds hold, writes the document and CSV, and merges', async () => {
    const profile = path.join(dir, 'load.yaml');
    await writeFile(
      profile,
      [
        `url: ${fast.url}`,
        'protocol: echo',
        'connect-rate: all',
        'max-lag: 1s',
        'threshold: [rtt.p99<5s, errors<1%]',
        'stages:',
        '  - { duration: 300ms, connections: 2, rate: 20/s }',
        '  - { duration: 1s }',
      ].join('\n'),
    );
    const a = path.join(dir, 'a.json');
    const csv = path.join(dir, 'a.csv');
    const r = await run(['loadgen', '--profile', profile, '--out', a, '--csv', csv]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('threshold held: rtt.p99<5s');
    expect(r.stdout).toMatch(/latency\.rtt\s+\d+/);
    const da = parseResultsDocument(await readFile(a, 'utf8'), a);
    expect(da.kind).toBe('measured');
    expect(da.source.file).toBe(profile);
    expect(da.points[0]!.metrics['latency.rtt.p99']!.unit).toBe('s');
    expect((await readFile(csv, 'utf8')).split('\n')[0]).toBe('point,metric,value,unit,n');

    // a second generator's document, then `agentscale merge` over both
    const b = path.join(dir, 'b.json');
    const second = await runLoad(resolveOptions({ url: fast.url, protocol: 'echo', connections: 3, connectRate: 'all', rate: '20/s', duration: '1s', maxLag: '1s' }));
    await writeResultsDocument(b, second.document);
    const m = path.join(dir, 'merged.json');
    const merged = await run(['merge', a, b, '--out', m]);
    expect(merged.code, merged.stderr).toBe(0);
    const db = second.document;
    const dm = parseResultsDocument(await readFile(m, 'utf8'), m);
    const count = (d: typeof da): number => d.points[0]!.histograms!['latency.rtt']!.count;
    expect(count(dm)).toBe(count(da) + count(db));
    expect(dm.points[0]!.metrics['ops.completed']!.value).toBe(
      da.points[0]!.metrics['ops.completed']!.value + db.points[0]!.metrics['ops.completed']!.value,
    );
  });

  it('exits 3 on a breached threshold, ahead of 4 for an untrustworthy run', async () => {
    const r = await run(['loadgen', slow.url, ...base, '-t', 'rtt.p50<10ms', '--max-lag', '0s']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/threshold breached: rtt\.p50<10ms \(measured \d/);
  });

  it('exits 4 when the generator could not keep its schedule (any send lag beyond --max-lag 0s)', async () => {
    const r = await run(['loadgen', fast.url, ...base, '--max-lag', '0s']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain('untrustworthy');
  });

  it('gives one clear line and exit 1 for a target that refuses connections', async () => {
    const port = await closedPort();
    const r = await run(['loadgen', `ws://127.0.0.1:${port}/term`, '--protocol', 'maestro', '-d', '1s']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trim()).toBe(`agentscale: cannot reach ws://127.0.0.1:${port}/term: connection refused`);
  });

  it('exits 2 naming the field for a bad profile', async () => {
    const profile = path.join(dir, 'bad.yaml');
    await writeFile(profile, `url: ${fast.url}\nprotocol: echo\nduration: 1s\nmax-connections: lots\n`);
    const bad = await run(['loadgen', '--profile', profile]);
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toContain('--max-connections');
  });
});

describe('misbehaving targets', () => {
  it('classifies an HTTP status on the upgrade as unreachable', async () => {
    const server = await startEchoServer({ rejectStatus: 503 });
    try {
      await expect(runLoad(resolveOptions({ url: server.url, protocol: 'echo', duration: '1s' }))).rejects.toThrow(/HTTP 503 on the upgrade/);
    } finally {
      await server.close();
    }
  });

  it('names TLS failures, handshake timeouts and an unreachable hub', async () => {
    // wss:// to a plain HTTP server
    await expect(runLoad(resolveOptions({ url: `wss://127.0.0.1:${fast.port}/`, protocol: 'echo', duration: '1s' }))).rejects.toThrow(
      /TLS handshake failed/,
    );
    // a TCP server that accepts and never answers the upgrade
    const mute = createServer(() => undefined);
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    const port = (mute.address() as AddressInfo).port;
    try {
      await expect(
        runLoad(resolveOptions({ url: `ws://127.0.0.1:${port}/`, protocol: 'echo', duration: '1s', connectTimeout: '300ms' })),
      ).rejects.toThrow(`cannot reach ws://127.0.0.1:${port}/: connect timed out`);
    } finally {
      mute.close();
    }
    const closed = await closedPort();
    await expect(
      runLoad(resolveOptions({ url: `http://127.0.0.1:${closed}`, protocol: 'agentcom', token: 'x', duration: '1s' })),
    ).rejects.toMatchObject({ exitCode: 1, message: `cannot reach http://127.0.0.1:${closed}: connection refused` });
  });

  it('counts close codes and the sends that could not go out after them', async () => {
    const server = await startEchoServer({
      onMessage: (ws, data) => {
        ws.send(data);
        ws.close(1011, 'internal error');
      },
    });
    try {
      const { document, exitCode } = await runLoad(
        // one answer outstanding at most: a close must not leave the connection waiting for a slot
        resolveOptions({ url: server.url, protocol: 'echo', connections: 2, connectRate: 'all', rate: '20/s', duration: '1s', maxLag: '1s', maxInflight: 1 }),
      );
      const m = document.points[0]!.metrics;
      expect(m['errors.close-1011']!.value).toBe(2);
      expect(m['ops.completed']!.value).toBe(2);
      expect(m['errors.not-connected']!.value).toBeGreaterThan(20);
      expect(m['errors.rate']!.value).toBeGreaterThan(0.5);
      expect(exitCode).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('times out a target that never answers, and exits 1 when nothing was answered', async () => {
    const server = await startEchoServer({ onMessage: () => undefined });
    try {
      const { document, exitCode, summary } = await runLoad(
        resolveOptions({ url: server.url, protocol: 'echo', rate: '20/s', duration: '1s', timeout: '300ms', maxLag: '1s' }),
      );
      const m = document.points[0]!.metrics;
      expect(m['errors.timeout']!.value).toBe(m['ops.sent']!.value);
      expect(m['ops.completed']!.value).toBe(0);
      expect(exitCode).toBe(1);
      expect(summary.join('\n')).toContain('nothing was answered');
    } finally {
      await server.close();
    }
  });
});
