import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeResultsDocument } from '../../lib/index.js';
import { loadPricing } from '../../model/index.js';
import { syntheticMeasured, syntheticSimulated } from '../../reports/testing/synthetic-results.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli/main.js');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT });

describe('agentscale report', () => {
  it('rebuilds the report and its CSV files from simulated and measured documents', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'report-cli-'));
    const pricing = loadPricing(path.join(ROOT, 'scenarios/pricing/aws-us-east-1.yaml'));
    await writeResultsDocument(path.join(dir, 'sim.json'), syntheticSimulated({ pricing }));
    await writeResultsDocument(path.join(dir, 'load.json'), syntheticMeasured());
    const out = path.join(dir, 'out', 'fleet.html');
    const r = run(['report', path.join(dir, 'sim.json'), '--measured', path.join(dir, 'load.json'), '--seed-table', '--latency-target', '45m', '--out', out]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Recommendation: /);
    expect(r.stdout).toContain('p95 ≤ 45m');
    expect(r.stdout).toMatch(/Cost a month at machines=8,agentsPerMachine=8 \(64 agents\):\ndeployment +fixed\/month/);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('id="predicted"');
    expect(html).toContain('id="seed-table"');
    for (const t of ['points', 'resources', 'costs', 'usl']) {
      expect(existsSync(path.join(dir, 'out', `fleet.${t}.csv`))).toBe(true);
      expect(html).toContain(`href="fleet.${t}.csv"`);
    }
    expect(readFileSync(path.join(dir, 'out', 'fleet.costs.csv'), 'utf8').split('\n')[0]).toBe('document,point,agents,deployment,item,kind,quantity,unit,unitPriceUsd,monthlyUsd,source');
  });

  it('names the file and field of a bad document, exits 2 and writes nothing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'report-cli-'));
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ schema: 'agentscale/results', version: 1, kind: 'simulated' }));
    const out = path.join(dir, 'r.html');
    const r = run(['report', bad, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${bad}: not an agentscale results document`);
    expect(r.stderr).toMatch(/bad\.json: points: /);
    expect(existsSync(out)).toBe(false);
    const badTarget = run(['report', bad, '--latency-target', 'soon', '--out', out]);
    expect(badTarget.status).toBe(2);
  });
});
