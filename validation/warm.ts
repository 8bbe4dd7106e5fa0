// Starting a terminal level's sessions before the load: one client per session creates its tmux
// session (the fake agent starts), waits for output, and leaves; the session keeps running.

import { WebSocket } from 'ws';

export async function warmSessions(port: number, sessions: number, timeoutMs = 20_000): Promise<void> {
  await Promise.all(
    Array.from({ length: sessions }, (_, i) => {
      return new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/term?name=s${i}`);
        const timer = setTimeout(() => (ws.terminate(), reject(new Error(`session s${i} gave no output within ${timeoutMs / 1000} s`))), timeoutMs);
        let ready = false;
        ws.once('open', () => ws.send(JSON.stringify({ type: 'resize', cols: 200, rows: 50 })));
        ws.on('message', (data: Buffer) => {
          if (!ready) {
            ready = data.toString('utf8').includes('"history-complete"');
            return;
          }
          clearTimeout(timer);
          ws.close();
          resolve();
        });
        ws.once('error', (err) => (clearTimeout(timer), reject(err)));
      });
    }),
  );
}
