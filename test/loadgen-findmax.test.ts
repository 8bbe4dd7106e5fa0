// --find-max against a target that slows down by 10 ms for every open connection.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveOptions, runLoad } from '../loadgen/index.js';
import { startEchoServer, type TestServer } from './loadgen-servers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startEchoServer({ delayPerConnectionMs: 10 });
});
afterAll(async () => {
  await server.close();
});

describe('find-max', () => {
  it('adds connections until the limit breaks and reports the largest load that held', async () => {
    // 1, 3, 5, 7 connections → ~10, 30, 50, 70 ms: the limit of 60 ms breaks at 7.
    const options = resolveOptions({
      url: server.url,
      protocol: 'echo',
      findMax: true,
      limit: 'rtt.p50<60ms',
      connections: 1,
      step: 2,
      stepDuration: '1s',
      connectRate: 'all',
      rate: '10/s',
      maxLag: '1s',
    });
    const { document, summary, exitCode } = await runLoad(options);
    expect(document.points.map((p) => p.parameters.connections)).toEqual([1, 3, 5, 7]);
    expect(summary[0]).toMatch(/^find-max: largest load that held: connections 5; step 4 \(connections 7\) broke rtt\.p50<60ms/);
    expect(exitCode).toBe(0);
  });
});
