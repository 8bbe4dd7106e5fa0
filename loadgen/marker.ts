// Unique markers carried in terminal input and found again in terminal output. Output frames
// may split a marker, and a real terminal may wrap it in escape sequences, so each connection
// scans a small rolling buffer with escape sequences removed.

/** CSI and OSC sequences, and lone two-byte escapes. */
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export function stripEscapes(text: string): string {
  return text.includes('\x1b') ? text.replace(ESCAPES, '') : text;
}

/** `~L<run>_<session>_<seq>~`: ASCII a shell and a terminal pass through unchanged. */
export function markerPrefix(runId: string, session: number): string {
  return `~L${runId}_${session.toString(36)}_`;
}

export function marker(prefix: string, seq: number): string {
  return `${prefix}${seq.toString(36)}~`;
}

/** Bytes of raw output kept between frames: longer than any marker with escapes around it. */
const TAIL = 96;

export class MarkerScanner {
  private tail = '';

  constructor(private readonly prefix: string) {}

  /** Returns the sequence numbers of the markers found in this frame (possibly with repeats from the tail). */
  scan(frame: string): number[] {
    const raw = this.tail + frame;
    this.tail = raw.length > TAIL ? raw.slice(raw.length - TAIL) : raw;
    const text = stripEscapes(raw);
    const found: number[] = [];
    let at = text.indexOf(this.prefix);
    while (at >= 0) {
      const start = at + this.prefix.length;
      const end = text.indexOf('~', start);
      if (end < 0) break;
      const digits = text.slice(start, end);
      if (/^[0-9a-z]{1,12}$/.test(digits)) found.push(parseInt(digits, 36));
      at = text.indexOf(this.prefix, end);
    }
    return found;
  }
}
