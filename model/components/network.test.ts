import { describe, expect, it } from 'vitest';
import { Simulation } from '../../sim/index.js';
import { Link, meshWireBytes, wireBytes } from './network.js';
import { testConfig } from './test-config.js';

describe('wireBytes', () => {
  it('adds tunnel overhead per packet at the MTU', () => {
    // 1240 payload bytes per 1280-byte packet; 2 packets for 2000 bytes
    expect(wireBytes(2000, 1280, 80)).toBe(2000 + 2 * (40 + 80));
    expect(wireBytes(0, 1280, 80)).toBe(0);
  });

  it('adds nothing on a LAN mesh', () => {
    const config = testConfig({ network: { mesh: { kind: 'lan' } } }).network;
    expect(meshWireBytes(config, 5000)).toBe(5000);
  });
});

describe('Link', () => {
  it('takes transmission time plus half the round trip', () => {
    const sim = new Simulation();
    const link = new Link(sim, 'l', { bandwidth: 1000, rtt: 0.2 });
    let at = NaN;
    link.transfer(500, () => (at = sim.now));
    sim.run();
    expect(at).toBeCloseTo(0.6, 12);
  });

  it('shares bandwidth among transfers and with streams', () => {
    const sim = new Simulation();
    const link = new Link(sim, 'l', { bandwidth: 1000, rtt: 0 });
    link.addStream(500);
    const done: number[] = [];
    link.transfer(500, () => done.push(sim.now));
    link.transfer(500, () => done.push(sim.now));
    sim.run();
    // 500 B/s left, shared by two: 250 each → 2 s
    expect(done[0]).toBeCloseTo(2, 12);
    expect(done[1]).toBeCloseTo(2, 12);
    expect(link.bytes()).toBeCloseTo(1000 + 500 * 2, 6);
  });

  it('relayed mesh paths are slower than direct ones', () => {
    const config = testConfig().network.mesh;
    const sim = new Simulation();
    const direct = new Link(sim, 'mesh', config.direct);
    const relayed = new Link(sim, 'mesh.relay', config.relayed);
    const times: Record<string, number> = {};
    const payload = wireBytes(200_000, config.mtu, config.overheadPerPacket);
    direct.transfer(payload, () => (times.direct = sim.now));
    relayed.transfer(payload, () => (times.relayed = sim.now));
    sim.run();
    expect(times.relayed!).toBeGreaterThan(times.direct! * 10);
    expect(times.relayed!).toBeGreaterThan(config.relayed.rtt / 2 + payload / config.relayed.bandwidth - 1e-9);
  });
});
