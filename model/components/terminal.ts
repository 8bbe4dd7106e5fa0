// The agent's terminal server (one per agent, the AI Maestro agent-server pattern): one PTY
// whose output is broadcast to every watcher as WebSocket text frames. Its cost is CPU per
// frame delivered and per byte delivered, for each watcher.
//
// Terminal output is a steady stream while an agent works, so the model treats it as a fluid:
// CPU-seconds and bytes per second added to the machine and the links from the moment a task
// starts until it ends, rather than an event per frame. Delivery latency is sampled by probe
// frames (see deployment.ts). The same holds for the server's cost at rest per watched session
// and for tmux and the agent's process, which share the machine's CPU with the fan-out.

import type { TerminalServerConfig } from '../config.js';

/** WebSocket frame header from server to client (2 bytes, 4 more past 125 bytes of payload). */
export const WS_FRAME_HEADER = 4;
/** A TLS record's header, MAC and padding (wss://). */
export const TLS_RECORD_OVERHEAD = 29;

/** Frames per second a stream of `bytesPerSecond` makes, at the PTY's read size. */
export function framesPerSecond(terminal: TerminalServerConfig, bytesPerSecond: number): number {
  return terminal.frameBytes > 0 ? bytesPerSecond / terminal.frameBytes : 0;
}

/** CPU-seconds per second to send one stream to `watchers` watchers. */
export function fanoutCpu(terminal: TerminalServerConfig, bytesPerSecond: number, watchers: number): number {
  return watchers * (framesPerSecond(terminal, bytesPerSecond) * terminal.cpuPerFrame + bytesPerSecond * terminal.cpuPerByte);
}

/** CPU-seconds to send one frame to one watcher. */
export function frameCpu(terminal: TerminalServerConfig): number {
  return terminal.cpuPerFrame + terminal.frameBytes * terminal.cpuPerByte;
}

/** Bytes on the wire per second for one watcher's stream (WebSocket framing, and TLS when secure). */
export function wireRate(terminal: TerminalServerConfig, bytesPerSecond: number, tls: boolean): number {
  const perFrame = WS_FRAME_HEADER + (tls ? TLS_RECORD_OVERHEAD : 0);
  return bytesPerSecond + framesPerSecond(terminal, bytesPerSecond) * perFrame;
}

/**
 * CPU-seconds per second one working session's tmux and agent process take on the agent's
 * machine (the terminal's producer side, whether or not anyone watches).
 */
export function tmuxCpu(terminal: TerminalServerConfig, bytesPerSecond: number): number {
  return Math.max(0, terminal.tmuxCpuAtRestPerSession ?? 0) + Math.max(0, bytesPerSecond) * Math.max(0, terminal.tmuxCpuPerByte ?? 0);
}

/** CPU-seconds per second the terminal server spends on one watched session besides its watchers. */
export function serverCpuAtRest(terminal: TerminalServerConfig, watchers: number): number {
  return watchers > 0 ? Math.max(0, terminal.cpuAtRestPerSession ?? 0) : 0;
}
