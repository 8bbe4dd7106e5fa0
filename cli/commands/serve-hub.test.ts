import { describe, expect, it } from 'vitest';
import { UserError } from '../../lib/index.js';
import { parseRateLimits, serveHubOptions } from './serve-hub.js';

const base = {
  host: '127.0.0.1',
  port: 0,
  'data-dir': 'd',
  'store-sync': 'group',
  'compact-at': '1 MiB',
  'rate-limits': 'on',
  'accept-timeout': '60s',
  'sweep-interval': '30s',
  'stuck-threshold': '300s',
  'queued-ttl': '10m',
  'ttl-sweep-interval': '60s',
  'idle-timeout': '60s',
  'max-frame': '1 MiB',
  'claude-model': 'c',
  'ollama-model': 'o',
};

describe('serve-hub options', () => {
  it('parses rate limits', () => {
    expect(parseRateLimits('off').enabled).toBe(false);
    expect(parseRateLimits('on').perMinute).toEqual({ light: 120, normal: 60, heavy: 10 });
    expect(parseRateLimits('heavy=600,light=1000').perMinute).toEqual({ light: 1000, normal: 60, heavy: 600 });
    expect(() => parseRateLimits('heavy=0')).toThrow(UserError);
    expect(() => parseRateLimits('fast')).toThrow(/--rate-limits/);
  });
  it('converts durations and sizes to SI and refuses bad values', () => {
    const o = serveHubOptions(base, {});
    expect(o).toMatchObject({ sync: 'group', compactBytes: 1024 * 1024, queuedTtl: 600, acceptTimeout: 60, maxFrameBytes: 1024 * 1024 });
    expect(serveHubOptions(base, { AGENTSCALE_HUB_ADMIN_TOKEN: 'from-env-0123456789' }).adminToken).toBe('from-env-0123456789');
    expect(() => serveHubOptions({ ...base, 'store-sync': 'sometimes' }, {})).toThrow(/--store-sync/);
    expect(() => serveHubOptions({ ...base, port: 70000 }, {})).toThrow(/--port/);
    expect(() => serveHubOptions({ ...base, 'accept-timeout': '0s' }, {})).toThrow(/--accept-timeout/);
  });
});
