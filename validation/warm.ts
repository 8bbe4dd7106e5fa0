// Starting a terminal level's sessions before the load: one client per session creates its tmux
// session (the fake agent starts), waits for output, types for a while, and leaves; the session
// keeps running. The typing matters: a freshly started agent process stalls its echo for tens of
// milliseconds now and then while its runtime settles (compiling, first collections), and four
// agents started together stall together (measured: round trips up to 130 ms in the first
// seconds, none above 26 ms after ten seconds of typing). Agents of a working fleet are past that.

import { WebSocket } from 'ws';

/** Keys a second typed into each session while it warms. */
const WARM_KEYS_PER_SECOND = 10;

/** The sessions named `names` on the server at `port`, started and, for `typingMs`, typed into. */
export async function warmSessions(port: number, names: readonly string[], typingMs = 0, timeoutMs = 20_000): Promise<void> {
  await Promise.all(
    names.map(
      (name) =>
        new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/term?name=${encodeURIComponent(name)}`);
          const timer = setTimeout(() => (ws.terminate(), reject(new Error(`session ${name} gave no output within ${timeoutMs / 1000} s`))), timeoutMs);
          let ready = false;
          let typing = false;
          const type = (): void => {
            typing = true;
            const key = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: 'input', data: '.\r' })), 1000 / WARM_KEYS_PER_SECOND);
            setTimeout(() => (clearInterval(key), ws.close(), resolve()), typingMs);
          };
          ws.once('open', () => ws.send(JSON.stringify({ type: 'resize', cols: 200, rows: 50 })));
          ws.on('message', (data: Buffer) => {
            if (!ready) {
              ready = data.toString('utf8').includes('"history-complete"');
              return;
            }
            if (typing) return;
            clearTimeout(timer);
            if (typingMs > 0) type();
            else (ws.close(), resolve());
          });
          ws.once('error', (err) => (clearTimeout(timer), reject(err)));
        }),
    ),
  );
}
