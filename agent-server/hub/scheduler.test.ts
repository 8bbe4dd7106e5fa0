import { describe, expect, it } from 'vitest';
import { buildComplexity, route } from './complexity.js';
import { RateLimiter } from './rate-limiter.js';
import { planAssignments } from './scheduler.js';
import type { Task } from './types.js';

function task(id: string, priority: number, created_at: number, status: Task['status'] = 'queued', needed: string[] = []): Task {
  return {
    id,
    description: id,
    metadata: {},
    priority,
    status,
    assigned_to: null,
    assigned_at: null,
    generation: 0,
    retry_count: 0,
    max_retries: 3,
    needed_capabilities: needed,
    last_error: null,
    complete_by: null,
    result: null,
    tokens_used: null,
    submitted_by: 't',
    created_at,
    updated_at: created_at,
    history: [],
    file_hints: [],
    complexity: buildComplexity(id, 'standard', []),
    routing_decision: null,
  };
}

describe('planAssignments', () => {
  it('orders by priority lane, then age, and folds over the whole table', () => {
    const tasks = [
      task('low-old', 3, 1),
      task('normal-new', 2, 50),
      task('urgent-new', 0, 90),
      task('normal-old', 2, 10),
      task('done', 0, 0, 'completed'),
      task('high', 1, 95),
    ];
    const agents = ['a', 'b', 'c', 'd'].map((agent_id) => ({ agent_id, capabilities: [] }));
    const r = planAssignments(tasks, agents);
    expect(r.examined).toBe(6);
    expect(r.queued).toBe(5);
    expect(r.assignments.map((x) => [x.task.id, x.agentId])).toEqual([
      ['urgent-new', 'a'],
      ['high', 'b'],
      ['normal-old', 'c'],
      ['normal-new', 'd'],
    ]);
  });

  it('gives a task only to an agent with every capability it needs, and skips tasks nobody can take', () => {
    const tasks = [task('gpu', 0, 1, 'queued', ['gpu']), task('plain', 2, 2), task('rust', 1, 3, 'queued', ['rust'])];
    const agents = [
      { agent_id: 'cpu-only', capabilities: ['shell'] },
      { agent_id: 'gpu-box', capabilities: ['shell', 'gpu'] },
    ];
    const r = planAssignments(tasks, agents);
    expect(r.assignments.map((x) => [x.task.id, x.agentId])).toEqual([
      ['gpu', 'gpu-box'],
      ['plain', 'cpu-only'],
    ]);
  });

  it('assigns nothing without idle agents but still counts the fold', () => {
    const r = planAssignments([task('a', 2, 1), task('b', 2, 2, 'completed')], []);
    expect(r).toEqual({ assignments: [], examined: 2, queued: 1 });
  });
});

describe('tier routing', () => {
  const ctx = { ollamaEndpoints: ['http://gpu1:11434'], ollamaModel: 'm-local', claudeModel: 'm-api', now: 7 };
  it('sends trivial to the sidecar, standard to Ollama and complex to Claude', () => {
    expect(route(buildComplexity('x', 'trivial', []), ctx)).toMatchObject({ target_type: 'sidecar', effective_tier: 'trivial' });
    expect(route(buildComplexity('x', 'standard', []), ctx)).toMatchObject({ target_type: 'ollama', selected_endpoint: 'http://gpu1:11434', selected_model: 'm-local' });
    expect(route(buildComplexity('x', 'complex', []), ctx)).toMatchObject({ target_type: 'claude', selected_model: 'm-api', fallback_used: false });
  });
  it('falls back from standard to Claude when no Ollama endpoint is known', () => {
    expect(route(buildComplexity('x', 'standard', []), { ...ctx, ollamaEndpoints: [] })).toMatchObject({
      target_type: 'claude',
      fallback_used: true,
      fallback_from_tier: 'standard',
    });
  });
  it('infers a tier from keywords and length when none is given', () => {
    expect(buildComplexity('fix typo in readme', null, []).effective_tier).toBe('trivial');
    expect(buildComplexity('redesign the architecture of the distributed scheduler for performance and security', null, []).effective_tier).toBe('complex');
    expect(buildComplexity('add a unit test for the parser module edge cases', null, []).source).toBe('inferred');
  });
});

describe('RateLimiter', () => {
  it('allows the per-minute capacity at once, then refuses with the time to the next token', () => {
    let now = 0;
    const rl = new RateLimiter({ enabled: true, perMinute: { light: 120, normal: 60, heavy: 10 } }, () => now);
    for (let i = 0; i < 10; i++) expect(rl.check('a', 'http', 'heavy').allow).toBe(true);
    const denied = rl.check('a', 'http', 'heavy');
    expect(denied).toEqual({ allow: false, retryAfterMs: 6000 });
    expect(rl.check('b', 'http', 'heavy').allow).toBe(true);
    now = 6000;
    expect(rl.check('a', 'http', 'heavy').allow).toBe(true);
    expect(rl.check('a', 'http', 'heavy').allow).toBe(false);
  });
  it('allows everything when disabled', () => {
    const rl = new RateLimiter({ enabled: false, perMinute: { light: 1, normal: 1, heavy: 1 } });
    for (let i = 0; i < 100; i++) expect(rl.check('a', 'ws', 'heavy').allow).toBe(true);
  });
});
