// The load of an `llm` validation level, run as its own process (pinned to the load generator's
// core): sidecars identified to the hub that, for each task assigned, call the Claude emulator
// (retrying 429s after retry-after and 5xx with the SDK's backoff, as the model's retry policy
// says), run the tool time, and complete; a Poisson stream of task submissions over HTTP. Each
// task is timed from its intended submit time (no coordinated omission). Writes a results
// document (kind measured) with one point, and beside it the tasks as run (`tracePath`): each
// one's submit time, tool time and the output tokens the emulator gave it, for the model to replay.
// A task's prompt is fixed by its place in the plan (the emulator draws a reply's length from the
// request's text), so every run with the same seeds is offered the same replies.

import { readFileSync } from 'node:fs';
import { HubSocket } from '../agent-server/index.js';
import { LatencyHistogram, canonicalHash, documentHeader, writeFileAtomic, writeResultsDocument, type Estimate, type PointResult, type ResultsDocument } from '../lib/index.js';
import type { DistributionSpec, RetryPolicy, TraceTask } from '../model/index.js';
import { createRng, distribution } from '../sim/index.js';

export interface LlmDriverConfig {
  hubUrl: string;
  adminToken: string;
  claudeUrl: string;
  sidecars: number;
  /** Tasks per second (Poisson). */
  rate: number;
  duration: number;
  /** Longest wait after the last submission for the tasks in the system to finish, seconds. */
  drain: number;
  seed: number;
  toolTime: DistributionSpec;
  inputTokens: DistributionSpec;
  model: string;
  maxTokens: number;
  retry: RetryPolicy;
  out: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The tasks a run submits, fixed by its seed before it starts: each one's intended submit time
 * (seconds from the start, a Poisson stream), tool time and input tokens. A model given these
 * and the replies' lengths sees the same load as the hub and the emulator did.
 */
function llmPlan(c: Pick<LlmDriverConfig, 'seed' | 'rate' | 'duration' | 'toolTime' | 'inputTokens'>): PlannedTask[] {
  const arrivals = createRng(c.seed, 'llm.arrivals');
  const tools = createRng(c.seed, 'llm.tools');
  const inputs = createRng(c.seed, 'llm.inputs');
  const toolTime = distribution(c.toolTime);
  const inputTokens = distribution(c.inputTokens);
  const plan: PlannedTask[] = [];
  for (let t = -Math.log(1 - arrivals.next()) / c.rate; t < c.duration; t += -Math.log(1 - arrivals.next()) / c.rate) {
    plan.push({ at: t, toolTime: Math.max(0, toolTime.sample(tools)), inputTokens: Math.max(1, Math.round(inputTokens.sample(inputs))) });
  }
  return plan;
}

interface PlannedTask extends TraceTask {
  toolTime: number;
  inputTokens: number;
}

/** Where the driver writes the tasks as run, beside its results document. */
export const tracePath = (out: string): string => out.replace(/\.json$/, '') + '.tasks.json';

/** A task's prompt: its place in the plan first, then padding to its input tokens (about four characters a token). */
function promptFor(index: number, inputTokens: number): string {
  const head = `task-${index} `;
  return head.concat('x'.repeat(Math.max(0, inputTokens * 4 - head.length)));
}

export async function driveLlm(c: LlmDriverConfig): Promise<ResultsDocument> {
  const rng = createRng(c.seed);
  const plan = llmPlan(c);
  /** Output tokens of each planned task's reply, once it has one. */
  const outputs = new Map<number, number>();
  const counts = { submitted: 0, submitFailed: 0, completed: 0, calls: 0, http429: 0, http503: 0, http529: 0, failed: 0 };
  const task = new LatencyHistogram();
  const llm = new LatencyHistogram();
  /** Tasks the hub accepted. */
  let accepted = 0;
  const auth = { authorization: `Bearer ${c.adminToken}`, 'content-type': 'application/json' };
  const wsUrl = c.hubUrl.replace(/^http/, 'ws') + '/ws';
  let t0 = 0;
  let ended = false;

  /** The reply's output tokens, or null when every attempt failed. */
  async function call(prompt: string): Promise<number | null> {
    for (let attempt = 0; ; attempt++) {
      const start = performance.now();
      counts.calls += 1;
      let status = 0;
      let retryAfter: number | undefined;
      try {
        const res = await fetch(`${c.claudeUrl}/v1/messages`, {
          method: 'POST',
          headers: { 'x-api-key': 'validate', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
          body: JSON.stringify({ model: c.model, max_tokens: c.maxTokens, messages: [{ role: 'user', content: prompt }] }),
        });
        status = res.status;
        const ra = res.headers.get('retry-after');
        retryAfter = ra === null ? undefined : Number(ra);
        const body = await res.text();
        if (status === 200) {
          llm.recordSeconds((performance.now() - start) / 1000);
          const usage = (JSON.parse(body) as { usage?: { output_tokens?: unknown } }).usage;
          return typeof usage?.output_tokens === 'number' ? usage.output_tokens : 0;
        }
      } catch {
        status = 0;
      }
      if (status === 429) counts.http429 += 1;
      if (status === 503) counts.http503 += 1;
      if (status === 529) counts.http529 += 1;
      if (attempt >= c.retry.maxRetries || ended) return null;
      const backoff = Math.min(c.retry.maxDelay, c.retry.baseDelay * 2 ** attempt) * (1 - c.retry.jitter * rng.next());
      const wait = retryAfter !== undefined && Number.isFinite(retryAfter) && retryAfter <= 60 ? retryAfter : backoff;
      await sleep(wait * 1000);
    }
  }

  const sockets: HubSocket[] = [];
  for (let i = 0; i < c.sidecars; i++) {
    const agentId = `llm-sidecar-${i}`;
    const res = await fetch(`${c.hubUrl}/admin/tokens`, { method: 'POST', headers: auth, body: JSON.stringify({ agent_id: agentId }) });
    const { token } = (await res.json()) as { token: string };
    const s = await HubSocket.connect(wsUrl, { agentId, token });
    s.handle((f) => {
      if (f.type !== 'task_assign') return;
      const taskId = String(f.task_id);
      const generation = f.generation as number;
      s.send({ type: 'task_accepted', task_id: taskId });
      // The task's place in the plan, carried in its metadata (the submit's reply may come after the assignment).
      const index = (f.metadata as { plan?: unknown } | undefined)?.plan;
      const planned = typeof index === 'number' ? plan[index] : undefined;
      if (typeof index !== 'number' || !planned) return;
      void (async () => {
        const output = await call(promptFor(index, planned.inputTokens));
        if (output !== null) outputs.set(index, output);
        await sleep(planned.toolTime * 1000);
        if (s.ws.readyState !== 1) return;
        if (output === null) {
          counts.failed += 1;
          s.send({ type: 'task_failed', task_id: taskId, generation, error: 'llm_failed' });
          return;
        }
        s.send({ type: 'task_complete', task_id: taskId, generation, result: { ok: true }, tokens_used: 0 });
        counts.completed += 1;
        task.recordSeconds((performance.now() - (t0 + planned.at * 1000)) / 1000);
      })();
    });
    sockets.push(s);
  }

  t0 = performance.now();
  const submits: Promise<void>[] = [];
  for (const [i, { at }] of plan.entries()) {
    const due = t0 + at * 1000;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    counts.submitted += 1;
    submits.push(
      fetch(`${c.hubUrl}/api/tasks`, { method: 'POST', headers: auth, body: JSON.stringify({ description: 'validate llm task', complexity_tier: 'complex', max_retries: 0, metadata: { plan: i } }) })
        .then(async (res) => {
          const body = (await res.json()) as { task_id?: string };
          if (res.status === 201 && body.task_id) accepted += 1;
          else counts.submitFailed += 1;
        })
        .catch(() => void (counts.submitFailed += 1)),
    );
  }
  const left = t0 + c.duration * 1000 - performance.now();
  if (left > 0) await sleep(left);
  await Promise.allSettled(submits);
  // Drain: every task submitted is counted and timed, as the load generator does.
  const drainEnd = performance.now() + c.drain * 1000;
  while (counts.completed + counts.failed < accepted && performance.now() < drainEnd) await sleep(50);
  ended = true;
  const runDuration = c.duration;
  await Promise.allSettled(submits);
  await Promise.all(sockets.map((s) => s.close()));

  const metrics: Record<string, Estimate> = {};
  const add = (name: string, value: number, unit: string, n?: number) => (metrics[name] = { value, unit, ...(n !== undefined ? { n } : {}) });
  add('throughput.tasks', counts.completed / runDuration, '1/s', counts.completed);
  for (const [name, h] of [['latency.task', task], ['latency.llm.claude', llm]] as const) {
    if (h.count === 0) continue;
    add(name, h.meanSeconds(), 's', h.count);
    for (const p of [50, 95, 99]) add(`${name}.p${p}`, h.percentileSeconds(p), 's', h.count);
  }
  add('errors.http-429', counts.http429, 'count');
  add('errors.http-503', counts.http503, 'count');
  add('errors.http-529', counts.http529, 'count');
  add('errors.rate', counts.submitted > 0 ? (counts.failed + counts.submitFailed) / counts.submitted : 0, 'fraction', counts.submitted);
  add('claude.requests', counts.calls / runDuration, '1/s', counts.calls);
  add('tasks.submitted', counts.submitted, 'count');
  add('ops.intended', counts.submitted, 'count');
  add('run.duration', runDuration, 's');
  const point: PointResult = { id: 'load', parameters: { rate: c.rate, sidecars: c.sidecars }, replications: 1, metrics, histograms: { 'latency.task': task.encode() } };
  const doc: ResultsDocument = { ...documentHeader('measured', { name: 'llm-validation', hash: canonicalHash(c), seed: c.seed }), points: [point], assumptions: [] } as ResultsDocument;
  await writeResultsDocument(c.out, doc);
  const ran: TraceTask[] = plan.map(({ at, toolTime }, i) => ({ at, toolTime, ...(outputs.has(i) ? { outputTokens: outputs.get(i)! } : {}) }));
  await writeFileAtomic(tracePath(c.out), JSON.stringify(ran) + '\n');
  return doc;
}

if (process.argv[2] && process.argv[1]?.endsWith('llm-driver.js')) {
  const config = JSON.parse(readFileSync(process.argv[2], 'utf8')) as LlmDriverConfig;
  driveLlm(config).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`llm driver: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
