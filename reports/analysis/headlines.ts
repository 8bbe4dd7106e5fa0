// The answers a report leads with, each computed from the results and carrying the numbers
// behind it. An answer the results cannot give says so instead of guessing.

import { formatDuration, formatMoney, parseDuration, type PointResult, type ResourceResult, type ResultsDocument } from '../../lib/index.js';
import { cheapestGpuInstance, gpuBreakEven, summarizeCosts, type Pricing } from '../../model/index.js';
import { bySize, crossing, interpolate, LATENCY_P95, numberParam, THROUGHPUT, type PointRow } from './points.js';

/** Utilisation at which a resource counts as saturated: queues there are ~10× their light-load length. */
export const SATURATION = 0.9;

export interface Headline {
  id: string;
  question: string;
  answer: string;
  /** The figures behind the answer. */
  numbers: { label: string; value: string }[];
  answered: boolean;
}

export interface HeadlineInput {
  rows: PointRow[];
  pricing?: Pricing;
  /** Task latency target at p95, seconds. */
  latencyTarget?: number;
}

const fmt = (v: number, digits = 1): string => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits }) : String(v));
const perHour = (perSecond: number): string => `${fmt(perSecond * 3600)}/h`;

export function headlines(input: HeadlineInput): Headline[] {
  const rows = bySize(input.rows.filter((r) => r.kind === 'simulated'));
  return [
    firstSaturation(rows),
    uplink(rows),
    hub(rows),
    marginal(rows),
    gpuSharing(rows),
    cheapest(rows, latencyTargetOf(input)),
    gpuOrApi(rows, input.pricing),
  ];
}

export function latencyTargetOf(input: HeadlineInput): number | undefined {
  if (input.latencyTarget !== undefined) return input.latencyTarget;
  for (const r of input.rows) {
    const a = r.document.assumptions?.find((x) => x.name === 'latencyTarget' || x.name === 'latency.target');
    if (a) {
      if (typeof a.value === 'number') return a.value;
      if (typeof a.value === 'string') {
        try {
          return parseDuration(a.value);
        } catch {
          // not a duration: ignore it, the answer will say there is no target
        }
      }
    }
  }
  return undefined;
}

function none(id: string, question: string, why: string): Headline {
  return { id, question, answer: why, numbers: [], answered: false };
}

type Sized = PointRow & { agents: number };

function resourceSeries(rows: Sized[]): Map<string, { x: number; y: number; r: ResourceResult; row: Sized }[]> {
  const out = new Map<string, { x: number; y: number; r: ResourceResult; row: Sized }[]>();
  for (const row of rows) {
    for (const r of row.point.resources ?? []) {
      const list = out.get(r.name) ?? [];
      list.push({ x: row.agents, y: r.utilization.value, r, row });
      out.set(r.name, list);
    }
  }
  return out;
}

/**
 * Where a resource's utilisation reaches `level` as the fleet grows. Where several arrangements
 * share a fleet size (a grid sweep), the least loaded one stands for it: the size saturates only
 * if its best arrangement does. Extrapolation stops at four times the largest fleet simulated.
 */
function saturationPoint(pts: { x: number; y: number }[], level = SATURATION): (NonNullable<ReturnType<typeof crossing>> & { beyond?: number }) | undefined {
  const best = new Map<number, number>();
  for (const p of pts) best.set(p.x, Math.min(best.get(p.x) ?? Infinity, p.y));
  const series = [...best.entries()].map(([x, y]) => ({ x, y }));
  const c = crossing(series, level);
  const largest = Math.max(...series.map((p) => p.x));
  if (c?.extrapolated && c.x > 4 * largest) return { ...c, beyond: 4 * largest };
  return c;
}

function sizeText(c: { x: number; extrapolated: boolean; atStart: boolean; beyond?: number }): string {
  if (c.beyond !== undefined) return `beyond ${fmt(c.beyond, 0)} agents (over four times the largest fleet simulated)`;
  if (c.atStart) return `already at ${fmt(c.x, 0)} agents (the smallest fleet in the results)`;
  return `at about ${fmt(c.x, 0)} agents${c.extrapolated ? ' (extrapolated past the largest fleet simulated)' : ''}`;
}

