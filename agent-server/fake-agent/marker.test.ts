import { describe, expect, it } from 'vitest';
import { echoFor } from './echo.js';
import { findMarkers, formatMarker, markerInput } from './marker.js';

describe('markers and echo', () => {
  it('formats, types and finds markers', () => {
    const marker = formatMarker(1234, 'abcd');
    expect(marker).toBe('mk:1234:abcd');
    expect(markerInput(marker)).toBe('mk:1234:abcd\r');
    expect(findMarkers(`noise\r\n${marker}\r\nmore mk:7:zz9 end`)).toEqual([
      { marker: 'mk:1234:abcd', seq: 1234, tag: 'abcd' },
      { marker: 'mk:7:zz9', seq: 7, tag: 'zz9' },
    ]);
    expect(() => formatMarker(-1, 'a')).toThrow();
    expect(() => formatMarker(1, 'A:b')).toThrow();
  });

  it('echoes input as a cooked terminal would, one write per chunk', () => {
    expect(echoFor('mk:1234:abcd\r')).toBe('mk:1234:abcd\n');
    expect(echoFor('a\r\nb\nc')).toBe('a\nb\nc');
    expect(echoFor('ab\x7f')).toBe('ab\b \b');
    expect(echoFor('x\x1b[Ay\x01')).toBe('x[Ay');
    expect(echoFor('7')).toBe('7');
  });
});
