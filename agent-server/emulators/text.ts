// Deterministic stand-ins for model text: token counts from request text, and output text drawn
// word by word from a seeded random stream (one word is one token).

/** Characters per token for counting request text, the usual rule of thumb for English. */
export const CHARS_PER_TOKEN = 4;

export function countTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

const WORDS = (
  'the a of to and in is it for on that with as this by be are from at was an or not have but ' +
  'queue load token model agent fleet latency request stream server window tail rate limit slot ' +
  'scale cost memory cache batch throughput capacity retry backoff network socket hub terminal ' +
  'test build plan measure result report value check change file line function type error'
).split(' ');

/** FNV-1a over a string: stable across runs and machines, for naming per-request random streams. */
export function hashText(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export interface UniformSource {
  next(): number;
}

/** `count` tokens of text; each element is one token (a word with its leading space after the first). */
export function generateTokens(rng: UniformSource, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const word = WORDS[Math.floor(rng.next() * WORDS.length)]!;
    const sentenceStart = i === 0 || rng.next() < 0.08;
    const shaped = sentenceStart ? word[0]!.toUpperCase() + word.slice(1) : word;
    const stop = i === count - 1 || rng.next() < 0.08 ? '.' : '';
    out.push((i === 0 ? '' : ' ') + shaped + stop);
  }
  return out;
}

export function randomId(rng: UniformSource, length: number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < length; i++) id += alphabet[Math.floor(rng.next() * alphabet.length)];
  return id;
}
