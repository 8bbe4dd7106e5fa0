// Validation of a Messages API request body, with the API's wording for what is wrong.

import { countTokens } from '../text.js';

export interface MessagesRequest {
  model: string;
  maxTokens: number;
  stream: boolean;
  /** Input tokens counted from the system prompt and every message's text. */
  inputTokens: number;
}

export type Parsed = { ok: true; request: MessagesRequest } | { ok: false; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text of a content field: a string, or an array of blocks whose text blocks are counted. */
function contentText(content: unknown, where: string): string | { error: string } {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return { error: `${where}: Input should be a valid string or list of content blocks` };
  let text = '';
  for (const [i, block] of content.entries()) {
    if (!isRecord(block) || typeof block.type !== 'string') {
      return { error: `${where}.${i}.type: Field required` };
    }
    if (block.type === 'text') {
      if (typeof block.text !== 'string') return { error: `${where}.${i}.text: Field required` };
      text += block.text;
    } else {
      // Images, tool results and the like: counted by their JSON size.
      text += JSON.stringify(block);
    }
  }
  return text;
}

export function parseMessagesRequest(body: unknown, maxTokensLimit: number): Parsed {
  const fail = (message: string): Parsed => ({ ok: false, message });
  if (!isRecord(body)) return fail('body: Input should be a valid dictionary');
  if (typeof body.model !== 'string' || body.model === '') return fail('model: Field required');
  if (body.max_tokens === undefined) return fail('max_tokens: Field required');
  if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens)) {
    return fail('max_tokens: Input should be a valid integer');
  }
  if (body.max_tokens < 1) return fail('max_tokens: Input should be greater than or equal to 1');
  if (body.max_tokens > maxTokensLimit) {
    return fail(`max_tokens: ${body.max_tokens} > ${maxTokensLimit}, which is the maximum allowed number of output tokens for ${body.model}`);
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean') return fail('stream: Input should be a valid boolean');
  if (body.temperature !== undefined && !(typeof body.temperature === 'number' && body.temperature >= 0 && body.temperature <= 1)) {
    return fail('temperature: Input should be less than or equal to 1');
  }
  if (!Array.isArray(body.messages)) return fail('messages: Field required');
  if (body.messages.length === 0) return fail('messages: at least one message is required');
  let text = '';
  if (body.system !== undefined) {
    const system = contentText(body.system, 'system');
    if (typeof system !== 'string') return fail(system.error);
    text += system;
  }
  for (const [i, message] of body.messages.entries()) {
    if (!isRecord(message)) return fail(`messages.${i}: Input should be a valid dictionary`);
    if (message.role !== 'user' && message.role !== 'assistant') {
      return fail(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    }
    if (i === 0 && message.role !== 'user') return fail('messages: first message must use the "user" role');
    const content = contentText(message.content, `messages.${i}.content`);
    if (typeof content !== 'string') return fail(content.error);
    text += content;
  }
  return {
    ok: true,
    request: {
      model: body.model,
      maxTokens: body.max_tokens,
      stream: body.stream === true,
      inputTokens: Math.max(1, countTokens(text)),
    },
  };
}