function firstSaturation(rows: Sized[]): Headline {
  const q = 'Which resource saturates first, and at what fleet size?';
  const series = resourceSeries(rows);
  if (series.size === 0) return none('first-saturation', q, 'Not in these results: no point reports resource utilisation.');
  const found = [...series.entries()]
    .map(([name, pts]) => ({ name, c: saturationPoint(pts), max: Math.max(...pts.map((p) => p.y)) }))
    .filter((e): e is { name: string; c: NonNullable<typeof e.c>; max: number } => e.c !== undefined)
    .sort((a, b) => a.c.x - b.c.x);
  const largest = rows[rows.length - 1]!;
  const bottleneck = largest.point.bottlenecks?.[0];
  const numbers = found.slice(0, 5).map((e) => ({ label: `${e.name} reaches ${SATURATION * 100} %`, value: sizeText(e.c) }));
  if (bottleneck) numbers.push({ label: `bottleneck at ${fmt(largest.agents, 0)} agents`, value: `${bottleneck.resource} (${fmt(bottleneck.utilization * 100)} %)` });
  if (found.length === 0) {
    const top = [...series.entries()].map(([name, pts]) => ({ name, max: Math.max(...pts.map((p) => p.y)) })).sort((a, b) => b.max - a.max)[0]!;
    return { id: 'first-saturation', question: q, answer: `No resource nears saturation in these results; the busiest is ${top.name} at ${fmt(top.max * 100)} %.`, numbers, answered: true };
  }
  const first = found[0]!;
  return { id: 'first-saturation', question: q, answer: `${first.name} saturates first, ${sizeText(first.c)}.`, numbers, answered: true };
}

function uplink(rows: Sized[]): Headline {
  const q = 'At how many agents does the site uplink saturate?';
  const pts = resourceSeries(rows).get('uplink');
  if (!pts || pts.length === 0) return none('uplink', q, 'Not in these results: no point reports the uplink.');
  const c = saturationPoint(pts);
  const last = pts[pts.length - 1]!;
  const numbers = [
    { label: 'uplink utilisation at the largest fleet', value: `${fmt(last.y * 100)} % at ${fmt(last.x, 0)} agents` },
    ...(last.r.capacity !== undefined
      ? [{ label: 'uplink capacity', value: last.r.capacityUnit === 'B/s' ? `${fmt((last.r.capacity * 8) / 1e6, 1)} Mbit/s` : `${fmt(last.r.capacity, 2)} ${last.r.capacityUnit ?? ''}`.trim() }]
      : []),
    ...(last.r.queueWait ? [{ label: 'queue wait at the largest fleet', value: formatDuration(last.r.queueWait.value) }] : []),
  ];
  if (!c) return { id: 'uplink', question: q, answer: `The uplink does not saturate in these results (at most ${fmt(last.y * 100)} %, and not rising).`, numbers, answered: true };
  return { id: 'uplink', question: q, answer: `The uplink reaches ${SATURATION * 100} % ${sizeText(c)}.`, numbers, answered: true };
}

