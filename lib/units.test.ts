import { describe, expect, it } from 'vitest';
import { UnitError, formatDuration, parseBandwidth, parseDuration, parseFraction, parseMoney, parseRate, parseSize } from './units.js';

describe('units in the text, parsed strictly to SI', () => {
  it('durations, including compound ones', () => {
    expect(parseDuration('250us')).toBeCloseTo(250e-6, 15);
    expect(parseDuration('30ms')).toBeCloseTo(0.03, 15);
    expect(parseDuration('2s')).toBe(2);
    expect(parseDuration('5m')).toBe(300);
    expect(parseDuration('8h')).toBe(28_800);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration(0)).toBe(0);
  });

  it('sizes decimal and binary, bandwidth in bits and bytes, rates per unit of time', () => {
    expect(parseSize('4 KB')).toBe(4000);
    expect(parseSize('24 GiB')).toBe(24 * 1024 ** 3);
    expect(parseBandwidth('100 Mbit/s')).toBe(12.5e6);
    expect(parseBandwidth('12.5 MB/s')).toBe(12.5e6);
    expect(parseRate('12/h')).toBeCloseTo(12 / 3600, 15);
    expect(parseRate('3/s')).toBe(3);
    expect(parseMoney('$16.43')).toBe(16.43);
    expect(parseMoney('0.0225 USD')).toBe(0.0225);
    expect(parseFraction('25%')).toBe(0.25);
  });

  it('rejects a number without its unit, an unknown unit, a negative quantity and trailing text', () => {
    for (const bad of [() => parseDuration(5), () => parseDuration('5 parsecs'), () => parseDuration('-2s'), () => parseDuration('2s later')]) {
      expect(bad).toThrow(UnitError);
    }
    expect(() => parseSize('4 KBs')).toThrow(/expected a size such as/);
    expect(() => parseBandwidth('100 Mbit')).toThrow(/found "100 Mbit"/);
    expect(() => parseRate('12 per hour')).toThrow(UnitError);
    expect(() => parseFraction('150%')).toThrow(/between 0 and 1/);
  });

  it('formats durations for people', () => {
    expect(formatDuration(0.0005)).toBe('500µs');
    expect(formatDuration(0.03)).toBe('30ms');
    expect(formatDuration(900)).toBe('15m');
  });
});
