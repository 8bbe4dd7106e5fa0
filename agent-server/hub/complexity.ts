// Tier inference and routing as AgentCom does them: an explicit tier wins; otherwise keywords, word
// count and file hints give a tier. Routing: trivial → the sidecar's shell, standard → an Ollama
// endpoint, complex → Claude; standard falls back to Claude when no Ollama endpoint is known.

import type { Complexity, RoutingDecision, Tier } from './types.js';

const TRIVIAL_WORDS = ['typo', 'rename', 'bump', 'format', 'lint', 'comment', 'readme', 'version', 'echo', 'ls'];
const COMPLEX_WORDS = ['architecture', 'refactor', 'design', 'migrate', 'security', 'concurrency', 'distributed', 'performance', 'rewrite', 'investigate'];

export const TIERS: readonly Tier[] = ['trivial', 'standard', 'complex'];

export function inferTier(description: string, fileHints: readonly string[]): Complexity['inferred'] {
  const text = description.toLowerCase();
  const words = text.split(/\s+/).filter(Boolean);
  const trivialHits = TRIVIAL_WORDS.filter((w) => words.includes(w)).length;
  const complexHits = COMPLEX_WORDS.filter((w) => text.includes(w)).length;
  const signals = { word_count: words.length, trivial_keywords: trivialHits, complex_keywords: complexHits, file_hints: fileHints.length };
  let score = 0;
  score += complexHits * 2 - trivialHits * 2;
  if (words.length > 60) score += 2;
  else if (words.length > 20) score += 1;
  else if (words.length <= 6) score -= 1;
  if (fileHints.length > 3) score += 1;
  const tier: Tier = score >= 2 ? 'complex' : score <= -2 ? 'trivial' : 'standard';
  const confidence = Math.min(0.95, 0.5 + Math.abs(score) * 0.1);
  return { tier, confidence: Math.round(confidence * 100) / 100, signals };
}

export function buildComplexity(description: string, explicit: Tier | null, fileHints: readonly string[]): Complexity {
  const inferred = inferTier(description, fileHints);
  return {
    effective_tier: explicit ?? inferred.tier,
    explicit_tier: explicit,
    source: explicit ? 'explicit' : 'inferred',
    inferred,
  };
}

export interface RouteContext {
  /** Ollama endpoints known now: configured ones plus those the connected sidecars report. */
  ollamaEndpoints: readonly string[];
  ollamaModel: string;
  claudeModel: string;
  now: number;
}

export function route(complexity: Complexity, ctx: RouteContext): RoutingDecision {
  const tier = complexity.effective_tier;
  const base = {
    effective_tier: tier,
    fallback_used: false,
    fallback_from_tier: null,
    fallback_reason: null,
    classification_reason: `${complexity.source}:${tier}`,
    decided_at: ctx.now,
  };
  if (tier === 'trivial') {
    return { ...base, target_type: 'sidecar', selected_endpoint: null, selected_model: null, candidate_count: 1, estimated_cost_tier: 'free' };
  }
  if (tier === 'standard') {
    if (ctx.ollamaEndpoints.length > 0) {
      // Least recently chosen would need per-endpoint load, which AgentCom does not track; rotate.
      const pick = ctx.ollamaEndpoints[ctx.now % ctx.ollamaEndpoints.length];
      return {
        ...base,
        target_type: 'ollama',
        selected_endpoint: pick,
        selected_model: ctx.ollamaModel,
        candidate_count: ctx.ollamaEndpoints.length,
        estimated_cost_tier: 'local',
      };
    }
    return {
      ...base,
      effective_tier: 'complex',
      target_type: 'claude',
      selected_endpoint: null,
      selected_model: ctx.claudeModel,
      fallback_used: true,
      fallback_from_tier: 'standard',
      fallback_reason: 'no_healthy_ollama_endpoint',
      candidate_count: 0,
      estimated_cost_tier: 'api',
    };
  }
  return { ...base, target_type: 'claude', selected_endpoint: null, selected_model: ctx.claudeModel, candidate_count: 1, estimated_cost_tier: 'api' };
}
