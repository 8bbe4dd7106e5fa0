// Turning settings written by people (command-line flags or a YAML file, quantities with their
// units) into emulator options in SI units. Settings a user left out take the defaults of
// defaults.ts; flags given on the command line override the file.

import { parseDuration, parseFraction, parseRate, parseSize } from '../../lib/index.js';
import { CLAUDE_DEFAULTS, OLLAMA_DEFAULTS, defaultNumCtx } from './defaults.js';
import type { ClaudeEmulatorOptions, LocalModelConfig, ModelOnGpu, OllamaEmulatorOptions } from './options.js';
import { parseCurve } from './ollama/curve.js';

export type Settings = Record<string, unknown>;

export class SettingError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** Accepts camelCase and kebab-case keys alike; later sources win. */
export function mergeSettings(...sources: (Settings | undefined)[]): Settings {
  const out: Settings = {};
  for (const source of sources) {
    if (!source) continue;
    for (const [key, value] of Object.entries(source)) {
      if (value === undefined) continue;
      out[key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = value;
    }
  }
  return out;
}

function field<T>(settings: Settings, name: string, fallback: T, parse: (value: string | number) => T): T {
  const value = settings[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' && typeof value !== 'number') throw new SettingError(name, 'expected a value, found ' + typeof value);
  try {
    return parse(value);
  } catch (err) {
    throw new SettingError(name, (err as Error).message);
  }
}

function count(min: number) {
  return (value: string | number): number => {
    const n = typeof value === 'number' ? value : Number(value.trim());
    if (!Number.isInteger(n) || n < min) throw new Error(`expected a whole number >= ${min}, found ${JSON.stringify(value)}`);
    return n;
  };
}

function positive(value: string | number): number {
  const n = typeof value === 'number' ? value : Number(value.trim());
  if (!(n > 0) || !Number.isFinite(n)) throw new Error(`expected a positive number, found ${JSON.stringify(value)}`);
  return n;
}

function text(value: string | number): string {
  return String(value);
}

/** A rate as `55/s`, or a bare number of tokens per second. */
function tokenRate(value: string | number): number {
  if (typeof value === 'number' || /^\s*[\d.]+\s*$/.test(value)) return positive(value);
  const rate = parseRate(value);
  if (!(rate > 0)) throw new Error('expected a positive rate');
  return rate;
}

/** A duration with its unit, or -1 / "forever" for never. */
function keepAliveSetting(value: string | number): number {
  if (value === -1 || value === '-1' || value === 'forever' || value === 'never') return Infinity;
  return parseDuration(value);
}

export function claudeOptions(input: Settings): ClaudeEmulatorOptions {
  const settings = mergeSettings(input);
  const d = CLAUDE_DEFAULTS;
  const ttft = field(settings, 'ttft', d.ttft.value, parseDuration);
  const ttftCv = field(settings, 'ttftCv', d.ttftCv.value, (v) => (typeof v === 'number' ? v : Number(v)));
  if (!(ttftCv >= 0)) throw new SettingError('ttftCv', 'expected a coefficient of variation >= 0');
  const options: ClaudeEmulatorOptions = {
    host: field(settings, 'host', '127.0.0.1', text),
    port: field(settings, 'port', 0, count(0)),
    seed: field(settings, 'seed', 1, count(0)),
    claude: {
      model: field(settings, 'model', d.model.value as string, text),
      limits: {
        rpm: field(settings, 'rpm', d.rpm.value as number, positive),
        itpm: field(settings, 'itpm', d.itpm.value as number, positive),
        otpm: field(settings, 'otpm', d.otpm.value as number, positive),
      },
      timeToFirstToken: ttftCv === 0 || ttft === 0 ? { kind: 'constant', value: ttft } : { kind: 'lognormal', mean: ttft, cv: ttftCv },
      outputRate: field(settings, 'outputRate', d.outputRate.value as number, tokenRate),
      overloadProbability: field(settings, 'overload', d.overload.value as number, parseFraction),
    },
    outputTokens: { kind: 'lognormal', mean: field(settings, 'outputMean', d.outputMean.value as number, positive), cv: 1 },
    maxTokensAccepted: field(settings, 'maxTokens', d.maxTokens.value as number, count(1)),
    limitWindow: field(settings, 'limitWindow', d.limitWindow.value as number, parseDuration),
  };
  const apiKey = settings.apiKey;
  if (apiKey !== undefined && apiKey !== null) options.apiKey = String(apiKey);
  if (!(options.limitWindow! > 0)) throw new SettingError('limitWindow', 'expected a positive duration');
  return options;
}

/** `NAME=WEIGHTS,KV_PER_TOKEN`, e.g. `llama3.1:8b=4.9GB,128KiB`. */
export function parseModelSpec(spec: string): { name: string } & LocalModelConfig {
  const m = /^([^=\s]+)=([^,]+),([^,]+)$/.exec(spec.trim());
  if (!m) throw new Error(`model "${spec}" is not NAME=WEIGHTS,KV_PER_TOKEN (e.g. llama3.1:8b=4.9GB,128KiB)`);
  return { name: m[1]!, weights: parseSize(m[2]!), kvBytesPerToken: parseSize(m[3]!) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function ollamaOptions(input: Settings): OllamaEmulatorOptions {
  const settings = mergeSettings(input);
  const d = OLLAMA_DEFAULTS;
  const vram = field(settings, 'vram', d.vram.value as number, parseSize);
  const speed: ModelOnGpu = {
    loadTime: field(settings, 'loadTime', d.loadTime.value as number, parseDuration),
    prefillRate: field(settings, 'prefillRate', d.prefillRate.value as number, tokenRate),
    decodeCurve: field(settings, 'decodeCurve', d.decodeCurve.value as [number, number][], (v) => parseCurve(String(v))),
  };
  const models: Record<string, LocalModelConfig> = {};
  const speeds: Record<string, ModelOnGpu> = {};
  // Flags: --model NAME=WEIGHTS,KV (repeatable). A file may instead give a map with per-model speeds.
  const raw = settings.model ?? settings.models;
  if (isRecord(raw)) {
    for (const [name, entry] of Object.entries(raw)) {
      if (!isRecord(entry)) throw new SettingError(`models.${name}`, 'expected weights, kvBytesPerToken and optional speeds');
      const where = (k: string) => `models.${name}.${k}`;
      const sub = mergeSettings(entry);
      try {
        models[name] = {
          weights: field(sub, 'weights', NaN, parseSize),
          kvBytesPerToken: field(sub, 'kvBytesPerToken', NaN, parseSize),
        };
      } catch (err) {
        throw new SettingError(where((err as SettingError).field ?? ''), (err as Error).message);
      }
      if (Number.isNaN(models[name]!.weights) || Number.isNaN(models[name]!.kvBytesPerToken)) {
        throw new SettingError(`models.${name}`, 'needs weights (e.g. 4.9GB) and kvBytesPerToken (e.g. 128KiB)');
      }
      speeds[name] = {
        loadTime: field(sub, 'loadTime', speed.loadTime, parseDuration),
        prefillRate: field(sub, 'prefillRate', speed.prefillRate, tokenRate),
        decodeCurve: field(sub, 'decodeCurve', speed.decodeCurve, (v) => parseCurve(String(v))),
      };
    }
  } else {
    const list = raw === undefined || raw === null ? [d.model.text] : Array.isArray(raw) ? raw.map(String) : [String(raw)];
    for (const spec of list) {
      let parsed: ReturnType<typeof parseModelSpec>;
      try {
        parsed = parseModelSpec(spec);
      } catch (err) {
        throw new SettingError('model', (err as Error).message);
      }
      models[parsed.name] = { weights: parsed.weights, kvBytesPerToken: parsed.kvBytesPerToken };
      speeds[parsed.name] = speed;
    }
  }
  const options: OllamaEmulatorOptions = {
    host: field(settings, 'host', '127.0.0.1', text),
    port: field(settings, 'port', 0, count(0)),
    seed: field(settings, 'seed', 1, count(0)),
    ollama: {
      numParallel: field(settings, 'numParallel', d.numParallel.value as number, count(1)),
      maxQueue: field(settings, 'maxQueue', d.maxQueue.value as number, count(0)),
      maxLoadedModels: field(settings, 'maxLoadedModels', d.maxLoadedModels.value as number, count(1)),
      keepAlive: field(settings, 'keepAlive', d.keepAlive.value as number, keepAliveSetting),
      models: Object.keys(models),
      numCtx: field(settings, 'numCtx', defaultNumCtx(vram), count(1)),
    },
    vram,
    models,
    speeds,
    outputTokens: { kind: 'lognormal', mean: field(settings, 'outputMean', d.outputMean.value as number, positive), cv: 1 },
  };
  const token = settings.token;
  if (token !== undefined && token !== null) options.token = String(token);
  return options;
}
