// A generator child process: runs its share of the load and sends back what it measured.
// Messages from the parent: {type:'run', options, share, runId, startIn} and {type:'abort'}.

import type { LoadOptions } from './options.js';
import { runShare } from './run.js';

interface RunMessage {
  type: 'run';
  options: LoadOptions;
  share: { index: number; count: number };
  runId: string;
  startIn: number;
}

const abort = new AbortController();

process.on('message', (msg: RunMessage | { type: 'abort' }) => {
  if (msg.type === 'abort') {
    abort.abort();
    return;
  }
  runShare(msg.options, msg.share, {
    signal: abort.signal,
    runId: msg.runId,
    startIn: msg.startIn,
    onProgress: (snapshot) => process.send?.({ type: 'progress', snapshot }),
  }).then(
    (share) => process.send?.({ type: 'done', share }, undefined, {}, () => process.exit(0)),
    (err: unknown) =>
      process.send?.(
        { type: 'error', message: err instanceof Error ? err.message : String(err), exitCode: (err as { exitCode?: number }).exitCode },
        undefined,
        {},
        () => process.exit(1),
      ),
  );
});
// Interrupts go to the parent, which tells the workers to stop.
process.on('SIGINT', () => undefined);
