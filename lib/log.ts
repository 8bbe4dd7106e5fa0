// Messages for people go to stderr so stdout stays clean for --json output.

let quiet = false;

export function setQuiet(value: boolean): void {
  quiet = value;
}

export function info(message: string): void {
  if (!quiet) process.stderr.write(`${message}\n`);
}

export function warn(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

/** True when stderr is an interactive terminal, where a live progress line may redraw itself. */
function isInteractive(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI;
}

/** A progress line that redraws in place on a terminal and prints plain lines at most every `everyMs` otherwise. */
export function progressLine(everyMs = 10_000): { update(text: string): void; done(text?: string): void } {
  const tty = isInteractive();
  let last = 0;
  return {
    update(text: string) {
      if (quiet) return;
      if (tty) process.stderr.write(`\r\x1b[K${text}`);
      else if (Date.now() - last >= everyMs) {
        last = Date.now();
        process.stderr.write(`${text}\n`);
      }
    },
    done(text?: string) {
      if (quiet) return;
      if (tty) process.stderr.write('\r\x1b[K');
      if (text) process.stderr.write(`${text}\n`);
    },
  };
}
