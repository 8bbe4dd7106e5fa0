// A client that stops reading must not stall the others for longer than the limit, nor make the
// server hold more than the high-water mark (plus one frame) for it.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAgentServer, type AgentServerHandle } from './server.js';
import { killServer } from './tmux.js';
import { fakeAgentArgv, privateTmuxSocket, RecordingClient } from './test-support.js';

const socket = privateTmuxSocket('flow');
const highWaterBytes = 32 * 1024;
let server: AgentServerHandle;

beforeAll(async () => {
  server = await startAgentServer({
    port: 0,
    tmuxSocket: socket,
    sessionName: 'busy',
    command: fakeAgentArgv('--seed', '9', '--rate', '2MB/s', '--tick', '10ms', '--line-length', '900'),
    highWaterBytes,
    slowClientTimeoutMs: 1000,
    historyLines: 10,
    graceMs: 100,
    log: () => undefined,
  });
}, 90_000);
afterAll(async () => {
  await server.close();
  await killServer({ socket });
}, 90_000);

it('cuts off a client that stops reading while memory stays bounded and others keep receiving', async () => {
  const healthy = new RecordingClient(server.url);
  const slow = new RecordingClient(server.url);
  await Promise.all([healthy, slow].map((c) => c.waitFor(() => c.historyComplete, 'history-complete')));
  // A large screen of long lines: whether tmux streams every line or (when its reader falls
  // behind) redraws whole screens, each update is big, so the slow client's kernel buffers fill
  // within seconds even on a loaded machine.
  healthy.send(JSON.stringify({ type: 'resize', cols: 1000, rows: 300 }));
  // Stop reading: the kernel buffers fill, then the server's send buffer for this client grows.
  (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();

  await healthy.waitFor(() => server.metrics.slowClientDisconnects >= 1, 'the slow client to be cut off', 75_000);
  expect(server.metrics.slowClientDisconnects).toBe(1);
  expect(server.metrics.ptyPauses).toBeGreaterThanOrEqual(1);
  // Bounded memory: reading stopped once the client passed the mark, so it never held more
  // than the mark plus the frame that crossed it.
  expect(server.metrics.maxClientPendingBytes).toBeGreaterThan(highWaterBytes);
  expect(server.metrics.maxClientPendingBytes).toBeLessThanOrEqual(highWaterBytes + server.metrics.largestFrameOut);
  const stats = server.stats().sessions.find((s) => s.name === 'busy')!;
  expect(stats.clients).toHaveLength(1);

  // The healthy client still gets fresh output. (At this output rate tmux renders screens, not
  // every line, so an echoed marker may scroll away unseen: count bytes instead.)
  const before = healthy.live.length;
  await healthy.waitFor(() => healthy.live.length > before + 100_000, '100 KB more output after the cut-off');
  expect(healthy.closeCode).toBeUndefined();
  healthy.ws.terminate();
  slow.ws.terminate();
}, 90_000);
