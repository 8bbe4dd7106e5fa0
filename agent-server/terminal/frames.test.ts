import { describe, expect, it } from 'vitest';
import { classifyFrame } from './frames.js';
import { originAllowed, isLoopbackHost, optionsFromEnv } from './options.js';
import { TokenBucket } from './rate-limit.js';
import { isValidSessionName, tmuxSessionName } from './session-name.js';

const text = (s: string): Buffer => Buffer.from(s);

describe('client frames', () => {
  it('recognises the commands of the protocol', () => {
    expect(classifyFrame(text('{"type":"input","data":"ls\\r"}'), false)).toEqual({ kind: 'input', data: 'ls\r' });
    expect(classifyFrame(text('{"type":"resize","cols":120,"rows":40}'), false)).toEqual({ kind: 'resize', cols: 120, rows: 40 });
    expect(classifyFrame(text('{"type":"ping"}'), false)).toEqual({ kind: 'ping' });
    expect(classifyFrame(text('{"type":"auth","token":"t"}'), false)).toEqual({ kind: 'auth', token: 't' });
  });

  it('treats everything else as terminal input, including text that parses as JSON', () => {
    for (const s of ['7', '"x"', '[1]', 'null', '{"type":"other"}', '{"no":"type"}', '{"type":', 'ls -la\r']) {
      expect(classifyFrame(text(s), false)).toEqual({ kind: 'raw', data: s });
    }
    const bytes = Buffer.from([0x1b, 0x5b, 0x41, 0xff]);
    expect(classifyFrame(bytes, true)).toEqual({ kind: 'raw', data: bytes });
  });

  it('rejects commands with bad fields, such as absurd resizes', () => {
    for (const s of ['{"type":"resize","cols":0,"rows":24}', '{"type":"resize","cols":80,"rows":1e6}', '{"type":"resize","cols":80.5,"rows":24}', '{"type":"resize","cols":"80","rows":24}']) {
      expect(classifyFrame(text(s), false)).toEqual({ kind: 'invalid', reason: 'resize' });
    }
    expect(classifyFrame(text('{"type":"input","data":5}'), false)).toEqual({ kind: 'invalid', reason: 'input' });
  });
});

describe('limits and names', () => {
  it('restricts session names and maps them as tmux does', () => {
    expect(isValidSessionName('agent-1.main_2')).toBe(true);
    for (const bad of ['', 'a b', 'a:b', '../x', 'x'.repeat(65), 'é', 'a;rm']) expect(isValidSessionName(bad)).toBe(false);
    expect(tmuxSessionName('a.b')).toBe('a_b');
  });

  it('spends a token bucket and refills it at its rate', () => {
    let t = 0;
    const bucket = new TokenBucket(100, 50, () => t);
    expect(bucket.take(50)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    t = 0.2; // 20 tokens back
    expect(bucket.take(20)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    t = 100;
    expect(bucket.take(51)).toBe(false); // never more than the burst
  });

  it('allows loopback pages by default and only listed origins otherwise', () => {
    expect(originAllowed(undefined, undefined)).toBe(true);
    expect(originAllowed('http://localhost:23000', undefined)).toBe(true);
    expect(originAllowed('http://127.0.0.1:3000', undefined)).toBe(true);
    expect(originAllowed('https://evil.example', undefined)).toBe(false);
    expect(originAllowed('https://dash.example', ['https://dash.example'])).toBe(true);
    expect(originAllowed('https://evil.example', ['https://dash.example'])).toBe(false);
    expect(originAllowed('https://any.example', ['*'])).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
  });

  it('reads the environment variables of the container server', () => {
    expect(optionsFromEnv({ AGENT_PORT: '23001', AGENT_ID: 'x', TMUX_SESSION_NAME: 's', WORKSPACE: '/w', AI_TOOL: 'claude', AIMAESTRO_HOST_URL: 'http://h' }))
      .toEqual({ port: 23001, agentId: 'x', sessionName: 's', workspace: '/w', command: 'claude', hostUrl: 'http://h' });
  });
});

describe('pre-built text frames', () => {
  it('frames payloads of every length class as ws itself would', async () => {
    const { textFrame } = await import('./client.js');
    // ws's own frame parser (not in its type declarations).
    type Parser = { write(chunk: Buffer): boolean; on(event: string, listener: (...args: never[]) => void): unknown };
    const { Receiver } = (await import('ws')) as unknown as { Receiver: new (options: { isServer: boolean }) => Parser };
    for (const n of [0, 5, 125, 126, 65535, 65536, 200_000]) {
      const payload = Buffer.alloc(n, 'a');
      const got = await new Promise<Buffer>((resolve, reject) => {
        const receiver = new Receiver({ isServer: false });
        receiver.on('message', (data: Buffer, isBinary: boolean) => (isBinary ? reject(new Error('binary')) : resolve(data)));
        receiver.on('error', reject);
        receiver.write(textFrame(payload));
      });
      expect(got.equals(payload)).toBe(true);
    }
  });
});
