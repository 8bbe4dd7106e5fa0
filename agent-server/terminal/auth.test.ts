import { describe, expect, it } from 'vitest';
import { checkToken, constantTimeEqual, signJwt, tokenFromRequest, verifyJwt } from './auth.js';

const now = 1_700_000_000;
const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('tokens', () => {
  it('accepts a JWT for this agent or any agent until it expires', () => {
    expect(verifyJwt(signJwt({ agent: 'a1', exp: now + 10 }, 'k'), 'k', 'a1', now)).toEqual({ ok: true });
    expect(verifyJwt(signJwt({ agent: '*', exp: now + 10 }, 'k'), 'k', 'a1', now)).toEqual({ ok: true });
    expect(verifyJwt(signJwt({ agent: 'a1', exp: now }, 'k'), 'k', 'a1', now)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyJwt(signJwt({ agent: 'a2', exp: now + 10 }, 'k'), 'k', 'a1', now)).toEqual({ ok: false, reason: 'wrong agent' });
    expect(verifyJwt(signJwt({ agent: 'a1', exp: now + 10, nbf: now + 5 }, 'k'), 'k', 'a1', now)).toEqual({ ok: false, reason: 'not yet valid' });
  });

  it('refuses forged, tampered, unsigned and expiry-less tokens', () => {
    const good = signJwt({ agent: 'a1', exp: now + 10 }, 'k');
    expect(verifyJwt(good, 'other', 'a1', now).ok).toBe(false);
    const [h, , s] = good.split('.');
    expect(verifyJwt(`${h}.${b64({ agent: '*', exp: now + 10 })}.${s}`, 'k', 'a1', now)).toEqual({ ok: false, reason: 'bad signature' });
    expect(verifyJwt(`${b64({ alg: 'none' })}.${b64({ agent: 'a1', exp: now + 10 })}.`, 'k', 'a1', now).ok).toBe(false);
    expect(verifyJwt(signJwt({ agent: 'a1' } as never, 'k'), 'k', 'a1', now)).toEqual({ ok: false, reason: 'no expiry' });
    expect(verifyJwt('a.b', 'k', 'a1', now)).toEqual({ ok: false, reason: 'malformed token' });
  });

  it('checks a static token or a JWT, and needs none when neither is configured', () => {
    expect(checkToken(undefined, { agentId: 'a' })).toEqual({ ok: true });
    const config = { agentId: 'a', token: 'secret', jwtSecret: 'k' };
    expect(checkToken('secret', config, now).ok).toBe(true);
    expect(checkToken('secret2', config, now).ok).toBe(false);
    expect(checkToken(undefined, config, now)).toEqual({ ok: false, reason: 'no token' });
    expect(checkToken(signJwt({ agent: 'a', exp: now + 1 }, 'k'), config, now).ok).toBe(true);
    expect(constantTimeEqual('x', 'x')).toBe(true);
    expect(constantTimeEqual('x', 'xx')).toBe(false);
  });

  it('reads a bearer header before a query parameter', () => {
    expect(tokenFromRequest('Bearer abc', new URL('http://h/term?token=q'))).toBe('abc');
    expect(tokenFromRequest(undefined, new URL('http://h/term?token=q'))).toBe('q');
    expect(tokenFromRequest('Basic zzz', new URL('http://h/term'))).toBeUndefined();
  });
});
