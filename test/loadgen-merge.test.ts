// Merging: documents from several generators add up to what one generator recording every
// sample would have written; --workers processes merge the same way.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LatencyHistogram, PERCENTILES, percentileKey } from '../lib/index.js';
import { Recorder, buildDocument, mergeDocuments, pointFromShare, resolveOptions, runLoad } from '../loadgen/index.js';
import { seededRng } from '../loadgen/random.js';
import { startEchoServer, type TestServer } from './loadgen-servers.js';

const options = resolveOptions({ url: 'ws://127.0.0.1:9/', protocol: 'echo', duration: '10s', connections: 4 });
const health = { cpu: [0.1], eventLoopP99: 0.001, eventLoopMax: 0.002 };

function recordInto(rec: Recorder, seed: number, n: number): number[] {
  const rng = seededRng(seed);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    // heavy-tailed latencies between ~0.1 ms and seconds
    const ms = 0.1 * Math.exp(rng.next() * 10);
    samples.push(ms);
    rec.recordMs('latency.rtt', ms);
    rec.count('ops.intended');
    rec.count('ops.sent');
    rec.count('ops.completed');
  }
  return samples;
}

describe('merge', () => {
  it('equals the histogram of all samples', () => {
    const a = new Recorder();
    const b = new Recorder();
    const all = new Recorder();
    for (const s of recordInto(a, 1, 5000)) all.recordMs('latency.rtt', s);
    for (const s of recordInto(b, 2, 3000)) all.recordMs('latency.rtt', s);
    a.error('timeout', 3);
    b.error('timeout', 2);
    b.error('close-1011');
    all.counters['ops.intended'] = all.counters['ops.sent'] = all.counters['ops.completed'] = 8000;
    all.error('timeout', 5);
    all.error('close-1011');
    const docA = buildDocument(options, [pointFromShare('load', { protocol: 'echo' }, a.share(10, health), options)], []);
    const docB = buildDocument(options, [pointFromShare('load', { protocol: 'echo' }, b.share(10, health), options)], []);
    const expected = pointFromShare('load', { protocol: 'echo' }, all.share(10, health), options);
    const merged = mergeDocuments([docA, docB]).points[0]!;

    const h = LatencyHistogram.decode(merged.histograms!['latency.rtt']!);
    const ref = all.histogram('latency.rtt');
    expect(h.count).toBe(8000);
    for (const p of [...PERCENTILES, 0, 10, 25, 75, 100]) expect(h.percentileSeconds(p)).toBe(ref.percentileSeconds(p));
    expect(h.meanSeconds()).toBe(ref.meanSeconds());
    for (const p of PERCENTILES) expect(merged.metrics[percentileKey('latency.rtt', p)]).toEqual(expected.metrics[percentileKey('latency.rtt', p)]);
    expect(merged.metrics['errors.rate']).toEqual(expected.metrics['errors.rate']);
    expect(merged.metrics['errors.timeout']!.value).toBe(5);
    expect(merged.metrics['throughput.messages']).toEqual(expected.metrics['throughput.messages']);
    // and merging is order-free
    const other = mergeDocuments([docB, docA]).points[0]!;
    expect(other.metrics).toEqual(merged.metrics);
  });

  it('runs made one after another add their windows: rates over the total time, CPU its time-weighted mean', () => {
    const a = new Recorder();
    const b = new Recorder();
    recordInto(a, 3, 1000);
    recordInto(b, 4, 3000);
    const docA = buildDocument(options, [pointFromShare('load', { protocol: 'echo', connections: 4 }, a.share(10, { ...health, cpu: [0.2] }), options)], []);
    const docB = buildDocument(options, [pointFromShare('load', { protocol: 'echo', connections: 4 }, b.share(30, { ...health, cpu: [0.6] }), options)], []);
    const pooled = mergeDocuments([docA, docB], [], 'sequential').points[0]!;
    expect(pooled.metrics['run.duration']!.value).toBe(40);
    expect(pooled.metrics['throughput.messages']!.value).toBeCloseTo(4000 / 40, 9);
    expect(pooled.metrics['generator.cpu']!.value).toBeCloseTo((0.2 * 10 + 0.6 * 30) / 40, 9);
    expect(pooled.parameters.connections).toBe(4); // the same four connections, twice; not eight
    expect(LatencyHistogram.decode(pooled.histograms!['latency.rtt']!).count).toBe(4000);
    // side by side, the same two share one window
    const together = mergeDocuments([docA, docB]).points[0]!;
    expect(together.metrics['run.duration']!.value).toBe(30);
    expect(together.parameters.connections).toBe(8);
  });
});

describe('--workers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startEchoServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('spreads connections over processes and merges their histograms losslessly', async () => {
    const opts = resolveOptions({ url: server.url, protocol: 'echo', connections: 4, connectRate: 'all', rate: '20/s', duration: '2s', workers: 2, maxLag: '1s' });
    const { document } = await runLoad(opts);
    const p = document.points[0]!;
    expect(p.metrics['generator.processes']!.value).toBe(2);
    expect(p.metrics['connections.opened']!.value).toBe(4);
    expect(p.histograms!['latency.rtt']!.count).toBe(p.metrics['ops.completed']!.value);
    expect(p.metrics['ops.completed']!.value).toBe(server.received());
    expect(p.metrics['ops.completed']!.value).toBeGreaterThan(100);
  });
});
