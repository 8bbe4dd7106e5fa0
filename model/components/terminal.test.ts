import { describe, expect, it } from 'vitest';
import { fanoutCpu, frameCpu, framesPerSecond, TLS_RECORD_OVERHEAD, WS_FRAME_HEADER, wireRate } from './terminal.js';

const terminal = { watchersPerAgent: 3, cpuPerFrame: 1e-4, cpuPerByte: 1e-8, frameBytes: 1000 };

describe('terminal server', () => {
  it('costs CPU per frame and per byte for every watcher', () => {
    expect(framesPerSecond(terminal, 4000)).toBe(4);
    expect(fanoutCpu(terminal, 4000, 3)).toBeCloseTo(3 * (4 * 1e-4 + 4000 * 1e-8), 15);
    expect(fanoutCpu(terminal, 4000, 0)).toBe(0);
    expect(frameCpu(terminal)).toBeCloseTo(1e-4 + 1000 * 1e-8, 15);
  });

  it('adds WebSocket framing per frame, and TLS records when secure', () => {
    expect(wireRate(terminal, 4000, false)).toBe(4000 + 4 * WS_FRAME_HEADER);
    expect(wireRate(terminal, 4000, true)).toBe(4000 + 4 * (WS_FRAME_HEADER + TLS_RECORD_OVERHEAD));
  });
});