function hub(rows: Sized[]): Headline {
  const q = 'When does one hub node stop keeping up, and when to shard it?';
  const series = [...resourceSeries(rows).entries()].filter(([name]) => name.startsWith('hub'));
  if (series.length === 0) return none('hub', q, 'Not in these results: no point reports hub resources.');
  const crossings = series
    .map(([name, pts]) => ({ name, pts, c: saturationPoint(pts) }))
    .filter((e): e is typeof e & { c: NonNullable<typeof e.c> } => e.c !== undefined)
    .sort((a, b) => a.c.x - b.c.x);
  const busiest = series.map(([name, pts]) => ({ name, max: Math.max(...pts.map((p) => p.y)) })).sort((a, b) => b.max - a.max)[0]!;
  const maxAgents = rows[rows.length - 1]!.agents;
  if (crossings.length === 0) {
    return {
      id: 'hub',
      question: q,
      answer: `One hub node keeps up with every fleet in these results (busiest: ${busiest.name} at ${fmt(busiest.max * 100)} % with ${fmt(maxAgents, 0)} agents); no need to shard.`,
      numbers: series.map(([name, pts]) => ({ label: `${name} at ${fmt(maxAgents, 0)} agents`, value: `${fmt(pts[pts.length - 1]!.y * 100)} %` })),
      answered: true,
    };
  }
  const first = crossings[0]!;
  const at = first.c.x;
  const along = (f: (r: Sized) => number | undefined) =>
    interpolate(rows.map((r) => ({ x: r.agents, y: f(r) })).filter((p): p is { x: number; y: number } => p.y !== undefined), at);
  const connections = along((r) => r.point.usage?.connections?.hub?.open ?? r.agents);
  const messages = along((r) => r.point.metrics['throughput.messages']?.value);
  const store = first.pts[0]!.r.name === 'hub.store' ? first.pts : series.find(([n]) => n === 'hub.store')?.[1];
  const writes =
    along((r) => r.point.metrics['hub.writes']?.value) ??
    (store ? interpolate(store.filter((p) => p.r.capacity !== undefined).map((p) => ({ x: p.x, y: p.y * p.r.capacity! })), at) : undefined);
  // Shards needed to keep the largest fleet's hub under 70 %, splitting evenly. A saturated server's
  // busy fraction stops near 100 % whatever the overload, so the load one node would carry per agent
  // comes from points below 80 %, on every shard of the same kind of resource (hub.store, hub[1].store).
  const kind = first.name.replace(/^hub(\[\d+\])?\./, '');
  const perAgent = series
    .filter(([name]) => name.replace(/^hub(\[\d+\])?\./, '') === kind)
    .flatMap(([, pts]) => pts.filter((p) => p.y < 0.8 && p.x > 0).map((p) => (p.y * (numberParam(p.row.point, (k) => /shards$/i.test(k)) ?? 1)) / p.x));
  const oneNodeLoad = perAgent.length > 0 ? Math.max(...perAgent) * maxAgents : undefined;
  const peakUtil = oneNodeLoad ?? Math.max(...first.pts.map((p) => p.y));
  const neededShards = Math.max(2, Math.ceil(peakUtil / 0.7));
  const numbers = [
    { label: `${first.name} reaches ${SATURATION * 100} %`, value: sizeText(first.c) },
    ...(connections !== undefined ? [{ label: 'connections then', value: fmt(connections, 0) }] : []),
    ...(messages !== undefined ? [{ label: 'message rate then', value: `${fmt(messages)}/s` }] : []),
    ...(writes !== undefined ? [{ label: 'synced-write rate then', value: `${fmt(writes)}/s` }] : []),
    ...crossings.slice(1).map((e) => ({ label: `${e.name} reaches ${SATURATION * 100} %`, value: sizeText(e.c) })),
  ];
  const shardAt = Math.max(1, Math.floor(at * 0.8));
  // A crossing far past the data is no basis for a shard plan; a fleet under 70 % needs none.
  const advice =
    first.c.beyond !== undefined
      ? `No need to shard for fleets up to ${fmt(first.c.beyond, 0)} agents.`
      : `Shard before about ${fmt(shardAt, 0)} agents (80 % of that)` +
        (peakUtil > 0.7 ? `; ${fmt(maxAgents, 0)} agents need at least ${neededShards} shards to stay under 70 %.` : '.');
  return {
    id: 'hub',
    question: q,
    answer: `One hub node stops keeping up ${sizeText(first.c)}, limited by ${first.name}. ${advice}`,
    numbers,
    answered: true,
  };
}

function throughputOf(r: Sized): number | undefined {
  return r.point.metrics[THROUGHPUT]?.value;
}

