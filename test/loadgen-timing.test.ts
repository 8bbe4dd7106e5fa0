// Latency from the intended send time against real WebSocket servers on 127.0.0.1.

import { afterEach, describe, expect, it } from 'vitest';
import { percentileKey } from '../lib/index.js';
import { resolveOptions, runLoad } from '../loadgen/index.js';
import { startEchoServer, type TestServer } from './loadgen-servers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('loadgen timing', () => {
  it('shows a 1 s server stall in intended-time latency but not in actual-send latency (coordinated omission)', async () => {
    // 2 connections × 50/s at constant spacing, one answer outstanding per connection (as wrk2):
    // during the stall the schedule keeps running, so ~25 % of the messages fall due while
    // the target is silent. Timed from their actual send they look fast; from their intended
    // time they carry the stall.
    server = await startEchoServer({ stallAfter: 60, stallMs: 1000 });
    const options = resolveOptions({
      url: server.url,
      protocol: 'echo',
      connections: 2,
      connectRate: 'all',
      rate: '50/s',
      duration: '4s',
      maxInflight: 1,
      maxLag: '1s',
    });
    const { document } = await runLoad(options);
    const m = document.points[0]!.metrics;
    const intendedP99 = m[percentileKey('latency.rtt', 99)]!.value;
    const intendedP90 = m[percentileKey('latency.rtt', 90)]!.value;
    const actualP99 = m[percentileKey('latency.rtt.actual', 99)]!.value;
    const actualMax = m['latency.rtt.actual.max']!.value;
    expect(m['ops.completed']!.value).toBeGreaterThan(300);
    // The messages held during the stall waited up to the whole second from their intended time.
    expect(intendedP99).toBeGreaterThan(0.8);
    expect(intendedP90).toBeGreaterThan(0.3);
    // Only the one message in flight per connection saw the stall from its actual send: the
    // p99 of actual-send latency stays well under the stall (half of it, a loaded machine's margin).
    expect(actualMax).toBeGreaterThan(0.8);
    expect(actualP99).toBeLessThan(0.5);
    expect(m['ops.held']!.value).toBeGreaterThan(30);
  });

  it('measures a fixed 10 ms server delay within ±1 ms at p50', async () => {
    // The delay is the one the server actually applied, by its own clock (the same process and
    // clock as the generator): on a busy machine its timers fire late too, and the generator
    // must not be blamed for that, nor hide it.
    server = await startEchoServer({ delayMs: 10 });
    const options = resolveOptions({
      url: server.url,
      protocol: 'echo',
      connections: 4,
      connectRate: 'all',
      rate: '25/s',
      duration: '3s',
      maxLag: '1s',
    });
    const { document } = await runLoad(options);
    const m = document.points[0]!.metrics;
    expect(m['ops.completed']!.value).toBeGreaterThan(200);
    const holds = [...server.holds()].sort((a, b) => a - b);
    const held = holds[Math.floor(holds.length / 2)]! / 1000;
    expect(held).toBeGreaterThanOrEqual(0.01);
    const actual = m[percentileKey('latency.rtt.actual', 50)]!.value;
    expect(Math.abs(actual - held)).toBeLessThanOrEqual(0.001);
    expect(actual).toBeGreaterThanOrEqual(0.01);
    // From the intended time it can only be longer (the send lag adds to it).
    expect(m[percentileKey('latency.rtt', 50)]!.value).toBeGreaterThanOrEqual(actual);
  });
});
