import { describe, expect, it } from 'vitest';
import { claudeOptions, mergeSettings, ollamaOptions, parseModelSpec } from './config.js';
import { CLAUDE_DEFAULTS, OLLAMA_DEFAULTS } from './defaults.js';

describe('emulator settings', () => {
  it('gives the documented defaults when nothing is set', () => {
    const claude = claudeOptions({});
    expect(claude.claude.limits).toEqual({ rpm: 50, itpm: 30_000, otpm: 8000 });
    expect(claude.claude.timeToFirstToken).toEqual({ kind: 'lognormal', mean: CLAUDE_DEFAULTS.ttft.value, cv: CLAUDE_DEFAULTS.ttftCv.value });
    expect(claude.claude.outputRate).toBe(55);
    expect(claude.host).toBe('127.0.0.1');
    const ollama = ollamaOptions({});
    expect(ollama.ollama).toMatchObject({ numParallel: 1, maxQueue: 512, keepAlive: 300, numCtx: 32_768, models: ['llama3.1:8b'] });
    expect(ollama.vram).toBe(24 * 1024 ** 3);
    expect(ollama.speeds['llama3.1:8b']!.decodeCurve).toEqual(OLLAMA_DEFAULTS.decodeCurve.value);
  });

  it('reads quantities with units, kebab-case keys, and lets later sources win', () => {
    const settings = mergeSettings({ 'output-rate': '60/s', ttft: '500ms', 'ttft-cv': 0, rpm: 10 }, { rpm: 20 });
    const claude = claudeOptions(settings);
    expect(claude.claude.outputRate).toBe(60);
    expect(claude.claude.timeToFirstToken).toEqual({ kind: 'constant', value: 0.5 });
    expect(claude.claude.limits.rpm).toBe(20);
    expect(claudeOptions({ overload: '2%' }).claude.overloadProbability).toBeCloseTo(0.02, 12);

    const ollama = ollamaOptions(
      mergeSettings({ vram: '16GiB', 'keep-alive': '-1', model: ['a:7b=4GB,64KiB', 'b:3b=2GB,32KiB'], 'decode-curve': '1:50,2:90', 'load-time': '2s' }),
    );
    expect(ollama.ollama.numCtx).toBe(4096);
    expect(ollama.ollama.keepAlive).toBe(Infinity);
    expect(ollama.models).toEqual({ 'a:7b': { weights: 4e9, kvBytesPerToken: 65536 }, 'b:3b': { weights: 2e9, kvBytesPerToken: 32768 } });
    expect(ollama.speeds['b:3b']).toEqual({ loadTime: 2, prefillRate: 4000, decodeCurve: [[1, 50], [2, 90]] });
  });

  it('takes a per-model map from a file', () => {
    const ollama = ollamaOptions({ models: { 'q:8b': { weights: '5GB', 'kv-bytes-per-token': '144KiB', loadTime: '3s' } } });
    expect(ollama.models['q:8b']).toEqual({ weights: 5e9, kvBytesPerToken: 144 * 1024 });
    expect(ollama.speeds['q:8b']!.loadTime).toBe(3);
  });

  it('names the setting that is wrong', () => {
    expect(() => claudeOptions({ rpm: -1 })).toThrow(/^rpm: expected a positive number/);
    expect(() => claudeOptions({ ttft: '2' })).toThrow(/^ttft: expected a duration/);
    expect(() => claudeOptions({ overload: 2 })).toThrow(/^overload:/);
    expect(() => ollamaOptions({ 'decode-curve': '1-98' })).toThrow(/decodeCurve/);
    expect(() => ollamaOptions({ model: 'llama' })).toThrow(/^model: model "llama" is not NAME=WEIGHTS,KV_PER_TOKEN/);
    expect(() => ollamaOptions({ models: { q: { weights: '5GB' } } })).toThrow(/models.q/);
    expect(() => parseModelSpec('a=4GB,lots')).toThrow(/a size/);
  });
});
