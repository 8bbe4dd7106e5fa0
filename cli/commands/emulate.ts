// `agentscale emulate claude|ollama`: runs an emulator of the Claude Messages API or of the
// Ollama API until interrupted.

import { readFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import { parse as parseYaml } from 'yaml';
import {
  CLAUDE_DEFAULTS,
  OLLAMA_DEFAULTS,
  SettingError,
  claudeOptions,
  claudeOptionsFromScenario,
  mergeSettings,
  ollamaOptions,
  ollamaOptionsFromScenario,
  startClaudeEmulator,
  startOllamaEmulator,
  type ClaudeEmulatorOptions,
  type EmulatedScenario,
  type OllamaEmulatorOptions,
  type Settings,
  type Sourced,
} from '../../agent-server/index.js';
import { EXIT, UserError, formatBytes, info, warn } from '../../lib/index.js';
import { loadScenario, type ScenarioConfig } from '../../model/index.js';
import type { AnyCommand } from './index.js';

/**
 * A resolved scenario is what the emulators read (claudeOptionsFromScenario,
 * ollamaOptionsFromScenario): this fails to compile if model/config.ts and the emulators' option
 * types drift apart.
 */
export function emulatedScenario(config: ScenarioConfig): EmulatedScenario {
  return config;
}

function dflt(entry: Sourced<unknown>): string {
  return `[default: ${entry.text}; ${entry.source}]`;
}

const COMMON = {
  scenario: {
    type: 'string',
    describe: 'take the parameters from this scenario file, as the model reads them (only --host, --port, --seed and the key/token may be added)',
  },
  config: { type: 'string', describe: 'YAML file with the same settings as the options (camelCase or kebab-case keys, values with units); options given here override it' },
  host: { type: 'string', describe: 'address to bind [default: 127.0.0.1]; any other address requires a key/token' },
  port: { type: 'number', describe: 'TCP port [default: 0, a free port, printed on start]' },
  seed: { type: 'number', describe: 'seed of the reply text, lengths and timing draws [default: 1]' },
} as const;

async function loadSettings(file: string | undefined, section: string, argv: Record<string, unknown>, keys: string[]): Promise<Settings> {
  let fromFile: Settings | undefined;
  if (file) {
    let textContent: string;
    try {
      textContent = await readFile(file, 'utf8');
    } catch (err) {
      throw new UserError(`cannot read ${file}: ${(err as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = parseYaml(textContent);
    } catch (err) {
      throw new UserError(`${file} is not valid YAML: ${(err as Error).message}`);
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new UserError(`${file}: expected a mapping of settings`);
    const record = doc as Settings;
    const nested = record[section];
    fromFile = nested && typeof nested === 'object' && !Array.isArray(nested) ? (nested as Settings) : record;
  }
  const fromFlags: Settings = {};
  for (const key of keys) if (argv[key] !== undefined) fromFlags[key] = argv[key];
  return mergeSettings(fromFile, fromFlags);
}

/** Keys that --scenario leaves to the command line. */
const CONNECTION_KEYS = new Set(['host', 'port', 'seed', 'apiKey', 'token']);

/** Reads the scenario, refusing tuning flags that would silently disagree with it. */
async function scenarioFor(argv: Record<string, unknown>, keys: string[]): Promise<{ scenario: EmulatedScenario; connection: Settings }> {
  const file = argv.scenario as string;
  if (argv.config !== undefined) throw new UserError('--scenario and --config exclude each other: the scenario gives every parameter');
  const tuning = keys.filter((k) => !CONNECTION_KEYS.has(k) && argv[k] !== undefined);
  if (tuning.length > 0) {
    throw new UserError(`--scenario gives the emulator's parameters; drop ${tuning.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} or edit the scenario`);
  }
  const loaded = await loadScenario(file, argv.seed === undefined ? {} : { seed: argv.seed as number });
  const connection: Settings = {};
  for (const key of CONNECTION_KEYS) if (argv[key] !== undefined) connection[key] = argv[key];
  return { scenario: emulatedScenario(loaded.base), connection };
}

function connectionOf(settings: Settings): { host?: string; port?: number; apiKey?: string; token?: string } {
  const out: { host?: string; port?: number; apiKey?: string; token?: string } = {};
  if (settings.host !== undefined) out.host = String(settings.host);
  if (settings.port !== undefined) out.port = Number(settings.port);
  if (settings.apiKey !== undefined) out.apiKey = String(settings.apiKey);
  if (settings.token !== undefined) out.token = String(settings.token);
  return out;
}

function settingFailure(err: unknown, file: string | undefined): never {
  if (err instanceof SettingError) throw new UserError(`${file ? `${file}: ` : ''}${err.message}`);
  throw err;
}

async function runUntilSignal(name: string, handle: { url: string; close(): Promise<void>; stats(): unknown }): Promise<void> {
  process.stdout.write(`${handle.url}\n`);
  info(`${name} emulator listening on ${handle.url} (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await handle.close();
  info(`${name} emulator stopped: ${JSON.stringify(handle.stats())}`);
}

async function start<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const message = (err as Error).message;
    if (/needs a token/.test(message)) throw new UserError(message, EXIT.usage);
    throw new UserError(`cannot start the ${what} emulator: ${message}`, EXIT.failure);
  }
}

const C = CLAUDE_DEFAULTS;
const claudeKeys = ['host', 'port', 'seed', 'apiKey', 'model', 'rpm', 'itpm', 'otpm', 'ttft', 'ttftCv', 'outputRate', 'overload', 'maxTokens', 'outputMean', 'limitWindow'];

/** The Claude emulator's options from parsed arguments: a scenario, or defaults < --config < flags. */
export async function claudeOptionsFromArgv(argv: Record<string, unknown>): Promise<ClaudeEmulatorOptions> {
  if (argv.scenario !== undefined) {
    const { scenario, connection } = await scenarioFor(argv, claudeKeys);
    return { ...claudeOptionsFromScenario(scenario), ...connectionOf(connection) };
  }
  const file = argv.config as string | undefined;
  const settings = await loadSettings(file, 'claude', argv, claudeKeys);
  try {
    return claudeOptions(settings);
  } catch (err) {
    settingFailure(err, file);
  }
}

export const claudeCommand: AnyCommand = {
  command: 'claude',
  describe: 'emulate the Anthropic Messages API (POST /v1/messages, plain and SSE) with its rate limits and overloads',
  builder: (y: Argv) =>
    y
      .options(COMMON)
      .options({
        'api-key': { type: 'string', describe: 'the x-api-key clients must send [default: any non-empty key; required off loopback]' },
        model: { type: 'string', describe: `model name echoed in replies ${dflt(C.model)}` },
        rpm: { type: 'number', describe: `requests per minute limit ${dflt(C.rpm)}` },
        itpm: { type: 'number', describe: `input tokens per minute limit ${dflt(C.itpm)}` },
        otpm: { type: 'number', describe: `output tokens per minute limit (max_tokens reserved at start, unused part refunded) ${dflt(C.otpm)}` },
        ttft: { type: 'string', describe: `mean time to first token, a duration ${dflt(C.ttft)}` },
        'ttft-cv': { type: 'number', describe: `coefficient of variation of the (lognormal) time to first token; 0 = constant ${dflt(C.ttftCv)}` },
        'output-rate': { type: 'string', describe: `output tokens per second while streaming, e.g. 55/s ${dflt(C.outputRate)}` },
        overload: { type: 'string', describe: `probability of a 529 overloaded_error per request, e.g. 0.01 or 1% ${dflt(C.overload)}` },
        'max-tokens': { type: 'number', describe: `largest max_tokens accepted ${dflt(C.maxTokens)}` },
        'output-mean': { type: 'number', describe: `mean reply length before max_tokens caps it, tokens ${dflt(C.outputMean)}` },
        'limit-window': { type: 'string', describe: `period the limits refer to; shorten to compress time in tests ${dflt(C.limitWindow)}` },
      })
      .example('$0 emulate claude --port 8787 --rpm 50 --otpm 8000', 'then: ANTHROPIC_BASE_URL=http://127.0.0.1:8787 your-client'),
  handler: async (argv: Record<string, unknown>) => {
    const options = await claudeOptionsFromArgv(argv);
    const handle = await start('Claude', () => startClaudeEmulator(options));
    await runUntilSignal('Claude API', handle);
  },
};

const O = OLLAMA_DEFAULTS;
const ollamaKeys = ['host', 'port', 'seed', 'token', 'numParallel', 'maxQueue', 'maxLoadedModels', 'vram', 'numCtx', 'model', 'loadTime', 'keepAlive', 'decodeCurve', 'prefillRate', 'outputMean'];

/** The Ollama emulator's options from parsed arguments: a scenario, or defaults < --config < flags. */
export async function ollamaOptionsFromArgv(argv: Record<string, unknown>): Promise<OllamaEmulatorOptions> {
  if (argv.scenario !== undefined) {
    const { scenario, connection } = await scenarioFor(argv, ollamaKeys);
    try {
      return { ...ollamaOptionsFromScenario(scenario, argv.group as string | undefined), ...connectionOf(connection) };
    } catch (err) {
      throw new UserError(`${argv.scenario as string}: ${(err as Error).message}`);
    }
  }
  if (argv.group !== undefined) throw new UserError('--group picks a machine group of a --scenario');
  const file = argv.config as string | undefined;
  const settings = await loadSettings(file, 'ollama', argv, ollamaKeys);
  try {
    return ollamaOptions(settings);
  } catch (err) {
    settingFailure(err, file);
  }
}

export const ollamaCommand: AnyCommand = {
  command: 'ollama',
  describe: 'emulate an Ollama server on one GPU: /api/generate, /api/chat, /api/tags, /api/ps with its scheduler',
  builder: (y: Argv) =>
    y
      .options(COMMON)
      .options({
        group: { type: 'string', describe: "with --scenario: the machine group whose GPU and ollama settings to serve [default: the first group with both]" },
        token: { type: 'string', describe: 'bearer token clients must send (Authorization: Bearer ...) [default: none; required off loopback]' },
        'num-parallel': { type: 'number', describe: `concurrent requests per loaded model ${dflt(O.numParallel)}` },
        'max-queue': { type: 'number', describe: `requests waiting for a model load beyond this get 503 ${dflt(O.maxQueue)}` },
        'max-loaded-models': { type: 'number', describe: `models loaded at once ${dflt(O.maxLoadedModels)}` },
        vram: { type: 'string', describe: `GPU memory, a size ${dflt(O.vram)}` },
        'num-ctx': { type: 'number', describe: 'context per slot, tokens [default: by VRAM as Ollama: 4k below 24 GiB, 32k to 48 GiB, 256k above]' },
        model: { type: 'string', array: true, describe: `served model NAME=WEIGHTS,KV_PER_TOKEN (repeatable) ${dflt(O.model)}` },
        'load-time': { type: 'string', describe: `cold load time, a duration ${dflt(O.loadTime)}` },
        'keep-alive': { type: 'string', describe: `idle time before unloading, a duration; forever (or --keep-alive=-1) = never ${dflt(O.keepAlive)}` },
        'decode-curve': { type: 'string', describe: `aggregate decode tokens/s by concurrent streams, STREAMS:RATE,... ${dflt(O.decodeCurve)}` },
        'prefill-rate': { type: 'string', describe: `prompt processing rate, e.g. 4000/s ${dflt(O.prefillRate)}` },
        'output-mean': { type: 'number', describe: `mean reply length when a request sets no num_predict, tokens ${dflt(O.outputMean)}` },
      })
      .example('$0 emulate ollama --port 11434 --num-parallel 4 --model qwen3:8b=5.2GB,144KiB', 'then: OLLAMA_HOST=127.0.0.1:11434 ollama run qwen3:8b'),
  handler: async (argv: Record<string, unknown>) => {
    const options = await ollamaOptionsFromArgv(argv);
    for (const [name, size] of Object.entries(options.models)) {
      const need = size.weights + size.kvBytesPerToken * options.ollama.numCtx * options.ollama.numParallel;
      if (need > options.vram) {
        warn(
          `${name} needs ${formatBytes(need)} (weights + KV for ${options.ollama.numCtx} tokens x ${options.ollama.numParallel} slots), ` +
            `more than the ${formatBytes(options.vram)} of VRAM: its requests will get 500 (lower --num-ctx or --num-parallel)`,
        );
      }
    }
    const handle = await start('Ollama', () => startOllamaEmulator(options));
    await runUntilSignal('Ollama', handle);
  },
};

export const emulateCommand: AnyCommand = {
  command: 'emulate',
  describe: 'run an emulator of the Claude API or of Ollama on a GPU, for tests and validation runs',
  builder: (y: Argv) => y.command(claudeCommand).command(ollamaCommand).demandCommand(1, 'name a service: claude or ollama'),
  handler: () => undefined,
};
