// Network links: bandwidth shared by the transfers in flight (processor sharing) plus a
// propagation delay. A fluid load (dashboard streams) takes its share of the bandwidth while it
// lasts, so discrete transfers (Claude requests, Ollama prompts) slow down under it.
//
// The Tailscale mesh wraps every packet (IPv6 40 + UDP 8 + WireGuard 32 = 80 bytes) inside a
// 1280-byte TUN MTU; `wireBytes` turns a payload into bytes on the wire. Relayed (DERP) paths
// have their own round trip and a capped bandwidth.

import type { Simulation } from '../../sim/index.js';
import type { LinkConfig, NetworkConfig } from '../config.js';
import { SharingServer } from './sharing.js';

/** Inner IPv4 + TCP headers inside each tunnelled packet. */
export const INNER_HEADERS = 40;

/** Bytes on the wire for `payload` bytes sent through a tunnel with this MTU and per-packet overhead. */
export function wireBytes(payload: number, mtu: number, overheadPerPacket: number): number {
  if (payload <= 0) return 0;
  const perPacket = Math.max(1, mtu - INNER_HEADERS);
  const packets = Math.ceil(payload / perPacket);
  return payload + packets * (INNER_HEADERS + overheadPerPacket);
}

export class Link {
  readonly server: SharingServer;
  private bytesCarried = 0;
  private since: number;

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    readonly config: LinkConfig,
    /** Paths sharing this link; each transfer is capped at one path's bandwidth. */
    paths = 1,
  ) {
    this.server = new SharingServer(sim, { servers: paths, rate: config.bandwidth });
    this.since = sim.now;
  }

  /** Send `bytes` one way: transmission (shared) then half the round trip; `done` on arrival. */
  transfer(bytes: number, done: () => void): void {
    this.bytesCarried += bytes;
    const oneWay = this.config.rtt / 2;
    if (bytes <= 0) {
      this.sim.schedule(oneWay, done);
      return;
    }
    this.server.serve(bytes, oneWay > 0 ? () => this.sim.schedule(oneWay, done) : done);
  }

  /** Add or remove a steady stream, bytes per second. */
  addStream(bytesPerSecond: number): void {
    this.server.addBackground(bytesPerSecond);
  }

  /** One-way delay of a small message of `bytes` sent now (for latency probes). */
  oneWayDelay(bytes: number): number {
    return this.config.rtt / 2 + bytes / this.server.rateForNewJob();
  }

  /** Bytes carried since the last reset: discrete transfers plus streams. */
  bytes(): number {
    return this.bytesCarried + this.server.meanBackground() * (this.sim.now - this.since);
  }

  resetStats(): void {
    this.server.resetStats();
    this.bytesCarried = 0;
    this.since = this.sim.now;
  }
}

/** The site's links: the uplink, the mesh's direct paths (one per machine) and its relay. */
export interface SiteNetwork {
  uplink: Link;
  meshDirect: Link;
  meshRelay: Link;
  config: NetworkConfig;
}

export function buildNetwork(sim: Simulation, config: NetworkConfig, machines: number, relayedMachines: number): SiteNetwork {
  return {
    uplink: new Link(sim, 'uplink', config.uplink),
    meshDirect: new Link(sim, 'mesh', config.mesh.direct, Math.max(1, machines)),
    meshRelay: new Link(sim, 'mesh.relay', config.mesh.relayed, Math.max(1, relayedMachines)),
    config,
  };
}

/** Payload bytes on the mesh become wire bytes (a LAN adds no tunnel overhead). */
export function meshWireBytes(config: NetworkConfig, payload: number): number {
  if (config.mesh.kind === 'lan') return payload;
  return wireBytes(payload, config.mesh.mtu, config.mesh.overheadPerPacket);
}