function marginal(rows: Sized[]): Headline {
  const q = 'One more agent on a machine, or one more machine?';
  const paramKeys = new Set(rows.flatMap((r) => Object.keys(r.point.parameters)));
  const apm = [...paramKeys].find((k) => /agentsPerMachine$/i.test(k));
  const mach = [...paramKeys].find((k) => /(^|\.)machines$/i.test(k));
  if (!apm || !mach) return none('marginal', q, 'Not in these results: the sweep needs both an agents-per-machine and a machines parameter.');
  const numbers: Headline['numbers'] = [];
  const parts: string[] = [];
  for (const gpu of [false, true]) {
    const subset = rows.filter((r) => ((r.point.usage?.gpuMachines ?? 0) > 0) === gpu && throughputOf(r) !== undefined);
    if (subset.length < 2) continue;
    const slope = (axis: string) => {
      const groups = new Map<string, Sized[]>();
      for (const r of subset) {
        const key = JSON.stringify(Object.entries(r.point.parameters).filter(([k]) => k !== axis).sort());
        groups.set(key, [...(groups.get(key) ?? []), r]);
      }
      const slopes: number[] = [];
      for (const g of groups.values()) {
        g.sort((a, b) => Number(a.point.parameters[axis]) - Number(b.point.parameters[axis]));
        for (let i = 1; i < g.length; i++) {
          const da = g[i]!.agents - g[i - 1]!.agents;
          if (da > 0) slopes.push((throughputOf(g[i]!)! - throughputOf(g[i - 1]!)!) / da);
        }
      }
      if (slopes.length === 0) return undefined;
      slopes.sort((a, b) => a - b);
      return slopes[Math.floor(slopes.length / 2)]!;
    };
    const onMachine = slope(apm);
    const newMachine = slope(mach);
    if (onMachine === undefined || newMachine === undefined) continue;
    const label = gpu ? 'with GPU' : 'without GPU';
    numbers.push({ label: `${label}: one more agent on each machine`, value: `${perHour(onMachine)} tasks per added agent (median over the sweep)` });
    numbers.push({ label: `${label}: one more machine`, value: `${perHour(newMachine)} tasks per added agent (median over the sweep)` });
    const better = newMachine > onMachine * 1.05 ? 'adding machines' : onMachine > newMachine * 1.05 ? 'adding agents to machines' : 'either (within 5 %)';
    parts.push(`${parts.length ? label : label[0]!.toUpperCase() + label.slice(1)}, ${better} gives more throughput per added agent (${perHour(onMachine)} on a machine against ${perHour(newMachine)} on a new one)`);
  }
  if (parts.length === 0) return none('marginal', q, 'Not in these results: no pair of points differs in one of those parameters alone.');
  return { id: 'marginal', question: q, answer: `${parts.join('; ')}.`, numbers, answered: true };
}

function gpuSharing(rows: Sized[]): Headline {
  const q = 'One agent per GPU, or several sharing its queue?';
  const withGpu = rows
    .filter((r) => (r.point.usage?.gpuMachines ?? 0) > 0)
    .map((r) => {
      const gpus = r.point.usage!.gpuMachines!;
      const res = (r.point.resources ?? []).filter((x) => x.kind === 'gpu');
      const wait = res.length ? res.reduce((s, x) => s + (x.queueWait?.value ?? 0), 0) / res.length : undefined;
      return { r, perGpu: r.agents / gpus, wait, x: throughputOf(r), gpus };
    })
    .filter((e) => e.wait !== undefined || e.x !== undefined)
    .sort((a, b) => a.perGpu - b.perGpu);
  if (withGpu.length < 2 || withGpu[0]!.perGpu === withGpu[withGpu.length - 1]!.perGpu) {
    return none('gpu-sharing', q, 'Not in these results: the sweep needs points with different numbers of agents per GPU machine.');
  }
  const lo = withGpu[0]!;
  const hi = withGpu[withGpu.length - 1]!;
  const desc = (e: typeof lo) =>
    `${fmt(e.perGpu)} agents per GPU: ${e.x !== undefined ? `${perHour(e.x / e.gpus)} tasks per GPU` : 'throughput not reported'}${e.wait !== undefined ? `, Ollama queue wait ${formatDuration(e.wait)}` : ''}`;
  const gain = lo.x !== undefined && hi.x !== undefined ? hi.x / hi.gpus / (lo.x / lo.gpus) : undefined;
  const answer =
    gain === undefined
      ? `Sharing a GPU among ${fmt(hi.perGpu)} agents changes the Ollama queue wait from ${formatDuration(lo.wait ?? 0)} to ${formatDuration(hi.wait ?? 0)}.`
      : `Sharing a GPU among ${fmt(hi.perGpu)} agents instead of ${fmt(lo.perGpu)} gives ${fmt(gain, 2)}× the tasks per GPU${hi.wait !== undefined ? `, at ${formatDuration(hi.wait)} of Ollama queue wait` : ''}.`;
  return { id: 'gpu-sharing', question: q, answer, numbers: [{ label: 'fewest agents per GPU', value: desc(lo) }, { label: 'most agents per GPU', value: desc(hi) }], answered: true };
}

