// Validation of /api/generate and /api/chat bodies, with Ollama's error wording where it has one.

import { parseDuration } from '../../../lib/index.js';

export interface InferenceRequest {
  model: string;
  /** All prompt text: system, prompt or every message's content. */
  promptText: string;
  /** No prompt and no messages: a request to load (or, with keep_alive 0, unload) the model. */
  loadOnly: boolean;
  stream: boolean;
  /** Idle seconds before unloading; undefined when the request does not say. */
  keepAlive: number | undefined;
  /** options.num_predict when positive. */
  numPredict: number | undefined;
}

export type ParsedInference = { ok: true; request: InferenceRequest } | { ok: false; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** keep_alive as Ollama takes it: seconds as a number, or a duration such as "5m"; negative = forever. */
export function parseKeepAlive(value: unknown): number | undefined | { error: string } {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value < 0 ? Infinity : value;
  if (typeof value !== 'string') return { error: 'keep_alive: expected a number of seconds or a duration string' };
  const text = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) {
    const seconds = Number(text);
    return seconds < 0 ? Infinity : seconds;
  }
  const negative = text.startsWith('-');
  try {
    const seconds = parseDuration(negative ? text.slice(1) : text);
    return negative ? Infinity : seconds;
  } catch {
    return { error: `time: invalid duration "${value}"` };
  }
}

export function parseInference(body: unknown, kind: 'generate' | 'chat'): ParsedInference {
  const fail = (message: string): ParsedInference => ({ ok: false, message });
  if (!isRecord(body)) return fail('invalid request body: expected a JSON object');
  if (typeof body.model !== 'string' || body.model === '') return fail('model is required');
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    return fail('stream: expected true or false');
  }
  const keepAlive = parseKeepAlive(body.keep_alive);
  if (typeof keepAlive === 'object') return fail(keepAlive.error);
  let numPredict: number | undefined;
  if (body.options !== undefined && body.options !== null) {
    if (!isRecord(body.options)) return fail('options: expected an object');
    const np = body.options.num_predict;
    if (np !== undefined && np !== null) {
      if (typeof np !== 'number' || !Number.isInteger(np)) return fail('options.num_predict: expected an integer');
      if (np > 0) numPredict = np;
    }
  }
  let promptText = '';
  let loadOnly: boolean;
  if (kind === 'generate') {
    if (body.prompt !== undefined && typeof body.prompt !== 'string') return fail('prompt: expected a string');
    if (body.system !== undefined && typeof body.system !== 'string') return fail('system: expected a string');
    promptText = (body.system ?? '') + (body.prompt ?? '');
    loadOnly = !body.prompt;
  } else {
    if (body.messages !== undefined && body.messages !== null && !Array.isArray(body.messages)) {
      return fail('messages: expected an array');
    }
    const messages = (body.messages ?? []) as unknown[];
    for (const [i, m] of messages.entries()) {
      if (!isRecord(m)) return fail(`messages[${i}]: expected an object`);
      if (typeof m.role !== 'string' || !['system', 'user', 'assistant', 'tool'].includes(m.role)) {
        return fail(`messages[${i}].role: expected system, user, assistant or tool`);
      }
      if (m.content !== undefined && typeof m.content !== 'string') return fail(`messages[${i}].content: expected a string`);
      promptText += m.content ?? '';
    }
    loadOnly = messages.length === 0;
  }
  return {
    ok: true,
    request: {
      model: body.model,
      promptText,
      loadOnly,
      stream: body.stream !== false,
      keepAlive,
      numPredict,
    },
  };
}
