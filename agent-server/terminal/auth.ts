// Who may open a terminal: a static shared secret or an HS256 JWT (expiry plus an agent claim).
// Every comparison runs in constant time over fixed-length digests so neither content nor
// length of the secret leaks through timing.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface AuthConfig {
  /** Static shared secret; a client presenting exactly this string is let in. */
  token?: string | undefined;
  /** HS256 key; a client presenting a JWT signed with it, unexpired, for this agent, is let in. */
  jwtSecret?: string | undefined;
  /** The server's agent id, which a JWT's `agent` claim must equal (or be `*`). */
  agentId: string;
}

export type AuthResult = { ok: true } | { ok: false; reason: string };

export function authRequired(config: AuthConfig): boolean {
  return Boolean(config.token) || Boolean(config.jwtSecret);
}

// Keyed with a per-process random key so equal-length digests are compared, not the raw strings.
const compareKey = randomBytes(32);

export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHmac('sha256', compareKey).update(a).digest();
  const db = createHmac('sha256', compareKey).update(b).digest();
  return timingSafeEqual(da, db);
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export interface JwtClaims {
  agent: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  [claim: string]: unknown;
}

/** Signs an HS256 JWT; for operators' token tooling and for tests. */
export function signJwt(claims: JwtClaims, secret: string): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

function parseJsonSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function verifyJwt(token: string, secret: string, agentId: string, nowSeconds: number): AuthResult {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed token' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${headerPart}.${payloadPart}`).digest();
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad signature' };
  const header = parseJsonSegment(headerPart);
  // The algorithm is fixed by the server, never chosen by the token ("alg":"none" is refused).
  if (!header || header.alg !== 'HS256') return { ok: false, reason: 'unsupported algorithm' };
  const claims = parseJsonSegment(payloadPart);
  if (!claims) return { ok: false, reason: 'malformed claims' };
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) return { ok: false, reason: 'no expiry' };
  if (claims.exp <= nowSeconds) return { ok: false, reason: 'expired' };
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds) return { ok: false, reason: 'not yet valid' };
  if (claims.agent !== '*' && claims.agent !== agentId) return { ok: false, reason: 'wrong agent' };
  return { ok: true };
}

export function checkToken(token: string | undefined, config: AuthConfig, nowSeconds = Date.now() / 1000): AuthResult {
  if (!authRequired(config)) return { ok: true };
  if (!token) return { ok: false, reason: 'no token' };
  if (config.token && constantTimeEqual(token, config.token)) return { ok: true };
  if (config.jwtSecret && token.split('.').length === 3) return verifyJwt(token, config.jwtSecret, config.agentId, nowSeconds);
  return { ok: false, reason: 'bad token' };
}

/** The token a request carries in `Authorization: Bearer …` or `?token=…`, if any. */
export function tokenFromRequest(authorization: string | undefined, url: URL): string | undefined {
  if (authorization) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (m) return m[1];
  }
  return url.searchParams.get('token') ?? undefined;
}
