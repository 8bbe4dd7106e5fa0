// How the fake agent echoes what it reads, as a terminal in cooked mode would: printable text as
// is, Enter as a new line, backspace erasing a cell. One input chunk becomes one output write, so
// a marker typed in one frame comes back in one piece. New lines are written as `\n`: the
// terminal's output processing (ONLCR, kept in Node's raw mode) turns them into CRLF.

export function echoFor(input: string): string {
  let out = '';
  for (let i = 0; i < input.length; i += 1) {
    const ch = input[i]!;
    const code = ch.charCodeAt(0);
    if (ch === '\r') {
      out += '\n';
      if (input[i + 1] === '\n') i += 1;
    } else if (ch === '\n') {
      out += '\n';
    } else if (code === 0x7f || code === 0x08) {
      out += '\b \b';
    } else if (code === 0x09 || code >= 0x20) {
      out += ch;
    }
    // Other control bytes (and escape sequences' ESC) are not echoed.
  }
  return out;
}
