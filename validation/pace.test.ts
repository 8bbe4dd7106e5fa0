import { describe, expect, it } from 'vitest';
import type { PointResult } from '../lib/index.js';
import { ECHO_SHAPE } from './echo.js';
import { deliverySpread, PACE_SHAPE, paceFigure } from './pace.js';

describe('the pace of a fan-out', () => {
  it('is the slope of the delivery spread between the echo and the pace shapes: the lag every watcher has cancels', () => {
    const pace = 15e-6;
    const lag = 1e-4;
    // Spreads of runs: each watcher's lag plus (mean place − the writer's) × pace, and some noise.
    const spread = (watchers: number, noise: number) => lag + ((watchers + 1) / 2 - 1) * pace + noise;
    const wide = [-3e-6, 1e-6, 4e-6].map((e) => spread(PACE_SHAPE.watchers, e));
    const narrow = [2e-6, -1e-6, 0].map((e) => spread(ECHO_SHAPE.watchers, e));
    const figure = paceFigure(wide, narrow, 'test')!;
    // The medians' noise (1e-6 and 0) over the five places between the shapes.
    expect(figure.value).toBeCloseTo(pace + (1e-6 - 0) / 5, 12);
    expect(figure.sets).toEqual(['terminal.readerTimePerFrame']);
    expect(figure.n).toBe(6);
    expect(paceFigure([], narrow, 'test')).toBeUndefined();
    // A spread that narrows (noise beyond the slope) is no negative pace.
    expect(paceFigure(narrow, wide, 'test')!.value).toBe(0);
  });

  it("reads a run's spread from the means of its deliveries and round trips, none without both", () => {
    const point = (metrics: Record<string, number>) => ({ metrics: Object.fromEntries(Object.entries(metrics).map(([k, value]) => [k, { value, unit: 's' }])) }) as unknown as PointResult;
    expect(deliverySpread(point({ 'latency.fanout': 0.0015, 'latency.rtt': 0.0012 }))).toBeCloseTo(0.0003, 12);
    expect(deliverySpread(point({ 'latency.rtt': 0.0012 }))).toBeNull();
  });
});
