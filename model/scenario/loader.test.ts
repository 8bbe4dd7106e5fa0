import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT, UserError } from '../../lib/index.js';
import { loadScenario } from './loader.js';
import { packageRoot } from './paths.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'agentscale-scenario-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

function write(text: string, name = `s${++counter}.yaml`): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The problem lines of a scenario that must fail, without the file name prefix. */
async function problems(text: string): Promise<string[]> {
  const file = write(text);
  try {
    await loadScenario(file);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(EXIT.usage);
    return (err as UserError).details.map((d) => d.replace(`${file}:`, '').replace(`${path.relative(process.cwd(), file)}:`, ''));
  }
  throw new Error('expected the scenario to be rejected');
}

const OK = `name: ok
horizon: 1h
warmup: 5m
replications: 2
fleet:
  - { name: box, count: 2, cpus: 8, ram: 16 GiB, agents: 3 }
`;

describe('scenario errors', () => {
  it('reports a YAML syntax error with its line and column', async () => {
    const lines = await problems('name: x\nfleet: [ { name: a\nhorizon: 2h\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^3:1: YAML: Flow (map|sequence) in block collection must be sufficiently indented/);
  });

  it('reports a unit error at the field, with expected and found', async () => {
    const lines = await problems('name: x\nhorizon: 1 hour\n');
    expect(lines).toEqual(['2:10: horizon: expected a duration such as 250us, 30ms, 2s, 5m, 8h or 1h30m, found "1 hour"']);
  });

  it('reports a bad whole number at its nested path', async () => {
    const lines = await problems(`name: x
fleet:
  - { name: a, agents: 2 }
  - name: b
    gpu: { model: rtx-4090 }
    ollama: { numParallel: two }
`);
    expect(lines).toEqual(['6:28: fleet[1].ollama.numParallel: expected a whole number ≥ 1, found "two"']);
  });

  it('rejects an unknown field with a did-you-mean, at the key', async () => {
    expect(await problems('name: x\nreplicatons: 3\n')).toEqual(['2:1: replicatons: unknown field "replicatons"; did you mean "replications"?']);
    expect(await problems('name: x\nhub:\n  store: { synWrite: 2ms }\n')).toEqual(['3:12: hub.store.synWrite: unknown field "synWrite"; did you mean "syncWrite"?']);
  });

  it('rejects an unknown field inside a distribution, and names the missing one', async () => {
    const lines = await problems('name: x\nworkload:\n  task:\n    toolTime: { dist: lognormal, mena: 20s, cv: 1.5 }\n');
    expect(lines).toContain('4:15: workload.task.toolTime.mean: expected a duration such as 250us, 30ms, 2s, 5m, 8h or 1h30m, found nothing (the field is missing)');
    expect(lines).toContain('4:34: workload.task.toolTime.mena: unknown field "mena"; did you mean "mean"?');
  });

  it('rejects an unknown distribution, choice or arrival type, listing the choices', async () => {
    const lines = await problems(`name: x
workload:
  arrival: { type: poison, rate: 3/h }
  task: { steps: { dist: lognorm, mean: 3, cv: 1 } }
deployment: { kind: alb }
`);
    expect(lines).toEqual([
      '3:20: workload.arrival.type: expected one of poisson, profile, closed, trace, found "poison"',
      '4:26: workload.task.steps.dist: expected one of constant, uniform, exponential, normal, lognormal, gamma, weibull, hyperexponential, erlang, pareto, empirical, categorical, found "lognorm"',
      '5:21: deployment.kind: expected one of local, ssh-tunnel, alb-wss, fargate, found "alb"',
    ]);
  });

  it('reports a mapping where a value belongs, and a value where a mapping belongs', async () => {
    const lines = await problems('name: x\nhub: 4\nhorizon: { a: 1 }\n');
    expect(lines).toContain('2:6: hub: expected a mapping of fields, found 4');
    expect(lines).toContain('3:10: horizon: expected a duration such as 250us, 30ms, 2s, 5m, 8h or 1h30m, found a mapping with a');
  });

  it('checks fields against each other: tiers, GPU and model tables, group names', async () => {
    expect(await problems('name: x\nworkload: { tiers: { trivial: 0.5, standard: 0.6 } }\n')).toEqual([
      '2:20: workload.tiers: expected tier shares that sum to 1, found 1.1',
    ]);
    const lines = await problems(`name: x
fleet:
  - { name: a, agents: 1, gpu: { model: h100, vram: 80 GiB } }
  - { name: a, agents: 1, gpu: { model: rtx-4090 }, ollama: { models: [mistral] } }
`);
    expect(lines).toEqual([
      expect.stringMatching(/^3:41: fleet\[0\]\.gpu\.model: expected a GPU model listed in gpus \(.*rtx-4090.*\), found "h100"$/),
      expect.stringMatching(/^4:13: fleet\[1\]\.name: expected a name not used by another group, found "a"/),
      expect.stringMatching(/^4:72: fleet\[1\]\.ollama\.models\[0\]: expected a model listed in models .*, found "mistral"$/),
    ]);
  });

  it('reports a missing field at its parent when there is no default for it', async () => {
    expect(await problems('name: x\nfleet:\n  - { name: a, agents: 1, gpu: { vram: 24 GiB } }\n')).toEqual([
      '3:32: fleet[0].gpu.model: expected a non-empty text, found nothing (the field is missing)',
    ]);
  });

  it('reports every problem of a file at once, in reading order', async () => {
    const lines = await problems(`name: x
horizon: 2 hours
replications: 0
network: { uplink: { bandwidth: 100 Mbit } }
claude: { limits: { rpm: -5 } }
`);
    expect(lines.map((l) => l.split(': ')[0])).toEqual(['2:10', '3:15', '4:33', '5:26']);
  });

  it('rejects a file that is not a mapping, and an unreadable file', async () => {
    expect(await problems('- a\n- b\n')).toEqual(['1:1: (top level): expected a mapping of scenario fields, found a list of 2']);
    await expect(loadScenario(path.join(dir, 'missing.yaml'))).rejects.toMatchObject({ exitCode: EXIT.usage, details: [expect.stringContaining('cannot read (ENOENT)')] });
  });

  it('locates a bad figure in a data file the scenario names', async () => {
    write('source: my lab\ndefaults:\n  hub: { cpus: lots }\n', 'bad-data.yaml');
    const lines = await problems('name: x\ndata: [bad-data.yaml]\n');
    expect(lines).toEqual([expect.stringMatching(/bad-data\.yaml:3:16: hub\.cpus: expected a number > 0, found "lots"$/)]);
    write('source: my lab\ndefualts: {}\n', 'bad-data2.yaml');
    expect(await problems('name: x\ndata: [bad-data2.yaml]\n')).toEqual([expect.stringMatching(/bad-data2\.yaml:2:1: defualts: unknown field "defualts"; did you mean "defaults"\?$/)]);
  });
});

describe('sweep errors', () => {
  it('rejects unknown sweep keys with a did-you-mean, bad values at the value, and bad indexes', async () => {
    const lines = await problems(`${OK}sweep:
  agentsPerMachin: [1, 2]
  agentsPerMachine: [1, 0.5]
  deployment: [local, elb]
  fleet[3].agents: [1]
  hub.store.mode: []
`);
    expect(lines).toEqual([
      '8:3: sweep.agentsPerMachin: unknown field agentsPerMachin; did you mean "agentsPerMachine"?',
      '9:25: fleet[0].agents: expected a whole number ≥ 0, found 0.5 (sweep agentsPerMachine)',
      '10:23: deployment.kind: expected one of local, ssh-tunnel, alb-wss, fargate, found "elb" (sweep deployment)',
      '11:3: sweep.fleet[3].agents: expected a fleet group index below 1, found 3',
      '12:19: sweep.hub.store.mode: expected a non-empty list of values, found a list of 0',
    ]);
  });

  it('rejects a sweep over a group of fields, and an alias with nothing to act on', async () => {
    const lines = await problems(`${OK}sweep:\n  hub.store: [1]\n  gpuMachines: [1, 2]\n`);
    expect(lines).toEqual([
      '8:3: sweep.hub.store: expected a path to a single number or choice, found hub.store (a group of fields)',
      '9:3: sweep.gpuMachines: expected a fleet with a group with a GPU, found none',
    ]);
  });

  it('checks combinations: a point without agents is rejected', async () => {
    const lines = await problems(`${OK}sweep:\n  machines: [0, 1]\n`);
    expect(lines).toEqual(['8:14: fleet: expected at least one agent in the fleet, found none (count × agents is 0 in every group) (sweep machines)']);
  });
});

describe('units, defaults and overrides', () => {
  it('parses every kind of unit into SI', async () => {
    const loaded = await loadScenario(
      write(`name: units
horizon: 1h30m
warmup: 250us
workload:
  arrival: { type: poisson, rate: 12/h }
  task: { terminalOutput: 12.5 MB/s, progressBytes: 4 KB, cacheReadFraction: 25% }
fleet:
  - { name: a, ram: 24 GiB, agents: 1 }
network: { uplink: { bandwidth: 100 Mbit/s, rtt: 30ms } }
claude: { outputRate: 3/s }
deployment: { reconnectsPerHour: 3/min }
`),
    );
    const c = loaded.base;
    expect(c.horizon).toBe(5400);
    expect(c.warmup).toBeCloseTo(250e-6, 12);
    expect(c.workload.arrival).toEqual({ type: 'poisson', rate: 12 / 3600 });
    expect(c.workload.task.terminalOutput).toBe(12.5e6);
    expect(c.workload.task.progressBytes).toBe(4000);
    expect(c.workload.task.cacheReadFraction).toBe(0.25);
    expect(c.fleet[0]!.ram).toBe(24 * 1024 ** 3);
    expect(c.network.uplink).toEqual({ bandwidth: 12.5e6, rtt: 0.03 });
    expect(c.claude.outputRate).toBe(3);
    expect(c.deployment.reconnectsPerHour).toBeCloseTo(180, 9);
  });

  it('parses a daily arrival profile, and wants its times in order', async () => {
    const loaded = await loadScenario(write('name: day\nworkload:\n  arrival: { type: profile, points: [{ at: 9h, rate: 30/h }, { at: 18h, rate: 2/h }] }\n'));
    expect(loaded.base.workload.arrival).toEqual({ type: 'profile', points: [{ at: 32400, rate: 30 / 3600 }, { at: 64800, rate: 2 / 3600 }] });
    expect(await problems('name: day\nworkload:\n  arrival: { type: profile, points: [{ at: 18h, rate: 30/h }, { at: 9h, rate: 2/h }] }\n')).toEqual([
      '3:69: workload.arrival.points[1].at: expected times in increasing order, found 9h after 18h',
    ]);
  });

  it('fills every field from the data files and records each defaulted figure with its source', async () => {
    const loaded = await loadScenario(write('name: bare\n'));
    const c = loaded.base;
    expect(c.replications).toBe(10);
    expect(c.hub.store.mode).toBe('fsync');
    expect(c.hub.store.writesPerTask).toBe(4);
    expect(c.claude.retry).toEqual({ maxRetries: 2, baseDelay: 0.5, maxDelay: 8, jitter: 0.25 });
    expect(c.fleet).toHaveLength(1);
    const byName = new Map(c.sources.map((s) => [s.name, s]));
    expect(byName.get('hub.store.writesPerTask')).toMatchObject({ value: 4, source: expect.stringContaining('AgentCom') });
    expect(byName.get('hub.store.writesPerTask')!.source).toContain('scenarios/data/hub.yaml');
    expect(byName.get('fleet[0].agentMemory')).toMatchObject({ value: '1 GiB' });
    expect(byName.has('name')).toBe(false);
  });

  it('lets the scenario override any figure, and then cites no source for it', async () => {
    const loaded = await loadScenario(write('name: o\nhub: { store: { writesPerTask: 6 } }\nclaude: { limits: { rpm: 50, itpm: 30000, otpm: 8000 } }\n'));
    expect(loaded.base.hub.store.writesPerTask).toBe(6);
    expect(loaded.base.hub.store.mode).toBe('fsync');
    expect(loaded.base.claude.limits).toEqual({ rpm: 50, itpm: 30000, otpm: 8000 });
    const names = loaded.base.sources.map((s) => s.name);
    expect(names).not.toContain('hub.store.writesPerTask');
    expect(names).toContain('hub.store.mode');
    expect(names.some((n) => n.startsWith('claude.limits'))).toBe(false);
  });

  it('replaces a distribution whole rather than mixing its parameters with the default', async () => {
    const loaded = await loadScenario(write('name: d\nworkload: { task: { toolTime: { dist: exponential, mean: 5s }, steps: 3 } }\n'));
    expect(loaded.base.workload.task.toolTime).toEqual({ kind: 'exponential', mean: 5 });
    expect(loaded.base.workload.task.steps).toEqual({ kind: 'constant', value: 3 });
  });

  it('gives GPU groups an Ollama server from the templates, with VRAM and context by GPU model', async () => {
    const loaded = await loadScenario(write('name: g\nfleet:\n  - { name: g, agents: 1, gpu: { model: t4 } }\n  - { name: h, agents: 1, gpu: { model: rtx-4090 }, ollama: { numParallel: 4 } }\n'));
    const [t4, big] = loaded.base.fleet;
    expect(t4!.gpu).toEqual({ model: 't4', vram: 16 * 1024 ** 3 });
    expect(t4!.ollama).toMatchObject({ numParallel: 1, maxQueue: 512, keepAlive: 300, numCtx: 4096, models: ['qwen2.5-coder-7b'] });
    expect(big!.ollama).toMatchObject({ numParallel: 4, numCtx: 32768 });
    expect(loaded.base.sources.find((s) => s.name === 'fleet[1].ollama.numParallel')).toBeUndefined();
    expect(loaded.base.sources.find((s) => s.name === 'fleet[0].ollama.numParallel')?.source).toContain('OLLAMA_NUM_PARALLEL');
  });

  it('applies a data file the scenario names after the bundled ones', async () => {
    write('source: our own measurements\ndate: 2026-10\ndefaults:\n  hub:\n    cpus: { value: 12, source: "our hub host" }\n    shards: 2\n', 'ours.yaml');
    const loaded = await loadScenario(write('name: own\ndata: [ours.yaml]\nhub: { shards: 3 }\n'));
    expect(loaded.base.hub.cpus).toBe(12);
    expect(loaded.base.hub.shards).toBe(3);
    expect(loaded.base.sources.find((s) => s.name === 'hub.cpus')).toMatchObject({ value: 12, source: expect.stringMatching(/^our hub host, 2026-10 \[.*ours\.yaml\]$/) });
  });

  it('resolves the pricing path against the scenario folder, then the package', async () => {
    const loaded = await loadScenario(write('name: p\n'));
    expect(path.isAbsolute(loaded.base.pricing)).toBe(true);
    expect(loaded.base.pricing.endsWith(path.join('scenarios', 'pricing', 'aws-us-east-1.yaml'))).toBe(true);
  });

  it('rejects a pricing file that does not exist', async () => {
    expect(await problems('name: p\npricing: prices/nowhere.yaml\n')).toEqual([
      '2:10: pricing: expected an existing pricing file, found "prices/nowhere.yaml" (looked beside the scenario and in the agentscale folder)',
    ]);
  });

  it('applies --seed and --replications over the file', async () => {
    const loaded = await loadScenario(write(OK), { seed: 99, replications: 7 });
    expect(loaded.base.seed).toBe(99);
    expect(loaded.points[0]!.config.replications).toBe(7);
  });
});

describe('sweep expansion', () => {
  it('expands the cartesian product, first key outermost, with ids and parameters', async () => {
    const loaded = await loadScenario(write(`${OK}sweep:\n  machines: [1, 4]\n  deployment: [alb-wss, ssh-tunnel, fargate]\n`));
    expect(loaded.points.map((p) => p.id)).toEqual([
      'machines=1,deployment=alb-wss',
      'machines=1,deployment=ssh-tunnel',
      'machines=1,deployment=fargate',
      'machines=4,deployment=alb-wss',
      'machines=4,deployment=ssh-tunnel',
      'machines=4,deployment=fargate',
    ]);
    const p = loaded.points[4]!;
    expect(p.parameters).toEqual({ machines: 4, deployment: 'ssh-tunnel' });
    expect(p.config.fleet[0]!.count).toBe(4);
    expect(p.config.deployment.kind).toBe('ssh-tunnel');
    expect(loaded.base.fleet[0]!.count).toBe(2);
  });

  it('maps aliases onto every matching group, and paths by index or group name', async () => {
    const loaded = await loadScenario(
      write(`name: a
fleet:
  - { name: cpu, agents: 2 }
  - { name: gpu, agents: 1, gpu: { model: rtx-4090 } }
sweep:
  agentsPerMachine: [3]
  gpuMachines: [5]
  numParallel: [2]
  fleet[cpu].cpus: [4]
  'gpus[rtx-4090][qwen2.5-coder-7b].prefillRate': [1000]
  arrivalRate: [30/h]
  uplink: [1 Gbit/s]
`),
    );
    expect(loaded.points).toHaveLength(1);
    const c = loaded.points[0]!.config;
    expect(c.fleet.map((g) => g.agents)).toEqual([3, 3]);
    expect(c.fleet.map((g) => g.count)).toEqual([1, 5]);
    expect(c.fleet[1]!.ollama!.numParallel).toBe(2);
    expect(c.fleet[0]!.cpus).toBe(4);
    expect(c.gpus['rtx-4090']!['qwen2.5-coder-7b']!.prefillRate).toBe(1000);
    expect(c.workload.arrival).toEqual({ type: 'poisson', rate: 30 / 3600 });
    expect(c.network.uplink.bandwidth).toBe(125e6);
    expect(loaded.points[0]!.parameters).toMatchObject({ arrivalRate: '30/h', uplink: '1 Gbit/s' });
  });

  it('sweeps fields the scenario leaves to the data files, keeping the rest of them', async () => {
    const loaded = await loadScenario(write('name: s\nsweep:\n  hubShards: [1, 2]\n  workload.task.toolTime.mean: [5s]\n'));
    expect(loaded.points.map((p) => p.config.hub.shards)).toEqual([1, 2]);
    expect(loaded.points[0]!.config.hub.cpus).toBe(loaded.base.hub.cpus);
    expect(loaded.points[0]!.config.workload.task.toolTime).toEqual({ kind: 'lognormal', mean: 5, cv: 1.5 });
  });

  it('has one point, "base", without a sweep', async () => {
    const loaded = await loadScenario(write(OK));
    expect(loaded.points.map((p) => [p.id, p.parameters])).toEqual([['base', {}]]);
  });
});

describe('the README', () => {
  it('documents a scenario with every block, and a data file, that both load', async () => {
    const readme = readFileSync(path.join(packageRoot(), 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('<!-- section:scenarios -->'), readme.indexOf('<!-- /section:scenarios -->'));
    const [example, dataFile] = section.split('```yaml\n').slice(1, 3).map((block) => block.split('```')[0]!);
    write(dataFile!, 'readme-data.yaml');
    const loaded = await loadScenario(write(example!.replace('data: [our-measurements.yaml]', 'data: [readme-data.yaml]')));
    expect(loaded.points).toHaveLength(20);
    for (const block of ['workload', 'fleet', 'hub', 'network', 'claude', 'routing', 'terminal', 'deployment', 'gpus', 'models', 'sweep', 'data']) {
      expect(example, block).toMatch(new RegExp(`^${block}:`, 'm'));
    }
    expect(loaded.base.hub.cpus).toBe(4);
    expect(loaded.base.sources.map((s) => s.name)).toContain('fleet[0].gpu.vram');
  });
});
