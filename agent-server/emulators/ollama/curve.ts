// Aggregate decode throughput of a GPU against the number of concurrent streams: batching raises
// it sub-linearly. Points are interpolated linearly and held flat beyond both ends.

export type DecodeCurve = [streams: number, tokensPerSecond: number][];

export function validateCurve(curve: DecodeCurve): DecodeCurve {
  if (curve.length === 0) throw new Error('decode curve needs at least one point');
  const sorted = [...curve].sort((a, b) => a[0] - b[0]);
  for (const [n, rate] of sorted) {
    if (!(n >= 1) || !(rate > 0)) throw new Error(`decode curve point ${n}:${rate} needs streams >= 1 and a positive rate`);
  }
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]![0] === sorted[i - 1]![0]) throw new Error(`decode curve has two points for ${sorted[i]![0]} streams`);
  }
  return sorted;
}

/** Aggregate tokens per second over `streams` concurrent streams (curve sorted by streams). */
export function aggregateRate(curve: DecodeCurve, streams: number): number {
  const first = curve[0]!;
  if (streams <= first[0]) return first[1];
  for (let i = 1; i < curve.length; i++) {
    const [n1, r1] = curve[i]!;
    if (streams <= n1) {
      const [n0, r0] = curve[i - 1]!;
      return r0 + ((streams - n0) / (n1 - n0)) * (r1 - r0);
    }
  }
  return curve[curve.length - 1]![1];
}

/** What each of `streams` concurrent streams gets. */
export function perStreamRate(curve: DecodeCurve, streams: number): number {
  return streams <= 0 ? 0 : aggregateRate(curve, streams) / streams;
}

/** Parses `1:98,2:180,4:269`. */
export function parseCurve(text: string): DecodeCurve {
  const points = text.split(',').map((part) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m) throw new Error(`decode curve point "${part}" is not STREAMS:TOKENS_PER_SECOND`);
    return [Number(m[1]), Number(m[2])] as [number, number];
  });
  return validateCurve(points);
}
