import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { MAX_REMEASURES, measureUnstolen, parseProcStat, readCpuTicks, STEAL_LIMIT, stolenFraction, waitForQuiet, type RemeasuredRun } from './steal.js';

// Two readings of /proc/stat one second apart on a 2-core guest: core 1 lost 5 of its 100 ticks.
const BEFORE = `cpu  300 0 100 1500 10 0 5 6 0 0
cpu0 150 0 50 750 5 0 2 3 0 0
cpu1 150 0 50 750 5 0 3 3 0 0
intr 12345 0 0
ctxt 999`;
const AFTER = `cpu  330 0 110 1655 10 0 5 14 0 0
cpu0 165 0 55 827 5 0 2 6 0 0
cpu1 165 0 55 825 5 0 3 8 0 0
intr 12400 0 0`;

describe('steal', () => {
  it('reads each core from /proc/stat, without the all-core line', () => {
    const ticks = parseProcStat(BEFORE);
    expect([...ticks.keys()]).toEqual(['0', '1']);
    expect(ticks.get('1')).toEqual({ steal: 3, total: 150 + 50 + 750 + 5 + 3 + 3 });
  });

  it('gives the worst core among those named, every core when none is', () => {
    const [a, b] = [parseProcStat(BEFORE), parseProcStat(AFTER)];
    expect(stolenFraction(a, b, ['0'])).toBeCloseTo(3 / 100, 12);
    expect(stolenFraction(a, b, ['1'])).toBeCloseTo(5 / 100, 12);
    expect(stolenFraction(a, b)).toBeCloseTo(5 / 100, 12);
    expect(stolenFraction(a, b, ['7'])).toBeNull();
  });

  it("reads this machine's cores", () => {
    expect(readCpuTicks().size).toBe(os.cpus().length);
  });

  it('measures a run again while too much was stolen, after waiting for quiet, and lists each set aside', async () => {
    const say: string[] = [];
    const remeasured: RemeasuredRun[] = [];
    let quiets = 0;
    const steals = [STEAL_LIMIT * 3, STEAL_LIMIT / 2, STEAL_LIMIT * 5];
    const got = await measureUnstolen('level-1.run-1', async () => ({ steal: steals.shift()! }), remeasured, (l) => say.push(l), undefined, async () => void quiets++);
    expect(got.steal).toBe(STEAL_LIMIT / 2);
    expect(quiets).toBe(1);
    expect(remeasured).toEqual([{ run: 'level-1.run-1', steal: STEAL_LIMIT * 3 }]);
    expect(say[0]).toMatch(/^level-1\.run-1: the hypervisor took .* measuring it again$/);
    expect((await measureUnstolen('echo.run-1', async () => ({ steal: null }), remeasured, () => {})).steal).toBeNull();
    expect(remeasured).toHaveLength(1);
  });

  it('keeps the least stolen when every measurement was stolen from, its files back in place', async () => {
    const remeasured: RemeasuredRun[] = [];
    const files: string[] = [];
    const moves: string[] = [];
    const steals = [0.02, 0.01, 0.05];
    let calls = 0;
    const kept = await measureUnstolen('pace.run-2', async () => ({ steal: steals[calls]!, n: ++calls }), remeasured, () => {}, {
      setAside: async (attempt) => (files.push(`pace.run-2.stolen-${attempt + 1}`), `levels/pace.run-2.stolen-${attempt + 1}.json`),
      restore: async (where) => void moves.push(where),
    });
    expect(calls).toBe(1 + MAX_REMEASURES);
    expect(kept).toEqual({ steal: 0.01, n: 2 });
    expect(files).toHaveLength(1 + MAX_REMEASURES);
    expect(moves).toEqual(['levels/pace.run-2.stolen-2.json']);
    // The one kept is no longer listed as set aside.
    expect(remeasured.map((x) => x.steal)).toEqual([0.02, 0.05]);
  });

  it('waits for a quiet window, or until told to stop', async () => {
    await expect(waitForQuiet(['0'], 50, 300)).resolves.toBeUndefined();
  });
});
