import { describe, expect, it } from 'vitest';
import { UserError } from '../lib/index.js';
import { classifyError, isUnreachable } from './errors.js';
import { MarkerScanner, marker, markerPrefix } from './marker.js';
import { resolveOptions } from './options.js';
import { evaluate, parseThreshold } from './thresholds.js';

describe('thresholds', () => {
  it('reads short names, units and percent', () => {
    expect(parseThreshold('rtt.p99<50ms')).toMatchObject({ metric: 'latency.rtt.p99', op: '<', limit: 0.05 });
    expect(parseThreshold('rtt.p99.9 <= 1s')).toMatchObject({ metric: 'latency.rtt.p99_9', op: '<=', limit: 1 });
    expect(parseThreshold('errors<0.1%')).toMatchObject({ metric: 'errors.rate', limit: 0.001 });
    expect(parseThreshold('throughput.messages>=1000/s')).toMatchObject({ metric: 'throughput.messages', op: '>=', limit: 1000 });
    expect(() => parseThreshold('rtt.p99 about 5')).toThrow(UserError);
    expect(() => parseThreshold('rtt.p99<5 parsecs')).toThrow(/duration/);
  });

  it('fails a latency limit with no samples and passes errors with none', () => {
    const [lat, err] = evaluate([parseThreshold('rtt.p99<1s'), parseThreshold('errors<1%')], {});
    expect(lat!.ok).toBe(false);
    expect(err!.ok).toBe(true);
    const [ok] = evaluate([parseThreshold('rtt.p99<1s')], { 'latency.rtt.p99': { value: 0.2, unit: 's' } });
    expect(ok!.ok).toBe(true);
  });
});

describe('markers', () => {
  it('finds markers split across frames and wrapped in escape sequences', () => {
    const prefix = markerPrefix('ab12', 7);
    const m1 = marker(prefix, 41);
    const m2 = marker(prefix, 42);
    const scanner = new MarkerScanner(prefix);
    expect(scanner.scan(`noise ${m1.slice(0, 5)}`)).toEqual([]);
    expect(scanner.scan(`${m1.slice(5)}\r\n`)).toEqual([41]);
    const wrapped = `\x1b[1;1H${m2.slice(0, 6)}\x1b[0m\x1b[2;1H${m2.slice(6)}`;
    expect(scanner.scan(wrapped)).toContain(42);
    // another session's markers are not ours
    expect(new MarkerScanner(markerPrefix('ab12', 8)).scan(m1)).toEqual([]);
  });
});

describe('errors and options', () => {
  it('classifies connection failures', () => {
    expect(classifyError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('refused');
    expect(classifyError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toBe('dns');
    expect(classifyError(Object.assign(new Error('x'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }))).toBe('tls');
    expect(classifyError(new Error('Unexpected server response: 503'))).toBe('http-503');
    expect(classifyError(new Error('Opening handshake has timed out'))).toBe('connect-timeout');
    expect(isUnreachable('http-503')).toBe(true);
    expect(isUnreachable('timeout')).toBe(false);
  });

  it('requires a bound and names bad fields', () => {
    expect(() => resolveOptions({ url: 'ws://127.0.0.1:1/', protocol: 'echo' })).toThrow(/--duration/);
    try {
      resolveOptions({ url: 'ws://127.0.0.1:1/', protocol: 'echo', duration: '1s', connections: -2 });
      expect.unreachable();
    } catch (err) {
      expect((err as UserError).details.join('\n')).toMatch(/--connections/);
    }
    expect(() => resolveOptions({ url: 'ws://127.0.0.1:1/', protocol: 'echo', duration: 'soon' })).toThrow(/--duration/);
    expect(() => resolveOptions({ url: 'ws://x/', protocol: 'echo', duration: '1s', connections: 20_001 })).toThrow(/--max-connections/);
    expect(() => resolveOptions({ url: 'http://x/', protocol: 'echo', duration: '1s' })).toThrow(/ws:\/\//);
    const hub = { url: 'http://127.0.0.1:4000', protocol: 'agentcom', token: 't', duration: '1s' } as const;
    expect(resolveOptions({ ...hub, serviceTime: 'lognormal:2s:1.5' }).serviceTime).toEqual({ kind: 'lognormal', mean: 2, cv: 1.5 });
    expect(resolveOptions({ ...hub, serviceTime: { kind: 'gamma', mean: 2, cv: 0.5 } }).serviceTime).toMatchObject({ kind: 'gamma' });
    expect(() => resolveOptions({ ...hub, serviceTime: { kind: 'exponential', mean: -1 } })).toThrow(/--service-time/);
  });
});