export interface DeploymentOption {
  row: Sized;
  deployment: string;
  monthlyUsd: number;
  perTaskUsd: number | undefined;
  p95: number | undefined;
}

/** Every (point, deployment) pair with its monthly cost and p95 latency. */
export function deploymentOptions(rows: PointRow[], hoursPerMonth = 730): DeploymentOption[] {
  return bySize(rows).flatMap((row) =>
    Object.entries(row.point.costs ?? {})
      // A point simulated for one deployment kind only vouches for that kind's latency.
      .filter(([kind]) => !row.deploymentKind || row.deploymentKind === kind)
      .map(([deployment, lines]) => {
        const s = summarizeCosts(lines, { tasksPerHour: row.point.usage?.tasksPerHour ?? tasksPerHourOf(row.point), agents: row.agents }, hoursPerMonth);
        return { row, deployment, monthlyUsd: s.monthlyUsd, perTaskUsd: s.perTaskUsd, p95: row.point.metrics[LATENCY_P95]?.value };
      }),
  );
}

function tasksPerHourOf(p: PointResult): number | undefined {
  const x = p.metrics[THROUGHPUT]?.value;
  return x === undefined ? undefined : x * 3600;
}

function cheapest(rows: Sized[], target: number | undefined): Headline {
  const q = 'Which is the cheapest deployment that meets the latency target?';
  const options = deploymentOptions(rows);
  if (options.length === 0) return none('cheapest', q, 'Not in these results: no point carries cost lines.');
  if (target === undefined) return none('cheapest', q, 'No latency target given (set latencyTarget in the scenario or pass --latency-target).');
  // "local" prices no machines (they are one's own), so it only competes when nothing else is costed.
  const priced = options.some((o) => o.deployment !== 'local') ? options.filter((o) => o.deployment !== 'local') : options;
  const withLatency = priced.filter((o) => o.p95 !== undefined);
  if (withLatency.length === 0) return none('cheapest', q, `Not in these results: no point reports ${LATENCY_P95}.`);
  const meeting = withLatency.filter((o) => o.p95! <= target);
  const largest = Math.max(...rows.map((r) => r.agents));
  // The question is about the fleet one means to run: the largest size simulated.
  const atLargest = meeting.filter((o) => o.row.agents === largest).sort((a, b) => a.monthlyUsd - b.monthlyUsd);
  const numbers = [{ label: 'latency target (p95 task latency)', value: formatDuration(target) }];
  const best = atLargest[0] ?? [...meeting].sort((a, b) => (a.perTaskUsd ?? Infinity) - (b.perTaskUsd ?? Infinity))[0];
  if (!best) {
    const fastest = [...withLatency].sort((a, b) => a.p95! - b.p95!)[0]!;
    numbers.push({ label: 'fastest option', value: `${fastest.deployment} at ${fmt(fastest.row.agents, 0)} agents: p95 ${formatDuration(fastest.p95!)}` });
    return { id: 'cheapest', question: q, answer: `No deployment in these results meets a p95 task latency of ${formatDuration(target)}.`, numbers, answered: true };
  }
  for (const o of (atLargest.length ? atLargest : [best]).slice(0, 4)) {
    numbers.push({
      label: `${o.deployment}, ${fmt(o.row.agents, 0)} agents`,
      value: `${formatMoney(o.monthlyUsd)}/month${o.perTaskUsd !== undefined ? `, ${formatMoney(o.perTaskUsd)} per task` : ''}, p95 ${formatDuration(o.p95!)}`,
    });
  }
  const cost = `${formatMoney(best.monthlyUsd)} a month${best.perTaskUsd !== undefined ? `, ${formatMoney(best.perTaskUsd)} per task` : ''}`;
  return {
    id: 'cheapest',
    question: q,
    answer: atLargest.length
      ? `${best.deployment} is the cheapest deployment meeting p95 ≤ ${formatDuration(target)} for ${fmt(largest, 0)} agents: ${cost}.`
      : `Nothing meets p95 ≤ ${formatDuration(target)} at ${fmt(largest, 0)} agents; the cheapest per task that does is ${best.deployment} with ${fmt(best.row.agents, 0)} agents (${best.row.point.id}): ${cost}.`,
    numbers,
    answered: true,
  };
}

