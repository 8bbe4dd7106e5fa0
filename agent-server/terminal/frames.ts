// What a client frame means. The rule that fixes the reference server's defect: only a JSON object
// whose `type` is one we know is a command; everything else (the text `7`, `[1]`, `"x"`, broken
// JSON, binary data) is terminal input written to the PTY exactly as received.

export const MAX_COLS = 1000;
export const MAX_ROWS = 500;

export type ClientFrame =
  | { kind: 'input'; data: string }
  | { kind: 'resize'; cols: number; rows: number }
  | { kind: 'ping' }
  | { kind: 'auth'; token: string }
  | { kind: 'raw'; data: string | Buffer }
  | { kind: 'invalid'; reason: string };

const KNOWN_TYPES = new Set(['input', 'resize', 'ping', 'auth']);

function isDimension(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max;
}

export function classifyFrame(data: Buffer, isBinary: boolean): ClientFrame {
  if (isBinary) return { kind: 'raw', data };
  const text = data.toString('utf8');
  // Cheap test first: only text that starts like an object can be a command.
  if (!text.startsWith('{')) return { kind: 'raw', data: text };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'raw', data: text };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { kind: 'raw', data: text };
  const message = parsed as Record<string, unknown>;
  const type = message.type;
  if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) return { kind: 'raw', data: text };
  switch (type) {
    case 'input':
      return typeof message.data === 'string'
        ? { kind: 'input', data: message.data }
        : { kind: 'invalid', reason: 'input' };
    case 'resize':
      return isDimension(message.cols, MAX_COLS) && isDimension(message.rows, MAX_ROWS)
        ? { kind: 'resize', cols: message.cols, rows: message.rows }
        : { kind: 'invalid', reason: 'resize' };
    case 'ping':
      return { kind: 'ping' };
    default:
      return typeof message.token === 'string'
        ? { kind: 'auth', token: message.token }
        : { kind: 'invalid', reason: 'auth' };
  }
}
