// `echo`: each connection sends numbered text frames padded to --size; the target sends each
// frame back unchanged (any WebSocket echo server). The round trip is the time to the echo.

import type WebSocket from 'ws';
import { METRIC_NAMES } from '../../lib/index.js';
import { connectionPlan, myShare, socketDriver, type Driver, type RunContext } from '../context.js';
import type { ConnectionSlot } from '../timeline.js';
import { TimedSocket, urlFor } from './socket.js';

class EchoSocket extends TimedSocket {
  private readonly padding: string;

  constructor(ctx: RunContext, slot: ConnectionSlot) {
    super(ctx, slot, METRIC_NAMES.terminalRtt);
    this.padding = 'x'.repeat(Math.max(0, ctx.options.size - 12));
  }

  protected url(): string {
    return urlFor(this.ctx.options.url, this.slot.index);
  }

  protected sendFrame(ws: WebSocket, seq: number): number {
    const frame = `${seq} ${this.padding}`;
    ws.send(frame);
    return frame.length;
  }

  protected onFrame(data: string, now: number): void {
    const space = data.indexOf(' ');
    const seq = Number(space < 0 ? data : data.slice(0, space));
    if (Number.isInteger(seq)) this.complete(seq, now);
  }
}

export function startEcho(ctx: RunContext): Driver {
  return socketDriver(myShare(ctx, connectionPlan(ctx.options)).map((slot) => new EchoSocket(ctx, slot)));
}