function gpuOrApi(rows: Sized[], pricing: Pricing | undefined): Headline {
  const q = 'A GPU machine running Ollama for the standard tier, or the Claude API?';
  if (!pricing) return none('gpu-or-api', q, 'No pricing file given, so no break-even volume.');
  const row = [...rows].reverse().find((r) => r.point.usage?.tokensPerHour && (r.point.usage.claudeRequestsPerHour ?? 0) > 0);
  if (!row) return none('gpu-or-api', q, 'Not in these results: no point reports Claude tokens and requests per hour.');
  const usage = row.point.usage!;
  const [model, tph] = Object.entries(usage.tokensPerHour!).sort((a, b) => b[1].input - a[1].input)[0]!;
  const reqs = usage.claudeRequestsPerHour!;
  const perRequest = { input: tph.input / reqs, output: tph.output / reqs, cacheWrite: tph.cacheWrite / reqs, cacheRead: tph.cacheRead / reqs };
  const instance = cheapestGpuInstance(pricing, 16);
  const be = instance ? gpuBreakEven(pricing, instance, model, perRequest) : undefined;
  if (!be) return none('gpu-or-api', q, `No GPU instance or no price for ${model} in the pricing file.`);
  const ollama = usage.ollamaRequestsPerHour ?? 0;
  const numbers = [
    { label: `${be.gpuInstance} (cheapest GPU machine listed)`, value: `${formatMoney(be.gpuUsdPerHour)}/h` },
    { label: `${model} cost of a mean request`, value: `${formatMoney(be.claudeUsdPerRequest)} (${fmt(perRequest.input, 0)} input, ${fmt(perRequest.output, 0)} output tokens)` },
    { label: 'break-even volume', value: `${fmt(be.requestsPerHour)} requests/h (${fmt(be.requestsPerMonth, 0)} a month)` },
    { label: `standard-tier requests to Ollama at ${fmt(row.agents, 0)} agents`, value: `${fmt(ollama)}/h` },
  ];
  const gpus = usage.gpuMachines ?? 1;
  const verdict =
    ollama === 0
      ? `A GPU machine pays off above ${fmt(be.requestsPerHour)} standard-tier requests an hour; this fleet sends none to Ollama.`
      : ollama / Math.max(gpus, 1) >= be.requestsPerHour
        ? `The GPU pays off: each GPU machine serves ${fmt(ollama / Math.max(gpus, 1))} requests/h, above the break-even ${fmt(be.requestsPerHour)}/h.`
        : `The API is cheaper at this volume: each GPU machine serves ${fmt(ollama / Math.max(gpus, 1))} requests/h, below the break-even ${fmt(be.requestsPerHour)}/h.`;
  return { id: 'gpu-or-api', question: q, answer: `${verdict} (Standard-tier requests priced as the mean Claude request.)`, numbers, answered: true };
}

/** One sentence to act on, from the answers above. */
export function recommendation(list: Headline[]): string {
  const get = (id: string) => list.find((h) => h.id === id);
  const parts: string[] = [];
  const first = get('first-saturation');
  if (first?.answered) parts.push(first.answer);
  const m = get('marginal');
  if (m?.answered) parts.push(m.answer);
  const c = get('cheapest');
  if (c?.answered) parts.push(c.answer);
  const g = get('gpu-or-api');
  if (g?.answered) parts.push(g.answer.split(' (')[0]!.replace(/\.?$/, '.'));
  return parts.length ? parts.join(' ') : 'These results hold too little to recommend anything: run a sweep over fleet sizes.';
}

export type { ResultsDocument };
